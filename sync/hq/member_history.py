"""A member's purchases in every channel, for the till's member profile: store sales from
any store and online orders (open ones too, with their state), newest first.

Behavioural data: HQ answers only an authenticated till, and the till asks only for an
operator whose role may see it (services/member_desk.py).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, select

from sync.hq import order_tables as ot
from sync.hq.originals import Originals

LIMIT = 10


def purchases(engine: Engine, originals: Originals, member_id: str, limit: int = LIMIT) -> list[dict[str, Any]]:
    """Each purchase: ``ref``, ``channel`` (store / online), ``store_id`` (the store that sold
    it, or where an online order is picked up), ``receipt_no`` (an order's number),
    ``completed_at`` (an order: when collected, else when placed), ``items``, ``total_minor``
    (what is paid and not refunded), ``state`` (an online order's, else None)."""
    found = [{"ref": o["original_ref"], "channel": "store", "store_id": o["store_id"],
              "receipt_no": o["receipt_no"], "completed_at": o["completed_at"],
              "items": sum(int(x["qty"]) for x in o["lines"]),
              "total_minor": sum(int(x["net_minor"]) for x in o["lines"]), "state": None}
             for o in originals.find("member", member_id) if o["original_ref"].startswith("sale:")]
    o = ot.orders.c
    with engine.connect() as conn:
        rows = conn.execute(select(o.order_id, o.order_no, o.store_id, o.state, o.ordered_at, o.closed_at,
                                   o.paid_minor, o.refunded_minor, o.data)
                            .where(o.member_id == member_id).order_by(o.ordered_at.desc()).limit(limit))
        for row in rows:
            lines = json.loads(row.data).get("lines", [])
            found.append({"ref": f"order:{row.order_id}", "channel": "online", "store_id": row.store_id,
                          "receipt_no": row.order_no, "completed_at": row.closed_at or row.ordered_at,
                          "items": sum(int(x.get("qty", 0)) for x in lines),
                          "total_minor": int(row.paid_minor) - int(row.refunded_minor or 0),
                          "state": row.state})
    found.sort(key=lambda p: p["completed_at"] or "", reverse=True)
    return found[:limit]
