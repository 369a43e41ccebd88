"""The keyboard model (docs/keyboard.md): no key means two things on any screen, F1 tells
the truth, every button can be reached, and Space / Enter press the focused button."""

from __future__ import annotations

import pytest
from tests.ui.conftest import close_demo_shift, demo_operator
from PySide6.QtCore import Qt
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QApplication, QPushButton

from store_client.domain.roles import Role
from store_client.ui import keymap


def window_keys(window) -> list[str]:  # type: ignore[no-untyped-def]
    """The keys of the window's own shortcuts (global and navigation)."""
    return [keymap.normalized(s.key().toString()) for s in window.findChildren(QShortcut)
            if s.parent() is window and s.isEnabled()]


def signed_in(make_shell, role: str):  # type: ignore[no-untyped-def]
    shell = make_shell(locale="en")
    op = demo_operator(role)
    shell.sign_in(op.id, op.pin)
    return shell


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_no_key_means_two_things_on_any_screen(make_shell, role: str) -> None:
    shell = signed_in(make_shell, role)
    window = shell.window
    glob = window_keys(window)
    assert len(glob) == len(set(glob)), glob
    declared_glob = [keymap.normalized(k) for a in window.nav_actions + keymap.global_actions()
                     for k in a.keys]
    assert sorted(glob) == sorted(declared_glob)  # what the window binds is what F1 lists
    for key, screen in window.screens.items():
        window.open_screen(key)
        actions = window.current_key_actions()
        assert keymap.duplicates(actions) == {}, (key, keymap.duplicates(actions))
        own = {keymap.normalized(k) for a in keymap.actions_of(screen) for k in a.keys}
        assert not own & set(glob), (key, own & set(glob))  # a screen never takes a global key
        assert all(k.startswith("Ctrl+") for k in glob if k not in ("F1", "F12"))
        bound = [keymap.normalized(s.key().toString()) for s in screen.findChildren(QShortcut)
                 if s.parent() is screen]
        assert len(bound) == len(set(bound)) and set(bound) <= own, (key, bound, own)
    shell.settle()


def test_every_visible_button_of_every_screen_has_a_key_or_a_tab_stop(make_shell) -> None:
    shell = signed_in(make_shell, "it_admin")
    window = shell.window
    for key, screen in window.screens.items():
        window.open_screen(key)
        keyed = {id(a.button) for a in keymap.actions_of(screen) if a.button is not None}
        for button in screen.findChildren(QPushButton):
            if not button.isVisible():
                continue
            reachable = id(button) in keyed or bool(button.focusPolicy() & Qt.FocusPolicy.TabFocus)
            assert reachable, (key, button.objectName())
            if id(button) in keyed:  # the caption shows the key
                action = next(a for a in keymap.actions_of(screen) if a.button is button)
                assert button.text().startswith(keymap.key_text(action.keys[0])), button.text()
    shell.settle()


def test_f1_shows_the_keys_of_the_screen_in_front(make_shell, qtbot) -> None:
    shell = signed_in(make_shell, "manager")
    window = shell.window
    for key in ("checkout", "returns", "shift"):
        window.open_screen(key)
        qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F1)
        assert window.help.isVisible()
        texts = window.help.texts()
        for action in window.current_key_actions():
            assert action.label in texts, (key, action.label)
            assert " / ".join(keymap.key_text(k) for k in action.keys) in texts
        qtbot.keyClick(window.help, Qt.Key.Key_Escape)
        assert not window.help.isVisible()
    shell.settle()


def test_the_tender_dialog_keys_are_distinct(make_shell, qtbot) -> None:
    from store_client.ui.checkout.tender_dialog import TenderDialog

    shell = signed_in(make_shell, "cashier")
    screen = shell.window.screens["checkout"]
    actions = [a for a in keymap.actions_of(screen)]
    assert keymap.duplicates(actions) == {}
    cart = type("Cart", (), {"due_fen": 1234, "total_fen": 1234, "paid_fen": 0, "change_fen": 0,
                             "tenders": (), "member": None, "lines": (1,), "cart_id": "c"})()
    dialog = TenderDialog(screen.ops, cart, locale="en", mobile_available=False, parent=screen)
    try:
        assert keymap.duplicates(dialog.key_actions) == {}
        assert dialog.key_actions[0].keys == ("F2",) and dialog.key_actions[0].button is dialog.quick_buttons[0]
        assert dialog.quick_buttons[0].text().startswith("F2")
        bound = [keymap.normalized(s.key().toString()) for s in dialog.findChildren(QShortcut)]
        assert len(bound) == len(set(bound))
    finally:
        dialog.deleteLater()
    shell.settle()


@pytest.mark.parametrize("key", [Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_space_and_enter_press_the_focused_button(make_shell, qtbot, key) -> None:  # type: ignore[no-untyped-def]
    """The scanner's key filter holds printable keys for a moment: Space must still press."""
    shell = signed_in(make_shell, "manager")
    close_demo_shift(shell)  # the open button shows only while no shift is open
    window = shell.window
    window.open_screen("shift")
    shell.settle()
    screen = window.screens["shift"]
    screen.refresh()  # closed behind its back, by the service
    shell.settle()
    screen.open_button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.open_button, timeout=3000)
    qtbot.keyClick(screen.open_button, key)
    qtbot.waitUntil(lambda: screen.stack.currentIndex() == 1, timeout=2000)  # the count page
    window.open_screen("returns")
    returns = window.screens["returns"]
    returns.clear_button.setFocus()
    returns.receipt.setText("abc")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is returns.clear_button, timeout=3000)
    qtbot.keyClick(returns.clear_button, key)
    qtbot.waitUntil(lambda: returns.receipt.text() == "", timeout=2000)
    shell.settle()


def test_duplicates_names_a_key_bound_twice_in_any_spelling(qapp) -> None:
    actions = [keymap.KeyAction(("F3",), "Search"), keymap.KeyAction(("ctrl+q", "F4"), "Quit"),
               keymap.KeyAction(("Ctrl+Q",), "Sign out")]
    assert keymap.duplicates(actions) == {"Ctrl+Q": ["Quit", "Sign out"]}
    assert keymap.duplicates(actions[:1]) == {}


def test_on_the_checkout_space_presses_a_focused_button_rather_than_pay(make_shell, qtbot) -> None:
    shell = signed_in(make_shell, "cashier")
    screen = shell.window.screens["checkout"]
    shell.window.activateWindow()
    screen.entry.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.entry, timeout=3000)
    qtbot.keyClicks(screen.entry, "6999999999990")  # typed by hand, then Enter: not in the catalog
    qtbot.keyClick(screen.entry, Qt.Key.Key_Return)
    shell.settle()
    assert screen.search_offer.isVisible()
    qtbot.keyClick(screen.entry, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.search_offer, timeout=3000)
    qtbot.keyClick(screen.search_offer, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: screen.dialog is not None, timeout=3000)
    dialog = screen.dialog
    assert dialog.objectName() == "checkout.search.dialog"
    # the dialog's window takes the focus when the platform activates it (at once on a desktop,
    # a moment later offscreen under load): Esc goes where the focus is then
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                    and (QApplication.focusWidget() is dialog or dialog.isAncestorOf(QApplication.focusWidget())),
                    timeout=3000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # closes it
    qtbot.waitUntil(lambda: screen.dialog is None, timeout=3000)
    qtbot.wait(600)  # its pending search runs (or dies with it) before the till shuts down
    shell.settle()
