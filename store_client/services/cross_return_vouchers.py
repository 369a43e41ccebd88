"""A voucher part of another store's sale, returned at this till: a new store credit note.

A voucher (代金券, a method other systems' sales carry; this till takes none) has no ledger a
till could give it back to, and paying it out in cash would turn a voucher into money. So the
voucher part of a return taken here is refunded as a store credit note issued by this till,
like a return without a receipt issues one (docs/returns.md, "Store credit notes back"): its
code is drawn before the return is written, the note is entered into this till's
``credit_notes`` when the return completes (in its transaction: a return cancelled because its
wallet declined issues nothing), its code travels in the ``return.taken`` event
(``voucher_note``), HQ enters it into its ledger when the event arrives, and the customer's
note is printed after the commit. Offline it works the same, and the note is spendable here at
once; elsewhere once HQ has the event.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store_client.clock import iso
from store_client.domain import refunds as rf
from store_client.persistence.no_receipt_models import CreditNote
from store_client.services.no_receipt_views import credit_note_slip
from store_client.services.store_credit import mask
from sync.protocol.credit_codes import new_credit_code

VOUCHER = "voucher"


def draw(method: Callable[[int], str], plan: rf.RefundPlan) -> tuple[str, int] | None:
    """``(a fresh code, the voucher parts' total)``, or None when the return has no voucher part."""
    total = sum(t.amount_fen for t in plan.tenders if method(t.seq) == VOUCHER)
    return (new_credit_code(), total) if total else None


def references(method: Callable[[int], str], plan: rf.RefundPlan, note: tuple[str, int] | None) -> dict[int, str]:
    """Each voucher part's refund reference: the new note, masked."""
    if note is None:
        return {}
    return {t.seq: mask(note[0]) for t in plan.tenders if method(t.seq) == VOUCHER}


def annotate(payload: dict, note: tuple[str, int] | None) -> None:
    if note is not None:
        payload["voucher_note"] = {"code": note[0], "amount_minor": note[1]}


def issue_in(session: Session, payload: dict, return_id: str, at: datetime) -> None:
    """In the completing transaction: the note of the event's ``voucher_note`` (once)."""
    note = payload.get("voucher_note")
    if note is not None and session.get(CreditNote, note["code"]) is None:
        session.add(CreditNote(code=note["code"], amount_fen=note["amount_minor"], remaining_fen=note["amount_minor"],
                               return_id=return_id, issued_at=iso(at)))


def print_note(service, return_id: str, return_no: str, when: datetime) -> None:  # type: ignore[no-untyped-def]
    """The customer's note, after the commit; a printer problem never undoes the return."""
    if service.print_queue is None:
        return
    with service.db.read() as s:
        note = s.scalar(select(CreditNote).where(CreditNote.return_id == return_id))
        if note is None:
            return
        code, amount = note.code, note.amount_fen
    config = service.config
    try:
        service.print_queue.submit("return", credit_note_slip(
            code=code, amount_fen=amount, return_no=return_no, store_name=config.values.get("store.name", ""),
            store_id=config.store_id, terminal_id=config.terminal_id, when=when, currency=config.currency),
            title=f"credit note {return_no}")
    except Exception:  # noqa: BLE001 (logged; the note can be reprinted from the return)
        import logging

        logging.getLogger(__name__).exception("credit note of return %s could not be printed", return_no)
