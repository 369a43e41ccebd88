"""The Chinese-character index ``product_grams``: every character and every pair of
adjacent characters of a product's Chinese name, so that text of one or two Chinese
characters is found through an index too (the trigram index ``product_search`` needs
three). "面霜" is one token; "薰衣草香" narrows to the products holding 薰衣, 衣草 and 草香,
and the exact text is then checked on those few rows.

The table is contentless (it stores no text, only which products hold each token) and
has no positions (``detail=none``), so it costs little room. SQLite computes the tokens
through the SQL function ``han_grams(name_zh)``, registered on every connection of the
terminal database (:func:`register`): the triggers below keep the index in step with
``products``, and a connection without the function cannot change a product's name (the
write fails rather than leave the index stale).
"""

from __future__ import annotations

import re
import sqlite3

HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
FUNCTION = "han_grams"

CREATE_TABLE = ("CREATE VIRTUAL TABLE product_grams USING fts5(grams, content='', "
                "detail=none, columnsize=0, tokenize='unicode61')")
GRAM_TRIGGERS = {
    "products_grams_ai": (
        "AFTER INSERT ON products BEGIN "
        "INSERT INTO product_grams(rowid, grams) VALUES (new.id, han_grams(new.name_zh)); END"
    ),
    "products_grams_ad": (
        "AFTER DELETE ON products BEGIN "
        "INSERT INTO product_grams(product_grams, rowid, grams) "
        "VALUES ('delete', old.id, han_grams(old.name_zh)); END"
    ),
    "products_grams_au": (
        "AFTER UPDATE OF name_zh ON products BEGIN "
        "INSERT INTO product_grams(product_grams, rowid, grams) "
        "VALUES ('delete', old.id, han_grams(old.name_zh)); "
        "INSERT INTO product_grams(rowid, grams) VALUES (new.id, han_grams(new.name_zh)); END"
    ),
}
#: Index every product (after a bulk insert with the triggers dropped); append a WHERE.
INDEX_ALL = "INSERT INTO product_grams(rowid, grams) SELECT id, han_grams(name_zh) FROM products "
#: Take products out of the index (before their names change); append a WHERE.
UNINDEX = ("INSERT INTO product_grams(product_grams, rowid, grams) "
           "SELECT 'delete', id, han_grams(name_zh) FROM products ")


def han_grams(name_zh: object) -> str:
    """The index text of a name: its Chinese characters and adjacent pairs, space-separated,
    in a fixed order (a contentless index is told exactly what to delete)."""
    if not isinstance(name_zh, str):
        return ""
    found: set[str] = set()
    for run in HAN_RUN.findall(name_zh):
        found.update(run)
        found.update([run[i:i + 2] for i in range(len(run) - 1)])
    return " ".join(sorted(found))


def query_tokens(term: str) -> list[str]:
    """Tokens every product whose name contains ``term`` holds (empty: ``term`` has no
    Chinese character, the index cannot narrow it)."""
    tokens: list[str] = []
    for run in HAN_RUN.findall(term):
        tokens.extend([run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)])
    return list(dict.fromkeys(tokens))


def has_han(text: str) -> bool:
    return HAN_RUN.search(text) is not None


def register(conn: sqlite3.Connection) -> None:
    conn.create_function(FUNCTION, 1, han_grams, deterministic=True)
