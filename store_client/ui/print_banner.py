"""The print-status banner at the top of the main window.

Shown while a print job needs a person: the printer is offline, out of paper
or not reachable (the job is *held*, nothing printed), or a job may or may not
be on paper (*uncertain*). It names the oldest such job and offers Retry /
Cancel for it and a way to the Printer screen. Hidden when all is well.

The queue's worker announces each change through the change hub
(``Changes.print_queue``, on the GUI thread); the job list is read by the printing
operations, never on the UI thread.

Placement (one line, no layout changes): ``window.setMenuWidget(PrintBanner(printing, hub, window))``.
With a main window as parent, "Open printer screen" calls ``parent.open_screen("printJobs")``
and is shown only when the signed-in operator has that screen; the actions are
enabled only while someone is signed in and the terminal is not locked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from store_client.ui.automation import named
from store_client.ui.operations import Changes, Op
from store_client.ui.operations.printing import UNCERTAIN, BannerState

if TYPE_CHECKING:
    from store_client.ui.operations import ChangeHub
    from store_client.ui.operations.printing import PrintingOps

PRINT_JOBS_KEY = "printJobs"
RETRY_READ_MS = 2000
STYLE = """
QFrame#printBanner { background: #fff3cd; border-bottom: 2px solid #d39e00; }
QFrame#printBanner[tone="error"] { background: #f8d7da; border-bottom: 2px solid #c82333; }
QLabel#printBanner\\.message { font-weight: bold; }
"""


class PrintBanner(QFrame):
    """``PrintBanner(printing, hub, parent)``; no print queue (no printer) keeps it hidden."""

    open_requested = Signal()
    shown_state = Signal(object)  # BannerState after each refresh (tests, status displays)

    def __init__(self, ops: PrintingOps, hub: ChangeHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("printBanner")
        self.setStyleSheet(STYLE)
        self.ops, self.queue = ops, ops.queue
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
        # Sign-in, sign-out, lock and unlock do not pass through the queue: the window says so.
        session_changed = getattr(parent, "session_changed", None)
        if session_changed is not None:
            session_changed.connect(self._update_actions)
        self.hide()

        hub.changed.connect(self._changed)
        if self.queue is not None:
            self.refresh()

    # -- data ---------------------------------------------------------------------
    def _changed(self, changes: Changes, _initiator: object) -> None:
        if changes.print_queue:
            self.refresh()

    def refresh(self) -> None:
        """Re-read the queue (coalesced: one read in flight, one more if events came meanwhile)."""
        if self.queue is None:
            return
        if self._busy:
            self._dirty = True
            return
        self._busy, self._dirty = True, False
        try:
            self.ops.banner_state().run(self, success=self._show, failure=self._failed)
        except RuntimeError:  # the task manager is shut down: the app is closing
            self._busy = False

    def _done(self) -> None:
        self._busy = False
        if self._dirty:
            self.refresh()

    def _failed(self, error: BaseException) -> None:
        self.detail.setText(f"{type(error).__name__}: {error}")
        self._done()
        QTimer.singleShot(RETRY_READ_MS, self, self.refresh)  # e.g. the database was busy

    def _show(self, state: BannerState) -> None:
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
    def _window(self) -> QWidget | None:
        return self.parentWidget()

    def _update_actions(self) -> None:
        window = self._window()
        signed_in = getattr(window, "actor", True) is not None and not getattr(window, "locked", False)
        has_job = self.state is not None and self.state.job_id is not None and not self._acting
        self.retry_button.setEnabled(signed_in and has_job)
        self.cancel_button.setEnabled(signed_in and has_job)
        screens = getattr(window, "screens", None)
        self.open_button.setVisible(screens is None or PRINT_JOBS_KEY in screens)

    def showEvent(self, event: QShowEvent) -> None:
        self._update_actions()
        super().showEvent(event)

    def retry(self) -> None:
        self._act(lambda job_id: self.ops.retry(job_id=job_id))

    def cancel(self) -> None:
        self._act(lambda job_id: self.ops.cancel(job_id=job_id))

    def _act(self, action: Callable[[int], Op[None]]) -> None:
        if self.queue is None or self.state is None or self.state.job_id is None:
            return
        op = action(self.state.job_id)
        self._acting = True
        self._update_actions()
        op.run(self, success=self._action_done, failure=self._action_failed)

    def _action_done(self, _result: object = None) -> None:
        self._acting = False
        self.refresh()

    def _action_failed(self, error: BaseException) -> None:
        self._action_done()
        self.detail.setText(str(error))  # e.g. the job changed state meanwhile

    def _open(self) -> None:
        self.open_requested.emit()
        window = self._window()
        if hasattr(window, "open_screen"):
            window.open_screen(PRINT_JOBS_KEY)
