"""Small checkout dialogs: one-field prompts, price override / discount, parked carts.

All are opened with ``open()`` (window-modal, non-blocking) and report through
``accepted_value``; the screen keeps scanner bursts away from the cart while one
is open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from store_client.ui.automation import named

if TYPE_CHECKING:
    from store_client.services.checkout_views import ParkedCart


def _buttons(dialog: QDialog, prefix: str, ok_text: str,
             cancel_text: str) -> tuple[QPushButton, QPushButton, QHBoxLayout]:
    ok = named(QPushButton(ok_text, dialog), f"{prefix}.ok", ok_text)
    ok.setProperty("primary", True)
    ok.setDefault(True)
    cancel = named(QPushButton(cancel_text, dialog), f"{prefix}.cancel", cancel_text)
    cancel.clicked.connect(dialog.reject)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(cancel)
    row.addWidget(ok)
    return ok, cancel, row


def reason_of(message: str) -> Callable[[str], str]:
    """A PromptDialog parser for a reason: at least 3 characters, else ``message``."""
    def parse(text: str) -> str:
        if len(text.strip()) < 3:
            raise ValueError(message)
        return text.strip()

    return parse


class PromptDialog(QDialog):
    """One text field; ``parse(text)`` validates it (raise ValueError with a reason)."""

    accepted_value = Signal(object)

    def __init__(self, prefix: str, title: str, label: str, *, parse: Callable[[str], object] = str,
                 initial: str = "", placeholder: str = "", ok_text: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{prefix}.dialog")
        self.setWindowTitle(title)
        self.setModal(True)
        self._parse = parse
        heading = QLabel(title, self)
        heading.setObjectName(f"{prefix}.title")
        heading.setProperty("kind", "title")
        self.input = named(QLineEdit(self), f"{prefix}.input", label)
        self.input.setText(initial)
        self.input.selectAll()
        self.input.setPlaceholderText(placeholder)
        self.input.setMaxLength(64)
        self.message = QLabel("", self)
        self.message.setObjectName(f"{prefix}.message")
        self.message.setProperty("kind", "error")
        self.message.setWordWrap(True)
        self.ok, self.cancel, buttons = _buttons(self, prefix, ok_text or self.tr("OK"), self.tr("Cancel"))
        form = QFormLayout()
        form.addRow(label, self.input)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(440)
        self.ok.clicked.connect(self.attempt)
        self.input.returnPressed.connect(self.attempt)
        self.input.setFocus(Qt.FocusReason.OtherFocusReason)

    def attempt(self) -> None:
        try:
            value = self._parse(self.input.text())
        except ValueError as exc:
            self.message.setText(str(exc) or self.tr("Not a valid entry."))
            self.input.setFocus()
            return
        self.accepted_value.emit(value)
        self.accept()


class OverrideDialog(QDialog):
    """F10: a new unit price, or a line / cart discount as an amount or a percentage, with a reason.

    ``accepted_value`` carries ``(mode, value, reason)``: mode is one of ``MODES``,
    value is fen (price / amount modes) or basis points (percent modes).
    """

    MODES = ("price", "line_amount", "line_percent", "cart_amount", "cart_percent")
    accepted_value = Signal(object)

    def __init__(self, *, has_line: bool, parse_amount: Callable[[str], int],
                 parse_percent: Callable[[str], int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checkout.override.dialog")
        self.setWindowTitle(self.tr("Price override or discount"))
        self.setModal(True)
        self._parse_amount, self._parse_percent = parse_amount, parse_percent
        heading = QLabel(self.tr("Price override or discount"), self)
        heading.setObjectName("checkout.override.title")
        heading.setProperty("kind", "title")
        self.mode = named(QComboBox(self), "checkout.override.mode", self.tr("What to change"))
        labels = {"price": self.tr("New unit price of the selected line"),
                  "line_amount": self.tr("Discount on the selected line (amount)"),
                  "line_percent": self.tr("Discount on the selected line (%)"),
                  "cart_amount": self.tr("Discount on the whole sale (amount)"),
                  "cart_percent": self.tr("Discount on the whole sale (%)")}
        for mode in self.MODES:
            if has_line or mode.startswith("cart"):
                self.mode.addItem(labels[mode], mode)
        self.value = named(QLineEdit(self), "checkout.override.value", self.tr("Amount or percentage"))
        self.value.setMaxLength(12)
        self.reason = named(QComboBox(self), "checkout.override.reason", self.tr("Reason"))
        self.reason.setEditable(True)
        self.reason.lineEdit().setObjectName("checkout.override.reasonText")
        for reason in (self.tr("Damaged packaging"), self.tr("Price match"),
                       self.tr("Shelf label differs"), self.tr("Loyal customer goodwill")):
            self.reason.addItem(reason)
        self.reason.setCurrentIndex(-1)
        self.message = QLabel("", self)
        self.message.setObjectName("checkout.override.message")
        self.message.setProperty("kind", "error")
        self.message.setWordWrap(True)
        self.ok, self.cancel, buttons = _buttons(self, "checkout.override", self.tr("Apply"),
                                                 self.tr("Cancel"))
        form = QFormLayout()
        form.addRow(self.tr("Change"), self.mode)
        form.addRow(self.tr("Value"), self.value)
        form.addRow(self.tr("Reason"), self.reason)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)
        self.ok.clicked.connect(self.attempt)
        self.value.returnPressed.connect(self.attempt)
        self.value.setFocus(Qt.FocusReason.OtherFocusReason)

    def attempt(self) -> None:
        mode = self.mode.currentData()
        reason = self.reason.currentText().strip()
        try:
            parse = self._parse_percent if str(mode).endswith("percent") else self._parse_amount
            value = parse(self.value.text())
        except ValueError as exc:
            self.message.setText(str(exc) or self.tr("Not a valid entry."))
            self.value.setFocus()
            return
        if len(reason) < 3:
            self.message.setText(self.tr("Give a reason (at least 3 characters)."))
            self.reason.setFocus()
            return
        self.accepted_value.emit((mode, value, reason))
        self.accept()


class ChoiceDialog(QDialog):
    """Pick one of a list with Up / Down and Enter (Esc: none); ``accepted_value`` = the
    chosen row's value. Object names start with ``prefix`` (``.dialog``, ``.list``, ...)."""

    accepted_value = Signal(object)

    def __init__(self, prefix: str, title: str, rows: list[tuple[str, object]], *, ok_text: str,
                 empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{prefix}.dialog")
        self.setWindowTitle(title)
        self.setModal(True)
        heading = QLabel(title, self)
        heading.setObjectName(f"{prefix}.title")
        heading.setProperty("kind", "title")
        self.list = named(QListWidget(self), f"{prefix}.list", title)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for label, value in rows:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            self.list.addItem(item)
        if rows:
            self.list.setCurrentRow(0)
        empty = QLabel(empty_text if not rows else "", self)
        empty.setObjectName(f"{prefix}.empty")
        self.ok, self.cancel, buttons = _buttons(self, prefix, ok_text, self.tr("Cancel"))
        self.ok.setEnabled(bool(rows))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addWidget(self.list, 1)
        layout.addWidget(empty)
        layout.addLayout(buttons)
        self.setMinimumSize(520, 380)
        self.ok.clicked.connect(self.attempt)
        self.list.itemActivated.connect(lambda _item: self.attempt())
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def attempt(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.accepted_value.emit(item.data(Qt.ItemDataRole.UserRole))
        self.accept()


class ParkedDialog(ChoiceDialog):
    """F7 on an empty cart: pick a suspended cart to resume (``accepted_value`` = parked id)."""

    def __init__(self, parked: list[ParkedCart], describe: Callable[[ParkedCart], str],
                 parent: QWidget | None = None) -> None:
        super().__init__("checkout.parked", QCoreApplication.translate("ParkedDialog", "Suspended sales"),
                         [(describe(entry), self._id(entry)) for entry in parked],
                         ok_text=QCoreApplication.translate("ParkedDialog", "Resume"),
                         empty_text=QCoreApplication.translate("ParkedDialog", "No suspended sales."), parent=parent)

    @staticmethod
    def _id(entry: ParkedCart) -> str:
        for name in ("parked_id", "cart_id", "id"):
            value = getattr(entry, name, None)
            if value is not None:
                return str(value)
        return str(entry)


class ConfirmDialog(QDialog):
    """A yes / no question before a destructive action: Enter confirms, Esc keeps.

    The question names what goes (the line, the amount), so an accidental key costs
    one Esc, and the confirm button says what it does (never a bare "OK").
    """

    accepted_value = Signal(object)

    def __init__(self, prefix: str, title: str, question: str, *, confirm_text: str,
                 keep_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{prefix}.dialog")
        self.setWindowTitle(title)
        self.setModal(True)
        heading = QLabel(title, self)
        heading.setObjectName(f"{prefix}.title")
        heading.setProperty("kind", "title")
        self.question = QLabel(question, self)
        self.question.setObjectName(f"{prefix}.question")
        self.question.setWordWrap(True)
        self.ok, self.cancel, buttons = _buttons(self, prefix, confirm_text, keep_text)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(16)
        layout.addWidget(heading)
        layout.addWidget(self.question)
        layout.addLayout(buttons)
        self.setMinimumWidth(440)
        self.ok.clicked.connect(self.attempt)
        self.ok.setFocus(Qt.FocusReason.OtherFocusReason)

    def attempt(self) -> None:
        self.accepted_value.emit(True)
        self.accept()
