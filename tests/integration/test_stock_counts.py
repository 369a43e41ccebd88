"""Stock counts on a real terminal database: blind scans, trading during the count, review,
recount, approval by one or two managers, and a posting that happens exactly once."""

from __future__ import annotations

import json
import pytest
from sqlalchemy import func, select

from store_client.domain.roles import Role
from store_client.domain.stock import Movement, MovementReason
from store_client.domain.stock_count import Approval, PlanScope
from store_client.persistence.models import AuditEntry, Category, OutboxEvent, Product, StockMovement
from store_client.services import stock
from store_client.services.approvals import ApprovalService
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer
from store_client.services.errors import ApprovalRequired, PermissionDenied
from store_client.services.stock_counts import CountRefused, StockCountService
from sync.protocol.events import validate

MANAGER = Actor("m1", "店长", Role.MANAGER)
MANAGER2 = Actor("m2", "副店长", Role.MANAGER)
ASSOCIATE = Actor("a1", "导购", Role.ASSOCIATE)
CASHIER = Actor("c1", "收银", Role.CASHIER)


@pytest.fixture
def catalog(terminal):
    with terminal.db.transaction() as s:
        s.add(Category(code="beauty", name_zh="美妆", name_en="Beauty"))
        s.add(Category(code="food", name_zh="食品", name_en="Food"))
        s.flush()
        for i, (sku, cat, price, unit) in enumerate([("A", "beauty", 1000, "each"), ("B", "beauty", 250, "each"),
                                                    ("C", "beauty", 9990, "each"), ("W", "food", 3980, "kg"),
                                                    ("X", "food", 500, "each")]):
            s.add(Product(id=i + 1, sku=sku, name_zh=sku, name_en=sku, category_code=cat, unit=unit,
                          price_minor=price, tax_rate_bp=1300, active=True))
    return terminal


@pytest.fixture
def counts(catalog, add_operator, clock):
    for op, role in (("m1", "manager"), ("m2", "manager"), ("a1", "associate"), ("c1", "cashier")):
        add_operator(op, role, "2468")
    audit = AuditLog(clock)
    service = StockCountService(catalog.db, clock, audit, Authorizer(catalog.db, audit, clock), store_id="S001",
                                terminal_id="T01", value_limit_fen=50_000)
    service.approvals = ApprovalService(catalog.db, clock, audit)  # type: ignore[attr-defined]
    return service


def receive(terminal, clock, sku: str, qty: int, ref: str) -> None:
    with terminal.db.transaction() as s:
        stock.record(s, [Movement(sku, qty, MovementReason.RECEIPT if qty > 0 else MovementReason.SALE, ref,
                                  clock.now())], store_id="S001", terminal_id="T01", clock=clock)


def test_a_blind_count_while_the_store_trades(counts, catalog, clock):
    receive(catalog, clock, "A", 10, "delivery-1")
    receive(catalog, clock, "C", 5, "delivery-1")
    clock.advance(minutes=1)
    plan = counts.create_plan(ASSOCIATE, scope=PlanScope.CATEGORY, label="美妆", category="beauty")
    clock.advance(minutes=1)
    receive(catalog, clock, "A", -1, "sale-before-count")    # sold before A is counted: 9 left on the shelf
    clock.advance(minutes=1)
    for _ in range(9):
        assert counts.scan(ASSOCIATE, plan, "A", 1).duplicate is False
    clock.advance(minutes=1)
    receive(catalog, clock, "A", -2, "sale-after-count")     # sold after: those were counted already
    counts.scan(ASSOCIATE, plan, "C", 4)
    assert counts.counter_view(ASSOCIATE, plan) == {"A": 9, "C": 4}  # never the expected figures
    review = counts.submit(ASSOCIATE, plan)
    lines = {line.sku: line for line in review.lines}
    assert (lines["A"].expected, lines["A"].counted, lines["A"].variance) == (9, 9, 0)
    assert (lines["C"].variance, lines["C"].value_fen) == (-1, -9990)
    assert lines["B"].uncounted and lines["B"].variance == 0
    assert review.approval is Approval.MANAGER
    with pytest.raises(ApprovalRequired):
        counts.approve_and_post(ASSOCIATE, plan)  # an associate needs a manager
    assert counts.approve_and_post(MANAGER, plan) == [("C", -1)]
    assert stock.position(catalog.db, "C", clock=clock).on_hand == 4
    assert counts.approve_and_post(MANAGER, plan) == [("C", -1)]  # again: the same answer, nothing moves
    assert stock.position(catalog.db, "C", clock=clock).on_hand == 4
    with catalog.db.read() as s:
        posted = [e for e in s.scalars(select(OutboxEvent)) if e.kind == "stock.count_posted"]
        assert len(posted) == 1
        for event in s.scalars(select(OutboxEvent)):  # every event is one HQ accepts
            validate(event.kind, event.schema_version, json.loads(event.payload))


