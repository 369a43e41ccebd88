"""A few products of the catalog in catalog order: what the screenshot tour rings up."""

from __future__ import annotations

from sqlalchemy import select

from store_client.persistence.db import Database
from store_client.persistence.models import Product


def sample_products(db: Database, *, unit: str | None = None, limit: int = 10) -> list[tuple[str, str, str]]:
    """(sku, name_zh, name_en) of the first active products (sold by ``unit`` if given)."""
    query = select(Product.sku, Product.name_zh, Product.name_en).where(Product.active.is_(True))
    if unit is not None:
        query = query.where(Product.unit == unit)
    with db.read() as session:
        return [(sku, zh, en) for sku, zh, en in session.execute(query.order_by(Product.id).limit(limit))]
