"""Search at the checkout's page size, every kind of query, as the catalog grows.

``CatalogService.search_page(text, 100)`` (the search dialog asks for 100) on demo
stores of 10,000, 100,000 and 1,000,000 SKUs (``--quick``: 10,000 only; reused from
``BENCH_STORE_DIR`` when set), the collector frozen as in the app. The query set has
every kind a cashier types: Chinese words, 1 and 2 Chinese characters, 1 and 2 letters,
pinyin initials, English, codes and code prefixes, mixed pinyin and Chinese, several
terms, and text no product holds (alone and with a common term). Each query runs
``ROUNDS`` times; the first round is a cold read of the pages it touches.

Baseline, per query: the bare index read a page needs at least, in plain sqlite3 on the
same file: the first 101 ids from the index that query uses (the Chinese-character index
for text with Chinese, else the trigram index, else the products table), no ranking, no
checking of the terms, no rows read whole.
"""

from __future__ import annotations

import gc
import sqlite3
import tempfile
import time
from pathlib import Path

from benchmarks import common, report

PAGE = 100  # the checkout search dialog's page
TARGET_P99_MS = 10.0
ROUNDS = 20
SIZES = (10_000, 100_000, 1_000_000)

#: (kind, query). Words come from the demo vocabulary; "鑫", "薰衣草香" with "面霜" and "qz"
#: are there because few or no products hold them.
QUERIES: list[tuple[str, str]] = [
    ("Chinese word", "洗发水"),
    ("Chinese word", "薰衣草香"),
    ("2 Chinese characters", "面霜"),
    ("2 Chinese characters", "悦诗"),
    ("1 Chinese character", "霜"),
    ("1 Chinese character", "茶"),
    ("2 letters", "xl"),
    ("2 letters", "qz"),
    ("1 letter", "a"),
    ("pinyin initials", "xfs"),
    ("English", "shampoo"),
    ("English, 2 words", "green tea"),
    ("code prefix", "6901"),
    ("SKU prefix", "BEA000"),
    ("mixed pinyin and Chinese", "xfs 去屑"),
    ("mixed pinyin and Chinese", "ysj 面霜"),
    ("multi-term", "悦诗 面霜"),
    ("multi-term", "去屑洗发水 500ml"),
    ("no match, multi-term", "面霜 薰衣草香"),
    ("no match", "鑫"),
    ("no match", "鑫鑫鑫"),
    ("no match, with a common term", "a 鑫"),
    ("no match, English", "zebra quokka"),
]


def _bare_page(conn: sqlite3.Connection, query: str) -> float:
    """The least index read of a page: the first 101 ids from the index the query uses."""
    from store_client.persistence import search_grams

    terms = query.lower().split()
    tokens = [t for term in terms for t in search_grams.query_tokens(term)]
    long_terms = [t for t in terms if len(t) >= 3]
    started = time.perf_counter()
    if tokens:
        conn.execute("SELECT rowid FROM product_grams WHERE product_grams MATCH ? "
                     "ORDER BY rowid LIMIT 101",
                     (" ".join(f'"{t}"' for t in tokens),)).fetchall()
    elif long_terms:
        conn.execute("SELECT rowid FROM product_search WHERE product_search MATCH ? "
                     "ORDER BY rowid LIMIT 101",
                     (" ".join('"' + t.replace('"', '""') + '"' for t in long_terms),)
                     ).fetchall()
    else:
        conn.execute("SELECT id FROM products ORDER BY id LIMIT 101").fetchall()
    return (time.perf_counter() - started) * 1000


