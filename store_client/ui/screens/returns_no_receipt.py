"""无小票退货: the Returns screen's "no receipt" mode (Shift+F2 there), a dialog with its own keys.

No receipt and no member: the cashier scans the items coming back (scanning again adds one;
digits on a line type its quantity), sees each line refunded at the item's lowest shelf
price of the last 90 days, picks the reason and, where the policy leaves the choice, cash or
store credit; the refund always needs a second person's approval (the op runner's approval
dialog). Every check is the service's (services/no_receipt_returns.py): the dialog adds up
what it shows and sends the request, whose id makes a retry refund once.

Keys (a dialog's layer, docs/keyboard.md): scan or type + Enter adds the item, F4 clears the
list, F5 reprints the last slip and credit note, F6 the items (Up / Down, + / −, digits, Delete removes the line), F7 the reason, F8
cash or store credit, F11 refund, Esc closes.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from store_client.services.errors import ServiceError
from store_client.services.no_receipt_views import NoReceiptDone, NoReceiptItem, NoReceiptPolicy, NoReceiptRequest
from store_client.services.return_views import REASONS
from store_client.ui.automation import named
from store_client.ui.screens.returns_widgets import ReturnLinesTable
from store_client.ui.service_messages import service_error_text

TENDER_TEXT = {"store_credit": QT_TRANSLATE_NOOP("NoReceiptDialog", "Store credit note"),
               "cash": QT_TRANSLATE_NOOP("NoReceiptDialog", "Cash")}
REASON_TEXT = (QT_TRANSLATE_NOOP("NoReceiptDialog", "Damaged or faulty"),
               QT_TRANSLATE_NOOP("NoReceiptDialog", "Wrong item"),
               QT_TRANSLATE_NOOP("NoReceiptDialog", "Changed mind"),
               QT_TRANSLATE_NOOP("NoReceiptDialog", "Other (describe)"))
QTY, REFUND = 3, 4


def _tr(text: str) -> str:
    return QCoreApplication.translate("NoReceiptDialog", text)


class NoReceiptDialog(QDialog):
    """The mode's whole workflow; ``ops`` is the screen's ReturnsOps, ``money`` its formatter."""

    def __init__(self, ops, money, parent: QWidget | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.setObjectName("returns.noReceipt")
        self.setWindowTitle(self.tr("Return without receipt"))
        self.setModal(True)
        self.ops, self.money = ops, money
        self.policy: NoReceiptPolicy | None = None
        self.items: list[tuple[NoReceiptItem, int]] = []  # in scan order, each SKU once
        self.last: NoReceiptDone | None = None
        self.approval: QDialog | None = None
        self._busy = False

        heading = QLabel(self.tr("No receipt, no member: each item is refunded at its lowest shelf price of the "
                                 "last 90 days, and a manager approves every such return."), self)
        heading.setObjectName("returns.noReceipt.heading")
        heading.setProperty("kind", "title")
        heading.setWordWrap(True)
        self.policy_label = QLabel("", self)
        self.policy_label.setObjectName("returns.noReceipt.policy")
        self.policy_label.setWordWrap(True)
        self.code = named(QLineEdit(self), "returns.noReceipt.code", self.tr("Item barcode"))
        self.code.setPlaceholderText(self.tr("Scan or type the item's barcode and press Enter; scan again for one more"))
        self.code.setMaxLength(64)
        self.code.returnPressed.connect(self._code_entered)
        self.add_button = named(QPushButton(self.tr("Add item"), self), "returns.noReceipt.add",
                                self.tr("Add the item typed"))
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._code_entered)
        self.table = named(ReturnLinesTable(0, 5, self), "returns.noReceipt.lines", self.tr("Items coming back"))
        self.table.setHorizontalHeaderLabels([self.tr("Item"), self.tr("Lowest price (90 days)"),
                                              self.tr("Shelf price now"), self.tr("Quantity"), self.tr("Refund")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(40)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.step = lambda row, delta: self._set_quantity(row, self.items[row][1] + delta)
        self.table.put = lambda row, qty: None if qty is None else self._set_quantity(row, qty)

        self.reason = named(QComboBox(self), "returns.noReceipt.reason", self.tr("Reason for the return"))
        self.reason.addItem(self.tr("Choose a reason…"), "")
        for code, text in zip(REASONS, REASON_TEXT, strict=True):
            self.reason.addItem(_tr(text), code)
        self.reason_text = named(QLineEdit(self), "returns.noReceipt.reasonText", self.tr("Reason details"))
        self.reason_text.setPlaceholderText(self.tr("Details (needed for Other)"))
        self.reason_text.setMaxLength(200)
        self.tender = named(QComboBox(self), "returns.noReceipt.tender", self.tr("Refund as"))
        self.tender.currentIndexChanged.connect(self._update)
        self.total = QLabel("", self)
        self.total.setObjectName("returns.noReceipt.total")
        font = self.total.font()
        font.setPointSize(18)
        font.setBold(True)
        self.total.setFont(font)
        self.message = QLabel("", self)
        self.message.setObjectName("returns.noReceipt.message")
        self.message.setWordWrap(True)
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.done_banner = QLabel("", self)
        self.done_banner.setObjectName("returns.noReceipt.done")
        self.done_banner.setProperty("kind", "saleDone")
        self.done_banner.setWordWrap(True)
        self.done_banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.done_banner.hide()
        self.refund_button = named(QPushButton(self.tr("Refund (F11)"), self), "returns.noReceipt.refund",
                                   self.tr("Refund the items with a manager's approval"))
        self.refund_button.setProperty("primary", True)
        self.refund_button.setAutoDefault(False)
        self.refund_button.setMinimumHeight(48)
        self.refund_button.clicked.connect(self.refund)
        self.clear_button = named(QPushButton(self.tr("Clear (F4)"), self), "returns.noReceipt.clear",
                                  self.tr("Remove every item"))
        self.clear_button.setAutoDefault(False)
        self.clear_button.clicked.connect(self.clear)
        self.reprint_button = named(QPushButton(self.tr("Reprint (F5)"), self), "returns.noReceipt.reprint",
                                    self.tr("Reprint the last slip and credit note"))
        self.reprint_button.setAutoDefault(False)
        self.reprint_button.setEnabled(False)
        self.reprint_button.clicked.connect(self.reprint)
        self.close_button = named(QPushButton(self.tr("Close (Esc)"), self), "returns.noReceipt.close",
                                  self.tr("Back to returns with a receipt"))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)

        entry = QHBoxLayout()
        entry.addWidget(self.code, 1)
        entry.addWidget(self.add_button)
        reason_row = QHBoxLayout()
        reason_row.addWidget(QLabel(self.tr("Reason"), self))
        reason_row.addWidget(self.reason)
        reason_row.addWidget(self.reason_text, 1)
        reason_row.addWidget(QLabel(self.tr("Refund as"), self))
        reason_row.addWidget(self.tender)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.total)
        bottom.addSpacing(12)
        bottom.addWidget(self.clear_button)
        bottom.addWidget(self.reprint_button)
        bottom.addWidget(self.close_button)
        bottom.addWidget(self.refund_button)
        layout = QVBoxLayout(self)
        for part in (heading, self.policy_label, entry, self.done_banner, self.table, reason_row, bottom):
            (layout.addLayout if isinstance(part, QHBoxLayout) else layout.addWidget)(part)  # type: ignore[operator]
        layout.setStretchFactor(self.table, 1)
        for widget in (self.code, self.add_button, self.table, self.reason, self.reason_text, self.tender,
                       self.refund_button, self.clear_button, self.reprint_button, self.close_button):
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        QWidget.setTabOrder(self.code, self.add_button)
        QWidget.setTabOrder(self.add_button, self.table)
        QWidget.setTabOrder(self.table, self.reason)
        QWidget.setTabOrder(self.reason, self.reason_text)
        QWidget.setTabOrder(self.reason_text, self.tender)
        QWidget.setTabOrder(self.tender, self.refund_button)
        for key, action in (("F4", self.clear), ("F5", self.reprint), ("F6", self.table.setFocus), ("F7", self.reason.setFocus),
                            ("F8", self._next_tender), ("F11", self.refund)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(action)
        self._update()
        self._start()

    # -- helpers --------------------------------------------------------------------------
    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setProperty("kind", "error" if error else "ok")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    def _error(self, error: BaseException) -> None:
        self._busy = False
        self._update()
        self._say(service_error_text(error, self.money) if isinstance(error, ServiceError)
                  else self.tr("Something went wrong: %1").replace("%1", str(error)), error=True)

    def _set_approval(self, dialog: QDialog | None) -> None:
        self.approval = dialog
        if dialog is None:
            self.activateWindow()
            self.code.setFocus()

    def _start(self) -> None:
        """A fresh request and the policy (what the store refunds as, the limits)."""
        self.ops.no_receipt_start().run(self, success=self._started, failure=self._error,
                                        on_dialog=self._set_approval)

    def _started(self, policy: NoReceiptPolicy) -> None:
        self.policy = policy
        current = self.tender.currentData()
        self.tender.blockSignals(True)
        self.tender.clear()
        for code in policy.tenders:
            self.tender.addItem(_tr(TENDER_TEXT[code]), code)
        if current in policy.tenders:
            self.tender.setCurrentIndex(policy.tenders.index(current))
        self.tender.blockSignals(False)
        self.tender.setEnabled(len(policy.tenders) > 1)
        self.policy_label.setText(self.tr("Refunded as: %1 · at most %2 per return · %3 left today on this till")
                                  .replace("%1", " / ".join(_tr(TENDER_TEXT[c]) for c in policy.tenders))
                                  .replace("%2", self.money(policy.max_fen))
                                  .replace("%3", self.money(policy.day_left_fen)))
        self._update()

    # -- the items ------------------------------------------------------------------------
    def scan(self, code: str) -> None:
        """A scan routed here (the screen forwards the scanner's codes while this is open)."""
        if self.approval is not None and self.approval.isVisible():
            return
        self.code.setText(code)
        self._code_entered()

    def _code_entered(self) -> None:
        code = self.code.text().strip()
        if not code:
            self._say(self.tr("Scan or type the item's barcode."), error=True)
            return
        self.done_banner.hide()
        self.ops.no_receipt_item(code=code).run(self, success=self._add, failure=self._error,
                                                on_dialog=self._set_approval)

    def _add(self, item: NoReceiptItem) -> None:
        self.code.clear()
        for row, (known, qty) in enumerate(self.items):
            if known.sku == item.sku:  # scanned again: one more
                self.items[row] = (item, qty + 1)
                break
        else:
            self.items.append((item, 1))
            row = len(self.items) - 1
        self._say("")
        self._show()
        self.table.setCurrentCell(row, 0)

    def _set_quantity(self, row: int, qty: int) -> None:
        """Typed digits or + / −; 0 (or Delete) takes the line off. An absurd quantity is kept
        and shown: the service refuses it with its own message when the refund is asked."""
        if not 0 <= row < len(self.items):
            return
        if qty <= 0:
            del self.items[row]
            self._show()
            if self.items:
                self.table.setCurrentCell(min(row, len(self.items) - 1), 0)
            return
        self.items[row] = (self.items[row][0], qty)
        self._show()
        self.table.setCurrentCell(row, 0)

    def _show(self) -> None:
        self.table.setRowCount(len(self.items))
        for row, (item, qty) in enumerate(self.items):
            cells = (item.name_zh or item.name_en or item.sku, self.money(item.unit_fen), self.money(item.current_fen),
                     str(qty), self.money(item.unit_fen * qty))
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, cell)
        self._update()

    def _next_tender(self) -> None:
        if self.tender.count() > 1:
            self.tender.setCurrentIndex((self.tender.currentIndex() + 1) % self.tender.count())

    def _update(self) -> None:
        fen = sum(item.unit_fen * qty for item, qty in self.items)
        self.total.setText(self.money(fen) if self.items else "")
        self.refund_button.setEnabled(bool(self.items) and self.policy is not None and not self._busy)

    def clear(self) -> None:
        self.items = []
        self.reason.setCurrentIndex(0)
        self.reason_text.clear()
        self._show()
        self._say("")
        self.code.setFocus()

    # -- the refund -----------------------------------------------------------------------
    def refund(self) -> None:
        if self._busy or self.policy is None:
            return
        if not self.items:
            self._say(self.tr("Scan the items being returned."), error=True)
            return
        reason = self.reason.currentData() or ""
        if not reason:
            self._say(self.tr("Choose the reason for the return."), error=True)
            self.reason.setFocus()
            return
        if reason == "other" and not self.reason_text.text().strip():
            self._say(self.tr("Describe the reason for the return."), error=True)
            self.reason_text.setFocus()
            return
        request = NoReceiptRequest(self.policy.request_id, tuple((item.sku, qty) for item, qty in self.items),
                                   reason, self.reason_text.text().strip(), self.tender.currentData())
        fen = sum(item.unit_fen * qty for item, qty in self.items)
        self._busy = True
        self._update()
        action = self.tr("Refund %1 without a receipt").replace("%1", self.money(fen))
        self.ops.no_receipt_refund(request=request, action_text=action).run(
            self, success=self._refunded, failure=self._error, on_dialog=self._set_approval)

    def reprint(self) -> None:
        done = self.last
        if done is None:
            return
        self.ops.no_receipt_reprint(return_id=done.return_id).run(
            self, success=lambda _job: self._say(self.tr("Return %1 sent to the printer again.")
                                                 .replace("%1", done.return_no)),
            failure=self._error, on_dialog=self._set_approval)

    def _refunded(self, done: NoReceiptDone) -> None:
        self._busy = False
        self.last = done
        self.reprint_button.setEnabled(True)
        how = _tr(TENDER_TEXT[done.tender])
        text = (self.tr("Refunded %1 as %2 · return %3").replace("%1", self.money(done.refund_fen))
                .replace("%2", how).replace("%3", done.return_no))
        if done.credit_code:
            text += "\n" + self.tr("Credit note %1: give the customer the printed note").replace(
                "%1", done.credit_code)
        if done.repeated:  # a retry: say so, or cash may be handed over twice
            text = self.tr("Already refunded before: nothing more was paid now.") + "\n" + text
        self.clear()
        self.done_banner.setText(text)
        self.done_banner.show()
        self.policy = None
        self._start()  # the next return is a new request
