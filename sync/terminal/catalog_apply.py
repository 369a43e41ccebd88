"""Applying a page of HQ catalog changes to ``products`` / ``barcodes`` and the search index.

The FTS5 indexes ``product_search`` and ``product_grams`` are normally kept in step by
triggers (migrations 0003 and 0012), which fire per row and cost more than the rest of the insert.
A large page therefore keeps the index in step set-wise instead, inside its
own transaction: the triggers are dropped, the old index entries of the rows
the page changes are deleted, the rows written, their new entries inserted in
one ``INSERT ... SELECT`` and the triggers recreated with the migration's SQL.
SQLite DDL is transactional, so every committed state -- after any page, or
after a crash between pages -- has its triggers and an index that matches the
products table: a bootstrap never leaves search broken, nor anything to repair.
"""

from __future__ import annotations

import importlib

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from store_client.persistence import search_grams

_SEARCH_MIGRATION = "store_client.persistence.migrations.versions.0003_product_search"
SEARCH_TRIGGERS: dict[str, str] = importlib.import_module(_SEARCH_MIGRATION).SEARCH_TRIGGERS
# From this many upserts in one page the index is maintained set-wise (below, per-row
# triggers are cheaper than the DDL and the schema change every reader has to notice).
SET_BASED_SEARCH_MIN = 200
CHUNK = 500  # SQLite host parameters per IN (...) list

_FTS_COLUMNS = "sku, name_zh, name_en, pinyin_initials"
_UPSERT_PRODUCT = (
    "INSERT INTO products(id, sku, name_zh, name_en, category_code, unit, price_minor, tax_rate_bp, "
    "active, pinyin_initials) VALUES (?, ?, ?, ?, ?, ?, "
    # A price pulled before its product arrived is the current one.
    "COALESCE((SELECT json_extract(data, '$.price_minor') FROM sync_rows "
    "WHERE dataset = 'prices' AND key = ?), ?), ?, 1, ?) ON CONFLICT(sku) DO UPDATE SET "
    "name_zh = excluded.name_zh, name_en = excluded.name_en, category_code = excluded.category_code, "
    "unit = excluded.unit, tax_rate_bp = excluded.tax_rate_bp, "
    "active = 1, pinyin_initials = excluded.pinyin_initials"
)


def apply_catalog(session: Session, changes: list[tuple[str, str, dict | None]]) -> None:
    """Upserts and tombstones of one page, in the caller's transaction.

    Keys are unique within a page (the puller refuses a page that repeats one).
    Driver-level ``executemany``: a bootstrap applies a million rows.
    """
    conn = session.connection()
    upserts = [row for _k, op, row in changes if op == "upsert" and row is not None]
    deletes = [(k,) for k, op, _ in changes if op == "delete"]
    if upserts:
        _upsert(conn, upserts)
    if deletes:  # deactivated, not deleted: past sales refer to them ('active' is not indexed)
        conn.exec_driver_sql("DELETE FROM barcodes WHERE product_id IN "
                             "(SELECT id FROM products WHERE sku = ?)", deletes)
        conn.exec_driver_sql("UPDATE products SET active = 0 WHERE sku = ?", deletes)


def _upsert(conn: Connection, upserts: list[dict]) -> None:
    cats = {r["category"]["code"]: r["category"] for r in upserts}
    conn.exec_driver_sql(
        "INSERT INTO categories(code, name_zh, name_en) VALUES (?, ?, ?) "
        "ON CONFLICT(code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en "
        "WHERE name_zh != excluded.name_zh OR name_en != excluded.name_en",
        [(c["code"], c["name_zh"], c["name_en"]) for c in cats.values()])
    skus = [r["sku"] for r in upserts]
    existing = _ids(conn, skus)
    # New products get ids here (what SQLite would pick: max + 1 on), so no second look-up.
    first_new = (conn.exec_driver_sql("SELECT max(id) FROM products").scalar() or 0) + 1
    ids = dict(existing)
    next_id = first_new
    for sku in skus:
        if sku not in ids:
            ids[sku] = next_id
            next_id += 1
    set_based = len(upserts) >= SET_BASED_SEARCH_MIN
    old = list(existing.values())
    if set_based:
        for name in (*SEARCH_TRIGGERS, *search_grams.GRAM_TRIGGERS):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        for chunk in _chunks(old):  # the entries as indexed, before the rows change
            conn.exec_driver_sql(
                f"INSERT INTO product_search(product_search, rowid, {_FTS_COLUMNS}) "
                f"SELECT 'delete', id, {_FTS_COLUMNS} FROM products WHERE id IN ({_marks(chunk)})",
                tuple(chunk))
            conn.exec_driver_sql(search_grams.UNINDEX + f"WHERE id IN ({_marks(chunk)})",
                                 tuple(chunk))
    conn.exec_driver_sql(_UPSERT_PRODUCT, [
        (ids[r["sku"]], r["sku"], r["name_zh"], r["name_en"], r["category"]["code"], r["unit"], r["sku"],
         r["price_minor"], r["tax_rate_bp"], r["pinyin_initials"]) for r in upserts])
    if set_based:
        insert_index = f"INSERT INTO product_search(rowid, {_FTS_COLUMNS}) SELECT id, {_FTS_COLUMNS} FROM products "
        for index in (insert_index, search_grams.INDEX_ALL):
            if next_id > first_new:
                conn.exec_driver_sql(index + "WHERE id >= ?", (first_new,))
            for chunk in _chunks(old):
                conn.exec_driver_sql(index + f"WHERE id IN ({_marks(chunk)})", tuple(chunk))
        for name, body in (*SEARCH_TRIGGERS.items(), *search_grams.GRAM_TRIGGERS.items()):
            conn.exec_driver_sql(f"CREATE TRIGGER {name} {body}")
    if old:
        conn.exec_driver_sql("DELETE FROM barcodes WHERE product_id = ?", [(pid,) for pid in old])
    codes = [(code, ids[r["sku"]]) for r in upserts for code in r["barcodes"]]
    if codes:
        conn.exec_driver_sql("INSERT INTO barcodes(code, product_id) VALUES (?, ?) "
                             "ON CONFLICT(code) DO UPDATE SET product_id = excluded.product_id", codes)


def _ids(conn: Connection, skus: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for chunk in _chunks(skus):
        ids.update((sku, pid) for sku, pid in conn.exec_driver_sql(
            f"SELECT sku, id FROM products WHERE sku IN ({_marks(chunk)})", tuple(chunk)))
    return ids


def _chunks(items: list) -> list[list]:
    return [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]


def _marks(chunk: list) -> str:
    return ",".join("?" * len(chunk))
