"""Finding products as the operator types: the table model and the debounced latest-wins search.

Shared by the Product lookup screen and the checkout's search dialog. Lookups go
through the catalog operations (database thread); while typing they wait for a pause
(``schedule``), and an answer older than the newest query is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from store_client.ui.i18n import money_locale
from store_client.ui.table_model import RowsTableModel

if TYPE_CHECKING:
    from store_client.domain.catalog import ProductInfo
    from store_client.services.catalog import SearchPage
    from store_client.ui.operations.catalog import CatalogOps, Found

_Index = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()


def unit_label(unit: object) -> str:
    value = str(getattr(unit, "value", unit))
    if value == "kg":
        return QCoreApplication.translate("Units", "kg")
    if value == "each":
        return QCoreApplication.translate("Units", "each")
    return value


class ProductTableModel(RowsTableModel):
    COLUMNS = ("sku", "name", "category", "unit", "price", "barcodes", "active")

    def __init__(self, locale: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._locale = locale
        self.category_names: dict[str, str] = {}
        self._headers = [self.tr("SKU"), self.tr("Name"), self.tr("Category"), self.tr("Unit"),
                         self.tr("Price"), self.tr("Barcodes"), self.tr("Active")]

    def set_products(self, products: list[ProductInfo]) -> None:
        self.set_rows(products)

    def add_products(self, products: list[ProductInfo]) -> None:
        """Append the next page of a list cut short (the rows already shown stay)."""
        if not products:
            return
        start = len(self._rows)
        self.beginInsertRows(_NO_PARENT, start, start + len(products) - 1)
        self._rows.extend(products)
        self.endInsertRows()

    def product(self, row: int) -> ProductInfo:
        return self._rows[row]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        product = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(product, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "price":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and not product.active:
            return QColor("#8a93a0")
        return None

    def _text(self, product: ProductInfo, column: str) -> str:
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


class LatestSearch(QObject):
    """Debounced, latest-wins: ``schedule()`` while typing, ``search(text)`` at once.

    Only the newest query's answer reaches ``on_found(text, found)`` / ``on_failed(error)``;
    nothing reaches a closed owner.
    """

    def __init__(self, catalog: CatalogOps, owner: QWidget, *, debounce_ms: int, limit: int,
                 on_found: Callable[[str, Found], object],
                 on_failed: Callable[[BaseException], object],
                 category_names: Callable[[], bool] = lambda: False,
                 english: bool = False) -> None:
        super().__init__(owner)
        self._catalog, self._owner, self._limit = catalog, owner, limit
        self._on_found, self._on_failed = on_found, on_failed
        self._category_names, self._english = category_names, english
        self._generation = 0
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(debounce_ms)

    @property
    def waiting(self) -> bool:
        """True between a keystroke and the search it schedules."""
        return self.timer.isActive()

    def schedule(self) -> None:
        self.timer.start()

    def search(self, text: str) -> bool:
        """Search ``text`` now (False, and nothing sent, when it is empty)."""
        self.timer.stop()
        self._generation += 1
        generation = self._generation
        if not text:
            return False

        def found(result: Found) -> None:
            if generation == self._generation:
                self._on_found(text, result)

        def failed(error: BaseException) -> None:
            if generation == self._generation:
                self._on_failed(error)

        self._catalog.lookup(text=text, limit=self._limit, category_names=self._category_names(),
                             english=self._english).run(self._owner, success=found, failure=failed)
        return True


def page_status(text: str, page: SearchPage, shown: int) -> str:
    """The status line under a result list: how many, and whether the list is cut short."""
    if not shown:
        return QCoreApplication.translate("SearchResults", "Nothing found for “%1”.").replace("%1", text)
    if page.more:
        return QCoreApplication.translate(
            "SearchResults", "%1 products shown; more match (Show more).").replace("%1", str(shown))
    return QCoreApplication.translate("SearchResults", "Products found: %1").replace("%1", str(shown))


class MoreResults:
    """The "Show more" button of a result list cut short: the next page comes through the
    catalog operations and is appended. Shared by the lookup screen and the search dialog."""

    def __init__(self, owner: QWidget, catalog: CatalogOps, model: ProductTableModel, object_name: str,
                 limit: int, shown: Callable[[str, SearchPage], object]) -> None:
        from PySide6.QtWidgets import QPushButton

        from store_client.ui.automation import named

        self._owner, self._catalog, self._model, self._limit = owner, catalog, model, limit
        self._shown = shown  # called with (text, page) after every further page
        self._text, self._generation = "", 0
        self._cursor: str | None = None
        translate = QCoreApplication.translate
        self.button = named(QPushButton(translate("SearchResults", "Show more"), owner),
                            object_name, translate("SearchResults", "Show the next products found"))
        self.button.hide()
        self.button.clicked.connect(self.fetch)

    def start(self, text: str, page: SearchPage | None) -> None:
        """A new first page (of ``text``) is on screen; None: the list was cleared."""
        self._generation += 1
        self._text = text
        self._cursor = page.cursor if page is not None and page.more else None
        self.button.setVisible(self._cursor is not None)

    def fetch(self) -> None:
        if self._cursor is None:
            return
        text, cursor, generation = self._text, self._cursor, self._generation
        self.button.setEnabled(False)

        def done(found: Found) -> None:
            if generation != self._generation:
                return  # a new search replaced the list meanwhile
            self.button.setEnabled(True)
            self._model.add_products(found.products)
            self._cursor = found.page.cursor if found.page.more else None
            self.button.setVisible(self._cursor is not None)
            self._shown(text, found.page)

        self._catalog.lookup(text=text, limit=self._limit, after=cursor).run(
            self._owner, success=done, failure=lambda _error: self.button.setEnabled(True))
