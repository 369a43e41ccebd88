"""The Stock counts screen by keyboard only, on a real terminal database: a blind count
(ten fast scans of one code are ten, refused scans count nothing and say why), the manager's
review with a recount, posting with a second manager above the value limit, the CSV export,
and a zh_CN till that shows no English."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import func, select

from store_client.bootstrap import build_services
from store_client.domain.roles import Role
from store_client.domain.stock import Movement, MovementReason
from store_client.persistence.models import Barcode, Category, CountPlanRow, CountScanRow, OutboxEvent, Product
from store_client.services import stock
from store_client.services.auth import Actor
from store_client.ui.approval_dialog import ApprovalDialog
from store_client.ui.automation import unnamed_interactive
from store_client.ui.screens.stock_count_screen import StockCountScreen
from store_client.ui.tasks import TaskManager
from tests.ui.conftest import screen_context, type_text
from tests.ui.test_one_language import ENGLISH_SENTENCE, texts_of

WATER, JUICE, TEA, CHIPS = "6901000000011", "6901000000028", "6901000000035", "6902000000010"
MANAGER = Actor("m1", "店长", Role.MANAGER)
ASSOCIATE = Actor("a1", "导购", Role.ASSOCIATE)
PIN = "2468"


@pytest.fixture
def store(terminal, add_operator, clock):  # type: ignore[no-untyped-def]
    """Drinks (water ¥2, juice ¥5, tea ¥600) and a snack; 10 water, 5 juice, 4 tea on hand."""
    for op, role in (("m1", "manager"), ("m2", "manager"), ("a1", "associate")):
        add_operator(op, role, PIN)
    with terminal.db.transaction() as s:
        s.add(Category(code="drinks", name_zh="饮料", name_en="Drinks"))
        s.add(Category(code="snacks", name_zh="零食", name_en="Snacks"))
        s.flush()
        for i, (sku, zh, en, cat, price, code) in enumerate([
                ("D001", "矿泉水", "Water", "drinks", 200, WATER), ("D002", "橙汁", "Juice", "drinks", 500, JUICE),
                ("D003", "礼盒茶", "Tea gift box", "drinks", 60_000, TEA),
                ("S001", "薯片", "Chips", "snacks", 800, CHIPS)]):
            s.add(Product(id=i + 1, sku=sku, name_zh=zh, name_en=en, category_code=cat, unit="each",
                          price_minor=price, tax_rate_bp=1300, active=True))
            s.flush()
            s.add(Barcode(code=code, product_id=i + 1))
        stock.record(s, [Movement(sku, qty, MovementReason.RECEIPT, "delivery-1", clock.now())
                         for sku, qty in (("D001", 10), ("D002", 5), ("D003", 4))],
                     store_id="S001", terminal_id="T01", clock=clock)
    clock.advance(minutes=1)
    return terminal


@pytest.fixture
def make_screen(qtbot, store, tasks: TaskManager) -> Iterator:  # type: ignore[no-untyped-def]
    services = build_services(store)

    def make(actor: Actor, locale: str = "en") -> StockCountScreen:
        screen = StockCountScreen(screen_context(store, tasks, actor, locale, services=services))
        qtbot.addWidget(screen)
        screen.resize(1200, 760)
        screen.show()
        qtbot.waitExposed(screen)
        screen.activateWindow()
        settle(qtbot, tasks)
        return screen

    make.services = services  # type: ignore[attr-defined]
    yield make


def settle(qtbot, tasks: TaskManager) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)


def key(widget: QWidget, k: Qt.Key, text: str = "") -> None:
    if text:
        QTest.keyClicks(widget, text)
    QTest.keyClick(widget, k)


def scan(screen: StockCountScreen, code: str) -> None:
    """A code typed into the scan field and Enter (what a keyboard-wedge scanner types)."""
    key(screen.scan_input, Qt.Key.Key_Return, code)


def counted(screen: StockCountScreen, sku: str) -> int | None:
    return screen.tally_model.counted(sku)


def rows(terminal, model) -> int:  # type: ignore[no-untyped-def]
    with terminal.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def scan_events(terminal) -> int:  # type: ignore[no-untyped-def]
    with terminal.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(OutboxEvent)
                            .where(OutboxEvent.kind == "stock.count_scanned")) or 0)


def create_by_keys(qtbot, screen: StockCountScreen, tasks, *, scope: str, label: str,  # type: ignore[no-untyped-def]
                   codes: str = "") -> None:
    """The form by keys: the scope (Down in its box), the name, the codes, F2."""
    screen.scope.setFocus()
    target = screen.scope.findData(scope)
    while screen.scope.currentIndex() < target:
        QTest.keyClick(screen.scope, Qt.Key.Key_Down)
    QTest.keyClick(screen.scope, Qt.Key.Key_Tab)
    if scope == "category":
        assert QApplication.focusWidget() is screen.category
        QTest.keyClick(screen.category, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is screen.label
    type_text(screen.label, label)  # as an IME sends it (QTest.keyClicks knows ASCII only)
    if codes:
        QTest.keyClick(screen.label, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is screen.codes
        QTest.keyClicks(screen.codes, codes)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_F2)
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: screen.plan is not None and screen.plan.label == label, timeout=5_000)


def test_a_blind_count_by_keyboard_only(qtbot, make_screen, store, tasks) -> None:
    screen = make_screen(ASSOCIATE)
    assert unnamed_interactive(screen) == []
    assert "No count is open" in screen.plan_label.text()
    create_by_keys(qtbot, screen, tasks, scope="category", label="Aisle 1 drinks")
    assert screen.plan.scope == "category" and screen.plan.skus == 3 and screen.plan.state == "counting"
    assert QApplication.focusWidget() is screen.scan_input

    for _ in range(10):  # ten fast scans: no wait between them
        scan(screen, WATER)
    scan(screen, JUICE)
    scan(screen, JUICE)
    assert screen.pending > 0  # they were queued, not waited for
    settle(qtbot, tasks)
    assert counted(screen, "D001") == 10 and counted(screen, "D002") == 2
    assert screen.answered == 12 and screen.pending == 0
    assert screen.tally_model.last == "D002"
    assert screen.tally_table.selectionModel().selectedRows()[0].row() == 1  # the last scanned line
    assert "Counted so far: 2 items of 3 · 12 scans counted here" == screen.tally_label.text()
    assert rows(store, CountScanRow) == 12 and scan_events(store) == 12

    scan(screen, CHIPS)  # a product, but not of this count
    settle(qtbot, tasks)
    assert f"{CHIPS} is not part of this count" in screen.message.text()
    assert screen.message.property("kind") == "error"
    scan(screen, "123456789")
    settle(qtbot, tasks)
    assert "is not a product of this store's catalog" in screen.message.text()

    key(screen.scan_input, Qt.Key.Key_F4)  # a quantity for the next scan
    assert QApplication.focusWidget() is screen.quantity
    key(screen.quantity, Qt.Key.Key_Return, "3")
    assert QApplication.focusWidget() is screen.scan_input
    scan(screen, JUICE)
    settle(qtbot, tasks)
    assert counted(screen, "D002") == 5 and screen.quantity.text() == ""
    key(screen.scan_input, Qt.Key.Key_F4)
    key(screen.quantity, Qt.Key.Key_Return, "-9")  # a correction below zero
    scan(screen, JUICE)
    settle(qtbot, tasks)
    assert "below zero" in screen.message.text() and counted(screen, "D002") == 5
    key(screen.scan_input, Qt.Key.Key_F4)
    key(screen.quantity, Qt.Key.Key_Return, "200000")
    scan(screen, JUICE)
    assert "Type a whole number from 1 to 100,000" in screen.message.text()
    assert tasks.pending == 0  # refused before it reached the service
    screen.quantity.clear()
    assert rows(store, CountScanRow) == 13 and scan_events(store) == 13  # nothing half-written
    # the counter never sees an expected figure
    assert screen.pages.currentWidget() is screen.tally_table
    assert screen.tally_model.columnCount() == 3

    # another till submits the count meanwhile: the next scan is refused and the list says so
    services = make_screen.services
    services.stock_counts.submit(MANAGER, screen.plan.plan_id)
    scan(screen, WATER)
    settle(qtbot, tasks)
    assert "no longer takes scans" in screen.message.text()
    qtbot.waitUntil(lambda: screen.plan is not None and screen.plan.state == "review", timeout=5_000)
    assert rows(store, CountScanRow) == 13
    assert not screen.scan_input.isEnabled() and "a manager reviews it" in screen.plan_label.text()


def on_hand(s, sku: str):  # type: ignore[no-untyped-def]
    return stock.positions(s, [sku], default_as_of=datetime.now(UTC))[sku]


def review_cells(screen: StockCountScreen, sku: str) -> list[str]:
    model = screen.review_model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == sku)
    return [model.index(row, c).data() for c in range(model.columnCount())]


def test_review_recount_export_and_post_by_a_manager(qtbot, make_screen, store, tasks) -> None:
    screen = make_screen(MANAGER)
    create_by_keys(qtbot, screen, tasks, scope="cycle", label="Cycle 12", codes=f"{WATER} {JUICE}")
    assert screen.plan.scope == "cycle" and screen.plan.skus == 2
    for _ in range(10):
        scan(screen, WATER)
    scan(screen, JUICE)
    settle(qtbot, tasks)
    key(screen.scan_input, Qt.Key.Key_F5)  # submit: the manager sees the review
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: screen.review_sheet is not None, timeout=5_000)
    assert screen.pages.currentIndex() == 1
    assert review_cells(screen, "D001") == ["D001", "Water", "10", "10", "0", screen.money(0), ""]
    assert review_cells(screen, "D002") == ["D002", "Juice", "5", "1", "-4", screen.money(-2000), "yes"]
    assert screen.money(-2000).endswith("20.00")
    assert "1 flagged for recount" in screen.review_summary.text()

    key(screen.review_table, Qt.Key.Key_F7)  # the flagged line goes back
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: screen.plan is not None and screen.plan.state == "recount", timeout=5_000)
    assert "count again from zero: D002" in screen.plan_label.text()
    assert counted(screen, "D002") == 0  # the recount starts from zero
    key(screen.plans_table, Qt.Key.Key_F3)
    assert QApplication.focusWidget() is screen.scan_input
    scan(screen, WATER)  # not part of the recount
    settle(qtbot, tasks)
    assert "no longer takes scans" in screen.message.text()
    for _ in range(4):
        scan(screen, JUICE)
    settle(qtbot, tasks)
    assert counted(screen, "D002") == 4
    key(screen.scan_input, Qt.Key.Key_F5)
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: screen.review_sheet is not None, timeout=5_000)
    assert review_cells(screen, "D002")[2:] == ["5", "4", "-1", screen.money(-500), ""]

    key(screen.review_table, Qt.Key.Key_F9)  # export
    settle(qtbot, tasks)
    (path,) = (store.config.data_dir / "exports").glob("stock-count-*.csv")
    assert str(path) in screen.message.text()
    with path.open(encoding="utf-8-sig") as f:
        exported = list(csv.reader(f))
    assert exported == [["sku", "expected", "counted", "variance", "value_fen", "not_counted"],
                        ["D001", "10", "10", "0", "0", ""], ["D002", "5", "4", "-1", "-500", ""]]

    key(screen.review_table, Qt.Key.Key_F10)  # no printer on this till: said, not hidden
    settle(qtbot, tasks)
    assert "No receipt printer is set up" in screen.message.text()

    key(screen.review_table, Qt.Key.Key_F8)  # one manager is enough below the limit
    settle(qtbot, tasks)
    assert "Posted: 1 items adjusted." in screen.message.text()
    with store.db.read() as s:
        assert on_hand(s, "D002").on_hand == 4
        assert s.scalar(select(CountPlanRow.state)) == "posted"
    qtbot.waitUntil(lambda: screen.plans_model.rowCount() == 0, timeout=5_000)


def test_above_the_value_limit_a_second_manager_approves_by_keys(qtbot, make_screen, store, tasks) -> None:
    screen = make_screen(MANAGER)
    create_by_keys(qtbot, screen, tasks, scope="zone", label="Gift shelf", codes=TEA)
    scan(screen, TEA)
    scan(screen, TEA)
    settle(qtbot, tasks)
    key(screen.scan_input, Qt.Key.Key_F5)
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: screen.review_sheet is not None, timeout=5_000)
    assert screen.review_sheet.approval == "two_people"
    assert "a second manager approves too" in screen.review_summary.text()

    key(screen.review_table, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ApprovalDialog), timeout=5_000)
    dialog = QApplication.activeModalWidget()
    assert "post the stock count Gift shelf" in dialog.findChild(QWidget, "approval.action").text()
    QTest.keyClicks(dialog.manager_id, "m2")
    QTest.keyClick(dialog.manager_id, Qt.Key.Key_Return)
    QTest.keyClicks(dialog.pin, PIN)
    QTest.keyClick(dialog.pin, Qt.Key.Key_Return)
    QTest.keyClicks(dialog.reason, "counted with m1")
    QTest.keyClick(dialog.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Posted: 1 items adjusted." in screen.message.text(), timeout=10_000)
    with store.db.read() as s:
        row = s.scalars(select(CountPlanRow)).one()
        assert (row.state, row.approved_by, row.second_approver) == ("posted", "m1", "m2")
        assert on_hand(s, "D003").on_hand == 2


@pytest.fixture
def zh(qapp):  # type: ignore[no-untyped-def]
    from store_client.ui.app import setup_application, teardown

    runtime = setup_application("zh_CN")
    yield
    teardown(runtime)


def english_on(screen: QWidget, data: set[str]) -> list[tuple[str, str]]:
    found = []
    for widget in [screen, *screen.findChildren(QWidget)]:
        if widget.isVisible():
            found += [(widget.objectName(), t) for t in texts_of(widget)
                      if ENGLISH_SENTENCE.search(t) and t not in data]
    return found


def test_a_chinese_till_shows_no_english_on_the_count_screen(qtbot, zh, make_screen, store, tasks) -> None:
    screen = make_screen(MANAGER, locale="zh_CN")
    data = {"Tea gift box"}
    assert english_on(screen, data) == []
    create_by_keys(qtbot, screen, tasks, scope="cycle", label="盘点一", codes=f"{WATER} {TEA}")
    scan(screen, WATER)
    scan(screen, CHIPS)  # refused: its message too
    settle(qtbot, tasks)
    assert screen.message.property("kind") == "error" and english_on(screen, data) == []
    key(screen.scan_input, Qt.Key.Key_F5)
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: screen.review_sheet is not None, timeout=5_000)
    assert english_on(screen, data) == []
    assert review_cells(screen, "D001")[1] == "矿泉水"


def test_scanner_bursts_reach_the_count_wherever_the_focus_is(make_shell, qtbot) -> None:
    """In the main window: the keyboard-wedge filter sends each burst to the screen in front,
    here with the focus on the list of counts, not in the scan field."""
    from store_client.ui.screen_registry import screens_for
    from tests.ui.checkout.checkout_helpers import burst
    from tests.ui.conftest import demo_operator

    shell = make_shell(locale="en")
    manager = demo_operator("manager")
    shell.sign_in(manager.id, manager.pin)
    services = shell.window.services
    actor = shell.window.actor
    product = next(p for p in services.catalog.search("HOM", limit=20) if p.unit == "each" and p.barcodes)
    services.stock_counts.create_plan(actor, scope="cycle", label="Shelf 7", skus=[product.sku])
    (nav,) = [key for spec, key in screens_for(actor.role) if spec.key == "stockCount"]
    shell.window.activateWindow()
    qtbot.keyClick(QApplication.focusWidget() or shell.window, nav[-1], Qt.KeyboardModifier.ControlModifier)
    screen = shell.window.screens["stockCount"]
    qtbot.waitUntil(lambda: shell.window.stack.currentWidget() is screen and screen.plan is not None, timeout=5_000)
    screen.plans_table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.plans_table, timeout=3_000)
    for _ in range(3):
        burst(product.barcodes[0])
    shell.settle()
    assert counted(screen, product.sku) == 3 and screen.answered == 3


def test_a_manager_cancels_a_count_by_keys_with_a_reason(qtbot, zh, make_screen, store, tasks) -> None:
    screen = make_screen(MANAGER, "zh_CN")
    create_by_keys(qtbot, screen, tasks, scope="category", label="饮料区")
    plan_id = screen.plan.plan_id
    scan(screen, WATER)
    settle(qtbot, tasks)
    assert screen.cancel_button.isEnabled()
    QTest.keyClick(screen.scan_input, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    dialog = screen.dialog
    assert dialog is not None and dialog.isVisible() and "饮料区" in dialog.windowTitle()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.input, timeout=3000)
    scan(screen, WATER)  # a scan while the reason is asked counts nothing
    QTest.keyClicks(dialog.input, "no")
    QTest.keyClick(dialog.input, Qt.Key.Key_Return)  # too short: said in the dialog, in Chinese
    assert dialog.isVisible() and "至少 3 个字" in dialog.message.text()
    QTest.keyClicks(dialog.input, " wrong aisle")
    QTest.keyClick(dialog.input, Qt.Key.Key_Return)
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: screen.dialog is None, timeout=3000)
    assert "已取消" in screen.message.text() and screen.plan is None
    with store.db.read() as s:
        row = s.get(CountPlanRow, plan_id)
        assert row is not None and row.state == "cancelled"
        assert s.scalar(select(func.count()).select_from(CountScanRow)) == 1
    assert screen.plans_model.row_of(plan_id) is None
    assert english_on(screen, {"Tea gift box"}) == []


def test_an_associate_cannot_cancel_a_count(qtbot, make_screen, store, tasks) -> None:
    screen = make_screen(ASSOCIATE)
    create_by_keys(qtbot, screen, tasks, scope="category", label="Aisle 2")
    assert not screen.cancel_button.isEnabled()
    QTest.keyClick(screen.scan_input, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    assert screen.dialog is None and screen.plan is not None
