"""Deterministic demo catalog: the same seed and size give the same rows, byte for byte.

Rows are streamed (a generator), so 1,000,000 SKUs never sit in memory at once.
Only ``random.Random(seed)`` supplies randomness, and it is consumed in a fixed
order, so output depends on nothing else (not the hash seed, not the clock).

Barcodes: GS1 China prefix 69 + ten digits from an affine bijection of a running
counter (``k * A + B mod 10**10`` with ``A`` a unit mod 10**10, digits reversed),
so every code is distinct without a set of seen codes, yet they look scattered.
"""

from __future__ import annotations

import itertools
import multiprocessing
import random
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from pypinyin import Style, lazy_pinyin

from store_client.demo.vocabulary import CATALOG, ORIGINS, SERIES, SubCategory
from store_client.domain.catalog import plu_sku
from store_client.domain.ean import check_digit_of

MIN_SKUS, MAX_SKUS = 100, 1_000_000
WEIGHED_SHARE = 0.03
INACTIVE_SHARE = 0.01
MAX_PLU = 99_999
_BARCODE_SPACE = 10**10


class CategoryRow(NamedTuple):
    code: str
    name_zh: str
    name_en: str


class ProductRow(NamedTuple):
    id: int
    sku: str
    name_zh: str
    name_en: str
    category_code: str
    unit: str
    price_minor: int
    tax_rate_bp: int
    active: bool
    pinyin_initials: str
    barcodes: tuple[str, ...]


def categories() -> list[CategoryRow]:
    """Top-level categories then their sub-categories (codes ``BEA``, ``BEA-HAIR`` ...)."""
    rows: list[CategoryRow] = []
    for top in CATALOG:
        rows.append(CategoryRow(top.code, top.name_zh, top.name_en))
        rows.extend(CategoryRow(sub.code, sub.name_zh, sub.name_en) for sub in top.subcategories)
    return rows


