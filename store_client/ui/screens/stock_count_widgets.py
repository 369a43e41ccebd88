"""The tables of the Stock counts screen: open counts, the counter's tally, the manager's review.

The tally is updated one row per answered scan (``dataChanged`` on that row, or one row
appended), never rebuilt, so a scan costs the same at the 5th and the 500th line.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from store_client import store_time
from store_client.ui.table_model import NO_PARENT, Index, RowsTableModel

if TYPE_CHECKING:
    from collections.abc import Callable

    from store_client.services.stock_count_views import PlanSummary, ReviewLine, ReviewSheet, TallyLine
    from store_client.services.stock_counts import ScanResult

LAST_SCANNED = QColor("#fff2b3")  # the row the last answered scan changed
FLAGGED = QColor("#ffd6d6")  # a review line the recount rule sends back


N = "StockCountScreen"  # the translation context of the screen and its tables
STATES = {
    "counting": QT_TRANSLATE_NOOP("StockCountScreen", "counting"),
    "review": QT_TRANSLATE_NOOP("StockCountScreen", "to review"),
    "recount": QT_TRANSLATE_NOOP("StockCountScreen", "recount"),
    "approved": QT_TRANSLATE_NOOP("StockCountScreen", "approved"),
    "posted": QT_TRANSLATE_NOOP("StockCountScreen", "posted"),
    "cancelled": QT_TRANSLATE_NOOP("StockCountScreen", "cancelled"),
}
SCOPES = {
    "zone": QT_TRANSLATE_NOOP("StockCountScreen", "Zone"),
    "category": QT_TRANSLATE_NOOP("StockCountScreen", "Category"),
    "cycle": QT_TRANSLATE_NOOP("StockCountScreen", "Cycle list"),
}
PLAN_HEADERS = (QT_TRANSLATE_NOOP("StockCountScreen", "Count"), QT_TRANSLATE_NOOP("StockCountScreen", "Scope"),
                QT_TRANSLATE_NOOP("StockCountScreen", "State"), QT_TRANSLATE_NOOP("StockCountScreen", "Counted"))
TALLY_HEADERS = (QT_TRANSLATE_NOOP("StockCountScreen", "Item"), QT_TRANSLATE_NOOP("StockCountScreen", "Name"),
                 QT_TRANSLATE_NOOP("StockCountScreen", "Counted"))
REVIEW_HEADERS = (QT_TRANSLATE_NOOP("StockCountScreen", "Item"), QT_TRANSLATE_NOOP("StockCountScreen", "Name"),
                  QT_TRANSLATE_NOOP("StockCountScreen", "Expected"), QT_TRANSLATE_NOOP("StockCountScreen", "Counted"),
                  QT_TRANSLATE_NOOP("StockCountScreen", "Variance"), QT_TRANSLATE_NOOP("StockCountScreen", "Value"),
                  QT_TRANSLATE_NOOP("StockCountScreen", "Recount"))
NOT_COUNTED = QT_TRANSLATE_NOOP("StockCountScreen", "%1 (not counted)")
REVIEW_SUMMARY = QT_TRANSLATE_NOOP("StockCountScreen",
                                   "%1 items · %2 with a variance · %3 flagged for recount · value %4")
TWO_PEOPLE = QT_TRANSLATE_NOOP("StockCountScreen", "above %1: a second manager approves too")
NOTHING_TO_ADJUST = QT_TRANSLATE_NOOP("StockCountScreen", "nothing to adjust")
OTHERS_AS_OF = QT_TRANSLATE_NOOP("StockCountScreen", "counted on every till, other tills as of %1")
THIS_TILL_ONLY = QT_TRANSLATE_NOOP("StockCountScreen", "counted on this till only (no other till's count received)")
YES = QT_TRANSLATE_NOOP("StockCountScreen", "yes")


def tr(text: str) -> str:
    return QCoreApplication.translate(N, text)


def state_text(state: str) -> str:
    return tr(STATES[state]) if state in STATES else state


def scope_text(scope: str) -> str:
    return tr(SCOPES[scope]) if scope in SCOPES else scope


def quantity_text(quantity: int, unit: str) -> str:
    """Pieces, or grams of a weighed item."""
    return f"{quantity} g" if unit == "kg" else str(quantity)


class PlansModel(RowsTableModel):
    """Open counts: label, scope, state, lines counted of the plan's lines."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = [tr(h) for h in PLAN_HEADERS]

    def plan(self, row: int) -> PlanSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, plan_id: str) -> int | None:
        return next((i for i, p in enumerate(self._rows) if p.plan_id == plan_id), None)

    def plans(self) -> list[PlanSummary]:
        return list(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        plan: PlanSummary = self._rows[index.row()]
        return (plan.label, scope_text(plan.scope), state_text(plan.state),
                f"{plan.counted} / {plan.skus}")[index.column()]


class TallyModel(RowsTableModel):
    """What this plan counted so far, per item: never the expected figure."""

    def __init__(self, name_of: Callable[[str, str], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = [tr(h) for h in TALLY_HEADERS]
        self._name_of = name_of  # (name_zh, name_en) -> the name in the UI language
        self._row_of: dict[str, int] = {}
        self._counted: dict[str, int] = {}
        self.last: str | None = None

    def set_lines(self, lines: tuple[TallyLine, ...] | list[TallyLine]) -> None:
        self.last = None
        self._row_of = {line.sku: i for i, line in enumerate(lines)}
        self._counted = {line.sku: line.counted for line in lines}
        self.set_rows(list(lines))

    def counted(self, sku: str) -> int | None:
        return self._counted.get(sku)

    def merge(self, lines: tuple[TallyLine, ...]) -> bool:
        """Other tills' figures, read again: only the rows whose figure moved change, new items
        are appended, and the last scan keeps its highlight. False (nothing changed): an item
        went from the list (a recount), so the caller shows the lines afresh."""
        if not set(self._row_of) <= {line.sku for line in lines}:
            return False
        for line in lines:
            row = self._row_of.get(line.sku)
            if row is None:
                row = len(self._rows)
                self.beginInsertRows(NO_PARENT, row, row)
                self._rows.append(line)
                self._row_of[line.sku], self._counted[line.sku] = row, line.counted
                self.endInsertRows()
            elif self._rows[row] != line:
                self._rows[row], self._counted[line.sku] = line, line.counted
                self.dataChanged.emit(self.index(row, 0), self.index(row, 2))
        return True

    def lines_counted(self) -> int:
        """Items with something counted (a recount's items show from zero until scanned)."""
        return sum(1 for quantity in self._counted.values() if quantity)

    def update(self, line: TallyLine | ScanResult) -> int:
        """The answered scan's line: its row changes, or is appended; returns the row."""
        previous, self.last = self.last, line.sku
        row = self._row_of.get(line.sku)
        if row is None:
            row = len(self._rows)
            self.beginInsertRows(NO_PARENT, row, row)
            self._rows.append(line)
            self._row_of[line.sku] = row
            self._counted[line.sku] = line.counted
            self.endInsertRows()
        else:
            self._rows[row] = line
            self._counted[line.sku] = line.counted
            self.dataChanged.emit(self.index(row, 0), self.index(row, 2))
        if previous is not None and previous != line.sku and previous in self._row_of:
            old = self._row_of[previous]  # its highlight goes
            self.dataChanged.emit(self.index(old, 0), self.index(old, 2))
        return row

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line: TallyLine = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (line.sku, self._name_of(line.name_zh, line.name_en),
                    quantity_text(line.counted, line.unit))[index.column()]
        if role == Qt.ItemDataRole.BackgroundRole and line.sku == self.last:
            return QBrush(LAST_SCANNED)
        if role == Qt.ItemDataRole.FontRole and line.sku == self.last:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ReviewModel(RowsTableModel):
    """The manager's review: expected (snapshot + movements up to the count), counted,
    variance, its value at retail price, and whether the recount rule flags the line."""

    NUMBERS = (2, 3, 4, 5)

    def __init__(self, name_of: Callable[[str, str], str], money: Callable[[int], str],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = [tr(h) for h in REVIEW_HEADERS]
        self._name_of, self._money = name_of, money

    def line(self, row: int) -> ReviewLine | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line: ReviewLine = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            counted = quantity_text(line.counted, line.unit)
            if line.uncounted:
                counted = tr(NOT_COUNTED).replace("%1", counted)
            variance = f"{line.variance:+d}" if line.variance else "0"
            return (line.sku, self._name_of(line.name_zh, line.name_en),
                    quantity_text(line.expected, line.unit), counted,
                    f"{variance} g" if line.unit == "kg" and line.variance else variance,
                    self._money(line.value_fen), tr(YES) if line.flagged else "")[index.column()]
        if role == Qt.ItemDataRole.BackgroundRole and line.flagged:
            return QBrush(FLAGGED)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.NUMBERS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def review_summary(sheet: ReviewSheet, money: Callable[[int], str], when: Callable[[datetime], str]) -> str:
    """The line above the review: how many items move, the value, who approves, whose counts."""
    moving = [line for line in sheet.lines if line.variance]
    text = tr(REVIEW_SUMMARY).replace("%1", str(len(sheet.lines))).replace("%2", str(len(moving))).replace(
        "%3", str(len(sheet.flagged))).replace("%4", money(sheet.exposure_fen))
    if sheet.approval == "two_people":
        text += " · " + tr(TWO_PEOPLE).replace("%1", money(sheet.value_limit_fen))
    elif sheet.approval == "none":
        text += " · " + tr(NOTHING_TO_ADJUST)
    if sheet.others_as_of is not None:
        return text + " · " + tr(OTHERS_AS_OF).replace("%1", when(sheet.others_as_of))
    return text + " · " + tr(THIS_TILL_ONLY)


def first_index(model: RowsTableModel) -> QModelIndex:
    return model.index(0, 0) if model.rowCount() else QModelIndex()


def when_text(moment: datetime, day_of: datetime) -> str:
    """``14:59`` (store time) on the day of ``day_of`` (the count's), with the date on another."""
    same_day = store_time.to_store(moment).date() == store_time.to_store(day_of).date()
    return store_time.hhmm(moment) if same_day else store_time.minutes(moment)
