"""Catalog look-ups for the till: scan a code, search by name, SKU, barcode or pinyin.

Every call is one short read transaction (a consistent snapshot) on a read-only
sqlite3 connection the service keeps per thread: an ORM Session costs ~0.2 ms and
a pool checkout ~15 us per call, several times the look-up itself, and the till
scans barcodes all day. Look-ups go through indexes only: the
barcode primary key, the SKU unique index, and the FTS5 trigram index
``product_search`` for text of three characters or more. Text of one or two
characters cannot use a trigram index, so it is matched by a scan that stops at
enough hits or after a fixed budget of SQLite VM steps (deterministic; some
30,000 products, ~15 ms), whichever comes first: short text gives the first
matches in catalog order, never a slow till. (Enumerating the trigrams that
start with the text through fts5vocab was tried: 20-60 ms at 1M SKUs.)
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from store_client.domain.catalog import ProductInfo, Unit
from store_client.domain.money import Money
from store_client.persistence.db import BUSY_TIMEOUT_MS, Database

MAX_CODE = 64  # longer "codes" are not codes
MAX_QUERY = 64  # characters of search text considered
MAX_LIMIT = 500
SCAN_BUDGET_STEPS = 400_000  # SQLite VM steps per text query: ~13 a product, ~25M a second
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
        """Products whose Chinese or English name, SKU or pinyin initials contain ``text``,
        or whose barcode or SKU starts with it. Exact codes first, then prefixes, then the
        rest; active before inactive within each. Any text is safe (FTS syntax is quoted)."""
        query = _clean(text, MAX_QUERY)
        if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0 or not query:
            return []
        limit = min(limit, MAX_LIMIT)
        window = max(limit * 4, 200)  # candidates ranked in Python
        found: dict[int, tuple[int, tuple]] = {}  # id -> (rank, row), first rank wins

        def add(rows: Sequence[tuple], rank: int) -> None:
            for row in rows:
                if row[0] not in found:
                    found[row[0]] = (rank, row)

        with self._snapshot() as conn:
            if " " not in query and len(query) <= MAX_CODE:
                upper = query.upper()
                add(conn.execute(_BY_BARCODE, (query,)).fetchall(), _EXACT)
                add(conn.execute(_BY_SKU, (query, upper, query)).fetchall(), _EXACT)
                add(conn.execute(
                    f"SELECT {_COLUMNS} FROM barcodes b JOIN products p ON p.id = b.product_id "
                    "WHERE b.code >= ? AND b.code < ? ORDER BY b.code LIMIT ?",
                    (query, query + _TOP, limit)).fetchall(), _PREFIX)
                add(conn.execute(
                    f"SELECT {_COLUMNS} FROM products p WHERE p.sku >= ? AND p.sku < ? "
                    "ORDER BY p.sku LIMIT ?", (upper, upper + _TOP, limit)).fetchall(), _PREFIX)
            add(self._text_matches(conn, query, window), _OTHER)
            barcodes = self._barcodes(conn, list(found))
        lowered = query.lower()
        ranked = []
        for order, (product_id, (rank, row)) in enumerate(found.items()):
            codes = barcodes.get(product_id, ())
            if rank == _OTHER and _is_prefix(lowered, row, codes):
                rank = _PREFIX
            ranked.append(((rank, not row[8], order), row, codes))
        ranked.sort(key=lambda item: item[0])
        return [self._info(row, codes) for _key, row, codes in ranked[:limit]]

    def _text_matches(self, conn: sqlite3.Connection, query: str, window: int) -> list[tuple]:
        terms = query.split(" ")
        long_terms = [t for t in terms if len(t) >= TRIGRAM]
        short_terms = [t for t in terms if len(t) < TRIGRAM]
        where, params = [], []
        for term in short_terms:  # the trigram index cannot help; checked row by row
            where.append("(instr(p.name_zh, ?) OR p.name_en LIKE ? ESCAPE '\\' "
                         "OR instr(p.pinyin_initials, ?) OR instr(p.sku, ?))")
            like = "%" + re.sub(r"([%_\\])", r"\\\1", term) + "%"  # LIKE: ASCII case-insensitive
            params += [term, like, term.lower(), term.upper()]
        if long_terms:
            sql = (f"SELECT {_COLUMNS} FROM product_search s JOIN products p ON p.id = s.rowid "
                   "WHERE product_search MATCH ?")
            params.insert(0, " ".join(_fts_phrase(t) for t in long_terms))
        else:
            sql = f"SELECT {_COLUMNS} FROM products p WHERE 1"
        sql += "".join(f" AND {clause}" for clause in where) + " LIMIT ?"
        params.append(window)
        return _bounded_fetch(conn, sql, params)

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
    for name in (name_zh, name_en.lower()):
        if name.startswith(lowered) or any(word.startswith(lowered) for word in name.split(" ")):
            return True
    offset = 0  # pinyin_initials has one letter per Chinese character, words run together
    for word in name_zh.split(" "):
        if pinyin.startswith(lowered, offset):
            return True
        offset += len(_HAN.findall(word))
    return False


def _bounded_fetch(raw: sqlite3.Connection, sql: str, params: list[Any]) -> list[tuple]:
    """Rows of ``sql`` until it ends or has used SCAN_BUDGET_STEPS VM steps; the rows
    found before the budget ran out are kept (a SELECT interrupted this way changes
    nothing and leaves the read transaction usable)."""
    calls = 0
    budget_calls = SCAN_BUDGET_STEPS // _STEP_GRANULARITY

    def over_budget() -> bool:
        nonlocal calls
        calls += 1
        return calls > budget_calls

    rows: list[tuple] = []
    raw.set_progress_handler(over_budget, _STEP_GRANULARITY)
    cursor = raw.cursor()
    try:
        cursor.execute(sql, params)
        while True:
            row = cursor.fetchone()
            if row is None:
                break
            rows.append(row)
    except sqlite3.OperationalError as exc:
        if calls <= budget_calls:  # a real error, not our interrupt
            raise
        del exc
    finally:
        cursor.close()
        raw.set_progress_handler(None, 0)
    return rows
