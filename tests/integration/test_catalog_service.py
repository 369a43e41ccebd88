"""CatalogService on a real migrated terminal database loaded by the bulk loader."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from store_client.bootstrap import Terminal, open_terminal
from store_client.demo import generator
from store_client.demo.generator import ProductRow
from store_client.demo.loader import load_catalog
from store_client.domain import ean
from store_client.domain.catalog import ProductInfo, Unit
from store_client.domain.money import Money
from store_client.services import catalog as catalog_service
from store_client.services.catalog import MAX_LIMIT, CatalogService
from tests.conftest import make_config
from tests.integration.grams_check import assert_grams_sound

SIZE = 3000
HAN = re.compile(r"[\u3400-\u9fff]")


def special_rows(first_id: int) -> list[ProductRow]:
    """Products whose names contain FTS5 syntax, so user text must be matched literally."""
    return [
        ProductRow(first_id, "TEST-QUOTE", '测试 "引号" 商品', 'Test "NEAR" a OR b item*', "BEA-HAIR",
                   "each", 990, 1300, True, "csyhsp", (ean.complete("690000000000"),)),
        ProductRow(first_id + 1, "TEST-GONE", "停售 测试 洗发水", "Retired Test Shampoo", "BEA-HAIR",
                   "each", 1990, 1300, False, "tscsxfs", (ean.complete("690000000001"),)),
    ]


@pytest.fixture(scope="module")
def rows() -> list[ProductRow]:
    return list(generator.products(SIZE, seed=21)) + special_rows(SIZE + 1)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, rows: list[ProductRow]) -> Iterator[Terminal]:
    term = open_terminal(make_config(tmp_path_factory.mktemp("catalog")))
    load_catalog(term.db, generator.categories(), rows, chunk=700)
    try:
        yield term
    finally:
        term.close()


@pytest.fixture
def service(loaded: Terminal) -> Iterator[CatalogService]:
    svc = CatalogService(loaded.db)
    yield svc
    svc.close()


def fields(row: ProductRow) -> tuple[str, ...]:
    return (row.name_zh, row.name_en.lower(), row.pinyin_initials, row.sku.lower())


def expected_ids(rows: list[ProductRow], query: str) -> set[int]:
    """Brute force: every term is a substring of some text field, or the query starts a code."""
    terms = query.lower().split()
    hits = {row.id for row in rows if all(any(t in f.lower() for f in fields(row)) for t in terms)}
    if len(terms) == 1:
        hits |= {row.id for row in rows
                 if any(c.startswith(query) for c in row.barcodes) or row.sku.startswith(query.upper())}
    return hits


def rank_of(query: str, row: ProductRow) -> int:
    """Independent statement of the ranking: 0 exact code, 1 prefix, 2 anything else."""
    q = query.lower()
    if query in row.barcodes or row.sku.lower() == q:
        return 0
    words = row.name_zh.split(" ") + row.name_en.lower().split(" ")
    starts = [0]
    for word in row.name_zh.split(" "):
        starts.append(starts[-1] + len(HAN.findall(word)))
    if (row.sku.lower().startswith(q) or any(c.startswith(q) for c in row.barcodes)
            or row.name_zh.startswith(q) or row.name_en.lower().startswith(q)
            or any(w.startswith(q) for w in words)
            or any(row.pinyin_initials.startswith(q, s) for s in starts)):
        return 1
    return 2


# -- by_code --------------------------------------------------------------------------------

def test_every_barcode_and_sku_of_a_sample_finds_its_product(
        service: CatalogService, rows: list[ProductRow]) -> None:
    for row in rows[::97]:
        for code in row.barcodes:
            info = service.by_code(code)
            assert info is not None and info.id == row.id
            assert info.barcodes == row.barcodes  # primary barcode first, as loaded
            assert info.sku == row.sku and info.name_zh == row.name_zh
            assert info.price == Money(row.price_minor, "CNY")
            assert info.unit is Unit(row.unit) and info.active == row.active
            assert info.tax_rate_bp == row.tax_rate_bp
        assert service.by_code(row.sku).id == row.id  # type: ignore[union-attr]
        assert service.by_code(f"  {row.sku.lower()}\t\n").id == row.id  # type: ignore[union-attr]


def test_weighed_item_is_found_by_its_plu_sku(service: CatalogService, rows: list[ProductRow]) -> None:
    weighed = next(row for row in rows if row.unit == "kg")
    info = service.by_code(weighed.sku)
    assert info is not None and info.unit is Unit.KG and info.plu is not None
    assert info.price.minor == weighed.price_minor


def test_barcode_wins_over_sku_and_fullwidth_digits_are_understood(
        service: CatalogService, rows: list[ProductRow]) -> None:
    code = rows[10].barcodes[0]
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in code)  # what a Chinese IME types
    assert service.by_code(fullwidth).id == rows[10].id  # type: ignore[union-attr]


@pytest.mark.parametrize("junk", [
    "", "   ", '"*', "x" * 10_000, "a OR b", "\x00", "69\x00123", "\ud800", "NEAR(a b)",
    "6900000000000",  # a valid EAN-13 that is not in the catalog
    "'; DROP TABLE products; --", "*", None, 6901234567892, b"6901234567892",
])
def test_by_code_on_junk_is_none_and_never_raises(service: CatalogService, junk: object) -> None:
    assert service.by_code(junk) is None  # type: ignore[arg-type]
    assert service.count() == SIZE + 2


# -- search -----------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["洗发水", "Shampoo", "xfs", "面膜", "发", "ry", "润研 洗发水",
                                   "green tea", "750ml", "PLU", "mask"])
def test_search_finds_exactly_the_matching_products(
        service: CatalogService, rows: list[ProductRow], query: str) -> None:
    expected = expected_ids(rows, query)
    page = service.search_page(query, limit=MAX_LIMIT)
    ids = [p.id for p in page.products]
    assert len(ids) == len(set(ids)) and set(ids) <= expected
    if not page.more:
        assert set(ids) == expected
    assert every_page(service, query, MAX_LIMIT) == expected
    assert expected, f"the catalog should contain something for {query!r}"


def every_page(service: CatalogService, query: str, limit: int) -> set[int]:
    """The ids of all pages, following the cursors; no product comes twice."""
    seen: list[int] = []
    page = service.search_page(query, limit=limit)
    for _ in range(10_000):
        assert len(page.products) <= limit
        assert page.more or page.cursor is None
        seen += [p.id for p in page.products]
        if not page.more:
            break
        page = service.search_page(query, limit=limit, after=page.cursor)
    assert len(seen) == len(set(seen)), "a product came on two pages"
    return set(seen)


@pytest.mark.parametrize("query", ["洗发水", "发", "ry", "a", "润研 洗发水", "xfs 洗发", "69",
                                   "BEA000", "mask", "停售", "水 ry", "750ml 洗"])
@pytest.mark.parametrize("limit", [7, 100])
def test_the_pages_together_are_exactly_the_matches(
        service: CatalogService, rows: list[ProductRow], query: str, limit: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog_service, "CANDIDATE_BUDGET", 400)  # pages that stop short
    assert every_page(service, query, limit) == expected_ids(rows, query)


@pytest.mark.parametrize("query", ["面膜 洗发水", "鑫", "zz 鑫", "停售 面膜", "鑫鑫 a"])
def test_no_match_is_known_complete_from_the_index(
        service: CatalogService, rows: list[ProductRow], query: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Text with Chinese that no product holds: an empty, complete answer, even when the
    candidate budget is tiny (the index says "none"; nothing is scanned)."""
    monkeypatch.setattr(catalog_service, "CANDIDATE_BUDGET", 1)
    assert expected_ids(rows, query) == set()
    assert service.search_page(query, limit=100) == catalog_service.SearchPage([], False, None)


