"""商品查询 Product lookup: scan or type a code, or search by name / pinyin initials.

Lookups run on the task manager's database thread, debounced while typing;
results older than the latest query are dropped. The table is a model/view
pair, so thousands of rows cost nothing to show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from store_client.ui import keymap
from store_client.ui.automation import named
from store_client.ui.checkout.aisle_dialog import AisleDialog
from store_client.ui.operations.catalog import RESULT_LIMIT
from store_client.ui.product_search import LatestSearch, MoreResults, ProductTableModel, page_status
from store_client.ui.screen_spec import ScreenContext, ScreenSpec, register
from store_client.ui.stock_panel import StockPanel

if TYPE_CHECKING:
    from store_client.ui.operations.catalog import Found

DEBOUNCE_MS = 250


class ProductLookupScreen(QWidget):
    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen.productLookup")
        self._ctx = ctx
        title = QLabel(self.tr("Product lookup"), self)
        title.setObjectName("lookup.title")
        title.setProperty("kind", "title")
        self.query = named(QLineEdit(self), "lookup.query", self.tr("Barcode, SKU, name or pinyin"))
        self.query.setPlaceholderText(self.tr("Scan a barcode, or type a SKU, name or pinyin initials"))
        self.query.setClearButtonEnabled(True)
        self.search_button = named(QPushButton(self.tr("Search"), self), "lookup.search",
                                   self.tr("Search"))
        self.search_button.setProperty("primary", True)
        self.order_button = named(QPushButton(self.tr("Order from elsewhere"), self), "lookup.order",
                                  self.tr("Order the selected product from another store or the warehouse "
                                          "into the current sale"))
        self.order_button.clicked.connect(self.order_elsewhere)
        self.model = ProductTableModel(ctx.locale, self)
        self.results = named(QTableView(self), "lookup.results", self.tr("Products found"))
        self.results.setModel(self.model)
        self.results.setAlternatingRowColors(True)
        self.results.setWordWrap(False)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.verticalHeader().hide()
        self.results.verticalHeader().setDefaultSectionSize(40)
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column, width in enumerate((130, 360, 120, 64, 124, 144, 64)):
            self.results.setColumnWidth(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.status = QLabel(self.tr("Scan or type to search the catalog."), self)
        self.status.setObjectName("lookup.status")
        self.status.setProperty("kind", "subtle")

        self._search = LatestSearch(ctx.ops.catalog, self, debounce_ms=DEBOUNCE_MS,
                                    limit=RESULT_LIMIT, on_found=self._show, on_failed=self._failed,
                                    category_names=lambda: not self.model.category_names,
                                    english=ctx.locale.startswith("en"))
        self._search.timer.timeout.connect(self.search_now)
        self.query.textEdited.connect(lambda _t: self._search.schedule())
        self.query.returnPressed.connect(self.search_now)
        self.search_button.clicked.connect(self.search_now)

        bar = QHBoxLayout()
        bar.addWidget(self.query, 1)
        bar.addWidget(self.search_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 12)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addLayout(bar)
        layout.addWidget(self.results, 1)
        self.stock = StockPanel(ctx.ops.catalog, self)
        self.results.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._stock_of(current.row()))
        self.model.modelReset.connect(self.stock.clear)
        layout.addWidget(self.stock)
        self.more = MoreResults(self, ctx.ops.catalog, self.model, "lookup.more", RESULT_LIMIT,
                                lambda text, page: self.status.setText(
                                    page_status(text, page, self.model.rowCount())))
        footer = QHBoxLayout()
        footer.addWidget(self.status, 1)
        footer.addWidget(self.more.button)
        footer.addWidget(self.order_button)
        layout.addLayout(footer)
        self.setFocusProxy(self.query)
        keymap.keyed_buttons(self, [("F2", self.search_button), ("F4", self.order_button)], extra=(
            keymap.KeyAction(("F3",), self.tr("Go to the products found"), self.results.setFocus),))

    def activated(self) -> None:
        self.query.setFocus()
        self.query.selectAll()

    def search_now(self) -> None:
        if not self._search.search(self.query.text().strip()):
            self.model.set_products([])
            self.more.start("", None)
            self.status.setText(self.tr("Scan or type to search the catalog."))
            return
        self.status.setText(self.tr("Searching…"))

    def _show(self, text: str, found: Found) -> None:
        rows = found.products
        if found.category_names:
            self.model.category_names = found.category_names
        self.model.set_products(rows)
        self.more.start(text, found.page)
        self.status.setText(page_status(text, found.page, len(rows)))
        if rows:
            self.results.selectRow(0)

    def _stock_of(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            product = self.model.product(row)
            self.stock.show_product(product, product.name(self._ctx.locale))
        else:
            self.stock.clear()

    def order_elsewhere(self) -> None:
        """F4: the selected product into the current sale, ordered from a nearby store or the
        warehouse (endless aisle); the customer pays at the checkout."""
        rows = self.results.selectionModel().selectedRows()
        if not rows:
            self.status.setText(self.tr("Select the product to order first."))
            return
        product = self.model.product(rows[0].row())
        dialog = AisleDialog(self._ctx.ops.checkout, product, self._ctx.locale, self)
        dialog.added.connect(lambda _cart: self.status.setText(
            self.tr("%1 added to the current sale as an ordered item: take payment at the checkout.")
            .replace("%1", product.name(self._ctx.locale))))
        dialog.finished.connect(lambda _code: (dialog.deleteLater(), self.results.setFocus()))
        dialog.open()

    def _failed(self, error: BaseException) -> None:
        self.model.set_products([])
        self.status.setText(self.tr("Search failed: %1").replace("%1", str(error)))


register(ScreenSpec("productLookup", QT_TRANSLATE_NOOP("Screens", "Product lookup"),
                    ProductLookupScreen, "stock.lookup", icon="lookup.svg", order=10))
