"""The sign-in screen: operator id + PIN, keypad for touch, demo PINs in demo mode."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from store_client.domain.pins import MAX_PIN
from store_client.ui.automation import named
from store_client.ui.i18n import role_label
from store_client.ui.keypad import Keypad
from store_client.ui.service_messages import service_error_text

if TYPE_CHECKING:
    from store_client.demo.operators import DemoOperator
    from store_client.services.auth import Actor
    from store_client.ui.operations import SessionOps


def demo_rows(operators: Sequence[DemoOperator | tuple[str, str, str, str]]) -> list[tuple[str, str, str, str]]:
    """(id, name, role, pin) from DEMO_OPERATORS entries (objects or tuples)."""
    rows = []
    for op in operators:
        if hasattr(op, "pin"):
            rows.append((str(op.id), str(op.name), str(getattr(op.role, "value", op.role)), str(op.pin)))
        else:
            op_id, name, role, pin = op
            rows.append((str(op_id), str(name), str(getattr(role, "value", role)), str(pin)))
    return rows


class LoginScreen(QWidget):
    """Emits ``logged_in(actor)`` after AuthService.login succeeds (run off the UI thread)."""

    logged_in = Signal(object)

    def __init__(self, *, session: SessionOps, store_line: str, demo_operators: Sequence[DemoOperator | tuple[str, str, str, str]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("login.screen")
        self._session = session
        self._busy = False

        title = QLabel(self.tr("Sign in"), self)
        title.setObjectName("login.title")
        title.setProperty("kind", "title")
        store = QLabel(store_line, self)
        store.setObjectName("login.store")
        store.setProperty("kind", "subtle")
        store.setWordWrap(True)

        self.operator_id = named(QLineEdit(self), "login.operatorId", self.tr("Operator ID"))
        self.operator_id.setPlaceholderText(self.tr("Operator ID"))
        self.operator_id.setMaxLength(16)
        self.pin = named(QLineEdit(self), "login.pin", self.tr("PIN"))
        self.pin.setPlaceholderText(self.tr("PIN"))
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(MAX_PIN)
        self.pin.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d*"), self.pin))
        self.pin.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhHiddenText)
        self.submit = named(QPushButton(self.tr("Sign in"), self), "login.submit", self.tr("Sign in"))
        self.submit.setProperty("primary", True)
        self.submit.setDefault(True)
        self.message = QLabel("", self)
        self.message.setObjectName("login.message")
        self.message.setProperty("kind", "error")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Sign-in message"))
        self.setup_notice = QLabel("", self)
        self.setup_notice.setObjectName("login.setupNotice")
        self.setup_notice.setProperty("kind", "error")
        self.setup_notice.setWordWrap(True)
        self.setup_notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setup_notice.setAccessibleName(self.tr("Setup notice"))
        self.setup_notice.hide()

        self.operator_id.returnPressed.connect(self._id_entered)
        self.pin.returnPressed.connect(self.attempt)
        self.submit.clicked.connect(self.attempt)

        card = QFrame(self)
        card.setProperty("kind", "card")
        form = QVBoxLayout(card)
        form.setContentsMargins(32, 28, 32, 28)
        form.setSpacing(12)
        form.addWidget(title)
        form.addWidget(store)
        fields = QGridLayout()
        fields.setHorizontalSpacing(12)
        id_label = QLabel(self.tr("Operator ID"), card)
        id_label.setBuddy(self.operator_id)
        pin_label = QLabel(self.tr("PIN"), card)
        pin_label.setBuddy(self.pin)
        fields.addWidget(id_label, 0, 0)
        fields.addWidget(self.operator_id, 0, 1)
        fields.addWidget(pin_label, 1, 0)
        fields.addWidget(self.pin, 1, 1)
        form.addLayout(fields)
        form.addWidget(Keypad("login", [self.operator_id, self.pin], card))
        form.addWidget(self.submit)
        form.addWidget(self.message)
        form.addWidget(self.setup_notice)
        card.setFixedWidth(420)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 0, Qt.AlignmentFlag.AlignVCenter)
        self.demo_table: QTableWidget | None = None
        if demo_operators:
            row.addSpacing(24)
            row.addWidget(self._demo_panel(demo_rows(demo_operators)), 0, Qt.AlignmentFlag.AlignVCenter)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self.setFocusProxy(self.operator_id)

    def _demo_panel(self, rows: list[tuple[str, str, str, str]]) -> QWidget:
        panel = QFrame(self)
        panel.setProperty("kind", "card")
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(20, 20, 20, 20)
        heading = QLabel(self.tr("Demo operators"), panel)
        heading.setObjectName("login.demoTitle")
        heading.setProperty("kind", "heading")
        hint = QLabel(self.tr("Demo mode: tap a row to fill in the operator ID."), panel)
        hint.setProperty("kind", "subtle")
        hint.setWordWrap(True)
        table = named(QTableWidget(len(rows), 4, panel), "login.demoOperators",
                      self.tr("Demo operators"))
        table.setHorizontalHeaderLabels([self.tr("ID"), self.tr("Name"), self.tr("Role"), self.tr("PIN")])
        for r, (op_id, name, role, pin) in enumerate(rows):
            for c, text in enumerate((op_id, name, role_label(role), pin)):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                table.setItem(r, c, item)
        table.verticalHeader().hide()
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        table.verticalHeader().setDefaultSectionSize(40)
        table.setMinimumWidth(400)
        table.setMinimumHeight(min(len(rows), 8) * 40 + 48)
        table.cellClicked.connect(lambda r, _c: self._use_demo(rows[r][0]))
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addWidget(table)
        self.demo_table = table
        return panel

    def _use_demo(self, operator_id: str) -> None:
        self.operator_id.setText(operator_id)
        self.pin.clear()
        self.pin.setFocus()

    def _id_entered(self) -> None:
        if self.pin.text():
            self.attempt()
        else:
            self.pin.setFocus()

    def reset(self, message: str = "") -> None:
        """Back to an empty form (after logout or an operator switch)."""
        self.operator_id.clear()
        self.pin.clear()
        self._show(message)
        self._set_busy(False)
        self.operator_id.setFocus()

    def show_setup_notice(self, missing: list[str]) -> None:
        """What an unprovisioned till lacks and the command that fixes it (hidden if nothing)."""
        from store_client.ui.setup_notice import setup_notice_text

        text = setup_notice_text(missing)
        self.setup_notice.setText(text)
        self.setup_notice.setVisible(bool(text))

    def _show(self, text: str, kind: str = "error") -> None:
        self.message.setText(text)
        self.message.setProperty("kind", kind)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.operator_id, self.pin, self.submit):
            widget.setEnabled(not busy)

    def attempt(self) -> None:
        if self._busy:
            return
        operator_id, pin = self.operator_id.text().strip(), self.pin.text()
        if not operator_id:
            self._show(self.tr("Enter your operator ID."))
            self.operator_id.setFocus()
            return
        if not pin:
            self._show(self.tr("Enter your PIN."))
            self.pin.setFocus()
            return
        self._set_busy(True)
        self._show(self.tr("Checking…"), "subtle")
        self._session.login(operator_id=operator_id, pin=pin).run(
            self, success=self._succeeded, failure=self._refused)

    def _succeeded(self, actor: Actor) -> None:
        self._set_busy(False)
        self.pin.clear()
        self._show("")
        self.logged_in.emit(actor)

    def _refused(self, error: BaseException) -> None:
        self._set_busy(False)
        self.pin.clear()
        self._show(service_error_text(error))
        self.pin.setFocus()
