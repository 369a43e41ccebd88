"""The part of a return that a store credit note paid goes back onto that note (docs/returns.md).

A first-class POS gives a gift card's part of a refund back to the card, not in cash: the
customer paid with store credit, so the refund is store credit again, and HQ's ledger stays
the one place a note's balance lives. Notes do not expire or close in this ledger, so the
original note is always the one topped up; no new note is issued.

The return's event carries, per store credit tender, the note's code (``original_reference``:
the sale's tender reference is the full code); HQ adds the part back when the event arrives
(sync/hq/credit_notes.py ``refund_from_return``: once per return and tender, never more than
the note paid on that sale). The event goes through the outbox, so this works the same
offline: the balance is back at HQ when the till is online again. A note issued at this till
gets its part back on this till's own record at once, in the return's transaction, so it can
be spent here offline too. Screens, paper and audit show only the code's last four digits.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from store_client.domain.refunds import TenderRefund
from store_client.persistence.no_receipt_models import CreditNote
from store_client.services.store_credit import KIND, mask


def references(tenders: Iterable[TenderRefund]) -> dict[int, str]:
    """The refund reference of each store credit part: the note, masked."""
    return {t.seq: mask(t.original_reference) for t in tenders if t.kind == KIND}


def restore_own(session: Session, tenders: Iterable[TenderRefund]) -> None:
    """In the return's transaction: a note issued here gets its part back on this till's record."""
    for t in tenders:
        if t.kind != KIND or not t.original_reference:
            continue
        note = session.get(CreditNote, t.original_reference)
        if note is not None:
            note.remaining_fen = min(note.amount_fen, note.remaining_fen + t.amount_fen)