def _measure(config_path: Path) -> tuple[dict[str, list[float]], dict[str, list[float]],
                                          dict[str, tuple[int, bool]], str]:
    from store_client import config as cfg
    from store_client.persistence.db import Database
    from store_client.persistence.search_grams import register
    from store_client.services.catalog import CatalogService

    db_path = cfg.load(config_path).database_path
    db = Database(db_path)
    service = CatalogService(db)
    bare = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    register(bare)
    ours: dict[str, list[float]] = {q: [] for _k, q in QUERIES}
    floor: dict[str, list[float]] = {q: [] for _k, q in QUERIES}
    shape: dict[str, tuple[int, bool]] = {}
    common.runtime_as_in_the_app()
    before = common.load_average()
    try:
        for _round in range(ROUNDS):
            for _kind, query in QUERIES:
                started = time.perf_counter()
                page = service.search_page(query, PAGE)
                ours[query].append((time.perf_counter() - started) * 1000)
                shape[query] = (len(page.products), page.more)
                floor[query].append(_bare_page(bare, query))
    finally:
        bare.close()
        service.close()
        db.close()
        gc.unfreeze()
    return ours, floor, shape, f"{before} → {common.load_average()}"


def catalog_budget() -> int:
    from store_client.services import catalog

    return catalog.CANDIDATE_BUDGET


def run(args) -> None:  # type: ignore[no-untyped-def]
    sizes = SIZES[:1] if getattr(args, "quick", False) else SIZES
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for skus in sizes:
            results[skus] = _measure(common.demo_store(skus, Path(tmp)))
            worst = max(report.percentile(s, 99) for s in results[skus][0].values())
            print(f"  {skus:,} SKUs: worst p99 {worst:.2f} ms (load {results[skus][3]})",
                  flush=True)

    largest = max(sizes)
    ours, floor, shape, load = results[largest]
    rows = []
    for kind, query in QUERIES:
        found, more = shape[query]
        rows.append([kind, f"`{query}`", f"{found}{'+ (more)' if more else ''}",
                     f"{report.median(ours[query]):.2f}", f"{report.percentile(ours[query], 99):.2f}",
                     f"{report.median(floor[query]):.2f}",
                     f"{report.median(ours[query]) / max(report.median(floor[query]), 0.001):.0f}x"])
    worst = max(report.percentile(s, 99) for s in ours.values())
    growth = [[kind, f"`{query}`"] + [
        f"{report.median(results[s][0][query]):.2f} / {report.percentile(results[s][0][query], 99):.2f}"
        for s in sizes] for kind, query in QUERIES]
    body = "\n\n".join([
        (f"`CatalogService.search_page(text, {PAGE})` (the checkout search dialog's page), "
         f"{ROUNDS} rounds of every query, the first a cold read of its pages; ms. Bare: "
         "the first 101 ids from the index the query uses, in plain sqlite3 (no ranking, no "
         "term check, no rows read whole). 'more': the page says the list goes on (and "
         "gives a cursor for the rest)."),
        f"**{largest:,} SKUs** (load average {load}):",
        report.table(["kind", "query", "found", "median", "p99", "bare median", "vs bare"],
                     rows),
        (f"Target p99 <= {TARGET_P99_MS:.0f} ms for every query kind at {largest:,} SKUs: "
         f"**{'meets' if worst <= TARGET_P99_MS else 'misses'}** (worst p99 {worst:.2f} ms)."),
        "**Growth with the catalog** (median / p99 ms; load average "
        + ", ".join(f"{s:,}: {results[s][3]}" for s in sizes) + "):",
        report.table(["kind", "query", *[f"{s:,} SKUs" for s in sizes]], growth),
        ("Text with Chinese reads the Chinese-character index (`product_grams`), other text "
         "of three characters or more the trigram index, one or two letters alone the "
         "products in id order; every page checks at most `CANDIDATE_BUDGET` candidates "
         f"({catalog_budget():,}, services/catalog.py), and a page cut short says so and gives "
         "a cursor for the rest. Run: `BENCH_STORE_DIR=/some/dir python -m benchmarks "
         "search` (stores are built there once and reused)."),
    ])
    report.write_section("search", "Search: every query kind at the checkout's page size", body)
    print(body)
