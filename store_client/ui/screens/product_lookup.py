"""商品查询 Product lookup: scan or type a code, or search by name / pinyin initials.

Lookups run on the task manager's database thread, debounced while typing;
results older than the latest query are dropped. The table is a model/view
pair, so thousands of rows cost nothing to show.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
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
from store_client.ui.i18n import money_locale
from store_client.ui.screen_registry import ScreenContext, ScreenSpec, register

DEBOUNCE_MS = 250
RESULT_LIMIT = 200
MIN_CODE_LENGTH = 4  # shorter digit strings are searched as text, not looked up as codes

_Index = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()


def unit_label(unit: Any) -> str:
    from PySide6.QtCore import QCoreApplication

    value = str(getattr(unit, "value", unit))
    if value == "kg":
        return QCoreApplication.translate("Units", "kg")
    if value == "each":
        return QCoreApplication.translate("Units", "each")
    return value


def lookup(catalog: Any, text: str, limit: int = RESULT_LIMIT) -> list[Any]:
    """A code (barcode or SKU) first when the text looks like one, else a name search."""
    text = text.strip()
    if not text:
        return []
    if len(text) >= MIN_CODE_LENGTH and " " not in text:
        product = catalog.by_code(text)
        if product is not None:
            return [product]
    return list(catalog.search(text, limit=limit))


class ProductTableModel(QAbstractTableModel):
    COLUMNS = ("sku", "name", "category", "unit", "price", "barcodes", "active")

    def __init__(self, locale: str, parent: Any = None) -> None:
        super().__init__(parent)
        self._locale = locale
        self._rows: list[Any] = []
        self.category_names: dict[str, str] = {}
        self._headers = [self.tr("SKU"), self.tr("Name"), self.tr("Category"), self.tr("Unit"),
                         self.tr("Price"), self.tr("Barcodes"), self.tr("Active")]

    def set_products(self, products: list[Any]) -> None:
        self.beginResetModel()
        self._rows = list(products)
        self.endResetModel()

    def product(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: _Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        product = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(product, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "price":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and not product.active:
            from PySide6.QtGui import QColor

            return QColor("#8a93a0")
        return None

    def _text(self, product: Any, column: str) -> str:
        if column == "sku":
            return product.sku
        if column == "name":
            return product.name(self._locale)
        if column == "category":
            return self.category_names.get(product.category_code, product.category_code)
        if column == "unit":
            return unit_label(product.unit)
        if column == "price":
            text = product.price.format(money_locale(self._locale))
            if str(getattr(product.unit, "value", product.unit)) == "kg":
                text += " / " + unit_label("kg")
            return text
        if column == "barcodes":
            return ", ".join(product.barcodes)
        return self.tr("Yes") if product.active else self.tr("No")


class ProductLookupScreen(QWidget):
    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen.productLookup")
        self._ctx = ctx
        self._generation = 0
        title = QLabel(self.tr("Product lookup"), self)
        title.setObjectName("lookup.title")
        title.setProperty("kind", "title")
        self.query = named(QLineEdit(self), "lookup.query", self.tr("Barcode, SKU, name or pinyin"))
        self.query.setPlaceholderText(self.tr("Scan a barcode, or type a SKU, name or pinyin initials"))
        self.query.setClearButtonEnabled(True)
        self.search_button = named(QPushButton(self.tr("Search"), self), "lookup.search",
                                   self.tr("Search"))
        self.search_button.setProperty("primary", True)
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
        for column, width in enumerate((150, 360, 120, 70, 140, 170, 70)):
            self.results.setColumnWidth(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.status = QLabel(self.tr("Scan or type to search the catalog."), self)
        self.status.setObjectName("lookup.status")
        self.status.setProperty("kind", "subtle")

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)
        self.query.textEdited.connect(lambda _t: self._debounce.start())
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
        layout.addWidget(self.status)
        self.setFocusProxy(self.query)
        keymap.keyed_buttons(self, [("F2", self.search_button)], extra=(
            keymap.KeyAction(("F3",), self.tr("Go to the products found"), self.results.setFocus),))

    def activated(self) -> None:
        self.query.setFocus()
        self.query.selectAll()

    def search_now(self) -> None:
        self._debounce.stop()
        text = self.query.text().strip()
        self._generation += 1
        generation = self._generation
        if not text:
            self.model.set_products([])
            self.status.setText(self.tr("Scan or type to search the catalog."))
            return
        self.status.setText(self.tr("Searching…"))
        catalog = self._ctx.services.catalog
        need_names = not self.model.category_names
        english = self._ctx.locale.startswith("en")

        def job() -> tuple[list[Any], dict[str, str]]:
            names = ({code: (en if english else zh) for code, zh, en in catalog.categories()}
                     if need_names else {})
            return lookup(catalog, text), names

        self._ctx.tasks.run_db(job, lambda result: self._show(generation, text, *result),
                               lambda error: self._failed(generation, error))

    def _show(self, generation: int, text: str, rows: list[Any], names: dict[str, str]) -> None:
        if names:
            self.model.category_names = names
        if generation != self._generation:
            return  # a newer query is on its way
        self.model.set_products(rows)
        if not rows:
            self.status.setText(self.tr("Nothing found for “%1”.").replace("%1", text))
        elif len(rows) >= RESULT_LIMIT:
            self.status.setText(self.tr("First %1 products shown; type more to narrow the search.")
                                .replace("%1", str(len(rows))))
        else:
            self.status.setText(self.tr("Products found: %1").replace("%1", str(len(rows))))
        if rows:
            self.results.selectRow(0)

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self.model.set_products([])
            self.status.setText(self.tr("Search failed: %1").replace("%1", str(error)))


register(ScreenSpec("productLookup", QT_TRANSLATE_NOOP("Screens", "Product lookup"),
                    ProductLookupScreen, "stock.lookup", icon="lookup.svg", order=10))
