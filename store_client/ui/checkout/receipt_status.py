"""The checkout's line about the last receipt: printing, printed, or did not print.

It asks the receipt's print-job state when a sale completes or a receipt is sent
again, and again whenever the change hub says the print queue changed (the queue's
worker announces every job it prints, holds or gives up on).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:
    from store_client.ui.operations import Changes, Op
    from store_client.ui.operations.changes import ChangeHub
    from store_client.ui.operations.checkout import CheckoutOps


class ReceiptStatus(QLabel):
    """``state`` is "none", "waiting", "printed" or "failed"; hidden until a sale completes."""

    def __init__(self, ops: CheckoutOps, hub: ChangeHub,
                 call: Callable[[Op[str], Callable[[str], object]], None],
                 parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setObjectName("checkout.receiptStatus")
        self.setWordWrap(True)
        self._ops, self._call = ops, call
        self.state = "none"
        self.job_id: int | None = None
        self.receipt_no, self.copy = "", False
        hub.changed.connect(self._changed)
        self.hide()

    def track(self, job_id: int | None, receipt_no: str, *, copy: bool) -> None:
        self.job_id, self.receipt_no, self.copy = job_id, receipt_no, copy
        self._show("waiting" if job_id is not None else "none")
        self._ask()

    def _ask(self) -> None:
        job_id = self.job_id
        self._call(self._ops.receipt_state(job_id=job_id),
                   lambda state: self._show(state) if job_id == self.job_id else None)

    def _changed(self, changes: Changes, _initiator: object) -> None:
        if changes.print_queue and self.job_id is not None and self.state != "printed":
            self._ask()

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
