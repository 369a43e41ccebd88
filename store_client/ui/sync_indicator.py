"""The status bar's sync indicator: state, events waiting, age of the oldest, skew.

Reads the status off the UI thread (TaskManager's database worker) every few
seconds; the runner's phase is a plain attribute set by its own thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer

from store_client.services.sync_status import SyncStatus, format_age, read_status

POLL_MS = 3000


class SyncIndicator(QObject):
    def __init__(self, status_bar: Any, tasks: Any, terminal: Any, runner: Any | None,
                 problem: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent or status_bar)
        self.setObjectName("syncIndicator")
        self._bar, self._tasks, self._terminal, self._runner = status_bar, tasks, terminal, runner
        self._problem = problem
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def stop(self) -> None:
        self._timer.stop()

    def refresh(self) -> None:
        if self._tasks.closed:
            self._timer.stop()
            return
        if self._busy:
            return
        self._busy = True
        phase = self._runner.phase if self._runner is not None else None
        db, clock = self._terminal.db, self._terminal.clock
        self._tasks.run_db(lambda: read_status(db, clock, phase=phase), self._show, self._failed)

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
