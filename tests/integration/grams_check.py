"""Checks that ``product_grams`` (contentless, so it cannot check itself against the
products) holds exactly the tokens of every product's Chinese name."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import text

from store_client.persistence import search_grams


def assert_grams_sound(db) -> None:  # type: ignore[no-untyped-def]
    """Every token of every name finds exactly the products whose names hold it, and the
    gram triggers are in place."""
    with db.read() as s:
        triggers = {n for (n,) in s.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
        assert set(search_grams.GRAM_TRIGGERS) <= triggers
        expected: dict[str, set[int]] = defaultdict(set)
        for product_id, name in s.execute(text("SELECT id, name_zh FROM products")):
            for token in search_grams.han_grams(name).split():
                expected[token].add(product_id)
        s.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.grams_vocab "
                       "USING fts5vocab(main, product_grams, row)"))
        held = dict(s.execute(text("SELECT term, doc FROM temp.grams_vocab")).all())
        assert held == {t: len(ids) for t, ids in expected.items()}, "tokens differ"
        for token, ids in expected.items():
            found = {r for (r,) in s.execute(text(
                "SELECT rowid FROM product_grams WHERE product_grams MATCH :t"),
                {"t": f'"{token}"'})}
            assert found == ids, f"index of {token!r}: {sorted(found ^ ids)[:5]} differ"
        s.execute(text("DROP TABLE temp.grams_vocab"))
        s.execute(text("INSERT INTO product_grams (product_grams, rank) "
                       "VALUES ('integrity-check', 0)"))
