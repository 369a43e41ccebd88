"""收银 Checkout: the screen a cashier lives in. Scanner-first; every action is a function key.

F2 … F11 are the checkout's own keys (docs/keyboard.md); Space and + pay when the
entry box is empty; Up / Down walk the cart. Ctrl+digit (other screens), F1, F12
and Ctrl+Q are global and never used here.

Scans reach :meth:`CheckoutScreen.handle_scan` from the app-wide wedge filter
(see :mod:`store_client.ui.checkout.scan_router`) wherever the focus is, or
from the item entry box (typed code + Enter). Every service call runs on the
task manager's database thread; the screen only ever shows the CartView the
backend returns (the backend persists the cart, so a restart shows it again).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from store_client.hardware.wedge import WedgeDetector
from store_client.services.errors import ServiceError
from store_client.ui import keymap
from store_client.ui.automation import named
from store_client.ui.checkout.cart_model import CartTableModel
from store_client.ui.checkout.cart_table import CartDelegate, CartTableView
from store_client.ui.checkout.dialogs import (
    ConfirmDialog,
    OverrideDialog,
    ParkedDialog,
    PromptDialog,
    reason_of,
)
from store_client.ui.checkout.exchange_bar import ExchangeBar
from store_client.ui.checkout.receipt_status import ReceiptStatus
from store_client.ui.checkout.formatting import (
    money_text,
    parse_amount,
    parse_percent,
    parse_quantity,
)
from store_client.ui.checkout.scan_router import ScanRouter
from store_client.ui.checkout.aisle_dialog import AisleDialog
from store_client.ui.checkout.search_dialog import SearchDialog
from store_client.ui.checkout.side_panel import SidePanel
from store_client.ui.checkout.tender_dialog import TenderDialog
from store_client.ui.i18n import money_locale
from store_client.ui.operations import Changes, Op
from store_client.ui.table_fit import ColumnFitter
from store_client.ui.screen_spec import ScreenContext, ScreenSpec, register
from store_client.ui.service_messages import service_error_text

if TYPE_CHECKING:
    from store_client.hardware.customer_display import CustomerDisplay
    from store_client.domain.catalog import ProductInfo
    from store_client.services.checkout_views import CartView, CompletedSale, LineView, ParkedCart
    from store_client.ui.operations.checkout import Scanned

T = TypeVar("T")
CUSTOMER_DISPLAY_LINES = 12  # the last lines the customer display shows, whatever the sale's length
STYLE = """
QLabel[kind="bigAmount"] { font-size: 26pt; font-weight: bold; color: #0b2e59; }
QLabel[kind="changeAmount"] { font-size: 22pt; font-weight: bold; color: #1b7f3b; }
QLabel[kind="totalsCaption"] { font-size: 13pt; color: #5b6472; }
QLabel[kind="totalsValue"] { font-size: 14pt; font-weight: bold; }
QLabel[kind="saleDone"] { font-size: 17pt; font-weight: bold; color: #ffffff; background: #1b7f3b;
                          border-radius: 8px; padding: 10px 16px; }
QLabel[kind="restored"] { font-size: 13pt; font-weight: bold; color: #ffffff; background: #8a4b00;
                          border-radius: 8px; padding: 8px 14px; }
QTableView#checkout\\.cart { font-size: 13pt; }
QPushButton[kind="chip"] { min-height: 44px; border-radius: 22px; background: #fff4e5;
                           border-color: #e0a040; text-align: left; }
QPushButton[kind="fkey"] { padding: 4px 8px; }
"""


class CheckoutScreen(QWidget):
    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen.checkout")
        self.setStyleSheet(STYLE)
        self._ctx = ctx
        self.ops = ctx.ops.checkout
        self.available = self.ops.available
        self.currency = ctx.config.currency
        self._locale = money_locale(ctx.locale)
        self.cart: CartView | None = None
        self.last_sale: CompletedSale | None = None
        self.dialog: QDialog | None = None  # the checkout dialog (or approval) in front, if any
        self._customer_display: CustomerDisplay | None = None
        self._display_checked = False

        self.entry = named(QLineEdit(self), "checkout.entry", self.tr("Item code"))
        self.entry.setPlaceholderText(self.tr("Scan, or type a barcode / SKU and press Enter"))
        self.entry.setProperty("routesScans", True)  # wedge bursts typed here are scans
        self.entry.setMaxLength(64)
        self.entry.returnPressed.connect(self._entry_submitted)
        self.model = CartTableModel(ctx.locale, self.currency, self)
        self.table = named(CartTableView(self), "checkout.cart", self.tr("Items in this sale"))
        self._setup_table()
        self.message = QLabel("", self)
        self.message.setObjectName("checkout.message")
        self.message.setWordWrap(True)
        self.search_offer = named(QPushButton(self.tr("Search the catalog"), self),
                                  "checkout.searchOffer", self.tr("Search the catalog for this code"))
        self.search_offer.hide()
        self.search_offer.clicked.connect(lambda: self.open_search(self._offer_text))
        self._offer_text = ""
        # What a refusal offers to do next (open a shift, take the sale over): one button.
        self.action_offer = named(QPushButton("", self), "checkout.actionOffer",
                                  self.tr("Do what the message offers"))
        self.action_offer.hide()
        self.action_offer.clicked.connect(lambda: self._offered())
        self._offered: Callable[[], object] = lambda: None
        self._last_code = ""
        self.done_banner = QLabel("", self)
        self.done_banner.setObjectName("checkout.saleComplete")
        self.done_banner.setProperty("kind", "saleDone")
        self.done_banner.hide()
        self.restored_banner = QLabel("", self)
        self.restored_banner.setObjectName("checkout.restored")
        self.restored_banner.setProperty("kind", "restored")
        self.restored_banner.setWordWrap(True)
        self.restored_banner.hide()
        self.receipt_status = ReceiptStatus(self.ops, ctx.ops.hub, self._call, self)
        self.exchange_bar = ExchangeBar(self)  # an exchange's credit, from the Returns screen
        self._first_load = True  # the first cart shown after sign-in may be one left open

        self.side = SidePanel(self.currency, self._locale, self)
        self.side.remove_member.connect(self.detach_member)
        self.side.remove_coupon.connect(self.remove_coupon)
        self._key_columns = 10
        key_bar = self._build_key_bar()
        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(self.entry)
        left.addWidget(self.restored_banner)
        left.addWidget(self.exchange_bar)
        left.addWidget(self.done_banner)
        left.addWidget(self.receipt_status)
        left.addWidget(self.table, 1)
        message_row = QHBoxLayout()
        message_row.addWidget(self.message, 1)
        message_row.addWidget(self.search_offer)
        message_row.addWidget(self.action_offer)
        left.addLayout(message_row)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addWidget(self.side)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 10)
        layout.setSpacing(8)
        layout.addLayout(body, 1)
        layout.addLayout(key_bar)
        self.setFocusProxy(self.entry)

        router_keys: dict[int, Callable[[], object]] = {}
        for action in self._actions:
            for key in action.keys:
                if key not in PAY_KEYS and action.slot is not None:
                    router_keys[_qt_key(key)] = action.slot
        detector = WedgeDetector.from_config(ctx.config)
        self.router = ScanRouter(self, detector, router_keys, tuple(_qt_key(k) for k in PAY_KEYS))
        if not self.available:
            self._say(self.tr("Selling is not available: the checkout service is not set up."), error=True)
        ctx.ops.hub.changed.connect(self._changed)
        # the cart (restored after a crash) is loaded when the screen is opened: activated()

    # -- layout --------------------------------------------------------------
    def _setup_table(self) -> None:
        table = self.table
        table.setModel(self.model)
        table.setItemDelegate(CartDelegate(self.model, table))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the entry box keeps the focus; arrows move rows
        vertical = table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(44)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # the number columns shrink together on a narrow screen; the name keeps 150 px
        # where it can (the line number goes first)
        self._columns = ColumnFitter(
            table, {0: 40, 2: 120, 3: 120, 4: 110, 5: 130}, stretch_min=150,
            floors={0: 36, 2: 104, 3: 104, 4: 100, 5: 106}, optional=0)

    def _build_key_bar(self) -> QGridLayout:
        bar = self._key_grid = QGridLayout()
        bar.setSpacing(6)
        self.key_buttons: dict[str, QPushButton] = {}
        self._actions: list[keymap.KeyAction] = []
        for keys, name, text, help_text, slot in (
                (("F2",), "reprint", self.tr("Reprint"), self.tr("Reprint the last receipt (marked as a copy)"),
                 self.reprint_last),
                (("F3",), "search", self.tr("Search"), self.tr("Search the catalog"), self.open_search),
                (("F4",), "quantity", self.tr("Qty"), self.tr("Change the quantity of the selected line"),
                 self.change_quantity),
                (("F5",), "member", self.tr("Member"), self.tr("Attach a member"), self.open_member),
                (("F6",), "coupon", self.tr("Coupon"), self.tr("Redeem a coupon"), self.open_coupon),
                (("F7",), "suspend", self.tr("Suspend"), self.tr("Suspend this sale, or resume one"),
                 self.suspend_or_resume),
                (("F8",), "voidLine", self.tr("Void line"), self.tr("Void the selected line (asks first)"),
                 self.void_line),
                (("F9",), "voidSale", self.tr("Void sale"), self.tr("Void the whole sale (asks a reason)"),
                 self.void_sale),
                (("F10",), "override", self.tr("Override"), self.tr("Price override or discount"),
                 self.open_override),
                (("F11", *PAY_KEYS), "pay", self.tr("Pay"),
                 self.tr("Pay (Space, + with the item box empty)"), self.open_tender)):
            button = named(QPushButton(f"{keys[0]}\n{text}", self), f"checkout.key.{name}",
                           f"{text} ({keys[0]})")
            button.setProperty("kind", "fkey")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumHeight(58)
            button.clicked.connect(lambda _c=False, s=slot: s())
            self.key_buttons[name] = button
            bar.addWidget(button, 0, len(self.key_buttons) - 1)
            self._actions.append(keymap.KeyAction(keys, help_text, slot, button))
        self._actions += [
            keymap.KeyAction(("Shift+F5",), self.tr("Remove the member from this sale"), self.detach_member),
            keymap.KeyAction(("Shift+F6",), self.tr("Remove the last coupon"), self.remove_last_coupon),
            keymap.KeyAction(("Shift+F9",), self.tr("Cancel the exchange (drop its credit)"),
                             lambda: self.exchange_bar.cancel()),
            keymap.KeyAction(("Up",), self.tr("Select the line above"), lambda: self.move_selection(-1)),
            keymap.KeyAction(("Down",), self.tr("Select the line below"), lambda: self.move_selection(1)),
            keymap.KeyAction(("Return",), self.tr("Add the code typed in the item box")),
        ]
        self.key_buttons["pay"].setProperty("primary", True)
        keymap.register(self, self._actions, bind_keys=False)  # the scan router runs them
        return bar

    def resizeEvent(self, event: QResizeEvent) -> None:
        """The key bar: one row when it has room, two rows of five on a narrow screen."""
        super().resizeEvent(event)
        self.side.setFixedWidth(300 if event.size().width() >= SIDE_PANEL_FULL_PX else 250)
        columns = 10 if event.size().width() >= KEY_BAR_ONE_ROW_PX else 5
        if columns != self._key_columns:
            self._key_columns = columns
            for index, button in enumerate(self.key_buttons.values()):
                self._key_grid.addWidget(button, index // columns, index % columns)
            for column in range(10):
                self._key_grid.setColumnStretch(column, 1 if column < columns else 0)

    # -- state ------------------------------------------------------------------
    def activated(self) -> None:
        self.router.attached()
        self.entry.setFocus()
        if self.available:
            self.refresh()

    def _changed(self, changes: Changes, initiator: object) -> None:
        """The cart changed by someone else's operation (not this screen or its dialogs)."""
        if (changes.cart and self.available and self.isVisible()
                and not (isinstance(initiator, QWidget) and self.isAncestorOf(initiator))
                and initiator is not self):
            self.refresh()

    def money(self, fen: int) -> str:
        return money_text(fen, self.currency, self._locale)

    def refresh(self) -> None:
        self._call(self.ops.current_cart(), self._loaded)

    def _loaded(self, cart: CartView | None) -> None:
        """Show the cart; the first one after sign-in with lines was left open: say so."""
        first, self._first_load = self._first_load, False
        self.show_cart(cart)
        if first and cart is not None and cart.lines:
            self.restored_banner.setText(
                self.tr("This sale was still open when the till stopped and has been restored "
                        "(%1 lines, %2). Check it with the customer, or void it with F9.")
                .replace("%1", str(len(cart.lines))).replace("%2", self.money(cart.total_fen)))
            self.restored_banner.show()

    def show_cart(self, cart: CartView | None) -> None:
        """Show a CartView from the backend (older versions of the same cart are ignored)."""
        if cart is None:
            return
        old = self.cart
        if (old is not None and old.cart_id == cart.cart_id
                and getattr(cart, "version", 0) < getattr(old, "version", 0)):
            return
        self.cart = cart
        row = self.model.set_lines(cart.lines)
        if row is not None:
            self.select_row(row)
        if cart.lines:
            self.done_banner.hide()
        if getattr(cart, "parked_for", None):
            self._say(self.tr("The sale operator %1 left open was parked for them: find it with "
                              "F7 on an empty sale.").replace("%1", str(cart.parked_for)))
        self.side.show_cart(cart)
        self._update_customer_display(cart)

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def move_selection(self, step: int) -> None:
        """Up / Down from the entry box walk the cart (the table itself never takes the focus)."""
        count = self.model.rowCount()
        if count:
            rows = self.table.selectionModel().selectedRows()
            current = rows[0].row() if rows else count - 1
            self.select_row(max(0, min(count - 1, current + step)))

    def changeEvent(self, event: QEvent) -> None:
        """Locking the till disables the workspace: a dialog left open must not stay usable."""
        if (event.type() == QEvent.Type.EnabledChange and not self.isEnabled()
                and self.dialog is not None):
            self.dialog.reject()
        super().changeEvent(event)

    def selected_line(self) -> LineView | None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            return self.model.line(rows[0].row())
        return self.model.line(self.model.rowCount() - 1) if self.model.rowCount() else None

    def _update_customer_display(self, cart: CartView) -> None:
        if not self._display_checked:
            self._display_checked = True
            from store_client.hardware.customer_display import shared_customer_display

            self._customer_display = shared_customer_display(self.currency)  # also shows the join QR
        display = self._customer_display
        if display is None:
            return
        from store_client.hardware.customer_display import DisplayLine

        first = max(0, len(cart.lines) - CUSTOMER_DISPLAY_LINES)
        display.show_sale([DisplayLine(line.name_zh, self.model.data(self.model.index(row, 2)) or "",
                                       line.net_fen)
                           for row, line in enumerate(cart.lines[first:], first)],
                          cart.total_fen, len(cart.lines), cart.whole_sale_fen)

    # -- messages -----------------------------------------------------------------
    def _say(self, text: str, *, error: bool = False) -> None:
        kind = "error" if error else "ok"
        if self.message.property("kind") != kind:  # re-polishing costs; most scans say nothing new
            self.message.setProperty("kind", kind)
            self.message.style().unpolish(self.message)
            self.message.style().polish(self.message)
        if self.message.text() != text:
            self.message.setText(text)
        if not error and self.search_offer.isVisible():
            self.search_offer.hide()
        if not error:
            self.action_offer.hide()

    def show_error(self, error: BaseException) -> None:
        """An op's failure (the runner has logged one that is not a ServiceError)."""
        text = self._scan_refusal(error) or service_error_text(error, self.money)
        if not isinstance(error, ServiceError):
            text = self.tr("Something went wrong: %1").replace("%1", text)
        self._say(text, error=True)
        offer = bool(getattr(error, "offer_search", False))
        self._offer_text = self._last_code if offer else ""
        self.search_offer.setVisible(offer)
        code = getattr(error, "code", None)
        offers = {"shift.required": (self.tr("Open a shift"), self._open_shift_screen),
                  "cart.other_operator": (self.tr("Take over this sale"), self.take_over)}
        if code in offers:
            self.action_offer.setText(offers[code][0])
            self._offered = offers[code][1]
        self.action_offer.setVisible(code in offers)

    def _open_shift_screen(self) -> None:
        window = self.window()
        if "shift" in getattr(window, "screens", {}) and hasattr(window, "open_screen"):
            window.open_screen("shift")
        else:
            self._say(self.tr("Ask a manager to open a shift on this till."), error=True)

    def take_over(self) -> None:
        """Take over the sale another operator left with payments taken (audited)."""
        self._call(self.ops.take_over(), self.show_cart,
                   message=self.tr("You took this sale over."))

    def _scan_refusal(self, error: BaseException) -> str:
        """A scan refusal in the UI language (the backend's sentence is English), with the code."""
        reason, code = getattr(error, "reason", None), self._last_code
        texts = {
            "bad_check_digit": self.tr("%1: the check digit is wrong. Scan it again or type the code."),
            "bad_price_check_digit": self.tr("%1: the price or weight on this label does not add up. "
                                             "Weigh the item again."),
            "unknown_format": self.tr("%1 is not a barcode this till knows. Search for the product?"),
            "unknown_product": self.tr("No product has the code %1. Search for it by name?"),
            "not_weighed": self.tr("%1 is a weight label, but this product is not sold by weight."),
            "payment_code": self.tr("That is a customer's payment code: press F11 and choose mobile payment."),
            "too_long": self.tr("That code is too long to be a barcode."),
            "bad_characters": self.tr("That code has characters no barcode uses."),
        }
        text = texts.get(str(reason)) if reason is not None and hasattr(error, "offer_search") else None
        return text.replace("%1", code) if text else ""

    # -- calls ----------------------------------------------------------------------
    def _call(self, op: Op[T], on_done: Callable[[T], object], *, message: str = "") -> None:
        if not self.available:
            self._say(self.tr("Selling is not available: the checkout service is not set up."), error=True)
            return

        def done(result: T) -> None:
            self._say(message)  # a success replaces the last error
            on_done(result)

        op.run(self, success=done, failure=self.show_error, on_dialog=self._set_dialog)

    def _set_dialog(self, dialog: QDialog | None) -> None:
        self.dialog = dialog
        if dialog is None:
            if self.isVisible():
                # the keyboard comes back to the till (some window systems leave it nowhere)
                self.window().activateWindow()
            self.entry.setFocus()

    def _open(self, dialog: QDialog, on_value: Callable[..., object] | None) -> None:
        """Open a checkout dialog window-modally; scans go nowhere near the cart meanwhile."""
        self.dialog = dialog
        if hasattr(dialog, "accepted_value"):
            dialog.accepted_value.connect(on_value)

        def finished(_code: int) -> None:
            if self.dialog is dialog:
                self._set_dialog(None)
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()

    def _busy_with_dialog(self) -> bool:
        return self.dialog is not None and self.dialog.isVisible()

    # -- scanning ---------------------------------------------------------------------
    def handle_scan(self, code: str) -> None:
        """A scan (wedge burst, serial scanner, or typed code + Enter)."""
        code = code.strip()
        if not code or self._busy_with_dialog():
            return
        self.done_banner.hide()
        self.restored_banner.hide()
        self._last_code = code
        self._call(self.ops.scan(code=code), self._scanned)

    def _scanned(self, result: Scanned) -> None:
        outcome, cart = result
        self.show_cart(cart)
        kind, value = getattr(outcome, "kind", ""), getattr(outcome, "value", "")
        if kind == "receipt":
            self._open_return(str(value))
        elif kind == "pickup":
            self._open_pickup(str(value))
        elif kind == "member" and cart is not None and cart.member is not None:
            self._say(self.tr("Member %1 attached.").replace("%1", cart.member.name))
        elif kind == "coupon":
            self._say(self.tr("Coupon applied."))
        else:
            self._say("")

    def _open_return(self, receipt_no: str) -> None:
        """A receipt scanned at the till: switch to Returns with that sale loaded."""
        window = self.window()
        returns = getattr(window, "screens", {}).get("returns")
        if returns is None or not hasattr(window, "open_screen"):
            self._say(self.tr("Receipt %1 scanned: returns are not available to you here.")
                      .replace("%1", receipt_no), error=True)
            return
        window.open_screen("returns")
        returns.load_receipt(receipt_no)

    def _open_pickup(self, code: str) -> None:
        """A pick-up code scanned at the till: switch to Pick-up with the code entered, so
        the associate types the customer's phone digits and hands the order over."""
        window = self.window()
        pickup = getattr(window, "screens", {}).get("pickup")
        if pickup is None or not hasattr(window, "open_screen"):
            self._say(self.tr("Pick-up code %1 scanned: handing over online orders is not "
                              "available to you here.").replace("%1", code), error=True)
            return
        window.open_screen("pickup")
        pickup.enter_scanned_code(code)

    def _entry_submitted(self) -> None:
        text = self.entry.text().strip()
        self.entry.clear()
        if text:
            self.handle_scan(text)

    # -- actions ------------------------------------------------------------------------
    def open_search(self, initial: str = "") -> None:
        if self._busy_with_dialog():
            return
        dialog = SearchDialog(self._ctx.ops.catalog, self._ctx.locale, initial or "", self)
        dialog.picked.connect(self.add_product)
        dialog.order_requested.connect(self.order_elsewhere)
        self._open(dialog, None)

    def order_elsewhere(self, product: ProductInfo) -> None:
        """Endless aisle: the product from another store or the warehouse (ui/checkout/aisle_dialog.py)."""
        if self._busy_with_dialog():
            QTimer.singleShot(0, lambda: self.order_elsewhere(product))  # after the search has closed
            return
        dialog = AisleDialog(self.ops, product, self._ctx.locale, self)
        dialog.added.connect(self.show_cart)
        self._open(dialog, None)

    def add_product(self, product: ProductInfo) -> None:
        if getattr(product, "weighed", False):
            self._say(self.tr("%1 is sold by weight: weigh it and scan the scale's label.")
                      .replace("%1", product.name(self._ctx.locale)), error=True)
            return
        self.search_offer.hide()
        self._call(self.ops.add_product(sku=product.sku), self.show_cart)

    def change_quantity(self) -> None:
        line = self.selected_line()
        if line is None or self._busy_with_dialog():
            return
        if str(line.unit) == "kg":
            self._say(self.tr("A weighed item's quantity comes from the scale: void it and scan a new label."),
                      error=True)
            return
        dialog = PromptDialog("checkout.quantity", self.tr("Change quantity"), self.tr("Quantity"),
                              parse=self._quantity, initial=str(line.quantity), parent=self)
        line_id = line.line_id
        self._open(dialog, lambda qty: self._call(
            self.ops.set_quantity(line_id=line_id, quantity=qty), self.show_cart))

    def _quantity(self, text: str) -> int:
        try:
            return parse_quantity(text)
        except ValueError:
            raise ValueError(self.tr("Type a whole number from 1 to 9999.")) from None

    def open_member(self) -> None:
        if self._busy_with_dialog():
            return
        dialog = PromptDialog("checkout.memberEntry", self.tr("Attach a member"),
                              self.tr("Member code, card or phone"), parse=_non_empty(self.tr("Scan or type a member code or phone number.")),
                              placeholder=self.tr("Scan the member code or type the phone number"), parent=self)
        self._open(dialog, lambda code: self._call(self.ops.attach_member(code=code), self.show_cart))

    def detach_member(self) -> None:
        self._call(self.ops.detach_member(), self.show_cart)

    def open_coupon(self) -> None:
        if self._busy_with_dialog():
            return
        dialog = PromptDialog("checkout.couponEntry", self.tr("Redeem a coupon"), self.tr("Coupon code"),
                              parse=_non_empty(self.tr("Scan or type the coupon code.")),
                              placeholder=self.tr("Scan the coupon on the customer's phone"), parent=self)
        self._open(dialog, lambda code: self._call(self.ops.apply_coupon(code=code), self.show_cart))

    def remove_last_coupon(self) -> None:
        coupons = list(getattr(self.cart, "coupons", None) or ()) if self.cart is not None else []
        if coupons and not self._busy_with_dialog():
            last = coupons[-1]
            self.remove_coupon(str(getattr(last, "code", last)))

    def remove_coupon(self, code: str) -> None:
        self._call(self.ops.remove_coupon(code=code), self.show_cart)

    def suspend_or_resume(self) -> None:
        if self._busy_with_dialog() or not self.available:
            return
        if self.cart is not None and self.cart.lines:
            self._call(self.ops.suspend(), self.show_cart,
                       message=self.tr("Sale suspended. Press F7 on an empty sale to resume it."))
            return
        self._call(self.ops.parked_carts(), self._choose_parked)

    def _choose_parked(self, parked: list[ParkedCart]) -> None:
        dialog = ParkedDialog(list(parked), self._describe_parked, self)
        self._open(dialog, lambda parked_id: self._call(self.ops.resume(parked_id=parked_id),
                                                        self.show_cart))

    def _describe_parked(self, entry: ParkedCart) -> str:
        parts = [str(getattr(entry, name)) for name in ("parked_at", "note") if getattr(entry, name, None)]
        lines = getattr(entry, "lines", None)
        total = getattr(entry, "total_fen", None)
        if lines is not None:
            parts.append(self.tr("%1 items").replace("%1", str(lines)))
        if total is not None:
            parts.append(self.money(total))
        return "  ·  ".join(parts) or str(entry)

    def void_line(self) -> None:
        """Ask first (Enter voids, Esc keeps): the line is named, so a stray F8 costs one Esc."""
        line = self.selected_line()
        if line is None or self._busy_with_dialog():
            return
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else self.model.rowCount() - 1
        quantity = self.model.data(self.model.index(row, 2)) or ""
        name = line.name_en if self._ctx.locale.startswith("en") and line.name_en else line.name_zh
        dialog = ConfirmDialog("checkout.voidLine", self.tr("Void a line"),
                               self.tr("Remove %1 × %2 (%3) from the sale?")
                               .replace("%1", name).replace("%2", str(quantity))
                               .replace("%3", self.money(line.net_fen)),
                               confirm_text=self.tr("Void line (Enter)"),
                               keep_text=self.tr("Keep it (Esc)"), parent=self)
        line_id = line.line_id
        self._open(dialog, lambda _yes: self._call(
            self.ops.void_line(line_id=line_id, action_text=self.tr("remove a line from the sale")),
            self.show_cart))

    def void_sale(self) -> None:
        if self._busy_with_dialog() or self.cart is None or not self.cart.lines:
            return
        dialog = PromptDialog("checkout.voidSale", self.tr("Void the whole sale"), self.tr("Reason"),
                              parse=reason_of(self.tr("Give a reason (at least 3 characters).")),
                              ok_text=self.tr("Void sale"), parent=self)
        self._open(dialog, lambda reason: self._call(
            self.ops.void_cart(reason=reason, action_text=self.tr("void the whole sale")),
            self.show_cart, message=self.tr("Sale voided.")))

    def open_override(self) -> None:
        if self._busy_with_dialog() or self.cart is None or not self.cart.lines:
            return
        line = self.selected_line()
        dialog = OverrideDialog(has_line=line is not None, parse_amount=self._amount,
                                parse_percent=self._percent, parent=self)
        self._open(dialog, lambda value: self._override(line, *value))

    def _amount(self, text: str) -> int:
        try:
            return parse_amount(text, self.currency)
        except ValueError:
            raise ValueError(self.tr("Type an amount above zero, such as 12.50.")) from None

    def _percent(self, text: str) -> int:
        try:
            return parse_percent(text)
        except ValueError:
            raise ValueError(self.tr("Type a percentage above 0 and at most 100, such as 10.")) from None

    def _override(self, line: LineView | None, mode: str, value: int, reason: str) -> None:
        line_id = line.line_id if line is not None else ""
        amount = value if mode.endswith("amount") else None
        percent = value if mode.endswith("percent") else None
        if mode == "price":
            op = self.ops.override_price(line_id=line_id, price_fen=value, reason=reason,
                                         action_text=self.tr("override a price"))
        elif mode.startswith("line"):
            op = self.ops.discount_line(line_id=line_id, amount_fen=amount, percent_bp=percent,
                                        reason=reason, action_text=self.tr("give a discount on a line"))
        else:
            op = self.ops.discount_cart(amount_fen=amount, percent_bp=percent, reason=reason,
                                        action_text=self.tr("give a discount on the whole sale"))
        self._call(op, self.show_cart)

    def open_tender(self) -> None:
        if self._busy_with_dialog() or not self.available:
            return
        if self.exchange_bar.active:  # the credit first, then the payment dialog for the rest
            self.exchange_bar.pay()
            return
        if self.cart is None or not self.cart.lines:
            self._say(self.tr("Nothing to pay yet: scan an item first."), error=True)
            return
        self._call(self.ops.mobile_available(), self._show_tender)

    def _show_tender(self, mobile_available: bool, ops: object = None) -> None:
        if self._busy_with_dialog() or self.cart is None:
            return
        dialog = TenderDialog(ops or self.ops, self.cart, locale=self._ctx.locale,  # type: ignore[arg-type]
                              mobile_available=mobile_available, currency=self.currency, parent=self)
        dialog.cart_changed.connect(self.show_cart)
        dialog.completed.connect(self.sale_completed)
        self._open(dialog, None)

    def reprint_last(self) -> None:
        """F2: the last receipt again (a copy if it came out; the original if it never did)."""
        if self._busy_with_dialog() or not self.available:
            return
        status = self.receipt_status
        if not status.receipt_no:
            self._say(self.tr("No sale has been completed here yet: nothing to print again."), error=True)
            return
        copy = status.state != "failed"  # one that never came out prints as the original
        self._call(self.ops.reprint_receipt(job_id=status.job_id),
                   lambda new_id: status.track(new_id, status.receipt_no, copy=copy))

    def sale_completed(self, sale: CompletedSale) -> None:
        self.last_sale = sale
        self.receipt_status.track(sale.print_job_id, str(sale.receipt_no), copy=False)
        text = self.tr("Change due: %2\nSale complete · receipt %1").replace("%1", str(sale.receipt_no)) \
            .replace("%2", self.money(sale.change_fen))
        if hasattr(sale, "exchange_id"):  # an exchange: what was given back or paid on top
            text = self.exchange_bar.done_text(sale)  # type: ignore[arg-type]
        self.done_banner.setText(text)
        self.done_banner.show()
        self._say("")
        if self._customer_display is not None:
            self._customer_display.show_change(sale.change_fen)
        self.refresh()


PAY_KEYS = ("Space", "+")
SIDE_PANEL_FULL_PX = 900  # narrower: the totals panel gives the cart 50 px
KEY_BAR_ONE_ROW_PX = 1000  # narrower: the ten keys in two rows, so no caption is cut


def _qt_key(key: str) -> int:
    """The Qt key code of a one-key sequence such as "F3" or "Space" (modifiers included)."""
    return int(QKeySequence(key)[0].toCombined())  # type: ignore[index]


def _non_empty(message: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if not text.strip():
            raise ValueError(message)
        return text.strip()

    return parse


register(ScreenSpec("checkout", QT_TRANSLATE_NOOP("Screens", "Checkout"), CheckoutScreen, "sale.ring",
                    icon="checkout.svg", order=0))
