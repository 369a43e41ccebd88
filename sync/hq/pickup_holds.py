"""What a store's open pick-up orders hold of its stock, at HQ (docs/stock.md, "At HQ").

The figure other stores see of a store (``stock_nearby`` ``reserved``) and what HQ lets an
endless-aisle order take from it is on hand less what is held there: endless-aisle orders
sourced from it (:mod:`sync.hq.aisle`) and the store's own pick-up orders, counted as that
store's tills count them (``store_client/services/stock.pickup_reserved``): a line picked
holds the SKU picked (a substitute's where one was picked), what is still to pick holds the
ordered SKU unless the line was shorted. An order accepted, being picked or ready holds; a
handed-over, cancelled or expired one holds nothing (its goods left, or stay on the shelf).
An endless-aisle order holds nothing at the selling store: its goods were never on that
shelf.

Every change of an order goes through :func:`sync.hq.order_events.publish_order`, which calls
:func:`mark`: the SKUs of the order at its store are marked dirty in the same transaction,
so the next publication carries the new hold with the position.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, select, update

from store_client.domain import pickup as pk
from sync.hq import order_tables as ot

HOLDING = (pk.ACCEPTED, pk.PICKING, pk.READY)


def _holds(data: dict) -> dict[str, int]:
    """Per SKU, what one open order holds."""
    if data.get("aisle") is not None:
        return {}
    picks = {p["line_no"]: p for p in data.get("picks") or []}
    out: dict[str, int] = {}
    for line in data["lines"]:
        pick = picks.get(line["line_no"], {})
        picked = min(int(pick.get("picked") or 0), int(line["qty"]))
        if picked:
            sku = pick.get("substitute_sku") or line["sku"]
            out[sku] = out.get(sku, 0) + picked
        if not pick.get("short_reason") and int(line["qty"]) > picked:
            out[line["sku"]] = out.get(line["sku"], 0) + int(line["qty"]) - picked
    return out


def held(conn: Connection, store_ids: Iterable[str]) -> dict[tuple[str, str], int]:
    """What the open pick-up orders of ``store_ids`` hold, per (store, SKU)."""
    stores = list(set(store_ids))
    found: dict[tuple[str, str], int] = {}
    if not stores:
        return found
    for store_id, data in conn.execute(select(ot.orders.c.store_id, ot.orders.c.data).where(
            ot.orders.c.store_id.in_(stores), ot.orders.c.state.in_(HOLDING))):
        for sku, qty in _holds(json.loads(data)).items():
            found[(store_id, sku)] = found.get((store_id, sku), 0) + qty
    return found


def mark(conn: Connection, row: Any) -> None:
    """Mark the positions an order touches at its store dirty (its hold may have changed)."""
    from sync.hq.stock import stock

    data = json.loads(row.data)
    if data.get("aisle") is not None:
        return
    skus = {line["sku"] for line in data["lines"]} | {
        p["substitute_sku"] for p in data.get("picks") or [] if p.get("substitute_sku")}
    if skus:
        conn.execute(update(stock).where(stock.c.store_id == row.store_id, stock.c.sku.in_(sorted(skus)))
                     .values(dirty=True))