@pytest.mark.parametrize("cursor", ["", "x", "t:abc", "t:-1", "q:5", 42, b"t:1", "t:1:2"])
def test_a_junk_cursor_gives_an_empty_page(service: CatalogService, cursor: object) -> None:
    page = service.search_page("a", limit=10, after=cursor)  # type: ignore[arg-type]
    assert isinstance(page.products, list) and len(page.products) <= 10


@pytest.mark.parametrize("query", ["洗发", "sh", "xfs", "ry", "mask", "BEA000", "69", "护发", "a"])
def test_results_are_ranked_exact_prefix_rest_and_active_first(
        service: CatalogService, rows: list[ProductRow], query: str) -> None:
    by_id = {row.id: row for row in rows}
    found = service.search(query, limit=MAX_LIMIT)
    assert found
    keys = [(rank_of(query, by_id[p.id]), not p.active) for p in found]
    assert keys == sorted(keys)


def test_ranking_really_mixes_classes(service: CatalogService, rows: list[ProductRow]) -> None:
    by_id = {row.id: row for row in rows}
    found = service.search("sh", limit=MAX_LIMIT)  # "Shampoo" (prefix) and "Wash" (inside)
    assert {rank_of("sh", by_id[p.id]) for p in found} == {1, 2}
    assert any(not p.active for p in found)


