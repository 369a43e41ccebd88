"""Pick-up on a Chinese till, by keys only: a flagged endless-aisle order paid in cash is
cancelled (Shift+F11, the reason, Enter) and its cash leaves the drawer (the shift's expected
cash goes down by exactly that, the slip that opens the drawer is queued); another is
re-sourced (F11, Enter), HQ on 127.0.0.1 refuses it (the warehouse ran short meanwhile), and
it comes back on the list flagged with HQ's reason in Chinese, for the manager too, and is
cancelled again."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from printers.profile import PrinterProfile
from printers.queue import PrintQueue
from store_client.bootstrap import build_services
from store_client.persistence.models import PrintJob
from store_client.ui.screens.pickup_aisle import ResourceDialog
from store_client.ui.screens.pickup_screen import PickupScreen
from sync.hq import stock as hq_stock
from sync.hq.orders import OnlineOrders
from sync.terminal.puller import Puller
from sync.terminal.transport import HQClient
from sync.terminal.uploader import Uploader
from tests.ui.conftest import screen_context, type_text
from tests.ui.test_one_language import ENGLISH_SENTENCE, texts_of
from tests.ui.test_pickup_flagged_aisle import MANAGER, flag, hq, settle, sync  # noqa: F401

FLOAT = 10_000


@pytest.fixture
def zh(qapp):  # type: ignore[no-untyped-def]
    from store_client.ui.app import setup_application, teardown

    runtime = setup_application("zh_CN")
    yield
    teardown(runtime)


def english_on(screen) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QWidget

    return [(w.objectName(), t) for w in [screen, *screen.findChildren(QWidget)] if w.isVisible()
            for t in texts_of(w) if ENGLISH_SENTENCE.search(t)]


def upload(terminal, hq) -> int:  # type: ignore[no-untyped-def]  # noqa: F811
    """Like :func:`sync`, but HQ may refuse: how many events it rejected."""
    with HQClient(hq.url, hq.service.issue_token("S001", "T01"), timeout=10) as client:
        rejected = Uploader(terminal.db, client).upload_pending().rejected
        Puller(terminal.db, client, datasets=["catalog", "online_orders", "stock_nearby"]).pull_all()
    return rejected


def make_screen(qtbot, terminal, tasks, services):  # type: ignore[no-untyped-def]
    screen = PickupScreen(screen_context(terminal, tasks, MANAGER, "zh_CN", services=services).ops.pickup,
                          locale="zh_CN", now=terminal.clock.now)
    qtbot.addWidget(screen)
    screen.resize(1024, 768)
    screen.show()
    qtbot.waitUntil(lambda: screen.current is not None, timeout=10_000)
    return screen


def cancel_by_keys(qtbot, screen, tasks, reason: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.queue_table, timeout=5_000)
    QTest.keyClick(screen.queue_table, Qt.Key.Key_F11, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None, timeout=5_000)
    prompt = QApplication.activeModalWidget()
    assert prompt.objectName() == "pickup.cancelFlagged.dialog"
    type_text(prompt.input, reason)
    QTest.keyClick(prompt.input, Qt.Key.Key_Return)
    settle(qtbot, tasks)


def test_a_cash_paid_flagged_order_cancelled_by_keys_pays_from_the_drawer(  # type: ignore[no-untyped-def]
        qtbot, zh, terminal, add_operator, tasks, hq) -> None:  # noqa: F811
    add_operator("m1", "manager", "2468", name="张经理")
    order_id = flag(hq.service, 4, 1)
    sync(terminal, hq)
    queue = PrintQueue(terminal.db, lambda: None, terminal.clock, profile=PrinterProfile("TM-T88V"))  # not started
    services = build_services(terminal, print_queue=queue)
    services.shifts.open_shift(MANAGER, total_fen=FLOAT)
    before = services.shifts.x_report(MANAGER, print_it=False).figures
    screen = make_screen(qtbot, terminal, tasks, services)
    assert screen.current.order_id == order_id and english_on(screen) == []
    refund = OnlineOrders(hq.service).get(order_id)["paid_minor"]

    cancel_by_keys(qtbot, screen, tasks, "来源缺货，顾客同意退款")
    qtbot.waitUntil(lambda: "现金退给顾客" in screen.message.text(), timeout=5_000)
    yuan = f"{refund // 100}.{refund % 100:02d}"
    assert yuan in screen.message.text() and "已取消" in screen.message.text()
    assert english_on(screen) == []
    qtbot.waitUntil(lambda: screen.queue_model.rowCount() == 0, timeout=5_000)
    after = services.shifts.x_report(MANAGER, print_it=False).figures
    assert after.expected_cash_fen == before.expected_cash_fen - refund
    assert (after.aisle_cash_fen, after.cash_refund_fen - before.cash_refund_fen) == (refund, refund)
    report = services.shifts.x_report(MANAGER, print_it=False).text
    assert "其中订货取消 Cancelled orders" in report  # its own line on the X report
    with terminal.db.read() as s:
        (trailer,) = s.scalars(select(PrintJob.trailer).where(PrintJob.kind == "aisle.refund")).all()
    assert trailer  # the slip opens the drawer

    sync(terminal, hq)  # HQ accepts it and owes nothing more through the provider
    assert OnlineOrders(hq.service).refunds(order_id) == []


def test_a_resolution_hq_refuses_comes_back_flagged_with_its_reason(  # type: ignore[no-untyped-def]
        qtbot, zh, terminal, add_operator, tasks, hq) -> None:  # noqa: F811
    add_operator("m1", "manager", "2468", name="张经理")
    order_id = flag(hq.service, 4, 1)
    sync(terminal, hq)
    services = build_services(terminal)
    services.shifts.open_shift(MANAGER, total_fen=FLOAT)
    screen = make_screen(qtbot, terminal, tasks, services)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.queue_table or screen.queue_table.setFocus()
                    or False, timeout=5_000)
    QTest.keyClick(screen.queue_table, Qt.Key.Key_F11)  # re-source from the warehouse
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ResourceDialog), timeout=5_000)
    QTest.keyClick(QApplication.activeModalWidget().sites, Qt.Key.Key_Return)
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: screen.queue_model.rowCount() == 0, timeout=5_000)

    with hq.service.engine.begin() as conn:  # the warehouse ran short before HQ got the event
        hq_stock._move(conn, "W01", [("100001", -hq_stock.on_hand(conn, "W01", "100001"),
                                      "2026-12-01T00:00:00+00:00")])
    assert upload(terminal, hq) == 1
    for _ in range(5):  # the manager's list is read every fifth refresh
        screen.refresh()
        settle(qtbot, tasks)
        screen._busy = False
    qtbot.waitUntil(lambda: screen.queue_model.rowCount() == 1, timeout=5_000)
    index = screen.queue_model.index(0, 2)
    assert screen.queue_model.data(index) == "订货：总部拒绝处理，请重新处理"
    screen.queue_table.selectRow(0)
    qtbot.waitUntil(lambda: screen.current is not None and screen.current.order_id == order_id, timeout=5_000)
    qtbot.waitUntil(lambda: "总部拒绝了新的货源" in screen.order_label.text(), timeout=5_000)
    qtbot.waitUntil(lambda: screen.conflicts.isVisible(), timeout=5_000)
    assert "总部拒绝了新的货源" in screen.conflicts.text()
    assert screen.resource_button.isEnabled() and screen.cancel_flagged_button.isEnabled()
    assert english_on(screen) == []

    screen.queue_table.setFocus()
    cancel_by_keys(qtbot, screen, tasks, "仓库也缺货，顾客同意退款")  # resolved again, a new event
    qtbot.waitUntil(lambda: "现金退给顾客" in screen.message.text(), timeout=5_000)
    qtbot.waitUntil(lambda: screen.queue_model.rowCount() == 0, timeout=5_000)
    assert upload(terminal, hq) == 0
    assert OnlineOrders(hq.service).get(order_id)["state"] == "cancelled"
