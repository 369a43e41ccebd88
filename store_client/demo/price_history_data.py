"""The demo till's shelf price history, as a season of HQ price updates would have left it.

For the first products sold by the piece: most never changed; some had a markdown of a few
weeks inside the last 90 days and went back up; some rose (their old, lower price is still
the 90-day lowest for a while); some changed long ago (before the window: no effect). The
current price is the products table's, unchanged: the history ends at it. This is what
returns without receipt price from (docs/returns.md "Without a receipt").
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import text

from store_client.clock import iso
from store_client.persistence.db import Database


def load(db: Database, *, seed: int, now: datetime, products: int = 500) -> int:
    """Write (replace) the history of the first ``products`` products; returns the rows written."""
    rnd = random.Random(f"prices-{seed}")
    rows: list[dict] = []
    with db.transaction() as s:
        s.execute(text("DELETE FROM price_history"))
        for sku, price in s.execute(text("SELECT sku, price_minor FROM products WHERE active AND unit = 'each' "
                                         "AND price_minor >= 100 ORDER BY id LIMIT :n"), {"n": products}):
            kind = rnd.random()
            if kind < 0.5:
                continue  # never changed: its price now is its price all along

            def at(days: float) -> str:
                return iso(now - timedelta(days=days))

            if kind < 0.7:  # a markdown of one to three weeks inside the window, then back
                start = rnd.uniform(20, 80)
                low = max(1, price * rnd.choice((70, 80, 85, 90)) // 100)
                rows += [{"s": sku, "t": "", "p": price}, {"s": sku, "t": at(start), "p": low},
                         {"s": sku, "t": at(start - rnd.uniform(7, 21)), "p": price}]
            elif kind < 0.85:  # a rise inside the window: the old price is still the lowest
                rows += [{"s": sku, "t": "", "p": max(1, price * 90 // 100)},
                         {"s": sku, "t": at(rnd.uniform(5, 85)), "p": price}]
            else:  # a change before the window: nothing of it counts any more
                rows += [{"s": sku, "t": "", "p": max(1, price * 80 // 100)},
                         {"s": sku, "t": at(rnd.uniform(95, 300)), "p": price}]
        if rows:
            s.execute(text("INSERT INTO price_history(sku, since, price_minor) VALUES (:s, :t, :p)"), rows)
    return len(rows)
