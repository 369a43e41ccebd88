"""The returns service: give back (part of) a sale made on this terminal (docs/returns.md).

:meth:`ReturnsService.find_sale` looks a sale up by its receipt number and starts a
return request (a fresh ``request_id``). :meth:`ReturnsService.refund` checks the
selection with the refund rules (:mod:`store_client.domain.refunds`) and asks for the
``return.process`` permission (a cashier needs a manager's approval).

Without a mobile refund, ONE transaction writes the return, its lines, its refund
tenders, the ``return.completed`` outbox event and the audit entry.

With a mobile refund the money leaves through a provider that may fail or not answer,
so the return is recorded first: one transaction writes it as ``paying`` (its
quantities and tender amounts are then reserved: no other request, on this or another
process, can return them again). The provider is then asked, keyed by the return's id
(a retry is answered with the first result, never paid twice); a second transaction
completes the return with the provider's reference, the outbox event and the audit
entry, or cancels it when the provider declines. A return left ``paying`` (no answer,
a crash) is finished before any other return is looked up or made, by asking the
provider again with the same key.

The return receipt is queued for printing after the commit; its drawer kick opens the
drawer when cash is refunded.
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from printers import text_render
from store_client.clock import Clock, iso, parse_iso
from store_client.domain import points as pts
from store_client.domain import refunds as rf
from store_client.domain import return_policy as rp
from store_client.domain.money import Money
from store_client.domain.roles import Decision, Permission, decide
from store_client.persistence.db import Database
from store_client.persistence.models import (
    Return,
    ReturnLine,
    ReturnTender,
    Sale,
    SaleLine,
    SaleTender,
)
from store_client.services import credit_refunds, members, return_rules, shift_reports, stock
from store_client.services.aisle import AisleService
from store_client.services.auth import Actor
from store_client.services.authorization import GrantGone
from store_client.services.checkout import RECEIPT_NO
from store_client.services.errors import Conflict, InvalidInput, NotFound, ServiceError
from store_client.services.payments import PaymentAdapter
from store_client.services.return_views import (
    REASONS,
    CompletedReturn,
    RefundedTender,
    ReturnableLine,
    ReturnFacts,
    ReturnRequest,
    SaleForReturn,
    payload,
    receipt_document,
)
from sync.terminal import outbox
from sync.protocol.events import CURRENT_VERSION, validate

log = logging.getLogger(__name__)
EVENT_KIND = "return.completed"
PAYING, COMPLETED, CANCELLED = "paying", "completed", "cancelled"
MAX_REASON = 200
MAX_REFERENCE = 40


class _AlreadyDone(Exception):
    """Inside the write: this request's return was committed meanwhile (roll back, read it)."""


def return_number(store_id: str, terminal_id: str, seq: int) -> str:
    """``S001-T01-R000001``: never a receipt number (its last part is not all digits)."""
    return f"{store_id}-{terminal_id}-R{seq:06d}"


def _valid_uuid(text: object) -> bool:
    try:
        return isinstance(text, str) and str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False



