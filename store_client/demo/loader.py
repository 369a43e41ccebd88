"""Bulk load of a catalog into an empty terminal database: fast, and all or nothing.

Everything happens in ONE transaction on the raw sqlite3 connection (no ORM
objects, ``executemany`` in chunks). Keeping the search indexes in step row by row
through the triggers would dominate the load, so the ``product_search`` and
``product_grams`` triggers are dropped, the rows inserted, the indexes built in one
pass each and the triggers recreated with the migrations' own SQL -- all inside that transaction
(SQLite DDL is transactional), so a failure or a crash leaves either the empty
catalog with its triggers or the complete catalog with its triggers.
"""

from __future__ import annotations

import importlib
import itertools
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from store_client.demo.generator import split_rows
from store_client.persistence import search_grams
from store_client.persistence.db import Database

_SEARCH_MIGRATION = "store_client.persistence.migrations.versions.0003_product_search"
SEARCH_TRIGGERS: dict[str, str] = importlib.import_module(_SEARCH_MIGRATION).SEARCH_TRIGGERS

CHUNK = 5_000
LOAD_CACHE_KIB = 128 * 1024  # page cache during the load only; restored afterwards
# FTS5 flushes its in-memory term hash to a new index segment whenever it exceeds
# 'hashsize' (1 MiB by default); at 1M products that means thousands of segments
# and merges. A large hash during the rebuild halves its time; reset afterwards.
LOAD_FTS_HASH_BYTES = 128 * 1024 * 1024
DEFAULT_FTS_HASH_BYTES = 1024 * 1024

_INSERT_PRODUCT = (
    "INSERT INTO products (id, sku, name_zh, name_en, category_code, unit, price_minor, "
    "tax_rate_bp, active, pinyin_initials) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class CatalogNotEmpty(Exception):
    """The bulk loader only fills an empty catalog (it assigns product ids itself)."""


class OperatorRow(NamedTuple):
    id: str
    name: str
    role: str
    pin_hash: str  # already hashed: hashing is slow and must not hold the write lock


@dataclass(frozen=True)
class LoadResult:
    categories: int
    products: int
    barcodes: int


def load_catalog(
    db: Database,
    categories: Iterable[tuple[str, str, str]],
    products: Iterable[tuple],
    *,
    operators: Iterable[OperatorRow] = (),
    settings: Mapping[str, str] | None = None,
    chunk: int = CHUNK,
    timings: dict[str, float] | None = None,
) -> LoadResult:
    """Load ``categories`` (code, name_zh, name_en) and ``products`` (generator rows:
    id, sku, name_zh, name_en, category_code, unit, price_minor, tax_rate_bp, active,
    pinyin_initials, barcodes) -- plus optional operators and terminal settings -- in
    one transaction. ``products`` may be a generator; it is consumed in chunks.
    ``timings``, if given, receives seconds per phase (generation is inside "insert").
    """
    clock = _Phases(timings)
    prepared = getattr(products, "prepared_chunks", None)  # BackgroundProducts: split already
    chunks = prepared() if prepared is not None else (
        split_rows(batch) for batch in _batched(iter(products), chunk))
    raw = db.engine.raw_connection()
    try:
        conn = raw.driver_connection  # isolation_level None: we issue BEGIN/COMMIT ourselves
        old_cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        conn.execute("BEGIN IMMEDIATE")
        try:
            busy = conn.execute(
                "SELECT EXISTS (SELECT 1 FROM products) OR EXISTS (SELECT 1 FROM barcodes) "
                "OR EXISTS (SELECT 1 FROM categories)"
            ).fetchone()[0]
            if busy:
                raise CatalogNotEmpty(
                    f"{db.path} already holds a catalog; the bulk loader only fills an empty one")
            conn.execute(f"PRAGMA cache_size=-{LOAD_CACHE_KIB}")
            for name in (*SEARCH_TRIGGERS, *search_grams.GRAM_TRIGGERS):
                conn.execute(f"DROP TRIGGER {name}")
            n_categories = len(cats := list(categories))
            conn.executemany("INSERT INTO categories (code, name_zh, name_en) VALUES (?, ?, ?)", cats)
            clock.lap("prepare")
            n_products = n_barcodes = 0
            for product_params, barcode_params in chunks:
                conn.executemany(_INSERT_PRODUCT, product_params)
                conn.executemany("INSERT INTO barcodes (code, product_id) VALUES (?, ?)",
                                 barcode_params)
                n_products += len(product_params)
                n_barcodes += len(barcode_params)
            clock.lap("insert")
            _fts_hashsize(conn, LOAD_FTS_HASH_BYTES)
            conn.execute("INSERT INTO product_search (product_search) VALUES ('rebuild')")
            _fts_hashsize(conn, DEFAULT_FTS_HASH_BYTES)
            clock.lap("fts_rebuild")
            _fts_hashsize(conn, LOAD_FTS_HASH_BYTES, "product_grams")
            conn.execute(search_grams.INDEX_ALL)
            _fts_hashsize(conn, DEFAULT_FTS_HASH_BYTES, "product_grams")
            clock.lap("grams_index")
            for name, body in (*SEARCH_TRIGGERS.items(), *search_grams.GRAM_TRIGGERS.items()):
                conn.execute(f"CREATE TRIGGER {name} {body}")
            conn.executemany(
                "INSERT INTO operators (id, name, role, pin_hash, active, failed_attempts) "
                "VALUES (?, ?, ?, ?, 1, 0)", list(operators))
            conn.executemany(
                "INSERT OR REPLACE INTO terminal_settings (key, value) VALUES (?, ?)",
                list((settings or {}).items()))
            conn.execute("COMMIT")
            clock.lap("commit")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.execute(f"PRAGMA cache_size={old_cache}")
        # The load went through the WAL; fold it into the database and shrink the file.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        clock.lap("checkpoint")
    finally:
        raw.close()
        chunks.close()  # stop the source (and any child process feeding it) at once
        close = getattr(products, "close", None)
        if close is not None:
            close()
    return LoadResult(n_categories, n_products, n_barcodes)


def _fts_hashsize(conn: sqlite3.Connection, size: int, table: str = "product_search") -> None:
    conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('hashsize', ?)", (size,))


class _Phases:
    def __init__(self, timings: dict[str, float] | None) -> None:
        self._timings = timings
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        if self._timings is not None:
            self._timings[name] = now - self._last
        self._last = now


def _batched(rows: Iterator[tuple], size: int) -> Iterator[list[tuple]]:
    while batch := list(itertools.islice(rows, size)):
        yield batch