def test_pinyin_word_start_outranks_a_match_across_words(
        service: CatalogService, rows: list[ProductRow]) -> None:
    found = service.search("xfs", limit=MAX_LIMIT)
    first_other = next(i for i, p in enumerate(found) if "洗发水" not in p.name_zh and p.active)
    assert all("洗发水" in p.name_zh for p in found[:first_other] if p.active)
    assert any("洗发水" not in p.name_zh for p in found)  # e.g. 鲜丰 薯片 -> xfsp


def test_exact_barcode_and_sku_come_first(service: CatalogService, rows: list[ProductRow]) -> None:
    row = rows[1234]
    assert service.search(row.barcodes[0])[0].id == row.id
    assert service.search(row.sku.lower())[0].id == row.id
    prefix = row.barcodes[0][:7]
    found = service.search(prefix, limit=MAX_LIMIT)
    assert row.id in {p.id for p in found}
    assert all(any(c.startswith(prefix) for c in p.barcodes) for p in found)


def test_inactive_product_is_found_but_after_active_ones(service: CatalogService) -> None:
    found = service.search("Shampoo", limit=MAX_LIMIT)
    retired = [i for i, p in enumerate(found) if p.sku == "TEST-GONE"]
    assert retired and all(not p.active for p in found[retired[0]:])


@pytest.mark.parametrize("query", ['"NEAR"', "a OR b", "item*", "OR b item*", '"引号"'])
def test_fts_syntax_in_user_text_is_matched_literally(
        service: CatalogService, rows: list[ProductRow], query: str) -> None:
    by_id = {row.id: row for row in rows}
    found = every_page(service, query, MAX_LIMIT)
    assert "TEST-QUOTE" in {by_id[i].sku for i in found}
    for i in found:  # every term literally inside some field: no OR, no NEAR, no prefix '*'
        assert all(any(t.lower() in f.lower() for f in fields(by_id[i])) for t in query.split())


@pytest.mark.parametrize("junk", [
    "", "   ", '"', '"*', "*", "x" * 10_000, "\x00", "a\x00b", "\ud800abc", "NEAR(a b, 2)",
    "sku:BEA", "^abc", "(((", "AND", "- - -", "\u202e\u200b", "😀😀😀", None, 42,
])
def test_search_on_junk_returns_a_list_and_never_raises(service: CatalogService, junk: object) -> None:
    result = service.search(junk)  # type: ignore[arg-type]
    assert isinstance(result, list) and all(isinstance(p, ProductInfo) for p in result)
    assert len(result) <= 50


def test_short_text_is_found_through_the_index_at_the_end_of_the_catalog(
        service: CatalogService, monkeypatch: pytest.MonkeyPatch) -> None:
    # "停售" appears only in the very last product: no scan could reach it cheaply.
    monkeypatch.setattr(catalog_service, "CANDIDATE_BUDGET", 5)
    assert [p.sku for p in service.search("停售")] == ["TEST-GONE"]
    assert [p.sku for p in service.search("停售 测试")] == ["TEST-GONE"]
    assert [p.sku for p in service.search("售")] == ["TEST-GONE"]
    assert [p.sku for p in service.search("Retired")] == ["TEST-GONE"]


