"""Manager approval at the till: manager id + PIN + reason.

The dialog is a view: it checks that the fields are filled, emits
``submitted(manager_id, pin, reason)`` once per attempt, and shows the answer the op
runner gives it (:meth:`granted` accepts the dialog with the grant, :meth:`refused`
says why not and asks again). The runner (:mod:`store_client.ui.operations.runner`)
opens it when a service asks for an approval and retries the action with the grant.

Enter moves from the ID to the PIN to the reason, and on the reason (or on the
Approve button) submits; it submits once: while an attempt is out the fields are
read-only and another Enter does nothing. The fields are not disabled meanwhile,
because a disabled focused field hands the focus (and Enter) to the next button.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
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

if TYPE_CHECKING:
    from store_client.services.approvals import ApprovalGrant

MIN_REASON = 3
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class ApprovalDialog(QDialog):
    """Window-modal; Accepted means :attr:`grant` holds the manager's ApprovalGrant."""

    submitted = Signal(str, str, str)  # manager id, PIN, reason

    def __init__(self, *, requester_name: str, action_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("approval.dialog")
        self.setWindowTitle(self.tr("Manager approval"))
        self.setModal(True)
        self.grant: ApprovalGrant | None = None
        self.busy = False

        title = QLabel(self.tr("Manager approval needed"), self)
        title.setObjectName("approval.title")
        title.setProperty("kind", "title")
        what = QLabel(self.tr("%1 asks to: %2").replace("%1", requester_name or "?")
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
        self.cancel_button = named(QPushButton(self.tr("Cancel"), self), "approval.cancel",
                                   self.tr("Cancel"))
        for button in (self.approve_button, self.cancel_button):
            button.setAutoDefault(False)  # Enter in a field is handled below, nowhere else

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

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter reaches the dialog after a field handled it (``returnPressed``): stop it
        there, so no button takes it as its default click. On a focused button it clicks
        that button."""
        if event.key() in _ENTER:
            event.accept()
            focus = self.focusWidget()
            if isinstance(focus, QPushButton) and focus.isEnabled():
                focus.click()
            return
        super().keyPressEvent(event)

    def attempt(self) -> None:
        """Check the fields and submit them (once: nothing while an attempt is out)."""
        if self.busy or not self.isVisible():
            return
        manager_id, pin = self.manager_id.text().strip(), self.pin.text()
        reason = self.reason.text().strip()
        if not manager_id or not pin:
            self.message.setText(self.tr("Enter the manager's ID and PIN."))
            (self.pin if manager_id else self.manager_id).setFocus()
            return
        if len(reason) < MIN_REASON:
            self.message.setText(self.tr("Give a reason (at least %1 characters).")
                                 .replace("%1", str(MIN_REASON)))
            self.reason.setFocus()
            return
        self._set_busy(True)
        self.message.setText("")
        self.submitted.emit(manager_id, pin, reason)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for field in (self.manager_id, self.pin, self.reason):
            field.setReadOnly(busy)
        self.approve_button.setEnabled(not busy)

    def granted(self, grant: ApprovalGrant) -> None:
        """The manager approved: close with the grant (ignored if already closed)."""
        self._set_busy(False)
        if self.isVisible() and self.grant is None:
            self.grant = grant
            self.accept()

    def refused(self, error: BaseException) -> None:
        """The approval was refused: say why, clear the PIN, ask again."""
        self._set_busy(False)
        self.pin.clear()
        if getattr(error, "reason", None) is not None:
            self.message.setText(refusal_text(error))
        else:
            self.message.setText(str(error) or self.tr("Approval refused."))
        self.pin.setFocus()
