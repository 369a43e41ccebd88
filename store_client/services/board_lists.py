"""What lies under a figure of the board: the day's sales, its returns, the pick-up orders
waiting, the stale stock positions; and the day as CSV.

Read off the UI thread like the board itself (:mod:`store_client.services.board`); times
stay UTC here and the screen shows them in store time. Plain SQL, no Qt.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text

from store_client.clock import parse_iso
from store_client.domain.money import MINOR_UNITS
from store_client.persistence.db import Database
from store_client.services import board_figures as more
from store_client.services.board import day_bounds

#: A drill-down shows at most this many rows (a busy day's sales fit; the CSV has them all).
LIST_LIMIT = 2000


@dataclass(frozen=True)
class SaleLine:
    receipt_no: str
    completed_at: datetime
    operator_id: str
    items: int  # pieces, a weighed line counting 1
    total_fen: int
    tenders: tuple[str, ...]  # payment kinds, in the order taken


@dataclass(frozen=True)
class ReturnLine:
    return_no: str
    completed_at: datetime
    receipt_no: str
    operator_id: str
    reason_code: str
    refund_fen: int
    status: str  # completed | cancelled


@dataclass(frozen=True)
class StaleLine:
    source: str  # "till" | "hq"
    sku: str
    as_of: datetime | None  # None: the time could not be read


def sales(db: Database, *, day: date, tz: ZoneInfo, limit: int | None = LIST_LIMIT) -> list[SaleLine]:
    start, end = day_bounds(day, tz)
    with db.read() as s:
        rows = s.execute(text(
            "SELECT s.receipt_no, s.completed_at, s.operator_id, s.total_fen, "
            "(SELECT coalesce(sum(CASE WHEN l.unit = 'kg' THEN 1 ELSE l.quantity END), 0) "
            " FROM sale_lines l WHERE l.sale_id = s.id), "
            "(SELECT group_concat(kind, ' ') FROM (SELECT t.kind FROM sale_tenders t "
            " WHERE t.sale_id = s.id ORDER BY t.seq)) "
            "FROM sales s WHERE s.completed_at >= :start AND s.completed_at < :end "
            "ORDER BY s.completed_at DESC LIMIT :limit"),
            {"start": start, "end": end, "limit": -1 if limit is None else limit}).all()
    return [SaleLine(no, parse_iso(at), op, int(items), int(total), tuple((kinds or "").split()))
            for no, at, op, total, items, kinds in rows]


def returns(db: Database, *, day: date, tz: ZoneInfo, limit: int | None = LIST_LIMIT) -> list[ReturnLine]:
    start, end = day_bounds(day, tz)
    with db.read() as s:
        rows = s.execute(text(
            "SELECT return_no, completed_at, receipt_no, operator_id, reason_code, refund_fen, status "
            "FROM returns WHERE status IN ('completed', 'cancelled') AND completed_at >= :start "
            "AND completed_at < :end ORDER BY completed_at DESC LIMIT :limit"),
            {"start": start, "end": end, "limit": -1 if limit is None else limit}).all()
    return [ReturnLine(no, parse_iso(at), receipt, op, reason, int(refund), status)
            for no, at, receipt, op, reason, refund, status in rows]


def pickup_orders(db: Database, *, store_id: str | None, now: datetime) -> list[more.OrderLine]:
    with db.read() as s:
        return more.open_orders(s.connection(), store_id=store_id, now=now)


def stale_stock(db: Database, *, now: datetime, limit: int = LIST_LIMIT) -> list[StaleLine]:
    with db.read() as s:
        return [StaleLine(*row) for row in more.stale_positions(s.connection(), now=now, limit=limit)]


def _amount(fen: int, currency: str) -> str:
    """Plain decimal (no symbol, no grouping): what a spreadsheet reads as a number."""
    unit = MINOR_UNITS[currency]
    digits = len(str(unit)) - 1
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), unit)
    return f"{sign}{whole}.{part:0{digits}d}" if digits else f"{sign}{whole}"


def day_csv(db: Database, *, day: date, tz: ZoneInfo, currency: str, headers: Sequence[str],
            kinds: dict[str, str]) -> str:
    """Every sale and return of the store's ``day``, oldest first, one row each:
    kind, number, store time, operator, items, amount (a refund negative), payment or
    reason, status. ``headers`` and ``kinds`` ("sale", "return") come in the till's language."""
    rows: list[tuple[datetime, list[str]]] = []
    for sale in sales(db, day=day, tz=tz, limit=None):
        rows.append((sale.completed_at, [kinds["sale"], sale.receipt_no, "", sale.operator_id, str(sale.items),
                                         _amount(sale.total_fen, currency), " ".join(sale.tenders), ""]))
    for back in returns(db, day=day, tz=tz, limit=None):
        rows.append((back.completed_at, [kinds["return"], back.return_no, "", back.operator_id, "",
                                         _amount(-back.refund_fen, currency), back.reason_code, back.status]))
    rows.sort(key=lambda row: row[0])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(list(headers))
    for at, row in rows:
        row[2] = at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
        writer.writerow(row)
    return out.getvalue()
