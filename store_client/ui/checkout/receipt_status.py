"""The checkout's line about the last receipt: printing, printed, or did not print.

It follows the receipt's print job through the print queue's events (on the UI
thread, :class:`~store_client.ui.print_events.QueueSignal`); the first state is
asked once on the database thread, and once more right after it starts listening,
so a job that finished in between is not shown as still printing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from store_client.services import counter_receipts
from store_client.ui.print_events import QueueSignal


class ReceiptStatus(QLabel):
    """``state`` is "none", "waiting", "printed" or "failed"; hidden until a sale completes."""

    def __init__(self, service: Callable[[], Any], call: Callable[..., None],
                 parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setObjectName("checkout.receiptStatus")
        self.setWordWrap(True)
        self._service, self._call = service, call
        self.state = "none"
        self.job_id: int | None = None
        self.receipt_no, self.copy = "", False
        self._events: QueueSignal | None = None
        self.hide()

    def track(self, job_id: int | None, receipt_no: str, *, copy: bool) -> None:
        self.job_id, self.receipt_no, self.copy = job_id, receipt_no, copy
        self._show("waiting" if job_id is not None else "none")
        service = self._service()

        def work(_grant: Any) -> tuple[Any, str]:
            queue = getattr(service, "print_queue", None)
            return queue, counter_receipts.receipt_state(queue, job_id)

        self._call(work, lambda result: self._known(job_id, *result))

    def _known(self, job_id: int | None, queue: Any, state: str) -> None:
        if job_id != self.job_id:
            return  # a newer receipt is being followed
        if queue is not None and self._events is None:
            self._events = QueueSignal(queue, self)
            self._events.changed.connect(self._changed)
            self.track(job_id, self.receipt_no, copy=self.copy)  # what happened before we listened
            return
        self._show(state)

    def _changed(self, event: Any) -> None:
        if event.job_id is not None and event.job_id == self.job_id and event.state:
            self._show(counter_receipts.COUNTER_STATE.get(event.state, "failed"))

    def _show(self, state: str) -> None:
        self.state = state
        texts = {
            "waiting": (self.tr("Receipt %1: printing…"), "ok"),
            "printed": (self.tr("Receipt %1 printed. F2 prints a copy."), "ok"),
            "failed": (self.tr("Receipt %1 did not print: check the printer, then press F2 to "
                               "print it again."), "error"),
            "none": (self.tr("Receipt %1: no printer, nothing was printed."), "subtle"),
        }
        text, kind = texts.get(state, texts["failed"])
        if self.copy:
            text = {"waiting": self.tr("Copy of receipt %1: printing…"),
                    "printed": self.tr("Copy of receipt %1 printed.")}.get(state, text)
        self.setText(text.replace("%1", self.receipt_no))
        if self.property("kind") != kind:
            self.setProperty("kind", kind)
            self.style().unpolish(self)
            self.style().polish(self)
        self.setVisible(bool(self.receipt_no))
