"""Pick-up: resolving a flagged endless-aisle order (订货：来源缺货), by keys.

F11 opens the sites with every line available (as last pulled; Up / Down, Enter orders it
from the one chosen, Esc keeps the order as it is); Shift+F11 cancels it for a reason and
refunds the customer (a role that needs a manager gets the approval dialog): the part paid
in cash is paid from this till's drawer (its slip opens the drawer), the rest by HQ. Both run
through ``ops.pickup`` (services/aisle_resolution.py) on the database thread. An order whose
resolution HQ refused is listed again with HQ's reason (services/aisle_state.py), and the
manager's list of pick-up conflicts names it (:func:`conflict_text`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from store_client import store_time
from store_client.services.errors import ServiceError
from store_client.ui.automation import named
from store_client.ui.checkout.dialogs import PromptDialog, reason_of
from store_client.ui.checkout.formatting import money_text
from store_client.ui.i18n import money_locale
from store_client.ui.service_messages import service_error_text

if TYPE_CHECKING:
    from store_client.services.aisle_resolution import Alternative
    from store_client.services.pickup_views import ConflictView, OrderView


def refusal_text(code: str) -> str:
    """HQ's refusal of a resolution, in the till's language (ui/service_messages.py)."""
    return service_error_text(ServiceError(code, code=code))


def conflict_text(conflict: ConflictView) -> str:
    """What the manager is told of a pick-up step HQ refused (docs/pickup.md)."""
    if conflict.kind.startswith("aisle."):
        return refusal_text(conflict.code)
    if conflict.code == "pickup.cancelled":
        return QCoreApplication.translate("PickupScreen", "handed over, but the order had been cancelled online and "
                                          "refunded: get the goods back or take payment.")
    if conflict.code == "pickup.already_collected":
        return QCoreApplication.translate("PickupScreen", "handed over here, but another till had handed "
                                          "it over first: check who took the goods.")
    if conflict.code == "pickup.not_collected":
        return QCoreApplication.translate("PickupScreen", "handed over after its hold period, when it had been "
                                          "refunded: get the goods back or take payment.")
    return QCoreApplication.translate("PickupScreen", "HQ refused a pick-up step: check the order with HQ.")


class ResourceDialog(QDialog):
    """The sites that could supply the order; Enter takes the highlighted one. Emits its id."""

    chosen = Signal(str)

    def __init__(self, order_no: str, options: list[Alternative], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pickup.resource.dialog")
        self.setWindowTitle(self.tr("Order %1 from elsewhere").replace("%1", order_no))
        self.setModal(True)
        heading = QLabel(self.windowTitle(), self)
        heading.setObjectName("pickup.resource.title")
        heading.setProperty("kind", "title")
        self.sites = named(QListWidget(self), "pickup.resource.sites", self.tr("Sites with every item available"))
        for option in options:
            item = QListWidgetItem(self._text(option), self.sites)
            item.setData(Qt.ItemDataRole.UserRole, option.site_id)
        note = QLabel(self.tr("No other store or warehouse has every item: cancel the order and refund it.")
                      if not options else self.tr("Up / Down to choose, Enter to order from it, Esc to keep."), self)
        note.setObjectName("pickup.resource.note")
        note.setWordWrap(True)
        self.ok = named(QPushButton(self.tr("Order from it"), self), "pickup.resource.ok",
                        self.tr("Order it from the chosen site"))
        self.ok.setDefault(True)
        self.ok.setProperty("primary", True)
        self.ok.setEnabled(bool(options))
        self.cancel = named(QPushButton(self.tr("Keep"), self), "pickup.resource.cancel",
                            self.tr("Keep the order as it is"))
        self.ok.clicked.connect(self._take)
        self.cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.ok)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addWidget(self.sites, 1)
        layout.addWidget(note)
        layout.addLayout(buttons)
        self.setMinimumSize(520, 320)
        if options:
            self.sites.setCurrentRow(0)
        self.sites.itemActivated.connect(lambda _item: self._take())
        self.sites.setFocus(Qt.FocusReason.OtherFocusReason)

    def _text(self, option: Alternative) -> str:
        kind = self.tr("store") if option.kind == "store" else self.tr("warehouse")
        distance = "" if option.distance_m is None else " · " + self.tr("%1 km").replace(
            "%1", f"{option.distance_m / 1000:.1f}")
        text = self.tr("%1 (%2)%3 · %4 available · by %5").replace("%1", option.name).replace("%2", kind).replace(
            "%3", distance).replace("%4", str(option.available)).replace("%5", store_time.minutes(option.promised_at)[:10])
        return text if option.fresh else text + " · " + self.tr("older than 10 min")

    def _take(self) -> None:
        item = self.sites.currentItem()
        if item is None:
            return
        self.chosen.emit(str(item.data(Qt.ItemDataRole.UserRole)))
        self.accept()


class FlaggedActions(QObject):
    """The two actions of the Pick-up screen on a flagged endless-aisle order."""

    def __init__(self, screen: Any) -> None:  # the PickupScreen (not imported: no circle)
        super().__init__(screen)
        self.screen = screen
        self.dialog: QDialog | None = None

    def state_text(self, order: OrderView) -> str:
        """The order's state on the screen; a flagged order says so, with HQ's refusal if any."""
        if not order.aisle_problem:
            return self.screen.state_text(order.state)
        if order.aisle_refusal:
            return self.screen.state_text("aisle_refused") + " — " + refusal_text(order.aisle_refusal)
        return self.screen.state_text("aisle_short")

    def _order(self):  # type: ignore[no-untyped-def]
        order = self.screen.current
        return order if order is not None and order.aisle_problem and self.dialog is None else None

    def _opened(self, dialog: QDialog) -> None:
        self.dialog = dialog

        def finished(_code: int) -> None:
            self.dialog = None
            dialog.deleteLater()
            self.screen.activateWindow()  # the keys go on on the screen
            self.screen.queue_table.setFocus()

        dialog.finished.connect(finished)
        dialog.open()

    def resource(self) -> None:
        order = self._order()
        if order is None:
            return
        self.screen.ops.alternatives(order_id=order.order_id).run(
            self.screen, success=lambda options: self._choose(order, options), failure=self._error)

    def _choose(self, order, options: list[Alternative]) -> None:  # type: ignore[no-untyped-def]
        if self.dialog is not None:
            return
        dialog = ResourceDialog(order.order_no, [o for o in options if o.enough], self.screen)
        dialog.chosen.connect(lambda site_id: self.screen.ops.resource(order_id=order.order_id, site_id=site_id).run(
            self.screen, success=lambda chosen: self._done(self.tr("%1 is ordered from %2 now.").replace(
                "%1", order.order_no).replace("%2", chosen.name)), failure=self._error))
        self._opened(dialog)

    def cancel(self) -> None:
        order = self._order()
        if order is None:
            return
        dialog = PromptDialog("pickup.cancelFlagged", self.tr("Cancel %1 and refund the customer").replace(
            "%1", order.order_no), self.tr("Reason"), parse=reason_of(self.tr("Give a reason (at least 3 characters).")),
            ok_text=self.tr("Cancel and refund"), parent=self.screen)
        text = self.tr("cancel the endless-aisle order %1 and refund it").replace("%1", order.order_no)
        dialog.accepted_value.connect(lambda reason: self.screen.ops.cancel_flagged(
            order_id=order.order_id, reason=str(reason), action_text=text).run(
            self.screen, success=lambda paid: self._done(self._cancelled_text(order.order_no, *paid)),
            failure=self._error))
        self._opened(dialog)

    def _cancelled_text(self, order_no: str, refund: int, cash: int) -> str:
        def money(fen: int) -> str:
            return money_text(fen, "CNY", money_locale(self.screen.lang))

        if not cash:
            return self.tr("%1 is cancelled: HQ refunds %2.").replace("%1", order_no).replace("%2", money(refund))
        text = self.tr("%1 is cancelled: give the customer %2 in cash from the drawer.").replace(
            "%1", order_no).replace("%2", money(cash))
        if refund > cash:
            text += " " + self.tr("HQ refunds the other %1 to the original payment.").replace("%1", money(refund - cash))
        return text

    def _done(self, text: str) -> None:
        self.screen._say(text)
        self.screen.current = None
        self.screen.refresh()

    def _error(self, error: BaseException) -> None:
        self.screen.message.setText(service_error_text(error))
        self.screen.message.setProperty("kind", "error")
