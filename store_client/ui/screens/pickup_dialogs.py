"""Pick-up's own dialog: the customer gives a line back at the counter (how many, why)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from store_client.domain.pickup import REFUSAL_REASONS
from store_client.ui.automation import named

REASON_TEXT = {
    "damaged": QT_TRANSLATE_NOOP("RefuseDialog", "Damaged"),
    "not_wanted": QT_TRANSLATE_NOOP("RefuseDialog", "No longer wanted"),
    "wrong_item": QT_TRANSLATE_NOOP("RefuseDialog", "Wrong item"),
}


def reason_text(reason: str) -> str:
    return QCoreApplication.translate("RefuseDialog", REASON_TEXT.get(reason, reason))


class RefuseDialog(QDialog):
    """Enter takes it (quantity, reason); Esc keeps the line. Emits ``(qty, reason)``."""

    accepted_value = Signal(object)

    def __init__(self, item: str, most: int, unit: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pickup.refuse.dialog")
        self.setWindowTitle(self.tr("The customer gives a line back"))
        self.setModal(True)
        heading = QLabel(self.tr("%1: the customer does not take it").replace("%1", item), self)
        heading.setObjectName("pickup.refuse.title")
        heading.setProperty("kind", "title")
        heading.setWordWrap(True)
        self.quantity = named(QSpinBox(self), "pickup.refuse.quantity",
                              self.tr("How many the customer gives back"))
        self.quantity.setRange(1, max(1, most))
        self.quantity.setValue(max(1, most))
        self.quantity.setSuffix(f" {unit}" if unit else "")
        self.reason = named(QComboBox(self), "pickup.refuse.reason", self.tr("Why"))
        for code in REFUSAL_REASONS:
            self.reason.addItem(reason_text(code), code)
        self.ok = named(QPushButton(self.tr("Give back"), self), "pickup.refuse.ok",
                        self.tr("Give the line back"))
        self.ok.setDefault(True)
        self.ok.setProperty("primary", True)
        self.cancel = named(QPushButton(self.tr("Cancel"), self), "pickup.refuse.cancel",
                            self.tr("Keep the line"))
        self.ok.clicked.connect(self._take)
        self.cancel.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Quantity"), self.quantity)
        form.addRow(self.tr("Reason"), self.reason)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.ok)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.setMinimumWidth(440)
        self.quantity.setFocus(Qt.FocusReason.OtherFocusReason)

    def _take(self) -> None:
        self.accepted_value.emit((self.quantity.value(), self.reason.currentData()))
        self.accept()
