"""A store credit spend at HQ that does not become a sale is given back (docs/checkout.md).

The note is spent at HQ before the sale is written (services/store_credit.py): only HQ can
say at that moment that two tills are not spending the same money. So that the customer's
credit is never lost when the sale is then NOT written, the till keeps a record of its own:

* before HQ is asked, each payment's spend id is written ``attempted`` (committed), so the
  till knows what HQ may have taken even if it dies while HQ answers or loses the answer;
* the sale's transaction marks them ``sold``;
* when the sale is not written (its write failed, a note was refused after another was
  spent, or, after a crash, the payment is removed or the sale voided), the attempted spends
  are ``released`` and a ``credit.released`` outbox event is written per spend, in ONE
  transaction: HQ gives the money back when the event arrives (once per spend id; an id HQ
  never took is dead all the same). The till also asks HQ at once (best effort), so the
  balance is whole again while the customer is still at the counter.

A released id is never spent again: the payment completed once more spends under the next id
(``<cart>:<tender>~<n>``), so a retried completion takes the money once, whichever of the
release and the sale HQ hears of first. A crash leaves an ``attempted`` spend: completing
the cart then reuses its id (HQ's repeat), removing the payment or voiding releases it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store_client.clock import Clock, iso
from store_client.persistence.db import Database
from store_client.persistence.no_receipt_models import CreditNote, CreditSpend
from sync.protocol.credit_events import EVENT_KIND
from sync.terminal import outbox
from sync.terminal.transport import BatchRejected, HQClient, TransientError

log = logging.getLogger(__name__)

ATTEMPTED, SOLD, RELEASED = "attempted", "sold", "released"


@dataclass(frozen=True)
class CreditPayment:
    spend_id: str
    tender_id: str
    code: str
    amount_fen: int


def _spend_id(cart_id: str, tender_id: str, released: int) -> str:
    base = f"{cart_id}:{tender_id}"
    return base if released == 0 else f"{base}~{released}"


def prepare(db: Database, clock: Clock, cart_id: str,
            tenders: Iterable[tuple[str, str, int]]) -> list[CreditPayment]:
    """The spend id of each ``(tender id, code, amount)`` for this attempt, recorded
    ``attempted`` and committed before HQ is asked."""
    out: list[CreditPayment] = []
    with db.transaction() as s:
        rows = list(s.scalars(select(CreditSpend).where(CreditSpend.cart_id == cart_id)))
        for tender_id, code, amount in tenders:
            mine = [r for r in rows if r.tender_id == tender_id]
            live = next((r for r in mine if r.state == ATTEMPTED), None)
            if live is None:  # the first attempt, or the next one after a release
                live = CreditSpend(spend_id=_spend_id(cart_id, tender_id, len(mine)), cart_id=cart_id,
                                   tender_id=tender_id, code=code, amount_fen=amount, state=ATTEMPTED,
                                   at=iso(clock.now()))
                s.add(live)
            out.append(CreditPayment(live.spend_id, tender_id, live.code, live.amount_fen))
    return out


def mark_sold(session: Session, payments: Iterable[CreditPayment], sale_id: str) -> None:
    """In the sale's transaction."""
    ids = [p.spend_id for p in payments]
    if ids:
        session.execute(update(CreditSpend).where(CreditSpend.spend_id.in_(ids), CreditSpend.state == ATTEMPTED)
                        .values(state=SOLD, sale_id=sale_id))


def release_in(session: Session, clock: Clock, *, cart_id: str, tender_id: str | None, reason: str,
               store_id: str, terminal_id: str, answered: frozenset[str] = frozenset()) -> list[CreditPayment]:
    """In the caller's transaction: the cart's (or one payment's) attempted spends released,
    each with its ``credit.released`` event. ``answered``: spend ids HQ answered in this
    process, which lowered this till's record of its own note; that is given back too."""
    query = select(CreditSpend).where(CreditSpend.cart_id == cart_id, CreditSpend.state == ATTEMPTED)
    if tender_id is not None:
        query = query.where(CreditSpend.tender_id == tender_id)
    now = iso(clock.now())
    released: list[CreditPayment] = []
    for row in session.scalars(query):
        row.state, row.released_at, row.reason = RELEASED, now, reason
        outbox.enqueue(session, EVENT_KIND, {
            "spend_id": row.spend_id, "code": row.code, "amount_minor": row.amount_fen, "cart_id": cart_id,
            "reason": reason, "store_id": store_id, "terminal_id": terminal_id, "at": now}, clock=clock)
        if row.spend_id in answered:
            note = session.get(CreditNote, row.code)
            if note is not None:
                note.remaining_fen = min(note.amount_fen, note.remaining_fen + row.amount_fen)
        released.append(CreditPayment(row.spend_id, row.tender_id, row.code, row.amount_fen))
    return released


def release_online(client: Callable[[], HQClient] | None, released: Iterable[CreditPayment]) -> None:
    """Ask HQ at once; what is not answered is done by the events already in the outbox."""
    for payment in released:
        if client is None:
            return
        try:
            with client() as hq:
                hq.release_credit_note(payment.code, payment.spend_id)
        except (TransientError, BatchRejected) as exc:
            log.info("release of %s left to the outbox: %s", payment.spend_id, exc)
