"""Stock at HQ (SQLite and PostgreSQL): stores' movements give on-hand per store, published to
each store's stock_levels; count scans from several tills total exactly."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select

from sync.hq import stock as hq_stock
from sync.hq import schema as t
from sync.hq.service import HQService


def envelope(seq: int, kind: str, payload: dict, event_id: str | None = None) -> dict:
    return {"event_id": event_id or str(uuid.uuid4()), "seq": seq, "kind": kind, "schema_version": 1,
            "created_at": "2026-12-01T02:00:00+00:00", "payload": payload}


def moved(store: str, terminal: str, *moves: tuple[str, int, str]) -> dict:
    return {"store_id": store, "terminal_id": terminal, "movements": [
        {"sku": sku, "delta": delta, "reason": reason, "ref": f"r-{uuid.uuid4()}", "at": "2026-12-01T02:00:00+00:00"}
        for sku, delta, reason in moves]}


def levels(service: HQService, store: str) -> dict[str, int]:
    with service.engine.connect() as conn:
        rows = conn.execute(select(t.dataset_rows.c.key, t.dataset_rows.c.data).where(
            t.dataset_rows.c.dataset == "stock_levels", t.dataset_rows.c.scope == store)).all()
    return {key: json.loads(data)["on_hand"] for key, data in rows}


def test_movements_make_on_hand_per_store_and_reach_the_stores_dataset(hq_service: HQService):
    a = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    b = hq_service.authenticate(hq_service.issue_token("S002", "T01"))
    first = envelope(1, "stock.moved", moved("S001", "T01", ("100001", 10, "receipt"), ("100002", 3, "receipt")))
    result = hq_service.ingest(a, {"events": [first, envelope(2, "stock.moved", moved("S001", "T01",
                                                                                      ("100001", -2, "sale")))]})
    assert [r["status"] for r in result["results"]] == ["accepted", "accepted"]
    hq_service.ingest(a, {"events": [first]})  # the same event again: counted once
    hq_service.ingest(b, {"events": [envelope(1, "stock.moved", moved("S002", "T01", ("100001", 7, "receipt")))]})
    assert levels(hq_service, "S001") == {"100001": 8, "100002": 3}
    assert levels(hq_service, "S002") == {"100001": 7}
    with hq_service.engine.connect() as conn:
        assert conn.scalar(select(hq_stock.stock.c.dirty).where(hq_stock.stock.c.sku == "100001",
                                                                hq_stock.stock.c.store_id == "S001")) is False


def test_a_store_cannot_move_another_stores_stock(hq_service: HQService):
    a = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    result = hq_service.ingest(a, {"events": [envelope(1, "stock.moved", moved("S002", "T01", ("X", 5, "receipt")))]})
    assert result["results"][0]["status"] == "rejected" and "S002" in result["results"][0]["reason"]
    assert levels(hq_service, "S002") == {}


def test_bad_stock_events_are_rejected_with_a_reason(hq_service: HQService):
    a = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    bad = [moved("S001", "T01", ("X", 5, "sale")) | {"movements": []},
           moved("S001", "T01", ("X", 0, "receipt")),
           moved("S001", "T01", ("X", 5, "teleport")),
           moved("S001", "T01", ("X", 10**7, "receipt"))]
    result = hq_service.ingest(a, {"events": [envelope(i + 1, "stock.moved", p) for i, p in enumerate(bad)]})
    assert [r["status"] for r in result["results"]] == ["rejected"] * 4


def test_count_scans_from_two_tills_total_exactly(hq_service: HQService):
    t1 = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    t2 = hq_service.authenticate(hq_service.issue_token("S001", "T02"))

    def scan(terminal: str, scan_id: str, sku: str, qty: int, rnd: int = 0) -> dict:
        return {"scan_id": scan_id, "plan_id": "P1", "sku": sku, "qty": qty, "round": rnd, "counter_id": "a1",
                "store_id": "S001", "terminal_id": terminal, "at": "2026-12-01T02:00:00+00:00"}

    events_1 = [envelope(i + 1, "stock.count_scanned", scan("T01", f"t1-{i}", "A", 1)) for i in range(10)]
    events_2 = [envelope(i + 1, "stock.count_scanned", scan("T02", f"t2-{i}", "A", 2)) for i in range(5)]
    for who, events in ((t1, events_1[:6]), (t2, events_2), (t1, events_1)):  # a lost answer: six again
        assert {r["status"] for r in hq_service.ingest(who, {"events": events})["results"]} == {"accepted"}
    recount = [envelope(11, "stock.count_scanned", scan("T01", "t1-r", "A", 19, rnd=1))]
    with hq_service.engine.connect() as conn:
        assert hq_stock.plan_totals(conn, "P1") == {"A": 20}
    hq_service.ingest(t1, {"events": recount})
    with hq_service.engine.connect() as conn:
        assert hq_stock.plan_totals(conn, "P1") == {"A": 19}  # the recount replaces the count


def test_publishing_is_safe_to_repeat(hq_service: HQService):
    a = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    hq_service.ingest(a, {"events": [envelope(1, "stock.moved", moved("S001", "T01", ("A", 4, "receipt")))]})
    assert hq_stock.publish_dirty(hq_service) == 0
    with hq_service.engine.begin() as conn:  # a crash after the commit, before publishing
        conn.execute(hq_stock.stock.update().values(dirty=True))
    restarted = HQService(hq_service.engine)
    assert hq_stock.publish_dirty(restarted) == 0  # start-up published it
    assert levels(hq_service, "S001") == {"A": 4}


def test_sales_and_returns_move_hq_stock_from_their_own_events(hq_service: HQService):
    import random

    from tools.soak import make_sale

    a = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    b = hq_service.authenticate(hq_service.issue_token("S002", "T01"))
    sale = make_sale(random.Random(21))
    hq_service.ingest(a, {"events": [envelope(1, "sale.completed", sale) | {"schema_version": 3}]})
    sold = {}
    for line in sale["lines"]:
        sold[line["sku"]] = sold.get(line["sku"], 0) - line["qty"]
    assert levels(hq_service, "S001") == sold
    first = sale["lines"][0]

    def returned(return_id: str, reason: str) -> dict:
        return {"return_id": return_id, "request_id": str(uuid.uuid4()), "sale_id": sale["sale_id"],
                "receipt_no": sale["receipt_no"],
                "return_no": f"S001-T01-R{return_id[:6]}", "store_id": "S001", "terminal_id": "T01",
                "operator_id": "1001", "member_id": None, "completed_at": "2026-12-01T03:00:00+00:00",
                "refund_minor": 1, "points_refunded": 0, "points_reversed": 0,
                "reason": {"code": reason, "text": ""},
                "lines": [{"line_no": first["line_no"], "sku": first["sku"], "qty": 1, "refund_minor": 1}],
                "tenders": [{"method": "cash", "amount_minor": 1, "points": None, "reference": None,
                             "original_reference": None}]}

    results = hq_service.ingest(a, {"events": [
        envelope(2, "return.completed", returned(str(uuid.uuid4()), "changed_mind")),
        envelope(3, "return.completed", returned(str(uuid.uuid4()), "damaged"))]})["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted"], results
    sold[first["sku"]] += 1  # back on the shelf once; the damaged one is not
    assert levels(hq_service, "S001") == sold
    assert levels(hq_service, "S002") == {} and b.store_id == "S002"


def test_a_posted_count_moves_hq_stock_once(hq_service: HQService, terminal, add_operator, clock):
    """What a till's outbox holds after a count is posted, ingested at HQ: moved once, not twice."""
    from sqlalchemy import select as sql_select

    from store_client.domain.roles import Role
    from store_client.domain.stock_count import PlanScope
    from store_client.persistence.models import Category, OutboxEvent, Product
    from store_client.services.audit import AuditLog
    from store_client.services.auth import Actor
    from store_client.services.authorization import Authorizer
    from store_client.services.stock_counts import StockCountService

    add_operator("m1", "manager", "2468")
    with terminal.db.transaction() as s:
        s.add(Category(code="c", name_zh="c", name_en="c"))
        s.flush()
        s.add(Product(id=1, sku="A", name_zh="A", name_en="A", category_code="c", unit="each", price_minor=100,
                      tax_rate_bp=1300, active=True))
    audit = AuditLog(clock)
    counts = StockCountService(terminal.db, clock, audit, Authorizer(terminal.db, audit, clock), store_id="S001",
                               terminal_id="T01")
    manager = Actor("m1", "m1", Role.MANAGER)
    plan = counts.create_plan(manager, scope=PlanScope.CYCLE, label="c", skus=["A"])
    counts.scan(manager, plan, "A", 3)
    counts.submit(manager, plan)
    counts.approve_and_post(manager, plan)
    with terminal.db.read() as s:
        outbox = [(e.kind, json.loads(e.payload)) for e in s.scalars(sql_select(OutboxEvent).order_by(OutboxEvent.seq))]
    who = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    results = hq_service.ingest(who, {"events": [envelope(i + 1, kind, payload) for i, (kind, payload) in
                                                 enumerate(outbox)]})["results"]
    assert {r["status"] for r in results} == {"accepted"}
    assert levels(hq_service, "S001") == {"A": 3}  # counted 3 against nothing on hand: +3, once


