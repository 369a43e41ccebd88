"""This store's stock: movements written in the caller's transaction, positions kept beside.

:func:`record` runs inside the transaction of the change that moves stock (a sale, a
return, a pick-up hand-over, a count adjustment, goods received), with the outbox event
HQ needs, so stock and its cause commit together or not at all. A movement is recorded
once per (cause, SKU, reason): a retried write never moves stock twice.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from store_client.clock import Clock, iso, parse_iso
from store_client.domain.stock import FRESH_FOR, Movement, Position
from store_client.persistence.db import Database, driver
from store_client.persistence.models import StockPosition
from sync.protocol.datasets import validate_row
from sync.protocol.events import PayloadError
from sync.terminal import outbox

log = logging.getLogger(__name__)

EVENT = "stock.moved"
_MOVEMENT = "INSERT OR IGNORE INTO stock_movements (sku, delta, reason, ref, at) VALUES (?, ?, ?, ?, ?)"
_POSITION = ("INSERT INTO stock_positions (sku, on_hand, reserved, as_of) VALUES (:sku, :delta, 0, :at) "
             "ON CONFLICT (sku) DO UPDATE SET on_hand = on_hand + :delta, as_of = max(as_of, :at)")
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
    # Two fixed statements a line, on the transaction's own sqlite3 connection: through the
    # ORM each cost an autoflush and a compile-cache look-up (~0.3 ms), which a sale of a
    # few hundred lines pays twice a line. The session's pending rows are flushed first,
    # as the ORM's first statement would have.
    session.flush()
    conn = driver(session)
    for movement in movements:
        at = iso(movement.at)
        if conn.execute(_MOVEMENT, (movement.sku, movement.delta, str(movement.reason), movement.ref, at)).rowcount:
            new.append(movement)
            conn.execute(_POSITION, {"sku": movement.sku, "delta": movement.delta, "at": at})
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
STOCK_NEARBY = "stock_nearby"  # HQ's on-hand of nearby stores and warehouses, key "{sku}|{site}"


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
class Elsewhere:
    """Another site's figure as HQ sent it: a nearby store or a warehouse, ``distance_m``
    from this store (None: HQ does not know where one of the two is)."""

    site_id: str
    name: str
    kind: str  # store | warehouse
    distance_m: int | None
    figure: Figure


@dataclass(frozen=True, slots=True)
class StockOverview:
    """What Product lookup shows of one SKU: this till's books, HQ's figure for this store,
    and HQ's figures of the nearby stores (nearest first) and of the warehouses, each with
    its own time and freshness (:data:`FRESH_FOR`), read at ``now``."""

    sku: str
    here: Figure | None  # None: no movement of this SKU was ever recorded on this till
    at_hq: Figure | None  # None: HQ has not sent a figure for this SKU (yet)
    now: datetime
    nearby: tuple[Elsewhere, ...] = ()  # other stores, nearest first
    warehouses: tuple[Elsewhere, ...] = ()


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


def overview(db: Database, sku: str, *, clock: Clock, store_id: str | None = None) -> StockOverview:
    """The stock of ``sku`` here, at HQ for this store (``store_id``), and elsewhere, for
    Product lookup (one read; the other sites' rows of one SKU are one range of keys)."""
    now = clock.now()
    with db.read() as s:
        row = s.get(StockPosition, sku)
        here = None if row is None else _figure(row.on_hand, row.reserved, _aware(row.as_of), now)
        data = s.execute(text("SELECT data FROM sync_rows WHERE dataset = :ds AND key = :sku"),
                         {"ds": STOCK_LEVELS, "sku": sku}).scalar()
        others = s.execute(text("SELECT key, data FROM sync_rows WHERE dataset = :ds AND key >= :lo AND key < :hi"),
                           {"ds": STOCK_NEARBY, "lo": f"{sku}|", "hi": f"{sku}}}"}).all()
        held = pickup_reserved(s, sku, store_id) if store_id is not None else None
    at_hq = None
    if data is not None:
        try:
            hq = json.loads(data)
        except ValueError:
            hq = None
        on_hand = hq.get("on_hand") if isinstance(hq, dict) else None
        if isinstance(on_hand, int) and not isinstance(on_hand, bool):
            at_hq = _figure(on_hand, held, _aware(hq.get("as_of")), now)
    sites = _elsewhere(sku, others, store_id, now)
    return StockOverview(sku, here, at_hq, now, nearby=tuple(e for e in sites if e.kind == "store"),
                         warehouses=tuple(e for e in sites if e.kind == "warehouse"))


def pickup_reserved(session: Session, sku: str, store_id: str) -> int:
    """How much of ``sku`` this store's open pick-up orders hold (placed, accepted, being
    picked or ready, as HQ sent them or further on this till): what a line picked holds of
    the SKU picked (a substitute's where there is one), and what is still to pick of the
    ordered SKU unless the line was shorted. Handed over, an order holds nothing: its goods
    left the stock (services/pickup.py). The orders are the ``online_orders`` rows every till
    of the store receives, so the figure is the store's, not this till's."""
    from store_client.domain import pickup as pk
    from store_client.services import pickup_rows

    local = {order_id: (state, picks) for order_id, state, picks in session.execute(
        text("SELECT order_id, state, picks FROM pickup_progress"))}
    held = 0
    for (data,) in session.execute(text("SELECT data FROM sync_rows WHERE dataset = 'online_orders'")):
        try:
            row = json.loads(data)
            if row.get("store_id") != store_id or row.get("aisle"):
                continue  # another store's, or an ordered item from elsewhere: not on this shelf
            mine = local.get(row["order_id"])
            if pickup_rows.further(row["state"], mine[0] if mine else None) not in pk.OPEN:
                continue
            picks = {int(k): v for k, v in json.loads(mine[1]).items()} if mine else {
                p["line_no"]: p for p in row.get("picks") or []}
            for line in row["lines"]:
                pick = picks.get(line["line_no"], {})
                picked = min(int(pick.get("picked", 0)), int(line["qty"]))
                if (pick.get("substitute_sku") or line["sku"]) == sku:
                    held += picked
                if line["sku"] == sku and not pick.get("short_reason"):
                    held += int(line["qty"]) - picked
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("an online order row was left out of the reservations: %s", exc)
    return held


def _elsewhere(sku: str, rows: Sequence[Any], store_id: str | None, now: datetime) -> list[Elsewhere]:
    """The other sites' figures of ``sku``, nearest first; a row that does not pass the
    protocol's check, or that names this store, is left out and logged (never raised)."""
    found: list[Elsewhere] = []
    for key, data in rows:
        try:
            row = validate_row(STOCK_NEARBY, key, json.loads(data))
        except (ValueError, PayloadError) as exc:
            log.warning("stock_nearby row %r left out: %s", key, exc)
            continue
        if row["sku"] != sku:
            continue  # a longer SKU that shares the prefix
        if row["site_id"] == store_id:
            log.warning("stock_nearby row %r names this store %s as its own neighbour: left out", key, store_id)
            continue
        found.append(Elsewhere(row["site_id"], row["name"], row["kind"], row["distance_m"],
                               _figure(row["on_hand"], row.get("reserved"), _aware(row["as_of"]), now)))
    found.sort(key=lambda e: (e.distance_m is None, e.distance_m or 0, e.name, e.site_id))
    return found
