"""An on-screen numeric keypad for touch screens (PINs, operator ids)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLineEdit, QPushButton, QWidget

from store_client.ui.automation import named


class Keypad(QWidget):
    """Types into whichever of its target line edits last had focus.

    The buttons never take focus themselves, so the physical keyboard and a
    barcode scanner keep working in the field while the keypad is used.
    """

    def __init__(self, prefix: str, targets: list[QLineEdit], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._targets = targets
        self._current = targets[0]
        for edit in targets:
            edit.installEventFilter(self)
        grid = QGridLayout(self)
        grid.setSpacing(8)
        grid.setContentsMargins(0, 0, 0, 0)
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
        for i, digit in enumerate(keys):
            grid.addWidget(self._digit(prefix, digit), i // 3, i % 3)
        clear = self._button(f"{prefix}.key.clear", self.tr("Clear"), self.tr("Clear field"))
        clear.clicked.connect(lambda: self._current.clear())
        grid.addWidget(clear, 3, 0)
        grid.addWidget(self._digit(prefix, "0"), 3, 1)
        back = self._button(f"{prefix}.key.backspace", self.tr("Delete"), self.tr("Delete last digit"))
        back.clicked.connect(lambda: self._current.backspace())
        grid.addWidget(back, 3, 2)

    def _button(self, object_name: str, text: str, accessible: str) -> QPushButton:
        button = named(QPushButton(text, self), object_name, accessible)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setProperty("keypad", True)
        return button

    def _digit(self, prefix: str, digit: str) -> QPushButton:
        button = self._button(f"{prefix}.key.{digit}", digit, self.tr("Digit %1").replace("%1", digit))
        button.clicked.connect(lambda: self._current.insert(digit))
        return button

    def eventFilter(self, watched, event) -> bool:
        if event.type() == event.Type.FocusIn and watched in self._targets:
            self._current = watched
        return False
