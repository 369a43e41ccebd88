"""退货 Returns: look a sale up by its receipt number, choose what comes back, refund it.

A receipt number scanned here (or at the checkout, which switches to this screen)
or typed + Enter loads the sale on the database thread. The refund of the current
selection is computed at once on the GUI thread by the Qt-free refund rules (no
database call); the Refund button sends the return request, whose id was made when
the sale was loaded, so a double click or a retry never refunds twice. A cashier's
refund asks for a manager's approval (the op runner, :mod:`store_client.ui.operations`).

Keys (docs/keyboard.md): F2 look up, F3 return everything, F4 clear, F5 reprint,
F6 the items, F7 the reason, F9 exchange (returns_exchange.py), F10 where the current item goes,
Shift+F7 its own reason, Shift+F2 a return without receipt (its own dialog), F11 refund. The items
table is one tab stop: Up / Down
choose a line, + / − or digits set its quantity, Space returns all of it or none.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableWidgetItem,
    QToolButton,
    QWidget,
)

from store_client import store_time
from store_client.domain.refunds import RefundError, RefundPlan
from store_client.services.cross_return_views import (
    CrossLine,
    CrossReturnDone,
    CrossReturnRequest,
    FoundOriginals,
    OriginalForReturn,
)
from store_client.services.errors import ServiceError
from store_client.services.return_views import REASONS, ReturnableLine, ReturnRequest, SaleForReturn
from store_client.ui import keymap
from store_client.ui.automation import named
from store_client.ui.checkout.formatting import money_text, quantity_text
from store_client.ui.i18n import money_locale
from store_client.ui.page import page_layout, page_title
from store_client.ui.table_fit import ColumnFitter
from store_client.ui.screen_spec import ScreenContext, ScreenSpec, register
from store_client.ui.screens.returns_exchange import ExchangeStarter
from store_client.ui.screens.returns_no_receipt import NoReceiptDialog
from store_client.ui.screens.returns_originals import OriginalsList, when
from store_client.ui.screens.returns_policy import DispositionBox, PolicyWords, ReturnsPolicyMixin
from store_client.ui.screens.returns_widgets import QuantityEdit, ReturnLinesTable
from store_client.ui.service_messages import service_error_text

if TYPE_CHECKING:
    from store_client.services.return_views import CompletedReturn

# This till's own receipt numbers (services/checkout.py RECEIPT_NO): looked up locally first.
OWN_RECEIPT = re.compile(r"[A-Za-z0-9_]{1,32}-[A-Za-z0-9_]{1,32}-\d{6,12}")

STYLE = """
QLabel[kind="refundTotal"] { color: #0b2e59; }
QLabel[kind="saleDone"] { font-size: 15pt; font-weight: bold; color: #ffffff; background: #1b7f3b;
                          border-radius: 8px; padding: 8px 14px; }
QTableWidget#returns\\.lines { font-size: 12pt; }
"""
QTY_COLUMN = 5
GOES_COLUMN = 7  # where the returned item goes (returns_policy.DispositionBox)


class ReturnsScreen(ReturnsPolicyMixin, QWidget):
    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen.returns")
        self.setStyleSheet(STYLE)
        self._ctx = ctx
        self.ops = ctx.ops.returns
        self.currency = ctx.config.currency
        self._locale = money_locale(ctx.locale)
        self.sale: SaleForReturn | OriginalForReturn | None = None
        self.original: OriginalForReturn | None = None  # another store's sale or an online order
        self._query = ""  # what found the original (to show what is left after a refund)
        self.plan: RefundPlan | None = None
        self.last_return: CompletedReturn | CrossReturnDone | None = None
        self.dialog: QDialog | None = None  # the approval dialog while it is open
        self._busy = False
        self._editors: dict[int, QuantityEdit | QCheckBox] = {}
        self._goes: dict[int, DispositionBox] = {}
        self._words = PolicyWords(self)

        self.receipt = named(QLineEdit(self), "returns.receipt", self.tr("Receipt, order or phone"))
        self.receipt.setPlaceholderText(self.tr("Scan the receipt QR, or type a receipt or order number or "
                                                "the member's phone, and press Enter"))
        self.receipt.setProperty("routesScans", True)  # a scan typed here is a scan
        self.receipt.setMaxLength(2048)  # a receipt QR carries the signed sale
        self.receipt.returnPressed.connect(self._receipt_entered)
        self.lookup_button = named(QPushButton(self.tr("Look up"), self), "returns.lookup",
                                   self.tr("Look up the receipt"))
        self.lookup_button.clicked.connect(self._receipt_entered)
        self.clear_button = named(QPushButton(self.tr("Clear"), self), "returns.clear",
                                  self.tr("Clear this return"))
        self.clear_button.clicked.connect(self.clear)
        self.all_button = named(QPushButton(self.tr("Return everything"), self), "returns.all",
                                self.tr("Select everything still returnable"))
        self.all_button.clicked.connect(self.select_all)
        self.reprint_button = named(QPushButton(self.tr("Reprint last return"), self),
                                    "returns.reprint", self.tr("Reprint the last return receipt"))
        self.reprint_button.setEnabled(False)
        self.reprint_button.clicked.connect(self.reprint)
        self.no_receipt_button = named(QPushButton(self.tr("No receipt"), self), "returns.noReceiptMode",
                                       self.tr("Return without receipt or member"))
        self.no_receipt_button.clicked.connect(self.open_no_receipt)
        self.no_receipt: NoReceiptDialog | None = None  # the "no receipt" mode while it is open
        self.sale_info = QLabel("", self)
        self.sale_info.setObjectName("returns.saleInfo")
        self.sale_info.setWordWrap(True)
        self.originals = named(OriginalsList(self), "returns.originals",
                               self.tr("Orders found: choose one with the arrows and Enter"))
        self.originals.chosen.connect(self.choose)
        self.originals.hide()

        self.table = named(ReturnLinesTable(0, 8, self), "returns.lines", self.tr("Items on the receipt"))
        self.table.setHorizontalHeaderLabels([
            self.tr("Item"), self.tr("Sold"), self.tr("Returned"), self.tr("Returnable"),
            self.tr("Paid"), self.tr("Return"), self.tr("Refund"), self.tr("Goes to")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table: it is one tab stop
        self.table.step = self._step_row
        self.table.put = self._put_row
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(52)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # at least as wide as its header ("Returnable" is longer than "可退"); shrunk together
        # on a narrow screen so the item name keeps room
        self._columns = ColumnFitter(self.table, {1: 80, 2: 104, 3: 104, 4: 110, 5: 170, 6: 110, 7: 150},
                                     stretch_min=160, floors={1: 64, 2: 64, 3: 64, 4: 96, 5: 132, 6: 96, 7: 124})

        self.reason = named(QComboBox(self), "returns.reason", self.tr("Reason for the return"))
        self.reason.addItem(self.tr("Choose a reason…"), "")
        for code, text in zip(REASONS, (self.tr("Damaged or faulty"), self.tr("Wrong item"),
                                        self.tr("Changed mind"), self.tr("Other (describe)")),
                              strict=True):
            self.reason.addItem(text, code)
        self.reason.currentIndexChanged.connect(self._reason_changed)
        self.reason_text = named(QLineEdit(self), "returns.reasonText", self.tr("Reason details"))
        self.reason_text.setPlaceholderText(self.tr("Details (needed for Other)"))
        self.reason_text.setMaxLength(200)
        self.card_reference = named(QLineEdit(self), "returns.cardReference",
                                    self.tr("Card refund reference"))
        self.card_reference.setPlaceholderText(self.tr("Card terminal's refund reference"))
        self.card_reference.setMaxLength(40)
        self.card_reference.hide()
        self.cash_instead = named(QCheckBox(self.tr("Cash instead"), self), "returns.cashInstead",
                                  self.tr("Refund the online order in cash instead (a second person approves)"))
        self.cash_instead.toggled.connect(self._update_summary)
        self.cash_instead.hide()  # an online order, where the policy allows it
        reason_row = QHBoxLayout()
        reason_row.addWidget(QLabel(self.tr("Reason"), self))
        reason_row.addWidget(self.reason)
        reason_row.addWidget(self.reason_text, 1)
        reason_row.addWidget(self.card_reference)
        reason_row.addWidget(self.cash_instead)

        self.summary = QLabel("", self)
        self.summary.setObjectName("returns.summary")
        self.summary.setWordWrap(True)
        self.total = QLabel("", self)
        self.total.setObjectName("returns.total")
        font = self.total.font()
        font.setPointSize(20)
        font.setBold(True)
        self.total.setFont(font)  # set here, not by style sheet: the layout must know its width
        self.total.setProperty("kind", "refundTotal")
        self.refund_button = named(QPushButton(self.tr("Refund"), self), "returns.refund",
                                   self.tr("Refund the selected items"))
        self.refund_button.setProperty("primary", True)
        self.refund_button.setMinimumHeight(52)
        self.refund_button.clicked.connect(self.refund)
        self.exchange_button = named(QPushButton(self.tr("Exchange"), self), "returns.exchange",
                                     self.tr("Exchange the selected items: their value pays the new sale"))
        self.exchange_button.setMinimumHeight(52)
        self.exchange_button.clicked.connect(ExchangeStarter(self).start)
        self.message = QLabel("", self)
        self.message.setObjectName("returns.message")
        self.message.setWordWrap(True)
        # the message takes what is left of the row: the amount and the button are never cut
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.open_shift_button = named(QPushButton(self.tr("Open a shift"), self),
                                       "returns.openShift", self.tr("Open the Shift screen"))
        self.open_shift_button.hide()  # offered when a refund is refused for want of a shift
        self.open_shift_button.clicked.connect(self._open_shift_screen)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.open_shift_button)
        bottom.addWidget(self.total)
        bottom.addSpacing(12)
        bottom.addWidget(self.exchange_button)
        bottom.addWidget(self.refund_button)
        self.done_banner = QLabel("", self)
        self.done_banner.setObjectName("returns.done")
        self.done_banner.setProperty("kind", "saleDone")
        self.done_banner.setWordWrap(True)
        self.done_banner.hide()

        entry_row = QHBoxLayout()
        entry_row.addWidget(self.receipt, 1)
        entry_row.addWidget(self.lookup_button)
        page_layout(self, page_title(self, self.tr("Returns"), "returns.title"),
                    (self.all_button, self.clear_button, self.reprint_button, self.no_receipt_button),
                    (entry_row, self.sale_info, self.originals, self.done_banner, (self.table, 1), reason_row,
                     self.summary, bottom), keyed=False)
        self.setFocusProxy(self.receipt)
        for widget in (self.receipt, self.lookup_button, self.originals, self.table, self.reason, self.reason_text,
                       self.card_reference, self.cash_instead, self.exchange_button, self.refund_button,
                       self.all_button, self.clear_button, self.reprint_button, self.no_receipt_button):
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        QWidget.setTabOrder(self.receipt, self.lookup_button)
        QWidget.setTabOrder(self.lookup_button, self.originals)
        QWidget.setTabOrder(self.originals, self.table)
        QWidget.setTabOrder(self.table, self.reason)
        QWidget.setTabOrder(self.reason, self.reason_text)
        QWidget.setTabOrder(self.reason_text, self.card_reference)
        QWidget.setTabOrder(self.card_reference, self.cash_instead)
        QWidget.setTabOrder(self.cash_instead, self.exchange_button)
        QWidget.setTabOrder(self.exchange_button, self.refund_button)
        keymap.keyed_buttons(self, (("F2", self.lookup_button), ("F3", self.all_button),
                                    ("F4", self.clear_button), ("F5", self.reprint_button),
                                    ("F9", self.exchange_button), ("Shift+F2", self.no_receipt_button),
                                    ("F11", self.refund_button)), extra=(
            keymap.KeyAction(("F6",), self.tr("Go to the items: arrows, + / -, digits, Space"),
                             self.table.setFocus),
            keymap.KeyAction(("F7",), self.tr("Go to the reason for the return"), self.reason.setFocus),
            keymap.KeyAction(("F8",), self.tr("An online order: refund in cash instead, or not"),
                             lambda: self.cash_instead.isVisible() and self.cash_instead.toggle()),
            keymap.KeyAction(("F10",), self._words.step_key(), self.step_disposition),
            keymap.KeyAction(("Shift+F7",), self._words.reason_key(), self.step_reason),
        ))
        self._show_sale(None)

    # -- helpers ------------------------------------------------------------------------

    def money(self, fen: int) -> str:
        return money_text(fen, self.currency, self._locale)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.open_shift_button.hide()
        self.message.setProperty("kind", "error" if error else "ok")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    def _error(self, error: BaseException) -> None:
        self._busy = False
        self._update_summary()
        if not isinstance(error, ServiceError):  # the op runner logged it
            self._say(self.tr("Something went wrong: %1").replace("%1", str(error)), error=True)
            return
        self._say(service_error_text(error), error=True)
        self.open_shift_button.setVisible(getattr(error, "code", None) == "shift.required"
                                          and "shift" in getattr(self.window(), "screens", {}))

    def open_no_receipt(self) -> None:
        """The "no receipt" mode: a dialog over the screen, with its own keys."""
        dialog = NoReceiptDialog(self.ops, self.money, self)
        dialog.resize(self.window().size() * 0.94)
        dialog.finished.connect(self._no_receipt_closed)
        self.no_receipt = dialog
        dialog.open()
        dialog.code.setFocus()

    def _no_receipt_closed(self) -> None:
        self.no_receipt = None
        self._set_dialog(None)  # the keyboard comes back to the screen

    def _open_shift_screen(self) -> None:
        self.window().open_screen("shift")

    def _set_dialog(self, dialog: QDialog | None) -> None:
        self.dialog = dialog
        if dialog is None:
            if self.isVisible():
                self.window().activateWindow()  # the keyboard comes back to the till
            self.receipt.setFocus()

    def activated(self) -> None:
        self.receipt.setFocus()

    # -- loading a sale -------------------------------------------------------------------
    def handle_scan(self, code: str) -> None:
        """A scan routed here (wedge burst or serial scanner): a receipt to load."""
        code = code.strip()
        if self.no_receipt is not None and self.no_receipt.isVisible():
            self.no_receipt.scan(code)  # the mode's items
            return
        if not code or self._busy or (self.dialog is not None and self.dialog.isVisible()):
            return
        self.load_receipt(code)

    def _receipt_entered(self) -> None:
        text = self.receipt.text().strip()
        if text:
            self.load_receipt(text)
        else:
            self._say(self.tr("Scan or type the receipt number."), error=True)

    def load_receipt(self, code: str) -> None:
        """Look ``code`` up (also called by the checkout when a receipt is scanned there): this
        till's receipt number here; anything else (a receipt QR, an order number, a phone, a
        receipt of another till) through HQ's originals."""
        self.receipt.setText(code if len(code) <= 80 else "")  # a receipt QR is not shown whole
        self.done_banner.hide()
        self.originals.hide()
        self._busy = True
        self._say(self.tr("Looking up %1…").replace("%1", code if len(code) <= 40 else self.tr("the receipt QR")))
        if not OWN_RECEIPT.fullmatch(code):
            self.find_original(code)
            return

        def loaded(sale: SaleForReturn) -> None:
            self._busy = False
            self._show_sale(sale)
            self._say(self.tr("Everything on this receipt has already been returned.")
                      if sale.fully_returned else "", error=sale.fully_returned)

        def failed(error: BaseException) -> None:
            if getattr(error, "code", None) == "return.receipt_unknown":
                self.find_original(code)  # another till's or store's receipt: HQ knows it
                return
            self._show_sale(None)
            self._error(error)

        self.ops.find_sale(receipt_no=code).run(self, success=loaded, failure=failed,
                                                on_dialog=self._set_dialog)

    def find_original(self, query: str, keep: str | None = None) -> None:
        """Ask HQ (off the UI thread) for the originals ``query`` leads to; ``keep``: show the
        original with that reference again (after a refund, what is left of it)."""
        self._query, self._busy = query, True

        def found(result: FoundOriginals) -> None:
            self._busy = False
            self._show_sale(None)
            note = (self.tr("HQ cannot be reached: only this store's own sales are shown.")
                    if result.offline else "")
            again = [o for o in result.originals if o.original_ref == keep]
            if again or len(result.originals) == 1:
                self.choose((again or list(result.originals))[0], note=note)
                return
            self.originals.show_originals(result.originals, self._original_text)
            self.originals.show()
            self.originals.setFocus()
            self._say((note + "\n" if note else "") + self.tr("%1 orders found, newest first: choose one with "
                                                             "Up / Down and Enter.")
                      .replace("%1", str(len(result.originals))))

        def failed(error: BaseException) -> None:
            self._show_sale(None)
            self._error(error)

        self.ops.find_original(query=query).run(self, success=found, failure=failed, on_dialog=self._set_dialog)

    def _original_text(self, original: OriginalForReturn, *, total: bool = True) -> str:
        where = self.tr("Online order") if original.channel == "online" else \
            self.tr("Store %1").replace("%1", original.store_id or "")
        return " · ".join(part for part in (original.receipt_no, where, when(original),
                                            self.money(original.total_fen) if total else "") if part)

    def choose(self, original: OriginalForReturn, note: str = "") -> None:
        """Show ``original`` for a return (a sale of this till: through its receipt number)."""
        self.originals.hide()
        if original.own_till:
            self.receipt.setText(original.receipt_no)
            self.load_receipt(original.receipt_no)
            return
        self._show_sale(original)
        self.table.setFocus()
        if self.table.rowCount() and self.table.currentRow() < 0:  # focus came while it was empty
            self.table.setCurrentCell(0, 0)
        self._say(note or (self.tr("Everything on this receipt has already been returned.")
                           if original.fully_returned else ""), error=original.fully_returned)

    def clear(self) -> None:
        self.receipt.clear()
        self.originals.hide()
        self._query = ""
        self.reason.setCurrentIndex(0)
        self.reason_text.clear()
        self.card_reference.clear()
        self.cash_instead.setChecked(False)
        self.done_banner.hide()
        self._show_sale(None)
        self._say("")
        self.receipt.setFocus()

    def _show_sale(self, sale: SaleForReturn | OriginalForReturn | None) -> None:
        self.sale = sale
        self.original = sale if isinstance(sale, OriginalForReturn) else None
        online_cash = self._ctx.config.values.get("returns.online_cash", "approval") == "approval"
        self.cash_instead.setVisible(bool(self.original and self.original.channel == "online" and online_cash))
        if not self.cash_instead.isVisible():
            self.cash_instead.setChecked(False)
        self._editors.clear()
        self._goes.clear()
        self.table.setRowCount(0)
        if sale is None:
            self.sale_info.setText(self.tr("Scan a receipt or its QR, or type an order number or the member's "
                                           "phone, to start a return."))
            self._update_summary()
            return
        if isinstance(sale, OriginalForReturn):
            self.sale_info.setText(
                self.tr("%1 · paid %2 · refunded so far %3").replace("%1", self._original_text(sale, total=False))
                .replace("%2", self.money(sale.total_fen)).replace("%3", self.money(sale.refunded_fen)))
        else:
            self.sale_info.setText(
                self.tr("Receipt %1 · sold %2 · paid %3 · refunded so far %4")
                .replace("%1", sale.receipt_no).replace("%2", store_time.minutes(sale.completed_at))
                .replace("%3", self.money(sale.total_fen)).replace("%4", self.money(sale.refunded_fen)))
        notes = self._words.notes(sale.verdicts)  # the lines the return policy holds back
        if notes:
            self.sale_info.setText(self.sale_info.text() + "\n" + notes)
        kg = self.tr("kg")
        self.table.setRowCount(len(sale.lines))
        for row, line in enumerate(sale.lines):
            sold, note = line.sold, self._words.note(sale.verdicts.get(line.line_no))
            cells = (line.name_zh or line.name_en,
                     quantity_text(sold.quantity, line.unit, kg),
                     quantity_text(sold.returned_quantity, line.unit, kg),
                     quantity_text(sold.returnable, line.unit, kg), self.money(sold.net_fen), "", "")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                elif note:
                    item.setToolTip(note)
                self.table.setItem(row, column, item)
            self.table.setCellWidget(row, QTY_COLUMN, self._editor(line))
            goes = self._goes[line.line_no] = DispositionBox(line.line_no, line.name_zh or line.name_en, self.table)
            goes.follow(self.reason.currentData() or "")
            goes.setEnabled(self._returnable(line) > 0)
            self.table.setCellWidget(row, GOES_COLUMN, goes)
        self._update_summary()

    def _editor(self, line: ReturnableLine | CrossLine) -> QWidget:
        """The quantity to return: − / + buttons around a number (big enough to touch); a
        weighed line has a "whole line" check box instead."""
        sold, name = line.sold, line.name_zh or line.name_en
        if line.weighed:  # weighed goods come back whole or not at all
            box = named(QCheckBox(self.tr("Whole line"), self.table), f"returns.qty.{line.line_no}",
                        self.tr("Return all of %1").replace("%1", name))
            box.toggled.connect(self._update_summary)
            box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # the table is the tab stop
            box.setEnabled(self._returnable(line) > 0)
            self._editors[line.line_no] = box
            return box
        cell = QWidget(self.table)
        row = QHBoxLayout(cell)
        row.setContentsMargins(2, 2, 2, 2)
        row.setSpacing(2)
        edit = named(QuantityEdit(sold.returnable, cell), f"returns.qty.{line.line_no}",
                     self.tr("Quantity of %1 to return").replace("%1", name))
        edit.valueChanged.connect(self._update_summary)
        buttons = []
        for text, key, accessible, step in (
                ("-", "less", self.tr("One less %1").replace("%1", name), -1),
                ("+", "more", self.tr("One more %1").replace("%1", name), 1)):
            button = named(QToolButton(cell), f"returns.{key}.{line.line_no}", accessible)
            button.setText(text)
            button.setFixedSize(36, 36)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _c=False, d=step: edit.setValue(edit.value() + d))
            buttons.append(button)
        row.addWidget(buttons[0])
        row.addWidget(edit, 1)
        row.addWidget(buttons[1])
        for widget in (edit, *buttons):
            widget.setEnabled(self._returnable(line) > 0)
        self._editors[line.line_no] = edit
        return cell

    def _line_at(self, row: int) -> ReturnableLine | CrossLine | None:
        return self.sale.lines[row] if self.sale is not None and 0 <= row < len(self.sale.lines) else None

    def _step_row(self, row: int, delta: int) -> None:
        line = self._line_at(row)
        editor = self._editors.get(line.line_no) if line is not None else None
        if isinstance(editor, QCheckBox):
            editor.setChecked(delta > 0 and editor.isEnabled())
        elif editor is not None and editor.isEnabled():
            editor.setValue(editor.value() + delta)

    def _put_row(self, row: int, quantity: int | None) -> None:
        """Set a row's quantity (capped at what is returnable); None: all of it, or none again."""
        line = self._line_at(row)
        if line is None or self._returnable(line) <= 0:
            return
        if quantity is None:
            chosen = dict(self.selection()).get(line.line_no, 0)
            quantity = 0 if chosen else self._returnable(line)
        self.set_quantity(line.line_no, min(quantity, self._returnable(line)))

    def set_quantity(self, line_no: int, quantity: int) -> None:
        """Set a line's quantity to return (a weighed line: its whole weight or 0)."""
        editor = self._editors[line_no]
        if isinstance(editor, QCheckBox):
            editor.setChecked(quantity > 0)
        else:
            editor.setValue(quantity)

    def select_all(self) -> None:
        if self.sale is None:
            return
        for line in self.sale.lines:
            self.set_quantity(line.line_no, self._returnable(line))

    def selection(self) -> tuple[tuple[int, int], ...]:
        if self.sale is None:
            return ()
        out = []
        for line in self.sale.lines:
            editor = self._editors.get(line.line_no)
            if isinstance(editor, QCheckBox):
                quantity = line.sold.quantity if editor.isChecked() else 0
            else:
                quantity = editor.value() if editor is not None else 0
            if quantity:
                out.append((line.line_no, quantity))
        return tuple(out)

    # -- the refund ---------------------------------------------------------------------
    def _tender_label(self, kind: str) -> str:
        return {"cash": self.tr("Cash"), "card": self.tr("Card"), "mobile": self.tr("Mobile"),
                "points": self.tr("Points"), "online": self.tr("Online payment"), "wechat": self.tr("WeChat Pay"),
                "alipay": self.tr("Alipay"), "store_credit": self.tr("Back to the store credit note"),
                "voucher": self.tr("Voucher, as a new store credit note")}.get(kind, kind)

    def _update_summary(self) -> None:
        self.plan, problem = None, ""
        selection = self.selection()
        if self.sale is not None and selection:
            try:
                self.plan = self.sale.plan(selection)
            except RefundError as exc:
                problem = exc.message
        refunds = {r.line_no: r.refund_fen for r in self.plan.lines} if self.plan else {}
        if self.sale is not None:
            for row, line in enumerate(self.sale.lines):
                item = self.table.item(row, QTY_COLUMN + 1)
                if item is not None:
                    fen = refunds.get(line.line_no)
                    item.setText(self.money(fen) if fen is not None else "")
        plan = self.plan
        self.total.setText(self.money(plan.total_fen) if plan else "")
        self.card_reference.setVisible(bool(plan and any(t.kind == "card" for t in plan.tenders)))
        if plan is None:
            self.summary.setText(problem or (self.tr("Choose the items and quantities to return.")
                                             if self.sale is not None else ""))
        else:
            parts = []
            for t in plan.tenders:
                kind = "cash" if t.kind == "online" and self.cash_instead.isChecked() else t.kind
                part = f"{self._tender_label(kind)} {self.money(t.amount_fen)}"
                if t.kind == "points":
                    part += " " + self.tr("(%1 points back)").replace("%1", str(t.points))
                parts.append(part)
            text = self.tr("Refund to: %1").replace("%1", " · ".join(parts))
            if plan.points_reversed:
                text += "\n" + self.tr("Points taken back: %1").replace("%1", str(plan.points_reversed))
            if self._own_reasons_text():
                text += "\n" + self._own_reasons_text()
            if self._overridden():
                text += "\n" + self._words.override_summary(self._overridden())
            self.summary.setText(text)
        self.refund_button.setEnabled(plan is not None and not self._busy)

    def refund(self) -> None:
        if self._busy or self.sale is None:
            return
        if self.plan is None:
            self._say(self.summary.text() or self.tr("Choose the items and quantities to return."),
                      error=True)
            return
        code = self.reason.currentData() or ""
        if not code:
            self._say(self.tr("Choose the reason for the return."), error=True)
            return
        if code == "other" and not self.reason_text.text().strip():
            self._say(self.tr("Describe the reason for the return."), error=True)
            return
        sale = self.sale
        if isinstance(sale, OriginalForReturn):
            self._busy = True
            self.refund_button.setEnabled(False)
            policy, action = self._policy_fields(self.tr("Refund %1 on %2").replace(
                "%1", self.money(self.plan.total_fen)).replace("%2", sale.receipt_no))
            cross = CrossReturnRequest(sale.request_id, self.selection(), code, self.reason_text.text().strip(),
                                       self.card_reference.text().strip() or None,
                                       cash_instead=self.cash_instead.isVisible() and self.cash_instead.isChecked(),
                                       **policy)  # type: ignore[arg-type]
            self.ops.refund_original(request=cross, action_text=action).run(
                self, success=self._refunded_original, failure=self._error, on_dialog=self._set_dialog)
            return
        policy, action = self._policy_fields(self.tr("Refund %1 on receipt %2").replace(
            "%1", self.money(self.plan.total_fen)).replace("%2", sale.receipt_no))
        request = ReturnRequest(sale.request_id, sale.sale_id, self.selection(), code,
                                self.reason_text.text().strip(),
                                self.card_reference.text().strip() or None, **policy)  # type: ignore[arg-type]
        self._busy = True
        self.refund_button.setEnabled(False)
        self.ops.refund(request=request, action_text=action).run(
            self, success=self._refunded, failure=self._error, on_dialog=self._set_dialog)

    def reprint(self) -> None:
        done = self.last_return
        if done is None:
            return
        op = (self.ops.reprint_original if isinstance(done, CrossReturnDone) else self.ops.reprint)
        op(return_id=done.return_id).run(
            self, success=lambda _job: self._say(self.tr("Return receipt %1 sent to the printer.")
                                                 .replace("%1", done.return_no)),
            failure=self._error, on_dialog=self._set_dialog)

    def _done_text(self, refund_fen: int, return_no: str, tenders: list[tuple[str, int]], repeated: bool) -> str:
        parts = " · ".join(f"{self._tender_label(kind)} {self.money(fen)}" for kind, fen in tenders)
        text = (self.tr("Refunded %1 · return %2\n%3").replace("%1", self.money(refund_fen))
                .replace("%2", return_no).replace("%3", parts))
        if repeated:  # a retry: say so, or cash may be handed over twice
            text = self.tr("Already refunded before: nothing more was paid now.") + "\n" + text
        self.reason.setCurrentIndex(0)
        self.reason_text.clear()
        self.card_reference.clear()
        self.cash_instead.setChecked(False)
        self._say("")
        return text

    def _refunded(self, done: CompletedReturn) -> None:
        self._busy = False
        self.last_return = done
        self.reprint_button.setEnabled(True)
        text = self._done_text(done.refund_fen, done.return_no, [(t.kind, t.amount_fen) for t in done.tenders],
                               getattr(done, "repeated", False))
        self.load_receipt(done.receipt_no)  # what is left to return, under a new request id
        self.done_banner.setText(text)
        self.done_banner.show()
        if self.isVisible():
            self.receipt.setFocus()  # the keys go on working: the next receipt, or F6 again

    def _refunded_original(self, done: CrossReturnDone) -> None:
        self._busy = False
        self.last_return = done
        self.reprint_button.setEnabled(True)
        original = self.original
        text = self._done_text(done.refund_fen, done.return_no, list(done.tenders), done.repeated)
        if not done.reserved_at_hq:
            text += "\n" + self.tr("Taken offline from the receipt QR: HQ checks it when the till is online.")
        for count, said in ((done.points_back, self.tr("Points given back to the member: %1")),
                            (done.points_taken, self.tr("Earned points taken back: %1")),
                            (sum(1 for _c, o in done.coupons if o == "reissued"),
                             self.tr("Coupons given back to the member: %1"))):
            if count:
                text += "\n" + said.replace("%1", str(count))
        if original is not None and self._query:
            self.find_original(self._query, keep=original.original_ref)  # what is left, under a new request
        self.done_banner.setText(text)
        self.done_banner.show()


register(ScreenSpec("returns", QT_TRANSLATE_NOOP("Screens", "Returns"), ReturnsScreen,
                    "return.process", icon="returns.svg", order=12))
