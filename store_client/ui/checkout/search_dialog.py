"""F3 (or "Search" after an unknown barcode): find a product by name, pinyin, SKU or barcode.

Results come as you type (debounced, on the database thread, older answers
dropped) into a model/view table; Enter or a double click picks the product
(``picked`` carries its ProductInfo). The selected product's stock (here, reserved for
pick-up, nearby stores and the warehouse, each with its time) shows under the list, as
on Product lookup, so the cashier can tell a customer where else it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from store_client.ui.automation import named
from store_client.ui.product_search import LatestSearch, MoreResults, ProductTableModel, page_status
from store_client.ui.stock_panel import StockPanel

if TYPE_CHECKING:
    from store_client.ui.operations.catalog import CatalogOps, Found

DEBOUNCE_MS = 120
RESULT_LIMIT = 100


class SearchDialog(QDialog):
    picked = Signal(object)
    order_requested = Signal(object)  # F5: order the selected product from elsewhere (endless aisle)

    def __init__(self, catalog: CatalogOps, locale: str, initial: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checkout.search.dialog")
        self.setWindowTitle(self.tr("Find a product"))
        self.setModal(True)
        self._pick_when_ready = False
        self.query = named(QLineEdit(self), "checkout.search.query", self.tr("Name, pinyin, SKU or barcode"))
        self.query.setPlaceholderText(self.tr("Type a name, pinyin initials (e.g. xfs), SKU or barcode"))
        self.query.setClearButtonEnabled(True)
        self.model = ProductTableModel(locale, self)
        self.results = named(QTableView(self), "checkout.search.results", self.tr("Products found"))
        self.results.setModel(self.model)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.verticalHeader().hide()
        self.results.verticalHeader().setDefaultSectionSize(38)
        self.results.setWordWrap(False)
        for column, width in enumerate((140, 320, 110, 60, 130, 150, 60)):
            self.results.setColumnWidth(column, width)
        self.results.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for hidden in (2, 5, 6):  # category, barcodes, active: not needed at the till
            self.results.hideColumn(hidden)
        self.status = QLabel(self.tr("Type to search."), self)
        self.status.setObjectName("checkout.search.status")
        self.add_button = named(QPushButton(self.tr("Add to sale"), self), "checkout.search.add",
                                self.tr("Add the selected product to the sale"))
        self.add_button.setProperty("primary", True)
        self.cancel_button = named(QPushButton(self.tr("Cancel"), self), "checkout.search.cancel",
                                   self.tr("Cancel"))
        self.order_button = named(QPushButton(self.tr("F5 Order from elsewhere"), self), "checkout.search.order",
                                  self.tr("Order the selected product from another store or the warehouse"))
        buttons = QHBoxLayout()
        self.more = MoreResults(self, catalog, self.model, "checkout.search.more", RESULT_LIMIT,
                                lambda text, page: self.status.setText(
                                    page_status(text, page, self.model.rowCount())))
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.more.button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.order_button)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        self.stock = StockPanel(catalog, self, name="checkout.search.stock")
        self.results.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._stock_of(current.row()))
        self.model.modelReset.connect(self.stock.clear)
        self._locale = locale
        layout.addWidget(self.stock)
        layout.addLayout(buttons)
        self.setMinimumSize(860, 660)

        self._search = LatestSearch(catalog, self, debounce_ms=DEBOUNCE_MS, limit=RESULT_LIMIT,
                                    on_found=self._found, on_failed=self._failed)
        self._search.timer.timeout.connect(self.search_now)
        self.query.textChanged.connect(lambda _t: self._search.schedule())
        self.query.returnPressed.connect(self.pick)
        self.results.doubleClicked.connect(lambda _i: self.pick())
        self.add_button.clicked.connect(self.pick)
        self.cancel_button.clicked.connect(self.reject)
        self.order_button.clicked.connect(self.order_elsewhere)
        order_key = QShortcut(QKeySequence("F5"), self)
        order_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        order_key.activated.connect(self.order_button.click)
        self.query.setText(initial)
        self.query.setFocus(Qt.FocusReason.OtherFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.model.rowCount():
            rows = self.results.selectionModel().selectedRows()
            row = rows[0].row() if rows else -1
            row = min(self.model.rowCount() - 1, row + 1) if key == Qt.Key.Key_Down else max(0, row - 1)
            self.results.selectRow(row)
            return
        super().keyPressEvent(event)

    def search_now(self) -> None:
        if not self._search.search(self.query.text().strip()):
            self.model.set_products([])
            self.more.start("", None)
            self.status.setText(self.tr("Type to search."))

    def _found(self, text: str, found: Found) -> None:
        rows = found.products
        self.model.set_products(rows)
        self.more.start(text, found.page)
        self.status.setText(page_status(text, found.page, len(rows)))
        if rows:
            self.results.selectRow(0)
        if self._pick_when_ready:
            self._pick_when_ready = False
            if rows:
                self.pick()

    def _stock_of(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            product = self.model.product(row)
            self.stock.show_product(product, product.name(self._locale))
        else:
            self.stock.clear()

    def _failed(self, error: BaseException) -> None:
        self.status.setText(self.tr("Search failed: %1").replace("%1", str(error)))

    def order_elsewhere(self) -> None:
        """The selected product, out here, to be ordered from a nearby store or the warehouse."""
        rows = self.results.selectionModel().selectedRows()
        if not rows:
            self.status.setText(self.tr("Select the product to order first."))
            return
        self.order_requested.emit(self.model.product(rows[0].row()))
        self.accept()

    def pick(self) -> None:
        if self._search.waiting:  # Enter right after typing: search, then pick the first
            self._pick_when_ready = True
            self.search_now()
            return
        rows = self.results.selectionModel().selectedRows()
        if not rows:
            return
        self.picked.emit(self.model.product(rows[0].row()))
        self.accept()
