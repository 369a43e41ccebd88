"""What the stock-count service gives the count screen: the open counts, a scan by barcode with
the product's names, the counter's sheet (never an expected figure), the manager's review
sheet, and the printed summary."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from printers.profile import PrinterProfile
from printers.queue import PrintQueue
from store_client.domain.roles import Role
from store_client.domain.stock import Movement, MovementReason
from store_client.domain.stock_count import PlanScope
from store_client.persistence.models import Barcode, Category, PrintJob, Product
from store_client.services import stock
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer
from store_client.services.catalog import CatalogService
from store_client.services.errors import ApprovalRequired, PermissionDenied
from store_client.services.stock_counts import CountRefused, StockCountService

MANAGER = Actor("m1", "店长", Role.MANAGER)
ASSOCIATE = Actor("a1", "导购", Role.ASSOCIATE)
CASHIER = Actor("c1", "收银", Role.CASHIER)


@pytest.fixture
def counts(terminal, add_operator, clock):  # type: ignore[no-untyped-def]
    for op, role in (("m1", "manager"), ("a1", "associate"), ("c1", "cashier")):
        add_operator(op, role, "2468")
    with terminal.db.transaction() as s:
        s.add(Category(code="food", name_zh="食品", name_en="Food"))
        s.flush()
        for i, (sku, zh, en, unit, price, code) in enumerate([
                ("A", "苹果", "Apple", "each", 300, "6900000000011"),
                ("B", "香蕉", "Banana", "kg", 1000, "6900000000028"),
                ("C", "橙子", "Orange", "each", 500, "6900000000035")]):
            s.add(Product(id=i + 1, sku=sku, name_zh=zh, name_en=en, category_code="food", unit=unit,
                          price_minor=price, tax_rate_bp=900, active=True))
            s.flush()
            s.add(Barcode(code=code, product_id=i + 1))
        stock.record(s, [Movement("A", 6, MovementReason.RECEIPT, "d1", clock.now()),
                         Movement("B", 2000, MovementReason.RECEIPT, "d1", clock.now())],
                     store_id="S001", terminal_id="T01", clock=clock)
    clock.advance(minutes=1)
    audit = AuditLog(clock)
    catalog = CatalogService(terminal.db)
    queue = PrintQueue(terminal.db, lambda: None, clock, profile=PrinterProfile("TM-T88V"))  # not started
    service = StockCountService(terminal.db, clock, audit, Authorizer(terminal.db, audit, clock), store_id="S001",
                                terminal_id="T01", catalog=catalog, print_queue=lambda: queue, store_name="演示店")
    yield service
    catalog.close()


def test_open_counts_list_what_was_counted_and_never_an_expected_figure(counts, clock) -> None:
    first = counts.create_plan(ASSOCIATE, scope=PlanScope.CYCLE, label="cycle", skus=["A", "C"])
    clock.advance(seconds=1)
    second = counts.create_plan(ASSOCIATE, scope=PlanScope.CATEGORY, label="食品", category="food")
    scanned = counts.scan_code(ASSOCIATE, second, "6900000000011", 1, scan_id="s1")
    assert (scanned.sku, scanned.counted, scanned.name_zh, scanned.name_en, scanned.unit) == (
        "A", 1, "苹果", "Apple", "each")
    assert counts.scan_code(ASSOCIATE, second, "6900000000011", 1, scan_id="s1").duplicate  # a retry
    counts.scan_code(ASSOCIATE, second, "B", 750)  # a SKU typed; grams of a weighed item
    plans = counts.open_plans(ASSOCIATE)
    assert [(p.plan_id, p.label, p.scope, p.state, p.skus, p.counted, p.scans) for p in plans] == [
        (second, "食品", "category", "counting", 3, 2, 2), (first, "cycle", "cycle", "counting", 2, 0, 0)]
    sheet = counts.counter_sheet(ASSOCIATE, second)
    assert [(line.sku, line.name_zh, line.unit, line.counted) for line in sheet.lines] == [
        ("A", "苹果", "each", 1), ("B", "香蕉", "kg", 750)]
    assert not any(hasattr(line, "expected") for line in sheet.lines)
    with pytest.raises(PermissionDenied):
        counts.open_plans(CASHIER)


def test_a_code_outside_the_count_or_the_catalog_is_refused_by_name_and_writes_nothing(counts) -> None:
    plan = counts.create_plan(ASSOCIATE, scope=PlanScope.ZONE, label="shelf", skus=["A"])
    with pytest.raises(CountRefused) as outside:
        counts.scan_code(ASSOCIATE, plan, "6900000000035", 1)
    assert (outside.value.code, outside.value.params) == ("count.sku_not_in_plan", {"item": "6900000000035"})
    with pytest.raises(CountRefused) as unknown:
        counts.scan_code(ASSOCIATE, plan, "999", 1)
    assert (unknown.value.code, unknown.value.params) == ("count.unknown_code", {"code": "999"})
    with pytest.raises(PermissionDenied):
        counts.scan_code(CASHIER, plan, "999", 1)  # a refused role learns nothing of the catalog
    assert counts.open_plans(ASSOCIATE)[0].scans == 0


def test_the_review_sheet_is_for_managers_and_names_flagged_lines(counts) -> None:
    plan = counts.create_plan(ASSOCIATE, scope=PlanScope.CATEGORY, label="食品", category="food")
    counts.scan_code(ASSOCIATE, plan, "A", 2)  # 6 expected: -4, flagged
    counts.scan_code(ASSOCIATE, plan, "B", 1990)  # 2000 g expected: -10 g, within 5 %
    with pytest.raises(CountRefused) as early:
        counts.review_sheet(MANAGER, plan)
    assert early.value.code == "count.not_reviewed"
    counts.submit(ASSOCIATE, plan)
    with pytest.raises(ApprovalRequired):
        counts.review_sheet(ASSOCIATE, plan)
    sheet = counts.review_sheet(MANAGER, plan)
    rows = {line.sku: line for line in sheet.lines}
    assert (rows["A"].expected, rows["A"].counted, rows["A"].variance, rows["A"].value_fen, rows["A"].flagged) == (
        6, 2, -4, -1200, True)
    assert (rows["B"].variance, rows["B"].value_fen, rows["B"].flagged, rows["B"].name_en) == (-10, -10, False, "Banana")
    assert rows["C"].uncounted and rows["C"].variance == 0
    assert sheet.flagged == ("A",) and sheet.exposure_fen == 1210 and sheet.approval == "manager"
    assert sheet.plan.state == "review"


def test_the_summary_prints_expected_and_counted_per_line(counts, terminal) -> None:
    plan = counts.create_plan(MANAGER, scope=PlanScope.CYCLE, label="A区", skus=["A"])
    counts.scan_code(MANAGER, plan, "A", 5)
    counts.submit(MANAGER, plan)
    job = counts.print_summary(MANAGER, plan)
    with terminal.db.read() as s:
        kind, text = s.execute(select(PrintJob.kind, PrintJob.preview_text).where(PrintJob.id == job)).one()
    assert kind == "stock.count_summary"
    assert "A 苹果" in text and "6/5" in text and "-1" in text
    with pytest.raises(ApprovalRequired):
        counts.print_summary(ASSOCIATE, plan)
