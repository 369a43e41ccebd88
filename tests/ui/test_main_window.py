"""Navigation per role, function keys, help overlay, sign-out; permissions enforced by services."""

from __future__ import annotations

import pytest
from tests.ui.conftest import demo_operator
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from store_client.domain.roles import Decision, Role, decide
from store_client.ui.screen_registry import ScreenContext, registered, screens_for
from store_client.ui.screens.audit_screen import AuditScreen


def nav_keys(window) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.objectName().removeprefix("nav.") for b in window.findChildren(QPushButton)
            if b.objectName().startswith("nav.") and b.isCheckable()]


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_sees_exactly_the_screens_it_may_use(make_shell, role: str) -> None:
    shell = make_shell()
    op = demo_operator(role)
    shell.sign_in(op.id, op.pin)
    expected = [s.key for s in registered() if decide(role, s.permission) is not Decision.DENY]
    assert sorted(nav_keys(shell.window)) == sorted(expected)
    assert sorted(shell.window.screens) == sorted(expected)
    if role == "cashier":
        assert "auditLog" not in expected and "diagnostics" not in expected


def test_ctrl_digits_open_screens_in_rail_order_from_any_screen(make_shell, qtbot) -> None:
    shell = make_shell()
    it = demo_operator("it_admin")
    shell.sign_in(it.id, it.pin)
    window = shell.window
    opened: list[str] = []
    window.screen_changed.connect(opened.append)
    for spec, key in screens_for(Role.IT_ADMIN):
        digit = key.removeprefix("Ctrl+")
        focus = QApplication.focusWidget() or window
        qtbot.keyClick(focus, getattr(Qt.Key, f"Key_{digit}"), Qt.KeyboardModifier.ControlModifier)
        assert window.stack.currentWidget() is window.screens[spec.key]
        assert window.nav_buttons[spec.key].isChecked()
        assert window.nav_buttons[spec.key].text().endswith("\n" + key)
    assert opened[-len(screens_for(Role.IT_ADMIN)):] == [s.key for s, _ in screens_for(Role.IT_ADMIN)]
    shell.settle()


