"""Catalog look-ups for the till: scan a code, search by name, SKU, barcode or pinyin.

Every call is one short read transaction (a consistent snapshot) on a read-only
sqlite3 connection the service keeps per thread: an ORM Session costs ~0.2 ms and
a pool checkout ~15 us per call, several times the look-up itself, and the till
scans barcodes all day. Look-ups go through indexes: the barcode primary key, the
SKU unique index, the Chinese-character index ``product_grams`` for any text holding
Chinese (one character is enough; persistence/search_grams.py), and the FTS5 trigram
index ``product_search`` for other text of three characters or more. Only text of one
or two letters or digits and nothing else (which most products contain) reads the
products in id order. Every page checks a bounded number of candidates and says when
it stopped short (``SearchPage.more``, with a cursor for the rest), so no query scans
the catalog and no list pretends to be complete.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from store_client.domain.catalog import ProductInfo, Unit
from store_client.domain.money import Money
from store_client.persistence import search_grams
from store_client.persistence.db import BUSY_TIMEOUT_MS, Database

MAX_CODE = 64  # longer "codes" are not codes
MAX_QUERY = 64  # characters of search text considered
MAX_LIMIT = 500
CANDIDATE_BUDGET = 1_000  # index candidates checked per page, at most: the worst case is ~4 ms at 1M SKUs
CANDIDATE_CHUNK = 500
SCAN_BUDGET_STEPS = 2_000_000  # SQLite VM steps per page: a backstop, ~25M a second
_STEP_GRANULARITY = 1_000
TRIGRAM = 3
_TOP = "\U0010ffff"  # sorts after every character: [p, p + _TOP) is "starts with p"

_COLUMNS = ("p.id, p.sku, p.name_zh, p.name_en, p.category_code, p.unit, p.price_minor, "
            "p.tax_rate_bp, p.active, p.pinyin_initials")
_BY_BARCODE = (f"SELECT {_COLUMNS} FROM barcodes b JOIN products p ON p.id = b.product_id "
               "WHERE b.code = ?")
# Exact SKU, else its upper-case form (SKUs are upper case; people type lower case).
_BY_SKU = (f"SELECT {_COLUMNS} FROM products p WHERE p.sku IN (?, ?) "
           "ORDER BY p.sku = ? DESC LIMIT 1")
_BARCODES_OF = "SELECT code FROM barcodes WHERE product_id = ? ORDER BY rowid"

_HAN = re.compile(r"[\u3400-\u9fff]")

# Ranks: lower is better.
_EXACT, _PREFIX, _OTHER = 0, 1, 2
# The runs of a search, in page order (a cursor names the run it resumes).
_RUN_CODES, _RUN_BARCODE, _RUN_SKU, _RUN_TEXT = "c", "b", "s", "t"
_RUNS = (_RUN_CODES, _RUN_BARCODE, _RUN_SKU, _RUN_TEXT)


@dataclass(frozen=True)
class SearchPage:
    products: list[ProductInfo]
    more: bool  # the list was cut short: more products may match
    cursor: str | None  # search_page(text, limit, after=cursor) continues where this stopped


def _clean(text: Any, max_len: int) -> str:
    """NFKC (full-width IME digits and letters become ASCII), control characters and
    unencodable surrogates dropped, whitespace collapsed; '' for anything unusable."""
    if not isinstance(text, str):
        return ""
    if text.isascii() and text.isalnum():  # what a scanner sends: nothing to clean
        return text[:max_len]
    text = unicodedata.normalize("NFKC", text[: max_len * 4])
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = text.encode("utf-8", "ignore").decode("utf-8")
    return " ".join(text.split())[:max_len]


def _fts_phrase(term: str) -> str:
    """A quoted FTS5 string: only '"' is special inside one, and it is doubled."""
    return '"' + term.replace('"', '""') + '"'


class CatalogService:
    def __init__(self, db: Database, *, currency: str = "CNY") -> None:
        self._db = db
        self._currency = currency
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._opened_lock = threading.Lock()
        weakref.finalize(self, _close_all, self._opened, self._opened_lock)

    def close(self) -> None:
        """Close the service's connections (also done when it is garbage-collected); call
        it when no look-up is running. A later call opens a fresh connection."""
        self._local = threading.local()
        _close_all(self._opened, self._opened_lock)

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # The database is already open, migrated and in WAL mode (Database did that);
            # this connection only reads, and query_only makes sure of it.
            conn = sqlite3.connect(self._db.path, timeout=BUSY_TIMEOUT_MS / 1000,
                                   isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA query_only=ON")
            search_grams.register(conn)  # so that a write is refused as a write, not as this
            self._local.conn = conn
            with self._opened_lock:
                self._opened.append(conn)
        return conn

    # -- scanning -------------------------------------------------------------
    def by_code(self, code: str) -> ProductInfo | None:
        """The product with this barcode, else with this SKU; None for unknown or junk input."""
        text = _clean(code, MAX_CODE + 1)
        if not text or len(text) > MAX_CODE or " " in text:
            return None
        with self._snapshot() as conn:
            row = conn.execute(_BY_BARCODE, (text,)).fetchone()
            if row is None:
                row = conn.execute(_BY_SKU, (text, text.upper(), text)).fetchone()
            if row is None:
                return None
            codes = tuple(c for (c,) in conn.execute(_BARCODES_OF, (row[0],)))
        return self._info(row, codes)

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """One deferred read transaction: every statement inside sees the same data."""
        conn = self._connection()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("ROLLBACK")

    # -- searching --------------------------------------------------------------
    def search(self, text: str, limit: int = 50) -> list[ProductInfo]:
        """The first page of :meth:`search_page` (callers that need no continuation)."""
        return self.search_page(text, limit).products

    def search_page(self, text: str, limit: int = 50, after: str | None = None) -> SearchPage:
        """Products whose Chinese or English name, SKU or pinyin initials contain every
        term of ``text``, or whose barcode or SKU is or starts with it. Any text is safe
        (FTS syntax is quoted). Up to ``limit`` products; ``more`` says the list was cut
        short, and ``after=page.cursor`` gives the rest.

        The matches come as four runs, each in a fixed order and each product in the first
        run it belongs to: exact codes, barcodes starting with the text, SKUs starting with
        it, then text matches by product id. A page is the next ``limit`` of them, shown
        ranked (exact, then prefixes of a code, name, word or pinyin, then the rest; active
        before inactive). Every run reads through an index; at most CANDIDATE_BUDGET rows
        are checked per page, and a page that stops there says ``more`` (from where it
        stopped) rather than pretend the catalog ended."""
        query = _clean(text, MAX_QUERY)
        if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0 or not query:
            return SearchPage([], False, None)
        limit = min(limit, MAX_LIMIT)
        run, key = _parse_cursor(after)
        if run is None:
            return SearchPage([], False, None)
        codes = " " not in query and len(query) <= MAX_CODE
        found: dict[int, tuple[int, tuple]] = {}  # id -> (rank, row), in run order
        more, cursor = False, None
        with self._snapshot() as conn:
            for name in _RUNS[_RUNS.index(run):]:
                if name != _RUN_TEXT and not codes:
                    continue
                need = limit - len(found)
                keyed, exhausted, stop_key = self._run(conn, name, query, key, need + 1)
                rank = _EXACT if name == _RUN_CODES else _PREFIX if name != _RUN_TEXT else _OTHER
                resume = key  # the run goes on after the last row shown
                key = None  # a cursor's key belongs to its own run only
                for row_key, row in keyed:
                    if row[0] in found:
                        continue
                    if len(found) == limit:  # one more than fits: the list is cut short
                        more, cursor = True, _make_cursor(name, resume)
                        break
                    found[row[0]] = (rank, row)
                    resume = row_key
                if not more and not exhausted:  # stopped before the run's end
                    more, cursor = True, _make_cursor(name, stop_key)
                if more:
                    break
            barcodes = self._barcodes(conn, list(found))
        lowered = query.lower()
        ranked = []
        for order, (product_id, (rank, row)) in enumerate(found.items()):
            codes_of = barcodes.get(product_id, ())
            if rank == _OTHER and _is_prefix(lowered, row, codes_of):
                rank = _PREFIX
            ranked.append(((rank, not row[8], order), row, codes_of))
        ranked.sort(key=lambda item: item[0])
        return SearchPage([self._info(row, c) for _key, row, c in ranked], more, cursor)

    def _run(self, conn: sqlite3.Connection, run: str, query: str, key: Any, want: int,
             ) -> tuple[list[tuple[Any, tuple]], bool, Any]:
        """Up to ``want`` rows of ``run`` after ``key``, each with its key: (rows, whether
        the run was read to its end, the key of the last row read)."""
        upper = query.upper()
        if run == _RUN_CODES:
            rows = conn.execute(_BY_BARCODE, (query,)).fetchall()
            rows += conn.execute(_BY_SKU, (query, upper, query)).fetchall()
            return [(None, row) for row in rows], True, None
        if run == _RUN_BARCODE:
            found = conn.execute(
                f"SELECT b.code, {_COLUMNS} FROM barcodes b JOIN products p ON p.id = b.product_id "
                "WHERE b.code > ? AND b.code < ? AND p.sku NOT IN (?, ?) "
                # a product comes once, at its first matching code (none if one is exact)
                "AND b.code = (SELECT min(x.code) FROM barcodes x WHERE x.product_id = p.id "
                "AND x.code >= ? AND x.code < ?) ORDER BY b.code LIMIT ?",
                (key if key is not None else query, query + _TOP, query, upper, query,
                 query + _TOP, want)).fetchall()
            keyed = [(row[0], row[1:]) for row in found]
        elif run == _RUN_SKU:
            found = conn.execute(
                f"SELECT {_COLUMNS} FROM products p WHERE p.sku > ? AND p.sku < ? "
                "AND p.sku NOT IN (?, ?) AND NOT EXISTS (SELECT 1 FROM barcodes b WHERE "
                "b.product_id = p.id AND b.code >= ? AND b.code < ?) ORDER BY p.sku LIMIT ?",
                (key if key is not None else upper, upper + _TOP, query, upper, query,
                 query + _TOP, want)).fetchall()
            keyed = [(row[1], row) for row in found]
        else:
            return self._text_run(conn, query, key or 0, want)
        return keyed, len(found) < want, keyed[-1][0] if keyed else key

    def _text_run(self, conn: sqlite3.Connection, query: str, after_id: int, want: int,
                  ) -> tuple[list[tuple[Any, tuple]], bool, int]:
        """Text matches with ids above ``after_id``, in id order. Candidates come from the
        Chinese-character index when a term holds Chinese, else from the trigram index
        when a term has three characters or more, else (one or two letters or digits
        only: text most products hold) from the products in id order. SQLite checks each
        candidate against every term (in C: a Python test per row cost five times more),
        at most CANDIDATE_BUDGET of them."""
        terms = _ascii_lower(query).split(" ")
        tokens = list(dict.fromkeys(t for term in terms for t in search_grams.query_tokens(term)))
        long_terms = [t for t in terms if len(t) >= TRIGRAM]
        params: list[Any] = []
        if tokens:
            source = ("product_grams g CROSS JOIN products p ON p.id = g.rowid "
                      "WHERE product_grams MATCH ? AND g.rowid > ?")
            params.append(" ".join(_fts_phrase(t) for t in tokens))
            order = "g.rowid"
        elif long_terms:
            source = ("product_search s CROSS JOIN products p ON p.id = s.rowid "
                      "WHERE product_search MATCH ? AND s.rowid > ?")
            params.append(" ".join(_fts_phrase(t) for t in long_terms))
            order = "s.rowid"
        else:
            source, order = "products p WHERE p.id > ?", "p.id"
        after_at = len(params)
        params.append(after_id)
        if " " not in query and len(query) <= MAX_CODE:  # rows the code runs showed
            upper = query.upper()
            source += (" AND p.sku NOT IN (?, ?) AND NOT (p.sku >= ? AND p.sku < ?) AND NOT "
                       "EXISTS (SELECT 1 FROM barcodes b WHERE b.product_id = p.id AND "
                       "b.code >= ? AND b.code < ?)")
            params += [query, upper, upper, upper + _TOP, query, query + _TOP]
        check = " AND ".join([_TERM_CHECK] * len(terms))
        params = [t for t in terms for _ in range(4)] + params
        sql = f"SELECT p.id, {check} FROM {source} ORDER BY {order} LIMIT ?"
        params.append(0)
        after_at += 4 * len(terms)
        matched: list[int] = []
        checked, last, exhausted = 0, after_id, False
        budget = _Budget(conn)
        try:
            while checked < CANDIDATE_BUDGET and len(matched) < want:
                params[after_at] = last
                params[-1] = chunk = min(CANDIDATE_CHUNK, CANDIDATE_BUDGET - checked)
                rows = conn.execute(sql, params).fetchall()
                for product_id, ok in rows:
                    checked += 1
                    last = product_id
                    if ok:
                        matched.append(product_id)
                        if len(matched) >= want:
                            break
                if len(rows) < chunk and len(matched) < want:
                    exhausted = True
                    break
        except sqlite3.OperationalError:
            if not budget.spent:  # a real error, not our interrupt
                raise
        finally:
            budget.close()
        rows = conn.execute(f"SELECT {_COLUMNS} FROM products p WHERE p.id IN "
                            f"({', '.join('?' * len(matched))}) ORDER BY p.id", matched
                            ).fetchall() if matched else []
        return [(row[0], row) for row in rows], exhausted, last

    def _barcodes(self, conn: sqlite3.Connection, ids: list[int]) -> dict[int, tuple[str, ...]]:
        if not ids:
            return {}
        marks = ", ".join("?" * len(ids))
        result: dict[int, list[str]] = {}
        for product_id, code in conn.execute(
                f"SELECT product_id, code FROM barcodes WHERE product_id IN ({marks}) "
                "ORDER BY product_id, rowid", tuple(ids)):
            result.setdefault(product_id, []).append(code)
        return {k: tuple(v) for k, v in result.items()}

    # -- reference data -----------------------------------------------------------
    def count(self) -> int:
        with self._snapshot() as conn:
            return int(conn.execute("SELECT count(*) FROM products").fetchone()[0])

    def categories(self) -> list[tuple[str, str, str]]:
        with self._snapshot() as conn:
            rows = conn.execute("SELECT code, name_zh, name_en FROM categories ORDER BY code")
            return [(code, zh, en) for code, zh, en in rows]

    def _info(self, row: Sequence[Any], codes: tuple[str, ...]) -> ProductInfo:
        return ProductInfo(
            id=row[0], sku=row[1], name_zh=row[2], name_en=row[3], category_code=row[4],
            unit=Unit(row[5]), price=Money(row[6], self._currency), tax_rate_bp=row[7],
            active=bool(row[8]), barcodes=codes,
        )


def _close_all(opened: list[sqlite3.Connection], lock: threading.Lock) -> None:
    with lock:
        connections = opened[:]
        opened.clear()
    for conn in connections:
        conn.close()


def _is_prefix(lowered: str, row: Sequence[Any], codes: tuple[str, ...]) -> bool:
    """``lowered`` starts the SKU, a barcode, a name, a word of a name, or the pinyin
    initials of a Chinese word ("xfs" starts 洗发水's initials, not those of 鲜丰 薯片)."""
    _id, sku, name_zh, name_en, *_rest, pinyin = row
    if sku.lower().startswith(lowered) or any(code.startswith(lowered) for code in codes):
        return True
    word_start = " " + lowered  # a name, or a word of it, starts with the text
    if word_start in " " + name_zh or word_start in " " + name_en.lower():
        return True
    if lowered not in pinyin:
        return False
    offset = 0  # pinyin_initials has one letter per Chinese character, words run together
    for word in name_zh.split(" "):
        if pinyin.startswith(lowered, offset):
            return True
        offset += len(_HAN.findall(word))
    return False


# One term inside the Chinese or English name, the SKU or the pinyin initials (SQLite's
# lower() folds ASCII only, like LIKE; the term is folded the same way).
_TERM_CHECK = ("(instr(lower(p.name_zh), ?) OR instr(lower(p.name_en), ?) "
               "OR instr(lower(p.sku), ?) OR instr(p.pinyin_initials, ?))")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ascii_lower(text: str) -> str:
    return text.translate(_ASCII_LOWER)


def _make_cursor(run: str, key: Any) -> str:
    return run if key is None else f"{run}:{key}"


def _parse_cursor(cursor: object) -> tuple[str | None, Any]:
    """(run, key) of a cursor from :meth:`CatalogService.search_page`; (None, None) for junk."""
    if cursor is None:
        return _RUN_CODES, None
    if not isinstance(cursor, str):
        return None, None
    run, _sep, key = cursor.partition(":")
    if run not in _RUNS:
        return None, None
    if not key:
        return run, None
    if run == _RUN_TEXT:
        return (run, int(key)) if key.isdigit() else (None, None)
    return run, key


class _Budget:
    """A backstop on one page's SQLite work (SCAN_BUDGET_STEPS VM steps): a single index
    query that runs long is interrupted, and the page says it stopped."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._calls = 0
        self.spent = False
        conn.set_progress_handler(self._tick, _STEP_GRANULARITY)

    def _tick(self) -> bool:
        self._calls += 1
        self.spent = self._calls * _STEP_GRANULARITY > SCAN_BUDGET_STEPS
        return self.spent

    def close(self) -> None:
        self._conn.set_progress_handler(None, 0)
