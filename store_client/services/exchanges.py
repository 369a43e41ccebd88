"""Exchanges: a return and a new sale in one transaction (docs/returns.md, "Exchanges").

:meth:`ExchangeService.start` takes a return request of this till's sale (the lines the
customer brings back, the reason) and holds its value as the *exchange credit* of the
checkout; it writes nothing. The cashier scans the new items. :meth:`apply` puts the
credit on the cart as its first payment (``min(value, new total)``); the customer pays
what is left with the usual tenders. :meth:`complete` writes, in ONE SQLite transaction,
the new sale (tender ``exchange``), the return (each original tender's share split into
credit and money paid back, :mod:`store_client.domain.exchanges`), both outbox events,
the ``exchanges`` row linking them and the audit entries; a failure anywhere rolls all of
it back. The same exchange (its return request) completed twice is done once.
:meth:`cancel` drops the credit (and takes it off the cart): nothing else is written.

Only what can be done in that one transaction is an exchange: a difference owed to a
mobile wallet (its provider is outside the database) is refused. Another store's sale or an
online order is exchanged the same way, its return reserved at HQ around the one
transaction as a plain return of it is (services/cross_exchanges.py).
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from printers import receipt_data as rd
from printers import templates, text_render
from store_client.clock import iso
from store_client.domain import exchanges as ex
from store_client.domain import refunds as rf
from store_client.domain.money import Money
from store_client.domain.roles import Permission
from store_client.persistence.models import Exchange, Return, ReturnTender, Sale
from store_client.services import cross_exchanges, sales, shift_reports
from store_client.services.auth import Actor
from store_client.services.checkout import CheckoutService
from store_client.services.checkout_views import CartView
from store_client.services.cross_return_views import TENDER_LABELS as CROSS_LABELS
from store_client.services.cross_return_views import CrossReturnRequest, OriginalForReturn
from store_client.services.cross_returns import CrossReturnsService
from store_client.services.errors import Conflict, InvalidInput, ServiceError
from store_client.services.return_views import TENDER_LABELS, ReturnRequest, SaleForReturn
from store_client.services.returns import COMPLETED, ReturnsService, _AlreadyDone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExchangeCredit:
    """An exchange in progress: what comes back and what it is worth (nothing written yet)."""

    request: ReturnRequest | CrossReturnRequest
    receipt_no: str
    credit_fen: int  # the returned lines' value
    lines: tuple[tuple[str, int, int], ...]  # (name, quantity, value) of each returned line
    original: OriginalForReturn | None = None  # another store's sale or an online order (found at HQ)

    @property
    def cross(self) -> bool:
        """Its return is reserved at HQ: completed off the database thread (ops.exchanges)."""
        return self.original is not None


@dataclass(frozen=True)
class ExchangeQuote:
    """The credit on the cart and what follows from it (shown before the payment)."""

    cart: CartView
    credit_fen: int  # applied to the new sale
    due_fen: int  # the customer pays this on top
    refund_fen: int  # paid back to the original's tenders
    refund_tenders: tuple[tuple[str, int], ...]  # (kind, fen), the refund order

    @property
    def card_refund_fen(self) -> int:
        """Refunded on the card terminal: its refund reference is asked for."""
        return sum(fen for kind, fen in self.refund_tenders if kind == "card")


@dataclass(frozen=True)
class CompletedExchange:
    exchange_id: str
    receipt_no: str  # the new sale's
    return_no: str
    total_fen: int  # the new sale's
    credit_fen: int  # applied to the new sale
    due_fen: int  # paid on top by the customer
    refund_fen: int  # paid back to the original's tenders
    refund_tenders: tuple[tuple[str, int], ...]  # (kind, fen) of the money paid back
    change_fen: int
    print_job_id: int | None
    receipt_text: str = ""
    repeated: bool = False  # asked again: the first exchange, nothing done twice
    points_back: int = 0  # given back to the member at HQ (another store's sale or an online order)
    points_taken: int = 0  # earned points taken back at HQ


class ExchangeService:
    def __init__(self, returns: ReturnsService, checkout: CheckoutService,
                 cross: CrossReturnsService | None = None) -> None:
        self.returns, self.checkout, self.cross = returns, checkout, cross
        self.db, self.clock, self.audit = returns.db, returns.clock, returns.audit
        self.authorizer, self.config = returns.authorizer, returns.config
        self._lock = threading.Lock()
        self._open: ExchangeCredit | None = None

    # -- holding the credit ------------------------------------------------------------------
    def start(self, actor: Actor, request: ReturnRequest | CrossReturnRequest) -> ExchangeCredit:
        """Check the return part and hold its value as the checkout's exchange credit."""
        if isinstance(request, CrossReturnRequest):
            credit = cross_exchanges.start(self, actor, request)
            with self._lock:
                self._open = credit
            return credit
        self.returns._may_return(actor)
        request = self.returns._check(request)
        with self.db.read() as s:
            sale = self.returns._sale_state(s, request)
            shift_reports.require_open_shift(s, self.config)
        plan = self.returns._plan(sale, request)
        self.returns._policy(actor, sale, request)  # windows, non-returnable (no override in an exchange)
        if plan.total_fen <= 0:
            raise InvalidInput("lines", "The items to exchange have no value to carry over.",
                               code="exchange.no_value")
        names = {line.line_no: line.name_zh or line.name_en for line in sale.lines}
        credit = ExchangeCredit(request, sale.receipt_no, plan.total_fen, tuple(
            (names[r.line_no], r.quantity, r.refund_fen) for r in plan.lines))
        with self._lock:
            self._open = credit
        return credit

    def current(self) -> ExchangeCredit | None:
        return self._open

    def cancel(self, actor: Actor) -> CartView:
        """Drop the credit; a credit already on the cart is taken off it. The new items stay
        on the cart as an ordinary sale (void it with F9 if the customer wants nothing)."""
        with self._lock:
            self._open = None
        view = self.checkout.current_cart(actor)
        for tender in view.tenders:
            if tender.kind == ex.CREDIT:
                view = self.checkout.remove_tender(actor, tender.tender_id)
        return view

    def _split(self, credit: ExchangeCredit, sale: SaleForReturn, new_total: int) -> tuple[rf.RefundPlan, ex.ExchangeSplit]:
        plan = self.returns._plan(sale, _own(credit))
        if plan.total_fen != credit.credit_fen:
            raise Conflict("The sale was returned meanwhile; start the exchange again.",
                           code="return.changed_meanwhile")
        try:
            return plan, ex.split(plan, sale.tenders, new_total)
        except ex.ExchangeError as exc:
            raise InvalidInput("exchange", exc.message, code=f"exchange.{exc.code.value}") from None

    def _needs(self) -> ExchangeCredit:
        credit = self._open
        if credit is None:
            raise Conflict("No exchange is in progress: choose the items to exchange on the Returns "
                           "screen first.", code="exchange.none")
        return credit

    def apply(self, actor: Actor) -> ExchangeQuote:
        """Put the credit on the cart as its first payment, checking the exchange can be done."""
        credit = self._needs()
        view = self.checkout.current_cart(actor)
        if not view.lines:
            raise InvalidInput("cart", "Scan the new item(s) before paying the exchange.",
                               code="exchange.new_sale_empty")
        if credit.original is not None:
            split = cross_exchanges.checked(self, actor, credit, view.total_fen)[3]
        else:
            with self.db.read() as s:
                sale = self.returns._sale_state(s, _own(credit))
            _plan, split = self._split(credit, sale, view.total_fen)
        held = [t for t in view.tenders if t.kind == ex.CREDIT]
        if not (len(held) == 1 and held[0].amount_fen == split.credit_fen):
            view = self.checkout.set_credit(actor, split.credit_fen, credit.request.request_id)
        back = tuple(sorted(((t.kind, t.refund_fen) for t in split.shares if t.refund_fen),
                            key=lambda kf: rf.TENDER_ORDER.index(kf[0]) if kf[0] in rf.TENDER_ORDER else 9))
        return ExchangeQuote(view, split.credit_fen, split.due_fen, split.refund_fen, back)

    # -- completing it ---------------------------------------------------------------------------
    def complete(self, actor: Actor, *, request_id: str, cart_id: str,
                 card_reference: str | None = None, grant=None) -> CompletedExchange:  # type: ignore[no-untyped-def]
        """Write the return and the new sale together. ``request_id`` is the exchange's
        (its return request's): the same exchange again is answered with the first
        (``repeated``), never written twice."""
        self.returns._may_return(actor)
        self.authorizer.require(actor, Permission.SALE_RING)
        done = self.completed(request_id) if isinstance(request_id, str) else None
        if done is not None:
            return done
        credit = self._needs()
        if credit.request.request_id != request_id:
            raise Conflict("That exchange is no longer the one in progress.", code="exchange.none")
        if credit.original is not None:
            return cross_exchanges.complete(self, actor, credit, cart_id=cart_id, card_reference=card_reference,
                                            grant=grant)
        request = _own(credit)
        with self.returns._lock:
            self.returns._finish_pending()
            view = self.checkout.current_cart(actor)
            with self.db.read() as s:
                sale = self.returns._sale_state(s, request)
            plan, split = self._split(credit, sale, view.total_fen)
            chosen, reasons, _none = self.returns._policy(actor, sale, request)  # a window may pass meanwhile
            held = sum(t.amount_fen for t in view.tenders if t.kind == ex.CREDIT)
            if held != split.credit_fen:
                raise Conflict("The exchange credit on the sale is not the exchange's: pay again.",
                               code="exchange.credit_changed")
            card = sum(t.refund_fen for t in split.shares if t.kind == "card")
            reference = card_reference.strip() if isinstance(card_reference, str) else ""
            if card and not reference:
                raise InvalidInput("card_reference", f"Refund {Money(card, self.config.currency)} on the "
                                   "card terminal and enter its refund reference.",
                                   code="return.card_reference_required", params={"amount_fen": card})
            if len(reference) > 40:
                raise InvalidInput("card_reference", "A card reference is at most 40 characters.",
                                   code="tender.reference_too_long")
            with self.db.read() as s:  # before an approval is used up
                shift_reports.require_open_shift(s, self.config)
            self.authorizer.require(actor, Permission.RETURN_PROCESS, grant)
            exchange_id, return_id = str(uuid.uuid4()), str(uuid.uuid4())
            refs: dict[int, str | None] = {t.seq: reference for t in split.shares
                                           if t.kind == "card" and t.refund_fen}
            written: list = []

            def link(s, facts: sales.SaleFacts) -> None:  # type: ignore[no-untyped-def]
                """The return and the link, in the sale's own transaction."""
                link = {"exchange_id": exchange_id, "sale_id": facts.sale_id, "credit_minor": split.credit_fen,
                        "credits": {t.seq: t.credit_fen for t in split.shares}}
                written.append(self.returns._write(
                    s, actor, grant, request, split.plan(plan), refs, COMPLETED, (chosen, reasons, None),
                    priced_as=plan, return_id=return_id, exchange=link))
                s.add(Exchange(id=exchange_id, request_id=credit.request.request_id, return_id=return_id,
                               sale_id=facts.sale_id, credit_fen=split.credit_fen, due_fen=split.due_fen,
                               refund_fen=split.refund_fen, operator_id=actor.operator_id,
                               completed_at=iso(facts.completed_at)))
                self.audit.append(s, operator_id=actor.operator_id, action="exchange.completed",
                                  target=exchange_id, details={
                                      "sale_id": facts.sale_id, "receipt_no": facts.receipt_no,
                                      "return_id": return_id, "original_receipt_no": credit.receipt_no,
                                      "credit_fen": split.credit_fen, "due_fen": split.due_fen,
                                      "refund_fen": split.refund_fen,
                                      "approved_by": grant.approved_by if grant else None})

            sale_link = {"exchange_id": exchange_id, "return_id": return_id, "credit_minor": split.credit_fen}
            try:
                facts = self.checkout.complete_linked(actor, cart_id, sale_link, link)
            except (_AlreadyDone, IntegrityError):  # the same exchange, written meanwhile
                done = self.completed(credit.request.request_id)
                if done is None:
                    raise
                return done
        with self._lock:
            self._open = None
        ret = written[0]
        return self.after_commit(facts, ret.exchange["exchange_id"], ret.return_no, ret.receipt_no, tuple(
            rd.ReturnLine(name=ret.lines[r.line_no].name_zh or ret.lines[r.line_no].name_en,
                          quantity=r.quantity, amount_fen=r.refund_fen,
                          quantity_scale=1000 if ret.lines[r.line_no].unit == "kg" else 1,
                          unit="kg" if ret.lines[r.line_no].unit == "kg" else "")
            for r in ret.plan.lines), split, tuple((t.kind, t.refund_fen) for t in split.shares if t.refund_fen))

    def after_commit(self, facts: sales.SaleFacts, exchange_id: str, return_no: str, original_receipt_no: str,
                     lines: tuple[rd.ReturnLine, ...], split: ex.ExchangeSplit,
                     back: tuple[tuple[str, int], ...]) -> CompletedExchange:
        """Print the exchange receipt; nothing here may make the caller think it failed.
        ``back``: the money paid back, (tender kind or method, fen)."""
        job_id, text = None, ""
        try:
            section = rd.ExchangeSection(
                return_no=return_no, original_receipt_no=original_receipt_no, lines=lines,
                credit_fen=split.credit_fen, return_fen=split.return_fen,
                refund_tenders=tuple(rd.Tender(kind=kind, label=TENDER_LABELS.get(kind, CROSS_LABELS.get(kind, kind)),
                                               amount_fen=fen) for kind, fen in back))
            document = templates.sale_receipt(replace(sales.receipt_data(facts), exchange=section))
            text = text_render.render(document, 48)
        except Exception:
            log.exception("exchange receipt %s could not be laid out", facts.receipt_no)
        else:
            job_id = sales.queue_receipt(self.db, self.checkout.print_queue, document, facts)
        return CompletedExchange(exchange_id, facts.receipt_no, return_no, facts.priced.total_fen,
                                 split.credit_fen, split.due_fen, split.refund_fen, back, facts.change_fen,
                                 job_id, text)

    def completed(self, request_id: str) -> CompletedExchange | None:
        """The exchange a return request became, read back (``repeated``), or None."""
        with self.db.read() as s:
            row = s.scalars(select(Exchange).where(Exchange.request_id == request_id)).one_or_none()
            if row is None:
                done = cross_exchanges.completed(s, request_id)
                if done is not None:
                    with self._lock:
                        if self._open is not None and self._open.request.request_id == request_id:
                            self._open = None
                return done
            ret = s.get(Return, row.return_id)
            sale = s.get(Sale, row.sale_id)
            if ret is None or sale is None:  # both or neither: one transaction wrote them
                raise ServiceError("The exchange's records are incomplete.", code="exchange.damaged")
            back = tuple((t.kind, t.amount_fen - t.credit_fen) for t in s.scalars(
                select(ReturnTender).where(ReturnTender.return_id == ret.id).order_by(ReturnTender.seq))
                if t.amount_fen > t.credit_fen)
            with self._lock:
                if self._open is not None and self._open.request.request_id == request_id:
                    self._open = None
            return CompletedExchange(row.id, sale.receipt_no, ret.return_no, sale.total_fen,
                                     row.credit_fen, row.due_fen, row.refund_fen, back, sale.change_fen,
                                     sale.print_job_id, "", repeated=True)


def _own(credit: ExchangeCredit) -> ReturnRequest:
    """The return request of an exchange of this till's own sale."""
    assert isinstance(credit.request, ReturnRequest)
    return credit.request
