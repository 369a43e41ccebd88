"""How the Pick-up screen keeps its queue current (docs/pickup.md): read every second while
in front; behind another screen (a cashier selling), read when a change is announced and
every HIDDEN_READ_S seconds, with what is due worked out again each second from the last
read. New orders and orders falling due are told once each (banner and beep), and the count
due or late goes to the status bar whatever screen is in front.

A part of :class:`~store_client.ui.screens.pickup_screen.PickupScreen` (its widgets and
state); its strings are the screen's, under the screen's translation context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from store_client.domain import pickup as pk
from store_client.ui.screens.pickup_aisle import conflict_text
from store_client.ui.screens.pickup_queue import same_rows
from store_client.ui.service_messages import service_error_text

if TYPE_CHECKING:
    from store_client.services.pickup_views import ConflictView, QueueItem
    from store_client.ui.operations import Changes

# Seconds between reads of the queue while another screen is in front (the checkout): a
# read parses every open order, and on the database thread it held up the scans behind it.
# Announced changes (orders pulled from HQ, a step at this till) are read at once.
HIDDEN_READ_S = 15


class QueueReading:
    """Reading the queue and telling the till what is new or due (mixed into PickupScreen)."""

    def _tick(self) -> None:
        """Every second. In front, the queue is read again (the countdown, the picking).
        Behind another screen it is read when a change is announced (orders pulled from HQ,
        a step here) and every HIDDEN_READ_S seconds; in between, what is due is worked out
        again from what was read, without the database."""
        self._unread_ticks += 1
        if self.isVisible() or self._unread_ticks >= HIDDEN_READ_S:
            self.refresh()
            return
        urgent = self._urgent(self.items)
        self._announce(urgent)
        self._warn_late(urgent)

    def _changed(self, changes: Changes, _initiator: object) -> None:
        if changes.pickup:
            self.refresh()

    def refresh(self) -> None:
        if self._busy:
            return
        self._unread_ticks = 0
        self._busy = True
        try:
            self.ops.queue().run(self, success=self._show_queue, failure=self._read_failed)
            if self._ticks % 5 == 0:
                self.ops.conflicts().run(self, success=self._show_conflicts)
            self._ticks += 1
        except RuntimeError:  # the task manager is shut down: the app is closing
            self._busy = False

    def _urgent(self, items: list[QueueItem]) -> list[QueueItem]:
        """The orders still to pick that are due within 15 minutes or late, as of now."""
        now = self.now()
        return [i for i in items
                if i.state in pk.STILL_TO_PICK and any(pk.urgency(i.promised_at, now))]

    def _warn_late(self, urgent: list[QueueItem]) -> bool:
        """Announce (once each) the ``urgent`` orders not announced yet; True if any were."""
        late = [i for i in urgent if i.order_id not in self.alerted]
        if not late:
            return False
        self.alerted |= {i.order_id for i in late}
        self.banner.setText(QCoreApplication.translate(
            "PickupScreen", "Not ready and due within 15 minutes: %1").replace(
                "%1", self._order_list(late)))
        self.banner.show()
        QApplication.beep()
        return True

    def _announce(self, urgent: list[QueueItem]) -> None:
        """The status bar's count of ``urgent`` orders (due soon or late)."""
        due = len(urgent)
        text = QCoreApplication.translate("PickupScreen", "Pick-up: %1 due or late").replace(
            "%1", str(due)) if due else ""
        if text != self._attention:
            self._attention = text
            self.attention.emit(text)

    def _order_list(self, items: list[QueueItem], shown: int = 3) -> str:
        """A few order numbers, then how many more (a banner naming 300 orders helps nobody
        and took 50 ms to lay out)."""
        text = ", ".join(i.order_no for i in items[:shown])
        if len(items) > shown:
            text += QCoreApplication.translate("PickupScreen", " and %1 more").replace(
                "%1", str(len(items) - shown))
        return text

    def _show_conflicts(self, conflicts: list[ConflictView]) -> None:
        """HQ refused a step this till made (docs/pickup.md): a manager sorts it out."""
        lines = [QCoreApplication.translate("PickupScreen", "%1: %2").replace(
            "%1", c.order_no).replace("%2", conflict_text(c)) for c in conflicts]
        self.conflicts.setText("\n".join(
            [QCoreApplication.translate("PickupScreen", "Needs a manager:")] + lines))
        self.conflicts.setVisible(bool(conflicts))

    def _read_failed(self, error: BaseException) -> None:
        self._busy = False
        self.message.setText(service_error_text(error))

    def _show_queue(self, items: list[QueueItem]) -> None:
        self._busy = False
        urgent = self._urgent(items)
        self._announce(urgent)
        ids = {i.order_id for i in items}
        new = [] if self.known is None else [i for i in items if i.order_id not in self.known
                                             and i.state == "accepted"]
        self.known = ids | (self.known or set())
        if new:
            self.alerted |= {i.order_id for i in urgent}  # said with the new ones
            self.banner.setText(QCoreApplication.translate(
                "PickupScreen", "New online order: %1").replace("%1", self._order_list(new)))
            self.banner.show()
            QApplication.beep()
        else:  # 15 minutes from the promise and not ready
            self._warn_late(urgent)
        if same_rows(items, self.items):
            self.items = items  # only the countdown moved: one column is redrawn
            self.queue_model.tick(items)
            return
        selected = self.selected_order_id()
        selection = self.queue_table.selectionModel()
        rows = selection.selectedRows()
        selected_row = rows[0].row() if rows else None
        self.items = items
        selection.blockSignals(True)
        self.queue_model.set_items(items)
        row = self.queue_model.row_of(selected) if selected is not None else None
        if row is None and selected_row is not None and items:
            row = min(selected_row, len(items) - 1)  # that order left: the one now in its place
        if row is not None:
            self.queue_table.selectRow(row)
        selection.blockSignals(False)
        if self.selected_order_id() is None and items and self.current is None:
            self.queue_table.selectRow(0)
        else:
            self._selected()  # the selected row may now hold another order
