"""The manager-approval dialog on its own, and the approve-then-retry flow of run_guarded."""

from __future__ import annotations

from tests.ui.conftest import demo_operator, wrong_pin_for
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog
from sqlalchemy import select

from store_client.demo.operators import DEMO_OPERATORS
from store_client.domain.roles import Decision, Permission, Role, decide
from store_client.persistence.models import Approval
from store_client.ui.approval_dialog import ApprovalDialog, run_guarded
from store_client.ui.screen_registry import ScreenContext

#: A permission a cashier may use only with a manager's approval (read from the matrix).
NEEDS_APPROVAL = next(p for p in Permission if decide(Role.CASHIER, p) is Decision.APPROVAL
                      and decide(Role.MANAGER, p) is Decision.ALLOW)


def signed_in_cashier(make_shell):  # type: ignore[no-untyped-def]
    shell = make_shell()
    cashier = demo_operator("cashier")
    shell.sign_in(cashier.id, cashier.pin)
    return shell


def dialog_for(shell, qtbot) -> ApprovalDialog:  # type: ignore[no-untyped-def]
    dialog = ApprovalDialog(approve=shell.window.services.approvals.approve, tasks=shell.tasks,
                            requester=shell.window.actor, permission=NEEDS_APPROVAL.value,
                            action_text="test", context={"line": 1})
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill(qtbot, dialog: ApprovalDialog, manager_id: str, pin: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    for edit, text in ((dialog.manager_id, manager_id), (dialog.pin, pin), (dialog.reason, reason)):
        edit.clear()
        qtbot.keyClicks(edit, text)


def test_manager_pin_and_reason_give_a_recorded_grant(make_shell, qtbot) -> None:
    shell = signed_in_cashier(make_shell)
    manager = demo_operator("manager")
    dialog = dialog_for(shell, qtbot)
    fill(qtbot, dialog, manager.id, manager.pin, "customer complaint")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    shell.settle()
    assert dialog.result() == QDialog.DialogCode.Accepted
    grant = dialog.grant
    assert (grant.approved_by, grant.requested_by, grant.permission) == (
        manager.id, shell.window.actor.operator_id, NEEDS_APPROVAL.value)
    with shell.terminal.db.read() as session:
        rows = session.execute(select(Approval.id, Approval.approved_by, Approval.reason)).all()
    assert [tuple(r) for r in rows] == [(grant.approval_id, manager.id, "customer complaint")]
    assert shell.audit_actions()[-1] == "approval.granted"


def test_wrong_pin_missing_reason_and_cashier_approver_are_refused(make_shell, qtbot) -> None:
    shell = signed_in_cashier(make_shell)
    manager = demo_operator("manager")
    other_cashier = [op for op in DEMO_OPERATORS if op.role == "cashier"][1]
    dialog = dialog_for(shell, qtbot)
    fill(qtbot, dialog, manager.id, manager.pin, "")
    qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
    assert "reason" in dialog.message.text() and shell.tasks.pending == 0
    fill(qtbot, dialog, manager.id, wrong_pin_for(manager.pin), "price tag wrong")
    qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
    shell.settle()
    assert "attempt(s) left" in dialog.message.text() and dialog.isVisible()
    assert dialog.pin.text() == ""
    fill(qtbot, dialog, other_cashier.id, other_cashier.pin, "price tag wrong")
    qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
    shell.settle()
    assert dialog.isVisible() and dialog.grant is None
    assert "cannot approve" in dialog.message.text()
    with shell.terminal.db.read() as session:
        assert session.scalars(select(Approval.id)).all() == []
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_run_guarded_asks_for_approval_then_runs_the_work_once(make_shell, qtbot) -> None:
    shell = signed_in_cashier(make_shell)
    manager = demo_operator("manager")
    ctx = ScreenContext(terminal=shell.terminal, services=shell.window.services, tasks=shell.tasks,
                        actor=shell.window.actor, locale="en")
    ran: list[str] = []
    done: list[object] = []
    errors: list[BaseException] = []

    def approve_when_asked() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ApprovalDialog):
            QTimer.singleShot(20, approve_when_asked)
            return
        fill(qtbot, dialog, manager.id, manager.pin, "training a new cashier")
        dialog.attempt()

    QTimer.singleShot(20, approve_when_asked)
    run_guarded(ctx, shell.window, NEEDS_APPROVAL.value, "test action",
                lambda: ran.append("work") or "result", done.append, errors.append)
    qtbot.waitUntil(lambda: bool(done or errors), timeout=10_000)
    shell.settle()
    assert (ran, done, errors) == (["work"], ["result"], [])
    with shell.terminal.db.read() as session:
        assert session.scalars(select(Approval.used_at)).one() is not None  # consumed
    assert "approval.used" in shell.audit_actions()
