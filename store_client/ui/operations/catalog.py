"""Catalog operations: a code looked up, or a name / pinyin search (bounded)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from store_client.ui.operations.base import Area
from store_client.ui.operations.changes import NOTHING
from store_client.ui.operations.runner import Op

if TYPE_CHECKING:
    from store_client.domain.catalog import ProductInfo
    from store_client.services.catalog import CatalogService, SearchPage
    from store_client.services.stock import StockOverview

RESULT_LIMIT = 200
MIN_CODE_LENGTH = 4  # shorter digit strings are searched as text, not looked up as codes


def lookup(catalog: CatalogService, text: str, limit: int = RESULT_LIMIT, after: str | None = None) -> SearchPage:
    """A code (barcode or SKU) first when the text looks like one, else a name search;
    ``after``: the cursor of the previous page, for the rest of a list cut short."""
    from store_client.services.catalog import SearchPage

    text = text.strip()
    if not text:
        return SearchPage([], False, None)
    if after is None and len(text) >= MIN_CODE_LENGTH and " " not in text:
        product = catalog.by_code(text)
        if product is not None:
            return SearchPage([product], False, None)
    return catalog.search_page(text, limit=limit, after=after)


class Found(NamedTuple):
    products: list[ProductInfo]
    category_names: dict[str, str]  # code -> name in the UI language; empty unless asked
    page: SearchPage  # says whether the list was cut short, and where the rest starts


class CatalogOps(Area):
    def lookup(self, *, text: str, limit: int = RESULT_LIMIT, after: str | None = None,
               category_names: bool = False, english: bool = False) -> Op[Found]:
        catalog = self._services.catalog

        def work(_grant: object) -> Found:
            names = ({code: (en if english else zh) for code, zh, en in catalog.categories()}
                     if category_names else {})
            page = lookup(catalog, text, limit, after)
            return Found(list(page.products), names, page)

        return self._runner.op(work, changes=NOTHING)

    def stock(self, *, sku: str) -> Op[StockOverview]:
        """The stock of ``sku`` on this till, at HQ for this store, in nearby stores and the
        warehouses, read now."""
        terminal = self._backend.terminal
        db, clock, store_id = terminal.db, terminal.clock, terminal.config.store_id

        def work(_grant: object) -> StockOverview:
            from store_client.services.stock import overview

            return overview(db, sku, clock=clock, store_id=store_id)

        return self._runner.op(work, changes=NOTHING)

    def samples(self, *, unit: str | None = None, limit: int = 10) -> Op[list[tuple[str, str, str]]]:
        """(sku, name_zh, name_en) of the first active products: what the tour rings up."""
        db = self._backend.terminal.db

        def work(_grant: object) -> list[tuple[str, str, str]]:
            from store_client.services.catalog_samples import sample_products

            return sample_products(db, unit=unit, limit=limit)

        return self._runner.op(work, changes=NOTHING)

    def categories(self) -> Op[list[tuple[str, str, str]]]:
        """(code, name_zh, name_en) of every category, by code."""
        catalog = self._services.catalog
        return self._runner.op(lambda _g: catalog.categories(), changes=NOTHING)
