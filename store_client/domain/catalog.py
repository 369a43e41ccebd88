"""Catalog value types (no Qt, no database): what a till knows about a product."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from store_client.domain.money import Money

#: SKUs of weighed items carry their 5-digit PLU (the item code inside in-store
#: "2x" weight barcodes), e.g. ``PLU01234``.
PLU_SKU_PREFIX = "PLU"
_PLU_SKU = re.compile(r"PLU(\d{5})")


class Unit(StrEnum):
    EACH = "each"
    KG = "kg"  # price is per kilogram; quantities are weighed


@dataclass(frozen=True)
class ProductInfo:
    id: int
    sku: str
    name_zh: str
    name_en: str
    category_code: str
    unit: Unit
    price: Money  # VAT-inclusive, per unit (per kg when unit is KG)
    tax_rate_bp: int  # basis points: 1300 = 13 %
    active: bool
    barcodes: tuple[str, ...]

    def name(self, locale: str) -> str:
        """The display name for ``locale`` ("zh_CN", "en", "en_US" ...), falling back to the other."""
        if locale.lower().startswith("en"):
            return self.name_en or self.name_zh
        return self.name_zh or self.name_en

    @property
    def weighed(self) -> bool:
        return self.unit is Unit.KG

    @property
    def plu(self) -> int | None:
        return plu_from_sku(self.sku)


def plu_sku(plu: int) -> str:
    if not 0 <= plu <= 99_999:
        raise ValueError(f"a PLU is 0..99999, got {plu}")
    return f"{PLU_SKU_PREFIX}{plu:05d}"


def plu_from_sku(sku: str) -> int | None:
    """The PLU of a weighed item's SKU, or None for other SKUs."""
    match = _PLU_SKU.fullmatch(sku)
    return int(match.group(1)) if match else None
