"""The reads the operations layer gives the Diagnostics screen and the tour, on real SQLite."""

from __future__ import annotations

from store_client.persistence import migrate
from store_client.persistence.models import Category, Product
from store_client.services.catalog import CatalogService
from store_client.services.catalog_samples import sample_products
from store_client.services.diagnostics import store_facts
from sync.terminal import outbox


def stock(terminal) -> None:  # type: ignore[no-untyped-def]
    with terminal.db.transaction() as s:
        s.add(Category(code="food", name_zh="食品", name_en="Food"))
        s.flush()
        for i, (sku, unit, active) in enumerate([("Z1", "each", True), ("W1", "kg", True),
                                                 ("Z2", "each", False), ("Z3", "each", True)]):
            s.add(Product(id=10 - i, sku=sku, name_zh=f"{sku} 中", name_en=f"{sku} en",
                          category_code="food", unit=unit, price_minor=100, tax_rate_bp=1300,
                          active=active))


def test_store_facts_name_the_schema_the_catalog_and_the_backlog(terminal) -> None:
    stock(terminal)
    with terminal.db.transaction() as s:
        for n in range(2):
            outbox.enqueue(s, "test.event", {"n": n}, clock=terminal.clock)
    facts = store_facts(terminal.db, terminal.config, CatalogService(terminal.db))
    assert facts.schema == migrate.head_revision()
    assert (facts.catalog_size, facts.outbox_pending) == (4, 2)
    assert facts.database_path == str(terminal.config.database_path) and facts.hq_url == ""


def test_samples_are_active_products_in_catalog_order_and_of_the_unit_asked(terminal) -> None:
    stock(terminal)
    assert sample_products(terminal.db, limit=10) == [
        ("Z3", "Z3 中", "Z3 en"), ("W1", "W1 中", "W1 en"), ("Z1", "Z1 中", "Z1 en")]  # by id
    assert [sku for sku, _zh, _en in sample_products(terminal.db, unit="each", limit=1)] == ["Z3"]
    assert [sku for sku, _zh, _en in sample_products(terminal.db, unit="kg")] == ["W1"]
    assert sample_products(terminal.db, unit="box") == []
