"""Table columns that follow the window: fixed widths, shrunk together on a narrow screen.

A table's number columns have widths that suit a wide window; on a 1024 px panel they
would push the item name out of sight. :class:`ColumnFitter` watches the table's size
(not every repaint) and scales those columns down together, never below their
header's own width or their floor (what their figures need), so the stretching
column (the item name) keeps ``stretch_min`` where it can.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QTableView


class ColumnFitter(QObject):
    def __init__(self, table: QTableView, widths: Mapping[int, int], *, stretch_min: int,
                 floors: Mapping[int, int] | None = None, optional: int | None = None) -> None:
        """``floors``: the narrowest a column may get (e.g. what "0.836 千克" needs);
        ``optional``: a column hidden when even the floors leave the stretching one short."""
        super().__init__(table)
        self._table, self._widths, self._stretch_min = table, dict(widths), stretch_min
        self._floors, self._optional = dict(floors or {}), optional
        table.installEventFilter(self)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._table and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.fit()
        return False

    def fit(self) -> None:
        table, header = self._table, self._table.horizontalHeader()
        floors = {c: max(header.sectionSizeHint(c), self._floors.get(c, 0)) for c in self._widths}
        if self._optional is not None:
            short = table.viewport().width() - sum(floors.values()) < self._stretch_min
            table.setColumnHidden(self._optional, short)
            if short:
                floors.pop(self._optional, None)
        spare = {c: self._widths[c] - f for c, f in floors.items() if self._widths[c] > f}
        room = table.viewport().width() - self._stretch_min - sum(floors.values())
        total = sum(spare.values())
        factor = max(0.0, min(1.0, room / total)) if total else 1.0  # of the width above the floor
        for column in floors:
            floor = floors[column]
            width = floor + spare.get(column, 0)
            wanted = floor + int((width - floor) * factor)
            if table.columnWidth(column) != wanted:
                table.setColumnWidth(column, wanted)
