"""Catalog operations: a code looked up, or a name / pinyin search (bounded)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from store_client.ui.operations.base import Area
from store_client.ui.operations.changes import NOTHING
from store_client.ui.operations.runner import Op

if TYPE_CHECKING:
    from store_client.domain.catalog import ProductInfo
    from store_client.services.catalog import CatalogService

RESULT_LIMIT = 200
MIN_CODE_LENGTH = 4  # shorter digit strings are searched as text, not looked up as codes


def lookup(catalog: CatalogService, text: str, limit: int = RESULT_LIMIT) -> list[ProductInfo]:
    """A code (barcode or SKU) first when the text looks like one, else a name search."""
    text = text.strip()
    if not text:
        return []
    if len(text) >= MIN_CODE_LENGTH and " " not in text:
        product = catalog.by_code(text)
        if product is not None:
            return [product]
    return list(catalog.search(text, limit=limit))


class Found(NamedTuple):
    products: list[ProductInfo]
    category_names: dict[str, str]  # code -> name in the UI language; empty unless asked


class CatalogOps(Area):
    def lookup(self, *, text: str, limit: int = RESULT_LIMIT,
               category_names: bool = False, english: bool = False) -> Op[Found]:
        catalog = self._services.catalog

        def work(_grant: object) -> Found:
            names = ({code: (en if english else zh) for code, zh, en in catalog.categories()}
                     if category_names else {})
            return Found(lookup(catalog, text, limit), names)

        return self._runner.op(work, changes=NOTHING)

    def samples(self, *, unit: str | None = None, limit: int = 10) -> Op[list[tuple[str, str, str]]]:
        """(sku, name_zh, name_en) of the first active products: what the tour rings up."""
        db = self._backend.terminal.db

        def work(_grant: object) -> list[tuple[str, str, str]]:
            from store_client.services.catalog_samples import sample_products

            return sample_products(db, unit=unit, limit=limit)

        return self._runner.op(work, changes=NOTHING)
