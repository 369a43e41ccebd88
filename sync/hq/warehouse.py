"""A warehouse's stock at HQ: set from an import of on-hand figures, or moved by goods received.

A warehouse has no tills, so its positions come from HQ's own admin (``store-client hq
warehouse ...``). Every input is checked first (:func:`check_lines`): the site must be a
registered warehouse, each SKU in the catalog HQ publishes, each quantity a whole number
in range, no SKU twice; one bad line refuses the whole input, naming every bad line.
The lines are then applied in one transaction, each position marked dirty, and published
after the commit like a store's (:mod:`sync.hq.stock_publish`).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from sync.hq import schema as t
from sync.hq import sites as hq_sites
from sync.hq.stock import _insert, stock

MAX_ON_HAND = 10**9  # pieces, or grams of a weighed item
MAX_LINES = 200_000


class WarehouseError(ValueError):
    """The input is refused as a whole; nothing was written."""


def read_csv(text: str) -> list[tuple[str, str]]:
    """``sku,quantity`` lines (a first line ``sku,...`` is a header), as text, unchecked."""
    lines = [row for row in csv.reader(io.StringIO(text)) if row and any(cell.strip() for cell in row)]
    if lines and lines[0][0].strip().lower() == "sku":
        lines = lines[1:]
    return [(row[0].strip(), row[1].strip() if len(row) > 1 else "") for row in lines]


def check_lines(conn: Connection, site_id: str, lines: list[tuple[str, str]], *,
                receiving: bool) -> list[tuple[str, int]]:
    """The validated (sku, quantity) lines, or :class:`WarehouseError` naming every bad one.
    ``receiving``: quantities are deliveries (above zero), else on-hand figures (zero or more)."""
    site = hq_sites.site_of(conn, site_id)
    if site is None or site.kind != "warehouse":
        raise WarehouseError(f"{site_id!r} is not a registered warehouse (store-client hq sites add ... --kind warehouse)")
    if not lines:
        raise WarehouseError("no lines")
    if len(lines) > MAX_LINES:
        raise WarehouseError(f"at most {MAX_LINES} lines at a time")
    skus = {sku for sku, _ in lines}
    known: set[str] = set()
    listed = sorted(skus)
    for start in range(0, len(listed), 500):
        known |= set(conn.scalars(select(t.dataset_rows.c.key).where(
            t.dataset_rows.c.dataset == "catalog", t.dataset_rows.c.scope == "*",
            t.dataset_rows.c.deleted.is_(False), t.dataset_rows.c.key.in_(listed[start:start + 500]))))
    problems: list[str] = []
    good: list[tuple[str, int]] = []
    seen: set[str] = set()
    low = 1 if receiving else 0
    for number, (sku, qty_text) in enumerate(lines, start=1):  # numbered as given, a header not counted
        if sku not in known:
            problems.append(f"entry {number}: SKU {sku!r} is not in the catalog")
            continue
        if sku in seen:
            problems.append(f"entry {number}: SKU {sku} is given twice")
            continue
        seen.add(sku)
        if not (qty_text.isascii() and qty_text.isdigit()) or not low <= int(qty_text) <= MAX_ON_HAND:
            problems.append(f"entry {number}: quantity {qty_text!r} must be a whole number from {low} to {MAX_ON_HAND}")
            continue
        good.append((sku, int(qty_text)))
    if problems:
        shown = problems[:20] + ([f"... and {len(problems) - 20} more"] if len(problems) > 20 else [])
        raise WarehouseError("; ".join(shown))
    return good


def apply(service: Any, site_id: str, lines: list[tuple[str, str]], *, receiving: bool,
          now: datetime | None = None) -> int:
    """Check and apply ``lines`` in one transaction, then publish; returns how many positions."""
    at = (now or datetime.now(UTC)).isoformat(timespec="microseconds")
    with service.engine.begin() as conn:
        checked = check_lines(conn, site_id, lines, receiving=receiving)
        for sku, qty in checked:
            stmt = _insert(conn, stock).values(store_id=site_id, sku=sku, on_hand=qty, as_of=at, dirty=True)
            conn.execute(stmt.on_conflict_do_update(
                index_elements=[stock.c.store_id, stock.c.sku],
                set_={"on_hand": (stock.c.on_hand + qty) if receiving else qty, "as_of": at, "dirty": True}))
    from sync.hq.stock_publish import publish_dirty

    publish_dirty(service)
    return len(checked)
