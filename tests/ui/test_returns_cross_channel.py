"""The Returns screen takes back an online order found by the member's phone, by keys only,
against the reference HQ on 127.0.0.1: the phone + Enter lists the member's orders from every
channel (newest first), Down + Enter picks one, Space takes a whole line, F7 and Down the
reason, F11 refunds it to the online payment; HQ pays the provider once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from store_client.bootstrap import build_services
from store_client.domain.roles import Role
from store_client.services.auth import Actor
from store_client.ui.automation import unnamed_interactive
from store_client.ui.screens.returns_screen import ReturnsScreen
from sync.hq.embedded import HQServer
from sync.hq.orders import OnlineOrders
from sync.hq.service import HQService, make_engine
from sync.terminal.runner import SyncRunner
from sync.terminal.transport import HQClient
from tests.integration.sync.online_returns_world import PHONE, collected_order, member, open_shift
from tests.ui.conftest import screen_context

MANAGER = Actor("m1", "张经理", Role.MANAGER)


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HQServer]:
    service = HQService(make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}"))
    server = HQServer(service).start()
    yield server
    server.stop()
    service.engine.dispose()


def returns_screen(qtbot, terminal, tasks, hq: HQServer, locale: str = "en") -> ReturnsScreen:  # type: ignore[no-untyped-def]
    token = hq.service.issue_token("S001", "T01")
    services = build_services(terminal)
    services.sync_runner = SyncRunner(terminal.db, lambda: HQClient(hq.url, token, timeout=5))  # not started
    screen = ReturnsScreen(screen_context(terminal, tasks, MANAGER, locale, services=services))
    qtbot.addWidget(screen)
    screen.resize(1280, 760)
    screen.show()
    screen.activateWindow()
    return screen


@pytest.mark.serial
def test_an_online_order_found_by_phone_is_returned_by_keys_only(qtbot, terminal, add_operator, tasks, hq) -> None:
    add_operator("m1", "manager", "2468", name="张经理")
    open_shift(terminal, MANAGER)
    member_id = member(hq.service)
    older = collected_order(hq.service, member_id)
    newer = collected_order(hq.service, member_id, [{"sku": "100002", "qty": 1}], discounts={})
    screen = returns_screen(qtbot, terminal, tasks, hq)
    assert unnamed_interactive(screen) == []

    screen.receipt.setFocus()
    QTest.keyClicks(screen.receipt, PHONE)
    QTest.keyClick(screen.receipt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.originals.isVisible(), timeout=10_000)
    assert QApplication.focusWidget() is screen.originals
    assert [o.receipt_no for o in screen.originals.originals] == [newer.order_no, older.order_no]
    assert "2 orders found" in screen.message.text()

    QTest.keyClick(screen.originals, Qt.Key.Key_Down)  # the older order: water x3, chips x2
    QTest.keyClick(screen.originals, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.original is not None, timeout=5_000)
    assert screen.original.receipt_no == older.order_no and QApplication.focusWidget() is screen.table
    assert "Online order" in screen.sale_info.text()
    QTest.keyClick(screen.table, Qt.Key.Key_Space)  # the whole first line (3 waters)
    qtbot.waitUntil(lambda: screen.selection() == ((1, 3),), timeout=2_000)
    assert "Online payment" in screen.summary.text()
    QTest.keyClick(screen.table, Qt.Key.Key_F7)
    assert QApplication.focusWidget() is screen.reason
    QTest.keyClick(screen.reason, Qt.Key.Key_Down)  # damaged or faulty
    refund = screen.plan.total_fen
    QTest.keyClick(screen.reason, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: screen.done_banner.isVisible(), timeout=10_000)
    assert "Refunded" in screen.done_banner.text()
    qtbot.waitUntil(lambda: screen.original is not None and screen.original.lines[0].returnable == 0,
                    timeout=10_000)  # what is left of the order, found again

    orders = OnlineOrders(hq.service)
    paid_back = orders.provider.refunded_total(orders.get(older.order_id)["payment_ref"])
    assert paid_back == refund > 0


def press(qtbot, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    """A key at the focused widget, at a person's pace."""
    qtbot.wait(60)
    QTest.keyClick(QApplication.focusWidget(), key)


def type_text(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    for char in text:
        qtbot.wait(40)  # slower than a scanner: typed, not a scan
        QTest.keyClicks(QApplication.focusWidget(), char)


@pytest.mark.serial
def test_cash_instead_of_the_online_payment_by_keys_with_a_second_person(qtbot, terminal, add_operator, tasks,
                                                                          hq) -> None:
    add_operator("m1", "manager", "2468", name="张经理")
    add_operator("m2", "manager", "1357", name="李经理")
    open_shift(terminal, MANAGER)
    placed = collected_order(hq.service, member(hq.service))
    screen = returns_screen(qtbot, terminal, tasks, hq)
    screen.receipt.setFocus()
    type_text(qtbot, placed.order_no)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.original is not None, timeout=10_000)
    assert screen.cash_instead.isVisible() and QApplication.focusWidget() is screen.table
    press(qtbot, Qt.Key.Key_Plus)  # one water
    press(qtbot, Qt.Key.Key_F8)  # in cash instead
    assert screen.cash_instead.isChecked() and "Cash" in screen.summary.text()
    press(qtbot, Qt.Key.Key_F7)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_F11)  # a second person must approve, even for a manager
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.dialog.manager_id, timeout=5_000)
    for text in ("m2", "1357", "no wallet"):
        type_text(qtbot, text)
        press(qtbot, Qt.Key.Key_Return)  # the next field; from the reason: approve
    qtbot.waitUntil(lambda: screen.done_banner.isVisible(), timeout=10_000)
    assert "Cash" in screen.done_banner.text() and screen.reprint_button.isEnabled()
    press(qtbot, Qt.Key.Key_F5)  # the slip again (this till has no printer: audited, nothing queued)
    qtbot.waitUntil(lambda: "sent to the printer" in screen.message.text(), timeout=5_000)
    orders = OnlineOrders(hq.service)
    assert orders.provider.refunded_total(orders.get(placed.order_id)["payment_ref"]) == 0
