"""The crash-safe copy of carts: the active cart and parked carts in the ``carts`` table.

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
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store_client.domain.cart import Cart, CartError, CartLimits, CartLine, line_dict
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


_JSON = {"ensure_ascii": False, "separators": (",", ":")}
_LINE_CACHE_SIZE = 4096
_line_json_cache: dict[int, tuple[CartLine, str]] = {}


def _line_json(line: CartLine) -> str:
    """A line's JSON text, remembered by identity: lines are immutable and a scan changes
    one line of a long cart, so re-encoding the others on every save was most of its cost."""
    hit = _line_json_cache.get(id(line))
    if hit is not None and hit[0] is line:
        return hit[1]
    if len(_line_json_cache) >= _LINE_CACHE_SIZE:
        _line_json_cache.clear()
    text = json.dumps(line_dict(line), **_JSON)
    _line_json_cache[id(line)] = (line, text)
    return text


def dumps(state: CartState) -> str:
    """The stored form: ``{"cart": {...header, "lines": [...]}, "tenders": [...], "next_tender": n}``,
    byte for byte what ``json.dumps`` of that dict gives (a test holds it to that)."""
    head = json.dumps(state.cart.header_dict(), **_JSON)
    lines = ",".join(_line_json(line) for line in state.cart.lines)
    rest = json.dumps({
        "tenders": [{"tender_id": t.tender_id, "kind": t.kind, "amount_fen": t.amount_fen,
                     "reference": t.reference, "points": t.points} for t in state.tenders],
        "next_tender": state.next_tender,
    }, **_JSON)
    return '{"cart":' + head[:-1] + ',"lines":[' + lines + "]}," + rest[1:]


def loads(row: CartRow, limits: CartLimits) -> CartState:
    """Rebuild a stored cart; raises CartError(BAD_DATA) when it is not loadable."""
    try:
        data = json.loads(row.data)
        cart = Cart.from_dict(data["cart"], limits)
        tenders = tuple(TenderEntry(str(t["tender_id"]), str(t["kind"]), int(t["amount_fen"]),
                                    t.get("reference"), t.get("points"))
                        for t in data["tenders"])
        next_tender = int(data["next_tender"])
    except CartError:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        from store_client.domain.cart import CartErrorCode
        raise CartError(CartErrorCode.BAD_DATA, f"Stored cart is invalid: {exc!r}") from exc
    return CartState(row.id, cart, tenders, row.version, next_tender, row.note, row.created_at)


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


def save(session: Session, state: CartState, *, operator_id: str | None, now: str,
         status: str = ACTIVE) -> CartState:
    """Store ``state`` as its next version; returns it with the new version."""
    new = replace(state, version=state.version + 1)
    if state.version == 0:
        session.add(CartRow(id=state.cart_id, status=status, operator_id=operator_id,
                            note=state.note, data=dumps(new), version=new.version,
                            created_at=state.created_at or now, updated_at=now))
        session.flush()
        return new
    result = session.execute(
        update(CartRow).where(CartRow.id == state.cart_id, CartRow.version == state.version)
        .values(data=dumps(new), version=new.version, status=status, note=state.note,
                operator_id=operator_id, updated_at=now)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict("The cart was changed elsewhere; it has been reloaded. Try again.")
    return new


def parked(session: Session) -> list[CartRow]:
    return list(session.scalars(select(CartRow).where(CartRow.status == PARKED)
                                .order_by(CartRow.updated_at)))


def delete(session: Session, cart_id: str) -> None:
    row = session.get(CartRow, cart_id)
    if row is not None:
        session.delete(row)
        session.flush()
