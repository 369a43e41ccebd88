"""The board's two charts, drawn with QtCharts (PySide6-Addons): sales by hour against the
same weekday last week, and the payment mix.

Imported only when the board is first opened (``board_screen`` imports this module inside
its constructor), so QtCharts stays off the sign-in path and out of the memory of a till
whose manager never opens the board. Each chart keeps the values it shows and touches only
the bars or slices whose value changed: a refresh that changes one hour moves one bar.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QWidget

TODAY_COLOUR, LAST_WEEK_COLOUR = QColor("#1f6feb"), QColor("#b8c4d6")
OPENS = 6  # the hourly chart starts here unless something was sold earlier
SLICE_COLOURS = ("#1f6feb", "#2da44e", "#bf8700", "#8250df", "#cf222e", "#57606a")


def nice_top(value: float) -> float:
    """The axis top above ``value``: 1, 2 or 5 times a power of ten (at least 1)."""
    top = 1.0
    while top < value:
        for step in (2.0, 2.5, 2.0):  # 1 → 2 → 5 → 10
            top *= step
            if top >= value:
                break
    return top


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)  # a refresh must not animate for 1 s
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(2, 2, 2, 2))
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setBold(True)
    chart.setTitleFont(font)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


class _View(QChartView):
    def __init__(self, chart: QChart, parent: QWidget | None) -> None:
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the tiles beside it carry the keys
        self.setMinimumHeight(160)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # a chart fits its view
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for bar, side in ((self.horizontalScrollBar(), "h"), (self.verticalScrollBar(), "v")):
            bar.setObjectName(f"qt_chart_{side}scroll")  # the graphics view's own, never shown


class HourlyChart(_View):
    """24 pairs of bars, in whole currency units: last week's (grey) and today's (blue)."""

    def __init__(self, title: str, today: str, last_week: str, parent: QWidget | None = None) -> None:
        chart = _chart(title)
        super().__init__(chart, parent)
        self.last_week, self.today = QBarSet(last_week), QBarSet(today)
        self.last_week.setColor(LAST_WEEK_COLOUR)
        self.today.setColor(TODAY_COLOUR)
        for bars in (self.last_week, self.today):
            bars.append([0.0] * 24)
        series = QBarSeries()
        series.append(self.last_week)
        series.append(self.today)
        chart.addSeries(series)
        small = QFont(chart.titleFont())
        small.setBold(False)
        small.setPointSizeF(small.pointSizeF() * 0.75)
        hours = QValueAxis()  # bar n stands at x = n: a value axis labels every few hours, never elided
        hours.setLabelFormat("%d")
        hours.setLabelsFont(small)
        hours.setGridLineVisible(False)
        hours.setTickType(QValueAxis.TickType.TicksDynamic)
        hours.setTickAnchor(0)
        hours.setTickInterval(2)
        chart.addAxis(hours, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(hours)
        self.axis = QValueAxis()
        self.axis.setLabelFormat("%.0f")
        self.axis.setLabelsFont(small)
        self.axis.setTickCount(3)
        self.axis.setRange(0, 1)
        chart.addAxis(self.axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(self.axis)
        self.hours = hours
        self.values: tuple[list[int], list[int]] = ([0] * 24, [0] * 24)  # today, last week (fen)
        self.top = 1.0
        self.first = -1

    def show_hours(self, today_fen: Sequence[int], last_week_fen: Sequence[int], minor: int) -> int:
        """Move the bars that changed; returns how many did."""
        changed = 0
        for bars, shown, new in ((self.today, self.values[0], today_fen),
                                 (self.last_week, self.values[1], last_week_fen)):
            for hour, fen in enumerate(new):
                if shown[hour] != fen:
                    shown[hour] = fen
                    bars.replace(hour, fen / minor)
                    changed += 1
        first = min([OPENS] + [h for h in range(24) if self.values[0][h] or self.values[1][h]])
        if first != self.first:  # the night hours only when something was sold in them
            self.first = first
            self.hours.setRange(first - 0.5, 23.5)
        top = nice_top(max(max(self.values[0]), max(self.values[1])) / minor)
        if top != self.top:
            self.top = top
            self.axis.setRange(0, top)
        return changed


class PaymentChart(_View):
    """One slice per payment kind, labelled with its share."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        chart = _chart(title)
        super().__init__(chart, parent)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)  # the names beside, the shares on the pie
        self.title = title
        self.series = QPieSeries()
        self.series.setPieSize(0.92)
        self.share_font = QFont(chart.titleFont())
        chart.addSeries(self.series)
        self.shown: tuple[tuple[str, int], ...] = ()

    def show_mix(self, mix: Sequence[tuple[str, int]], label: dict[str, str], empty: str) -> bool:
        """``mix``: (kind, fen) largest first; ``label``: the kind's words. False: unchanged."""
        mix = tuple(mix)
        if mix == self.shown:
            return False
        total = sum(fen for _kind, fen in mix if fen > 0)
        kinds = [kind for kind, _fen in mix]
        if kinds != [kind for kind, _fen in self.shown] or not mix:
            self.series.clear()
            for n, (kind, _fen) in enumerate(mix):
                piece = self.series.append(label.get(kind, kind), 1.0)
                piece.setColor(QColor(SLICE_COLOURS[n % len(SLICE_COLOURS)]))
        for piece, (kind, fen) in zip(self.series.slices(), mix, strict=True):
            share = fen / total if total else 0.0
            piece.setValue(max(fen, 0))
            piece.setLabel(f"{share:.0%}")
            piece.setLabelVisible(share >= 0.06)  # a sliver has no room for its share
            piece.setLabelPosition(piece.LabelPosition.LabelInsideNormal)
            piece.setLabelColor(QColor("#ffffff"))
            piece.setLabelFont(self.share_font)
        for marker, (kind, _fen) in zip(self.chart().legend().markers(self.series), mix, strict=True):
            marker.setLabel(label.get(kind, kind))  # the legend names the kind, the slice its share
        self.chart().setTitle(self.title if mix else f"{self.title}: {empty}")
        self.shown = mix
        return True
