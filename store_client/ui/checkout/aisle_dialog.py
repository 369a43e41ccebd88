"""Order an item from elsewhere (endless aisle): the nearby stores and warehouses with their
figures as last pulled, the quantity, pick up here or home delivery (with the address), the
customer's mobile number, and the promise; "Add to sale" puts it on the current sale as an
ordered line (services/aisle.py). Opened from the checkout's search (F5) and Product lookup
(F4). Every refusal is said in the till's words in the dialog, which stays open.

Keys: Up/Down choose the source, Tab moves through the fields, Enter in a field adds the
line, Esc closes. The phone and address are never logged (they go to HQ with the order)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from store_client import store_time
from store_client.ui.automation import named
from store_client.ui.service_messages import service_error_text

if TYPE_CHECKING:
    from store_client.domain.catalog import ProductInfo
    from store_client.services.aisle import SourceView
    from store_client.services.checkout_views import CartView
    from store_client.ui.operations.checkout import CheckoutOps


class QuantityField(QLineEdit):
    """A whole number from 1 to 999, typed, or stepped with Up / Down (a styled QSpinBox
    squeezes its own editor to nothing under the theme)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("1", parent)
        self.setValidator(QIntValidator(1, 999, self))

    def value(self) -> int:
        text = self.text().strip()
        return int(text) if text.isdigit() else 0

    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = {Qt.Key.Key_Up: 1, Qt.Key.Key_Down: -1}.get(Qt.Key(event.key()))
        if step is None:
            super().keyPressEvent(event)
            return
        self.setText(str(max(1, min(999, self.value() + step))))


