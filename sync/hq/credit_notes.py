"""HQ's ledger of store credit notes and of returns taken without a receipt.

A till issues a credit note with a return without receipt (``return.no_receipt``, store
credit): HQ enters it when the event arrives (:func:`record_return`). Spending goes through
:func:`spend`: one conditional ``UPDATE ... WHERE remaining >= amount`` per spend, atomic on
SQLite and PostgreSQL alike, so two tills spending the same note at the same moment cannot
both take what only one of them may (tested with threads); a partial spend leaves the rest
on the note. A spend has its own id: asking again (a retry after a lost answer) gets the
first answer and takes nothing more; the same id with another note or amount is refused.

A spend the till could not turn into a sale (its local write failed, the payment was
removed, the sale voided) is *released* (:func:`release`, online and again from the till's
``credit.released`` event): what it took goes back on the note, once; a released spend id is
dead (a later spend under it is refused ``credit.released``), so a till that completes the
sale after all spends again under a new id. Spend and release of one id are serialised by a
lock on the note's row (and SQLite's one writer).

Refusal codes: ``credit.forged`` (the code's check digits are wrong), ``credit.unknown``
(never issued, or HQ has not received its issue yet), ``credit.spent`` (nothing left),
``credit.above_remaining``, ``credit.bad_amount``, ``credit.spend_id_reused``,
``credit.released``, ``credit.release_foreign`` (a spend of another till).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Column, Connection, Integer, String, Table, Text, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from sync.protocol.credit_codes import credit_code_genuine
from sync.hq.schema import metadata
from sync.protocol.events import PayloadError

notes = Table(
    "hq_credit_notes", metadata,
    Column("code", String(16), primary_key=True),
    Column("amount_minor", Integer, nullable=False),
    Column("remaining_minor", Integer, nullable=False),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("return_id", String(36), nullable=False, unique=True),
    Column("issued_at", String(40), nullable=False),
)
spends = Table(
    "hq_credit_spends", metadata,
    Column("spend_id", String(64), primary_key=True),
    Column("code", String(16), nullable=False, index=True),
    Column("amount_minor", Integer, nullable=False),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("at", String(40), nullable=False),
)
releases = Table(
    "hq_credit_releases", metadata,
    Column("spend_id", String(64), primary_key=True),
    Column("code", String(16), nullable=False, index=True),
    Column("restored_minor", Integer, nullable=False),  # 0: HQ never took it (a tombstone)
    Column("reason", String(32), nullable=False),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("at", String(40), nullable=False),
)
no_receipt_returns = Table(
    "hq_no_receipt_returns", metadata,
    Column("return_id", String(36), primary_key=True),
    Column("event_id", String(36), nullable=False),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("refund_minor", Integer, nullable=False),
    Column("tender", String(16), nullable=False),
    Column("completed_at", String(40), nullable=False),
    Column("payload", Text, nullable=False),
)


class CreditRefused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Released:
    spend_id: str
    code: str
    restored_minor: int
    remaining_minor: int
    repeated: bool = False


@dataclass(frozen=True)
class Spent:
    spend_id: str
    code: str
    amount_minor: int
    remaining_minor: int
    repeated: bool = False


def known(conn: Connection, return_id: str) -> bool:
    return conn.scalar(select(no_receipt_returns.c.return_id).where(
        no_receipt_returns.c.return_id == return_id)) is not None


def check_return(conn: Connection, data: dict) -> None:
    """Before recording: a new return id, and a credit note code that is genuine and new."""
    if known(conn, data["return_id"]):
        raise PayloadError(f"return {data['return_id']} was already received in another event")
    note = data["credit_note"]
    if note is not None:
        if not credit_code_genuine(note["code"]):
            raise PayloadError("credit_note.code is not a genuine credit note code")
        if conn.scalar(select(notes.c.code).where(notes.c.code == note["code"])) is not None:
            raise PayloadError(f"credit note {note['code'][-4:]} was already issued")


def check_new_note(conn: Connection, note: dict | None) -> None:
    """A note a return issues (a voucher part refunded at another store's till) is new."""
    if note is not None and conn.scalar(select(notes.c.code).where(notes.c.code == note["code"])) is not None:
        raise PayloadError(f"credit note {note['code'][-4:]} was already issued")


def issue_note(conn: Connection, note: dict | None, data: dict) -> None:
    """Enter a note a ``return.taken`` issued (after :func:`check_new_note`), in the ingest's transaction."""
    if note is not None:
        conn.execute(insert(notes).values(
            code=note["code"], amount_minor=note["amount_minor"], remaining_minor=note["amount_minor"],
            store_id=data["store_id"], terminal_id=data["terminal_id"], return_id=data["return_id"],
            issued_at=data["completed_at"]))


def record_return(conn: Connection, event_id: str, data: dict, payload_json: str) -> None:
    """The return, and its credit note entered into the ledger (in the ingest's transaction)."""
    conn.execute(insert(no_receipt_returns).values(
        return_id=data["return_id"], event_id=event_id, store_id=data["store_id"],
        terminal_id=data["terminal_id"], refund_minor=data["refund_minor"], tender=data["tender"],
        completed_at=data["completed_at"], payload=payload_json))
    note = data["credit_note"]
    if note is not None:
        conn.execute(insert(notes).values(
            code=note["code"], amount_minor=note["amount_minor"], remaining_minor=note["amount_minor"],
            store_id=data["store_id"], terminal_id=data["terminal_id"], return_id=data["return_id"],
            issued_at=data["completed_at"]))


def balance(conn: Connection, code: str) -> tuple[int, int]:
    """``(amount, remaining)`` of a note, or :class:`CreditRefused`."""
    if not credit_code_genuine(code):
        raise CreditRefused("credit.forged", "not a genuine credit note code")
    row = conn.execute(select(notes.c.amount_minor, notes.c.remaining_minor).where(notes.c.code == code)).first()
    if row is None:
        raise CreditRefused("credit.unknown", "no credit note with this code")
    return int(row.amount_minor), int(row.remaining_minor)


def spend(conn: Connection, *, spend_id: str, code: str, amount: int, store_id: str, terminal_id: str,
          at: str) -> Spent:
    """Take ``amount`` off the note, once per ``spend_id``; in the caller's transaction (which
    must be committed, or rolled back on :class:`CreditRefused`)."""
    if not isinstance(spend_id, str) or not 1 <= len(spend_id) <= 64:
        raise CreditRefused("credit.bad_request", "a spend needs its id")
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= 10**12:
        raise CreditRefused("credit.bad_amount", "the amount must be a positive integer (fen)")
    _lock(conn, code)
    if conn.scalar(select(releases.c.spend_id).where(releases.c.spend_id == spend_id)) is not None:
        raise CreditRefused("credit.released", "this spend was released; spend under a new id")
    seen = conn.execute(select(spends).where(spends.c.spend_id == spend_id)).first()
    if seen is not None:
        if (seen.code, seen.amount_minor) != (code, amount):
            raise CreditRefused("credit.spend_id_reused", "this spend id was used for another spend")
        return Spent(spend_id, code, amount, balance(conn, code)[1], repeated=True)
    _total, remaining = balance(conn, code)
    if remaining == 0:
        raise CreditRefused("credit.spent", "this credit note was already spent")
    taken = conn.execute(update(notes).where(notes.c.code == code, notes.c.remaining_minor >= amount)
                         .values(remaining_minor=notes.c.remaining_minor - amount)).rowcount
    if taken != 1:  # too much, or another till took it meanwhile
        left = balance(conn, code)[1]
        if left == 0:
            raise CreditRefused("credit.spent", "this credit note was already spent")
        raise CreditRefused("credit.above_remaining", f"only {left} fen are left on this credit note")
    try:
        conn.execute(insert(spends).values(spend_id=spend_id, code=code, amount_minor=amount, store_id=store_id,
                                           terminal_id=terminal_id, at=at))
    except IntegrityError:  # the same spend id, by a concurrent retry: roll this one back
        raise CreditRefused("credit.retry", "the same spend is being made; ask again") from None
    return Spent(spend_id, code, amount, balance(conn, code)[1])


def _lock(conn: Connection, code: str) -> None:
    """Hold the note's row to the end of the transaction (PostgreSQL; SQLite has one writer)."""
    conn.execute(select(notes.c.code).where(notes.c.code == code).with_for_update())


def release(conn: Connection, *, spend_id: str, code: str, reason: str, store_id: str, terminal_id: str,
            at: str) -> Released:
    """Give back what the spend ``spend_id`` took (nothing if HQ never took it: the id is then
    dead all the same, so a spend that arrives late takes nothing), once; in the caller's
    transaction. Only the till that spent may release."""
    if not isinstance(spend_id, str) or not 1 <= len(spend_id) <= 64:
        raise CreditRefused("credit.bad_request", "a release needs the spend's id")
    if not credit_code_genuine(code):
        raise CreditRefused("credit.forged", "not a genuine credit note code")
    _lock(conn, code)
    done = conn.execute(select(releases).where(releases.c.spend_id == spend_id)).first()
    if done is not None:
        if done.code != code:
            raise CreditRefused("credit.spend_id_reused", "this spend id was released for another note")
        return Released(spend_id, code, int(done.restored_minor), _left(conn, code), repeated=True)
    spent = conn.execute(select(spends).where(spends.c.spend_id == spend_id)).first()
    if spent is not None and spent.code != code:
        raise CreditRefused("credit.spend_id_reused", "this spend id was used for another note")
    if spent is not None and (spent.store_id, spent.terminal_id) != (store_id, terminal_id):
        raise CreditRefused("credit.release_foreign", "only the till that spent may release the spend")
    restored = int(spent.amount_minor) if spent is not None else 0
    try:
        with conn.begin_nested():
            conn.execute(insert(releases).values(spend_id=spend_id, code=code, restored_minor=restored,
                                                 reason=reason[:32], store_id=store_id,
                                                 terminal_id=terminal_id, at=at))
    except IntegrityError:  # the same release, by a concurrent retry
        raise CreditRefused("credit.retry", "the same release is being made; ask again") from None
    if restored:
        conn.execute(update(notes).where(notes.c.code == code)
                     .values(remaining_minor=notes.c.remaining_minor + restored))
    return Released(spend_id, code, restored, _left(conn, code))


def release_from_event(conn: Connection, data: dict, at: str) -> None:
    """A till's ``credit.released`` (validated, its origin checked), in the ingest's transaction."""
    try:
        release(conn, spend_id=data["spend_id"], code=data["code"], reason=data["reason"],
                store_id=data["store_id"], terminal_id=data["terminal_id"], at=at)
    except CreditRefused as exc:
        raise PayloadError(f"release refused: {exc.code}") from None


def _left(conn: Connection, code: str) -> int:
    left = conn.scalar(select(notes.c.remaining_minor).where(notes.c.code == code))
    return int(left) if left is not None else 0


overdrafts = Table(
    "hq_credit_overdrafts", metadata,
    Column("spend_id", String(64), primary_key=True),
    Column("code", String(16), nullable=False, index=True),
    Column("sale_id", String(36), nullable=False),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("amount_minor", Integer, nullable=False),
    Column("taken_minor", Integer, nullable=False),
    Column("reason", String(32), nullable=False),
    Column("at", String(40), nullable=False),
)


def spend_from_sale(conn: Connection, data: dict, received: str) -> None:
    """A sale's store credit payments, spent from its ``sale.completed`` in the ingest's
    transaction under the till's spend id: a payment the till spent online is a repeat (nothing
    more taken); one spent offline is taken now. A note that no longer has enough (spent
    elsewhere while the till was offline) gives what is left, and the shortfall is recorded
    as an overdraft for the manager: the sale stands, the goods are gone. A spend id the till
    released yet the sale carries (its write committed although the till saw an error) is
    taken again under ``<id>#sale``."""
    for pay in data["payments"]:
        note = pay.get("credit_note")
        if note is None:
            continue
        amount, sid, code = pay["amount_minor"], note["spend_id"], note["code"]
        args = {"store_id": data["store_id"], "terminal_id": data["terminal_id"], "at": received}
        try:
            spend(conn, spend_id=sid, code=code, amount=amount, **args)
            continue
        except CreditRefused as exc:
            reason = exc.code
        taken = 0
        if reason == "credit.released":  # the till released it, yet the sale stands: take it again
            sid_again = f"{sid}#sale"[:64]
            left = min(amount, _left(conn, code))
            if left > 0:
                taken = spend(conn, spend_id=sid_again, code=code, amount=left, **args).amount_minor
        if reason == "credit.above_remaining":
            left = balance(conn, code)[1]
            taken = spend(conn, spend_id=sid, code=code, amount=left, **args).amount_minor
        if taken >= amount:
            continue
        if conn.scalar(select(overdrafts.c.spend_id).where(overdrafts.c.spend_id == sid)) is None:
            conn.execute(insert(overdrafts).values(spend_id=sid, code=code, sale_id=data["sale_id"],
                                                   amount_minor=amount, taken_minor=taken, reason=reason,
                                                   **args))


refunds = Table(
    "hq_credit_refunds", metadata,
    Column("refund_id", String(80), primary_key=True),  # <return id>:<tender index>
    Column("code", String(16), nullable=False, index=True),
    Column("sale_id", String(36), nullable=False, index=True),
    Column("return_id", String(36), nullable=False),
    Column("amount_minor", Integer, nullable=False),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("at", String(40), nullable=False),
)


def _paid_by_note(conn: Connection, sale: dict, code: str) -> int:
    """What the note really paid on the sale: what HQ took under the sale's spend ids (an
    overdraft took less than the payment said)."""
    sids = [p["credit_note"]["spend_id"] for p in sale.get("payments", [])
            if (p.get("credit_note") or {}).get("code") == code]
    if not sids:
        return 0
    ids = sids + [f"{sid}#sale"[:64] for sid in sids]
    released = set(conn.scalars(select(releases.c.spend_id).where(releases.c.spend_id.in_(ids))))
    return sum(int(row.amount_minor) for row in conn.execute(
        select(spends.c.spend_id, spends.c.amount_minor).where(spends.c.spend_id.in_(ids)))
        if row.spend_id not in released)


def refund_problem(conn: Connection, sale_id: str, sale: dict, ret: dict) -> str | None:
    """Why the return's store credit parts cannot go back to their notes, or None: each names
    a note that paid the sale, and a note gets back at most what it paid on that sale."""
    asked: dict[str, int] = {}
    for tender in ret["tenders"]:
        if tender["method"] == "store_credit":
            code = tender["original_reference"]
            asked[code] = asked.get(code, 0) + tender["amount_minor"]
    for code, amount in sorted(asked.items()):
        paid = _paid_by_note(conn, sale, code)
        if paid == 0:
            return f"store credit note ****{code[-4:]} did not pay sale {sale_id}"
        back = int(conn.scalar(select(func.coalesce(func.sum(refunds.c.amount_minor), 0)).where(
            refunds.c.sale_id == sale_id, refunds.c.code == code)) or 0)
        if back + amount > paid:
            return (f"store credit note ****{code[-4:]}: refunds {amount} where {paid - back} "
                    f"of the {paid} it paid are left")
    return None


def refund_from_return(conn: Connection, sale_id: str, ret: dict, at: str) -> None:
    """The return's store credit parts back onto their notes (after :func:`refund_problem`), once
    per return and tender; in the ingest's transaction."""
    for i, tender in enumerate(ret["tenders"]):
        if tender["method"] != "store_credit":
            continue
        refund_id = f"{ret['return_id']}:{i}"
        if conn.scalar(select(refunds.c.refund_id).where(refunds.c.refund_id == refund_id)) is not None:
            continue
        code = tender["original_reference"]
        conn.execute(insert(refunds).values(refund_id=refund_id, code=code, sale_id=sale_id,
                                            return_id=ret["return_id"], amount_minor=tender["amount_minor"],
                                            store_id=ret["store_id"], terminal_id=ret["terminal_id"], at=at))
        conn.execute(update(notes).where(notes.c.code == code)
                     .values(remaining_minor=notes.c.remaining_minor + tender["amount_minor"]))


def refund_taken(conn: Connection, return_id: str, original_ref: str, tenders: dict, *, store_id: str,
                 terminal_id: str, at: str) -> int:
    """A return of a store sale taken at another till, confirmed (sync/hq/returnables.py): its
    store credit part back onto the notes that paid the sale, in the sale's payment order, each
    at most what it paid less what went back to it already; once per return and note (in the
    confirming transaction). Returns what could not be placed (0 unless an overdraft took less
    than the sale said; logged by the caller)."""
    amount = int(tenders.get("store_credit", 0))
    kind, _, sale_id = original_ref.partition(":")
    if amount <= 0 or kind != "sale":
        return 0
    from sync.hq import schema as t

    payload = conn.scalar(select(t.sales.c.payload).where(t.sales.c.sale_id == sale_id))
    if payload is None:
        return amount
    sale = json.loads(payload)
    codes = list(dict.fromkeys(p["credit_note"]["code"] for p in sale.get("payments", []) if p.get("credit_note")))
    left = amount
    for code in codes:
        refund_id = f"{return_id}:{code}"
        done = conn.scalar(select(refunds.c.amount_minor).where(refunds.c.refund_id == refund_id))
        if done is not None:  # a retried confirmation
            left -= int(done)
            continue
        back = int(conn.scalar(select(func.coalesce(func.sum(refunds.c.amount_minor), 0)).where(
            refunds.c.sale_id == sale_id, refunds.c.code == code)) or 0)
        give = min(left, _paid_by_note(conn, sale, code) - back)
        if give <= 0:
            continue
        conn.execute(insert(refunds).values(refund_id=refund_id, code=code, sale_id=sale_id, return_id=return_id,
                                            amount_minor=give, store_id=store_id, terminal_id=terminal_id, at=at))
        conn.execute(update(notes).where(notes.c.code == code).values(remaining_minor=notes.c.remaining_minor + give))
        left -= give
    return max(0, left)
