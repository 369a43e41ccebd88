"""看板 Board: the store manager's live figures for today (docs/stock.md, "The manager's board").

The figures are computed on the database thread (``ops.board``) every 10 seconds while the
screen is shown, and on F5; the screen applies what came back and touches only what changed
(a tile whose words are the same is not set again, a bar whose value is the same is not
moved), so a refresh costs the UI thread a few milliseconds. Each tile is a button: Enter
(or Space) opens the list under it, read off the UI thread too. F2 writes the day as CSV
and F3 the board as PNG into ``exports/`` of the till's data folder (the file is written on
the pool; the picture is grabbed here, where widgets live). Managers only: ``dashboard.view``.

QtCharts is imported when the board is first built, never on the way to sign-in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from store_client import store_time
from store_client.domain.money import MINOR_UNITS
from store_client.ui import keymap
from store_client.ui.automation import named
from store_client.ui.checkout.formatting import money_text
from store_client.ui.page import page_layout, page_title
from store_client.ui.screen_spec import ScreenContext, ScreenSpec, register
from store_client.ui.screens.board_drill import (
    BoardListDialog,
    reason_label,
    source_label,
    state_label,
    tender_label,
)
from store_client.ui.service_messages import service_error_text

if TYPE_CHECKING:
    from store_client.services.board import Board
    from store_client.services.board_figures import Enrolled
    from store_client.ui.operations import Operations

REFRESH_MS = 10_000


class Tile(QPushButton):
    """One figure: its name, its value large, a line under it. Enter opens its list."""

    def __init__(self, name: str, title: str, spoken: str, parent: QWidget) -> None:
        super().__init__(parent)
        named(self, f"board.tile.{name}", spoken)
        self.title = QLabel(title, self)
        self.title.setObjectName(f"board.tile.{name}.title")
        self.title.setProperty("kind", "subtle")
        self.value = QLabel(self)
        self.value.setObjectName(f"board.tile.{name}.value")
        font = QFont(self.value.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.value.setFont(font)
        self.detail = QLabel(self)
        self.detail.setObjectName(f"board.tile.{name}.detail")
        self.detail.setWordWrap(True)  # two lines at most at 1024 px
        self.detail.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.setSpacing(0)
        for label in (self.title, self.value, self.detail):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)
        layout.addStretch(1)
        # the theme gives buttons a 44 px minimum: a tile needs its three lines (the detail two)
        tall = (QFontMetrics(self.title.font()).height() + QFontMetrics(font).height()
                + 2 * QFontMetrics(self.detail.font()).height() + 8 + 4)
        self.setStyleSheet(f"QPushButton {{ min-height: {tall}px; padding: 0px; }}")

    def show_figure(self, value: str, detail: str, *, warn: bool = False) -> bool:
        """Set the words if they changed; False when nothing did (nothing to repaint)."""
        kind = "error" if warn else ""
        if (self.value.text(), self.detail.text(), self.detail.property("kind") or "") == (value, detail, kind):
            return False
        self.value.setText(value)
        self.detail.setText(detail)
        if (self.detail.property("kind") or "") != kind:
            self.detail.setProperty("kind", kind)
            self.detail.style().unpolish(self.detail)
            self.detail.style().polish(self.detail)
        self.setAccessibleDescription(f"{value}. {detail}")
        return True


class BoardScreen(QWidget):
    def __init__(self, ops: Operations, *, locale: str, currency: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from store_client.ui.screens.board_charts import HourlyChart, PaymentChart  # QtCharts: first open only

        self.setObjectName("board.screen")
        self.ops, self.lang, self.currency = ops, locale, currency
        self.board: Board | None = None
        self.day: date = ops.board.today()
        self._busy = self._error = False
        self.refreshes = 0  # boards applied (tests wait on it)
        self.last_apply_ms = 0.0  # UI time the last refresh took (benchmarks/bench_board.py)
        self.dialog: BoardListDialog | None = None
        self.issues: QWidget | None = None  # the return conflicts dialog while open (F6)
        self.saved: Path | None = None  # the last export written

        self.day_label = named(QLabel(self), "board.day", self.tr("Day shown"))
        self.message = named(QLabel(self), "board.message", self.tr("Board status"))
        self.message.setWordWrap(True)
        self.csv_button = named(QPushButton(self.tr("Export day (CSV)"), self), "board.exportCsv",
                                self.tr("Export the day's sales and returns as CSV"))
        self.csv_button.clicked.connect(self.export_csv)
        self.png_button = named(QPushButton(self.tr("Save board (PNG)"), self), "board.exportPng",
                                self.tr("Save the board as a picture"))
        self.png_button.clicked.connect(self.export_png)
        self.refresh_button = named(QPushButton(self.tr("Refresh"), self), "board.refresh",
                                    self.tr("Refresh the figures"))
        self.refresh_button.clicked.connect(self.refresh)
        self.issues_button = named(QPushButton(self.tr("Return conflicts"), self), "board.issues.open",
                                   self.tr("Return conflicts and credit overdrafts HQ found for this store"))
        self.issues_button.clicked.connect(self.open_issues)
        buttons = (self.csv_button, self.png_button, self.refresh_button, self.issues_button)
        for button in buttons:
            button.setProperty("kind", "bar")
        keymap.keyed_buttons(self, [("F2", self.csv_button), ("F3", self.png_button),
                                    ("F5", self.refresh_button), ("F6", self.issues_button)])

        self.tiles: dict[str, Tile] = {}
        drills: dict[str, Callable[[], None]] = {
            "sales": self.open_sales, "basket": self.open_sales, "returns": self.open_returns,
            "pickup": self.open_pickup, "points": self.open_sales, "members": self.open_members,
            "stock": self.open_stock, "sync": self.open_sync}
        titles = {
            "sales": (self.tr("Sales today"), self.tr("Sales today: Enter lists the day's sales")),
            "basket": (self.tr("Basket"), self.tr("Average basket: Enter lists the day's sales")),
            "returns": (self.tr("Returns"), self.tr("Returns today: Enter lists them")),
            "pickup": (self.tr("Pick-up"), self.tr("Pick-up orders: Enter lists those waiting")),
            "points": (self.tr("Points"), self.tr("Member points: Enter lists the day's sales")),
            "members": (self.tr("New members"), self.tr("Enrollments by associate: Enter lists them")),
            "stock": (self.tr("Stock freshness"), self.tr("Stock freshness: Enter lists the stale positions")),
            "sync": (self.tr("Sync with HQ"), self.tr("The store's tills: Enter lists each one's queue and last contact")),
        }
        grid = QGridLayout()
        grid.setSpacing(8)
        for n, (key, (title, spoken)) in enumerate(titles.items()):
            tile = self.tiles[key] = Tile(key, title, spoken, self)
            tile.clicked.connect(drills[key])
            grid.addWidget(tile, n // 4, n % 4)
        for column in range(4):
            grid.setColumnStretch(column, 1)

        symbol = "".join(c for c in money_text(0, currency, locale) if not (c.isdigit() or c in ".,  -"))
        self.hourly = named(HourlyChart(self.tr("Sales by hour (%1)").replace("%1", symbol or currency),
                                        self.tr("Today"), self.tr("Same day last week"), self),
                            "board.hourly", self.tr("Sales by hour, today beside the same weekday last week"))
        self.payments = named(PaymentChart(self.tr("Payment mix"), self), "board.payments",
                              self.tr("Payment mix of the day's sales"))
        charts = QHBoxLayout()
        charts.addWidget(self.hourly, 3)
        charts.addWidget(self.payments, 2)
        head = QHBoxLayout()
        head.addWidget(self.day_label, 1)
        page_layout(self, page_title(self, self.tr("Store board"), "board.title"), buttons,
                    (head, grid, (_Holder(charts, self), 1), self.message), keyed=False)

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self.refresh()

    # -- figures --------------------------------------------------------------------------
    def activated(self) -> None:
        """Opened: the first tile takes the keys (Enter lists the day's sales), and a fresh read."""
        if QApplication.focusWidget() not in self.tiles.values():
            self.tiles["sales"].setFocus()
        self.refresh()

    def _tick(self) -> None:
        if self.isVisible():  # a hidden board keeps the database thread for the checkout
            self.refresh()

    def refresh(self) -> None:
        if self._busy:
            return
        self._busy = True
        self.day = self.ops.board.today()
        try:
            self.ops.board.compute(day=self.day).run(self, success=self.apply, failure=self._failed)
        except RuntimeError:  # the task manager is shut down: the window is closing
            self._busy = False
            self.timer.stop()

    def _failed(self, error: BaseException) -> None:
        self._busy = False
        self._say(error)

    def _say(self, error: BaseException) -> None:
        self._error = True  # cleared by the next board shown
        self.message.setText(service_error_text(error))

    def money(self, fen: int) -> str:
        return money_text(fen, self.currency, self.lang)

    def when(self, moment: datetime | str | None) -> str:
        """``14:59`` on the day shown, ``11-26 14:59`` another day, ``—`` for none."""
        if not moment:
            return "—"
        local = store_time.to_store(moment)
        return local.strftime("%H:%M") if local.date() == self.day else local.strftime("%m-%d %H:%M")

    @staticmethod
    def percent(bp: int | None) -> str:
        return "—" if bp is None else "100%" if bp == 10_000 else f"{bp / 100:.1f}%"

    def apply(self, board: Board) -> None:
        """Show ``board``: only the tiles, bars and slices that changed are touched."""
        started = time.perf_counter()
        self._busy = False
        old, self.board = self.board, board
        self.day_label.setText(self.tr("%1 · updated %2").replace("%1", board.day.isoformat())
                               .replace("%2", store_time.hhmm(board.now)))
        for key, (value, detail, warn) in self.figures(board).items():
            self.tiles[key].show_figure(value, detail, warn=warn)
        if old is None or old.hours != board.hours:
            self.hourly.show_hours([bar.fen for bar in board.hours], [bar.last_week_fen for bar in board.hours],
                                   MINOR_UNITS.get(self.currency, 100))
        if old is None or old.payment_mix != board.payment_mix:
            self.payments.show_mix(sorted(board.payment_mix.items(), key=lambda kv: -kv[1]),
                                   {kind: tender_label(kind) for kind in board.payment_mix},
                                   self.tr("no sales yet"))
        if old is None or old.open_issues != board.open_issues:
            self.show_issue_count(board.open_issues)
        if self._error:
            self._error = False
            self.message.setText("")
        self.refreshes += 1
        self.last_apply_ms = (time.perf_counter() - started) * 1000

    def figures(self, b: Board) -> dict[str, tuple[str, str, bool]]:
        """Each tile's value, the line under it, and whether it warns."""
        p = b.pickup
        top = ", ".join(f"{self.associate(e)} {e.members}" for e in b.enrollments[:3])
        hq, here = b.stock_at_hq, b.stock_here
        return {
            "sales": (self.money(b.sales_fen),
                      self.tr("%1 sales · same day last week %2").replace("%1", str(b.sales))
                      .replace("%2", self.money(b.last_week_fen)), False),
            "basket": (self.money(b.basket_fen), self.tr("%1 items per sale")
                       .replace("%1", f"{b.items_per_basket_x100 / 100:.2f}"), False),
            "returns": (self.money(b.returns_fen),
                        self.tr("%1 returns · %2 of those attempted completed").replace("%1", str(b.returns))
                        .replace("%2", self.percent(b.return_success_bp))
                        if b.return_success_bp is not None else self.tr("No return attempted"),
                        b.return_success_bp is not None and b.return_success_bp < 9_500),
            "pickup": (self.tr("%1 waiting").replace("%1", str(p.waiting)),
                       self.tr("%1 overdue · ready in time %2").replace("%1", str(p.overdue))
                       .replace("%2", self.percent(p.within_promise_bp)), p.overdue > 0),
            "points": (f"+{b.points_issued:,} / −{b.points_redeemed:,}",
                       self.tr("issued / redeemed, net of returns"), False),
            "members": (str(sum(e.members for e in b.enrollments)), top or self.tr("nobody enrolled yet"), False),
            "stock": (self.percent(hq.fresh_bp),
                      self.tr("at HQ, oldest %1 · till %2").replace(
                          "%1", self.when(hq.oldest))
                      .replace("%2", self.percent(here.fresh_bp)),
                      hq.fresh_bp is not None and hq.fresh_bp < 9_000),
            "sync": (self.tr("%1 waiting").replace("%1", str(b.outbox_waiting)),
                     self.tr("oldest %1 · HQ last contact %2")
                     .replace("%1", self.when(b.oldest_waiting_at))
                     .replace("%2", self.when(b.last_contact_at) if b.last_contact_at else self.tr("never"))
                     if len(b.tills) < 2 else  # the store's other tills: each one's contact is in the list
                     self.tr("oldest %1 · %2 of %3 tills behind").replace("%1", self.when(b.oldest_waiting_at))
                     .replace("%2", str(b.tills_behind())).replace("%3", str(len(b.tills))),
                     len(b.tills) > 1 and b.tills_behind() > 0),
        }

    # -- drill-down ---------------------------------------------------------------------------
    def _list(self, title: str, headers: list[str], right: set[int], op: Any,
              rows: Callable[[Any], list[list[str]]]) -> BoardListDialog:
        dialog = self.dialog = BoardListDialog(title, headers, right, self)
        dialog.finished.connect(lambda _r: self._closed(dialog))
        dialog.open()
        if op is not None:
            op.run(dialog, success=lambda found: dialog.show_rows(rows(found), len(found) >= self.ops.board.LIST_LIMIT),
                   failure=lambda error: dialog.failed(service_error_text(error)))
        else:  # rows the board already holds: shown once the dialog is up, so its table takes the keys
            QTimer.singleShot(0, dialog, lambda: dialog.show_rows(rows(None)))
        return dialog

    def _closed(self, dialog: BoardListDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        focus = next((tile for tile in self.tiles.values() if tile.property("lastOpened")), None)
        self.activateWindow()  # back from the list: the keys go to the board again
        (focus or self.tiles["sales"]).setFocus()

    def _opened(self, key: str) -> None:
        for name, tile in self.tiles.items():
            tile.setProperty("lastOpened", name == key)

    def open_sales(self) -> None:
        self._opened(next((k for k in ("sales", "basket", "points") if self.tiles[k].hasFocus()), "sales"))
        self._list(self.tr("Sales of the day"), [self.tr("Receipt"), self.tr("Time"), self.tr("Operator"),
                                                  self.tr("Items"), self.tr("Amount"), self.tr("Payment")],
                   {3, 4}, self.ops.board.sales(day=self.day),
                   lambda found: [[s.receipt_no, store_time.hhmm(s.completed_at), s.operator_id, str(s.items),
                                   self.money(s.total_fen), " + ".join(map(tender_label, s.tenders))]
                                  for s in found])

    def open_returns(self) -> None:
        self._opened("returns")
        self._list(self.tr("Returns of the day"), [self.tr("Return"), self.tr("Time"), self.tr("Receipt"),
                                                    self.tr("Reason"), self.tr("Refund"), self.tr("State")],
                   {4}, self.ops.board.returns(day=self.day),
                   lambda found: [[r.return_no, store_time.hhmm(r.completed_at), r.receipt_no,
                                   reason_label(r.reason_code), self.money(r.refund_fen),
                                   state_label(r.status)] for r in found])

    def open_pickup(self) -> None:
        self._opened("pickup")
        self._list(self.tr("Pick-up orders waiting"), [self.tr("Order"), self.tr("Customer"), self.tr("State"),
                                                        self.tr("Promised"), self.tr("Overdue")],
                   set(), self.ops.board.pickup_orders(),
                   lambda found: [[o.order_no, o.member_name, state_label(o.state),
                                   store_time.hhmm(o.promised_at), self.tr("overdue") if o.overdue else ""]
                                  for o in found])

    def open_members(self) -> None:
        self._opened("members")
        enrolled = self.board.enrollments if self.board is not None else ()
        self._list(self.tr("New members by associate"), [self.tr("Associate"), self.tr("New members")], {1}, None,
                   lambda _none: [[f"{e.name} ({e.operator_id})" if e.operator_id else self.associate(e),
                                   str(e.members)] for e in enrolled])

    def associate(self, e: Enrolled) -> str:
        return e.name if e.operator_id else self.tr("no associate named")

    def open_stock(self) -> None:
        self._opened("stock")
        self._list(self.tr("Stock positions older than 10 minutes"),
                   [self.tr("Source"), self.tr("SKU"), self.tr("As of")], set(), self.ops.board.stale_stock(),
                   lambda found: [[source_label(s.source), s.sku,
                                   store_time.short(s.as_of) if s.as_of else self.tr("unknown")] for s in found])

    def open_sync(self) -> None:
        """The store's tills: each one's queue and last contact with HQ (this till first;
        the events waiting here are on the Sync screen)."""
        self._opened("sync")
        board = self.board
        now = board.now if board is not None else datetime.now(UTC)

        def when(moment: datetime | None) -> str:
            return store_time.short(moment) if moment is not None else "—"

        self._list(self.tr("The store's tills and HQ"),
                   [self.tr("Till"), self.tr("Waiting"), self.tr("Oldest"), self.tr("Last contact"), self.tr("State")],
                   {1}, None,
                   lambda _none: [[self.tr("%1 (this till)").replace("%1", t.terminal_id) if t.this_till
                                   else t.terminal_id, "—" if t.waiting is None else str(t.waiting),
                                   when(t.oldest_waiting_at),
                                   when(t.last_contact_at) if t.last_contact_at else self.tr("never"),
                                   self.tr("behind") if t.behind(now) else self.tr("in touch")]
                                  for t in (board.tills if board is not None else ())])

    def show_issue_count(self, count: int) -> None:
        """The F6 button says how many are open, and stands out while any is."""
        text = self.tr("Return conflicts (%1)").replace("%1", str(count)) if count else self.tr("Return conflicts")
        self.issues_button.setText(keymap.key_caption("F6", text))
        self.issues_button.setAccessibleDescription(
            self.tr("%1 open").replace("%1", str(count)) if count else self.tr("none open"))
        if self.issues_button.property("warn") != bool(count):
            self.issues_button.setProperty("warn", bool(count))
            self.issues_button.style().unpolish(self.issues_button)
            self.issues_button.style().polish(self.issues_button)

    def open_issues(self) -> None:
        """HQ's return conflicts and credit overdrafts of the store, to resolve (board_issues.py)."""
        from store_client.ui.screens.board_issues import ReturnIssuesDialog

        dialog = self.issues = ReturnIssuesDialog(self.ops, self.money, self.lang, self)
        dialog.finished.connect(lambda _r: self._issues_closed(dialog))
        dialog.open()

    def _issues_closed(self, dialog: QWidget) -> None:
        if self.issues is dialog:
            self.issues = None
        self.activateWindow()
        self.issues_button.setFocus()

    # -- exports ------------------------------------------------------------------------------
    def _stem(self) -> str:
        return f"board-{self.day.isoformat()}-{store_time.to_store(datetime.now(UTC)):%H%M%S}"

    def export_csv(self) -> None:
        headers = [self.tr("Kind"), self.tr("Number"), self.tr("Time"), self.tr("Operator"), self.tr("Items"),
                   self.tr("Amount"), self.tr("Payment or reason"), self.tr("State")]
        path = self.ops.board.export_folder() / f"{self._stem()}.csv"
        self.message.setText(self.tr("Writing the CSV…"))
        self.ops.board.day_csv(day=self.day, headers=headers,
                               kinds={"sale": self.tr("sale"), "return": self.tr("return")}).run(
            self, success=lambda content: self.ops.board.save_text(path=path, content=content).run(
                self, success=self._saved, failure=self._say),
            failure=self._say, busy=(self.csv_button,))

    def export_png(self) -> None:
        image = self.grab().toImage()  # widgets are painted here; the encoding and the disk are not
        path = self.ops.board.export_folder() / f"{self._stem()}.png"
        self.ops.board.save_image(path=path, image=image).run(self, success=self._saved, failure=self._say,
                                                              busy=(self.png_button,))

    def _saved(self, path: Path) -> None:
        self.saved = path
        self.message.setText(self.tr("Saved: %1").replace("%1", str(path)))


class _Holder(QWidget):
    """A plain widget around a layout, so the charts take the spare height of the page."""

    def __init__(self, layout: QHBoxLayout, parent: QWidget) -> None:
        super().__init__(parent)
        layout.setContentsMargins(0, 0, 0, 0)
        self.setLayout(layout)


def create_board_screen(ctx: ScreenContext) -> BoardScreen:
    return BoardScreen(ctx.ops, locale=ctx.locale, currency=ctx.config.currency)


register(ScreenSpec("board", QT_TRANSLATE_NOOP("Screens", "Board"), create_board_screen, "dashboard.view",
                    icon="board.svg", order=32))
