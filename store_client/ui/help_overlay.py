"""F1: the keyboard shortcuts of the main window, over the current screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QWidget

from store_client.ui.automation import named
from store_client.ui.overlay import Overlay


class HelpOverlay(Overlay):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, "help.overlay", card_width=520)
        title = QLabel(self.tr("Keyboard shortcuts"), self.card)
        title.setObjectName("help.title")
        title.setProperty("kind", "title")
        self._grid_host = QWidget(self.card)
        self._grid = QGridLayout(self._grid_host)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(24)
        self._grid.setVerticalSpacing(8)
        self.close_button = named(QPushButton(self.tr("Close (Esc)"), self.card), "help.close",
                                  self.tr("Close help"))
        self.close_button.setProperty("primary", True)
        self.close_button.clicked.connect(self.hide)
        self.card_layout.addWidget(title)
        self.card_layout.addWidget(self._grid_host)
        self.card_layout.addWidget(self.close_button)

    def set_shortcuts(self, rows: list[tuple[str, str]]) -> None:
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for r, (keys, action) in enumerate(rows):
            key_label = QLabel(keys, self._grid_host)
            key_label.setProperty("kind", "heading")
            key_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self._grid.addWidget(key_label, r, 0)
            self._grid.addWidget(QLabel(action, self._grid_host), r, 1)
        self._grid.setColumnStretch(1, 1)

    def open(self) -> None:
        self.show_over()
        self.close_button.setFocus()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F1):
            self.hide()
        event.accept()
