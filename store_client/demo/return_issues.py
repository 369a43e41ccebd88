"""Two open return issues as HQ publishes them (``store_return_issues``), for the demo store's
tour and the board's tests: a line returned here offline after another store returned it,
and a credit note spent here offline after it was spent elsewhere."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from store_client.clock import iso
from store_client.persistence.models import Product, SyncRow
from sync.protocol.datasets import validate_row
from sync.protocol.return_issues import DATASET


def demo_issues(sku: str, price_fen: int, now: datetime) -> list[dict]:
    conflict = {"issue_id": "0b8e4c1e-5d1c-4c55-9d5e-2f7f7c1c0001", "kind": "conflict",
                "sale_id": "9f1d2b7a-0000-4000-8000-000000000001",
                "original_ref": "sale:9f1d2b7a-0000-4000-8000-000000000001", "receipt_no": "S002-T03-000041",
                "lines": [{"line_no": 2, "sku": sku, "qty": 1, "refund_minor": price_fen}],
                "stores": ["S002", "S001", "S003"], "terminal_id": "T01", "amount_minor": price_fen,
                "code_tail": None, "cause": "return.already_returned", "at": iso(now - timedelta(hours=2)),
                "resolution": None, "resolved_at": None}
    overdraft = {**conflict, "issue_id": "7c1e2a90-1111-4111-8111-000000000002:t1", "kind": "overdraft",
                 "sale_id": "a0000000-2222-4222-8222-000000000003",
                 "original_ref": "sale:a0000000-2222-4222-8222-000000000003", "receipt_no": None, "lines": [],
                 "stores": ["S001", "S002"], "amount_minor": 1000, "code_tail": "4821",
                 "cause": "credit.above_remaining", "at": iso(now - timedelta(hours=1))}
    return [conflict, overdraft]


def seed_return_issues(session: Session, now: datetime) -> list[dict]:
    """The rows as the puller keeps them (validated as it validates them), on the first
    product sold by the piece; returns them."""
    sku, price = session.execute(select(Product.sku, Product.price_minor).where(
        Product.unit == "each", Product.active.is_(True), Product.price_minor > 0).order_by(Product.sku)).first()
    rows = demo_issues(sku, price, now)
    for row in rows:
        session.merge(SyncRow(dataset=DATASET, key=row["issue_id"],
                              data=json.dumps(validate_row(DATASET, row["issue_id"], row), ensure_ascii=False)))
    return rows
