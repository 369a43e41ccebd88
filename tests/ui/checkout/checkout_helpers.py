"""Driving the checkout screen as a cashier and a scanner would."""

from __future__ import annotations

import itertools
from typing import Any

from tests.ui.conftest import demo_operator
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

_clock = itertools.count(100_000, 5_000)  # each burst starts well after the previous one


def burst(code: str, interval_ms: int = 6) -> None:
    """A keyboard-wedge scanner: ``code`` then Enter, ``interval_ms`` apart, at the focused widget."""
    start = next(_clock)
    target = QApplication.focusWidget()
    assert target is not None, "a scanner types into whatever has the focus"
    for i, ch in enumerate(code + "\r"):
        enter = ch == "\r"
        event = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return if enter else Qt.Key.Key_unknown,
                          Qt.KeyboardModifier.NoModifier, ch)
        event.setTimestamp(start + i * interval_ms)
        QApplication.sendEvent(QApplication.focusWidget() or target, event)


def open_checkout(make_shell: Any, qtbot: Any, *, role: str = "cashier", locale: str = "en",
                  service: Any = None) -> tuple[Any, Any]:
    """Sign in through the real form and land on the checkout (the first screen)."""
    shell = make_shell(locale=locale)
    if service is not None:
        shell.window.services.checkout = service(shell)  # before sign-in builds the screen
    op = demo_operator(role)
    shell.sign_in(op.id, op.pin)
    assert "checkout" in shell.window.screens, (shell.window.login.message.text(), shell.window.actor)
    screen = shell.window.screens["checkout"]
    assert shell.window.stack.currentWidget() is screen, "checkout is the first screen"
    refocus(shell, screen, qtbot)
    shell.settle()
    return shell, screen


def refocus(shell: Any, screen: Any, qtbot: Any) -> None:
    """Give the till window and its entry box the focus (after a dialog closed, offscreen)."""
    shell.window.activateWindow()
    screen.entry.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.entry, timeout=3000)


def column(screen: Any, name: str) -> list[str]:
    col = screen.model.COLUMNS.index(name)
    return [screen.model.index(r, col).data() for r in range(screen.model.rowCount())]


def selected_row(screen: Any) -> int | None:
    rows = screen.table.selectionModel().selectedRows()
    return rows[0].row() if rows else None