def test_fast_scans_and_retries_count_exactly(counts, catalog):
    plan = counts.create_plan(ASSOCIATE, scope=PlanScope.CYCLE, label="cycle", skus=["A", "B"])
    for i in range(10):
        counts.scan(ASSOCIATE, plan, "A", 1, scan_id=f"s{i}")
    assert counts.scan(ASSOCIATE, plan, "A", 1, scan_id="s3").duplicate is True  # a retry
    with pytest.raises(CountRefused) as reused:
        counts.scan(ASSOCIATE, plan, "A", 2, scan_id="s3")
    assert reused.value.code == "count.scan_id_reused"
    assert counts.counter_view(ASSOCIATE, plan) == {"A": 10}


@pytest.mark.parametrize("sku,qty,code", [("X", 1, "count.sku_not_in_plan"), ("ZZ", 1, "count.sku_not_in_plan"),
                                          ("A", 0, "count.bad_quantity"), ("A", -1, "count.below_zero"),
                                          ("A", 10**6, "count.absurd_quantity")])
def test_bad_scans_are_refused_and_write_nothing(counts, catalog, sku, qty, code):
    plan = counts.create_plan(ASSOCIATE, scope=PlanScope.CYCLE, label="cycle", skus=["A"])
    with pytest.raises(CountRefused) as refused:
        counts.scan(ASSOCIATE, plan, sku, qty)
    assert refused.value.code == code
    assert counts.counter_view(ASSOCIATE, plan) == {}


def test_plans_refuse_unknown_skus_and_cashiers_do_not_count(counts):
    with pytest.raises(CountRefused) as unknown:
        counts.create_plan(ASSOCIATE, scope=PlanScope.CYCLE, label="x", skus=["A", "NOPE"])
    assert unknown.value.code == "count.unknown_sku"
    with pytest.raises(PermissionDenied):
        counts.create_plan(CASHIER, scope=PlanScope.CYCLE, label="x", skus=["A"])


def test_a_recount_replaces_the_first_count(counts, catalog, clock):
    receive(catalog, clock, "A", 100, "d1")
    plan = counts.create_plan(ASSOCIATE, scope=PlanScope.CYCLE, label="c", skus=["A", "B"])
    counts.scan(ASSOCIATE, plan, "A", 80)
    review = counts.submit(ASSOCIATE, plan)
    assert review.recount == ("A",)
    counts.send_to_recount(MANAGER, plan, ["A"])
    with pytest.raises(CountRefused):
        counts.scan(ASSOCIATE, plan, "B", 1)  # only the recounted SKU takes scans
    counts.scan(ASSOCIATE, plan, "A", 99)
    assert counts.counter_view(ASSOCIATE, plan) == {"A": 99}
    again = counts.submit(ASSOCIATE, plan)
    assert {line.sku: line.variance for line in again.lines}["A"] == -1 and again.recount == ()


def test_a_large_adjustment_needs_a_second_manager(counts, catalog, clock):
    receive(catalog, clock, "C", 10, "d1")
    plan = counts.create_plan(MANAGER, scope=PlanScope.CYCLE, label="c", skus=["C"])
    counts.scan(MANAGER, plan, "C", 4)   # 6 missing at 99.90: 599.40 > the 500.00 limit
    assert counts.submit(MANAGER, plan).approval is Approval.TWO_PEOPLE
    with pytest.raises(ApprovalRequired):
        counts.approve_and_post(MANAGER, plan)
    grant = counts.approvals.approve(MANAGER, "m2", "2468", "stock.adjust", "盘亏复核")
    assert counts.approve_and_post(MANAGER, plan, grant) == [("C", -6)]
    with catalog.db.read() as s:
        assert s.scalar(select(func.count()).select_from(StockMovement).where(
            StockMovement.ref == f"count:{plan}")) == 1


