"""Finding the original of a return at HQ, from any store: by receipt, member or payment.

HQ indexes every sale it receives (receipt number, member, payment references) as it
ingests it, so a store can find another store's sale without asking the customer for more
than they have: the receipt, their member code or phone, or the payment. What comes back is
what a return needs: each line with its net paid and what is still returnable across every
store (from :mod:`sync.hq.returnables`), and each tender's net payment.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Column, Connection, Engine, Index, String, Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sync.hq import cross_returns
from sync.hq import schema as t
from sync.hq.returnables import ReturnablesService, ReturnRefused
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
        out = []
        for ref in found:
            try:
                out.append(self.describe(ref))
            except ReturnRefused:
                continue  # indexed but not loadable (not expected): skipped, not a crash
        return out

    def describe(self, ref: str) -> dict[str, Any]:
        original, lines, refunded = self.returnables.status(ref)
        with self.engine.connect() as conn:
            sale = self._sale(conn, ref)
        return {"original_ref": ref, "store_id": original.store_id, "receipt_no": sale.get("receipt_no"),
                "channel": "online" if ref.startswith("order:") else "store",
                "completed_at": sale.get("completed_at"), "member_id": sale.get("member_id"),
                "lines": [{"line_no": s.line_no, "sku": s.sku, "qty": s.sold, "net_minor": s.net_fen,
                           "returnable": s.returnable, "refunded_minor": s.refunded_fen}
                          for s in sorted(lines.values(), key=lambda x: x.line_no)],
                "tenders": [{"method": m, "paid_minor": fen, "refunded_minor": refunded.get(m, 0)}
                            for m, fen in sorted(original.tenders.items())]}

    @staticmethod
    def _sale(conn: Connection, ref: str) -> dict[str, Any]:
        kind, _, sale_id = ref.partition(":")
        if kind == "order":
            return cross_returns.describe_order(conn, ref)
        if kind != "sale":
            return {}
        payload = conn.scalar(select(t.sales.c.payload).where(t.sales.c.sale_id == sale_id))
        return json.loads(payload) if payload else {}
