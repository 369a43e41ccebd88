"""The print-status banner at the top of the main window.

Shown while a print job needs a person: the printer is offline, out of paper
or not reachable (the job is *held*, nothing printed), or a job may or may not
be on paper (*uncertain*). It names the oldest such job and offers Retry /
Cancel for it and a way to the Printer screen. Hidden when all is well.

Queue events arrive on the worker thread and are re-emitted through a queued
signal (:class:`~store_client.ui.print_events.QueueSignal`); the job list is
read through the TaskManager's database worker, never on the UI thread.

Placement (one line, no layout changes): ``window.setMenuWidget(PrintBanner(queue, tasks, window))``.
With a main window as parent, "Open printer screen" calls ``parent.open_screen("printJobs")``
and is shown only when the signed-in operator has that screen; the actions are
enabled only while someone is signed in and the terminal is not locked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from store_client.ui.automation import named
from store_client.ui.print_events import QueueSignal, alive

HELD, UNCERTAIN = "held", "uncertain"
PRINT_JOBS_KEY = "printJobs"
ACTIONS_CHECK_MS = 500
RETRY_READ_MS = 2000
STYLE = """
QFrame#printBanner { background: #fff3cd; border-bottom: 2px solid #d39e00; }
QFrame#printBanner[tone="error"] { background: #f8d7da; border-bottom: 2px solid #c82333; }
QLabel#printBanner\\.message { font-weight: bold; }
"""


@dataclass(frozen=True)
class BannerState:
    """What the banner shows, read off the UI thread."""

    job_id: int | None  # the oldest job needing attention
    job_state: str | None
    job_title: str
    job_error: str
    printer_status: str
    needs_attention: int
    waiting: int

    @property
    def visible(self) -> bool:
        return self.needs_attention > 0 or (
            self.waiting > 0 and self.printer_status in ("offline", "paper_out"))


def read_banner_state(queue: Any) -> BannerState:
    """Database work: the queue summary and the oldest job that needs attention."""
    summary = queue.summary()
    attention = queue.jobs(states=(HELD, UNCERTAIN))
    first = min(attention, key=lambda j: j.id) if attention else None
    return BannerState(
        job_id=first.id if first else None, job_state=first.state if first else None,
        job_title=first.title if first else "", job_error=(first.last_error or "") if first else "",
        printer_status=(first.printer_status if first and first.state == HELD else summary.printer_status),
        needs_attention=summary.needs_attention, waiting=summary.waiting)


class PrintBanner(QFrame):
    """``PrintBanner(queue, tasks, parent)``; ``queue`` None (no printer) keeps it hidden."""

    open_requested = Signal()
    shown_state = Signal(object)  # BannerState after each refresh (tests, status displays)

    def __init__(self, queue: Any | None, tasks: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("printBanner")
        self.setStyleSheet(STYLE)
        self.queue, self.tasks = queue, tasks
        self.state: BannerState | None = None
        self._busy = self._dirty = self._acting = False

        self.message = named(QLabel(self), "printBanner.message", self.tr("Printer problem"))
        self.message.setWordWrap(True)
        self.detail = named(QLabel(self), "printBanner.detail", self.tr("Printer problem details"))
        self.detail.setWordWrap(True)
        self.retry_button = named(QPushButton(self.tr("Retry"), self), "printBanner.retry",
                                  self.tr("Retry printing"))
        self.cancel_button = named(QPushButton(self.tr("Cancel job"), self), "printBanner.cancel",
                                   self.tr("Cancel this print job"))
        self.open_button = named(QPushButton(self.tr("Open printer screen"), self), "printBanner.open",
                                 self.tr("Open the printer screen"))
        self.retry_button.clicked.connect(self.retry)
        self.cancel_button.clicked.connect(self.cancel)
        self.open_button.clicked.connect(self._open)

        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.message)
        text.addWidget(self.detail)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addLayout(text, 1)
        for button in (self.retry_button, self.cancel_button, self.open_button):
            layout.addWidget(button)
        # Sign-in and sign-out do not pass through the queue: re-check while shown (no database).
        self._actions_timer = QTimer(self)
        self._actions_timer.setInterval(ACTIONS_CHECK_MS)
        self._actions_timer.timeout.connect(self._update_actions)
        self.hide()

        self.events = QueueSignal(queue, self)
        self.events.changed.connect(lambda _event: self.refresh())
        if queue is not None:
            self.refresh()

    # -- data ---------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the queue (coalesced: one read in flight, one more if events came meanwhile)."""
        if self.queue is None:
            return
        if self._busy:
            self._dirty = True
            return
        self._busy, self._dirty = True, False
        queue = self.queue
        try:
            self.tasks.run_db(lambda: read_banner_state(queue), self._show, self._failed)
        except RuntimeError:  # the task manager is shut down: the app is closing
            self._busy = False
            self.events.detach()

    def _done(self) -> None:
        self._busy = False
        if self._dirty:
            self.refresh()

    def _failed(self, error: BaseException) -> None:
        if not alive(self):
            return
        self.detail.setText(f"{type(error).__name__}: {error}")
        self._done()
        QTimer.singleShot(RETRY_READ_MS, self, self.refresh)  # e.g. the database was busy

    def _show(self, state: BannerState) -> None:
        if not alive(self):
            return
        self.state = state
        if state.visible:
            self.message.setText(self.headline(state))
            self.detail.setText(self.details(state))
            tone = "error" if state.job_state == UNCERTAIN or state.printer_status == "paper_out" else "warn"
            if self.property("tone") != tone:
                self.setProperty("tone", tone)
                self.style().unpolish(self)
                self.style().polish(self)
            uncertain = state.job_state == UNCERTAIN
            self.retry_button.setText(self.tr("Print again") if uncertain else self.tr("Retry"))
            self.cancel_button.setText(self.tr("Do not print again") if uncertain else self.tr("Cancel job"))
            self._update_actions()
        self.setVisible(state.visible)
        self._done()
        self.shown_state.emit(state)

    def headline(self, state: BannerState) -> str:
        if state.job_state == UNCERTAIN:
            return self.tr("Print result uncertain: check whether the receipt came out")
        return {
            "offline": self.tr("Printer offline"),
            "paper_out": self.tr("Printer out of paper"),
        }.get(state.printer_status, self.tr("Printer not reachable"))

    def details(self, state: BannerState) -> str:
        parts = []
        if state.job_id is not None:
            parts.append(self.tr("Job %1: %2").replace("%1", str(state.job_id))
                         .replace("%2", state.job_title or "-"))
        if state.waiting:
            parts.append(self.tr("%n job(s) waiting", "", state.waiting))
        if state.job_error:
            parts.append(state.job_error)
        return " · ".join(parts)

    # -- actions ------------------------------------------------------------------
    def _window(self) -> Any:
        return self.parentWidget()

    def _update_actions(self) -> None:
        window = self._window()
        signed_in = getattr(window, "actor", True) is not None and not getattr(window, "locked", False)
        has_job = self.state is not None and self.state.job_id is not None and not self._acting
        self.retry_button.setEnabled(signed_in and has_job)
        self.cancel_button.setEnabled(signed_in and has_job)
        screens = getattr(window, "screens", None)
        self.open_button.setVisible(screens is None or PRINT_JOBS_KEY in screens)

    def showEvent(self, event: Any) -> None:
        self._update_actions()
        self._actions_timer.start()
        super().showEvent(event)

    def hideEvent(self, event: Any) -> None:
        self._actions_timer.stop()
        super().hideEvent(event)

    def retry(self) -> None:
        self._act(lambda queue, job_id: queue.retry(job_id))

    def cancel(self) -> None:
        self._act(lambda queue, job_id: queue.cancel(job_id))

    def _act(self, action: Any) -> None:
        if self.queue is None or self.state is None or self.state.job_id is None:
            return
        queue, job_id = self.queue, self.state.job_id
        self._acting = True
        self._update_actions()
        self.tasks.run_db(lambda: action(queue, job_id), self._action_done, self._action_failed)

    def _action_done(self, _result: Any = None) -> None:
        if not alive(self):
            return
        self._acting = False
        self.refresh()

    def _action_failed(self, error: BaseException) -> None:
        if not alive(self):
            return
        self._action_done()
        self.detail.setText(str(error))  # e.g. the job changed state meanwhile

    def _open(self) -> None:
        self.open_requested.emit()
        window = self._window()
        if hasattr(window, "open_screen"):
            window.open_screen(PRINT_JOBS_KEY)
