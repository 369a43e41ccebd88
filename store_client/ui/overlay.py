"""A translucent layer over a window with a centred card (idle lock, help)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget


class Overlay(QFrame):
    """Covers its parent entirely and follows its size; put content in ``card_layout``."""

    def __init__(self, parent: QWidget, object_name: str, card_width: int = 520,
                 opaque: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setProperty("kind", "lockOverlay" if opaque else "overlay")
        self.setAutoFillBackground(True)
        self.card = QFrame(self)
        self.card.setProperty("kind", "card")
        self.card.setFixedWidth(card_width)
        self.card_layout = QVBoxLayout(self.card)
        self.card_layout.setContentsMargins(32, 28, 32, 28)
        self.card_layout.setSpacing(12)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.card)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        parent.installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return False

    def show_over(self) -> None:
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()
