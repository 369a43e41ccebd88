"""同步 Sync: HQ connection state, events waiting, events that need attention (with retry).

Everything that touches the database or the network runs through the sync operations
(:mod:`store_client.ui.operations.sync`) or the background sync runner; the UI thread
only paints. The runner's connection state is nobody's operation, so a timer reads it
while the screen is shown; operations that add or retry events announce ``sync``.
Permission: ``sync.view`` (retry: ``sync.retry``, checked by the caller).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from store_client import store_time
from store_client.services.sync_status import EventRow, SyncStatus, format_age
from store_client.ui.automation import named
from store_client.ui.operations import Changes
from store_client.ui.page import page_layout, page_title
from store_client.ui.screen_spec import ScreenContext, ScreenSpec, register
from store_client.ui.service_messages import service_error_text

if TYPE_CHECKING:
    from store_client.ui.operations import ChangeHub
    from store_client.ui.operations.sync import SyncOps, SyncOverview

REFRESH_MS = 2000

# What each outbox event kind is called on screen (the code stays in the CLI and the logs);
# tests/ui/test_sync_screen.py fails when a kind of sync/protocol/events.py has no label here.
EVENT_LABELS = {
    "aisle.ordered": QT_TRANSLATE_NOOP("SyncEvents", "Order from another site"),
    "aisle.cancelled": QT_TRANSLATE_NOOP("SyncEvents", "Endless-aisle order cancelled"),
    "aisle.resourced": QT_TRANSLATE_NOOP("SyncEvents", "Endless-aisle order re-sourced"),
    "audit.entry": QT_TRANSLATE_NOOP("SyncEvents", "Audit record"),
    "credit.released": QT_TRANSLATE_NOOP("SyncEvents", "Store credit given back to its note"),
    "drawer.no_sale": QT_TRANSLATE_NOOP("SyncEvents", "Drawer opened without a sale"),
    "pickup.handed_over": QT_TRANSLATE_NOOP("SyncEvents", "Pick-up handed over"),
    "pickup.picking_started": QT_TRANSLATE_NOOP("SyncEvents", "Pick-up picking started"),
    "pickup.ready": QT_TRANSLATE_NOOP("SyncEvents", "Pick-up ready"),
    "return.completed": QT_TRANSLATE_NOOP("SyncEvents", "Return"),
    "return.issue_resolved": QT_TRANSLATE_NOOP("SyncEvents", "Return conflict or overdraft resolved"),
    "return.no_receipt": QT_TRANSLATE_NOOP("SyncEvents", "Return without a receipt"),
    "return.taken": QT_TRANSLATE_NOOP("SyncEvents", "Return of another store's or online order"),
    "sale.completed": QT_TRANSLATE_NOOP("SyncEvents", "Sale"),
    "shift.cash_moved": QT_TRANSLATE_NOOP("SyncEvents", "Cash paid in or out"),
    "shift.closed": QT_TRANSLATE_NOOP("SyncEvents", "Shift closed"),
    "shift.opened": QT_TRANSLATE_NOOP("SyncEvents", "Shift opened"),
    "stock.count_cancelled": QT_TRANSLATE_NOOP("SyncEvents", "Stock count cancelled"),
    "stock.count_planned": QT_TRANSLATE_NOOP("SyncEvents", "Stock count planned"),
    "stock.count_posted": QT_TRANSLATE_NOOP("SyncEvents", "Stock count posted"),
    "stock.count_scanned": QT_TRANSLATE_NOOP("SyncEvents", "Stock count scan"),
    "stock.moved": QT_TRANSLATE_NOOP("SyncEvents", "Stock movement"),
}
OTHER_EVENT = QT_TRANSLATE_NOOP("SyncEvents", "Other event")


def event_label(kind: str) -> str:
    """The event kind in the UI language; a kind this build does not know is "Other"."""
    label = EVENT_LABELS.get(kind)
    return QCoreApplication.translate("SyncEvents", label or OTHER_EVENT)


class SyncScreen(QWidget):
    def __init__(self, ops: SyncOps, hub: ChangeHub, *, can_retry: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync.screen")
        self.ops = ops
        self.status: SyncStatus | None = None
        self._busy = False

        self.state_label = named(QLabel(self), "sync.terminal.state", self.tr("Connection state"))
        self.pending_label = named(QLabel(self), "sync.pending", self.tr("Events waiting"))
        self.oldest_label = named(QLabel(self), "sync.oldest", self.tr("Oldest waiting event"))
        self.last_label = named(QLabel(self), "sync.lastSuccess", self.tr("Last successful sync"))
        self.skew_label = named(QLabel(self), "sync.skew", self.tr("Clock difference to HQ"))
        self.error_label = named(QLabel(self), "sync.lastError", self.tr("Last sync error"))
        self.error_label.setWordWrap(True)

        self.sync_now = named(QPushButton(self.tr("Sync now"), self), "sync.syncNow",
                              self.tr("Sync now"))
        self.sync_now.setEnabled(ops.has_runner)
        self.sync_now.clicked.connect(self._sync_now)
        self.retry = named(QPushButton(self.tr("Retry selected"), self), "sync.retry",
                           self.tr("Retry selected events that need attention"))
        self.retry.setEnabled(can_retry)
        self.retry.clicked.connect(self._retry)
        self.refresh_button = named(QPushButton(self.tr("Refresh"), self), "sync.refresh",
                                    self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)

        self.waiting = self._table("sync.waiting", self.tr("Events waiting for HQ"))
        self.attention = self._table("sync.attention", self.tr("Events that need attention"))
        self.attention.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)

        facts = QGridLayout()
        facts.setHorizontalSpacing(24)
        for row, (title, label) in enumerate([
            (self.tr("State"), self.state_label), (self.tr("Waiting"), self.pending_label),
            (self.tr("Oldest waiting"), self.oldest_label), (self.tr("Last success"), self.last_label),
            (self.tr("Clock skew"), self.skew_label), (self.tr("Last error"), self.error_label),
        ]):
            facts.addWidget(QLabel(title, self), row, 0)
            facts.addWidget(label, row, 1)
        facts.setColumnStretch(1, 1)
        page_layout(self, page_title(self, self.tr("Sync with HQ"), "sync.title"),
                    (self.sync_now, self.retry, self.refresh_button),
                    (facts, QLabel(self.tr("Waiting"), self), (self.waiting, 1),
                     QLabel(self.tr("Needs attention (rejected by HQ)"), self), (self.attention, 1)))

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        hub.changed.connect(self._changed)
        self.refresh()

    def _table(self, name: str, accessible: str) -> QTableWidget:
        table = named(QTableWidget(0, 5, self), name, accessible)
        table.setHorizontalHeaderLabels([self.tr("No."), self.tr("Type"), self.tr("Amount"),
                                         self.tr("Tries"), self.tr("Reason")])
        for column, width in enumerate((80, 200, 120, 90)):
            table.setColumnWidth(column, width)
        table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()  # the No. column numbers the rows; no tiny corner button
        table.verticalHeader().setDefaultSectionSize(40)
        return table

    # -- data -------------------------------------------------------------------
    def activated(self) -> None:
        self.refresh()

    def _tick(self) -> None:
        """The runner's state is nobody's announcement: read it while the screen is shown
        (a hidden screen keeps the database thread free for the checkout)."""
        if self.isVisible():
            self.refresh()

    def _changed(self, changes: Changes, _initiator: object) -> None:
        if changes.sync:
            self.refresh()

    def refresh(self) -> None:
        if self._busy:
            return
        self._busy = True
        try:
            self.ops.overview().run(self, success=self._show, failure=self._failed)
        except RuntimeError:  # the task manager is shut down: the window is closing
            self._busy = False
            self.timer.stop()

    def _failed(self, error: BaseException) -> None:
        self._busy = False
        self.error_label.setText(service_error_text(error))

    def _show(self, result: SyncOverview) -> None:
        self._busy = False
        status, waiting, attention = result
        self.status = status
        states = {"online": self.tr("Online"), "offline": self.tr("Offline"),
                  "syncing": self.tr("Syncing"), "not configured": self.tr("Offline (no HQ configured)")}
        self.state_label.setText(states.get(status.state, status.state))
        self.pending_label.setText(str(status.pending))
        self.oldest_label.setText(format_age(status.oldest_pending_age))
        self.last_label.setText(store_time.date_time(status.last_success)
                                if status.last_success else self.tr("never"))
        if status.skew is None:
            self.skew_label.setText("-")
        else:
            text = f"{status.skew.total_seconds():+.0f} s"
            self.skew_label.setText(text + ("  " + self.tr("(check the clock)") if status.skew_is_large else ""))
        # HQ's and the network's own words stay in the log and `store-client sync status`
        self.error_label.setText(self.tr("The last pass did not finish: HQ could not be reached "
                                         "or refused it (details: store-client sync status).")
                                 if status.last_error else "")
        self._fill(self.waiting, waiting, self.tr("Not delivered yet: HQ was not reachable"))
        self._fill(self.attention, attention, self.tr("Refused by HQ (its reason: store-client "
                                                      "sync status)"))

    @staticmethod
    def _fill(table: QTableWidget, rows: list[EventRow], why: str) -> None:
        table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for col, value in enumerate((str(row.seq), event_label(row.kind), row.summary,
                                         str(row.attempts), why if row.last_error else "")):
                table.setItem(i, col, QTableWidgetItem(value))

    # -- actions ----------------------------------------------------------------
    def _selected_attention(self) -> list[int]:
        rows = {index.row() for index in self.attention.selectionModel().selectedRows()}
        return [int(self.attention.item(r, 0).text()) for r in sorted(rows)]

    def _retry(self) -> None:
        seqs = self._selected_attention() or None  # nothing selected: retry all
        self.ops.retry_rejected(seqs=seqs).run(self)  # announces ``sync``: the screen refreshes

    def _sync_now(self) -> None:
        if self.ops.sync_now():
            self.state_label.setText(self.tr("Syncing"))


def create_sync_screen(ctx: ScreenContext) -> SyncScreen:
    """Factory for the main window's screen registry (``ScreenContext``)."""
    return SyncScreen(ctx.ops.sync, ctx.ops.hub)


register(ScreenSpec("sync", QT_TRANSLATE_NOOP("Screens", "Sync"), create_sync_screen, "sync.view",
                    icon="sync.svg", order=35))
