"""F11 / Space / +: the tender dialog. Any mix of cash, card, mobile, points and store credit.

Each tender is sent to the backend at once (``add_tender``) and the dialog
shows the cart view it returns; when nothing is left to pay the sale is
completed (``complete``) and the dialog closes with the CompletedSale.
Mobile payment is offered only when the payment adapter says it is available.

Keys (docs/keyboard.md): F2 exact cash, F3–F5 the other quick amounts, F6–F9 the
cash / card / mobile / points page, Shift+F8 the store credit note page, F10 remove the
selected payment, F11 complete, Esc back to the cart; Enter takes the amount typed (on the
store credit page: the note scanned).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from store_client.ui import keymap
from store_client.ui.automation import named
from store_client.ui.checkout.formatting import money_text, parse_amount, quick_cash_amounts
from store_client.ui.i18n import money_locale
from store_client.ui.service_messages import service_error_text

if TYPE_CHECKING:
    from store_client.services.checkout_views import CartView, CompletedSale
    from store_client.ui.operations import Op
    from store_client.ui.operations.checkout import CheckoutOps

T = TypeVar("T")
KINDS = ("cash", "card", "mobile", "points", "store_credit")
QUICK_KEYS = ("F2", "F3", "F4", "F5")
TAB_KEYS = ("F6", "F7", "F8", "F9", "Shift+F8")  # no plain F-key is free for a fifth page


class TenderDialog(QDialog):
    """``completed`` carries the CompletedSale; ``cart_changed`` every CartView on the way."""

    completed = Signal(object)
    cart_changed = Signal(object)

    def __init__(self, ops: CheckoutOps, cart: CartView, *, locale: str, mobile_available: bool,
                 currency: str = "CNY", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checkout.tender.dialog")
        self.setWindowTitle(self.tr("Payment"))
        self.setModal(True)
        self._ops, self._currency = ops, currency
        self._locale = money_locale(locale)
        self.cart = cart
        self.busy = False
        self.mobile_available = mobile_available

        heading = QLabel(self.tr("Payment"), self)
        heading.setObjectName("checkout.tender.title")
        heading.setProperty("kind", "title")
        self.due_label = QLabel("", self)
        self.due_label.setObjectName("checkout.tender.due")
        self.due_label.setProperty("kind", "bigAmount")
        self.summary = QLabel("", self)
        self.summary.setObjectName("checkout.tender.summary")
        self.tenders = named(QListWidget(self), "checkout.tender.list", self.tr("Payments made"))
        self.tenders.setMaximumHeight(120)
        self.remove_button = named(QPushButton(self.tr("Remove payment"), self),
                                   "checkout.tender.remove", self.tr("Remove the selected payment"))
        self.tabs = named(QTabWidget(self), "checkout.tender.tabs", self.tr("Payment method"))
        self.tabs.addTab(self._cash_tab(), self.tr("Cash"))
        self.tabs.addTab(self._card_tab(), self.tr("Card"))
        self.tabs.addTab(self._mobile_tab(), self.tr("Mobile"))
        self.tabs.addTab(self._points_tab(), self.tr("Points"))
        self.tabs.addTab(self._credit_tab(), self.tr("Store credit"))
        self.message = QLabel("", self)
        self.message.setObjectName("checkout.tender.message")
        self.message.setProperty("kind", "error")
        self.message.setWordWrap(True)
        self.complete_button = named(QPushButton(self.tr("Complete sale"), self),
                                     "checkout.tender.complete", self.tr("Complete sale"))
        self.complete_button.setProperty("primary", True)
        self.close_button = named(QPushButton(self.tr("Back to cart"), self),
                                  "checkout.tender.close", self.tr("Back to cart"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.complete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(self.due_label)
        layout.addWidget(self.summary)
        layout.addWidget(self.tenders)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumSize(640, 620)
        self.remove_button.clicked.connect(self.remove_selected)
        self.complete_button.clicked.connect(self.complete)
        self.close_button.clicked.connect(self.reject)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.complete_button.setText(keymap.key_caption("F11", self.complete_button.text()))
        self.remove_button.setText(keymap.key_caption("F10", self.remove_button.text()))
        self.close_button.setText(keymap.key_caption("Esc", self.close_button.text()))
        for index, key in enumerate(TAB_KEYS):
            self.tabs.setTabText(index, keymap.key_caption(key, self.tabs.tabText(index)))
        self.key_actions = [
            keymap.KeyAction((QUICK_KEYS[0],), self.tr("Exact cash: the amount due"), None,
                             self.quick_buttons[0]),
            *(keymap.KeyAction((key,), self.tr("Cash: quick amount %1").replace("%1", str(n)), None,
                               self.quick_buttons[n]) for n, key in enumerate(QUICK_KEYS) if n),
            *(keymap.KeyAction((key,), self.tabs.tabText(n), partial(self.tabs.setCurrentIndex, n))
              for n, key in enumerate(TAB_KEYS)),
            keymap.KeyAction(("F10",), self.tr("Remove the selected payment"), None, self.remove_button),
            keymap.KeyAction(("F11",), self.tr("Complete sale"), None, self.complete_button),
        ]
        keymap.bind(self, self.key_actions)
        self.show_cart(cart)
        self.cash_amount.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- tabs --------------------------------------------------------------
    def _cash_tab(self) -> QWidget:
        tab = QWidget(self)
        tab.setObjectName("checkout.tender.cashTab")
        self.quick = QGridLayout()
        self.quick_buttons: list[QPushButton] = []
        for index in range(4):
            button = named(QPushButton("", tab), f"checkout.tender.quick{index}",
                           self.tr("Quick cash amount %1").replace("%1", str(index + 1)))
            button.setMinimumHeight(56)
            button.clicked.connect(lambda _c=False, i=index: self._quick(i))
            self.quick_buttons.append(button)
            self.quick.addWidget(button, 0, index)
        self.cash_amount = named(QLineEdit(tab), "checkout.tender.cashAmount", self.tr("Cash received"))
        self.cash_amount.setPlaceholderText(self.tr("Amount handed over, e.g. 100"))
        self.cash_amount.setMaxLength(12)
        self.cash_button = named(QPushButton(self.tr("Take cash"), tab), "checkout.tender.cashAdd",
                                 self.tr("Take cash"))
        self.cash_amount.returnPressed.connect(self.take_cash)
        self.cash_button.clicked.connect(self.take_cash)
        row = QHBoxLayout()
        row.addWidget(self.cash_amount, 1)
        row.addWidget(self.cash_button)
        layout = QVBoxLayout(tab)
        layout.addLayout(self.quick)
        layout.addLayout(row)
        layout.addStretch(1)
        return tab

    def _card_tab(self) -> QWidget:
        tab = QWidget(self)
        tab.setObjectName("checkout.tender.cardTab")
        self.card_amount = named(QLineEdit(tab), "checkout.tender.cardAmount", self.tr("Card amount"))
        self.card_amount.setMaxLength(12)
        self.card_reference = named(QLineEdit(tab), "checkout.tender.cardReference",
                                    self.tr("Authorisation reference"))
        self.card_reference.setMaxLength(32)
        self.card_reference.setPlaceholderText(self.tr("From the card terminal's slip"))
        self.card_button = named(QPushButton(self.tr("Confirm card payment"), tab),
                                 "checkout.tender.cardAdd", self.tr("Confirm card payment"))
        self.card_reference.returnPressed.connect(self.take_card)
        self.card_button.clicked.connect(self.take_card)
        form = QFormLayout(tab)
        form.addRow(self.tr("Amount"), self.card_amount)
        form.addRow(self.tr("Authorisation ref."), self.card_reference)
        form.addRow("", self.card_button)
        return tab

    def _mobile_tab(self) -> QWidget:
        tab = QWidget(self)
        tab.setObjectName("checkout.tender.mobileTab")
        self.mobile_amount = named(QLineEdit(tab), "checkout.tender.mobileAmount",
                                   self.tr("Mobile payment amount"))
        self.mobile_amount.setMaxLength(12)
        self.mobile_code = named(QLineEdit(tab), "checkout.tender.mobileCode",
                                 self.tr("Customer's payment code"))
        self.mobile_code.setMaxLength(40)
        self.mobile_code.setPlaceholderText(self.tr("Scan the payment code on the customer's phone"))
        self.mobile_button = named(QPushButton(self.tr("Charge"), tab), "checkout.tender.mobileAdd",
                                   self.tr("Charge the mobile payment"))
        self.mobile_state = QLabel("" if self.mobile_available else
                                   self.tr("Mobile payment is unavailable (offline)."), tab)
        self.mobile_state.setObjectName("checkout.tender.mobileState")
        self.mobile_state.setProperty("kind", "error")
        for widget in (self.mobile_amount, self.mobile_code, self.mobile_button):
            widget.setEnabled(self.mobile_available)
        self.mobile_code.returnPressed.connect(self.take_mobile)
        self.mobile_button.clicked.connect(self.take_mobile)
        form = QFormLayout(tab)
        form.addRow(self.tr("Amount"), self.mobile_amount)
        form.addRow(self.tr("Payment code"), self.mobile_code)
        form.addRow("", self.mobile_button)
        form.addRow(self.mobile_state)
        return tab

    def _points_tab(self) -> QWidget:
        tab = QWidget(self)
        tab.setObjectName("checkout.tender.pointsTab")
        self.points_amount = named(QLineEdit(tab), "checkout.tender.pointsAmount",
                                   self.tr("Amount paid with points"))
        self.points_amount.setMaxLength(12)
        self.points_button = named(QPushButton(self.tr("Pay with points"), tab),
                                   "checkout.tender.pointsAdd", self.tr("Pay with points"))
        self.points_state = QLabel("", tab)
        self.points_state.setObjectName("checkout.tender.pointsState")
        self.points_state.setWordWrap(True)
        self.points_amount.returnPressed.connect(self.take_points)
        self.points_button.clicked.connect(self.take_points)
        form = QFormLayout(tab)
        form.addRow(self.tr("Amount"), self.points_amount)
        form.addRow("", self.points_button)
        form.addRow(self.points_state)
        return tab

    def _credit_tab(self) -> QWidget:
        tab = QWidget(self)
        tab.setObjectName("checkout.tender.creditTab")
        self.credit_code = named(QLineEdit(tab), "checkout.tender.creditCode", self.tr("Store credit note code"))
        self.credit_code.setMaxLength(24)
        self.credit_code.setPlaceholderText(self.tr("Scan the note, or type CN and its 14 digits"))
        self.credit_button = named(QPushButton(self.tr("Pay with the note"), tab), "checkout.tender.creditAdd",
                                   self.tr("Pay with the store credit note"))
        self.credit_state = QLabel(self.tr("The note pays what is left on it, at most what is due; "
                                           "the rest stays on the note."), tab)
        self.credit_state.setObjectName("checkout.tender.creditState")
        self.credit_state.setWordWrap(True)
        self.credit_code.returnPressed.connect(self.take_credit)
        self.credit_button.clicked.connect(self.take_credit)
        form = QFormLayout(tab)
        form.addRow(self.tr("Note code"), self.credit_code)
        form.addRow("", self.credit_button)
        form.addRow(self.credit_state)
        return tab

    def _tab_changed(self, index: int) -> None:
        focus = (self.cash_amount, self.card_reference, self.mobile_code, self.points_amount,
                 self.credit_code)[index]
        focus.setFocus()

    # -- state -------------------------------------------------------------
    def money(self, fen: int) -> str:
        return money_text(fen, self._currency, self._locale)

    def show_cart(self, cart: CartView) -> None:
        self.cart = cart
        due = cart.due_fen
        self.due_label.setText(self.tr("To pay: %1").replace("%1", self.money(due)))
        self.summary.setText(self.tr("Total %1 · paid %2 · change %3")
                             .replace("%1", self.money(cart.total_fen))
                             .replace("%2", self.money(cart.paid_fen))
                             .replace("%3", self.money(cart.change_fen)))
        self.tenders.clear()
        for tender in cart.tenders:
            text = f"{self._kind_label(tender.kind)}  {self.money(tender.amount_fen)}"
            if tender.kind == "store_credit":  # a note is money: never shown in full
                text += f"  (CN****{(tender.reference or '')[-4:]})"
            elif tender.reference and tender.kind != "exchange":  # the credit's is an internal id
                text += f"  ({tender.reference})"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, tender.tender_id)
            self.tenders.addItem(item)
        amounts = quick_cash_amounts(due)
        for index, button in enumerate(self.quick_buttons):
            if index < len(amounts):
                key = keymap.key_text(QUICK_KEYS[index])
                label = self.tr("Exact") if index == 0 else self.money(amounts[index])
                button.setText(f"{key}  {label}\n{self.money(amounts[index])}" if index == 0
                               else f"{key}  {label}")
                button.setProperty("amount", amounts[index])
                button.setVisible(True)
            else:
                button.setVisible(False)
        due_text = _plain(due)
        for field in (self.card_amount, self.mobile_amount):
            field.setText(due_text)
        member = cart.member
        if member is None:
            self.points_state.setText(self.tr("Attach a member (F5) to pay with points."))
            self.points_amount.setEnabled(False)
            self.points_button.setEnabled(False)
        else:
            available = member.points_available
            self.points_state.setText(self.tr("%1 has %2 points available.")
                                      .replace("%1", member.name).replace("%2", str(available)))
            self.points_amount.setEnabled(True)
            self.points_button.setEnabled(True)
        self.complete_button.setEnabled(due == 0 and cart.total_fen >= 0 and bool(cart.lines))
        self.remove_button.setEnabled(bool(cart.tenders))

    def _kind_label(self, kind: str) -> str:
        return {"cash": self.tr("Cash"), "card": self.tr("Card"), "mobile": self.tr("Mobile"),
                "points": self.tr("Points"), "exchange": self.tr("Exchange credit"),
                "store_credit": self.tr("Store credit")}.get(kind, kind)

    # -- actions -----------------------------------------------------------
    def _quick(self, index: int) -> None:
        amount = self.quick_buttons[index].property("amount")
        if amount:
            self._add("cash", int(amount))

    def _amount(self, field: QLineEdit) -> int | None:
        try:
            return parse_amount(field.text(), self._currency)
        except ValueError:
            self.message.setText(self.tr("Enter an amount such as 12.50."))
            field.setFocus()
            field.selectAll()
            return None

    def take_cash(self) -> None:
        amount = self._amount(self.cash_amount)
        if amount is not None:
            self._add("cash", amount)

    def take_card(self) -> None:
        amount = self._amount(self.card_amount)
        reference = self.card_reference.text().strip()
        if amount is None:
            return
        if not reference:
            self.message.setText(self.tr("Type the authorisation reference printed by the card terminal."))
            self.card_reference.setFocus()
            return
        self._add("card", amount, reference=reference)

    def take_mobile(self) -> None:
        if not self.mobile_available:
            self.message.setText(self.tr("Mobile payment is unavailable (offline)."))
            return
        amount = self._amount(self.mobile_amount)
        code = self.mobile_code.text().strip()
        if amount is None:
            return
        if not code:
            self.message.setText(self.tr("Scan the payment code on the customer's phone."))
            self.mobile_code.setFocus()
            return
        self._add("mobile", amount, payment_code=code)

    def take_points(self) -> None:
        amount = self._amount(self.points_amount)
        if amount is not None:
            self._add("points", amount)

    def take_credit(self) -> None:
        code = self.credit_code.text().strip()
        if not code:
            self.message.setText(self.tr("Scan the store credit note's code."))
            self.credit_code.setFocus()
            return
        if self.cart.due_fen <= 0:
            self.message.setText(self.tr("Nothing is left to pay."))
            return
        self._add("store_credit", self.cart.due_fen, reference=code)

    def _add(self, kind: str, amount: int, *, reference: str | None = None,
             payment_code: str | None = None) -> None:
        if self.busy:
            return
        self._run(self._ops.add_tender(kind=kind, amount_fen=amount, reference=reference,
                                       payment_code=payment_code,
                                       action_text=self.tr("take a payment")), self._tendered)

    def _tendered(self, cart: CartView) -> None:
        self.mobile_code.clear()
        self.card_reference.clear()
        self.credit_code.clear()
        self.cash_amount.clear()
        self.cart_changed.emit(cart)
        self.show_cart(cart)
        if cart.due_fen == 0 and cart.lines:
            self.complete()

    def remove_selected(self) -> None:
        item = self.tenders.currentItem()
        if item is None or self.busy:
            return
        tender_id = item.data(Qt.ItemDataRole.UserRole)
        self._run(self._ops.remove_tender(tender_id=tender_id, action_text=self.tr("take a payment")),
                  self._tender_removed)

    def _tender_removed(self, cart: CartView) -> None:
        self.cart_changed.emit(cart)
        self.show_cart(cart)

    def complete(self) -> None:
        if self.busy:
            return
        # the cart id makes a retried completion return the first sale instead of a second one
        self._run(self._ops.complete(cart_id=self.cart.cart_id, action_text=self.tr("take a payment")),
                  self._completed)

    def _completed(self, sale: CompletedSale) -> None:
        self.completed.emit(sale)
        self.accept()

    def _run(self, op: Op[T], on_done: Callable[[T], object]) -> None:
        self.busy = True
        self.message.setText("")
        self.setEnabled(False)

        def done(result: T) -> None:
            self.busy = False
            self.setEnabled(True)
            self._tab_changed(self.tabs.currentIndex())  # disabling dropped the focus: the keys go on
            on_done(result)

        def failed(error: BaseException) -> None:
            self.busy = False
            self.setEnabled(True)
            self.message.setText(service_error_text(error, self.money))
            self._tab_changed(self.tabs.currentIndex())
            if self.tabs.currentIndex() == KINDS.index("store_credit"):  # the next scan replaces it
                self.credit_code.selectAll()

        op.run(self, success=done, failure=failed)


def _plain(fen: int) -> str:
    """An amount as a cashier types it (no currency sign, no thousands separator)."""
    sign = "-" if fen < 0 else ""
    major, minor = divmod(abs(fen), 100)
    return f"{sign}{major}.{minor:02d}"
