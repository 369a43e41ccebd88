"""The demo catalog generator: deterministic, valid, realistic enough, streamed."""

from __future__ import annotations

import hashlib
import itertools
import re
import time
from collections import Counter

import pytest
from pypinyin import Style, lazy_pinyin

from store_client.demo import generator
from store_client.demo.operators import DEMO_OPERATORS
from store_client.domain import ean
from store_client.domain.catalog import plu_from_sku
from store_client.domain.pins import validate_pin

HAN = re.compile(r"[\u4e00-\u9fff]")


def digest(skus: int, seed: int) -> str:
    h = hashlib.sha256()
    for row in generator.products(skus, seed):
        h.update(repr(tuple(row)).encode("utf-8"))
    return h.hexdigest()


@pytest.fixture(scope="module")
def rows20k() -> list[generator.ProductRow]:
    return list(generator.products(20_000, seed=7))


def test_same_seed_same_bytes_other_seed_differs() -> None:
    assert digest(3000, 11) == digest(3000, 11)
    assert digest(3000, 11) != digest(3000, 12)


def test_smaller_catalog_is_a_prefix_of_a_larger_one() -> None:
    small = list(generator.products(100, 3))
    large = list(itertools.islice(generator.products(5000, 3), 100))
    assert small == large


@pytest.mark.parametrize("bad", [0, 99, -5, 1_000_001, 10**9, True, 150.0, "100", None])
def test_size_out_of_bounds_is_refused_at_call_time(bad: object) -> None:
    with pytest.raises(ValueError, match="100 to 1,000,000"):
        generator.products(bad, 1)  # type: ignore[arg-type]


def test_bounds_are_inclusive_and_streamed() -> None:
    assert len(list(generator.products(100, 1))) == 100
    started = time.perf_counter()
    head = list(itertools.islice(generator.products(1_000_000, 1), 50))  # never built whole
    assert time.perf_counter() - started < 1.0
    assert [row.id for row in head] == list(range(1, 51))


def check_catalog(rows: list[generator.ProductRow]) -> None:
    categories = {c.code: c for c in generator.categories()}
    assert [row.id for row in rows] == list(range(1, len(rows) + 1))
    skus = [row.sku for row in rows]
    assert len(set(skus)) == len(skus)
    codes = [code for row in rows for code in row.barcodes]
    assert len(set(codes)) == len(codes)
    for row in rows:
        assert 1 <= len(row.barcodes) <= 3
        for code in row.barcodes:
            assert ean.is_valid(code), code
            assert code.startswith("69")  # GS1 China: 690-699
        assert isinstance(row.price_minor, int) and not isinstance(row.price_minor, bool)
        assert row.price_minor > 0
        assert row.price_minor % 100 in (0, 50, 90)
        assert row.category_code in categories and "-" in row.category_code
        assert row.sku.startswith(row.category_code.split("-")[0]) or row.unit == "kg"
        assert row.unit in ("each", "kg")
        assert row.tax_rate_bp == (900 if row.category_code in ("GRO-GRN", "GRO-FRS") else 1300)
        assert HAN.search(row.name_zh) and row.name_en.isascii() and row.name_en.strip()
        assert len(row.name_zh) <= 200 and len(row.name_en) <= 200 and len(row.sku) <= 32
        # One lower-case initial per Chinese character, nothing else.
        assert len(row.pinyin_initials) == len(HAN.findall(row.name_zh))
        assert row.pinyin_initials.isascii() and row.pinyin_initials.islower()
        if row.unit == "kg":
            assert row.category_code == "GRO-FRS"
            assert plu_from_sku(row.sku) is not None
        else:
            assert plu_from_sku(row.sku) is None


def test_small_catalog_is_valid_and_covers_every_category() -> None:
    rows = list(generator.products(100, 1))
    check_catalog(rows)
    subcategories = {c.code for c in generator.categories() if "-" in c.code}
    assert {row.category_code for row in rows} == subcategories
    assert sum(row.unit == "kg" for row in rows) >= 2


