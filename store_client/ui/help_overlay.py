"""F1: the keys of the screen in front of you, then the screen and global keys."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from store_client.ui.automation import named
from store_client.ui.keymap import KeyAction, key_text
from store_client.ui.overlay import Overlay


class HelpOverlay(Overlay):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, "help.overlay", card_width=880)
        title = QLabel(self.tr("Keyboard shortcuts"), self.card)
        title.setObjectName("help.title")
        title.setProperty("kind", "title")
        # the rows scroll when the window is short (a 1024×768 window): never squeezed
        self._scroll = QScrollArea(self.card)
        self._scroll.setObjectName("help.scroll")
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for bar, suffix in ((self._scroll.verticalScrollBar(), "V"),
                            (self._scroll.horizontalScrollBar(), "H")):
            named(bar, f"help.scroll{suffix}", self.tr("Scroll the keys"))
        self._columns_host = QWidget(self._scroll)
        self._scroll.setWidget(self._columns_host)
        self._columns = QHBoxLayout(self._columns_host)
        self._columns.setContentsMargins(0, 0, 0, 0)
        self._columns.setSpacing(32)
        self.close_button = named(QPushButton(self.tr("Close (Esc)"), self.card), "help.close",
                                  self.tr("Close help"))
        self.close_button.setProperty("primary", True)
        self.close_button.clicked.connect(self.hide)
        self.card_layout.addWidget(title)
        self.card_layout.addWidget(self._scroll, 1)
        self.card_layout.addWidget(self.close_button)

    def set_sections(self, sections: Sequence[tuple[str, Sequence[KeyAction]]]) -> None:
        """The first section (the screen's own keys) on the left, the others on the right."""
        while self._columns.count():
            item = self._columns.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        sections = [(title, actions) for title, actions in sections if actions]
        for group in (sections[:1], sections[1:]):
            if group:
                self._columns.addWidget(self._column(group), 1)

    def _column(self, sections: Sequence[tuple[str, Sequence[KeyAction]]]) -> QWidget:
        host = QWidget(self._columns_host)
        column = QVBoxLayout(host)
        column.setContentsMargins(0, 0, 0, 0)
        for title, actions in sections:
            heading = QLabel(title, host)
            heading.setProperty("kind", "heading")
            column.addWidget(heading)
            grid = QGridLayout()
            grid.setHorizontalSpacing(16)
            grid.setVerticalSpacing(2)
            for row, action in enumerate(actions):
                keys = QLabel(" / ".join(key_text(k) for k in action.keys), host)
                keys.setProperty("kind", "keyCap")
                keys.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                text = QLabel(action.label, host)
                grid.addWidget(keys, row, 0)
                grid.addWidget(text, row, 1)
            grid.setColumnStretch(1, 1)
            column.addLayout(grid)
            column.addSpacing(8)
        column.addStretch(1)
        return host

    def texts(self) -> list[str]:
        """Every text shown (tests read what F1 says)."""
        return [label.text() for label in self._columns_host.findChildren(QLabel)]

    def open(self) -> None:
        self.show_over()
        height = self._columns_host.sizeHint().height()  # all of it when the window has room
        self._scroll.setMinimumHeight(min(height, max(120, self.height() - 260)))
        for layout in (self._columns, self.card_layout, self.layout()):
            if layout is not None:
                layout.invalidate()  # the new rows count now, not after the next event-loop turn
                layout.activate()
        self.close_button.setFocus()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F1):
            self.hide()
        event.accept()
