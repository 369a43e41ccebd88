"""The Returns screen's own widgets: the quantity box and the items table (one tab stop)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QIntValidator, QKeyEvent
from PySide6.QtWidgets import QLineEdit, QTableWidget, QWidget


class QuantityEdit(QLineEdit):
    """A whole number from 0 to ``maximum``, typed or stepped by the − / + buttons.

    (A styled QSpinBox squeezes its own editor to nothing under the theme.) A scanner
    burst typed here is a scan (``routesScans``), never digits in the quantity.
    """

    valueChanged = Signal(int)

    def __init__(self, maximum: int, parent: QWidget | None = None) -> None:
        super().__init__("0", parent)
        self._maximum = maximum
        self.setValidator(QIntValidator(0, maximum, self))
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # the table is the tab stop, not each cell
        self.setProperty("routesScans", True)
        self.setStyleSheet("QLineEdit { min-height: 36px; padding: 0 2px; }")
        self.setMinimumWidth(48)
        self.textChanged.connect(lambda _t: self.valueChanged.emit(self.value()))

    def maximum(self) -> int:
        return self._maximum

    def value(self) -> int:
        text = self.text().strip()
        return int(text) if text.isdigit() else 0

    def setValue(self, value: int) -> None:
        self.setText(str(max(0, min(self._maximum, value))))


class ReturnLinesTable(QTableWidget):
    """The receipt's lines as one tab stop: the keys set the current line's quantity.

    Up / Down (and Home / End) move between lines as in any table; + and − add or take
    one; digits type the quantity; Space returns the whole line, or none of it again;
    Delete sets it back to 0. The screen supplies ``step`` and ``put`` per row.
    """

    def __init__(self, rows: int, columns: int, parent: QWidget | None = None) -> None:
        super().__init__(rows, columns, parent)
        self.step: Callable[[int, int], None] | None = None  # step(row, delta)
        self.put: Callable[[int, int | None], None] | None = None  # None: all, or none again
        self._typed = ""
        self.currentCellChanged.connect(lambda *_a: setattr(self, "_typed", ""))

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if self.rowCount() and self.currentRow() < 0:
            self.setCurrentCell(0, 0)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        row, key, text = self.currentRow(), event.key(), event.text()
        if row < 0 or self.step is None or self.put is None:
            super().keyPressEvent(event)
            return
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal) or text == "+":
            self._typed = ""
            self.step(row, 1)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore) or text in ("-", "−"):
            self._typed = ""
            self.step(row, -1)
        elif key == Qt.Key.Key_Space:
            self._typed = ""
            self.put(row, None)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self._typed = ""
            self.put(row, 0)
        elif len(text) == 1 and text.isdigit():
            self._typed = (self._typed + text)[-6:]
            self.put(row, int(self._typed))
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            event.accept()  # a row, not a cell, is what the cashier walks
        else:
            super().keyPressEvent(event)
