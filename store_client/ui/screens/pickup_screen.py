"""自提 Pick-up: the queue of online orders for this store, picking, and the hand-over.

The queue (soonest promise first, with a live countdown; due-soon and overdue orders marked)
is kept current by :mod:`.pickup_reading`: an order not seen before raises the banner (and a
beep). Scans (or a code typed into the
scan field and Enter) pick the selected order's items; a pick-up QR finds its order and
Enter hands it over. The 6-digit code with the phone's last 4 digits works the same way.

Keys: F2 start picking · F3 short (out of stock) · F4 damaged · F5 ready · F6 code entry ·
F7 pick list and bag label · F8 pick a typed quantity (units, or grams) · F9 substitute
(when the order allows it) · F10 the customer gives the selected line back at the counter ·
Enter in the empty scan field hands over the order found.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from store_client.domain.pickup_codes import looks_like_qr
from store_client.ui import keymap
from store_client.ui.automation import named
from store_client.ui.checkout.dialogs import PromptDialog
from store_client.ui.screen_spec import ScreenContext, ScreenSpec, register
from store_client.ui.screens.pickup_aisle import FlaggedActions
from store_client.ui.screens.pickup_dialogs import RefuseDialog, reason_text
from store_client.ui.screens.pickup_queue import PickupQueueModel
from store_client.ui.screens.pickup_reading import QueueReading
from store_client.ui.service_messages import service_error_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QDialog

    from store_client.services.pickup_views import (
        OrderView,
        PickLine,
        PickResult,
        QueueItem,
    )
    from store_client.ui.operations import ChangeHub
    from store_client.ui.operations.pickup import PickupOps



class PickupScreen(QueueReading, QWidget):
    #: For the status bar, whatever screen is in front: orders due within 15 minutes or late
    #: and not ready ("" when none). The main window shows it.
    attention = Signal(str)

    def __init__(self, ops: PickupOps, *, locale: str = "zh_CN",
                 now: Callable[[], datetime] | None = None, hub: ChangeHub | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pickup.screen")
        self.ops, self.lang = ops, locale
        self.now = now or (lambda: datetime.now(UTC))
        self.items: list[QueueItem] = []
        self.known: set[str] | None = None  # order ids seen; None until the first read
        self.alerted: set[str] = set()  # orders already announced as due soon / overdue
        self._ticks = 0
        self._unread_ticks = 0  # seconds since the queue was last read
        self.current: OrderView | None = None
        self.proof: dict[str, str] | None = None  # the hand-over proof checked for current
        self.refused: dict[int, tuple[int, str]] = {}  # given back at the counter: line -> (qty, why)
        self.dialog: QDialog | None = None
        self._busy = False
        self._attention = ""

        title = QLabel(self.tr("Pick-up"), self)
        title.setProperty("kind", "title")
        self.banner = named(QLabel(self), "pickup.banner", self.tr("New order"))
        self.banner.setProperty("kind", "banner")
        self.banner.setStyleSheet("background: #ffe08a; padding: 6px; font-weight: bold;")
        self.banner.hide()
        self.message = named(QLabel(self), "pickup.message", self.tr("Message"))
        self.message.setWordWrap(True)
        self.conflicts = named(QLabel(self), "pickup.conflicts",
                               self.tr("Pick-up conflicts for the manager"))
        self.conflicts.setWordWrap(True)
        self.conflicts.setStyleSheet("background: #ffd6d6; padding: 6px;")
        self.conflicts.hide()

        self.queue_model = PickupQueueModel([
            self.tr("Order"), self.tr("Customer"), self.tr("State"), self.tr("Done"),
            self.tr("Time left")], self.state_text, self.time_left_text, self)
        queue_view = QTableView(self)
        queue_view.setModel(self.queue_model)  # first: the header's sections come from it
        self.queue_table = self._table("pickup.queue", self.tr("Pick-up queue"),
                                       self.queue_model.columnCount(), stretch=1, view=queue_view)
        self.queue_table.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        self.order_label = named(QLabel(self), "pickup.order", self.tr("Order"))
        self.order_label.setWordWrap(True)  # a flagged order says HQ's refusal in full (pickup_aisle.py)
        self.lines_table = QTableWidget(0, 4, self)
        self.lines_table.setHorizontalHeaderLabels([
            self.tr("Item"), self.tr("Ordered"), self.tr("Picked"), self.tr("Short")])
        self._table("pickup.lines", self.tr("Order lines"), 4, stretch=0, view=self.lines_table)

        self.scan_input = named(QLineEdit(self), "pickup.scanInput",
                                self.tr("Scan or type an item or a pick-up QR code"))
        self.scan_input.setPlaceholderText(self.tr("Scan an item or the customer's QR code"))
        self.scan_input.returnPressed.connect(self._scan_entered)

        keyed: list[tuple[str, QPushButton]] = []

        def button(name: str, text: str, spoken: str, slot: Callable[[], object],
                   key: str) -> QPushButton:
            """A button with its screen key (docs/keyboard.md): the key presses the button."""
            b = named(QPushButton(text, self), f"pickup.{name}", spoken)
            b.clicked.connect(slot)
            keyed.append((key, b))
            return b

        self.start_button = button("start", self.tr("Start picking"),
                                   self.tr("Start picking the selected order"), self.start, "F2")
        self.short_button = button("short", self.tr("Out of stock"),
                                   self.tr("Mark the line short: out of stock"),
                                   lambda: self.short("out_of_stock"), "F3")
        self.damaged_button = button("damaged", self.tr("Damaged"),
                                     self.tr("Mark the line short: damaged"),
                                     lambda: self.short("damaged"), "F4")
        self.ready_button = button("ready", self.tr("Ready"), self.tr("Mark the order ready"),
                                   self.ready, "F5")
        self.print_button = button("printPickList", self.tr("Pick list"),
                                   self.tr("Print the pick list and the bag label"),
                                   self.print_pick_list, "F7")
        self.code_button = button("codeEntry", self.tr("Code"),
                                  self.tr("Hand over by the pick-up code"), self.enter_code, "F6")
        self.quantity_button = button("quantity", self.tr("Quantity"),
                                      self.tr("Pick a typed quantity of the selected line"),
                                      self.pick_quantity, "F8")
        self.substitute_button = button("substitute", self.tr("Substitute"),
                                        self.tr("Pick a substitute for the selected line"),
                                        self.substitute, "F9")
        self.refuse_button = button("refuse", self.tr("Given back"),
                                    self.tr("The customer gives the selected line back"),
                                    self.refuse, "F10")
        self.flagged = FlaggedActions(self)  # a flagged endless-aisle order (pickup_aisle.py)
        self.resource_button = button("resource", self.tr("Re-source"),
                                      self.tr("Order the flagged order from another store or the warehouse"),
                                      self.flagged.resource, "F11")
        self.cancel_flagged_button = button("cancelFlagged", self.tr("Cancel + refund"),
                                            self.tr("Cancel the flagged order and refund the customer"),
                                            self.flagged.cancel, "Shift+F11")
        keymap.keyed_buttons(self, sorted(keyed, key=lambda pair: (pair[0].startswith("Shift"),
                                                                    int(pair[0].rsplit("F", 1)[1]))))

        self.code_input = named(QLineEdit(self), "pickup.code", self.tr("Pick-up code (6 digits)"))
        self.code_input.setMaxLength(6)
        self.phone_input = named(QLineEdit(self), "pickup.phone4",
                                 self.tr("Last 4 digits of the customer's phone"))
        self.phone_input.setMaxLength(4)
        self.phone_input.returnPressed.connect(self.find_by_code)
        self.proxy_name = named(QLineEdit(self), "pickup.proxyName",
                                self.tr("Collector's name (proxy pick-up)"))
        self.proxy_id = named(QLineEdit(self), "pickup.proxyId",
                              self.tr("Last 4-6 characters of the collector's ID"))
        self.hand_button = named(QPushButton(self.tr("Hand over (Enter)"), self),
                                 "pickup.handOver", self.tr("Hand the order over"))
        self.hand_button.clicked.connect(self.hand_over)

        buttons = QHBoxLayout()
        for b in (self.start_button, self.ready_button, self.print_button, self.resource_button,
                  self.cancel_flagged_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        line_actions = QHBoxLayout()  # what acts on the selected line: a row of its own
        for b in (self.quantity_button, self.substitute_button, self.short_button,
                  self.damaged_button):
            line_actions.addWidget(b)
        line_actions.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("Code"), self.code_input)
        form.addRow(self.tr("Phone (last 4)"), self.phone_input)
        form.addRow(self.tr("Proxy: name"), self.proxy_name)
        form.addRow(self.tr("Proxy: ID tail"), self.proxy_id)
        hand = QVBoxLayout()
        hand.addWidget(self.code_button)
        hand.addLayout(form)
        hand.addWidget(self.refuse_button)
        hand.addWidget(self.hand_button)
        hand.addStretch(1)
        detail = QVBoxLayout()
        detail.addWidget(self.order_label)
        detail.addWidget(self.lines_table, 1)
        body = QHBoxLayout()
        body.addWidget(self.queue_table, 5)  # five columns: it needs the most room
        body.addLayout(detail, 3)
        body.addLayout(hand, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.banner)
        layout.addWidget(self.conflicts)
        layout.addWidget(self.scan_input)
        layout.addLayout(buttons)
        layout.addLayout(line_actions)
        layout.addWidget(self.message)
        layout.addLayout(body, 1)

        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        if hub is not None:
            hub.changed.connect(self._changed)
        self._update_buttons()
        self.refresh()

    def _table(self, name: str, spoken: str, columns: int, stretch: int,
               view: QTableView) -> QTableView:
        """A read-only row table; column ``stretch`` takes the spare width, the others are as
        wide as their header and the visible rows (so no header is cut on a 1024 px screen,
        and 500 rows are not all measured on each refresh)."""
        table = named(view, name, spoken)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = table.horizontalHeader()
        header.setResizeContentsPrecision(0)  # the visible rows only
        for column in range(columns):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == stretch
                                        else QHeaderView.ResizeMode.ResizeToContents)
        return table

    # -- the queue -------------------------------------------------------------------------------
    def activated(self) -> None:
        self.refresh()
        self.scan_input.setFocus()

    def time_left_text(self, item: QueueItem) -> str:
        if item.state in ("ready", "not_collected", "aisle_short"):
            return "—"
        seconds = int((item.promised_at - self.now()).total_seconds())
        sign = "-" if seconds < 0 else ""
        seconds = abs(seconds)
        return f"{sign}{seconds // 60:02d}:{seconds % 60:02d}"

    def state_text(self, state: str) -> str:
        return {"accepted": self.tr("to pick"), "picking": self.tr("picking"),
                "ready": self.tr("ready for pick-up"), "not_collected": self.tr("to restock"),
                "collected": self.tr("collected"), "partially_collected": self.tr("partly collected"),
                "cancelled": self.tr("cancelled"),
                "aisle_short": self.tr("ordered item: source out of stock"),
                "aisle_refused": self.tr("ordered item: HQ refused, resolve it again")}.get(state, state)

    def selected_order_id(self) -> str | None:
        rows = self.queue_table.selectionModel().selectedRows()
        return self.queue_model.order_id(rows[0].row()) if rows else None

    def _selected(self) -> None:
        order_id = self.selected_order_id()
        if self.proof is not None and self.queue_table.hasFocus() is False:
            return  # an order found for hand-over stays until it is handed over or left
        if order_id is not None and (self.current is None or self.current.order_id != order_id):
            self.banner.hide()
            self.ops.order(order_id=order_id).run(self, success=self._show_order,
                                                  failure=self._error)

    # -- one order -------------------------------------------------------------------------------
    def _show_order(self, order: OrderView) -> None:
        if self.proof is not None and self.proof["order_id"] != order.order_id:
            self.proof = None
        self.current = order
        self.order_label.setText(self.tr("%1 · %2 · %3").replace("%1", order.order_no)
                                 .replace("%2", order.member_name)
                                 .replace("%3", self.flagged.state_text(order)))
        self.lines_table.setRowCount(len(order.lines))
        for row, line in enumerate(order.lines):
            name = line.name_zh if self.lang.startswith("zh") else line.name_en
            unit = "g" if line.unit == "kg" else ""
            short = {"out_of_stock": self.tr("out of stock"), "damaged": self.tr("damaged")}.get(
                line.short_reason or "", "")
            if line.substitute_sku:
                short = self.tr("substitute %1").replace("%1", line.substitute_sku)
            if line.line_no in self.refused and self.proof is not None:
                qty, why = self.refused[line.line_no]
                short = self.tr("given back %1: %2").replace("%1", f"{qty}{unit}").replace(
                    "%2", reason_text(why))
            for col, value in enumerate((name, f"{line.qty}{unit}", f"{line.picked}{unit}", short)):
                self.lines_table.setItem(row, col, QTableWidgetItem(value))
        if order.lines and not self.lines_table.selectionModel().selectedRows():
            self.lines_table.selectRow(next((i for i, line in enumerate(order.lines)
                                             if not line.done), 0))
        self._update_buttons()

    def _update_buttons(self) -> None:
        state = self.current.state if self.current else None
        flagged = self.current is not None and bool(self.current.aisle_problem) and state in ("accepted", "picking")
        self.start_button.setEnabled(state == "accepted" and not flagged)  # nothing to pick here
        for b in (self.short_button, self.damaged_button, self.ready_button):
            b.setEnabled(state == "picking")
        self.hand_button.setEnabled(self.proof is not None)
        self.refuse_button.setEnabled(self.proof is not None)
        self.quantity_button.setEnabled(state == "picking")
        self.substitute_button.setEnabled(state == "picking" and self.current is not None
                                          and self.current.allow_substitution)
        self.print_button.setEnabled(state in ("accepted", "picking"))
        self.resource_button.setEnabled(flagged)
        self.cancel_flagged_button.setEnabled(flagged)

    def _error(self, error: BaseException) -> None:
        self.message.setText(service_error_text(error))
        self.message.setProperty("kind", "error")

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setProperty("kind", "")

    def start(self) -> None:
        if self.current is not None and self.current.state == "accepted":
            self.ops.start_picking(order_id=self.current.order_id).run(
                self, success=self._started, failure=self._error)

    def _started(self, order: OrderView) -> None:
        self._show_order(order)
        self._say(self.tr("Picking %1: scan each item.").replace("%1", order.order_no))
        self.scan_input.setFocus()

    def _selected_line(self) -> PickLine | None:
        rows = self.lines_table.selectionModel().selectedRows()
        if self.current is None or not rows or rows[0].row() >= len(self.current.lines):
            return None
        return self.current.lines[rows[0].row()]

    def _line_name(self, line: PickLine) -> str:
        return line.name_zh if self.lang.startswith("zh") else line.name_en

    def _open(self, dialog: QDialog, on_value: Callable[[object], object]) -> None:
        """Window-modal; scans wait until it is closed."""
        self.dialog = dialog
        dialog.accepted_value.connect(on_value)  # type: ignore[attr-defined]

        def finished(_code: int) -> None:
            if self.dialog is dialog:
                self.dialog = None
            dialog.deleteLater()
            if self.isVisible():
                # the keyboard comes back to the screen (some window systems leave it nowhere)
                self.window().activateWindow()
            self.scan_input.setFocus()

        dialog.finished.connect(finished)
        dialog.open()

    def short(self, reason: str) -> None:
        line = self._selected_line()
        if self.current is None or line is None or self.current.state != "picking":
            return
        self.ops.short(order_id=self.current.order_id, line_no=line.line_no, reason=reason).run(
            self, success=self._show_order, failure=self._error)

    def pick_quantity(self) -> None:
        """Count a typed quantity (12 bottles without 12 scans; grams for a weighed line)."""
        line = self._selected_line()
        if self.current is None or line is None or self.current.state != "picking":
            return
        grams = line.unit == "kg"
        order_id, line_no = self.current.order_id, line.line_no
        dialog = PromptDialog("pickup.quantityEntry", self.tr("Pick %1").replace("%1", self._line_name(line)),
                              self.tr("Grams") if grams else self.tr("Units"),
                              parse=self._positive, parent=self)
        self._open(dialog, lambda qty: self.ops.pick_quantity(
            order_id=order_id, line_no=line_no, qty=int(qty)).run(  # type: ignore[call-overload]
                self, success=self._picked, failure=self._error))

    def _positive(self, text: str) -> int:
        if not text.strip().isdigit() or not 0 < int(text) <= 999_999:
            raise ValueError(self.tr("Type a whole number above 0."))
        return int(text)

    def substitute(self) -> None:
        line = self._selected_line()
        if self.current is None or line is None or self.current.state != "picking":
            return
        if not self.current.allow_substitution:
            self._say(self.tr("The customer did not allow substitutes on this order."))
            return
        order_id, line_no = self.current.order_id, line.line_no
        dialog = PromptDialog("pickup.substituteEntry",
                              self.tr("Substitute for %1").replace("%1", self._line_name(line)),
                              self.tr("Scan the substitute"), parse=self._code, parent=self)
        self._open(dialog, lambda code: self.ops.substitute(
            order_id=order_id, line_no=line_no, code=str(code)).run(
                self, success=self._substituted, failure=self._error))

    def _code(self, text: str) -> str:
        if not text.strip():
            raise ValueError(self.tr("Scan or type the substitute's code."))
        return text.strip()

    def _substituted(self, order: OrderView) -> None:
        self._show_order(order)
        self._say(self.tr("Substitute picked for %1.").replace("%1", order.order_no))

    def refuse(self) -> None:
        """The customer gives a line back at the counter: HQ refunds it at the hand-over."""
        line = self._selected_line()
        if self.proof is None or self.current is None or line is None:
            return
        most = min(line.picked, line.qty)
        if most <= 0:
            self._say(self.tr("Nothing of that line was picked."))
            return
        dialog = RefuseDialog(self._line_name(line), most, "g" if line.unit == "kg" else "", self)
        line_no = line.line_no

        def take(value: object) -> None:
            qty, why = value  # type: ignore[misc]
            self.refused[line_no] = (int(qty), str(why))
            if self.current is not None:
                self._show_order(self.current)
            self._say(self.tr("Given back: %1. Enter hands over the rest.").replace(
                "%1", self._line_name(line)))

        self._open(dialog, take)

    def print_pick_list(self) -> None:
        if self.current is not None:
            order_no = self.current.order_no
            self.ops.print_pick_list(order_id=self.current.order_id).run(
                self, success=lambda _job: self._say(self.tr("Pick list for %1 sent to the printer.")
                                                     .replace("%1", order_no)),
                failure=self._error)

    def ready(self) -> None:
        if self.current is not None and self.current.state == "picking":
            self.ops.mark_ready(order_id=self.current.order_id).run(
                self, success=self._made_ready, failure=self._error)

    def _made_ready(self, order: OrderView) -> None:
        self._show_order(order)
        self._say(self.tr("%1 is ready: HQ tells the customer.").replace("%1", order.order_no))

    # -- scans and the hand-over ------------------------------------------------------------------
    def _scan_entered(self) -> None:
        text = self.scan_input.text().strip()
        self.scan_input.clear()
        if not text:
            if self.proof is not None:
                self.hand_over()
            return
        self.handle_scan(text)

    def handle_scan(self, code: str) -> None:
        """A scanner burst (from the app's wedge filter) or a code typed into the scan field."""
        if self.dialog is not None and self.dialog.isVisible():
            if isinstance(self.dialog, PromptDialog):  # the substitute's code, scanned
                self.dialog.input.setText(code)
                self.dialog.attempt()
            return
        if looks_like_qr(code):
            self.proof = None
            self.ops.find_by_qr(qr=code).run(
                self, success=lambda order: self._found(order, {"qr": code}), failure=self._error)
        elif self.current is not None and self.current.state == "picking":
            self.ops.scan_pick(order_id=self.current.order_id, code=code).run(
                self, success=self._picked, failure=self._error)
        else:
            self._say(self.tr("Select an order and start picking (F2) before scanning items."))

    def _picked(self, result: PickResult) -> None:
        self._show_order(result.order)
        line = next(line for line in result.order.lines if line.line_no == result.line_no)
        self.lines_table.selectRow(result.order.lines.index(line))
        self._say(self.tr("%1: %2 of %3").replace("%1", line.name_zh if self.lang.startswith("zh")
                                                  else line.name_en)
                  .replace("%2", str(line.picked)).replace("%3", str(line.qty)))

    def enter_code(self) -> None:
        self.code_input.clear()
        self.phone_input.clear()
        self.code_input.setFocus()

    def enter_scanned_code(self, code: str) -> None:
        """A pick-up code scanned elsewhere (the checkout): entered here, the phone's digits next."""
        self.phone_input.clear()
        if len(code) > self.code_input.maxLength():  # longer than this store's codes
            self.code_input.clear()
            self.code_input.setFocus()
            self._say(self.tr("%1 is not a pick-up code of this store: type the code from the "
                              "customer's message.").replace("%1", code))
            return
        self.code_input.setText(code)
        self.phone_input.setFocus()
        self._say(self.tr("Pick-up code %1: type the last 4 digits of the customer's phone, "
                          "then Enter.").replace("%1", code))

    def find_by_code(self) -> None:
        code, phone4 = self.code_input.text().strip(), self.phone_input.text().strip()
        self.proof = None
        self.ops.find_by_code(code=code, phone4=phone4).run(
            self, success=lambda order: self._found(order, {"code": code, "phone4": phone4}),
            failure=self._error)

    def _found(self, order: OrderView, proof: dict[str, str]) -> None:
        self.refused = {}
        self.proof = {"order_id": order.order_id, **proof}
        self._show_order(order)
        self._say(self.tr("%1 for %2: press Enter to hand it over.").replace("%1", order.order_no)
                  .replace("%2", order.member_name))
        self.scan_input.setFocus()

    def hand_over(self) -> None:
        proof = self.proof
        if proof is None:
            return
        self.proof = None
        refused, self.refused = self.refused, {}
        self._update_buttons()
        name, tail = self.proxy_name.text().strip(), self.proxy_id.text().strip()
        self.ops.hand_over(order_id=proof["order_id"], qr=proof.get("qr"), code=proof.get("code"),
                           phone4=proof.get("phone4"), proxy_name=name or None,
                           proxy_id_tail=tail or None, refused=refused or None).run(
            self, success=self._handed_over, failure=self._error)

    def _handed_over(self, order: OrderView) -> None:
        for field in (self.code_input, self.phone_input, self.proxy_name, self.proxy_id):
            field.clear()
        self._show_order(order)
        self._say(self.tr("%1 handed over.").replace("%1", order.order_no))
        self.refresh()


def create_pickup_screen(ctx: ScreenContext) -> PickupScreen:
    return PickupScreen(ctx.ops.pickup, locale=ctx.locale, hub=ctx.ops.hub)


register(ScreenSpec("pickup", QT_TRANSLATE_NOOP("Screens", "Pick-up"), create_pickup_screen,
                    "pickup.handover", icon="pickup.svg", order=13, watches=True))
