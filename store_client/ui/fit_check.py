"""Does a window fit its screen? Clipped labels, cut button captions and column headers, a
hidden status bar.

Used by the tour (``store-client tour --sizes``) and the size tests: every visible
widget is walked, and a text is measured with the widget's own font
(``QFontMetrics``) against the room its geometry leaves for it.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QRadioButton,
    QStyle,
    QToolButton,
    QWidget,
)

#: The sizes a till must work at: the common counter panels and a desktop.
SCREEN_SIZES = ((1024, 768), (1280, 800), (1366, 768), (1920, 1080))
#: A window on a desktop loses this much height to the title bar and the task bar.
WINDOW_CHROME_PX = 72
#: The theme's horizontal padding of a push button, each side, by its "kind" (light.qss).
BUTTON_PADDING_PX = {"rail": 12, "fkey": 8, "bar": 10, None: 16}
TOOL_BUTTON_PADDING_PX = 3  # tool buttons (− / +) are not padded by the theme


def window_sizes() -> list[tuple[str, int, int]]:
    """(mode, width, height) for every screen size, full-screen and windowed."""
    out = []
    for width, height in SCREEN_SIZES:
        out += [("fullscreen", width, height), ("windowed", width, height - WINDOW_CHROME_PX)]
    return out


def _visible_in_window(widget: QWidget, window: QWidget) -> bool:
    if not widget.isVisibleTo(window) or widget.width() <= 0 or widget.height() <= 0:
        return False
    return True


def _text_width(metrics: QFontMetrics, text: str) -> int:
    return max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)


def _text_height(metrics: QFontMetrics, text: str) -> int:
    return metrics.height() * (text.count("\n") + 1)


def problems(window: QWidget) -> list[str]:
    """What does not fit: "<object name or class>: <why>" for each offending widget."""
    found = []
    area = window.rect()
    for widget in window.findChildren(QWidget):
        if not _visible_in_window(widget, window) or widget.window() is not window:
            continue
        name = widget.objectName() or type(widget).__name__
        if isinstance(widget, QLabel) and widget.text() and not widget.wordWrap() \
                and widget.pixmap().isNull() and "<" not in widget.text():
            room = widget.contentsRect().width() - 2 * widget.margin() - widget.indent() * (widget.indent() > 0)
            need = _text_width(QFontMetrics(widget.font()), widget.text())
            if need > room + 1:
                found.append(f"{name}: label text {widget.text()!r} needs {need}px, has {room}px")
            tall = _text_height(QFontMetrics(widget.font()), widget.text())
            if tall > widget.contentsRect().height() + 2:
                found.append(f"{name}: label text {widget.text()!r} needs {tall}px of height, "
                             f"has {widget.contentsRect().height()}px")
        elif isinstance(widget, QAbstractButton) and widget.text():
            icon = widget.iconSize().width() + 6 if not widget.icon().isNull() else 0
            need = _text_width(QFontMetrics(widget.font()), widget.text().replace("&", "")) + icon
            if isinstance(widget, (QCheckBox, QRadioButton)):  # the box, then the caption
                style = widget.style()
                room = widget.width() - style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) \
                    - style.pixelMetric(QStyle.PixelMetric.PM_CheckBoxLabelSpacing)
            else:
                padding = (TOOL_BUTTON_PADDING_PX if isinstance(widget, QToolButton)
                           else BUTTON_PADDING_PX.get(widget.property("kind"), BUTTON_PADDING_PX[None]))
                room = widget.width() - 2 * padding - 2  # the border
            if need > room:
                found.append(f"{name}: button caption {widget.text()!r} needs {need}px, has {room}px")
            tall = _text_height(QFontMetrics(widget.font()), widget.text())
            if tall > widget.height():
                found.append(f"{name}: button caption {widget.text()!r} needs {tall}px of height, "
                             f"has {widget.height()}px")
        elif isinstance(widget, QHeaderView) and widget.orientation() == Qt.Orientation.Horizontal:
            found += _cut_headers(name, widget)
        top_left = widget.mapTo(window, widget.rect().topLeft())
        rect = QRect(top_left, widget.size())
        if widget.parentWidget() is not None and isinstance(widget, (QLabel, QAbstractButton)) \
                and not area.contains(rect) and _inside_scroll_area(widget) is False:
            found.append(f"{name}: outside the window ({rect.getRect()} in {area.getRect()})")
    if isinstance(window, QMainWindow):
        bar = window.statusBar()
        bottom = bar.mapTo(window, bar.rect().bottomLeft()).y()
        if not bar.isVisible() or bottom > window.height():
            found.append("status bar: not on screen")
    return found


HEADER_PADDING_PX = 4  # the least a header section leaves around its caption, each side


def _cut_headers(name: str, header: QHeaderView) -> list[str]:
    """A column whose caption does not fit its section (an elided or clipped header)."""
    model, found = header.model(), []
    if model is None:
        return found
    metrics = QFontMetrics(header.font())
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        text = model.headerData(section, Qt.Orientation.Horizontal)
        if not isinstance(text, str) or not text:
            continue
        need = _text_width(metrics, text) + 2 * HEADER_PADDING_PX
        room = header.sectionSize(section)
        if need > room:
            found.append(f"{name}: column header {text!r} needs {need}px, has {room}px")
    return found


def _inside_scroll_area(widget: QWidget) -> bool:
    from PySide6.QtWidgets import QAbstractScrollArea

    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False
