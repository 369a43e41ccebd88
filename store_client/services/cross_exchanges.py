"""Exchanges of another store's sale or an online order (docs/returns.md, "Exchanges").

The same exchange as of this till's own sale (services/exchanges.py: the returned lines'
value is a credit the new sale spends first; the customer pays the rest, or the difference
goes back to the original's tenders by the refund rules), whose return is the one a plain
return of that original would be (services/cross_returns.py):

1. the selection is checked and priced as that return (return policy, HQ's returnable
   quantities, a voucher part refused), then split into credit and money paid back
   (:func:`store_client.domain.exchanges.split`: nothing back to a wallet in one step);
2. HQ reserves the return by its own id, with the part of each tender that is credit (an
   online order's provider is owed only the rest, a points part gives points back only for
   the rest); two stores at once: one gets the goods. Offline, only an original proven by
   its receipt QR is taken: HQ settles it when the event arrives (a conflict for the
   manager if another store took the line meanwhile), as for a plain return;
3. ONE transaction writes the new sale (tender ``exchange``), the return (``return.taken``
   v3 naming its new sale and each tender's credit), the stock both ways, the
   ``cross_exchanges`` link and the audit entries; if it fails, HQ's reservation is released;
4. HQ is told to confirm (the event confirms it too if that answer is lost).

The exchange's id is its request's: the same exchange again is answered with the first.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from printers import receipt_data as rd
from store_client.clock import iso
from store_client.domain import exchanges as ex
from store_client.domain import refunds as rf
from store_client.domain.money import Money
from store_client.domain.roles import Permission
from store_client.persistence.models import CrossExchange, CrossReturn, Sale
from store_client.services import cross_return_journal as journal
from store_client.services import sales, shift_reports
from store_client.services.auth import Actor
from store_client.services.cross_return_views import CrossReturnRequest, OriginalForReturn
from store_client.services.cross_returns import CrossReturnsService
from store_client.services.errors import Conflict, InvalidInput, ServiceError

if TYPE_CHECKING:
    from store_client.services.exchanges import CompletedExchange, ExchangeCredit, ExchangeService


def _cross(svc: ExchangeService) -> CrossReturnsService:
    if svc.cross is None:
        raise ServiceError("Returns of other stores' sales are not available on this till.",
                           code="return.hq_unreachable")
    return svc.cross


def start(svc: ExchangeService, actor: Actor, request: CrossReturnRequest) -> ExchangeCredit:
    """Check the return part as a plain return of it would be, and price it (nothing written
    but an audited refusal)."""
    from store_client.services.exchanges import ExchangeCredit

    cross = _cross(svc)
    cross._may_return(actor)
    if request.cash_instead:  # the provider owes the difference: never cash in an exchange
        with cross._lock:
            found = cross._found.get(request.request_id) if isinstance(request.request_id, str) else None
        raise cross._refuse(actor, ServiceError(
            "Cash instead of the online payment is not offered in an exchange: the difference goes back "
            "to the payment.", code="exchange.cash_instead"), found.receipt_no if found else "")
    request = replace(request, override=False)  # a non-returnable line is refused, never overridden
    original, plan, _policy = cross._checked(actor, request)
    with svc.db.read() as s:
        shift_reports.require_open_shift(s, svc.config)
    if plan.total_fen <= 0:
        raise InvalidInput("lines", "The items to exchange have no value to carry over.", code="exchange.no_value")
    names = {line.line_no: line.name_zh or line.name_en or line.sku for line in original.lines}
    return ExchangeCredit(request, original.receipt_no, plan.total_fen,
                          tuple((names[r.line_no], r.quantity, r.refund_fen) for r in plan.lines), original=original)


def checked(svc: ExchangeService, actor: Actor, credit: ExchangeCredit, new_total_fen: int
            ) -> tuple[OriginalForReturn, rf.RefundPlan, tuple, ex.ExchangeSplit]:
    """The return priced again (a window may have passed, an approval been used) and split
    against the new sale: (original, plan, policy, split)."""
    cross = _cross(svc)
    assert credit.original is not None and isinstance(credit.request, CrossReturnRequest)
    with cross._lock:  # the original as found, even if later look-ups pushed it out
        cross._found.setdefault(credit.request.request_id, credit.original)
    original, plan, policy = cross._checked(actor, credit.request)
    if plan.total_fen != credit.credit_fen:
        raise Conflict("The sale was returned meanwhile; start the exchange again.", code="return.changed_meanwhile")
    try:
        split = ex.split(plan, original.paid_tenders(), new_total_fen)
    except ex.ExchangeError as exc:
        raise InvalidInput("exchange", exc.message, code=f"exchange.{exc.code.value}") from None
    return original, plan, policy, split


def complete(svc: ExchangeService, actor: Actor, credit: ExchangeCredit, *, cart_id: str,
             card_reference: str | None, grant) -> CompletedExchange:  # type: ignore[no-untyped-def]
    """Reserve at HQ, write the new sale and the return in one transaction, confirm at HQ."""
    cross = _cross(svc)
    cross._finish_pending()  # a return left waiting for its wallet counts first
    request = credit.request
    assert isinstance(request, CrossReturnRequest)
    view = svc.checkout.current_cart(actor)
    original, plan, policy, split = checked(svc, actor, credit, view.total_fen)
    held = sum(t.amount_fen for t in view.tenders if t.kind == ex.CREDIT)
    if held != split.credit_fen:
        raise Conflict("The exchange credit on the sale is not the exchange's: pay again.",
                       code="exchange.credit_changed")
    card = sum(t.refund_fen for t in split.shares if original.method(t.seq) == "card")
    reference = card_reference.strip() if isinstance(card_reference, str) else ""
    if card and not reference:
        raise InvalidInput("card_reference", f"Refund {Money(card, svc.config.currency)} on the card terminal "
                           "and enter its refund reference.", code="return.card_reference_required",
                           params={"amount_fen": card})
    if len(reference) > 40:
        raise InvalidInput("card_reference", "A card reference is at most 40 characters.",
                           code="tender.reference_too_long")
    with svc.db.read() as s:  # before an approval is used up
        shift_reports.require_open_shift(s, svc.config)
    svc.authorizer.require(actor, Permission.RETURN_PROCESS, grant)
    credits = {t.seq: t.credit_fen for t in split.shares}
    by_method: dict[str, int] = {}
    for t in split.shares:
        if t.credit_fen:
            by_method[original.method(t.seq)] = by_method.get(original.method(t.seq), 0) + t.credit_fen
    request = replace(request, card_reference=reference if card else None)
    with cross._lock:  # one return of this till at a time: the request is checked once
        done = svc.completed(request.request_id)
        if done is not None:
            return done
        if cross.completed(request.request_id) is not None:  # refunded meanwhile as a plain return
            raise Conflict("These items were returned meanwhile; start the exchange again.",
                           code="return.changed_meanwhile")
        exchange_id, return_id = str(uuid.uuid4()), str(uuid.uuid4())
        journal.note(cross, return_id, original.original_ref)  # a till killed after HQ reserved releases it
        try:
            reserved, effects = cross._reserve(actor, return_id, original, plan, credit=by_method)
        except ServiceError as exc:
            if exc.code != "return.hq_unreachable":  # refused: HQ holds nothing (unreachable: released later)
                journal.forget(cross, return_id)
            raise
        written: list[str] = []  # the return's number

        def link(s, facts: sales.SaleFacts) -> None:  # type: ignore[no-untyped-def]
            """The return and the link, in the new sale's own transaction."""
            row, payload = cross.record_in(s, actor, grant, request, original, plan, return_id, reserved, effects,
                                           policy, exchange={"exchange_id": exchange_id, "sale_id": facts.sale_id,
                                                             "credit_minor": split.credit_fen, "credits": credits})
            cross.complete_in(s, row, payload)
            s.add(CrossExchange(id=exchange_id, request_id=request.request_id, return_id=return_id,
                                sale_id=facts.sale_id, credit_fen=split.credit_fen, due_fen=split.due_fen,
                                refund_fen=split.refund_fen, credits=json.dumps(sorted(by_method.items())),
                                operator_id=actor.operator_id, completed_at=iso(facts.completed_at)))
            svc.audit.append(s, operator_id=actor.operator_id, action="exchange.completed", target=exchange_id,
                             details={"sale_id": facts.sale_id, "receipt_no": facts.receipt_no,
                                      "return_id": return_id, "return_no": row.return_no,
                                      "original": original.original_ref, "original_receipt_no": original.receipt_no,
                                      "credit_fen": split.credit_fen, "due_fen": split.due_fen,
                                      "refund_fen": split.refund_fen, "reserved_at_hq": reserved,
                                      "approved_by": grant.approved_by if grant else None})
            written.append(row.return_no)

        sale_link = {"exchange_id": exchange_id, "return_id": return_id, "credit_minor": split.credit_fen}
        try:
            facts = svc.checkout.complete_linked(actor, cart_id, sale_link, link)
        except BaseException as exc:
            if reserved:  # nothing was written: the goods are not held at HQ
                cross._settle(return_id, "release")
            if isinstance(exc, IntegrityError):  # the same exchange, written meanwhile by another caller
                done = svc.completed(request.request_id)
                if done is not None:
                    return done
            raise
    if reserved:
        cross._settle(return_id, "confirm")
    with svc._lock:
        svc._open = None
    names = {line.line_no: line.name_zh or line.name_en or line.sku for line in original.lines}
    back = tuple((original.method(t.seq), t.refund_fen) for t in split.shares if t.refund_fen)
    done = svc.after_commit(facts, exchange_id, written[0], original.receipt_no, tuple(
        rd.ReturnLine(name=names[r.line_no], quantity=r.quantity, amount_fen=r.refund_fen) for r in plan.lines),
        split, back)
    return replace(done, points_back=effects.points_back, points_taken=effects.points_taken)


def completed(s, request_id: str) -> CompletedExchange | None:  # type: ignore[no-untyped-def]
    """In the caller's read: the cross exchange a request became (``repeated``), or None."""
    from store_client.services.exchanges import CompletedExchange

    row = s.scalars(select(CrossExchange).where(CrossExchange.request_id == request_id)).one_or_none()
    if row is None:
        return None
    ret, sale = s.get(CrossReturn, row.return_id), s.get(Sale, row.sale_id)
    if ret is None or sale is None:  # both or neither: one transaction wrote them
        raise ServiceError("The exchange's records are incomplete.", code="exchange.damaged")
    credit = dict(json.loads(row.credits))
    back = []
    for method, fen, _ref in json.loads(ret.tenders):
        kept = min(fen, credit.get(method, 0))
        credit[method] = credit.get(method, 0) - kept
        if fen > kept:
            back.append((method, fen - kept))
    return CompletedExchange(row.id, sale.receipt_no, ret.return_no, sale.total_fen, row.credit_fen, row.due_fen,
                             row.refund_fen, tuple(back), sale.change_fen, sale.print_job_id, "", repeated=True,
                             points_back=ret.points_back, points_taken=ret.points_taken)