def test_a_count_closed_meanwhile_is_refused(counts, catalog):
    plan = counts.create_plan(ASSOCIATE, scope=PlanScope.CYCLE, label="c", skus=["A"])
    counts.submit(ASSOCIATE, plan)
    with pytest.raises(CountRefused) as closed:
        counts.submit(ASSOCIATE, plan)
    assert closed.value.code == "count.closed_meanwhile"
    with pytest.raises(CountRefused):
        counts.scan(ASSOCIATE, plan, "A", 1)


def test_weighed_items_count_in_grams_and_the_csv_adds_up(counts, catalog, clock):
    receive(catalog, clock, "W", 2500, "d1")   # 2.5 kg at 39.80 a kg
    plan = counts.create_plan(MANAGER, scope=PlanScope.CATEGORY, label="food", category="food")
    counts.scan(MANAGER, plan, "W", 2250)
    counts.submit(MANAGER, plan)
    rows = counts.export_csv(MANAGER, plan).splitlines()
    assert rows[0] == "sku,expected,counted,variance,value_fen,not_counted"
    assert "W,2500,2250,-250,-995," in rows
    assert "X,0,0,0,0,yes" in rows
    with pytest.raises(ApprovalRequired):
        counts.export_csv(ASSOCIATE, plan)  # expected figures are for managers (or with one's approval)


def test_a_five_thousand_line_count_posts_in_bounded_events(counts, catalog, clock):
    """(Its speed is measured by `python -m benchmarks stock_count`, not here.)"""
    with catalog.db.transaction() as s:
        s.add_all([Product(id=100 + i, sku=f"S{i:05d}", name_zh="x", name_en="x", category_code="food", unit="each",
                           price_minor=100, tax_rate_bp=1300, active=True) for i in range(5000)])
    plan = counts.create_plan(MANAGER, scope=PlanScope.CATEGORY, label="all food", category="food")
    for i in range(0, 5000, 50):
        counts.scan(MANAGER, plan, f"S{i:05d}", 1)
    review = counts.submit(MANAGER, plan)
    assert len(review.lines) == 5002
    clock.advance(minutes=1)
    adjustments = counts.approve_and_post(MANAGER, plan)
    assert len(adjustments) == 100
    with catalog.db.read() as s:
        assert [e.kind for e in s.scalars(select(OutboxEvent)).all()].count("stock.moved") == 1


def test_a_manager_cancels_an_open_count_and_nothing_moves(counts, catalog, clock):
    receive(catalog, clock, "A", 10, "delivery-1")
    plan = counts.create_plan(ASSOCIATE, scope=PlanScope.CATEGORY, label="美妆", category="beauty")
    counts.scan(ASSOCIATE, plan, "A", 3)
    with catalog.db.read() as s:
        movements = s.scalar(select(func.count()).select_from(StockMovement))
        events = s.scalar(select(func.count()).select_from(OutboxEvent))
    with pytest.raises((PermissionDenied, ApprovalRequired)):
        counts.cancel(ASSOCIATE, plan, "counted the wrong shelf")  # a manager decides
    for reason in ("", "  x ", "y" * 201):
        with pytest.raises(CountRefused) as refused:
            counts.cancel(MANAGER, plan, reason)
        assert refused.value.code == "count.bad_reason"
    counts.cancel(MANAGER, plan, "  counted   the wrong shelf ")
    counts.cancel(MANAGER2, plan, "the other manager too")  # already cancelled: stays so, once
    assert plan not in [p.plan_id for p in counts.open_plans(MANAGER)]
    with pytest.raises(CountRefused) as refused:
        counts.scan(ASSOCIATE, plan, "A", 1)
    assert refused.value.code == "count.plan_not_counting"
    with pytest.raises(CountRefused):
        counts.submit(ASSOCIATE, plan)
    with catalog.db.read() as s:
        assert s.scalar(select(func.count()).select_from(StockMovement)) == movements  # no stock moved
        assert s.scalar(select(func.count()).select_from(OutboxEvent)) >= events
    with catalog.db.read() as s:
        rows = list(s.scalars(select(AuditEntry.details).where(AuditEntry.action == "stock.count_cancelled")))
    assert len(rows) == 1 and json.loads(rows[0])["reason"] == "counted the wrong shelf"