class ReturnsService:
    def __init__(self, db: Database, clock: Clock, audit, authorizer, *, config,  # type: ignore[no-untyped-def]
                 print_queue=None, payments: PaymentAdapter | None = None) -> None:
        self.db, self.clock, self.audit, self.authorizer = db, clock, audit, authorizer
        self.config, self.print_queue, self.payments = config, print_queue, payments
        self._lock = threading.Lock()

    # -- looking a sale up ------------------------------------------------------------------
    def _may_return(self, actor: Actor) -> None:
        """Looking up is allowed to whoever may return with an approval; the approval itself
        is asked for only when the refund is made."""
        role = self.authorizer.current_role(actor)
        if role is None or decide(role, Permission.RETURN_PROCESS) is Decision.DENY:
            self.authorizer.require(actor, Permission.RETURN_PROCESS)  # audits and raises

    def find_sale(self, actor: Actor, receipt_no: str) -> SaleForReturn:
        """The sale with this receipt number, ready for a new return request."""
        self._may_return(actor)
        code = receipt_no.strip() if isinstance(receipt_no, str) else ""
        if not code:
            raise InvalidInput("receipt_no", "Scan or type the receipt number.",
                               code="return.receipt_required")
        if not RECEIPT_NO.fullmatch(code):
            raise InvalidInput("receipt_no", f"{code[:40]} is not a receipt number "
                               "(like S001-T01-000123).", code="return.not_a_receipt",
                               params={"receipt": code[:40]})
        with self._lock:
            self._finish_pending()  # what it shows must count a return that was left paying
        with self.db.read() as s:
            sale = s.scalars(select(Sale).where(Sale.receipt_no == code)).one_or_none()
            if sale is None:
                raise NotFound(
                    f"Receipt {code} was not sold on this terminal ({self.config.terminal_id}): "
                    "another till's sale or an online order is returned through HQ "
                    "(services/cross_returns.py).", code="return.receipt_unknown", params={"receipt": code})
            return self._load(s, sale, str(uuid.uuid4()))

    def _load(self, s: Session, sale: Sale, request_id: str) -> SaleForReturn:
        returned = dict(s.execute(
            select(ReturnLine.line_no, func.sum(ReturnLine.quantity))
            .join(Return, Return.id == ReturnLine.return_id)
            .where(Return.sale_id == sale.id, Return.status != CANCELLED)
            .group_by(ReturnLine.line_no)).all())
        lines = tuple(
            ReturnableLine(row.line_no, row.sku, row.name_zh, row.name_en, row.unit,
                           rf.SoldLine(row.line_no, row.quantity, row.net_fen,
                                       weighed=row.unit == "kg",
                                       returned_quantity=int(returned.get(row.line_no, 0))))
            for row in s.scalars(select(SaleLine).where(SaleLine.sale_id == sale.id)
                                 .order_by(SaleLine.line_no)))
        refunded = {seq: (int(amount), int(points)) for seq, amount, points in s.execute(
            select(ReturnTender.seq, func.sum(ReturnTender.amount_fen), func.sum(ReturnTender.points))
            .join(Return, Return.id == ReturnTender.return_id)
            .where(Return.sale_id == sale.id, Return.status != CANCELLED)
            .group_by(ReturnTender.seq)).all()}
        rows = list(s.scalars(select(SaleTender).where(SaleTender.sale_id == sale.id)
                              .order_by(SaleTender.seq)))
        paid = rf.paid_by_tender([(t.kind, t.amount_fen) for t in rows], sale.change_fen)
        tenders = tuple(rf.PaidTender(t.seq, t.kind, amount, refunded.get(t.seq, (0, 0))[0],
                                      t.points or 0, refunded.get(t.seq, (0, 0))[1], t.reference)
                        for t, amount in zip(rows, paid, strict=True))
        reversed_before = int(s.scalar(select(func.coalesce(func.sum(Return.points_reversed), 0))
                                       .where(Return.sale_id == sale.id,
                                              Return.status != CANCELLED)) or 0)
        kinds = return_rules.categories(s, (line.sku for line in lines))
        verdicts = return_rules.verdicts(self.config, self.clock.now(),
                                         ((line.line_no, kinds.get(line.sku)) for line in lines),
                                         channel="store", sold_at=sale.completed_at)
        return SaleForReturn(
            request_id=request_id, sale_id=sale.id, receipt_no=sale.receipt_no,
            completed_at=sale.completed_at, total_fen=sale.total_fen, member_id=sale.member_id,
            points_earned=sale.points_earned,
            points_cap=self._points_cap(s, sale, reversed_before),
            lines=lines, tenders=tenders, verdicts=verdicts)

    @staticmethod
    def _points_cap(s: Session, sale: Sale, reversed_before: int) -> int:
        """Earned points a return may still take back: what the sale earned and was not yet
        reversed, and never more than the member has (the balance never goes below zero)."""
        left = max(0, sale.points_earned - reversed_before)
        if not left or sale.member_id is None:
            return left
        member = members.get(s, sale.member_id)
        if member is None:  # not known here: HQ keeps the balance from going negative
            return left
        query = select(func.coalesce(func.sum(Sale.points_earned), 0)).where(
            Sale.member_id == member.member_id)
        as_of = members.utc_text(member.balance_as_of)
        if as_of is not None:
            query = query.where(Sale.completed_at > as_of)
        earned_since = int(s.scalar(query) or 0)
        have = pts.available_points(member.points_balance + earned_since,
                                    members.pending_redemptions(s, member))
        return min(left, have)

    # -- the return ---------------------------------------------------------------------------
    def _check(self, request: ReturnRequest) -> ReturnRequest:
        if not isinstance(request, ReturnRequest) or not _valid_uuid(request.request_id):
            raise InvalidInput("request_id", "Start the return again (no valid request).",
                               code="return.restart")
        if request.reason_code not in REASONS:
            raise InvalidInput("reason", "Choose the reason for the return.",
                               code="return.reason_required")
        text = request.reason_text.strip() if isinstance(request.reason_text, str) else ""
        if request.reason_code == "other" and not text:
            raise InvalidInput("reason", "Describe the reason for the return.",
                               code="return.reason_text_required")
        card = request.card_reference.strip() if isinstance(request.card_reference, str) else None
        if card is not None and len(card) > MAX_REFERENCE:
            raise InvalidInput("card_reference", "A card reference is at most 40 characters.",
                               code="tender.reference_too_long")
        lines = request.lines if isinstance(request.lines, (tuple, list)) else None
        if lines is None or len(lines) > 500 or not all(
                isinstance(item, (tuple, list)) and len(item) == 2 for item in lines):
            raise InvalidInput("lines", "Select the items to return with their quantities.",
                               code="refund.nothing_selected")
        return ReturnRequest(request.request_id, str(request.sale_id),
                             tuple((no, qty) for no, qty in lines), request.reason_code,
                             text[:MAX_REASON], card or None, request.dispositions, request.line_reasons,
                             request.override is True)

    def _policy(self, actor: Actor, sale: SaleForReturn, request: ReturnRequest
                ) -> tuple[dict[int, str], dict[int, str], tuple[int, ...]]:
        """Each line's disposition and reason, and the lines a manager overrides; a refusal
        (window passed, non-returnable, unknown disposition) is audited and writes nothing."""
        chosen = return_rules.dispositions(request.dispositions, request.lines, request.reason_code)
        reasons = return_rules.line_reasons(request.line_reasons, request.lines, request.reason_code, REASONS)
        try:
            if reasons is None:
                raise InvalidInput("reason", "Choose the reason for the return.", code="return.reason_required")
            overridden = return_rules.check(sale.verdicts, request.lines, chosen, override=request.override)
        except ServiceError as exc:
            with self.db.transaction() as s:
                self.audit.append(s, operator_id=actor.operator_id, action="return.refused",
                                  target=sale.receipt_no, details={"code": exc.code, "message": exc.message[:200]})
            raise
        return {n: str(d) for n, d in chosen.items()}, reasons, overridden

    def _plan(self, sale: SaleForReturn, request: ReturnRequest) -> rf.RefundPlan:
        try:
            return sale.plan(request.lines)
        except rf.RefundError as exc:
            raise InvalidInput("lines", exc.message, code=f"refund.{exc.code.value}") from None

    def _sale_state(self, s: Session, request: ReturnRequest) -> SaleForReturn:
        sale = s.get(Sale, request.sale_id)
        if sale is None:
            raise NotFound("That sale is not on this terminal.", code="return.sale_unknown")
        return self._load(s, sale, request.request_id)

    def refund(self, actor: Actor, request: ReturnRequest, grant=None) -> CompletedReturn:  # type: ignore[no-untyped-def]
        """Make the return. The same ``request_id`` again returns the first return's result
        (``repeated``) and refunds nothing more."""
        self._may_return(actor)
        request = self._check(request)
        with self._lock:
            self._finish_pending()
            done = self.completed(request.request_id)
            if done is not None:
                return done
            with self.db.read() as s:
                sale = self._sale_state(s, request)
                waiting = AisleService.not_handed_over(s, request.sale_id) & {no for no, _qty in request.lines}
            if waiting:  # endless aisle: the customer does not have these goods yet
                raise InvalidInput("lines", f"Line {min(waiting)} was ordered from another site and is "
                                   "not handed over yet.", code="return.aisle_not_handed_over",
                                   params={"line": str(min(waiting))})
            plan = self._plan(sale, request)
            chosen, reasons, overridden = self._policy(actor, sale, request)
            kinds = {t.kind for t in plan.tenders}
            if "exchange" in kinds:  # docs/returns.md, "Exchanges"
                raise InvalidInput("lines", "Part of this refund would come out of an exchange credit: "
                                   "exchange the items again instead.", code="refund.exchange_credit")
            if "card" in kinds and not request.card_reference:
                amount = sum(t.amount_fen for t in plan.tenders if t.kind == "card")
                raise InvalidInput("card_reference", f"Refund {Money(amount, self.config.currency)} on the card "
                                   "terminal and enter its refund reference.",
                                   code="return.card_reference_required",
                                   params={"amount_fen": amount})
            if "mobile" in kinds and (self.payments is None or not self.payments.available()):
                raise ServiceError("Mobile payment is unavailable (offline): the mobile part of "
                                   "this refund cannot be paid back now. Try again when online.",
                                   code="mobile.refund_offline")
            with self.db.read() as s:  # before an approval is used up
                shift_reports.require_open_shift(s, self.config)
            # the approval is used up in the return's own transaction: a write that fails leaves it
            deferred = return_rules.require(self.authorizer, actor, grant, overridden, defer=True)
            refs = {t.seq: request.card_reference for t in plan.tenders if t.kind == "card"}
            refs.update(credit_refunds.references(plan.tenders))  # back onto the note it paid with
            status = PAYING if "mobile" in kinds else COMPLETED
            override = return_rules.override_details(overridden, sale.verdicts, grant)
            try:
                with self.db.transaction() as s:
                    self.authorizer.consume_in(s, deferred)
                    facts = self._write(s, actor, grant, request, plan, refs, status, (chosen, reasons, override))
            except GrantGone as gone:  # used by another action meanwhile: nothing was written
                self.authorizer.refuse_gone(gone)
            except (_AlreadyDone, IntegrityError):  # the same request, written meanwhile
                self._finish_pending()
                done = self.completed(request.request_id)
                if done is None:
                    raise
                return done
            if status == PAYING:
                facts = self._pay_and_complete(facts)
        return self._after_commit(facts)

    # -- a return with a mobile refund: recorded, paid, then completed -----------------------
    def _pay_and_complete(self, facts: ReturnFacts) -> ReturnFacts:
        """Ask the provider for every mobile part of a ``paying`` return (keyed by the return,
        so asking again is answered, not paid again), then complete or cancel it."""
        assert self.payments is not None
        refs = dict(facts.tender_refs)
        for t in facts.plan.tenders:
            if t.kind != "mobile" or refs.get(t.seq):
                continue
            original = t.original_reference or ""
            prefix, _, transaction = original.partition(":")
            try:
                result = self.payments.refund(transaction or original, t.amount_fen,
                                              f"{facts.return_id}:{t.seq}")
            except Exception as exc:  # noqa: BLE001 (any adapter failure = no answer: keep it paying, ask again)
                log.warning("mobile refund for return %s did not answer: %r", facts.return_no, exc)
                raise ServiceError(
                    f"The mobile refund for return {facts.return_no} did not answer. The return "
                    "is kept and is finished (or cancelled) before the next return.",
                    code="mobile.refund_pending", params={"return_no": facts.return_no}) from None
            if not result.ok or not result.transaction_id:
                self._cancel(facts, result.message or "declined")
                raise ServiceError(f"The mobile refund failed: {result.message}. Nothing was "
                                   "refunded; the return is cancelled.",
                                   code="mobile.refund_declined")
            refs[t.seq] = (f"{prefix}:" if transaction else "") + result.transaction_id
        facts = replace(facts, tender_refs=refs, completed_at=self.clock.now())
        with self.db.transaction() as s:
            self._complete(s, facts)
        return facts

    def _finish_pending(self) -> None:
        """Finish the returns left ``paying`` (a crash, a provider that did not answer)."""
        with self.db.read() as s:
            pending = list(s.scalars(select(Return.id).where(Return.status == PAYING)))
        for return_id in pending:
            if self.payments is None or not self.payments.available():
                log.warning("return %s waits for the mobile provider (offline)", return_id)
                continue
            with self.db.read() as s:
                facts = self._facts_from_db(s, return_id)
            try:
                facts = self._pay_and_complete(facts)  # with the provider's reference
            except ServiceError as exc:
                log.warning("pending return %s not finished: %s", facts.return_no, exc)
                continue
            except _AlreadyDone:  # completed by another caller meanwhile (it printed it)
                continue
            self._after_commit(facts)

    def _cancel(self, facts: ReturnFacts, why: str) -> None:
        with self.db.transaction() as s:
            row = s.get(Return, facts.return_id)
            if row is None or row.status != PAYING:
                return
            row.status = CANCELLED
            self.audit.append(s, operator_id=row.operator_id, action="return.cancelled",
                              target=row.id, details={"return_no": row.return_no,
                                                      "reason": str(why)[:200]})

    def _complete(self, s: Session, facts: ReturnFacts) -> None:
        """The return's outbox event and audit entry, and its status: in the caller's
        transaction (with the return's own rows for a return without a mobile part)."""
        row = s.get(Return, facts.return_id)
        if row is None or row.status == COMPLETED:
            raise _AlreadyDone
        when = iso(facts.completed_at)
        event_payload = payload(facts, when)
        version = CURRENT_VERSION[EVENT_KIND]
        validate(EVENT_KIND, version, event_payload)  # fail at the till, not at HQ
        event = outbox.enqueue(s, EVENT_KIND, event_payload, schema_version=version,
                               clock=self.clock)
        request = facts.request
        row.status, row.completed_at, row.outbox_event_id = COMPLETED, when, event.event_id
        shift = shift_reports.open_shift(s, row.terminal_id)
        if shift is not None:  # the money leaves now: a refund finished late is this shift's
            row.shift_id = shift.id
        # only what goes back to stock is sellable again (domain/return_policy.movements)
        skus = dict(s.execute(select(SaleLine.line_no, SaleLine.sku).where(SaleLine.sale_id == row.sale_id)).all())
        stock.record(s, rp.movements(((skus[r.line_no], r.quantity, facts.dispositions.get(r.line_no, rp.RESTOCK))
                                      for r in facts.plan.lines), f"return:{row.id}", facts.completed_at),
                     store_id=facts.store_id, terminal_id=facts.terminal_id, clock=self.clock, event=False)
        for tender in s.scalars(select(ReturnTender).where(ReturnTender.return_id == row.id)):
            tender.reference = facts.tender_refs.get(tender.seq, tender.reference)
        credit_refunds.restore_own(s, facts.plan.tenders)
        plan = facts.plan
        self.audit.append(s, operator_id=row.operator_id, action="return.completed",
                          target=row.id, details={
                              "return_no": row.return_no, "sale_id": row.sale_id,
                              "receipt_no": row.receipt_no, "refund_fen": plan.total_fen,
                              "lines": [[r.line_no, r.quantity, r.refund_fen] for r in plan.lines],
                              "tenders": [[t.kind, t.amount_fen] for t in plan.tenders],
                              "reason": request.reason_code,
                              "dispositions": [[r.line_no, facts.dispositions.get(r.line_no, rp.RESTOCK)]
                                               for r in plan.lines],
                              "approved_by": row.approved_by,
                              "override": facts.override,
                              "request_id": request.request_id,
                              **({"exchange_id": facts.exchange["exchange_id"]} if facts.exchange else {})})

    def _write(self, s: Session, actor: Actor, grant, request: ReturnRequest,  # type: ignore[no-untyped-def]
               plan: rf.RefundPlan, refs: dict[int, str | None], status: str,
               policy: tuple[dict[int, str], dict[int, str], dict | None], *,
               priced_as: rf.RefundPlan | None = None, return_id: str | None = None,
               exchange: dict | None = None) -> ReturnFacts:
        """The return's rows; completed at once (``status`` COMPLETED) or left ``paying``.
        ``policy``: each line's disposition and reason, and a manager's override (audited).
        An exchange (services/exchanges.py) passes its id, the plan as the refund rules priced
        it (``priced_as``: checked against the sale as it is now) and its credit per tender."""
        if s.scalar(select(Return.id).where(Return.request_id == request.request_id)) is not None:
            raise _AlreadyDone  # the same request, committed by another caller meanwhile
        sale = self._sale_state(s, request)
        if self._plan(sale, request) != (priced_as or plan):
            raise Conflict("The sale was returned meanwhile; look the receipt up again.",
                           code="return.changed_meanwhile")
        shift_id = shift_reports.require_open_shift(s, self.config)
        seq = int(s.scalar(select(func.coalesce(func.max(Return.return_seq), 0))
                           .where(Return.terminal_id == self.config.terminal_id)) or 0) + 1
        facts = ReturnFacts(
            return_id=return_id or str(uuid.uuid4()), request=request,
            return_no=return_number(self.config.store_id, self.config.terminal_id, seq),
            return_seq=seq, receipt_no=sale.receipt_no, store_id=self.config.store_id,
            store_name=self.config.values.get("store.name", ""),
            terminal_id=self.config.terminal_id, operator_id=actor.operator_id,
            operator_name=actor.name, approved_by=grant.approved_by if grant else None,
            member_id=sale.member_id, completed_at=self.clock.now(), plan=plan,
            lines={line.line_no: line for line in sale.lines}, tender_refs=refs,
            currency=self.config.currency, dispositions=policy[0], line_reasons=policy[1],
            locale=self.config.locale, override=policy[2], exchange=exchange)
        s.add(Return(
            id=facts.return_id, request_id=request.request_id, return_no=facts.return_no,
            return_seq=seq, sale_id=request.sale_id, receipt_no=sale.receipt_no,
            store_id=facts.store_id, terminal_id=facts.terminal_id, operator_id=actor.operator_id,
            approved_by=facts.approved_by, member_id=sale.member_id,
            reason_code=request.reason_code, reason_text=request.reason_text,
            completed_at=iso(facts.completed_at), refund_fen=plan.total_fen,
            points_refunded=plan.points_refunded, points_reversed=plan.points_reversed,
            outbox_event_id="", print_job_id=None, status=PAYING, shift_id=shift_id))
        s.flush()
        s.add_all([ReturnLine(return_id=facts.return_id, line_no=r.line_no, quantity=r.quantity,
                              refund_fen=r.refund_fen, disposition=facts.dispositions.get(r.line_no, rp.RESTOCK),
                              reason_code=facts.line_reasons.get(r.line_no)) for r in plan.lines])
        s.add_all([ReturnTender(return_id=facts.return_id, seq=t.seq, kind=t.kind,
                                amount_fen=t.amount_fen, points=t.points,
                                reference=refs.get(t.seq),
                                credit_fen=(exchange or {}).get("credits", {}).get(t.seq, 0))
                    for t in plan.tenders])
        s.flush()
        if status == COMPLETED:
            self._complete(s, facts)
        return facts

    def _after_commit(self, facts: ReturnFacts) -> CompletedReturn:
        """Print the receipt (its drawer kick opens the drawer for cash). Nothing here may make
        the caller believe the committed return failed: a receipt can be reprinted."""
        job_id, text = None, ""
        try:
            document = receipt_document(facts)
            text = text_render.render(document, 48)
        except Exception:
            log.exception("return receipt %s could not be laid out", facts.return_no)
        else:
            job_id = self._queue(document, facts)
        return CompletedReturn(
            facts.return_id, facts.return_no, facts.receipt_no, facts.plan.total_fen,
            tuple(RefundedTender(t.kind, t.amount_fen, t.points, facts.tender_refs.get(t.seq))
                  for t in facts.plan.tenders),
            facts.plan.points_refunded, facts.plan.points_reversed, job_id, text)

    def _queue(self, document: Any, facts: ReturnFacts) -> int | None:
        if self.print_queue is None:
            return None
        try:
            job_id = self.print_queue.submit("return", document, title=f"return {facts.return_no}")
            with self.db.transaction() as s:
                row = s.get(Return, facts.return_id)
                if row is not None:
                    row.print_job_id = job_id
            return job_id
        except Exception:  # the printer side must not fail a committed return
            log.exception("return receipt %s could not be queued", facts.return_no)
            return None

    def reprint(self, actor: Actor, return_id: str) -> int | None:
        """Print a return receipt again, marked REPRINT (no drawer kick); audited."""
        self._may_return(actor)
        with self.db.transaction() as s:
            facts = self._facts_from_db(s, return_id)
            self.audit.append(s, operator_id=actor.operator_id, action="return.reprinted",
                              target=return_id, details={"return_no": facts.return_no})
        if self.print_queue is None:
            return None
        document = receipt_document(facts, reprint=True)
        return self.print_queue.submit("return", document, title=f"return {facts.return_no} (reprint)")

    def _facts_from_db(self, s: Session, return_id: str) -> ReturnFacts:
        row = s.get(Return, return_id) if isinstance(return_id, str) else None
        if row is None:
            raise NotFound("That return does not exist on this terminal.", code="return.unknown")
        lines = list(s.scalars(select(ReturnLine).where(ReturnLine.return_id == row.id)
                               .order_by(ReturnLine.line_no)))
        tenders = list(s.scalars(select(ReturnTender).where(ReturnTender.return_id == row.id)
                                 .order_by(ReturnTender.seq)))
        sold = {r.line_no: r for r in s.scalars(select(SaleLine).where(SaleLine.sale_id == row.sale_id))}
        originals = {t.seq: t.reference for t in s.scalars(
            select(SaleTender).where(SaleTender.sale_id == row.sale_id))}
        plan = rf.RefundPlan(
            tuple(rf.LineRefund(r.line_no, r.quantity, r.refund_fen) for r in lines),
            tuple(rf.TenderRefund(t.seq, t.kind, t.amount_fen, t.points, originals.get(t.seq))
                  for t in tenders), row.refund_fen, row.points_refunded, row.points_reversed)
        views = {n: ReturnableLine(n, x.sku, x.name_zh, x.name_en, x.unit,
                                   rf.SoldLine(n, x.quantity, x.net_fen, weighed=x.unit == "kg"))
                 for n, x in sold.items()}
        return ReturnFacts(
            return_id=row.id, request=ReturnRequest(row.request_id, row.sale_id,
                                                    tuple((r.line_no, r.quantity) for r in lines),
                                                    row.reason_code, row.reason_text),
            return_no=row.return_no, return_seq=row.return_seq, receipt_no=row.receipt_no,
            store_id=row.store_id, store_name=self.config.values.get("store.name", ""),
            terminal_id=row.terminal_id, operator_id=row.operator_id, operator_name=row.operator_id,
            approved_by=row.approved_by, member_id=row.member_id,
            completed_at=parse_iso(row.completed_at), plan=plan, lines=views,
            tender_refs={t.seq: t.reference for t in tenders}, currency=self.config.currency,
            dispositions={r.line_no: r.disposition for r in lines},
            line_reasons={r.line_no: r.reason_code or row.reason_code for r in lines}, locale=self.config.locale)

    def completed(self, request_id: str) -> CompletedReturn | None:
        """The return a request became, read back (``repeated``), or None."""
        with self.db.read() as s:
            row = s.scalars(select(Return).where(Return.request_id == request_id)).one_or_none()
            if row is None or row.status == PAYING:
                return None
            if row.status == CANCELLED:
                raise ServiceError("This return was cancelled: the mobile refund was declined and "
                                   "nothing was refunded. Look the receipt up again.",
                                   code="return.cancelled")
            tenders = tuple(RefundedTender(t.kind, t.amount_fen, t.points, t.reference)
                            for t in s.scalars(select(ReturnTender)
                                               .where(ReturnTender.return_id == row.id)
                                               .order_by(ReturnTender.seq)))
            return CompletedReturn(row.id, row.return_no, row.receipt_no, row.refund_fen, tenders,
                                   row.points_refunded, row.points_reversed, row.print_job_id,
                                   "", repeated=True)
