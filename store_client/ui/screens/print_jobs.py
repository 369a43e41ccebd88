"""打印机 Printer: the print queue's jobs with retry / cancel / reprint, a test page, the printer in use.

All queue and database work runs through the printing operations
(:mod:`store_client.ui.operations.printing`); the reprint preview PNG is painted on the
general pool with QImage (no widgets). The queue's worker announces every change of a
job (``Changes.print_queue``), timed auto-retries included, so the screen does not poll.
A reprint is shown first and needs a confirmation; the queue marks it
"重印 / REPRINT", never opens the drawer, and the reprint is audited.
Permission: ``printer.manage``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from store_client import store_time
from store_client.ui import keymap
from store_client.ui.automation import named
from store_client.ui.operations import Changes, Op
from store_client.ui.operations.printing import QueueContents, reprint_document
from store_client.ui.screen_spec import ScreenContext, ScreenSpec, register

T = TypeVar("T")

if TYPE_CHECKING:
    from collections.abc import Callable

    from printers.queue import JobInfo
    from store_client.ui.operations import ChangeHub
    from store_client.ui.operations.printing import PrintingOps

COLUMNS = ("id", "kind", "title", "state", "attempts", "printer_status", "last_error",
           "created_at", "printed_at")


class ReprintPreview(QDialog):
    """The reprint as it will come out; Reprint confirms, Close does nothing."""

    def __init__(self, png: bytes, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("printJobs.previewDialog")
        self.setWindowTitle(self.tr("Reprint: %1").replace("%1", title))
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        self.image = named(QLabel(self), "printJobs.previewImage", self.tr("Reprint preview"))
        self.image.setPixmap(pixmap)
        scroll = named(QScrollArea(self), "printJobs.previewScroll", self.tr("Reprint preview"))
        scroll.setWidget(self.image)
        scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        named(scroll.verticalScrollBar(), "printJobs.previewScrollV", self.tr("Scroll the preview"))
        named(scroll.horizontalScrollBar(), "printJobs.previewScrollH", self.tr("Scroll the preview sideways"))
        self.confirm = named(QPushButton(self.tr("Reprint"), self), "printJobs.previewConfirm",
                             self.tr("Confirm the reprint"))
        self.reject_button = named(QPushButton(self.tr("Close"), self), "printJobs.previewClose",
                                   self.tr("Close without reprinting"))
        self.confirm.clicked.connect(self.accept)
        self.reject_button.clicked.connect(self.reject)
        question = QLabel(self.tr("Print this receipt again? The copy is marked 重印 / REPRINT "
                                  "and does not open the cash drawer."), self)
        question.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.confirm)
        layout = QVBoxLayout(self)
        layout.addWidget(question)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.resize(min(pixmap.width() + 60, 760), 640)


class PrintJobsScreen(QWidget):
    def __init__(self, ops: PrintingOps, hub: ChangeHub, *, printer_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("printJobs.screen")
        self.ops, self.queue = ops, ops.queue
        self.jobs: list[JobInfo] = []
        self.preview: ReprintPreview | None = None
        self._busy = self._dirty = False

        title = QLabel(self.tr("Printer"), self)
        title.setProperty("kind", "title")
        self.printer_label = named(QLabel(printer_text, self), "printJobs.printer",
                                   self.tr("Configured printer"))
        self.printer_label.setWordWrap(True)
        self.summary_label = named(QLabel(self), "printJobs.summary", self.tr("Queue summary"))
        self.message = named(QLabel(self), "printJobs.message", self.tr("Message"))
        self.message.setWordWrap(True)

        self.table = named(QTableWidget(0, len(COLUMNS), self), "printJobs.table", self.tr("Print jobs"))
        self.table.setHorizontalHeaderLabels([
            self.tr("No."), self.tr("Kind"), self.tr("Title"), self.tr("State"), self.tr("Attempts"),
            self.tr("Printer status"), self.tr("Last error"), self.tr("Created"), self.tr("Printed")])
        header = self.table.horizontalHeader()
        for col in range(len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        def button(name: str, text: str, spoken: str, slot: Callable[[], object]) -> QPushButton:
            b = named(QPushButton(text, self), f"printJobs.{name}", spoken)
            b.clicked.connect(slot)
            return b

        self.retry_button = button("retry", self.tr("Retry"), self.tr("Retry the selected job"), self.retry)
        self.cancel_button = button("cancel", self.tr("Cancel job"), self.tr("Cancel the selected job"),
                                    self.cancel)
        self.reprint_button = button("reprint", self.tr("Reprint…"),
                                     self.tr("Preview and reprint the selected job"), self.ask_reprint)
        self.test_button = button("testPage", self.tr("Print test page"), self.tr("Print a test page"),
                                  self.print_test_page)
        self.refresh_button = button("refresh", self.tr("Refresh"), self.tr("Refresh"), self.refresh)

        keymap.keyed_buttons(self, [(f"F{n}", b) for n, b in enumerate(
            (self.retry_button, self.cancel_button, self.reprint_button, self.test_button,
             self.refresh_button), start=2)])
        buttons = QHBoxLayout()
        for b in (self.retry_button, self.cancel_button, self.reprint_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.printer_label)
        layout.addWidget(self.summary_label)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)

        hub.changed.connect(self._changed)
        self.test_button.setEnabled(ops.can_print_test_page)
        if self.queue is None:
            self.summary_label.setText(self.tr("No print queue is running: nothing is printed."))
            self.refresh_button.setEnabled(False)
        else:
            self.refresh()
        self._update_buttons()

    # -- data ---------------------------------------------------------------------
    def activated(self) -> None:
        """Called by the main window when the screen is opened."""
        self.refresh()

    def _changed(self, changes: Changes, _initiator: object) -> None:
        if changes.print_queue:
            self.refresh()

    def refresh(self) -> None:
        if self.queue is None or not self.isVisible() and self.jobs:
            return  # a hidden screen reads again when opened (the first read still happens)
        if self._busy:
            self._dirty = True
            return
        self._busy, self._dirty = True, False
        try:
            self.ops.contents().run(self, success=self._show, failure=self._failed)
        except RuntimeError:  # the task manager is shut down: the app is closing
            self._busy = False

    def _after_read(self) -> None:
        self._busy = False
        if self._dirty:
            self.refresh()

    def _failed(self, error: BaseException) -> None:
        self.message.setText(f"{type(error).__name__}: {error}")
        self._after_read()

    def _show(self, result: QueueContents) -> None:
        summary, jobs = result
        selected = self.selected_job()
        self.jobs = jobs
        self.summary_label.setText(
            self.tr("Last printer status: %1 · waiting: %2 · need attention: %3")
            .replace("%1", self.status_text(summary.printer_status))
            .replace("%2", str(summary.waiting)).replace("%3", str(summary.needs_attention)))
        self.table.setRowCount(len(jobs))
        for i, job in enumerate(jobs):
            values = (str(job.id), self.kind_text(job.kind), job.title, self.state_text(job.state), str(job.attempts),
                      self.status_text(job.printer_status), job.last_error or "",
                      _short_time(job.created_at), _short_time(job.printed_at))
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, job.id)
                elif col == 6 and value:
                    item.setToolTip(value)
                self.table.setItem(i, col, item)
            if selected is not None and job.id == selected.id:
                self.table.selectRow(i)
        self._update_buttons()
        self._after_read()

    def kind_text(self, kind: str) -> str:
        return {"sale": self.tr("sale receipt"), "return": self.tr("return receipt"),
                "pickup": self.tr("pick-up slip"), "test": self.tr("test page"),
                "drawer.cash": self.tr("cash drawer"), "drawer.no_sale": self.tr("no sale (drawer)"),
                "report": self.tr("report")}.get(kind, kind)

    def state_text(self, state: str) -> str:
        return {"queued": self.tr("queued"), "sending": self.tr("sending"), "printed": self.tr("printed"),
                "held": self.tr("held (printer problem)"), "uncertain": self.tr("uncertain: check the printout"),
                "cancelled": self.tr("cancelled")}.get(state, state)

    def status_text(self, status: str) -> str:
        return {"ok": self.tr("ready"), "offline": self.tr("offline"), "paper_out": self.tr("out of paper"),
                "unknown": self.tr("unknown")}.get(status, status)

    def selected_job(self) -> JobInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        job_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return next((j for j in self.jobs if j.id == job_id), None)

    def select_job(self, job_id: int) -> bool:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == job_id:
                self.table.selectRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        job = self.selected_job()
        state = job.state if job is not None else None
        self.retry_button.setEnabled(state in ("held", "uncertain"))
        self.cancel_button.setEnabled(state in ("queued", "held", "uncertain"))
        self.reprint_button.setEnabled(state in ("printed", "uncertain", "cancelled"))

    # -- actions ------------------------------------------------------------------
    def _run(self, op: Op[T], done_text: Callable[[T], str]) -> None:
        """The queue announces the change: the table refreshes from the hub."""

        def done(result: T) -> None:
            self.message.setText(done_text(result))

        def failed(error: BaseException) -> None:
            self.message.setText(str(error))
            self.refresh()

        op.run(self, success=done, failure=failed)

    def retry(self) -> None:
        job = self.selected_job()
        if job is None or self.queue is None:
            return
        self._run(self.ops.retry(job_id=job.id),
                  lambda _r: self.tr("Job %1 is queued again.").replace("%1", str(job.id)))

    def cancel(self) -> None:
        job = self.selected_job()
        if job is None or self.queue is None:
            return
        self._run(self.ops.cancel(job_id=job.id),
                  lambda _r: self.tr("Job %1 cancelled.").replace("%1", str(job.id)))

    def ask_reprint(self) -> None:
        """Paint the preview off the UI thread, then ask."""
        job = self.selected_job()
        if job is None or self.queue is None:
            return
        self.reprint_button.setEnabled(False)
        self.message.setText(self.tr("Preparing the preview…"))
        self.ops.render_png(document=reprint_document(job)).run(
            self, success=lambda png: self._show_preview(job, png), failure=self._preview_failed)

    def _preview_failed(self, error: BaseException) -> None:
        self.message.setText(str(error))
        self._update_buttons()

    def _show_preview(self, job: JobInfo, png: bytes) -> None:
        self.message.setText("")
        self._update_buttons()
        preview = self.preview = ReprintPreview(png, job.title, self)
        preview.accepted.connect(lambda: self.reprint(job.id))
        preview.finished.connect(lambda _result: self._preview_closed(preview))
        preview.open()  # window-modal, returns at once

    def _preview_closed(self, preview: ReprintPreview) -> None:
        if self.preview is preview:
            self.preview = None
        preview.deleteLater()

    def reprint(self, job_id: int) -> None:
        self._run(self.ops.reprint(job_id=job_id),
                  lambda new_id: self.tr("Reprint queued as job %1.").replace("%1", str(new_id)))

    def print_test_page(self) -> None:
        if not self.ops.can_print_test_page:
            return
        self._run(self.ops.test_page(),
                  lambda job_id: self.tr("Test page queued as job %1.").replace("%1", str(job_id)))


def _short_time(value: str | None) -> str:
    """ISO timestamps as 'MM-DD HH:MM:SS' in the store's time zone."""
    try:
        return store_time.short(value)
    except ValueError:
        return value


def create_print_jobs_screen(ctx: ScreenContext) -> PrintJobsScreen:
    """Factory for the main window's screen registry (``ScreenContext``)."""
    printing = ctx.ops.printing
    return PrintJobsScreen(printing, ctx.ops.hub, printer_text=printing.printer_text())


register(ScreenSpec("printJobs", QT_TRANSLATE_NOOP("Screens", "Printer"), create_print_jobs_screen,
                    "printer.manage", icon="printer.svg", order=38))
