"""The shift screen on a real terminal database: open -> pay in -> blind close, with the
issue-5 warning that must be confirmed, and an over/short that needs a reason and approval."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from store_client.bootstrap import build_services
from store_client.domain.roles import Role
from store_client.persistence.models import OutboxEvent, Shift, ShiftCashMovement
from store_client.services.auth import Actor
from store_client.ui.automation import unnamed_interactive
from tests.ui.conftest import screen_context
from store_client.ui.screens.shift_screen import COUNT_PAGE, REPORT_PAGE, ShiftScreen
from store_client.ui.tasks import TaskManager

MANAGER_PIN = "2468"


@pytest.fixture
def make_screen(qtbot, terminal, add_operator, tasks):  # type: ignore[no-untyped-def]
    add_operator("c1", "cashier", "1357", name="王芳")
    add_operator("m1", "manager", MANAGER_PIN, name="张经理")
    services = build_services(terminal)

    def make(actor: Actor, locale: str = "zh_CN", *, wired: bool = True) -> ShiftScreen:
        if not wired:
            services.shifts_factory = None
        screen = ShiftScreen(screen_context(terminal, tasks, actor, locale, services=services))
        qtbot.addWidget(screen)
        screen.resize(1100, 760)
        screen.show()
        settle(qtbot, tasks)
        return screen

    return make


def settle(qtbot, tasks: TaskManager) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)


def shifts(terminal) -> list[Shift]:  # type: ignore[no-untyped-def]
    with terminal.db.read() as s:
        rows = list(s.scalars(select(Shift).order_by(Shift.shift_seq)))
        s.expunge_all()
        return rows


def count(screen: ShiftScreen, pieces: dict[int, int]) -> None:
    for fen, edit in screen.pieces.items():
        edit.clear()
        if pieces.get(fen):
            QTest.keyClicks(edit, str(pieces[fen]))


CASHIER = Actor("c1", "王芳", Role.CASHIER)
MANAGER = Actor("m1", "张经理", Role.MANAGER)


def test_open_pay_in_and_blind_close_with_the_waiting_events_warning(
        qtbot, make_screen, terminal, tasks) -> None:
    screen = make_screen(CASHIER)
    assert screen.current is None and screen.open_button.isEnabled()
    assert not screen.close_button.isEnabled() and not screen.pay_in_button.isEnabled()

    screen.open_button.click()
    assert screen.stack.currentIndex() == COUNT_PAGE and not screen.warning_box.isVisible()
    QTest.keyClicks(screen.pieces[10000], "-3.5x")  # no sign, no decimals, no letters
    assert screen.pieces[10000].text() == "35"
    count(screen, {10000: 2, 1000: 5})
    assert "250.00" in screen.count_total.text()
    screen.count_confirm.click()
    settle(qtbot, tasks)
    (row,) = shifts(terminal)
    assert row.status == "open" and row.opening_float_fen == 25000
    assert screen.current is not None and screen.stack.currentIndex() == REPORT_PAGE
    assert row.shift_no in screen.state.text() and screen.close_button.isEnabled()

    screen.pay_in_button.click()
    qtbot.keyClicks(screen.cash_amount, "50")
    qtbot.keyClicks(screen.cash_reason, "float top-up")
    screen.cash_confirm.click()
    settle(qtbot, tasks)
    with terminal.db.read() as s:
        moves = [(m.kind, m.amount_fen, m.reason) for m in s.scalars(select(ShiftCashMovement))]
    assert moves == [("pay_in", 5000, "float top-up")]
    assert "50.00" in screen.message.text()

    screen.close_button.click()
    settle(qtbot, tasks)
    assert screen.stack.currentIndex() == COUNT_PAGE
    assert screen.warning_box.isVisible()  # the audit entries and events have not reached HQ
    assert "waiting" in screen.warning_text.text()
    assert "250.00" not in screen.count_total.text() + screen.variance_text.text()  # blind
    count(screen, {10000: 3})
    screen.count_confirm.click()  # not confirmed: refused on the screen, nothing sent
    settle(qtbot, tasks)
    assert "Close anyway" in screen.message.text() and shifts(terminal)[0].status == "open"
    screen.confirm_unsynced.setChecked(True)
    screen.count_confirm.click()
    settle(qtbot, tasks)
    (row,) = shifts(terminal)
    assert row.status == "closed" and row.counted_cash_fen == 30000 and row.variance_fen == 0
    assert "Z REPORT" in screen.report_text and screen.current is None
    assert not screen.report_image.pixmap().isNull()  # the report as it prints
    assert screen.open_button.isEnabled() and not screen.pay_out_button.isEnabled()
    with terminal.db.read() as s:
        (closed,) = [json.loads(e.payload) for e in s.scalars(
            select(OutboxEvent).where(OutboxEvent.kind == "shift.closed"))]
    assert closed["unsynced_at_close"] > 0
    assert unnamed_interactive(screen) == []


def test_a_short_drawer_asks_for_a_reason_then_a_managers_approval(
        qtbot, make_screen, terminal, tasks) -> None:
    screen = make_screen(CASHIER, locale="en")
    screen.open_button.click()
    count(screen, {10000: 1})
    screen.count_confirm.click()
    settle(qtbot, tasks)
    asked: list[str] = []
    shown: list[str] = []

    def approve_when_asked() -> None:  # the manager at the till, by keyboard
        dialog = screen.dialog
        if dialog is None or not dialog.isVisible():
            return
        asked.append("asked")
        shown.append(dialog.findChild(QLabel, "approval.action").text())
        qtbot.keyClicks(dialog.manager_id, "m1")
        qtbot.keyClicks(dialog.pin, MANAGER_PIN)
        qtbot.keyClicks(dialog.reason, "counted twice")
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)

    screen.close_button.click()
    settle(qtbot, tasks)
    screen.confirm_unsynced.setChecked(True)
    count(screen, {5000: 1, 2000: 2})  # 90 yuan of 100: short by 10
    screen.count_confirm.click()
    settle(qtbot, tasks)
    assert screen.variance_reason.isVisible() and "does not match" in screen.variance_text.text()
    assert "10.00" not in screen.variance_text.text()  # blind: no amount before the approval
    assert shifts(terminal)[0].status == "open" and asked == []
    qtbot.keyClicks(screen.variance_reason, "gave wrong change")
    screen.count_confirm.click()
    qtbot.waitUntil(lambda: screen.dialog is not None, timeout=10_000)
    approve_when_asked()
    settle(qtbot, tasks)
    qtbot.waitUntil(lambda: screen.dialog is None, timeout=10_000)
    settle(qtbot, tasks)
    assert asked == ["asked"]
    assert "short by CN¥10.00" in shown[0] and "CN¥90.00" in shown[0]  # the manager sees it
    (row,) = shifts(terminal)
    assert (row.status, row.variance_fen, row.variance_reason, row.variance_approved_by) == (
        "closed", -1000, "gave wrong change", "m1")
    assert "short" in screen.message.text()


def test_a_cashier_pay_out_above_the_drawer_is_refused_on_screen(
        qtbot, make_screen, terminal, tasks) -> None:
    screen = make_screen(CASHIER, locale="en")
    screen.open_button.click()
    count(screen, {1000: 1})
    screen.count_confirm.click()
    settle(qtbot, tasks)
    screen.pay_out_button.click()
    qtbot.keyClicks(screen.cash_amount, "12.345")
    screen.cash_confirm.click()
    assert "amount" in screen.message.text()  # three decimals: refused before any call
    screen.cash_amount.clear()
    qtbot.keyClicks(screen.cash_amount, "11")
    screen.cash_confirm.click()
    assert "reason" in screen.message.text()
    qtbot.keyClicks(screen.cash_reason, "stamps")
    screen.cash_confirm.click()
    settle(qtbot, tasks)
    assert "more than the cash" in screen.message.text()
    assert screen.cash_confirm.isEnabled()
    with terminal.db.read() as s:
        assert list(s.scalars(select(ShiftCashMovement))) == []


def test_without_a_shift_service_the_screen_says_so_and_offers_nothing(
        qtbot, make_screen) -> None:
    screen = make_screen(CASHIER, locale="en", wired=False)
    assert "not available" in screen.state.text()
    assert not any(b.isEnabled() for b in (screen.open_button, screen.close_button,
                                           screen.pay_in_button, screen.x_button))
