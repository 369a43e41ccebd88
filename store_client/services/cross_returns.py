"""Returns of what this till did not sell: another store's sale, an online order (docs/returns.md).

:meth:`CrossReturnsService.find` finds the original from whatever the customer has: a signed
receipt QR (checked here, offline, with the tills' published keys), an online order number,
a receipt number, a payment reference or the member (phone or member code: their orders from
every channel, newest first). Online it asks HQ, which knows what every store returned;
offline it finds this till's own sales only, and says so.

:meth:`CrossReturnsService.refund` takes the return:

1. the selection is priced by the refund rules (:mod:`store_client.domain.refunds`): each
   line its net after every allocated discount, cumulative rounding for part of a line, to
   the original's tenders in order, each capped at what it can still refund;
2. HQ reserves the quantities and money by the return's own id (two stores returning the
   same line at once: exactly one gets it; a retry gets the same answer). Offline, only an
   original proven by its receipt QR is taken: HQ reserves it when the event arrives and
   keeps a conflict for the manager if another store returned the line meanwhile;
3. ONE transaction writes the return, its ``return.taken`` outbox event, the stock coming
   back and the audit entry; then HQ is told to confirm (the event confirms it too, if that
   answer is lost). If the write fails, the reservation is released.

The online order's part goes back to its payment through HQ (the provider is asked by HQ,
keyed by the return's id); cash comes from the drawer; a card refund needs the card
terminal's reference; a store sale's mobile part goes back through this till's payment
adapter, recorded first (:mod:`store_client.services.cross_return_wallets`), its points part
to the member at HQ. HQ's answer to the reservation says the points it gives back and takes
back and the coupons it reissues (kept with the return, shown and printed). A refusal is
audited in its own transaction and writes nothing else.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, select

from printers import text_render
from printers.queue import JobStateError
from store_client.clock import Clock, iso
from store_client.domain import refunds as rf
from store_client.domain import return_policy as rp
from store_client.domain.roles import Decision, Permission, decide
from store_client.persistence.db import Database
from store_client.persistence.models import CrossReturn, Product, Sale
from store_client.services import return_rules, shift_reports, stock
from store_client.services.auth import Actor
from store_client.services import cross_return_vouchers as vouchers
from store_client.services import cross_return_wallets as wallet_refunds
from store_client.services import cross_return_journal as journal
from store_client.services.cross_return_views import (
    RULE_KIND,
    TAKEN_HERE,
    CrossLine,
    CrossReturnDone,
    CrossReturnRequest,
    Effects,
    FoundOriginals,
    OriginalForReturn,
    event_payload,
    slip,
)
from store_client.services.cross_return_wallets import CANCELLED
from store_client.services.errors import InvalidInput, NotFound, ServiceError
from store_client.services.payments import PaymentAdapter
from store_client.services.return_lookup import OriginalNotFound, OriginalView, ReturnLookup
from store_client.services.return_views import REASONS
from sync.protocol.cross_exchange_events import taken_version
from sync.protocol.events import validate
from sync.protocol.signing import SigningKey
from sync.terminal import outbox
from sync.terminal.transport import BatchRejected, HQClient, TransientError

log = logging.getLogger(__name__)
EVENT_KIND = "return.taken"
MAX_FOUND = 64  # originals kept for the requests on screen
#: HQ's refusals of a reservation that mean "another store took it meanwhile".
TAKEN_MEANWHILE = ("return.already_returned", "return.above_returnable", "return.refund_above_paid",
                   "return.points_above_paid",
                   "return.tender_above_paid")


class CrossReturnsService:
    def __init__(self, db: Database, clock: Clock, audit, authorizer, *, config,  # type: ignore[no-untyped-def]
                 client: Callable[[], HQClient] | None, own_key: Callable[[], SigningKey | None] = lambda: None,
                 print_queue=None, payments: PaymentAdapter | None = None) -> None:
        self.db, self.clock, self.audit, self.authorizer = db, clock, audit, authorizer
        self.config, self.print_queue, self.payments = config, print_queue, payments
        self._client, self._own_key = client, own_key
        self._found: OrderedDict[str, OriginalForReturn] = OrderedDict()
        self._lock = threading.Lock()

    # -- refusals: audited, nothing else written ----------------------------------------------
    def _refuse(self, actor: Actor, error: ServiceError, target: str = "") -> ServiceError:
        with self.db.transaction() as s:
            self.audit.append(s, operator_id=actor.operator_id, action="return.refused", target=target[:80],
                              details={"code": error.code, "message": error.message[:200]})
        return error

    def _may_return(self, actor: Actor) -> None:
        role = self.authorizer.current_role(actor)
        if role is None or decide(role, Permission.RETURN_PROCESS) is Decision.DENY:
            self.authorizer.require(actor, Permission.RETURN_PROCESS)  # audits and raises

    # -- finding ----------------------------------------------------------------------------
    def find(self, actor: Actor, query: str) -> FoundOriginals:
        """The originals the customer's QR, order number, receipt, payment or phone leads to."""
        self._may_return(actor)
        self._finish_pending()  # a return left waiting for its wallet counts before anything is shown
        lookup = ReturnLookup(self.db, self.clock, client=self._client, own_key=self._own_key)
        text = query.strip() if isinstance(query, str) else ""
        try:
            views = lookup.find(text)
        except OriginalNotFound as exc:
            raise self._refuse(actor, ServiceError(str(exc), code=exc.code), text[:40]) from None
        if not views:
            if lookup.offline:
                raise self._refuse(actor, ServiceError(
                    "HQ cannot be reached: an online order or another store's sale without its receipt QR "
                    "cannot be found now. Scan the receipt QR, or try again when online.",
                    code="return.hq_unreachable"), text[:40])
            raise self._refuse(actor, ServiceError("Nothing was found for that: check the receipt, the order "
                                                   "number or the phone number.", code="return.original_unknown"),
                               text[:40])
        originals = self._prepare(views)
        with self._lock:
            for original in originals:
                self._found[original.request_id] = original
            while len(self._found) > MAX_FOUND:
                self._found.popitem(last=False)
        return FoundOriginals(originals, lookup.offline)

    def _prepare(self, views: Sequence[OriginalView]) -> tuple[OriginalForReturn, ...]:
        """Names from the catalog; what this till took back of each already (offline returns
        HQ may not have yet) is no longer returnable here. Three reads for all of them (a
        member's 200 orders were 600)."""
        skus = sorted({line.sku for view in views for line in view.lines})
        refs = [view.original_ref for view in views]
        sale_ids = [ref[5:] for ref in refs if ref.startswith("sale:")]
        names: dict[str, tuple[str, str, str]] = {}
        taken: dict[str, dict[int, int]] = {}
        with self.db.read() as s:
            for chunk in _chunks(skus):
                names.update((sku, (zh, en, category)) for sku, zh, en, category in s.execute(
                    select(Product.sku, Product.name_zh, Product.name_en, Product.category_code)
                    .where(Product.sku.in_(chunk))))
            own = {sale_id for chunk in _chunks(sale_ids)
                   for sale_id in s.scalars(select(Sale.id).where(Sale.id.in_(chunk)))}
            for chunk in _chunks(refs):
                for ref, data in s.execute(select(CrossReturn.original_ref, CrossReturn.lines)
                                           .where(CrossReturn.original_ref.in_(chunk),
                                                  CrossReturn.status != CANCELLED)):
                    here = taken.setdefault(ref, {})
                    for line_no, _sku, qty, _fen, *_disposition in json.loads(data):
                        here[line_no] = here.get(line_no, 0) + qty
        return tuple(self._judged(self._prepared(view, names, view.original_ref[5:] in own if
                                                 view.original_ref.startswith("sale:") else False,
                                                 taken.get(view.original_ref, {}))) for view in views)

    def _judged(self, original: OriginalForReturn) -> OriginalForReturn:
        """``original`` with the return policy's verdict of each line as of now."""
        return replace(original, verdicts=return_rules.verdicts(
            self.config, self.clock.now(), ((line.line_no, line.category) for line in original.lines),
            channel=original.channel, sold_at=original.completed_at))

    @staticmethod
    def _prepared(view: OriginalView, names: dict[str, tuple[str, str, str]], own: bool,
                  here: dict[int, int]) -> OriginalForReturn:
        lines = tuple(CrossLine(x.line_no, x.sku, *names.get(x.sku, ("", ""))[:2], x.qty, x.net_fen,
                                max(0, min(x.returnable, x.qty - here.get(x.line_no, 0)))
                                if view.source == "receipt_qr" else x.returnable,
                                category=names[x.sku][2] if x.sku in names else None)
                      for x in view.lines)
        return OriginalForReturn(str(uuid.uuid4()), view.original_ref, view.channel, view.source,
                                 view.store_id, view.receipt_no or "", view.completed_at, view.member_id,
                                 own or view.source == "local", lines, view.tenders, references=view.references)

    # -- the return -------------------------------------------------------------------------
    def _checked(self, actor: Actor, request: CrossReturnRequest) -> tuple[OriginalForReturn, rf.RefundPlan, tuple]:
        """The original, the refund of the selection and what the return policy says of its
        lines (dispositions, reasons, the lines a manager overrides), or an audited refusal."""
        if not isinstance(request, CrossReturnRequest) or request.reason_code not in REASONS:
            raise InvalidInput("reason", "Choose the reason for the return.", code="return.reason_required")
        if request.reason_code == "other" and not (request.reason_text or "").strip():
            raise InvalidInput("reason", "Describe the reason for the return.", code="return.reason_text_required")
        with self._lock:
            original = self._found.get(request.request_id)
        if original is None:
            raise InvalidInput("request_id", "Start the return again (no valid request).", code="return.restart")
        target = original.receipt_no
        if original.own_till:
            raise self._refuse(actor, ServiceError("This is a sale of this till: look its receipt number up.",
                                                   code="return.own_till"), target)
        original = self._judged(original)  # the window as of now: it may have been found yesterday
        lines = {line.line_no: line for line in original.lines}
        for line_no, qty in request.lines:
            line = lines.get(line_no)
            if line is not None and qty and line.returnable == 0:
                raise self._refuse(actor, InvalidInput(
                    "lines", f"Line {line_no} was already returned (here or in another store).",
                    code="return.already_returned", params={"line": line_no}), target)
        selection = tuple(request.lines)
        chosen = return_rules.dispositions(request.dispositions, selection, request.reason_code)
        reasons = return_rules.line_reasons(request.line_reasons, selection, request.reason_code, REASONS)
        if reasons is None:
            raise self._refuse(actor, InvalidInput("reason", "Choose the reason for the return.",
                                                   code="return.reason_required"), target)
        try:
            overridden = return_rules.check(original.verdicts, selection, chosen, override=request.override is True)
        except ServiceError as exc:
            raise self._refuse(actor, exc, target) from None
        try:
            plan = original.plan(selection)
        except rf.RefundError as exc:
            raise self._refuse(actor, InvalidInput("lines", exc.message, code=f"refund.{exc.code.value}"),
                               target) from None
        if request.cash_instead and (original.channel != "online"
                                     or self.config.values.get("returns.online_cash", "approval") != "approval"):
            raise self._refuse(actor, ServiceError(
                "Cash instead of the original payment is only for an online order, where the policy allows it.",
                code="return.cash_not_allowed"), target)
        elsewhere = sorted({original.method(t.seq) for t in plan.tenders} - set(TAKEN_HERE))
        if elsewhere:
            raise self._refuse(actor, ServiceError(
                f"The {', '.join(elsewhere)} part cannot be refunded at this till: return it where it was paid.",
                code="return.tender_elsewhere"), target)
        return original, plan, ({n: str(d) for n, d in chosen.items()}, reasons, overridden)

    def refund(self, actor: Actor, request: CrossReturnRequest, grant=None) -> CrossReturnDone:  # type: ignore[no-untyped-def]
        """Take the return. The same request again returns the first (``repeated``), refunded once."""
        self._may_return(actor)
        self._finish_pending()
        done = self.completed(getattr(request, "request_id", ""))
        if done is not None:
            return done
        original, plan, (chosen, reasons, overridden) = self._checked(actor, request)
        if any(original.method(t.seq) == "card" for t in plan.tenders) and not (request.card_reference or "").strip():
            amount = sum(t.amount_fen for t in plan.tenders if original.method(t.seq) == "card")
            raise InvalidInput("card_reference", "Refund it on the card terminal and enter its reference.",
                               code="return.card_reference_required", params={"amount_fen": amount})
        wallet = [t for t in plan.tenders if RULE_KIND.get(original.method(t.seq)) == "mobile"]
        if wallet and (self.payments is None or not self.payments.available()):
            raise self._refuse(actor, ServiceError(
                "Mobile payment is unavailable (offline): the mobile part of this refund cannot be paid "
                "back now. Try again when online.", code="mobile.refund_offline"), original.receipt_no)
        if any(not original.reference(t.seq) for t in wallet):
            # A receipt QR read without HQ names the wallet but not its payment: nothing to
            # refund against, so refuse before anything is written (HQ has the reference).
            raise self._refuse(actor, ServiceError(
                "The receipt does not name the mobile payment: its part can be paid back once HQ "
                "is reachable. Try again when online.", code="mobile.reference_unknown"), original.receipt_no)
        with self.db.read() as s:
            shift_reports.require_open_shift(s, self.config)
        # cash for an online order, or a non-returnable line: a second person approves, even a manager's
        return_rules.require(self.authorizer, actor, grant, overridden, second_person=request.cash_instead)
        policy = (chosen, reasons, return_rules.override_details(overridden, original.verdicts, grant))
        with self._lock:  # one return of this till at a time: the request id is checked once
            done = self.completed(request.request_id)
            if done is not None:
                return done
            return_id = str(uuid.uuid4())
            journal.note(self, return_id, original.original_ref)  # a till killed after HQ reserved releases it
            try:
                reserved, effects = self._reserve(actor, return_id, original, plan, cash_instead=request.cash_instead)
            except ServiceError as exc:
                if exc.code != "return.hq_unreachable":  # refused: HQ holds nothing (unreachable: released later)
                    journal.forget(self, return_id)
                raise
            try:
                done = self._write(actor, grant, request, original, plan, return_id, reserved, effects, policy,
                                   paying=bool(wallet))
            except BaseException:
                if reserved:
                    self._settle(return_id, "release")
                raise
            if wallet:  # recorded first: now the wallet, keyed by the return (asked again, paid once)
                done = wallet_refunds.pay(self, return_id)
            done = replace(done, print_job_id=self._print(original, plan, done.return_no, actor, self.clock.now(),
                                                          request, done.approved_by, return_id, effects, policy[0]))
            vouchers.print_note(self, return_id, done.return_no, self.clock.now())
        if reserved:
            self._settle(return_id, "confirm")
        return done

    def _finish_pending(self) -> None:
        """Reservations a stopped till left at HQ are released, and returns left ``paying``
        (the provider did not answer, the till stopped) are finished, before anything else:
        the provider is asked again with the same keys."""
        with self._lock:  # no reservation of this till is in flight meanwhile
            journal.release_orphans(self)
        if self.payments is not None and self.payments.available():
            wallet_refunds.finish_pending(self)

    def _reserve(self, actor: Actor, return_id: str, original: OriginalForReturn, plan: rf.RefundPlan, *,
                 cash_instead: bool = False, credit: dict[str, int] | None = None) -> tuple[bool, Effects]:
        """(True, what HQ gives and takes back of the member's points and coupons) once HQ
        reserved it; (False, nothing): offline with a receipt QR (HQ settles it later).
        ``credit``: an exchange's part of each tender that paid its new sale."""
        tenders: dict[str, int] = {}
        for t in plan.tenders:
            tenders[original.method(t.seq)] = tenders.get(original.method(t.seq), 0) + t.amount_fen
        lines = {r.line_no: (r.quantity, r.refund_fen) for r in plan.lines}
        try:
            if self._client is None:
                raise TransientError("no HQ configured")
            with self._client() as client:
                answer = client.reserve_return(return_id, original.original_ref, lines, tenders,
                                               cash_instead=cash_instead, credit=credit)
            return True, Effects.of(answer)
        except TransientError:
            if original.source == "receipt_qr":
                return False, Effects()
            # HQ may have reserved it and the answer was lost: give it back, or it would hold
            # the goods (a retry is a new return id; a release of nothing is refused harmlessly)
            self._settle(return_id, "release")
            raise self._refuse(actor, ServiceError(
                "HQ cannot be reached: without the receipt QR this return cannot be taken now. "
                "Try again when online.", code="return.hq_unreachable"), original.receipt_no) from None
        except BatchRejected as exc:
            code = "return.taken_meanwhile" if exc.code in TAKEN_MEANWHILE else "return.refused_by_hq"
            raise self._refuse(actor, ServiceError(
                "Another store returned these items meanwhile: find the order again." if code ==
                "return.taken_meanwhile" else f"HQ refused the return: {exc}", code=code),
                original.receipt_no) from None

    def _settle(self, return_id: str, action: str) -> None:
        """Confirm or release at HQ. A confirm HQ does not answer is made by the outbox event
        when it arrives; a release it does not answer leaves the goods held at HQ (logged)."""
        if self._client is None:
            return
        try:
            with self._client() as client:
                client.settle_return(return_id, action)
        except (TransientError, BatchRejected) as exc:
            log.warning("return %s: HQ did not %s it now (%s)", return_id, action, exc)

    def _write(self, actor: Actor, grant, request: CrossReturnRequest, original: OriginalForReturn,  # type: ignore[no-untyped-def]
               plan: rf.RefundPlan, return_id: str, reserved: bool, effects: Effects,
               policy: tuple[dict[int, str], dict[int, str], dict | None], *,
               paying: bool = False) -> CrossReturnDone:
        """The return's row, and (unless a wallet is still to be paid: ``paying``) its event,
        stock and audit entry, in one transaction. ``policy``: each line's disposition and
        reason, and a manager's override (audited)."""
        with self.db.transaction() as s:
            row, payload = self.record_in(s, actor, grant, request, original, plan, return_id, reserved, effects,
                                          policy)
            if paying:  # the wallet is asked after this commit, keyed by the return
                row.pending = json.dumps({"payload": payload, "override": policy[2], "pay": [
                    [i, original.reference(t.seq), t.amount_fen] for i, t in enumerate(plan.tenders)
                    if RULE_KIND.get(original.method(t.seq)) == "mobile"]}, ensure_ascii=False)
            else:
                self.complete_in(s, row, payload, override=policy[2])
        return self.done_of(row)

    def record_in(self, s, actor: Actor, grant, request: CrossReturnRequest, original: OriginalForReturn,  # type: ignore[no-untyped-def]
                  plan: rf.RefundPlan, return_id: str, reserved: bool, effects: Effects,
                  policy: tuple[dict[int, str], dict[int, str], dict | None], *,
                  exchange: dict | None = None) -> tuple[CrossReturn, dict]:
        """In the caller's transaction: the return's row (``paying``) and its event's payload.
        ``exchange``: the link to its new sale and each tender's credit (``credits`` by seq)."""
        config = self.config
        dispositions, reasons, _override = policy
        now = self.clock.now()
        refs = {t.seq: (request.card_reference or "").strip()[:40] or None for t in plan.tenders
                if original.method(t.seq) == "card"}
        note = vouchers.draw(original.method, plan)  # a voucher part: a new store credit note
        refs.update(vouchers.references(original.method, plan, note))
        approved_by = grant.approved_by if grant else None
        shift_id = shift_reports.require_open_shift(s, config)
        seq = int(s.scalar(select(func.coalesce(func.max(CrossReturn.return_seq), 0))
                           .where(CrossReturn.terminal_id == config.terminal_id)) or 0) + 1
        return_no = f"{config.store_id}-{config.terminal_id}-X{seq:06d}"
        payload = event_payload(return_id=return_id, request=request, return_no=return_no, original=original,
                                store_id=config.store_id, terminal_id=config.terminal_id,
                                operator_id=actor.operator_id, approved_by=approved_by, completed_at=iso(now),
                                plan=plan, refs=refs, reserved=reserved, dispositions=dispositions,
                                reasons=reasons, exchange=exchange)
        vouchers.annotate(payload, note)
        validate(EVENT_KIND, taken_version(payload), payload)  # fail at the till, not at HQ
        row = CrossReturn(
            id=return_id, request_id=request.request_id, return_no=return_no, return_seq=seq,
            original_ref=original.original_ref, source=original.source, channel=original.channel,
            receipt_no=original.receipt_no, store_id=config.store_id, terminal_id=config.terminal_id,
            operator_id=actor.operator_id, approved_by=approved_by, reason_code=request.reason_code,
            reason_text=request.reason_text.strip()[:200], completed_at=iso(now), refund_fen=plan.total_fen,
            cash_fen=0, lines=json.dumps([[x["line_no"], x["sku"], x["qty"], x["refund_minor"], x["disposition"]]
                                          for x in payload["lines"]]),
            tenders="[]", reserved_at_hq=reserved, outbox_event_id="", shift_id=shift_id,
            points_back=effects.points_back, points_taken=effects.points_taken,
            coupons=json.dumps([list(c) for c in effects.coupons]), status=wallet_refunds.PAYING)
        s.add(row)
        journal.written(s, return_id)  # HQ's reservation is now this return's: nothing to release
        return row, payload

    def complete_in(self, s, row: CrossReturn, payload: dict, *, override: dict | None = None) -> None:  # type: ignore[no-untyped-def]
        """In the caller's transaction: the return's outbox event, the stock coming back (only
        what goes back to stock is sellable again; HQ learns it from the stock.moved event) and
        the audit entry; the row becomes ``completed``."""
        version = taken_version(payload)
        validate(EVENT_KIND, version, payload)
        event = outbox.enqueue(s, EVENT_KIND, payload, schema_version=version, clock=self.clock)
        # out of the drawer: an exchange's credit part paid its new sale instead
        row.cash_fen = sum(x["amount_minor"] - x.get("credit_minor", 0) for x in payload["tenders"]
                           if x["method"] == "cash")
        row.tenders = json.dumps([[x["method"], x["amount_minor"], x["reference"]] for x in payload["tenders"]])
        if override is None and row.pending:  # finished later: the override as it was recorded
            override = json.loads(row.pending).get("override")
        row.outbox_event_id, row.status, row.pending = event.event_id, wallet_refunds.COMPLETED, None
        vouchers.issue_in(s, payload, row.id, self.clock.now())
        stock.record(s, rp.movements(((x["sku"], x["qty"], x["disposition"]) for x in payload["lines"]),
                                     f"return:{row.id}", self.clock.now()),
                     store_id=self.config.store_id, terminal_id=self.config.terminal_id, clock=self.clock)
        self.audit.append(s, operator_id=row.operator_id, action="return.completed", target=row.id,
                          details={"return_no": row.return_no, "original": row.original_ref,
                                   "receipt_no": row.receipt_no, "refund_fen": row.refund_fen,
                                   "lines": [[x["line_no"], x["qty"], x["refund_minor"]] for x in payload["lines"]],
                                   "tenders": [[x["method"], x["amount_minor"]] for x in payload["tenders"]],
                                   "reason": payload["reason"]["code"], "approved_by": row.approved_by,
                                   "dispositions": [[x["line_no"], x["disposition"]] for x in payload["lines"]],
                                   "override": override,
                                   "reserved_at_hq": row.reserved_at_hq, "request_id": row.request_id,
                                   "points_back": row.points_back, "points_taken": row.points_taken,
                                   **({"exchange_id": payload["exchange"]["exchange_id"]}
                                      if payload.get("exchange") else {})})

    @staticmethod
    def done_of(row: CrossReturn, *, repeated: bool = False) -> CrossReturnDone:
        tenders = json.loads(row.pending)["payload"]["tenders"] if row.pending else [
            {"method": m, "amount_minor": fen} for m, fen, _ref in json.loads(row.tenders)]
        return CrossReturnDone(row.id, row.return_no, row.receipt_no or "", row.refund_fen,
                               tuple((x["method"], x["amount_minor"]) for x in tenders), row.reserved_at_hq,
                               row.print_job_id, repeated, row.points_back, row.points_taken,
                               tuple((c, o) for c, o in json.loads(row.coupons or "[]")), row.approved_by)

    def _print(self, original: OriginalForReturn, plan: rf.RefundPlan, return_no: str, actor: Actor,  # type: ignore[no-untyped-def]
               now: datetime, request: CrossReturnRequest, approved_by: str | None, return_id: str,
               effects: Effects, dispositions: dict[int, str]) -> int | None:
        """Queue the slip after the commit; a printer problem never undoes the return."""
        if self.print_queue is None:
            return None
        try:
            document = slip(original=original, plan=plan, return_no=return_no,
                            store_name=self.config.values.get("store.name", ""), store_id=self.config.store_id,
                            terminal_id=self.config.terminal_id, operator=actor.name, when=now,
                            reason_code=request.reason_code, reason_text=request.reason_text,
                            approved_by=approved_by, currency=self.config.currency,
                            cash_instead=request.cash_instead, dispositions=dispositions,
                            locale=self.config.locale, points_back=effects.points_back,
                            points_taken=effects.points_taken,
                            coupons_reissued=sum(1 for _c, o in effects.coupons if o == "reissued"))
            text_render.render(document, 48)
            job_id = self.print_queue.submit("return", document, title=f"return {return_no}")
            with self.db.transaction() as s:
                row = s.get(CrossReturn, return_id)
                if row is not None:
                    row.print_job_id = job_id
            return int(job_id)
        except Exception:
            log.exception("return slip %s could not be printed", return_no)
            return None

    def reprint(self, actor: Actor, return_id: str) -> int | None:
        """The return slip again, marked REPRINT (no drawer kick); audited. None: no printer."""
        self._may_return(actor)
        with self.db.read() as s:
            row = s.get(CrossReturn, return_id) if isinstance(return_id, str) else None
            if row is None:
                raise NotFound("That return does not exist on this terminal.", code="return.unknown")
            job_id, return_no = row.print_job_id, row.return_no
        new_id = None
        if self.print_queue is not None and job_id is not None:
            try:
                new_id = int(self.print_queue.reprint(job_id))
            except JobStateError:
                raise ServiceError("The return slip is still waiting for the printer: it prints by itself.",
                                   code="receipt.waiting") from None
        with self.db.transaction() as s:
            self.audit.append(s, operator_id=actor.operator_id, action="return.reprinted", target=return_id,
                              details={"return_no": return_no, "print_job": new_id})
        return new_id

    def completed(self, request_id: str) -> CrossReturnDone | None:
        """The return a request became (``repeated``), or None. One still waiting for its
        wallet, or cancelled because the wallet declined, is said as such."""
        if not isinstance(request_id, str):
            return None
        with self.db.read() as s:
            row = s.scalar(select(CrossReturn).where(CrossReturn.request_id == request_id))
            if row is None:
                return None
            if row.status == wallet_refunds.PAYING:
                raise ServiceError(f"The mobile refund for return {row.return_no} did not answer. The return is "
                                   "kept and is finished (or cancelled) before the next return.",
                                   code="mobile.refund_pending", params={"return_no": row.return_no})
            if row.status == CANCELLED:
                raise ServiceError("This return was cancelled: the mobile refund was declined and nothing was "
                                   "refunded. Look the receipt up again.", code="return.cancelled")
            return self.done_of(row, repeated=True)


def _chunks(values: Sequence[str], size: int = 500) -> list[Sequence[str]]:
    """``values`` in pieces an ``IN (...)`` takes on any SQLite build."""
    return [values[i:i + size] for i in range(0, len(values), size)]
