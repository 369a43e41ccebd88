"""Shelf price history on the till: recorded as prices arrive, read as "the lowest of 90 days".

HQ's ``prices`` dataset carries the current shelf price only, so the till records each change
when it applies it (the time it reached the till, UTC): the first change of a product also
keeps the price it replaces, as in effect "since before the records" (``since = ''``). A
product whose price never changed has no rows: its current price is its price for the whole
window. Reading is two index seeks per SKU on the ``(sku, since)`` primary key (the price in
effect at the window's start, and the changes since), so it does not depend on the catalog's
size. Rules: :mod:`store_client.domain.price_history`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from store_client.clock import iso, parse_iso
from store_client.domain import price_history as ph

# Before the UPDATE of products: the old price of a first change, then the new price from now on.
_KEEP_OLD = text(
    "INSERT OR IGNORE INTO price_history(sku, since, price_minor) SELECT sku, '', price_minor "
    "FROM products WHERE sku = :s AND price_minor != :p "
    "AND NOT EXISTS (SELECT 1 FROM price_history WHERE sku = :s)")
_ADD_NEW = text(
    "INSERT OR REPLACE INTO price_history(sku, since, price_minor) SELECT sku, :t, :p "
    "FROM products WHERE sku = :s AND price_minor != :p")
# What no window can reach any more: the rows before the one in effect KEEP_DAYS ago (the
# window only moves forward; a few days beyond it for a till clock set back).
KEEP_DAYS = ph.WINDOW_DAYS + 5
_PRUNE = text("DELETE FROM price_history WHERE sku = :s AND since < "
              "(SELECT max(since) FROM price_history WHERE sku = :s AND since <= :k)")
_AT_START = text("SELECT since, price_minor FROM price_history WHERE sku = :s AND since <= :w "
                 "ORDER BY since DESC LIMIT 1")
_SINCE = text("SELECT since, price_minor FROM price_history WHERE sku = :s AND since > :w AND since <= :n")


def record_changes(session: Session, prices: Sequence[tuple[str, int]], now: str) -> None:
    """Before ``products.price_minor`` is updated to ``prices`` (``(sku, price)``), in the
    caller's transaction: a row for each price that really changes; the SKU's rows no window
    can reach any more are dropped (the history stays a few rows per product)."""
    rows = [{"s": sku, "p": price, "t": now} for sku, price in prices]
    if rows:
        session.execute(_KEEP_OLD, rows)
        session.execute(_ADD_NEW, rows)
        keep = iso(parse_iso(now) - timedelta(days=KEEP_DAYS))
        session.execute(_PRUNE, [{"s": sku, "k": keep} for sku, _price in prices])


def lowest_price(session: Session, sku: str, current: int, now: datetime,
                 days: int = ph.WINDOW_DAYS) -> int:
    """The lowest shelf price of ``sku`` in effect at any moment of the last ``days`` days."""
    start = iso(ph.window_start(now, days))
    params = {"s": sku, "w": start, "n": iso(now)}
    changes = [(parse_iso(since) if since else None, int(price))
               for since, price in (*session.execute(_AT_START, params), *session.execute(_SINCE, params))]
    return ph.lowest_in_window(changes, current, now, days)
