"""Finding the original of a return at HQ, from any store: by receipt, member or payment.

HQ indexes every sale it receives (receipt number, member, payment references) as it
ingests it, so a store can find another store's sale without asking the customer for more
than they have: the receipt, their member code or phone, or the payment. What comes back is
what a return needs: each line with its net paid and what is still returnable across every
store (from :mod:`sync.hq.returnables`), and each tender's net payment.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Connection, Engine, Index, String, Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sync.hq import cross_returns
from sync.hq import order_tables as ot
from sync.hq import schema as t
from sync.hq.returnables import (
    STALE_AFTER,
    Original,
    ReturnablesService,
    ReturnRefused,
    holding,
    original_from_sale,
    own_returns_by_ref,
    reservations,
    taken_sums,
)
from sync.hq.schema import metadata

MAX_RESULTS = 200

refs = Table(
    "hq_original_refs", metadata,
    Column("kind", String(16), primary_key=True),  # receipt / member / payment
    Column("value", String(80), primary_key=True),
    Column("original_ref", String(80), primary_key=True),  # sale:<id> (order:<id> for online orders)
    Column("completed_at", String(40), nullable=False),
    Index("ix_hq_original_refs_lookup", "kind", "value", "completed_at"),
)


def index_sale(conn: Connection, sale: dict) -> None:
    """Index a sale being ingested (inside the ingest transaction)."""
    ref = f"sale:{sale['sale_id']}"
    keys = [("receipt", sale.get("receipt_no"))]
    if sale.get("member_id"):
        keys.append(("member", sale["member_id"]))
    keys += [("payment", p["reference"]) for p in sale.get("payments", []) if p.get("reference")]
    rows = [{"kind": kind, "value": str(value)[:80], "original_ref": ref, "completed_at": sale["completed_at"]}
            for kind, value in keys if value]
    if rows:
        stmt = (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(refs)
        conn.execute(stmt.on_conflict_do_nothing(), rows)


class Originals:
    def __init__(self, engine: Engine, returnables: ReturnablesService) -> None:
        self.engine, self.returnables = engine, returnables
        metadata.create_all(engine, tables=[refs])

    def find(self, kind: str, value: str) -> list[dict[str, Any]]:
        """The originals matching, newest first, each as a return sees it."""
        if kind not in ("receipt", "member", "payment", "sale", "order") or not value or len(value) > 80:
            return []
        with self.engine.connect() as conn:
            if kind == "sale":
                found = [f"sale:{value}"]
            else:  # store sales and collected online orders, newest first
                dated = [(r.original_ref, r.completed_at) for r in conn.execute(
                    select(refs.c.original_ref, refs.c.completed_at).where(refs.c.kind == kind, refs.c.value == value)
                    .order_by(refs.c.completed_at.desc()).limit(MAX_RESULTS))]
                dated += cross_returns.find_orders(conn, kind, value)
                found = [ref for ref, _at in sorted(dated, key=lambda x: x[1], reverse=True)[:MAX_RESULTS]]
            return describe_many(conn, found)  # one that is indexed but not loadable is skipped

    def describe(self, ref: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            found = describe_many(conn, [ref])
        if not found:
            raise ReturnRefused("return.unknown_original", f"no sale or order {ref}")
        return found[0]


def describe_many(conn: Connection, found: list[str]) -> list[dict[str, Any]]:
    """Each original in ``found`` (in that order) as a return sees it: every line's sold,
    returnable and refunded (other stores' returns and the selling till's own together), every
    tender's paid and refunded. Four queries whatever the count (a member with 200 orders was
    1,000 before), read in one connection, so the figures are of one moment."""
    sale_ids = [ref.partition(":")[2] for ref in found if ref.startswith("sale:")]
    order_ids = [ref.partition(":")[2] for ref in found if ref.startswith("order:")]
    sales = {row.sale_id: row for row in conn.execute(
        select(t.sales.c.sale_id, t.sales.c.store_id, t.sales.c.payload)
        .where(t.sales.c.sale_id.in_(sale_ids)))} if sale_ids else {}
    o = ot.orders.c
    orders = {row.order_id: row for row in conn.execute(
        select(o.order_id, o.state, o.data, o.order_no, o.closed_at, o.ordered_at, o.member_id)
        .where(o.order_id.in_(order_ids)))} if order_ids else {}
    held: dict[str, list[tuple[Any, Any]]] = {}
    if found:
        r = reservations.c
        stale_before = (datetime.now(UTC) - STALE_AFTER).isoformat(timespec="seconds")
        for row in conn.execute(select(r.original_ref, r.lines, r.tenders).where(
                r.original_ref.in_(found), holding(stale_before))):
            held.setdefault(row.original_ref, []).append((json.loads(row.lines), json.loads(row.tenders)))
    own = own_returns_by_ref(conn, found)  # the selling till's own returns count too
    out = []
    for ref in found:
        kind, _, key = ref.partition(":")
        if kind == "sale" and key in sales:
            sale_row = sales[key]
            sale = json.loads(sale_row.payload)
            original: Original | None = original_from_sale(ref, str(sale_row.store_id), sale)
        elif kind == "order" and key in orders:
            order = orders[key]
            original = cross_returns.online_order_from_row(ref, order.state, order.data)
            sale = {"receipt_no": order.order_no, "completed_at": order.closed_at or order.ordered_at,
                    "member_id": order.member_id}
        else:
            continue
        if original is None:
            continue
        taken, refunded_lines, refunded = taken_sums([*held.get(ref, []), *own.get(ref, [])])
        payment_refs: dict[str, str] = {}  # a mobile part is refunded against its payment
        for pay in sale.get("payments", []):
            if pay.get("reference"):
                payment_refs.setdefault(pay["method"], str(pay["reference"]))
        out.append({
            "original_ref": ref, "store_id": original.store_id, "receipt_no": sale.get("receipt_no"),
            "channel": "online" if kind == "order" else "store",
            "completed_at": sale.get("completed_at"), "member_id": sale.get("member_id"),
            "lines": [{"line_no": n, "sku": line.sku, "qty": line.qty, "net_minor": line.net_fen,
                       "returnable": line.qty - taken.get(n, 0),
                       "refunded_minor": refunded_lines.get(n, 0)}
                      for n, line in sorted(original.lines.items())],
            "tenders": [{"method": m, "paid_minor": fen, "refunded_minor": refunded.get(m, 0),
                         "reference": payment_refs.get(m)}
                        for m, fen in sorted(original.tenders.items())]})
    return out
