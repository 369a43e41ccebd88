"""The status bar's sync indicator: state, events waiting, age of the oldest, skew.

Reads the status through the sync operations (off the UI thread) when an operation
announces ``sync`` (a sale, a retry) and every few seconds besides: the runner's
connection state is a plain attribute of its own thread that nobody announces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from store_client.services.sync_status import SyncStatus, format_age
from store_client.ui.operations import Changes

if TYPE_CHECKING:
    from store_client.ui.operations import ChangeHub
    from store_client.ui.operations.sync import SyncOps
    from store_client.ui.status_bar import StatusBar

POLL_MS = 3000


class SyncIndicator(QObject):
    def __init__(self, status_bar: StatusBar, ops: SyncOps, hub: ChangeHub,
                 problem: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent or status_bar)
        self.setObjectName("syncIndicator")
        self._bar, self._ops = status_bar, ops
        self._problem = problem
        hub.changed.connect(self._changed)
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def stop(self) -> None:
        self._timer.stop()

    def _changed(self, changes: Changes, _initiator: object) -> None:
        if changes.sync:
            self.refresh()

    def refresh(self) -> None:
        if self._busy:
            return
        self._busy = True
        try:
            self._ops.status().run(self, success=self._show, failure=self._failed)
        except RuntimeError:  # the task manager is shut down: the app is closing
            self._busy = False
            self._timer.stop()

    def _failed(self, _error: BaseException) -> None:
        self._busy = False

    def _show(self, status: SyncStatus) -> None:
        self._busy = False
        text, tone = self.describe(status)
        self._bar.set_sync_state(text, tone)

    def describe(self, status: SyncStatus) -> tuple[str, str]:
        waiting = self.tr("%n waiting", "", status.pending) if status.pending else ""
        if status.state == "not configured":
            text = self.tr("Offline (no HQ)") if not self._problem else self.tr("Offline: no HQ token")
            tone = "warn" if self._problem else "neutral"
        elif status.state == "online":
            text, tone = self.tr("Online"), "ok"
        elif status.state == "syncing":
            text, tone = self.tr("Syncing"), "neutral"
        else:
            text, tone = self.tr("Offline"), "warn"
        parts = [text]
        if waiting:
            parts.append(waiting)
            if status.oldest_pending_age is not None:
                parts.append(self.tr("oldest %1").replace("%1", format_age(status.oldest_pending_age)))
        if status.needs_attention:
            parts.append(self.tr("%n need attention", "", status.needs_attention))
            tone = "error"
        if status.skew_is_large:
            seconds = int(status.skew.total_seconds()) if status.skew else 0
            parts.append(self.tr("clock off by %1 s").replace("%1", str(seconds)))
            tone = "error"
        return " · ".join(parts), tone
