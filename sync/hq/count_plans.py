"""A stock count counted on several tills of a store: HQ shares the plan and serves the totals.

Everything here runs inside the ingest transaction of the event (so once per event) and
publishes with :func:`sync.hq.feed_rows.publish_row` in that transaction: the plan's row and
the totals reach the tills together with what changed them, or not at all.

* ``stock.count_planned`` keeps the plan and publishes it (``count_plans``) to the store's
  tills, which then take scans for it.
* ``stock.count_scanned`` (kept in ``hq_count_scans`` by :mod:`sync.hq.stock`) re-totals its
  SKU: per till, the sum of its scans in the SKU's latest round (a recount replaces the
  count), published as one ``count_totals`` row. A scan is kept by its own id, so a till
  that resends after a lost answer counts once.
* ``stock.count_posted`` / ``stock.count_cancelled`` close the plan on every till.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import Column, Connection, String, Table, Text, func, insert, select, update

from sync.hq.feed_rows import publish_row
from sync.hq.schema import metadata
from sync.protocol.count_events import CANCELLED, PLANNED, totals_key
from sync.protocol.events import PayloadError

KINDS = frozenset({PLANNED, CANCELLED})

plans = Table(
    "hq_count_plans", metadata,
    Column("plan_id", String(36), primary_key=True),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),  # the till that reviews and posts it
    Column("state", String(16), nullable=False),  # counting | posted | cancelled
    Column("plan", Text, nullable=False),  # the published row (JSON), without its state
)


def _plan(conn: Connection, plan_id: str):  # type: ignore[no-untyped-def]
    return conn.execute(select(plans).where(plans.c.plan_id == plan_id)).first()


def _publish_plan(conn: Connection, store_id: str, plan_id: str, body: str, state: str) -> None:
    publish_row(conn, "count_plans", store_id, plan_id, {**json.loads(body), "state": state})


def apply_event(conn: Connection, store_id: str, terminal_id: str, kind: str, data: dict) -> None:
    """Apply a validated plan or cancel event of this store's till ``terminal_id``."""
    if data["terminal_id"] != terminal_id:
        raise PayloadError(f"a count of till {data['terminal_id']} sent by till {terminal_id}")
    known = _plan(conn, data["plan_id"])
    if kind == PLANNED:
        if known is not None:
            raise PayloadError(f"count.plan_known: plan {data['plan_id']} was planned already")
        body = json.dumps({"plan_id": data["plan_id"], "terminal_id": terminal_id, "label": data["label"],
                           "scope": data["scope"], "blind": data["blind"], "snapshot_at": data["snapshot_at"],
                           "lines": data["lines"]}, ensure_ascii=False, separators=(",", ":"))
        conn.execute(insert(plans).values(plan_id=data["plan_id"], store_id=store_id, terminal_id=terminal_id,
                                          state="counting", plan=body))
        _publish_plan(conn, store_id, data["plan_id"], body, "counting")
        return
    if known is None or known.store_id != store_id:
        raise PayloadError(f"count.unknown_plan: no count plan {data['plan_id']} of this store")
    if known.terminal_id != terminal_id:
        raise PayloadError(f"count.other_till: plan {data['plan_id']} is closed at till {known.terminal_id}")
    if known.state == "posted":
        raise PayloadError(f"count.posted_no_cancel: plan {data['plan_id']} was posted")
    _close(conn, known, "cancelled")


def posted(conn: Connection, store_id: str, terminal_id: str, plan_id: str) -> None:
    """A posted count (``stock.count_posted``, applied by the caller) closes its shared plan."""
    known = _plan(conn, plan_id)
    if known is not None and known.store_id == store_id and known.terminal_id == terminal_id \
            and known.state == "counting":
        _close(conn, known, "posted")


def _close(conn: Connection, known, state: str) -> None:  # type: ignore[no-untyped-def]
    if known.state == state:
        return
    conn.execute(update(plans).where(plans.c.plan_id == known.plan_id).values(state=state))
    _publish_plan(conn, known.store_id, known.plan_id, known.plan, state)


def publish_totals(conn: Connection, store_id: str, plan_id: str, sku: str) -> None:
    """Re-total ``sku`` of ``plan_id`` from every till's scans HQ holds, and publish it."""
    from sync.hq.stock import as_of, count_scans as c

    latest = conn.scalar(select(func.max(c.c.round)).where(c.c.plan_id == plan_id, c.c.sku == sku,
                                                           c.c.store_id == store_id))
    if latest is None:
        return
    now = datetime.now(UTC)
    tills = [{"terminal_id": tid, "counted": max(int(qty), 0), "scans": int(n), "last_at": as_of(last, now)}
             for tid, qty, n, last in conn.execute(
                 select(c.c.terminal_id, func.sum(c.c.qty), func.count(), func.max(c.c.at)).where(
                     c.c.plan_id == plan_id, c.c.sku == sku, c.c.store_id == store_id, c.c.round == latest)
                 .group_by(c.c.terminal_id).order_by(c.c.terminal_id))]
    publish_row(conn, "count_totals", store_id, totals_key(plan_id, sku), {
        "plan_id": plan_id, "sku": sku, "round": int(latest), "tills": tills,
        "counted": sum(t["counted"] for t in tills), "as_of": max(t["last_at"] for t in tills)})
