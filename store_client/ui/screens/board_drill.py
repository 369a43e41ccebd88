"""What opens under a figure of the board: a list in a dialog (Esc or Enter closes it).

The rows arrive from the board's operations (read off the UI thread); this module only
words and lays them out. Times in store time, amounts by the till's money format, codes
(tender kinds, return reasons, order states) in the till's words.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from store_client.ui.automation import named
from store_client.ui.table_model import Index, RowsTableModel


TENDERS = {"cash": QT_TRANSLATE_NOOP("BoardWords", "Cash"), "card": QT_TRANSLATE_NOOP("BoardWords", "Card"),
           "mobile": QT_TRANSLATE_NOOP("BoardWords", "Mobile"), "points": QT_TRANSLATE_NOOP("BoardWords", "Points"),
           "online": QT_TRANSLATE_NOOP("BoardWords", "Online payment"),
           "exchange": QT_TRANSLATE_NOOP("BoardWords", "Exchange credit"),
           "store_credit": QT_TRANSLATE_NOOP("BoardWords", "Store credit note")}
OTHER_TENDER = QT_TRANSLATE_NOOP("BoardWords", "Other payment")
REASONS = {"damaged": QT_TRANSLATE_NOOP("BoardWords", "Damaged or faulty"),
           "wrong_item": QT_TRANSLATE_NOOP("BoardWords", "Wrong item"),
           "changed_mind": QT_TRANSLATE_NOOP("BoardWords", "Changed mind")}
OTHER = QT_TRANSLATE_NOOP("BoardWords", "Other")
STATES = {"accepted": QT_TRANSLATE_NOOP("BoardWords", "to pick"), "picking": QT_TRANSLATE_NOOP("BoardWords", "picking"),
          "ready": QT_TRANSLATE_NOOP("BoardWords", "ready for pick-up"),
          "completed": QT_TRANSLATE_NOOP("BoardWords", "refunded"),
          "cancelled": QT_TRANSLATE_NOOP("BoardWords", "cancelled")}
SOURCES = {"till": QT_TRANSLATE_NOOP("BoardWords", "This till"), "hq": QT_TRANSLATE_NOOP("BoardWords", "HQ")}


def word(text: str) -> str:
    return QCoreApplication.translate("BoardWords", text)


def tender_label(kind: str) -> str:
    return word(TENDERS.get(kind, OTHER_TENDER))


def reason_label(code: str) -> str:
    return word(REASONS.get(code, OTHER))


def state_label(state: str) -> str:
    return word(STATES.get(state, OTHER))


def source_label(source: str) -> str:
    return word(SOURCES.get(source, OTHER))


class ListModel(RowsTableModel):
    """Rows of already worded cells; numbers right-aligned."""

    def __init__(self, headers: list[str], right: set[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._headers, self._right = headers, right

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self._right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class BoardListDialog(QDialog):
    """The list under one figure. Opened with ``open()`` (never ``exec()``); the table takes
    the focus, so arrows move in it and Esc or Enter closes."""

    def __init__(self, title: str, headers: list[str], right: set[int], parent: QWidget) -> None:
        super().__init__(parent)
        named(self, "board.list", title)
        self.setWindowTitle(title)
        self.heading = QLabel(title, self)
        self.heading.setObjectName("board.list.title")
        self.heading.setProperty("kind", "heading")
        self.status = named(QLabel(self.tr("Loading…"), self), "board.list.status", self.tr("List status"))
        self.status.setWordWrap(True)
        self.model = ListModel(headers, right, self)
        self.table = named(QTableView(self), "board.list.table", title)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.close_button = named(QPushButton(self.tr("Close (Esc)"), self), "board.list.close",
                                  self.tr("Close the list"))
        self.close_button.clicked.connect(self.reject)
        self.close_button.setDefault(True)  # Enter closes, as Esc does
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignRight)
        self.resize(min(900, parent.width()), min(560, parent.height()))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def show_rows(self, rows: list[list[str]], more: bool = False) -> None:
        self.model.set_rows(rows)
        count = str(len(rows))
        self.status.setText(self.tr("Nothing to list.") if not rows else
                            self.tr("%1 rows (the first ones; the CSV export has them all)").replace("%1", count)
                            if more else self.tr("%1 rows").replace("%1", count))
        if rows:
            self.table.selectRow(0)
        self.table.setFocus()

    def failed(self, text: str) -> None:
        self.status.setText(text)
        self.close_button.setFocus()
