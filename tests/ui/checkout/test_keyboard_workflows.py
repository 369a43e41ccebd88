"""Whole workflows by key events only: no mouse, no method calls on widgets.

Every key goes to the widget that has the focus (as a keyboard's would); scans are
keyboard-wedge bursts. Set-up that is not the workflow under test (a coupon in the
local data, an open shift) goes through the services.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from checkout_helpers import burst
from test_checkout_end_to_end import COUPON, real_checkout, shop_items
from tests.ui.conftest import close_demo_shift, demo_operator
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from store_client.persistence.models import PrintJob, Return, Sale, Shift
from store_client.ui.screen_registry import screens_for

K = Qt.Key


@dataclass
class Keyboard:
    """Presses keys at the focused widget and counts them (scan bursts apart)."""

    qtbot: object
    presses: int = 0
    scans: list[str] = field(default_factory=list)

    def focus(self):  # type: ignore[no-untyped-def]
        widget = QApplication.focusWidget()
        assert widget is not None, "a key needs a focused widget"
        return widget

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        self.presses += 1
        self.qtbot.keyClick(self.focus(), key, modifier)  # type: ignore[attr-defined]

    def type(self, text: str) -> None:
        self.presses += len(text)
        self.qtbot.keyClicks(self.focus(), text)  # type: ignore[attr-defined]

    def scan(self, code: str) -> None:
        self.scans.append(code)
        burst(code)

    def sign_in(self, shell, role: str) -> None:  # type: ignore[no-untyped-def]
        op = demo_operator(role)
        self.type(op.id)
        self.press(K.Key_Return)
        self.type(op.pin)
        self.press(K.Key_Return)
        shell.settle()
        assert shell.window.actor is not None, shell.window.login.message.text()


def open_shift_by_service(shell, role: str = "manager") -> None:  # type: ignore[no-untyped-def]
    """Selling may require an open shift: open one (set-up, not the workflow under test)."""
    services = shell.window.services
    if services.shifts.current() is not None:
        return  # the demo store opens with its shift open
    op = demo_operator(role)
    actor = services.auth.login(op.id, op.pin)
    services.shifts.open_shift(actor, {10000: 2})


def nav(shell, key: str) -> Qt.Key:  # type: ignore[no-untyped-def]
    """The digit of the Ctrl+digit that opens screen ``key`` for the signed-in operator."""
    for spec, shortcut in screens_for(shell.window.actor.role):
        if spec.key == key:
            return getattr(K, f"Key_{shortcut.removeprefix('Ctrl+')}")
    raise AssertionError(f"{key} is not on the rail")


def wait_focus_in(qtbot, widget) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                    and (QApplication.focusWidget() is widget or widget.isAncestorOf(QApplication.focusWidget())),
                    timeout=3000)


@pytest.fixture
def till(make_shell, qtbot):  # type: ignore[no-untyped-def]
    """A till with the real checkout (its print queue holds the receipts) and an open shift."""
    shell = make_shell(locale="en")
    shell.window.services.checkout = real_checkout([])(shell)
    open_shift_by_service(shell)
    shell.window.activateWindow()
    wait_focus_in(qtbot, shell.window.login.operator_id)
    return shell, Keyboard(qtbot)


def test_sale_with_coupon_paid_exact_cash_then_receipt_reprinted_by_keys(till, qtbot) -> None:
    shell, keys = till
    keys.sign_in(shell, "cashier")
    screen = shell.window.screens["checkout"]
    wait_focus_in(qtbot, screen.entry)
    codes, _prices, _plu, _ = shop_items(shell)
    for code in (codes[0], codes[1], codes[0]):
        keys.scan(code)
        shell.settle()
    assert screen.model.rowCount() >= 2 and screen.cart.subtotal_fen > 0, screen.message.text()

    keys.press(K.Key_F6)  # coupon
    wait_focus_in(qtbot, screen.dialog)
    keys.type(COUPON)
    keys.press(K.Key_Return)
    shell.settle()
    assert screen.dialog is None and len(screen.side.coupon_chips) == 1, screen.message.text()
    total = screen.cart.total_fen
    wait_focus_in(qtbot, screen.entry)

    keys.press(K.Key_Plus)  # pay
    shell.settle()
    wait_focus_in(qtbot, screen.dialog)
    keys.press(K.Key_F2)  # exact cash
    shell.settle()
    shell.settle()
    sale = screen.last_sale
    assert sale is not None and sale.change_fen == 0 and screen.dialog is None
    with shell.terminal.db.read() as s:
        row = s.get(Sale, sale.sale_id)
        assert row.total_fen == total and row.print_job_id == sale.print_job_id
    assert screen.receipt_status.isVisible() and screen.receipt_status.state == "waiting"
    assert sale.receipt_no in screen.receipt_status.text()

    wait_focus_in(qtbot, screen.entry)
    keys.press(K.Key_F2)  # still waiting for the printer: nothing is printed twice
    shell.settle()
    assert "still waiting" in screen.message.text()
    with shell.terminal.db.transaction() as s:  # the printer printed it
        s.get(PrintJob, sale.print_job_id).state = "printed"
    keys.press(K.Key_F2)  # printed: F2 prints a copy, marked as one
    shell.settle()
    with shell.terminal.db.read() as s:
        copy = s.scalars(select(PrintJob).where(PrintJob.reprint_of == sale.print_job_id)).one()
        assert "REPRINT" in copy.preview_text and copy.trailer == b""  # no drawer kick
        copy_id = copy.id
    assert screen.receipt_status.job_id == copy_id and "Copy of receipt" in screen.receipt_status.text()
    assert shell.audit_actions()[-1] == "print.reprint"


def test_a_three_item_cash_sale_takes_two_keys_besides_the_scans(till, qtbot) -> None:
    shell, keys = till
    keys.sign_in(shell, "cashier")
    screen = shell.window.screens["checkout"]
    wait_focus_in(qtbot, screen.entry)
    codes, _prices, _plu, _ = shop_items(shell)
    keys.presses = 0
    for code in (codes[0], codes[1], codes[1]):
        keys.scan(code)
        shell.settle()
    keys.press(K.Key_Space)  # pay
    shell.settle()
    wait_focus_in(qtbot, screen.dialog)
    keys.press(K.Key_F2)  # exact cash: completes the sale
    shell.settle()
    shell.settle()
    assert screen.last_sale is not None and screen.last_sale.change_fen == 0
    assert len(keys.scans) == 3 and keys.presses == 2
    assert screen.model.rowCount() == 0 and screen.done_banner.isVisible()


def test_return_by_receipt_by_keys(till, qtbot) -> None:
    shell, keys = till
    keys.sign_in(shell, "manager")  # a manager's refund needs no approval
    screen = shell.window.screens["checkout"]
    wait_focus_in(qtbot, screen.entry)
    codes, prices, _plu, _ = shop_items(shell)
    keys.scan(codes[0])
    shell.settle()
    keys.scan(codes[1])
    shell.settle()
    keys.press(K.Key_F11)
    shell.settle()
    wait_focus_in(qtbot, screen.dialog)
    keys.press(K.Key_F2)
    shell.settle()
    shell.settle()
    sale = screen.last_sale
    assert sale is not None
    wait_focus_in(qtbot, screen.entry)

    keys.scan(sale.receipt_no)  # a receipt scanned at the till opens Returns with the sale
    shell.settle()
    returns = shell.window.screens["returns"]
    assert shell.window.stack.currentWidget() is returns and returns.sale is not None
    wait_focus_in(qtbot, returns)
    stops = []
    for _ in range(14):  # Tab goes round the screen: the table is one stop, its cells none
        keys.press(K.Key_Tab)
        stops.append(QApplication.focusWidget().objectName())
    one_round = stops[:len(set(stops))]
    assert one_round.count("returns.lines") == 1 and "returns.receipt" in one_round, stops
    assert not [name for name in stops if name.startswith(("returns.qty.", "returns.less", "returns.more"))]
    keys.press(K.Key_F6)  # the items
    assert QApplication.focusWidget() is returns.table
    keys.press(K.Key_Down)  # the second line
    keys.press(K.Key_Plus)  # one of it
    qtbot.waitUntil(lambda: returns.selection() != (), timeout=2000)
    second = returns.sale.lines[1]
    assert returns.selection() == ((second.line_no, 1),)
    for key, expected in ((K.Key_Minus, ()), (K.Key_Space, ((second.line_no, second.sold.returnable),)),
                          (K.Key_Space, ()), (K.Key_1, ((second.line_no, 1),)),
                          (K.Key_Delete, ()), (K.Key_Plus, ((second.line_no, 1),))):
        keys.press(key)  # − one less, Space all / none, a digit the quantity, Delete none
        qtbot.waitUntil(lambda expected=expected: returns.selection() == expected, timeout=2000)
    keys.press(K.Key_F7)  # the reason
    keys.press(K.Key_Down)  # the first reason in the list
    assert returns.reason.currentData()
    keys.press(K.Key_F11)  # refund
    shell.settle()
    shell.settle()
    assert returns.done_banner.isVisible(), returns.message.text()
    wait_focus_in(qtbot, returns.receipt)  # the keyboard still works after the refund
    with shell.terminal.db.read() as s:
        done = s.scalars(select(Return)).one()
        assert done.sale_id == sale.sale_id and done.refund_fen == prices[1]


def test_shift_open_pay_out_x_report_and_blind_close_by_keys(make_shell, qtbot) -> None:
    shell = make_shell(locale="en")
    close_demo_shift(shell)
    keys = Keyboard(qtbot)
    shell.window.activateWindow()
    wait_focus_in(qtbot, shell.window.login.operator_id)
    keys.sign_in(shell, "manager")
    keys.press(nav(shell, "shift"), Qt.KeyboardModifier.ControlModifier)
    screen = shell.window.screens["shift"]
    shell.settle()
    assert shell.window.stack.currentWidget() is screen and screen.current is None
    wait_focus_in(qtbot, screen)

    keys.press(K.Key_F2)  # open: count the float, 2 × 100 yuan
    assert QApplication.focusWidget() is screen.pieces[10000]
    keys.type("2")
    keys.press(K.Key_Return)  # on to the next denomination
    assert QApplication.focusWidget() is screen.pieces[5000]
    keys.press(K.Key_F11)
    shell.settle()
    assert screen.current is not None and screen.current.opening_float_fen == 20000

    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=2000)
    keys.press(K.Key_F4)  # pay out 20 yuan
    assert QApplication.focusWidget() is screen.cash_amount
    keys.type("20")
    keys.press(K.Key_Return)
    keys.type("petty cash")
    keys.press(K.Key_Return)
    shell.settle()
    assert "Paid out" in screen.message.text(), screen.message.text()

    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=2000)
    keys.press(K.Key_F5)  # X report
    shell.settle()
    assert screen.report_text and "X" in screen.message.text()

    keys.press(K.Key_F6)  # blind close: 180 yuan = 100 + 50 + 20 + 10
    shell.settle()
    assert QApplication.focusWidget() is screen.pieces[10000]
    assert "180" not in screen.count_title.text() + screen.count_total.text()  # blind
    for count in ("1", "1", "1", "1"):
        keys.type(count)
        keys.press(K.Key_Return)
    if screen.warning_box.isVisible():  # events wait for HQ (no HQ here): tick "close anyway"
        keys.press(K.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
        while QApplication.focusWidget() is not screen.confirm_unsynced:
            keys.press(K.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
        keys.press(K.Key_Space)
        qtbot.waitUntil(screen.confirm_unsynced.isChecked, timeout=2000)
    keys.press(K.Key_F11)
    shell.settle()
    assert screen.current is None, screen.message.text()
    assert "balances" in screen.message.text()
    with shell.terminal.db.read() as s:  # the demo's own shift and the one opened by keys
        assert all(shift.closed_at is not None for shift in s.scalars(select(Shift)))


def test_lock_and_unlock_by_keys(make_shell, qtbot) -> None:
    shell = make_shell(locale="en")
    keys = Keyboard(qtbot)
    shell.window.activateWindow()
    wait_focus_in(qtbot, shell.window.login.operator_id)
    keys.sign_in(shell, "cashier")
    window = shell.window
    wait_focus_in(qtbot, window.screens["checkout"])
    keys.press(K.Key_F12)
    assert window.locked and QApplication.focusWidget() is window.lock_overlay.pin
    keys.press(nav(shell, "returns"), Qt.KeyboardModifier.ControlModifier)  # no screen opens
    keys.press(K.Key_F1)  # no help over a locked till
    assert window.stack.currentWidget() is window.screens["checkout"] and not window.help.isVisible()
    keys.type(demo_operator("cashier").pin)
    keys.press(K.Key_Return)
    shell.settle()
    assert not window.locked
    wait_focus_in(qtbot, window.screens["checkout"])
    keys.press(nav(shell, "returns"), Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.screens["returns"]
    keys.press(nav(shell, "checkout"), Qt.KeyboardModifier.ControlModifier)  # and back, from returns
    assert window.stack.currentWidget() is window.screens["checkout"]


def test_a_receipt_the_printer_held_shows_as_not_printed_and_f2_prints_the_original(till, qtbot) -> None:
    from store_client.ui.operations import Changes

    shell, keys = till
    keys.sign_in(shell, "cashier")
    screen = shell.window.screens["checkout"]
    wait_focus_in(qtbot, screen.entry)
    codes, *_ = shop_items(shell)
    keys.scan(codes[0])
    shell.settle()
    keys.press(K.Key_Space)
    shell.settle()
    wait_focus_in(qtbot, screen.dialog)
    keys.press(K.Key_F2)
    shell.settle()
    shell.settle()
    sale = screen.last_sale
    assert sale is not None and screen.receipt_status.state == "waiting"
    with shell.terminal.db.transaction() as s:  # the printer ran out of paper: the job is held
        s.get(PrintJob, sale.print_job_id).state = "held"
    shell.window.hub.announce(Changes(print_queue=True))  # as the queue's worker announces it
    shell.settle()
    assert screen.receipt_status.state == "failed" and "did not print" in screen.receipt_status.text()
    assert screen.receipt_status.property("kind") == "error"
    wait_focus_in(qtbot, screen.entry)
    keys.press(K.Key_F2)  # it never came out: the original goes again, not a copy
    shell.settle()
    with shell.terminal.db.read() as s:
        assert s.get(PrintJob, sale.print_job_id).state == "queued"
        assert s.scalars(select(PrintJob).where(PrintJob.reprint_of.is_not(None))).all() == []
    assert screen.receipt_status.job_id == sale.print_job_id and not screen.receipt_status.copy
    assert screen.receipt_status.state == "waiting"
