"""The cash part of an endless-aisle order, at HQ (docs/stock.md, "Endless aisle").

An aisle order is paid with the till's sale, often beside shelf items, by any of the sale's
tenders. What a cancel gives back follows the refund rules of a return
(store_client/domain/refunds.py): every other tender first, cash last (cash never replaces
an electronic payment), cash counted net of the change. So the order's cash part is what of
its amount the sale's non-cash tenders cannot cover, after the orders of the same sale
received before it took theirs. HQ works it out when the order arrives, keeps it with the
order (``aisle.cash_minor``, published to the store's tills) and checks a cancel's
``cash_minor`` against it: the till pays that much from its drawer, HQ's refund ledger the
rest. Shelf lines of the sale returned before or after do not move it (documented limit).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from sync.hq import order_tables as ot


def _paid(sale: dict) -> tuple[int, int]:
    """(cash net of the change, every other tender) of a sale payload."""
    cash = sum(p["amount_minor"] for p in sale.get("payments", []) if p.get("method") == "cash")
    other = sum(p["amount_minor"] for p in sale.get("payments", []) if p.get("method") != "cash")
    return max(cash - int(sale.get("change_minor") or 0), 0), max(other, 0)


def cash_part(conn: Connection, sale: dict, order_id: str, amount: int, lines_table: Any) -> int:
    """The cash part of order ``order_id`` (``amount`` fen) of ``sale``, after the other
    orders of that sale already received took their parts."""
    cash, other = _paid(sale)
    siblings = set(conn.scalars(select(lines_table.c.order_id).where(
        lines_table.c.sale_id == sale["sale_id"], lines_table.c.order_id != order_id)))
    for sibling in sorted(siblings):
        row = conn.execute(select(ot.orders.c.data, ot.orders.c.paid_minor).where(
            ot.orders.c.order_id == sibling)).first()
        if row is None:
            continue
        taken = int((json.loads(row.data).get("aisle") or {}).get("cash_minor") or 0)
        cash, other = cash - taken, other - (row.paid_minor - taken)
    return min(max(amount - max(other, 0), 0), max(cash, 0))
