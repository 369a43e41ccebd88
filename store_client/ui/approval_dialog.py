"""Manager approval at the till: manager id + PIN + reason -> ApprovalService.approve.

:func:`run_guarded` is how a screen performs an action behind a permission: it
asks the Authorizer first (off the UI thread); if the matrix says the action
needs approval, this dialog collects it and the action is retried with the grant.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from store_client.domain.pins import MAX_PIN
from store_client.ui.automation import named
from store_client.ui.login_messages import refusal_text
from store_client.ui.tasks import TaskManager

MIN_REASON = 3


class ApprovalDialog(QDialog):
    """Modal; after ``exec()`` returns Accepted, ``grant`` holds the ApprovalGrant."""

    def __init__(self, *, approve: Callable[..., Any], tasks: TaskManager, requester: Any,
                 permission: str, action_text: str, context: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("approval.dialog")
        self.setWindowTitle(self.tr("Manager approval"))
        self.setModal(True)
        self._approve = approve
        self._tasks = tasks
        self._requester = requester
        self._permission = permission
        self._context = dict(context or {})
        self.grant: Any = None

        title = QLabel(self.tr("Manager approval needed"), self)
        title.setObjectName("approval.title")
        title.setProperty("kind", "title")
        what = QLabel(self.tr("%1 asks to: %2").replace("%1", getattr(requester, "name", "?"))
                      .replace("%2", action_text), self)
        what.setObjectName("approval.action")
        what.setWordWrap(True)
        self.manager_id = named(QLineEdit(self), "approval.managerId", self.tr("Manager ID"))
        self.manager_id.setMaxLength(16)
        self.pin = named(QLineEdit(self), "approval.pin", self.tr("Manager PIN"))
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(MAX_PIN)
        self.pin.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d*"), self.pin))
        self.reason = named(QLineEdit(self), "approval.reason", self.tr("Reason"))
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText(self.tr("Why is this needed?"))
        self.message = QLabel("", self)
        self.message.setObjectName("approval.message")
        self.message.setProperty("kind", "error")
        self.message.setWordWrap(True)
        self.approve_button = named(QPushButton(self.tr("Approve"), self), "approval.approve",
                                    self.tr("Approve"))
        self.approve_button.setProperty("primary", True)
        self.approve_button.setDefault(True)
        self.cancel_button = named(QPushButton(self.tr("Cancel"), self), "approval.cancel",
                                   self.tr("Cancel"))

        form = QFormLayout()
        form.addRow(self.tr("Manager ID"), self.manager_id)
        form.addRow(self.tr("Manager PIN"), self.pin)
        form.addRow(self.tr("Reason"), self.reason)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.approve_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(what)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(480)

        self.approve_button.clicked.connect(self.attempt)
        self.cancel_button.clicked.connect(self.reject)
        self.manager_id.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self.reason.setFocus)
        self.reason.returnPressed.connect(self.attempt)
        self.manager_id.setFocus(Qt.FocusReason.OtherFocusReason)

    def attempt(self) -> None:
        if not self.approve_button.isEnabled():
            return
        manager_id, pin = self.manager_id.text().strip(), self.pin.text()
        reason = self.reason.text().strip()
        if not manager_id or not pin:
            self.message.setText(self.tr("Enter the manager's ID and PIN."))
            return
        if len(reason) < MIN_REASON:
            self.message.setText(self.tr("Give a reason (at least %1 characters).")
                                 .replace("%1", str(MIN_REASON)))
            self.reason.setFocus()
            return
        self._set_busy(True)
        self.message.setText("")
        self._tasks.run_db(
            lambda: self._approve(self._requester, manager_id, pin, self._permission, reason,
                                  self._context),
            self._approved, self._refused)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.manager_id, self.pin, self.reason, self.approve_button):
            widget.setEnabled(not busy)

    def _approved(self, grant: Any) -> None:
        self._set_busy(False)
        self.grant = grant
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self._set_busy(False)
        self.pin.clear()
        reason = getattr(error, "reason", None)
        if reason is not None:
            self.message.setText(refusal_text(error))
        else:
            self.message.setText(str(error) or self.tr("Approval refused."))
        self.pin.setFocus()


def run_guarded(ctx: Any, parent: QWidget, permission: str, action_text: str,
                work: Callable[[], Any], on_done: Callable[[Any], Any],
                on_error: Callable[[BaseException], Any]) -> None:
    """Authorize ``permission`` for the operator, asking a manager if needed, then run ``work``."""
    from store_client.services.errors import ApprovalRequired

    authorizer = ctx.services.authorizer

    def attempt(grant: Any) -> None:
        def job() -> Any:
            authorizer.require(ctx.actor, permission, grant=grant)
            return work()

        ctx.tasks.run_db(job, on_done, failed)

    def failed(error: BaseException) -> None:
        if isinstance(error, ApprovalRequired):
            dialog = ApprovalDialog(approve=ctx.services.approvals.approve, tasks=ctx.tasks,
                                    requester=ctx.actor, permission=permission,
                                    action_text=action_text, parent=parent)
            if dialog.exec() == QDialog.DialogCode.Accepted and dialog.grant is not None:
                attempt(dialog.grant)
                return
        on_error(error)

    attempt(None)
