"""The manager's board: today's figures for this store, computed from the till's own books.

Plain SQL aggregates over indexed columns, run off the UI thread; the screen only draws the
result. Days and hours are the store's (``tz``), the stored times UTC: a day's sales are
those between the store's midnights, an hour is the store's hour. Amounts are fen. The
pick-up, enrollment and stock figures come from :mod:`store_client.services.board_figures`
in the same read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text

from store_client.clock import iso
from store_client.domain.exchanges import CREDIT as EXCHANGE_CREDIT
from store_client.domain.money import BASIS_POINTS, round_half_up
from store_client.persistence.db import Database
from store_client.services import board_figures as more
from store_client.services.board_figures import Enrolled, Freshness, PickupBoard, TillSync
from store_client.services.return_issues import open_issue_count


@dataclass(frozen=True)
class HourBar:
    hour: int  # the store's hour, 0-23
    sales: int
    fen: int
    last_week_fen: int  # the same hour of the same weekday a week before


@dataclass(frozen=True)
class Board:
    day: date
    hours: tuple[HourBar, ...]
    sales: int
    sales_fen: int
    basket_fen: int  # average sale value, rounded half up
    items_per_basket_x100: int  # average lines' quantity per sale ×100 (weighed lines count 1)
    payment_mix: dict[str, int]  # tender kind -> fen (cash net of change)
    returns: int
    returns_fen: int
    return_success_bp: int | None  # completed / (completed + cancelled), basis points
    points_issued: int
    points_redeemed: int
    outbox_waiting: int
    oldest_waiting_at: str | None
    last_contact_at: str | None
    last_week_fen: int = field(default=0)
    now: datetime = field(default=datetime.min.replace(tzinfo=UTC))  # when it was read
    pickup: PickupBoard = field(default=PickupBoard(0, 0, 0, 0, 0, 0))
    enrollments: tuple[Enrolled, ...] = ()
    stock_here: Freshness = field(default=Freshness(0, 0, None))  # this till's positions
    stock_at_hq: Freshness = field(default=Freshness(0, 0, None))  # HQ's, as pulled
    tills: tuple[TillSync, ...] = ()  # this till first, then the store's others as HQ last heard them
    open_issues: int = 0  # HQ's return conflicts and credit overdrafts not resolved yet (F6)

    def tills_behind(self) -> int:
        return sum(till.behind(self.now) for till in self.tills)


def day_bounds(day: date, tz: ZoneInfo) -> tuple[str, str]:
    """The UTC ISO bounds of the store's ``day`` (midnight to midnight, DST-aware)."""
    start = datetime.combine(day, time(0), tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tz)
    return iso(start), iso(end)


def _offset_minutes(day: date, tz: ZoneInfo) -> int:
    offset = datetime.combine(day, time(12), tz).utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def _hours(conn, day: date, tz: ZoneInfo) -> dict[int, tuple[int, int]]:  # type: ignore[no-untyped-def]
    start, end = day_bounds(day, tz)
    rows = conn.execute(text(
        "SELECT CAST(strftime('%H', completed_at, :shift) AS INTEGER) AS h, count(*), coalesce(sum(total_fen), 0) "
        "FROM sales WHERE completed_at >= :start AND completed_at < :end GROUP BY h"),
        {"shift": f"{_offset_minutes(day, tz):+d} minutes", "start": start, "end": end})
    return {int(h): (int(n), int(fen)) for h, n, fen in rows}


def compute(db: Database, *, day: date, tz: ZoneInfo, now: datetime | None = None,
            store_id: str | None = None, terminal_id: str | None = None) -> Board:
    """``now``: for what is overdue and how fresh (default: the system clock);
    ``store_id``: whose pick-up orders (None: every order the till holds);
    ``terminal_id``: this till, whose row among the store's tills is its own."""
    now = now if now is not None else datetime.now(UTC)
    start, end = day_bounds(day, tz)
    window = {"start": start, "end": end}
    with db.read() as s:
        conn = s.connection()
        pickup = more.pickup(conn, store_id=store_id, start=datetime.fromisoformat(start),
                             end=datetime.fromisoformat(end), now=now)
        enrolled = more.enrollments(conn, start=start, end=end)
        stock_here, stock_at_hq = more.stock(conn, now=now)
        tills = more.tills(conn, terminal_id=terminal_id)
        today = _hours(conn, day, tz)
        last_week = _hours(conn, day - timedelta(days=7), tz)
        sales, sales_fen, earned, redeemed = conn.execute(text(
            "SELECT count(*), coalesce(sum(total_fen), 0), coalesce(sum(points_earned), 0), "
            "coalesce(sum(points_redeemed), 0) FROM sales WHERE completed_at >= :start AND completed_at < :end"),
            window).one()
        items = conn.execute(text(
            "SELECT coalesce(sum(CASE WHEN l.unit = 'kg' THEN 1 ELSE l.quantity END), 0) FROM sale_lines l "
            "JOIN sales s ON s.id = l.sale_id WHERE s.completed_at >= :start AND s.completed_at < :end"),
            window).scalar_one()
        # how customers paid: an exchange's credit is goods given back, not a payment
        mix = {kind: int(fen) for kind, fen in conn.execute(text(
            "SELECT t.kind, sum(t.amount_fen) FROM sale_tenders t JOIN sales s ON s.id = t.sale_id "
            "WHERE s.completed_at >= :start AND s.completed_at < :end AND t.kind != :credit GROUP BY t.kind"),
            {**window, "credit": EXCHANGE_CREDIT})}
        change = conn.execute(text(
            "SELECT coalesce(sum(change_fen), 0) FROM sales WHERE completed_at >= :start AND completed_at < :end"),
            window).scalar_one()
        if change:
            mix["cash"] = mix.get("cash", 0) - int(change)
        done, refunded, reversed_points, refunded_points = conn.execute(text(
            "SELECT count(*), coalesce(sum(refund_fen), 0), coalesce(sum(points_reversed), 0), "
            "coalesce(sum(points_refunded), 0) FROM returns WHERE status = 'completed' "
            "AND completed_at >= :start AND completed_at < :end"), window).one()
        cancelled = conn.execute(text(
            "SELECT count(*) FROM returns WHERE status = 'cancelled' AND completed_at >= :start "
            "AND completed_at < :end"), window).scalar_one()
        waiting, oldest = conn.execute(text(
            "SELECT count(*), min(created_at) FROM outbox WHERE status = 'pending'")).one()
        contact = more.last_contact(conn)
        issues = open_issue_count(conn)
    hours = tuple(HourBar(h, *today.get(h, (0, 0)), last_week.get(h, (0, 0))[1]) for h in range(24))
    attempted = int(done) + int(cancelled)
    return Board(
        day=day, hours=hours, sales=int(sales), sales_fen=int(sales_fen),
        basket_fen=round_half_up(int(sales_fen), int(sales)) if sales else 0,
        items_per_basket_x100=round_half_up(int(items) * 100, int(sales)) if sales else 0,
        payment_mix={k: v for k, v in sorted(mix.items()) if v},
        returns=int(done), returns_fen=int(refunded),
        return_success_bp=round_half_up(int(done) * BASIS_POINTS, attempted) if attempted else None,
        points_issued=int(earned) - int(reversed_points), points_redeemed=int(redeemed) - int(refunded_points),
        outbox_waiting=int(waiting), oldest_waiting_at=oldest, last_contact_at=contact,
        last_week_fen=sum(fen for _n, fen in last_week.values()), now=now, pickup=pickup,
        enrollments=enrolled, stock_here=stock_here, stock_at_hq=stock_at_hq, tills=tills, open_issues=issues)
