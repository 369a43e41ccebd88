"""A pick-up code scanned at the checkout opens Pick-up with the code entered: the associate
types the customer's phone digits next (by keys only)."""

from __future__ import annotations

from checkout_helpers import burst, open_checkout, refocus
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


def test_a_scanned_pickup_code_opens_pickup_ready_for_the_phone_digits(make_shell, qtbot) -> None:
    shell, checkout = open_checkout(make_shell, qtbot)
    burst("PK135790")
    shell.settle()
    pickup = shell.window.screens["pickup"]
    qtbot.waitUntil(lambda: shell.window.stack.currentWidget() is pickup, timeout=5000)
    assert pickup.code_input.text() == "135790"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pickup.phone_input, timeout=3000)
    assert "135790" in pickup.message.text() and "last 4 digits" in pickup.message.text()
    assert checkout.model.rowCount() == 0  # nothing was added to the sale
    QTest.keyClicks(pickup.phone_input, "5678")
    QTest.keyClick(pickup.phone_input, Qt.Key.Key_Return)  # looked up (no such order here)
    shell.settle()
    assert pickup.proof is None


def test_a_code_longer_than_this_stores_codes_is_not_entered(make_shell, qtbot) -> None:
    shell, checkout = open_checkout(make_shell, qtbot, locale="zh_CN")
    burst("PK1357902468")
    shell.settle()
    pickup = shell.window.screens["pickup"]
    qtbot.waitUntil(lambda: shell.window.stack.currentWidget() is pickup, timeout=5000)
    assert pickup.code_input.text() == ""
    assert "1357902468" in pickup.message.text() and "自提码" in pickup.message.text()
    shell.window.open_screen("checkout")
    refocus(shell, checkout, qtbot)
