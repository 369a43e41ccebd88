"""The Returns screen's list of originals found for a customer: their orders from every channel.

A member's phone (or a payment reference) can lead to several sales and online orders; they
are listed newest first, one row each, and the cashier picks one with Up / Down and Enter
(or a click). One tab stop, shown only while there is a choice to make.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from store_client import store_time
from store_client.services.cross_return_views import OriginalForReturn


class OriginalsList(QListWidget):
    """Rows of found originals; ``chosen`` carries the one picked by Enter or a click."""

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.originals: tuple[OriginalForReturn, ...] = ()
        self.setUniformItemSizes(True)
        self.setMinimumHeight(120)
        self.itemActivated.connect(lambda item: self.chosen.emit(self.originals[self.row(item)]))

    def show_originals(self, originals: tuple[OriginalForReturn, ...], text: Callable[[OriginalForReturn], str]) -> None:
        self.originals = originals
        self.clear()
        for original in originals:
            self.addItem(QListWidgetItem(text(original)))
        if originals:
            self.setCurrentRow(0)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and 0 <= self.currentRow() < len(self.originals):
            self.chosen.emit(self.originals[self.currentRow()])
            event.accept()
            return
        super().keyPressEvent(event)


def when(original: OriginalForReturn) -> str:
    """The original's time in store time, or nothing when it is not known."""
    return store_time.minutes(original.completed_at) if original.completed_at else ""
