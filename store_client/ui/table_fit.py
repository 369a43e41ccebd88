"""Table columns that follow the window: fixed widths, shrunk together on a narrow screen.

A table's number columns have widths that suit a wide window; on a 1024 px panel they
would push the item name out of sight. :class:`ColumnFitter` watches the table's size
(not every repaint) and scales those columns down together, never below their
header's own width, so the stretching column (the item name) keeps ``stretch_min``.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QTableView


class ColumnFitter(QObject):
    def __init__(self, table: QTableView, widths: Mapping[int, int], *, stretch_min: int) -> None:
        super().__init__(table)
        self._table, self._widths, self._stretch_min = table, dict(widths), stretch_min
        table.installEventFilter(self)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._table and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.fit()
        return False

    def fit(self) -> None:
        table, header = self._table, self._table.horizontalHeader()
        total = sum(self._widths.values())
        room = table.viewport().width() - self._stretch_min
        factor = min(1.0, room / total) if total and room > 0 else 1.0
        for column, width in self._widths.items():
            floor = header.sectionSizeHint(column)
            wanted = max(floor, int(width * factor))
            if table.columnWidth(column) != wanted:
                table.setColumnWidth(column, wanted)
