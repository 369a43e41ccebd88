"""The Pick-up queue as a table model: 500 open orders cost no item objects, a refresh that
only moved the countdown repaints one column, and only the visible rows are ever drawn."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from store_client.ui.table_model import RowsTableModel

if TYPE_CHECKING:
    from store_client.services.pickup_views import QueueItem

_Index = QModelIndex | QPersistentModelIndex
DUE_SOON = QBrush(QColor("#fff0c2"))
OVERDUE = QBrush(QColor("#ffd6d6"))
COUNTDOWN = 4  # the column that moves every second
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.BackgroundRole,
                    Qt.ItemDataRole.UserRole})


class PickupQueueModel(RowsTableModel):
    """Rows are the screen's :class:`QueueItem` list; texts come from the screen, which owns
    their translations."""

    def __init__(self, headers: list[str], state_text: Callable[[str], str],
                 time_left_text: Callable[[QueueItem], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers, self._state_text, self._time_left = headers, state_text, time_left_text

    @property
    def items(self) -> list[QueueItem]:
        return self._rows

    def set_items(self, items: list[QueueItem]) -> None:
        self.set_rows(items)

    def tick(self, items: list[QueueItem]) -> None:
        """Same orders in the same states: only the countdown column is redrawn."""
        self._rows = list(items)
        if items:
            self.dataChanged.emit(self.index(0, COUNTDOWN), self.index(len(items) - 1, COUNTDOWN),
                                  [Qt.ItemDataRole.DisplayRole])

    def order_id(self, row: int) -> str | None:
        return self.items[row].order_id if 0 <= row < len(self.items) else None

    def row_of(self, order_id: str) -> int | None:
        return next((row for row, item in enumerate(self.items) if item.order_id == order_id), None)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        # A paint asks each visible cell for a dozen roles: answer the unused ones first.
        if role not in _ROLES or not index.isValid():
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 0:
                return item.order_no
            if column == 1:
                return item.member_name
            if column == 2:
                return self._state_text("aisle_refused" if item.refusal else item.state)
            if column == 3:
                return f"{item.picked_lines}/{item.lines}"
            return self._time_left(item)
        if role == Qt.ItemDataRole.BackgroundRole:
            return OVERDUE if item.overdue else DUE_SOON if item.due_soon else None
        if role == Qt.ItemDataRole.UserRole:
            return item.order_id
        return None


def same_rows(new: list[QueueItem], old: list[QueueItem]) -> bool:
    """The same orders, in the same order, showing the same things but their countdown."""
    def shape(item: QueueItem) -> tuple:
        return (item.order_id, item.state, item.member_name, item.picked_lines, item.lines,
                item.due_soon, item.overdue, item.refusal)

    return len(new) == len(old) and all(shape(a) == shape(b) for a, b in zip(new, old))
