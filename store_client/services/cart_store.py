"""The crash-safe copy of carts: the active cart and parked carts in the ``carts`` table,
their lines in ``cart_lines`` (one row each, so a change writes only what it touched).

Every change to the cart is saved in its own transaction before the service returns,
so a kill -9 loses at most the change that was being made (which the cashier never saw
succeed). A save names the version it replaces; a stale writer (a second window, a
bug) gets :class:`~store_client.services.errors.Conflict` instead of overwriting.
A stored cart that no longer loads is set aside as ``damaged`` (kept for store IT),
never silently dropped.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import compress
from operator import is_not
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session, object_session

from store_client.domain.cart import (
    Cart,
    CartError,
    CartErrorCode,
    CartLimits,
    CartLine,
    line_dict,
)
from store_client.persistence.db import driver
from store_client.persistence.models import CartRow
from store_client.services.errors import Conflict

ACTIVE, PARKED, DAMAGED = "active", "parked", "damaged"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TenderEntry:
    tender_id: str
    kind: str  # cash | card | mobile | points
    amount_fen: int
    reference: str | None = None
    points: int | None = None


@dataclass(frozen=True)
class CartState:
    cart_id: str
    cart: Cart
    tenders: tuple[TenderEntry, ...] = ()
    version: int = 0  # 0: not stored yet
    next_tender: int = 1
    note: str = ""
    created_at: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def fresh(cls, limits: CartLimits, created_at: str) -> CartState:
        return cls(str(uuid.uuid4()), Cart(limits=limits), created_at=created_at)


_SEPARATORS = (",", ":")


def dumps(state: CartState) -> str:
    """The header row's text: ``{"cart": {...header}, "line_count": n, "tenders": [...],
    "next_tender": n}``; the lines are stored apart (:func:`line_text`), and their count
    here tells a lost line row from a cart that never had it."""
    return json.dumps({
        "cart": state.cart.header_dict(),
        "line_count": len(state.cart.lines),
        "tenders": [{"tender_id": t.tender_id, "kind": t.kind, "amount_fen": t.amount_fen,
                     "reference": t.reference, "points": t.points} for t in state.tenders],
        "next_tender": state.next_tender,
    }, ensure_ascii=False, separators=_SEPARATORS)


def line_text(line: CartLine) -> str:
    return json.dumps(line_dict(line), ensure_ascii=False, separators=_SEPARATORS)


def changed_lines(old: tuple[CartLine, ...], new: tuple[CartLine, ...]) -> list[CartLine] | None:
    """The lines of ``new`` that are not (the same objects as) those of ``old``, or None when
    lines were dropped or renumbered (then every line is written again). Carts are
    immutable and a change rebuilds only the line it touches, so identity is the test."""
    if len(new) < len(old):
        return None
    at = list(compress(range(len(old)), map(is_not, old, new)))  # in C: a scan on line 500
    if any(old[i].line_id != new[i].line_id for i in at):
        return None
    return [*(new[i] for i in at), *new[len(old):]]


def loads(row: CartRow, limits: CartLimits, lines: Sequence[tuple[int, str]] | None = None,
          ) -> CartState:
    """Rebuild a stored cart from its header row and its ``(line_id, data)`` line rows (read
    through the row's session when not given); raises CartError(BAD_DATA) when it is not
    loadable."""
    if lines is None:
        session = object_session(row)
        if session is None:
            raise ValueError("a detached cart row needs its lines")
        lines = line_rows(session, row.id)
    try:
        data = json.loads(row.data)
        header = data["cart"]
        if not isinstance(header, dict) or "lines" in header:
            raise ValueError("the header holds lines: not the line-row format")
        parsed = []
        for line_id, text in lines:
            raw = json.loads(text)
            if not isinstance(raw, dict) or raw.get("line_id") != line_id:
                raise ValueError(f"line row {line_id} holds another line")
            parsed.append(raw)
        if data["line_count"] != len(parsed):
            raise ValueError(f"{data['line_count']} lines stored, {len(parsed)} found")
        cart = Cart.from_dict({**header, "lines": parsed}, limits)
        tenders = tuple(TenderEntry(str(t["tender_id"]), str(t["kind"]), int(t["amount_fen"]),
                                    t.get("reference"), t.get("points"))
                        for t in data["tenders"])
        next_tender = int(data["next_tender"])
    except CartError:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise CartError(CartErrorCode.BAD_DATA, f"Stored cart is invalid: {exc!r}") from exc
    return CartState(row.id, cart, tenders, row.version, next_tender, row.note, row.created_at)


def line_rows(session: Session, cart_id: str) -> list[tuple[int, str]]:
    return [(int(n), str(d)) for n, d in session.execute(
        text("SELECT line_id, data FROM cart_lines WHERE cart_id = :c ORDER BY line_id"),
        {"c": cart_id})]


def load_active(session: Session, limits: CartLimits) -> CartState | None:
    rows = session.scalars(select(CartRow).where(CartRow.status == ACTIVE)
                           .order_by(CartRow.updated_at.desc())).all()
    for row in rows:
        try:
            return loads(row, limits)
        except CartError as exc:
            log.error("active cart %s cannot be loaded and is set aside: %s", row.id, exc)
            row.status = DAMAGED
    return None


_UPSERT_LINE = ("INSERT INTO cart_lines (cart_id, line_id, data) VALUES (?, ?, ?) "
                "ON CONFLICT (cart_id, line_id) DO UPDATE SET data = excluded.data")
_UPDATE_HEADER = ("UPDATE carts SET data = ?, version = ?, status = ?, note = ?, operator_id = ?, "
                  "updated_at = ? WHERE id = ? AND version = ?")
_DELETE_LINES = "DELETE FROM cart_lines WHERE cart_id = ?"


def save(session: Session, state: CartState, *, operator_id: str | None, now: str,
         status: str = ACTIVE, previous: Cart | None = None) -> CartState:
    """Store ``state`` as its next version; returns it with the new version.

    ``previous``: the cart as last stored; then only the lines that differ from it are
    written (a scan writes the small header and one line, whatever the cart's length).
    Without it every line is written again."""
    new = replace(state, version=state.version + 1)
    lines = state.cart.lines
    if state.version == 0:
        session.add(CartRow(id=state.cart_id, status=status, operator_id=operator_id,
                            note=state.note, data=dumps(new), version=new.version,
                            created_at=state.created_at or now, updated_at=now))
        session.flush()
    else:
        conn = driver(session)  # a scan's path: fixed statements, no ORM work per statement
        updated = conn.execute(_UPDATE_HEADER, (dumps(new), new.version, status, state.note,
                                                operator_id, now, state.cart_id, state.version))
        if updated.rowcount != 1:
            raise Conflict("The cart was changed elsewhere; it has been reloaded. Try again.")
        changed = changed_lines(previous.lines, lines) if previous is not None else None
        if changed is None:
            conn.execute(_DELETE_LINES, (state.cart_id,))
        else:
            lines = tuple(changed)
    if lines:
        driver(session).executemany(_UPSERT_LINE, [(state.cart_id, line.line_id, line_text(line))
                                                   for line in lines])
    return new


def parked(session: Session) -> list[CartRow]:
    return list(session.scalars(select(CartRow).where(CartRow.status == PARKED)
                                .order_by(CartRow.updated_at)))


def delete(session: Session, cart_id: str) -> None:
    row = session.get(CartRow, cart_id)
    if row is not None:
        session.delete(row)
        session.flush()
