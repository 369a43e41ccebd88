"""This store's stock: movements written in the caller's transaction, positions kept beside.

:func:`record` runs inside the transaction of the change that moves stock (a sale, a
return, a pick-up hand-over, a count adjustment, goods received), with the outbox event
HQ needs, so stock and its cause commit together or not at all. A movement is recorded
once per (cause, SKU, reason): a retried write never moves stock twice.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, text
from sqlalchemy.orm import Session

from store_client.clock import Clock, iso, parse_iso
from store_client.domain.stock import FRESH_FOR, Movement, Position
from store_client.persistence.db import Database
from store_client.persistence.models import StockPosition
from sync.terminal import outbox

EVENT = "stock.moved"
EVENT_CHUNK = 500  # movements per event: the protocol's bound on lines per payload


def record(session: Session, movements: Sequence[Movement], *, store_id: str, terminal_id: str,
           clock: Clock | None = None, event: bool = True) -> int:
    """Write ``movements`` (already checked by the domain) and their event; returns how many
    were new. Must run inside the caller's transaction.

    ``event=False`` for sales and returns: their own events carry the lines, and HQ moves
    its stock from those, so a sale stays one event in the outbox."""
    if not session.in_transaction():
        raise RuntimeError("stock.record must run inside the caller's transaction")
    new: list[Movement] = []
    for movement in movements:
        inserted = cast("CursorResult[Any]", session.execute(text(
            "INSERT OR IGNORE INTO stock_movements (sku, delta, reason, ref, at) "
            "VALUES (:sku, :delta, :reason, :ref, :at)"),
            {"sku": movement.sku, "delta": movement.delta, "reason": str(movement.reason), "ref": movement.ref,
             "at": iso(movement.at)})).rowcount
        if inserted:
            new.append(movement)
            session.execute(text(
                "INSERT INTO stock_positions (sku, on_hand, reserved, as_of) VALUES (:sku, :delta, 0, :at) "
                "ON CONFLICT (sku) DO UPDATE SET on_hand = on_hand + :delta, as_of = max(as_of, :at)"),
                {"sku": movement.sku, "delta": movement.delta, "at": iso(movement.at)})
    for start in range(0, len(new) if event else 0, EVENT_CHUNK):  # a 5,000-line count adjustment is ten events
        outbox.enqueue(session, EVENT, {
            "store_id": store_id, "terminal_id": terminal_id,
            "movements": [{"sku": m.sku, "delta": m.delta, "reason": str(m.reason), "ref": m.ref, "at": iso(m.at)}
                          for m in new[start:start + EVENT_CHUNK]]}, clock=clock)
    return len(new)


def positions(session: Session, skus: Sequence[str], *, default_as_of: datetime) -> dict[str, Position]:
    """The positions of ``skus``; a SKU never moved here is zero as of ``default_as_of``."""
    found = {row.sku: Position(row.sku, row.on_hand, row.reserved, parse_iso(row.as_of))
             for row in session.scalars(select(StockPosition).where(StockPosition.sku.in_(list(skus))))}
    return {sku: found.get(sku, Position(sku, 0, 0, default_as_of)) for sku in skus}


def position(db: Database, sku: str, *, clock: Clock) -> Position:
    with db.read() as s:
        return positions(s, [sku], default_as_of=clock.now())[sku]


STOCK_LEVELS = "stock_levels"  # HQ's on-hand of this store, one row a SKU (sync_rows)


@dataclass(frozen=True, slots=True)
class Figure:
    """One stock figure as a screen shows it. ``reserved`` is None where the source does not
    say (HQ's rows carry on hand only); ``as_of`` None: the source gave no usable time, which
    counts as stale."""

    on_hand: int
    reserved: int | None
    as_of: datetime | None
    fresh: bool

    @property
    def available(self) -> int:
        return max(self.on_hand - (self.reserved or 0), 0)


@dataclass(frozen=True, slots=True)
class StockOverview:
    """What Product lookup shows of one SKU: this till's books and HQ's figure for this
    store, each with its own time and freshness (:data:`FRESH_FOR`), read at ``now``."""

    sku: str
    here: Figure | None  # None: no movement of this SKU was ever recorded on this till
    at_hq: Figure | None  # None: HQ has not sent a figure for this SKU (yet)
    now: datetime


def _aware(text_: object) -> datetime | None:
    if not isinstance(text_, str):
        return None
    try:
        moment = parse_iso(text_)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _figure(on_hand: int, reserved: int | None, as_of: datetime | None, now: datetime) -> Figure:
    return Figure(on_hand, reserved, as_of, as_of is not None and now - as_of <= FRESH_FOR)


def overview(db: Database, sku: str, *, clock: Clock) -> StockOverview:
    """The stock of ``sku`` here and at HQ, for Product lookup (one read)."""
    now = clock.now()
    with db.read() as s:
        row = s.get(StockPosition, sku)
        here = None if row is None else _figure(row.on_hand, row.reserved, _aware(row.as_of), now)
        data = s.execute(text("SELECT data FROM sync_rows WHERE dataset = :ds AND key = :sku"),
                         {"ds": STOCK_LEVELS, "sku": sku}).scalar()
    at_hq = None
    if data is not None:
        try:
            hq = json.loads(data)
        except ValueError:
            hq = None
        on_hand = hq.get("on_hand") if isinstance(hq, dict) else None
        if isinstance(on_hand, int) and not isinstance(on_hand, bool):
            at_hq = _figure(on_hand, None, _aware(hq.get("as_of")), now)
    return StockOverview(sku, here, at_hq, now)