def test_ctrl_page_down_and_up_reach_every_screen_also_past_the_tenth(make_shell, qtbot) -> None:
    shell = make_shell()
    manager = demo_operator("manager")
    shell.sign_in(manager.id, manager.pin)
    window = shell.window
    order = [spec.key for spec, _key in screens_for(Role.MANAGER)]
    assert len(order) > 10 and screens_for(Role.MANAGER)[-1][1] is None  # the last has no Ctrl+digit
    seen = []
    for _ in order:
        focus = QApplication.focusWidget() or window
        qtbot.keyClick(focus, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
        seen.append(next(k for k, w in window.screens.items() if w is window.stack.currentWidget()))
    assert seen == order[1:] + order[:1]  # round the rail, the keyless eleventh included
    focus = QApplication.focusWidget() or window
    qtbot.keyClick(focus, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.screens[order[-1]]
    shell.settle()


def test_f1_help_lists_every_visible_screen_key(make_shell, qtbot) -> None:
    shell = make_shell()
    manager = demo_operator("manager")
    shell.sign_in(manager.id, manager.pin)
    window = shell.window
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert window.help.isVisible()
    texts = window.help.texts()
    keyed = [(spec, key) for spec, key in screens_for(Role.MANAGER) if key is not None]
    assert len(keyed) == 10  # a manager sees eleven screens: the eleventh is on the rail, keyless
    for spec, key in keyed:
        assert key in texts and spec.label() in texts
    qtbot.keyClick(window.help, Qt.Key.Key_Escape)
    assert not window.help.isVisible()
    shell.settle()


def test_ctrl_q_signs_out_and_audits(make_shell, qtbot) -> None:
    shell = make_shell()
    cashier = demo_operator("cashier")
    shell.sign_in(cashier.id, cashier.pin)
    qtbot.keyClick(shell.window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    shell.settle()
    assert shell.window.actor is None
    assert shell.window.pages.currentWidget() is shell.window.login
    assert shell.window.screens == {} and nav_keys(shell.window) == []
    assert shell.audit_actions()[-1] == "auth.logout"
    assert "Not signed in" == shell.window.status.operator.text()


def test_cashier_reaching_the_audit_screen_is_refused_by_the_service(make_shell, qtbot) -> None:
    """Hiding the button is not the protection: the service refuses and audits."""
    shell = make_shell()
    cashier = demo_operator("cashier")
    shell.sign_in(cashier.id, cashier.pin)
    window = shell.window
    ctx = ScreenContext(ops=window.ops, actor=window.actor, locale="en",
                        config=shell.terminal.config)
    screen = AuditScreen(ctx)
    qtbot.addWidget(screen)
    screen.refresh()
    shell.settle()
    assert screen.model.rowCount() == 0
    assert "may not" in screen.result.text()
    assert shell.audit_actions()[-1] == "permission.denied"


def test_audit_screen_lists_entries_and_verifies_the_chain(make_shell, qtbot) -> None:
    shell = make_shell()
    manager = demo_operator("manager")
    shell.sign_in(manager.id, manager.pin)
    window = shell.window
    window.open_screen("auditLog")
    shell.settle()
    screen = window.screens["auditLog"]
    assert screen.model.rowCount() == len(shell.audit_actions())
    qtbot.mouseClick(screen.verify_button, Qt.MouseButton.LeftButton)
    shell.settle()
    report = window.services.audit.verify(shell.terminal.db)
    assert report.ok
    assert screen.result.text() == f"Chain intact: {report.entries_checked} entries checked."


def test_diagnostics_show_the_real_terminal_facts(make_shell, qtbot) -> None:
    from store_client.persistence import migrate

    shell = make_shell()
    it = demo_operator("it_admin")
    shell.sign_in(it.id, it.pin)
    shell.window.open_screen("diagnostics")
    shell.settle()
    screen = shell.window.screens["diagnostics"]
    config = shell.terminal.config
    assert screen.values["database"].text() == str(config.database_path)
    assert screen.values["schema"].text() == migrate.head_revision()
    assert screen.values["catalog"].text() == f"{shell.window.services.catalog.count():,}"
    assert int(screen.values["outbox"].text()) >= 1  # the login's audit entry went to the outbox
    qtbot.mouseClick(screen.copy_button, Qt.MouseButton.LeftButton)
    from PySide6.QtWidgets import QApplication

    assert str(config.database_path) in QApplication.clipboard().text()


def test_manager_unlocks_a_locked_out_cashier(make_shell, qtbot) -> None:
    from tests.ui.conftest import wrong_pin_for

    from store_client.services.auth import MAX_FAILED_PINS

    shell = make_shell()
    cashier, manager = demo_operator("cashier"), demo_operator("manager")
    for _ in range(MAX_FAILED_PINS):
        shell.sign_in(cashier.id, wrong_pin_for(cashier.pin))
    assert "locked until" in shell.window.login.message.text()
    shell.sign_in(manager.id, manager.pin)
    shell.window.open_screen("operators")
    shell.settle()
    screen = shell.window.screens["operators"]
    ids = [screen.model.index(r, 0).data() for r in range(screen.model.rowCount())]
    row = ids.index(cashier.id)
    assert screen.model.index(row, 3).data().startswith("Locked until")
    screen.table.selectRow(ids.index(manager.id))
    assert not screen.unlock_button.isEnabled()  # nothing to unlock there
    screen.table.selectRow(row)
    assert screen.unlock_button.isEnabled()
    qtbot.mouseClick(screen.unlock_button, Qt.MouseButton.LeftButton)
    shell.settle()
    assert screen.model.index(row, 3).data() == "Active"
    assert "operator.unlocked" in shell.audit_actions()
    qtbot.keyClick(shell.window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    shell.settle()
    shell.sign_in(cashier.id, cashier.pin)
    assert shell.window.actor is not None and shell.window.actor.operator_id == cashier.id
    assert "operators" not in shell.window.screens  # a cashier cannot unlock anyone


def test_status_bar_clock_ticks_and_sync_slot_takes_text_and_tone(make_shell, clock) -> None:
    from store_client import store_time
    from store_client.ui.theme import TONES

    shell = make_shell()
    bar = shell.window.status
    bar.tick()
    before = bar.clock.text()
    assert before == store_time.date_time(clock.now())  # the store's zone, not the PC's
    clock.advance(seconds=61)
    bar.tick()
    assert bar.clock.text() != before
    assert bar.clock.text() == store_time.date_time(clock.now())
    assert "Offline" in bar.sync.text()  # until the sync service plugs in
    bar.set_sync_state("Synced 2 min ago", "ok")
    assert "Synced 2 min ago" in bar.sync.text() and TONES["ok"] in bar.sync.styleSheet()
    bar.set_sync_state("?", "no-such-tone")
    assert TONES["neutral"] in bar.sync.styleSheet()


def test_pickup_orders_due_show_in_the_status_bar_whatever_screen_is_in_front(make_shell, qtbot) -> None:
    from datetime import UTC, datetime, timedelta

    from store_client.services.pickup_views import QueueItem

    shell = make_shell()
    manager = demo_operator("manager")
    shell.sign_in(manager.id, manager.pin)
    window = shell.window
    assert window.stack.currentWidget() is window.screens["checkout"]
    pickup = window.screens["pickup"]
    soon, later = datetime.now(UTC) + timedelta(minutes=10), datetime.now(UTC) + timedelta(hours=1)

    def item(n: int, state: str, due_soon: bool) -> QueueItem:
        return QueueItem(order_id=f"o{n}", order_no=f"W{n:06d}", state=state, member_name="李娜",
                         promised_at=soon if due_soon else later, lines=1, picked_lines=0,
                         due_soon=due_soon, overdue=False)

    pickup._show_queue([item(1, "accepted", True), item(2, "picking", True), item(3, "ready", True),
                        item(4, "accepted", False)])
    assert window.status.alert.isVisible()
    assert window.status.alert.text() == "▲ Pick-up: 2 due or late"  # ready ones are not due
    pickup._show_queue([item(3, "ready", True), item(4, "accepted", False)])
    assert not window.status.alert.isVisible()
    pickup._show_queue([item(1, "accepted", True)])
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)  # sign out
    assert not window.status.alert.isVisible()
    shell.settle()


def test_screens_are_built_when_first_opened_and_the_watchers_at_sign_in(make_shell, qtbot) -> None:
    shell = make_shell()
    cashier = demo_operator("cashier")
    shell.sign_in(cashier.id, cashier.pin)
    window = shell.window
    keys = list(window.screens)
    assert keys[0] == "checkout" and "returns" in keys and "pickup" in keys
    # the landing screen, and Pick-up: it watches for due orders on any screen
    assert set(window.screens.built) == {"checkout", "pickup"}
    assert window.stack.count() == 2
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_PageDown,
                   Qt.KeyboardModifier.ControlModifier)
    second = keys[1]
    assert second in window.screens.built
    built = window.screens.built[second]
    assert window.stack.currentWidget() is built
    window.open_screen("checkout")
    window.open_screen(second)
    assert window.screens.built[second] is built  # built once
    assert window.stack.count() == 3
    shell.settle()
    window.sign_out()
    assert window.screens.built == {} and len(window.screens) == 0
    QApplication.processEvents()
    assert window.stack.count() == 0
