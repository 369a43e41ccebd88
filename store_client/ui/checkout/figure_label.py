"""A label for a figure that changes on every scan (the totals), without re-laying out its panel.

``QLabel.setText`` always calls ``updateGeometry()``: the panel's layout is invalidated and
worked out again (size hints under the style sheet included) before the next paint. On the
checkout's side panel that was ~1.3 ms for each of the four figures a scan changes, the
largest share of the time from a scan to its painted totals. A :class:`FigureLabel` keeps
the figure itself and only repaints: its size hint is that of the widest figure the till
shows (so the layout never needs to move), and it paints the figure the way QLabel paints
plain text, with the font and colours the style sheet gave it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QPaintEvent

#: The widest figure the panel is laid out for: eight digits of yuan with separators.
WIDEST = "-¥88,888,888.88"


class FigureLabel(QLabel):
    """``setText``/``text`` as on a QLabel; the accessible name follows the figure."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self._figure = ""
        # Never squeezed below its figure's height by a crowded panel.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def setText(self, text: str) -> None:  # noqa: N802 - QLabel's name
        if text != self._figure:
            self._figure = text
            self.setAccessibleName(text)  # what a screen reader says (QLabel's text is empty)
            self.update()

    def text(self) -> str:
        return self._figure

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        margins = self.contentsMargins()
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance(WIDEST) + margins.left() + margins.right(),
                     metrics.height() + margins.top() + margins.bottom())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(0, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        if self.frameShape() != QFrame.Shape.NoFrame or self.testAttribute(
                Qt.WidgetAttribute.WA_StyledBackground):
            # A frame, or a style sheet box (background, border, padding: it sets
            # WA_StyledBackground), is left to QLabel's own paint. Without either it only
            # matched the label's style sheet rule to draw nothing (QLabel's own text is
            # empty): half of this paint's time at each scan.
            super().paintEvent(event)
        painter = QPainter(self)
        self.style().drawItemText(painter, self.contentsRect(), int(self.alignment().value),
                                  self.palette(), self.isEnabled(), self._figure,
                                  self.foregroundRole())
        painter.end()
