"""The cart table: a model over the backend's ``CartView.lines``.

:meth:`CartTableModel.set_cart` turns a new cart view into the smallest model
change it can (rows appended, rows changed, or a reset), so a scan on a long
cart repaints one new row instead of the whole table.
"""

from __future__ import annotations

from itertools import compress
from operator import attrgetter, eq, itemgetter, ne
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from store_client.ui.checkout.formatting import money_text, quantity_text
from store_client.ui.i18n import money_locale

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

    from store_client.services.checkout_views import LineView

_Index = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_DISCOUNT_COLOUR = QColor("#b3261e")
_DISPLAY, _ALIGN = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole
_FOREGROUND, _TOOLTIP = Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole
_LINE_ID = attrgetter("line_id")
# What the number, name, quantity and unit price columns show of a line.
_ROW_BEFORE_DISCOUNTS = attrgetter("name_zh", "name_en", "overridden", "quantity", "unit",
                                   "unit_price_fen")


class CartTableModel(QAbstractTableModel):
    COLUMNS = ("number", "name", "quantity", "unit_price", "discount", "amount")

    def __init__(self, locale: str, currency: str = "CNY", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._locale = locale
        self._money_locale = money_locale(locale)
        self._currency = currency
        self._english = locale.startswith("en")
        self._lines: tuple[LineView, ...] = ()
        self._cache: dict[LineView, tuple[str, ...]] = {}
        self._kg = QCoreApplication.translate("Units", "kg")
        self._headers = [self.tr("#"), self.tr("Item"), self.tr("Qty"), self.tr("Unit price"),
                         self.tr("Discount"), self.tr("Amount")]

    # -- updates ----------------------------------------------------------
    def set_lines(self, lines: tuple[LineView, ...] | list[LineView]) -> int | None:
        """Show ``lines``; returns the row that changed or was added last (None: no line)."""
        new = tuple(lines)
        old = self._lines
        # The service hands back the same view object for an unchanged line, and a tuple
        # compares its items by identity first: a scan's cart (only a line added) costs one
        # C loop here, not a Python one over the cart.
        unchanged = new[:len(old)] == old
        if unchanged or list(map(_LINE_ID, new[:len(old)])) == list(map(_LINE_ID, old)):
            changed = [] if unchanged else list(compress(range(len(old)), map(ne, new, old)))
            self._lines = new[:len(old)]
            if changed:
                self._changed(new, old, changed)
            if len(new) > len(old):
                self.beginInsertRows(_NO_PARENT, len(old), len(new) - 1)
                self._lines = new
                self.endInsertRows()
                return len(new) - 1
            return changed[-1] if changed else None
        self.beginResetModel()
        self._lines = new
        self.endResetModel()
        return len(new) - 1 if new else None

    def _changed(self, new: tuple[LineView, ...], old: tuple[LineView, ...],
                 rows: list[int]) -> None:
        """One signal for the rows from the first changed to the last: the view repaints only
        the part of that range it shows, where a signal per row (a storewide threshold's
        split moves most rows at each scan) cost each row's geometry. When only the
        discounts and amounts moved, only their two columns."""
        pick = itemgetter(*rows) if len(rows) > 1 else lambda lines: (lines[rows[0]],)
        same = all(map(eq, map(_ROW_BEFORE_DISCOUNTS, pick(new)),
                       map(_ROW_BEFORE_DISCOUNTS, pick(old))))
        first = self.COLUMNS.index("discount") if same else 1
        self.dataChanged.emit(self.index(rows[0], first),
                              self.index(rows[-1], len(self.COLUMNS) - 1))

    def line(self, row: int) -> LineView:
        return self._lines[row]

    def row_of(self, line_id: str) -> int | None:
        for row, line in enumerate(self._lines):
            if line.line_id == line_id:
                return row
        return None

    # -- Qt model API -----------------------------------------------------
    def rowCount(self, parent: _Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: _Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return self._headers[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section >= 2:
                return _RIGHT
        return None

    def cell(self, row: int, column: int) -> tuple[str, bool, QColor | None]:
        """Text, right-aligned, alert colour (or None) of one cell: what the delegate paints."""
        if column == 0:
            return str(row + 1), False, None
        line = self._lines[row]
        alert = _DISCOUNT_COLOUR if column == 4 and line.discount_fen else None
        return self._texts(line)[column - 1], column >= 2, alert

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        # Screen readers, automation and tooltips read cells through here; painting goes
        # through cell() (see cart_table).
        if role == _DISPLAY:
            return self.cell(index.row(), index.column())[0]
        if role == _ALIGN:
            return _RIGHT if index.column() >= 2 else None
        if role == _FOREGROUND:
            return self.cell(index.row(), index.column())[2]
        if role == _TOOLTIP and index.column() in (1, 4):
            line = self._lines[index.row()]
            labels = [f"{name or source_id}: -{self._money(amount)}"
                      for (_kind, source_id, name), amount in line.discounts]
            return "\n".join([self._name(line), *labels])
        return None

    def _money(self, fen: int) -> str:
        return money_text(fen, self._currency, self._money_locale)

    def _name(self, line: LineView) -> str:
        return (line.name_en or line.name_zh) if self._english else (line.name_zh or line.name_en)

    def _texts(self, line: LineView) -> tuple[str, ...]:
        """Name, quantity, unit price, discount, amount: made once per line version, then reused
        by every repaint (a paint asks for each visible cell several times)."""
        texts = self._cache.get(line)
        if texts is None:
            if len(self._cache) > 4 * max(64, len(self._lines)):
                self._cache.clear()
            discount = "-" + self._money(line.discount_fen) if line.discount_fen else ""
            texts = (self._name(line) + (" *" if line.overridden else ""),
                     quantity_text(line.quantity, line.unit, self._kg),
                     self._money(line.unit_price_fen),  # per kg for weighed lines: the quantity says kg
                     discount, self._money(line.net_fen))
            self._cache[line] = texts
        return texts
