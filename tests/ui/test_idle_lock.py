"""The terminal locks after inactivity and unlocks with the same operator's PIN."""

from __future__ import annotations

import time

from tests.ui.conftest import demo_operator, wrong_pin_for
from PySide6.QtCore import Qt

from store_client.services.auth import MAX_FAILED_PINS

IDLE_MS = 300


def test_locks_after_inactivity_and_unlocks_with_the_pin(make_shell, qtbot) -> None:
    shell = make_shell(idle_ms=IDLE_MS)
    cashier = demo_operator("cashier")
    started = time.monotonic()  # the idle timer starts inside sign_in: it cannot fire sooner
    shell.sign_in(cashier.id, cashier.pin)
    window = shell.window
    qtbot.waitUntil(lambda: window.locked, timeout=5000)
    assert time.monotonic() - started >= IDLE_MS / 1000 * 0.9
    assert not window.workspace.isEnabled()
    assert cashier.id in window.lock_overlay.who.text()
    qtbot.keyClick(window, Qt.Key.Key_F3)  # screen keys do nothing while locked
    assert window.locked
    qtbot.keyClicks(window.lock_overlay.pin, wrong_pin_for(cashier.pin))
    qtbot.keyClick(window.lock_overlay.pin, Qt.Key.Key_Return)
    shell.settle()
    assert window.locked
    assert f"{MAX_FAILED_PINS - 1} attempt(s) left" in window.lock_overlay.message.text()
    qtbot.keyClicks(window.lock_overlay.pin, cashier.pin)
    qtbot.keyClick(window.lock_overlay.pin, Qt.Key.Key_Return)
    shell.settle()
    assert not window.locked and window.workspace.isEnabled()
    assert window.actor is not None and window.actor.operator_id == cashier.id
    actions = shell.audit_actions()
    assert actions[-2:] == ["auth.unlock_failed", "auth.unlock"]
    assert window.idle.active  # counting again


def test_input_keeps_the_terminal_unlocked(make_shell, qtbot) -> None:
    idle_ms = 1000  # a key every 100 ms, so a loaded machine has 900 ms of slack before a false lock
    shell = make_shell(idle_ms=idle_ms)
    cashier = demo_operator("cashier")
    shell.sign_in(cashier.id, cashier.pin)
    screen = shell.window.screens["productLookup"]
    deadline = time.monotonic() + 2.5 * idle_ms / 1000
    while time.monotonic() < deadline:  # typing every 100 ms, for two and a half idle periods
        qtbot.keyClick(screen.query, Qt.Key.Key_A)
        qtbot.wait(100)
        assert not shell.window.locked
    qtbot.waitUntil(lambda: shell.window.locked, timeout=5000)  # and it locks once input stops
    shell.settle()


def test_another_operator_signs_in_from_the_lock(make_shell, qtbot) -> None:
    shell = make_shell()
    cashier, manager = demo_operator("cashier"), demo_operator("manager")
    shell.sign_in(cashier.id, cashier.pin)
    qtbot.keyClick(shell.window, Qt.Key.Key_F12)
    assert shell.window.locked
    qtbot.mouseClick(shell.window.lock_overlay.switch_button, Qt.MouseButton.LeftButton)
    shell.settle()
    assert not shell.window.locked and shell.window.actor is None
    assert shell.window.pages.currentWidget() is shell.window.login
    assert shell.audit_actions()[-1] == "auth.logout"
    shell.sign_in(manager.id, manager.pin)
    assert shell.window.actor.operator_id == manager.id
    assert "auditLog" in shell.window.screens


def test_no_lock_and_no_timer_while_signed_out(make_shell, qtbot) -> None:
    shell = make_shell(idle_ms=IDLE_MS)
    qtbot.wait(IDLE_MS * 2)
    assert not shell.window.locked and not shell.window.idle.active
    qtbot.keyClick(shell.window, Qt.Key.Key_F12)
    assert not shell.window.locked


def test_five_wrong_pins_at_the_lock_lock_the_operator_out(make_shell, qtbot) -> None:
    shell = make_shell()
    cashier = demo_operator("cashier")
    shell.sign_in(cashier.id, cashier.pin)
    overlay = shell.window.lock_overlay
    shell.window.lock()
    for _ in range(MAX_FAILED_PINS):
        qtbot.keyClicks(overlay.pin, wrong_pin_for(cashier.pin))
        qtbot.keyClick(overlay.pin, Qt.Key.Key_Return)
        shell.settle()
    assert "locked until" in overlay.message.text()
    assert not overlay.pin.isEnabled() and not overlay.unlock_button.isEnabled()
    assert overlay.switch_button.isEnabled() and shell.window.locked
    assert "auth.locked_out" in shell.audit_actions()
