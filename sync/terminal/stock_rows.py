"""HQ's stock rows on the till: ``stock_levels`` (this store) and ``stock_nearby`` (other
stores and the warehouses).

A stock figure is advisory (a screen shows it with its age), so one bad row must not hold
back the others or the rest of the feed: a row that fails the protocol's check (a bad
number, a key that does not match, a site id that cannot be) is skipped and logged, and the
page goes on (for every other dataset a bad row refuses the page). A row for a SKU this
till's catalog does not have is kept and logged: the catalog is pulled less often than stock,
so a new product's figure may come first, and it shows as soon as the product does. A row
that names this store among its neighbours is never shown (``services/stock.overview``).
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
DATASETS = frozenset({"stock_levels", "stock_nearby"})


def skipped(dataset: str, index: int, key: object, reason: str) -> None:
    log.warning("%s change %d (key %r) skipped: %s", dataset, index, key, reason)


def note_unknown_skus(session: Session, dataset: str, changes: list) -> None:
    """Log the SKUs of this page that the till's catalog does not have (yet)."""
    skus = sorted({row["sku"] for _k, op, row in changes if op == "upsert"})
    known: set[str] = set()
    for start in range(0, len(skus), 500):
        part = skus[start:start + 500]
        marks = ",".join(f":s{i}" for i in range(len(part)))
        known |= set(session.execute(text(f"SELECT sku FROM products WHERE sku IN ({marks})"),
                                     {f"s{i}": s for i, s in enumerate(part)}).scalars())
    unknown = [s for s in skus if s not in known]
    if unknown:
        log.info("%s: %d row(s) for SKUs not in this till's catalog yet (kept, shown once it has them): %s",
                 dataset, len(unknown), ", ".join(unknown[:10]) + (" ..." if len(unknown) > 10 else ""))
