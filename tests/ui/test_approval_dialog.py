"""Manager approval through the op runner: Enter, click, cancel, a wrong PIN and a cashier's PIN.

A cashier's action that needs a manager opens the dialog; the approval is recorded once
and the action then runs once with the grant (the Enter key used to cancel the dialog
while the approval was being recorded, so the action was refused as "not approved").
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from store_client.demo.operators import DEMO_OPERATORS
from store_client.domain.roles import Decision, Permission, Role, decide
from store_client.persistence.models import Approval
from store_client.services.errors import ApprovalRequired
from store_client.ui.approval_dialog import ApprovalDialog
from store_client.ui.operations.base import guarded
from tests.ui.conftest import demo_operator, wrong_pin_for

#: A permission a cashier may use only with a manager's approval (read from the matrix).
NEEDS_APPROVAL = next(p for p in Permission if decide(Role.CASHIER, p) is Decision.APPROVAL
                      and decide(Role.MANAGER, p) is Decision.ALLOW)


class Guarded:
    """A cashier's action behind NEEDS_APPROVAL, run through the real runner and services."""

    def __init__(self, shell, qtbot) -> None:  # type: ignore[no-untyped-def]
        self.shell, self.qtbot = shell, qtbot
        self.ran: list[str] = []
        self.done: list[object] = []
        self.errors: list[BaseException] = []
        self.dialogs: list[ApprovalDialog | None] = []
        window = shell.window
        work = guarded(window.backend, window.actor, NEEDS_APPROVAL.value,
                       lambda: self.ran.append("work") or "result")
        window.backend.runner.op(work, requester=window.actor, action_text="test action").run(
            window.workspace, success=self.done.append, failure=self.errors.append,
            on_dialog=self.dialogs.append)
        qtbot.waitUntil(lambda: bool(self.dialogs), timeout=10_000)
        self.dialog = self.dialogs[0]
        assert isinstance(self.dialog, ApprovalDialog) and self.dialog.isVisible()

    def type(self, manager_id: str, pin: str, reason: str) -> None:
        """By keyboard: the ID, Enter, the PIN, Enter, the reason (the focus follows Enter)."""
        dialog, qtbot = self.dialog, self.qtbot
        for field, text in ((dialog.manager_id, manager_id), (dialog.pin, pin),
                            (dialog.reason, reason)):
            field.clear()
            qtbot.keyClicks(field, text)
            if field is not dialog.reason:
                qtbot.keyClick(field, Qt.Key.Key_Return)
                assert dialog.isVisible(), "Enter in a field must not close the dialog"

    def finished(self) -> None:
        self.shell.settle()
        self.qtbot.waitUntil(lambda: bool(self.done or self.errors), timeout=10_000)
        self.shell.settle()

    def approvals(self) -> list[tuple[str, object]]:
        with self.shell.terminal.db.read() as session:
            return [tuple(row) for row in session.execute(select(Approval.approved_by, Approval.used_at))]


@pytest.fixture
def cashier_shell(make_shell):  # type: ignore[no-untyped-def]
    shell = make_shell()
    cashier = demo_operator("cashier")
    shell.sign_in(cashier.id, cashier.pin)
    return shell


def test_enter_approves_and_the_action_runs_exactly_once(cashier_shell, qtbot) -> None:
    flow = Guarded(cashier_shell, qtbot)
    manager = demo_operator("manager")
    flow.type(manager.id, manager.pin, "training a new cashier")
    qtbot.keyClick(flow.dialog.reason, Qt.Key.Key_Return)
    qtbot.keyClick(flow.dialog.reason, Qt.Key.Key_Return)  # a second Enter while it is recorded
    flow.finished()
    assert (flow.ran, flow.done, flow.errors) == (["work"], ["result"], [])
    (approved_by, used_at), = flow.approvals()
    assert approved_by == manager.id and used_at is not None  # recorded once, consumed
    actions = cashier_shell.audit_actions()
    assert actions.count("approval.granted") == 1 and actions.count("approval.used") == 1


def test_clicking_approve_works_the_same(cashier_shell, qtbot) -> None:
    flow = Guarded(cashier_shell, qtbot)
    manager = demo_operator("manager")
    flow.type(manager.id, manager.pin, "price tag wrong")
    qtbot.mouseClick(flow.dialog.approve_button, Qt.MouseButton.LeftButton)
    flow.finished()
    assert (flow.ran, flow.done, flow.errors) == (["work"], ["result"], [])
    assert len(flow.approvals()) == 1


def test_cancel_refuses_the_action_and_records_nothing(cashier_shell, qtbot) -> None:
    flow = Guarded(cashier_shell, qtbot)
    manager = demo_operator("manager")
    flow.type(manager.id, manager.pin, "")
    qtbot.keyClick(flow.dialog.cancel_button, Qt.Key.Key_Escape)
    flow.finished()
    assert flow.ran == [] and flow.done == []
    assert len(flow.errors) == 1 and isinstance(flow.errors[0], ApprovalRequired)
    assert flow.approvals() == [] and flow.dialogs[-1] is None


def test_a_wrong_pin_asks_again_then_the_right_one_approves(cashier_shell, qtbot) -> None:
    flow = Guarded(cashier_shell, qtbot)
    manager = demo_operator("manager")
    flow.type(manager.id, wrong_pin_for(manager.pin), "price tag wrong")
    qtbot.keyClick(flow.dialog.reason, Qt.Key.Key_Return)
    cashier_shell.settle()
    assert flow.dialog.isVisible() and "attempt(s) left" in flow.dialog.message.text()
    assert flow.dialog.pin.text() == "" and flow.ran == [] and flow.approvals() == []
    flow.type(manager.id, manager.pin, "price tag wrong")
    qtbot.keyClick(flow.dialog.reason, Qt.Key.Key_Return)
    flow.finished()
    assert (flow.ran, flow.done) == (["work"], ["result"]) and len(flow.approvals()) == 1


def test_a_cashiers_pin_does_not_approve(cashier_shell, qtbot) -> None:
    flow = Guarded(cashier_shell, qtbot)
    other = [op for op in DEMO_OPERATORS if op.role == "cashier"][1]
    flow.type(other.id, other.pin, "price tag wrong")
    qtbot.keyClick(flow.dialog.reason, Qt.Key.Key_Return)
    cashier_shell.settle()
    assert flow.dialog.isVisible() and flow.dialog.grant is None
    assert "cannot approve" in flow.dialog.message.text()
    assert flow.approvals() == [] and flow.ran == []
    qtbot.mouseClick(flow.dialog.cancel_button, Qt.MouseButton.LeftButton)
    flow.finished()
    assert flow.ran == [] and isinstance(flow.errors[0], ApprovalRequired)


def test_missing_fields_are_asked_for_before_anything_is_sent(cashier_shell, qtbot) -> None:
    flow = Guarded(cashier_shell, qtbot)
    manager = demo_operator("manager")
    flow.type(manager.id, manager.pin, "")
    qtbot.keyClick(flow.dialog.reason, Qt.Key.Key_Return)
    assert "reason" in flow.dialog.message.text() and cashier_shell.tasks.pending == 0
    assert flow.dialog.focusWidget() is flow.dialog.reason
    flow.dialog.reject()
    flow.finished()