def test_20k_catalog_is_valid_with_realistic_shares(rows20k: list[generator.ProductRow]) -> None:
    check_catalog(rows20k)
    n = len(rows20k)
    weighed = [row for row in rows20k if row.unit == "kg"]
    assert 0.02 * n <= len(weighed) <= 0.04 * n
    assert len({plu_from_sku(row.sku) for row in weighed}) == len(weighed)
    inactive = sum(not row.active for row in rows20k)
    assert 0.005 * n <= inactive <= 0.015 * n
    per_top = Counter(row.category_code.split("-")[0] for row in rows20k)
    assert set(per_top) == {"BEA", "APP", "MOM", "HOM", "APL", "GRO"}
    assert min(per_top.values()) > 0.08 * n  # no department is a token presence
    assert Counter(len(row.barcodes) for row in rows20k)[1] > 0.7 * n
    assert any(len(row.barcodes) == 3 for row in rows20k)


def test_prices_fit_their_category(rows20k: list[generator.ProductRow]) -> None:
    def median(code: str) -> int:
        prices = sorted(row.price_minor for row in rows20k if row.category_code == code)
        return prices[len(prices) // 2]

    assert median("APL-HOM") > median("BEA-HAIR") > median("GRO-DRK")
    assert max(row.price_minor for row in rows20k if row.category_code == "GRO-DRK") < 200_00


def test_pinyin_initials_follow_the_chinese_words(rows20k: list[generator.ProductRow]) -> None:
    shampoo = [row for row in rows20k if "洗发水" in row.name_zh]
    assert shampoo and all("xfs" in row.pinyin_initials for row in shampoo)
    for row in rows20k[:300]:
        expected = "".join(
            "".join(lazy_pinyin(word, style=Style.FIRST_LETTER, errors="ignore")).lower()
            for word in row.name_zh.split(" "))
        assert row.pinyin_initials == expected


def test_categories_are_the_retailers_departments() -> None:
    cats = generator.categories()
    tops = {c.code: c.name_zh for c in cats if "-" not in c.code}
    assert tops == {"BEA": "美妆", "APP": "服饰", "MOM": "母婴", "HOM": "家居", "APL": "小家电",
                    "GRO": "食品"}
    assert len({c.code for c in cats}) == len(cats)
    assert all(c.name_en and HAN.search(c.name_zh) for c in cats)


def test_demo_operators_cover_every_role_with_valid_pins() -> None:
    roles = Counter(op.role for op in DEMO_OPERATORS)
    assert roles["cashier"] >= 2 and roles["associate"] >= 1
    assert roles["manager"] >= 2 and roles["it_admin"] >= 1
    assert set(roles) == {"cashier", "associate", "manager", "it_admin"}
    assert len({op.id for op in DEMO_OPERATORS}) == len(DEMO_OPERATORS)
    for op in DEMO_OPERATORS:
        validate_pin(op.pin)
        assert HAN.search(op.name)


def test_product_info_names_and_plu() -> None:
    from store_client.domain.catalog import ProductInfo, Unit, plu_sku
    from store_client.domain.money import Money

    info = ProductInfo(1, plu_sku(42), "香蕉", "Bananas", "GRO-FRS", Unit.KG, Money(690), 900, True,
                       ("6900000000001",))
    assert (info.name("zh_CN"), info.name("en"), info.name("en_GB")) == ("香蕉", "Bananas", "Bananas")
    assert info.weighed and info.plu == 42 and plu_sku(42) == "PLU00042"
    nameless = ProductInfo(2, "X1", "", "Only English", "BEA", Unit.EACH, Money(100), 1300, True, ())
    assert nameless.name("zh_CN") == "Only English" and nameless.plu is None
    with pytest.raises(ValueError):
        plu_sku(100_000)
    assert plu_from_sku("PLU1234") is None and plu_from_sku("PLU123456") is None
    with pytest.raises(AttributeError):
        info.sku = "other"  # type: ignore[misc]


def test_background_generation_gives_the_same_rows() -> None:
    background = list(generator.products_in_background(2500, 13, chunk=700))
    assert background == list(generator.products(2500, 13))
    assert all(type(row) is generator.ProductRow for row in background)
    with pytest.raises(ValueError):
        generator.products_in_background(50, 1)


def test_abandoned_background_generation_stops_its_process() -> None:
    import multiprocessing

    source = generator.products_in_background(200_000, 1, chunk=1000)
    rows = iter(source)
    head = list(itertools.islice(rows, 10))
    assert [r.id for r in head] == list(range(1, 11)) and isinstance(head[0], generator.ProductRow)
    assert multiprocessing.active_children()
    rows.close()  # type: ignore[attr-defined]
    deadline = time.monotonic() + 10
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not multiprocessing.active_children()
    with pytest.raises(RuntimeError, match="only once"):
        next(iter(source))