def test_a_posted_count_cannot_be_cancelled(counts, catalog, clock):
    receive(catalog, clock, "X", 5, "delivery-1")
    plan = counts.create_plan(MANAGER, scope=PlanScope.CYCLE, label="cycle", skus=["X"])
    counts.scan(MANAGER, plan, "X", 4)
    counts.submit(MANAGER, plan)
    counts.approve_and_post(MANAGER, plan)
    with pytest.raises(CountRefused) as refused:
        counts.cancel(MANAGER, plan, "too late to change it")
    assert refused.value.code == "count.posted_no_cancel"


def _two_people_plan(counts, catalog, clock) -> str:  # type: ignore[no-untyped-def]
    receive(catalog, clock, "C", 10, "d1")
    plan = counts.create_plan(MANAGER, scope=PlanScope.CYCLE, label="c", skus=["C"])
    counts.scan(MANAGER, plan, "C", 4)  # 599.40 missing: above the limit, a second manager
    assert counts.submit(MANAGER, plan).approval is Approval.TWO_PEOPLE
    return plan


def _used(catalog, approval_id: str) -> str | None:  # type: ignore[no-untyped-def]
    from store_client.persistence.models import Approval as ApprovalRow

    with catalog.db.read() as s:
        return s.get(ApprovalRow, approval_id).used_at


def test_a_posting_whose_write_fails_leaves_the_second_managers_approval_for_the_retry(counts, catalog, clock,
                                                                                       monkeypatch):
    plan = _two_people_plan(counts, catalog, clock)
    grant = counts.approvals.approve(MANAGER, "m2", "2468", "stock.adjust", "盘亏复核")
    real = stock.record

    def disk_full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr(stock, "record", disk_full)
    with pytest.raises(OSError):
        counts.approve_and_post(MANAGER, plan, grant)
    assert _used(catalog, grant.approval_id) is None  # not burnt by the failed write
    with catalog.db.read() as s:
        assert not s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "approval.used"))
    monkeypatch.setattr(stock, "record", real)
    assert counts.approve_and_post(MANAGER, plan, grant) == [("C", -6)]  # the same grant, once
    assert _used(catalog, grant.approval_id) is not None
    assert counts.approve_and_post(MANAGER, plan, grant) == [("C", -6)]  # posted: nothing moves again
    with catalog.db.read() as s:
        assert s.scalar(select(func.count()).select_from(StockMovement).where(
            StockMovement.ref == f"count:{plan}")) == 1
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "approval.used")) == 1


def test_a_grant_used_by_another_action_between_check_and_posting_posts_nothing(counts, catalog, clock, monkeypatch):
    plan = _two_people_plan(counts, catalog, clock)
    grant = counts.approvals.approve(MANAGER, "m2", "2468", "stock.adjust", "盘亏复核")
    real = counts._post

    def meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        counts.authorizer.require(MANAGER, "stock.adjust", grant)  # nothing needed: a manager may alone
        counts.authorizer.require_second_person(MANAGER, "stock.adjust", grant)  # another posting used it
        return real(*args, **kwargs)

    monkeypatch.setattr(counts, "_post", meanwhile)
    with pytest.raises(ApprovalRequired):
        counts.approve_and_post(MANAGER, plan, grant)
    with catalog.db.read() as s:
        assert not s.scalar(select(func.count()).select_from(StockMovement).where(
            StockMovement.ref == f"count:{plan}"))
        reasons = [json.loads(d)["reason"] for d in s.scalars(select(AuditEntry.details).where(
            AuditEntry.action == "permission.approval_required"))]
    assert reasons[-1] == "approval_already_used"
