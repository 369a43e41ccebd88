"""Store credit notes at the checkout's completion (docs/checkout.md, "Store credit notes").

A note is spent at HQ when the sale completes, after the checks a sale can fail on, so a
refused completion or a voided sale leaves it as it was; each spend is recorded before HQ
is asked (services/credit_spends.py), and a sale that is not written gives back what its
attempt spent. The checkout service calls these with itself (``svc``): its database, clock,
configuration and store credit client.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from store_client.services import credit_spends, shift_reports, store_credit
from store_client.services.errors import InvalidInput, ServiceError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from store_client.services.auth import Actor
    from store_client.services.cart_store import CartState
    from store_client.services.checkout import CheckoutService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CreditAttempt:
    """One completion attempt's store credit spends."""

    payments: tuple[credit_spends.CreditPayment, ...] = ()
    offline: frozenset[str] = frozenset()  # left to HQ's ingest
    answered: frozenset[str] = frozenset()  # HQ took them in this attempt


def credit_tender(svc: CheckoutService, actor: Actor, state: CartState, code: str | None, due: int,
                  at_most: int) -> tuple[int, str]:
    """The smallest of what is left on the note, what is still due and ``at_most`` (the
    dialog offers what is due), and the note's code as HQ knows it."""
    if svc.store_credit is None:
        raise ServiceError("Store credit notes cannot be taken at this till.", code="credit.hq_unreachable")
    remaining = due - sum(t.amount_fen for t in state.tenders)
    if remaining <= 0:  # before asking HQ anything
        raise InvalidInput("amount_fen", "The sale is already paid.", code="tender.over_tender",
                           params={"max_fen": svc.tender_config.cash_max_fen, "due_fen": 0})
    text = store_credit.normalise(code)
    already = sum(t.amount_fen for t in state.tenders if t.kind == store_credit.KIND and t.reference == text)
    quote = svc.store_credit.quote(actor, text, already)
    return min(quote.remaining_fen, remaining, at_most), quote.code


def spend_at_completion(svc: CheckoutService, actor: Actor, state: CartState) -> CreditAttempt:
    """Spend the cart's notes at HQ before the sale is written; a refusal after a spend
    releases what was spent."""
    tenders = [(t.tender_id, t.reference or "", t.amount_fen)
               for t in state.tenders if t.kind == store_credit.KIND]
    if not tenders:
        return CreditAttempt()
    if svc.store_credit is None:
        raise ServiceError("Store credit notes cannot be taken at this till.", code="credit.hq_unreachable")
    with svc.db.read() as s:
        priced, _m, _p, _c = svc._price(s, state)
        settlement = svc._settlement(priced.total_fen, state.tenders)
        if settlement.errors or settlement.remaining_fen:
            return CreditAttempt()  # the write refuses it with its own code; nothing is spent
        shift_reports.require_open_shift(s, svc.config)
    payments = credit_spends.prepare(svc.db, svc.clock, state.cart_id, tenders)
    answered: set[str] = set()
    try:
        offline = svc.store_credit.spend(actor, [(p.spend_id, p.code, p.amount_fen) for p in payments], answered)
    except BaseException:
        svc._release_credit(state.cart_id, CreditAttempt(tuple(payments), frozenset(), frozenset(answered)))
        raise
    return CreditAttempt(tuple(payments), offline, frozenset(answered))


def release_attempt(svc: CheckoutService, cart_id: str, credit: CreditAttempt) -> None:
    """The sale was not written: give back what its attempt spent at HQ. Never raises over
    the caller's own error: what cannot be recorded now stays attempted, and the payment
    removed or the sale voided later releases it."""
    if not credit.payments:
        return
    try:
        with svc.db.transaction() as s:
            released = release_in(svc, s, cart_id, None, "sale_not_written", credit.answered)
    except Exception:
        log.exception("the store credit spends of cart %s could not be released now", cart_id)
        return
    release_online(svc, released)


def release_in(svc: CheckoutService, s: Session, cart_id: str, tender_id: str | None, reason: str,
               answered: frozenset[str] = frozenset()) -> list[credit_spends.CreditPayment]:
    """In the caller's transaction: the spends of the cart (or of one payment) given back."""
    return credit_spends.release_in(s, svc.clock, cart_id=cart_id, tender_id=tender_id, reason=reason,
                                    store_id=svc.config.store_id, terminal_id=svc.config.terminal_id,
                                    answered=answered)


def release_online(svc: CheckoutService, released: list[credit_spends.CreditPayment]) -> None:
    """Tell HQ at once (the outbox event tells it anyway)."""
    if released:
        credit_spends.release_online(svc.store_credit.client if svc.store_credit else None, released)