def test_only_lines_back_to_stock_move_hq_stock_and_hq_keeps_each_disposition(hq_service: HQService):
    import random

    from tools.soak import make_sale

    a = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    sale = make_sale(random.Random(5))
    hq_service.ingest(a, {"events": [envelope(1, "sale.completed", sale) | {"schema_version": 3}]})
    before = levels(hq_service, "S001")
    first = sale["lines"][0]

    def returned(disposition: object, seq: int) -> dict:
        return {"return_id": str(uuid.uuid4()), "request_id": str(uuid.uuid4()), "sale_id": sale["sale_id"],
                "receipt_no": sale["receipt_no"], "return_no": f"S001-T01-R{seq:06d}", "store_id": "S001",
                "terminal_id": "T01", "operator_id": "1001", "member_id": None,
                "completed_at": "2026-12-01T03:00:00+00:00", "refund_minor": 1, "points_refunded": 0,
                "points_reversed": 0, "reason": {"code": "changed_mind", "text": ""},
                "lines": [{"line_no": first["line_no"], "sku": first["sku"], "qty": 1, "refund_minor": 1,
                           "disposition": disposition}],
                "tenders": [{"method": "cash", "amount_minor": 1, "points": None, "reference": None,
                             "original_reference": None}]}

    results = hq_service.ingest(a, {"events": [envelope(2, "return.completed", returned("vendor", 2)),
                                               envelope(3, "return.completed", returned("damaged", 3)),
                                               envelope(4, "return.completed", returned("bin", 4))]})["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted", "rejected"], results
    assert "disposition" in results[2]["reason"]
    assert levels(hq_service, "S001") == before  # neither the vendor's nor the damaged unit is sellable
    results = hq_service.ingest(a, {"events": [envelope(5, "return.completed", returned("restock", 5))]})["results"]
    assert results[0]["status"] == "accepted"
    assert levels(hq_service, "S001")[first["sku"]] == before[first["sku"]] + 1
    kept = [r["payload"]["lines"][0]["disposition"] for r in hq_service.list_returns("S001")]
    assert sorted(kept) == ["damaged", "restock", "vendor"]
