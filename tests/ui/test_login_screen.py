"""The sign-in screen driven through the UI: keys typed, Enter pressed, messages read."""

from __future__ import annotations

import threading

from tests.ui.conftest import demo_operator, wrong_pin_for
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget

from store_client.demo.operators import DEMO_OPERATORS
from store_client.services.auth import LOCKOUT, MAX_FAILED_PINS
from store_client.ui.login_messages import local_hhmm


def test_sign_in_with_keyboard_and_enter(make_shell) -> None:
    shell = make_shell()
    cashier = demo_operator("cashier")
    shell.sign_in(cashier.id, cashier.pin)
    window = shell.window
    assert window.actor is not None and window.actor.operator_id == cashier.id
    assert window.pages.currentWidget() is window.workspace
    assert cashier.name in window.status.operator.text()
    assert window.login.pin.text() == ""  # the PIN never lingers in the form
    assert shell.audit_actions()[-1] == "auth.login"


def test_login_runs_off_the_ui_thread(make_shell) -> None:
    shell = make_shell()
    seen: list[threading.Thread] = []
    auth = shell.window.services.auth
    real_login = auth.login

    def spy(operator_id: str, pin: str):  # type: ignore[no-untyped-def]
        seen.append(threading.current_thread())
        return real_login(operator_id, pin)

    auth.login = spy  # type: ignore[method-assign]
    manager = demo_operator("manager")
    shell.sign_in(manager.id, manager.pin)
    assert shell.window.actor is not None
    assert seen and seen[0] is not threading.main_thread()


def test_wrong_pin_says_how_many_attempts_are_left(make_shell) -> None:
    shell = make_shell()
    cashier = demo_operator("cashier")
    shell.sign_in(cashier.id, wrong_pin_for(cashier.pin))
    message = shell.window.login.message.text()
    assert f"{MAX_FAILED_PINS - 1} attempt(s) left" in message
    assert shell.window.actor is None
    assert shell.window.login.pin.text() == ""
    assert shell.window.login.pin.hasFocus()


def test_unknown_operator_reads_like_a_wrong_pin(make_shell) -> None:
    shell = make_shell()
    known = {op.id for op in DEMO_OPERATORS}
    unknown = next(str(n) for n in range(7000, 8000) if str(n) not in known)
    shell.sign_in(unknown, "4826")
    assert shell.window.login.message.text() == "Wrong operator ID or PIN."


def test_lockout_after_five_wrong_pins_shows_the_time(make_shell, clock) -> None:
    shell = make_shell()
    cashier = demo_operator("cashier")
    for attempt in range(1, MAX_FAILED_PINS + 1):
        shell.sign_in(cashier.id, wrong_pin_for(cashier.pin))
        if attempt < MAX_FAILED_PINS:
            assert f"{MAX_FAILED_PINS - attempt} attempt(s) left" in shell.window.login.message.text()
    expected_until = local_hhmm(clock.now() + LOCKOUT)
    message = shell.window.login.message.text()
    assert "locked until" in message and expected_until in message
    shell.sign_in(cashier.id, cashier.pin)  # the right PIN does not help while locked
    assert shell.window.actor is None
    assert "locked until" in shell.window.login.message.text()
    clock.advance(seconds=LOCKOUT.total_seconds() + 1)
    shell.sign_in(cashier.id, cashier.pin)
    assert shell.window.actor is not None


def test_lockout_message_in_chinese(make_shell, clock) -> None:
    shell = make_shell(locale="zh_CN")
    cashier = demo_operator("cashier")
    shell.sign_in(cashier.id, wrong_pin_for(cashier.pin))
    assert f"再错 {MAX_FAILED_PINS - 1} 次" in shell.window.login.message.text()
    for _ in range(MAX_FAILED_PINS - 1):
        shell.sign_in(cashier.id, wrong_pin_for(cashier.pin))
    assert "锁定至 " + local_hhmm(clock.now() + LOCKOUT) in shell.window.login.message.text()


def test_pin_field_is_masked_and_takes_digits_only(make_shell, qtbot) -> None:
    shell = make_shell()
    pin = shell.window.login.pin
    qtbot.keyClicks(pin, "12ab3-4x")
    assert pin.text() == "1234"
    assert pin.echoMode() == pin.EchoMode.Password


def test_keypad_types_into_the_focused_field(make_shell, qtbot) -> None:
    shell = make_shell()
    login = shell.window.login
    manager = demo_operator("manager")
    login.operator_id.setFocus()
    qtbot.waitUntil(login.operator_id.hasFocus)
    for digit in manager.id:
        qtbot.mouseClick(shell.window.findChild(object, f"login.key.{digit}"), Qt.MouseButton.LeftButton)
    login.pin.setFocus()
    qtbot.waitUntil(login.pin.hasFocus)
    for digit in manager.pin + "9":
        qtbot.mouseClick(shell.window.findChild(object, f"login.key.{digit}"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(shell.window.findChild(object, "login.key.backspace"), Qt.MouseButton.LeftButton)
    assert (login.operator_id.text(), login.pin.text()) == (manager.id, manager.pin)
    qtbot.mouseClick(login.submit, Qt.MouseButton.LeftButton)
    shell.settle()
    assert shell.window.actor is not None and shell.window.actor.operator_id == manager.id


def test_empty_fields_are_refused_without_a_service_call(make_shell, qtbot) -> None:
    shell = make_shell()
    calls: list[str] = []
    shell.window.login._login = lambda op, pin: calls.append(op)
    qtbot.keyClick(shell.window.login.pin, Qt.Key.Key_Return)
    assert shell.window.login.message.text() == "Enter your operator ID."
    qtbot.keyClicks(shell.window.login.operator_id, "1001")
    qtbot.mouseClick(shell.window.login.submit, Qt.MouseButton.LeftButton)
    assert shell.window.login.message.text() == "Enter your PIN."
    assert calls == [] and shell.tasks.pending == 0


def test_demo_table_only_in_demo_mode(make_shell, qtbot) -> None:
    demo = make_shell(demo=True)
    table = demo.window.findChild(QTableWidget, "login.demoOperators")
    assert table is not None and table.isVisible()
    ids = [table.item(r, 0).text() for r in range(table.rowCount())]
    pins = [table.item(r, 3).text() for r in range(table.rowCount())]
    operators = DEMO_OPERATORS
    assert ids == [op.id for op in operators] and pins == [op.pin for op in operators]
    rect = table.visualItemRect(table.item(1, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert demo.window.login.operator_id.text() == ids[1]
    plain = make_shell(demo=False)
    assert plain.window.findChild(QTableWidget, "login.demoOperators") is None
