"""The cart table: a view that repaints only what a scan changed, and a delegate that paints
its cells directly, skipping the style sheet's per-cell work.

:class:`CartTableView`: a row appended at the end (a scan) changes no other row, yet
QAbstractItemView's layout after an insert repaints the whole viewport. The view is told
when the model only appended (``expect_append``) and then lays out without that full
repaint: the new rows and the rows whose selection changed are painted, and scrolling
moves the rest. It paints those rows itself, in one loop over the delegate's cells: the
item view's per-cell work (an index, a style option and a call into Python per cell) cost
more than the drawing.

:class:`CartDelegate`:
Under an application style sheet every cell of a QTableView is painted through
QStyleSheetStyle's rule matching and a fresh text layout; with a 200-line cart that was
most of the time between a scan and its line on screen. The cart's cells are plain text,
so this delegate draws them itself: colours from the palette the style sheet resolved for
the view (the theme still decides them), the theme's ``QTableView::item`` padding, and
each text laid out once (``QStaticText``, elided to its column) and then reused.

:class:`_RowsOnlyHeader`: a table's column header repaints the columns a selection spans on
every selection change; a row selection spans them all, so each scan (its new row is
selected) repainted the whole header through the style sheet, about 0.8 ms a scan for a
header that shows no selection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen, QStaticText
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from PySide6.QtCore import QAbstractItemModel, QItemSelection, QObject
    from PySide6.QtGui import QPaintEvent, QRegion
    from PySide6.QtWidgets import QWidget

    from store_client.ui.checkout.cart_model import CartTableModel

PADDING = 8  # px left and right: ``QTableView::item { padding: 0 8px }`` in the theme
_CACHE_LIMIT = 4096
_SELECTED = QStyle.StateFlag.State_Selected
_ELIDE = Qt.TextElideMode.ElideRight


class CartDelegate(QStyledItemDelegate):
    """For :class:`~store_client.ui.checkout.cart_model.CartTableModel` (its ``cell()``)."""

    def __init__(self, model: CartTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._palette_key: int | None = None
        self._colours: tuple[QColor, ...] = ()
        self._font: QFont | None = None
        self._texts: dict[tuple[str, int], tuple[QStaticText, float, float]] = {}

    def colours_for(self, palette: QPalette) -> tuple[QColor, ...]:
        key = palette.cacheKey()
        if key != self._palette_key:
            role = QPalette.ColorRole
            self._colours = (palette.color(role.Highlight), palette.color(role.AlternateBase),
                             palette.color(role.HighlightedText), palette.color(role.Text))
            self._palette_key = key
        return self._colours

    def _laid_out(self, text: str, width: int, font: QFont, metrics: QFontMetrics
                  ) -> tuple[QStaticText, float, float]:
        if font != self._font:
            self._texts.clear()
            self._font = QFont(font)
        key = (text, width)
        hit = self._texts.get(key)
        if hit is None:
            if len(self._texts) >= _CACHE_LIMIT:
                self._texts.clear()
            static = QStaticText(metrics.elidedText(text, _ELIDE, width))
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
            static.prepare(font=font)
            size = static.size()
            hit = self._texts[key] = (static, size.width(), size.height())
        return hit

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        self.paint_cell(painter, option.rect, index.row(), index.column(),
                        bool(option.state & _SELECTED), self.colours_for(option.palette),
                        option.font, option.fontMetrics)

    def paint_cell(self, painter: QPainter, rect: QRect, row: int, column: int, selected: bool,
                   colours: tuple[QColor, ...], font: QFont, metrics: QFontMetrics) -> None:
        """One cell, as the item view would have it painted (also called by
        :meth:`CartTableView.paintEvent` directly, without the view's per-cell machinery)."""
        text, right, alert = self._model.cell(row, column)
        highlight, alternate, highlighted_text, plain = colours
        if selected:
            painter.fillRect(rect, highlight)
        elif row % 2:
            painter.fillRect(rect, alternate)
        if not text:
            return
        width = rect.width() - 2 * PADDING
        if width <= 0:
            return
        static, text_width, text_height = self._laid_out(text, width, font, metrics)
        if selected:
            painter.setPen(highlighted_text)
        else:
            painter.setPen(alert if alert is not None else plain)
        x = rect.x() + (rect.width() - PADDING - text_width if right else PADDING)
        painter.drawStaticText(int(x), int(rect.y() + (rect.height() - text_height) / 2), static)


class _RowsOnlyHeader(QHeaderView):
    """A column header that never marks selected columns, so a selection leaves it unpainted."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setHighlightSections(False)

    def selectionChanged(self, selected: QItemSelection, deselected: QItemSelection) -> None:  # noqa: N802
        """Nothing to repaint: the header does not show the selection."""


class CartTableView(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHorizontalHeader(_RowsOnlyHeader(self))
        self._appended_from: int | None = None  # rows appended since the last layout, and only that
        self._full_layout = False  # anything else happened since: lay out and repaint everything
        # Opaque: Qt then scrolls by moving pixels and repaints only the strip that came into
        # view (else it repaints the whole viewport on every scroll). paintEvent below fills
        # the background itself, which Qt no longer does for an opaque widget.
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        # Per pixel: the rows' offset is the scroll bar's value, which an append leaves alone.
        # (Per item, the offset at the end of the table depends on the row count, so an
        # append moves every row without a scroll, and the fast path below would be wrong.)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)

    def paintEvent(self, event: QPaintEvent) -> None:
        viewport = self.viewport()
        painter = QPainter(viewport)  # clipped to the region being repainted
        painter.fillRect(event.rect(), viewport.palette().color(QPalette.ColorRole.Base))
        delegate, model = self.itemDelegate(), self.model()
        if (not isinstance(delegate, CartDelegate) or model is None or self.isRightToLeft()
                or self.wordWrap() or self.gridStyle() != Qt.PenStyle.SolidLine):
            painter.end()
            super().paintEvent(event)  # not the cart's own setup: the item view paints it
            return
        try:
            self._paint_rows(painter, event.region(), delegate, model.rowCount())
        finally:
            painter.end()

    def _paint_rows(self, painter: QPainter, region: QRegion, delegate: CartDelegate, count: int) -> None:
        """What QTableView.paintEvent paints for the cart (cells through the delegate, then
        the grid), row by row in one loop: ~25 µs a cell where the item view took ~60.
        A test compares the pixels with the item view's."""
        if not count:
            return
        header = self.horizontalHeader()
        columns = [(logical, header.sectionViewportPosition(logical), header.sectionSize(logical))
                   for logical in map(header.logicalIndex, range(header.count()))
                   if not header.isSectionHidden(logical)]
        if not columns:
            return
        # The cells the region touches, by row: a storewide threshold's new split repaints
        # only the discount and amount cells of the rows on screen.
        rows: dict[int, set[int]] = {}
        last = count - 1
        for rect in region:
            top = self.rowAt(rect.top())
            if top < 0:
                continue  # below the last row (rowAt of the top row is never above it)
            bottom = self.rowAt(rect.bottom())
            left_x, right_x = rect.left(), rect.right()
            touched = {logical for logical, x, w in columns if x <= right_x and x + w > left_x}
            for row in range(top, (last if bottom < 0 else bottom) + 1):
                rows.setdefault(row, set()).update(touched)
        if not rows:
            return
        grid = 1 if self.showGrid() else 0
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        palette = QPalette(self.viewport().palette())
        palette.setCurrentColorGroup(QPalette.ColorGroup.Active if self.isEnabled()
                                     else QPalette.ColorGroup.Disabled)
        colours = delegate.colours_for(palette)
        font, metrics = option.font, option.fontMetrics
        selection = self.selectionModel()
        root = self.rootIndex()
        left = min(x for _logical, x, _w in columns)
        right = max(x + w for _logical, x, w in columns) - 1
        position, height = self.rowViewportPosition, self.rowHeight
        paint_cell = delegate.paint_cell
        spans = []
        for row in sorted(rows):
            y, h = position(row), height(row)
            selected = selection is not None and selection.isRowSelected(row, root)
            touched = rows[row]
            for logical, x, w in columns:
                if logical in touched:
                    paint_cell(painter, QRect(x, y, w - grid, h - grid), row, logical, selected,
                               colours, font, metrics)
            spans.append((y, h))
        if grid:
            rgba = self.style().styleHint(QStyle.StyleHint.SH_Table_GridLineColor, option, self)
            painter.setPen(QPen(QColor.fromRgba(rgba & 0xFFFFFFFF), 1, Qt.PenStyle.SolidLine))
            for y, h in spans:
                painter.drawLine(left, y + h - 1, right, y + h - 1)
                for _logical, x, w in columns:
                    painter.drawLine(x + w - 1, y, x + w - 1, y + h - 1)

    def setModel(self, model: QAbstractItemModel) -> None:
        super().setModel(model)
        self._full_layout = True
        model.rowsAboutToBeInserted.connect(self._rows_coming)
        for signal in (model.modelReset, model.layoutChanged, model.rowsRemoved,
                       model.rowsMoved, model.columnsInserted, model.columnsRemoved,
                       model.columnsMoved):
            signal.connect(self._structure_changed)

    def dataChanged(self, top_left: QModelIndex | QPersistentModelIndex,  # noqa: N802
                    bottom_right: QModelIndex | QPersistentModelIndex,
                    roles: Sequence[int] = ()) -> None:
        """A range of changed rows (a storewide threshold's split moves most of the cart's
        discounts at each scan) repaints only its rows on screen: Qt repaints the whole
        viewport for a range that starts far above it."""
        if self._appended_from is not None:
            # Rows were appended and not laid out yet: that layout repaints only the new
            # rows, and Qt leaves a change before a pending layout to it. Repaint it all.
            self._full_layout = True
        model = self.model()
        if (model is not None and top_left.row() != bottom_right.row()
                and not top_left.parent().isValid()):
            first, last = self.rowAt(0), self.rowAt(self.viewport().height() - 1)
            if first >= 0:
                top = max(top_left.row(), first)
                bottom = min(bottom_right.row(), model.rowCount() - 1 if last < 0 else last)
                if top > bottom:
                    return  # none of the changed rows is on screen
                top_left = model.index(top, top_left.column())
                bottom_right = model.index(bottom, bottom_right.column())
        super().dataChanged(top_left, bottom_right, list(roles))

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        if dy and not self._full_layout:
            # The row cut by the top edge: Qt's moved pixels were seen to leave its top few
            # lines stale on the offscreen platform (a pixel test holds the view to a full
            # repaint); repainting that one row is cheap.
            viewport = self.viewport()
            first = self.rowAt(0)
            if first >= 0:
                bottom = self.rowViewportPosition(first) + self.rowHeight(first)
                viewport.update(0, 0, viewport.width(), max(bottom, 0))

    def _rows_coming(self, parent: QModelIndex | QPersistentModelIndex, first: int, _last: int) -> None:
        if parent.isValid() or first != self.model().rowCount():
            self._full_layout = True  # inserted above existing rows: they move
        elif self._appended_from is None:
            self._appended_from = first

    def _structure_changed(self, *_args: object) -> None:
        self._full_layout = True

    def doItemsLayout(self) -> None:
        first, full = self._appended_from, self._full_layout
        self._appended_from, self._full_layout = None, False
        if (full or first is None
                or self.verticalScrollMode() != QAbstractItemView.ScrollMode.ScrollPerPixel):
            super().doItemsLayout()  # the full layout and repaint
            return
        # Only appended rows: the rows above did not move or change. Update the scroll range
        # and headers, and paint from the first new row down; scrolling (scrollTo) moves the
        # rest, and a selection change repaints its own rows.
        self.updateGeometries()
        viewport = self.viewport()
        top = max(self.rowViewportPosition(first), 0)
        if top < viewport.height():
            viewport.update(0, top, viewport.width(), viewport.height() - top)
