"""The exchange credit of a return taken at a till of an original it did not sell.

An exchange of another store's sale or an online order (docs/returns.md, "Exchanges") is a
``return.taken`` whose value paid, first, a new sale at the same till. The returnable ledger
reserves the return's whole share of each of the original's tenders, as for any return; this
table says how much of each share is *credit*: it bought the new goods and never goes back to
the customer. So an online order's provider is owed only the part paid back, and a store
sale's points tender gives points back only for the part paid back (the credited points
bought the new goods). Marked by the reserving till before its reservation (like cash instead
of an online payment), or in the ingest transaction of an exchange taken offline; once marked
it never changes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import Column, Connection, String, Table, Text, insert, select

from sync.hq.schema import metadata

credits = Table(
    "hq_return_credits", metadata,
    Column("return_id", String(64), primary_key=True),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("tenders", Text, nullable=False),  # {method: fen} of the return's shares kept as credit
    Column("at", String(40), nullable=False),
)


class CreditRefused(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def parse(raw: object, asked: Mapping[str, int]) -> dict[str, int]:
    """``{method: fen}`` from a request: each a method the return refunds, 0 < fen ≤ its
    share, at least one; ValueError otherwise."""
    if not isinstance(raw, dict) or not raw or len(raw) > 20:
        raise ValueError("credit must be an object {method: fen}")
    out: dict[str, int] = {}
    for method, fen in raw.items():
        if not isinstance(method, str) or method not in asked:
            raise ValueError(f"credit of a tender the return does not refund: {str(method)[:16]!r}")
        if isinstance(fen, bool) or not isinstance(fen, int) or not 0 < fen <= asked[method]:
            raise ValueError(f"credit {method}: above 0 and at most its share")
        out[method] = fen
    return out


def of_event(data: Mapping) -> dict[str, int]:
    """The credit of a validated ``return.taken`` (v3), per method (empty: no exchange)."""
    out: dict[str, int] = {}
    for tender in data.get("tenders", ()):
        if tender.get("credit_minor"):
            out[tender["method"]] = out.get(tender["method"], 0) + tender["credit_minor"]
    return out


def marked(conn: Connection, return_id: str) -> dict[str, int] | None:
    """The credit marked for a return, or None when none was."""
    row = conn.scalar(select(credits.c.tenders).where(credits.c.return_id == return_id))
    return None if row is None else {str(m): int(f) for m, f in json.loads(row).items()}


def credit_of(conn: Connection, return_id: str) -> dict[str, int]:
    return marked(conn, return_id) or {}


def refusal(conn: Connection, return_id: str, store_id: str, terminal_id: str,
            credit: Mapping[str, int]) -> str | None:
    """Why ``credit`` cannot be marked for the return, or None: another till's return, a
    return reserved without a credit, or another credit than the one marked."""
    from sync.hq.returnables import reservations  # (the ledger imports the effects, which import this)

    known = marked(conn, return_id)
    if known is None and not credit:  # a plain return: nothing to hold it to
        return None
    for table in (reservations, credits):
        owner = conn.execute(select(table.c.store_id, table.c.terminal_id)
                             .where(table.c.return_id == return_id)).first()
        if owner is not None and (owner.store_id, owner.terminal_id) != (store_id, terminal_id):
            return f"return {return_id} belongs to another till"
    owner = conn.scalar(select(reservations.c.return_id).where(reservations.c.return_id == return_id))
    if known is not None:
        return None if known == dict(credit) else f"return {return_id} was reserved with another exchange credit"
    if owner is not None:
        return f"return {return_id} was reserved without an exchange credit"
    return None


def mark(conn: Connection, return_id: str, store_id: str, terminal_id: str, credit: Mapping[str, int]) -> None:
    """Mark ``credit`` once (nothing for an empty one); :class:`CreditRefused`
    (``return.id_reused``) when :func:`refusal` says why not."""
    why = refusal(conn, return_id, store_id, terminal_id, credit)
    if why:
        raise CreditRefused("return.id_reused", why)
    if credit and marked(conn, return_id) is None:
        conn.execute(insert(credits).values(return_id=return_id, store_id=store_id, terminal_id=terminal_id,
                                            tenders=json.dumps(dict(sorted(credit.items()))),
                                            at=datetime.now(UTC).isoformat(timespec="seconds")))