def test_a_page_that_stops_at_its_budget_says_so(
        service: CatalogService, rows: list[ProductRow], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog_service, "CANDIDATE_BUDGET", 5)
    page = service.search_page("qq", limit=50)  # two letters: candidates in id order
    assert page.more and page.cursor and page.cursor.startswith("t:")
    monkeypatch.setattr(catalog_service, "SCAN_BUDGET_STEPS", 10)  # the SQLite backstop
    monkeypatch.setattr(catalog_service, "CANDIDATE_BUDGET", 100_000)
    page = service.search_page("护发", limit=500)
    assert page.more and len(page.products) < len(expected_ids(rows, "护发"))


def test_service_reads_a_consistent_snapshot_and_cannot_write(
        service: CatalogService, loaded: Terminal, rows: list[ProductRow]) -> None:
    assert service.by_code(rows[0].barcodes[0]) is not None
    conn = service._connection()
    with pytest.raises(sqlite3.OperationalError, match="readonly|read-only|query_only"):
        conn.execute("DELETE FROM products")
    # A write committed elsewhere is seen by the next call (no stale snapshot kept open).
    with loaded.db.transaction() as session:
        session.execute(text("UPDATE products SET price_minor = price_minor + 1 WHERE id = 1"))
    try:
        assert service.by_code(rows[0].sku).price.minor == rows[0].price_minor + 1  # type: ignore[union-attr]
    finally:
        with loaded.db.transaction() as session:
            session.execute(text("UPDATE products SET price_minor = price_minor - 1 WHERE id = 1"))
    service.close()
    assert service.count() == len(rows)  # reopens after close


def test_limit_is_honoured_and_bounded(service: CatalogService) -> None:
    assert len(service.search("a", limit=7)) == 7
    assert service.search("a", limit=0) == [] and service.search("a", limit=-3) == []
    assert len(service.search("a", limit=10**9)) == MAX_LIMIT
    assert len(service.search("洗发水", limit=1)) == 1


def test_count_categories_and_locale_names(service: CatalogService, rows: list[ProductRow]) -> None:
    assert service.count() == len(rows)
    cats = service.categories()
    assert cats == sorted(generator.categories())
    info = service.by_code(rows[0].sku)
    assert info is not None
    assert info.name("en") == rows[0].name_en and info.name("en_US") == rows[0].name_en
    assert info.name("zh_CN") == rows[0].name_zh


# -- the index follows changes made through the triggers ------------------------------------------

def fts_check(term: Terminal) -> None:
    with term.db.transaction() as session:  # raises if index and content table disagree
        session.execute(text(
            "INSERT INTO product_search (product_search, rank) VALUES ('integrity-check', 1)"))


def test_index_agrees_after_load_and_after_update_and_delete(tmp_path: Path) -> None:
    term = open_terminal(make_config(tmp_path))
    try:
        rows = list(generator.products(400, seed=3))
        load_catalog(term.db, generator.categories(), rows)
        fts_check(term)
        assert_grams_sound(term.db)
        service = CatalogService(term.db)
        victim, renamed = rows[0], rows[1]
        with term.db.transaction() as session:
            session.execute(text("UPDATE products SET name_zh = '独角兽 彩虹 牙膏', name_en = 'Unicorn "
                                 "Rainbow Toothpaste', pinyin_initials = 'djschyg' WHERE id = :id"),
                            {"id": renamed.id})
            session.execute(text("DELETE FROM products WHERE id = :id"), {"id": victim.id})
        fts_check(term)
        assert_grams_sound(term.db)
        assert [p.id for p in service.search("独")] == [renamed.id]  # one character, via the index
        assert [p.id for p in service.search("彩虹 牙膏")] == [renamed.id]
        assert [p.id for p in service.search("unicorn rainbow")] == [renamed.id]
        assert [p.id for p in service.search("djschyg")] == [renamed.id]
        assert renamed.id not in {p.id for p in service.search(renamed.name_zh, limit=MAX_LIMIT)}
        assert renamed.id not in {p.id for p in service.search(renamed.name_en, limit=MAX_LIMIT)}
        assert victim.id not in {p.id for p in service.search(victim.name_zh, limit=MAX_LIMIT)}
        assert service.by_code(victim.barcodes[0]) is None  # barcodes cascade
        assert service.count() == 399
        service.close()
    finally:
        term.close()