@lru_cache(maxsize=4096)
def initials(word: str) -> str:
    """Lower-case pinyin initials of the Chinese characters in ``word`` ("洗发水" -> "xfs").

    Non-Chinese text (sizes, "#01") is left out: people type initials for the
    Chinese words only. Cached per vocabulary word, so a million names cost a
    few hundred pypinyin calls.
    """
    letters = lazy_pinyin(word, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(letters).lower()


def check_size(skus: int) -> None:
    if isinstance(skus, bool) or not isinstance(skus, int) or not MIN_SKUS <= skus <= MAX_SKUS:
        raise ValueError(f"the demo catalog has {MIN_SKUS:,} to {MAX_SKUS:,} SKUs, got {skus!r}")


def _with_initials(pairs) -> tuple[tuple[str, str, str], ...]:
    return tuple((zh, en, initials(zh)) for zh, en, *_ in pairs)


class _Pool(NamedTuple):
    """One sub-category's word lists, with pinyin initials worked out once."""

    top_code: str
    sub: SubCategory
    brands: tuple[tuple[str, str, str], ...]
    products: tuple[tuple[str, str, str], ...]
    variants: tuple[tuple[str, str, str], ...]
    specs: tuple[tuple[str, str, str], ...]
    factors: tuple[int, ...]


def _pool(top_code: str, brands, sub: SubCategory) -> _Pool:
    return _Pool(top_code, sub, _with_initials(brands), _with_initials(sub.products),
                 _with_initials(sub.variants), _with_initials(sub.specs),
                 tuple(f for _zh, _en, f in sub.specs))


def products(skus: int, seed: int = 42) -> Iterator[ProductRow]:
    """An iterator of ``skus`` products with ids 1..skus; a bad size fails here, not on first use.

    The first N rows are the same for every size >= N with the same seed.
    """
    check_size(skus)
    return _products(skus, seed)


def _products(skus: int, seed: int) -> Iterator[ProductRow]:
    # The hot loop of a 1M-SKU load: keep it lean.
    rng = random.Random(seed)
    rand = rng.random
    multiplier = rng.randrange(1, _BARCODE_SPACE // 10) * 10 + rng.choice((1, 3, 7, 9))
    offset = rng.randrange(_BARCODE_SPACE)

    regular: list[_Pool] = []
    firsts: list[_Pool] = []  # every sub-category early, so even 100 SKUs cover them all
    fresh: _Pool | None = None
    for top in CATALOG:
        for sub in top.subcategories:
            if sub.weighed:
                fresh = _pool(top.code, ORIGINS, sub)
            else:
                pool = _pool(top.code, top.brands, sub)
                firsts.append(pool)
                regular.extend([pool] * sub.weight)
    assert fresh is not None
    series = _with_initials(SERIES)
    n_regular, n_firsts, n_series = len(regular), len(firsts), len(series)
    weighed_every = round(1 / WEIGHED_SHARE)
    weighed_phase = weighed_every // 2
    endings = (90, 90, 90, 0, 0, 50)

    counter = 0
    plu = 0
    for index in range(skus):
        # Weighed items at a fixed stride (a 100-SKU store has 3), the rest by weight.
        is_weighed = index % weighed_every == weighed_phase and plu < MAX_PLU
        if is_weighed:
            pool = fresh
        elif index < n_firsts:
            pool = firsts[index]
        else:
            pool = regular[int(rand() * n_regular)]
        brands, prods, variants, specs = pool.brands, pool.products, pool.variants, pool.specs
        b_zh, b_en, b_ini = brands[int(rand() * len(brands))]
        p_zh, p_en, p_ini = prods[int(rand() * len(prods))]
        v_zh, v_en, v_ini = variants[int(rand() * len(variants))]
        spec_index = int(rand() * len(specs))
        s_zh, s_en, s_ini = specs[spec_index]
        series_pick = rand()
        lo, hi = pool.sub.price_yuan
        yuan = max(1, (lo + int(rand() * (hi - lo + 1))) * pool.factors[spec_index] // 100)
        cents = endings[int(rand() * 6)]
        active = rand() >= INACTIVE_SHARE
        if not is_weighed and series_pick < 0.5:
            r_zh, r_en, r_ini = series[int(series_pick * 2 * n_series)]
            name_zh = f"{b_zh} {r_zh} {p_zh} {v_zh} {s_zh}"
            name_en = f"{b_en} {r_en} {p_en} {v_en} {s_en}"
            pinyin = b_ini + r_ini + p_ini + v_ini + s_ini
        else:
            name_zh = f"{b_zh} {p_zh} {v_zh} {s_zh}"
            name_en = f"{b_en} {p_en} {v_en} {s_en}"
            pinyin = b_ini + p_ini + v_ini + s_ini
        if is_weighed:
            plu += 1
            sku = plu_sku(plu)
            unit = "kg"
            n_codes = 1
        else:
            sku = f"{pool.top_code}{index + 1:07d}"
            unit = "each"
            pick = rand()
            n_codes = 1 if pick < 0.8 else 2 if pick < 0.95 else 3
        codes = []
        for _ in range(n_codes):
            # Reversing the digits (a bijection too) scatters consecutive codes.
            body = "69" + f"{(counter * multiplier + offset) % _BARCODE_SPACE:010d}"[::-1]
            codes.append(body + str(check_digit_of(int(body))))
            counter += 1
        yield ProductRow(index + 1, sku, name_zh, name_en, pool.sub.code, unit,
                         yuan * 100 + cents, pool.sub.tax_rate_bp, active, pinyin, tuple(codes))


def split_rows(batch: list) -> tuple[list[tuple], list[tuple[str, int]]]:
    """Rows -> (product parameters: the first ten fields, barcode parameters: (code, id))."""
    return [row[:10] for row in batch], [(code, row[0]) for row in batch for code in row[10]]


def products_in_background(skus: int, seed: int = 42, chunk: int = 5_000) -> BackgroundProducts:
    """The same rows as :func:`products`, generated in a child process; see BackgroundProducts."""
    check_size(skus)
    return BackgroundProducts(skus, seed, chunk)


class BackgroundProducts:
    """Catalog rows made in a child process while the caller loads the previous ones.

    The bulk load is single-threaded SQLite work; generating the rows on the other
    core meanwhile takes the generator (~5 s of CPU at 1M SKUs) off the critical
    path, and the child ships chunks already split into INSERT parameters
    (:meth:`prepared_chunks`, what the loader uses). The pipe holds only a few
    chunks, so memory stays bounded. Iterating gives ordinary ProductRows. Either
    way it runs once; the child is stopped when done, closed, or abandoned.
    """

    def __init__(self, skus: int, seed: int, chunk: int) -> None:
        self._args = (skus, seed, chunk)
        self._started = False
        self._child: multiprocessing.process.BaseProcess | None = None

    def prepared_chunks(self) -> Iterator[tuple[list[tuple], list[tuple[str, int]]]]:
        if self._started:
            raise RuntimeError("background products can be consumed only once")
        self._started = True
        skus = self._args[0]
        context = multiprocessing.get_context("spawn")  # no fork: the parent may run Qt threads
        receiver, sender = context.Pipe(duplex=False)
        self._child = child = context.Process(target=_child_main, args=(sender, *self._args),
                                              daemon=True)
        child.start()
        sender.close()
        produced = 0
        try:
            while produced < skus:
                try:
                    product_params, barcode_params = receiver.recv()
                except EOFError:
                    raise RuntimeError(
                        f"the catalog generator process stopped after {produced} of {skus} "
                        f"rows (exit code {child.exitcode})") from None
                produced += len(product_params)
                yield product_params, barcode_params
            child.join(timeout=10)
        finally:
            receiver.close()
            self.close()

    def __iter__(self) -> Iterator[ProductRow]:
        chunks = self.prepared_chunks()
        try:
            for product_params, barcode_params in chunks:
                codes: dict[int, list[str]] = {}
                for code, product_id in barcode_params:
                    codes.setdefault(product_id, []).append(code)
                for params in product_params:
                    yield ProductRow(*params, tuple(codes[params[0]]))
        finally:
            chunks.close()

    def close(self) -> None:
        child = self._child
        if child is not None and child.is_alive():
            child.terminate()
            child.join(timeout=10)


def _child_main(sender, skus: int, seed: int, chunk: int) -> None:  # type: ignore[no-untyped-def]
    rows = products(skus, seed)
    while batch := list(itertools.islice(rows, chunk)):
        sender.send(split_rows(batch))
    sender.close()
