"""Paints the cart table's cells directly, skipping the style sheet's per-cell work.

Under an application style sheet every cell of a QTableView is painted through
QStyleSheetStyle's rule matching and a fresh text layout; with a 200-line cart that was
most of the time between a scan and its line on screen. The cart's cells are plain text,
so this delegate draws them itself: colours from the palette the style sheet resolved for
the view (the theme still decides them), the theme's ``QTableView::item`` padding, and
each text laid out once (``QStaticText``, elided to its column) and then reused.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QStaticText
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

PADDING = 8  # px left and right: ``QTableView::item { padding: 0 8px }`` in the theme
_CACHE_LIMIT = 4096
_SELECTED = QStyle.StateFlag.State_Selected
_ELIDE = Qt.TextElideMode.ElideRight


class CartDelegate(QStyledItemDelegate):
    """For :class:`~store_client.ui.checkout.cart_model.CartTableModel` (its ``cell()``)."""

    def __init__(self, model: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self._model = model
        self._palette_key: int | None = None
        self._colours: tuple[QColor, ...] = ()
        self._font: QFont | None = None
        self._texts: dict[tuple[str, int], tuple[QStaticText, float, float]] = {}

    def _colours_for(self, palette: QPalette) -> tuple[QColor, ...]:
        key = palette.cacheKey()
        if key != self._palette_key:
            role = QPalette.ColorRole
            self._colours = (palette.color(role.Highlight), palette.color(role.AlternateBase),
                             palette.color(role.HighlightedText), palette.color(role.Text))
            self._palette_key = key
        return self._colours

    def _laid_out(self, text: str, width: int, option: QStyleOptionViewItem
                  ) -> tuple[QStaticText, float, float]:
        font = option.font
        if font != self._font:
            self._texts.clear()
            self._font = QFont(font)
        key = (text, width)
        hit = self._texts.get(key)
        if hit is None:
            if len(self._texts) >= _CACHE_LIMIT:
                self._texts.clear()
            static = QStaticText(option.fontMetrics.elidedText(text, _ELIDE, width))
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
            static.prepare(font=font)
            size = static.size()
            hit = self._texts[key] = (static, size.width(), size.height())
        return hit

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        row = index.row()
        text, right, alert = self._model.cell(row, index.column())
        highlight, alternate, highlighted_text, plain = self._colours_for(option.palette)
        rect = option.rect
        selected = bool(option.state & _SELECTED)
        if selected:
            painter.fillRect(rect, highlight)
        elif row % 2:
            painter.fillRect(rect, alternate)
        if not text:
            return
        width = rect.width() - 2 * PADDING
        if width <= 0:
            return
        static, text_width, text_height = self._laid_out(text, width, option)
        if selected:
            painter.setPen(highlighted_text)
        else:
            painter.setPen(alert if alert is not None else plain)
        x = rect.x() + (rect.width() - PADDING - text_width if right else PADDING)
        painter.drawStaticText(int(x), int(rect.y() + (rect.height() - text_height) / 2), static)