class AisleDialog(QDialog):
    added = Signal(object)  # the CartView with the ordered line

    def __init__(self, ops: CheckoutOps, product: ProductInfo, locale: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aisle.dialog")
        self.setWindowTitle(self.tr("Order from another store or the warehouse"))
        self.setModal(True)
        self._ops, self._product = ops, product
        self._sources: list[SourceView] = []
        self.title = QLabel(self.tr("Order %1 %2").replace("%1", product.sku)
                            .replace("%2", product.name(locale)), self)
        self.title.setObjectName("aisle.title")
        self.title.setProperty("kind", "heading")
        self.title.setWordWrap(True)
        self.table = named(QTableWidget(0, 4, self), "aisle.sources", self.tr("Where to order from"))
        self.table.setHorizontalHeaderLabels([self.tr("Source"), self.tr("Available"), self.tr("As of"),
                                              self.tr("Promised")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list for the fields
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(36)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.quantity = named(QuantityField(self), "aisle.quantity", self.tr("Quantity"))
        self.fulfilment = named(QComboBox(self), "aisle.fulfilment", self.tr("How the customer gets it"))
        self.fulfilment.addItem(self.tr("Pick up here"), "pickup")
        self.fulfilment.addItem(self.tr("Home delivery"), "delivery")
        self.phone = named(QLineEdit(self), "aisle.phone", self.tr("Customer's mobile number"))
        self.phone.setPlaceholderText(self.tr("11 digits: we send the pick-up or delivery notice"))
        self.phone.setMaxLength(20)
        self.address = named(QLineEdit(self), "aisle.address", self.tr("Delivery address"))
        self.address.setPlaceholderText(self.tr("Street, building, flat"))
        self.address.setMaxLength(200)
        self.promise = QLabel(self)
        self.promise.setObjectName("aisle.promise")
        self.message = QLabel(self.tr("Reading the other sites' stock…"), self)
        self.message.setObjectName("aisle.message")
        self.message.setWordWrap(True)
        self.add_button = named(QPushButton(self.tr("Add to sale"), self), "aisle.add",
                                self.tr("Add the ordered item to the sale"))
        self.add_button.setProperty("primary", True)
        self.cancel_button = named(QPushButton(self.tr("Cancel"), self), "aisle.cancel", self.tr("Cancel"))
        form = QFormLayout()
        form.addRow(self.tr("Quantity"), self.quantity)
        form.addRow(self.tr("Fulfilment"), self.fulfilment)
        form.addRow(self.tr("Mobile"), self.phone)
        form.addRow(self.tr("Address"), self.address)
        form.addRow(self.tr("Promised"), self.promise)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.setMinimumSize(720, 560)
        self.setTabOrder(self.table, self.quantity)
        self.setTabOrder(self.quantity, self.fulfilment)
        self.setTabOrder(self.fulfilment, self.phone)
        self.setTabOrder(self.phone, self.address)
        self.setTabOrder(self.address, self.add_button)
        self.setTabOrder(self.add_button, self.cancel_button)
        self.add_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.phone.returnPressed.connect(self.submit)
        self.address.returnPressed.connect(self.submit)
        self.fulfilment.currentIndexChanged.connect(lambda _i: self._fulfilment_changed())
        self.table.itemSelectionChanged.connect(self._show_promise)
        self._fulfilment_changed()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        ops.aisle_sources(sku=product.sku).run(self, success=self._loaded, failure=self._failed)

    # -- sources ------------------------------------------------------------------------------
    def _loaded(self, sources: list[SourceView]) -> None:
        self._sources = sources
        self.table.setRowCount(len(sources))
        for row, source in enumerate(sources):
            where = source.name if source.kind == "store" else self.tr("%1 (warehouse)").replace("%1", source.name)
            if source.distance_m is not None:
                where = self.tr("%1 · %2 km").replace("%1", where).replace("%2", f"{source.distance_m / 1000:.1f}")
            as_of = store_time.minutes(source.as_of) if source.as_of else self.tr("time unknown")
            if not source.fresh:
                as_of = self.tr("%1 (older than 10 min)").replace("%1", as_of)
            cells = (where, str(source.available), as_of, self._day(source.promised_at))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        first = next((i for i, s in enumerate(sources) if s.available > 0), 0 if sources else -1)
        if first >= 0:
            self.table.selectRow(first)
        self.message.setText("" if sources else
                             self.tr("HQ has sent no other store's or warehouse's figure for this item."))

    def _failed(self, error: BaseException) -> None:
        self.message.setText(service_error_text(error))

    def _day(self, moment: datetime) -> str:
        local = store_time.to_store(moment)
        return self.tr("%1-%2").replace("%1", f"{local.month:02d}").replace("%2", f"{local.day:02d}")

    def selected(self) -> SourceView | None:
        rows = self.table.selectionModel().selectedRows()
        return self._sources[rows[0].row()] if rows and rows[0].row() < len(self._sources) else None

    def _show_promise(self) -> None:
        source = self.selected()
        if source is None:
            self.promise.setText("")
            return
        text = (self.tr("%1 at this store (%2 days)") if self.fulfilment.currentData() == "pickup"
                else self.tr("%1 at the address (%2 days)"))
        self.promise.setText(text.replace("%1", self._day(source.promised_at)).replace("%2", str(source.lead_days)))

    def _fulfilment_changed(self) -> None:
        delivery = self.fulfilment.currentData() == "delivery"
        self.address.setEnabled(delivery)
        if not delivery:
            self.address.clear()
        self._show_promise()

    # -- adding ---------------------------------------------------------------------------------
    def submit(self) -> None:
        source = self.selected()
        if source is None:
            self.message.setText(self.tr("Choose where to order from."))
            self.table.setFocus()
            return
        self.message.setText(self.tr("Adding…"))
        self._ops.add_ordered(sku=self._product.sku, site_id=source.site_id, quantity=self.quantity.value(),
                              fulfilment=str(self.fulfilment.currentData()), phone=self.phone.text(),
                              address=self.address.text()).run(
            self, success=self._added, failure=self._failed, busy=[self.add_button])

    def _added(self, cart: CartView) -> None:
        self.added.emit(cart)
        self.accept()
