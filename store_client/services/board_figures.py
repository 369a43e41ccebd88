"""The board's store-operations figures: the pick-up queue, enrollments by associate, stock freshness.

Computed beside the sales figures of :mod:`store_client.services.board`, in the same read,
from what this till holds: HQ's ``online_orders`` rows with this till's pick-up progress,
the audit log's ``member.enrolled`` entries, and the stock positions (this till's
``stock_positions`` and HQ's ``stock_levels`` rows, both dated). Plain SQL and Python, no Qt.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, text

from store_client.clock import parse_iso
from store_client.domain import pickup as pk
from store_client.domain.money import BASIS_POINTS, round_half_up
from store_client.domain.stock import FRESH_FOR
from store_client.services.member_desk import ENROLLED  # the desk writes it when a customer joins
from store_client.services.pickup_rows import DATASET as ORDERS, further

STOCK_LEVELS = "stock_levels"  # as services/stock.py names HQ's dataset
TILLS = "store_tills"  # HQ: each till of the store as it last heard from it
ENROLLMENTS = "store_enrollments"  # HQ: members who joined through the store's links
OUT_OF_TOUCH = timedelta(minutes=15)  # a till not heard from, or an event waiting, this long
TO_PICK = (pk.ACCEPTED, pk.PICKING)


@dataclass(frozen=True)
class PickupBoard:
    to_pick: int  # accepted or picking: the store owes the work
    ready_waiting: int  # ready, the customer not here yet
    overdue: int  # to pick and past the promise
    accepted: int  # orders accepted today (the day's promises)
    ready: int  # of those, made ready (on any till of the store: HQ says when another did)
    ready_within_promise: int

    @property
    def waiting(self) -> int:
        return self.to_pick + self.ready_waiting

    @property
    def within_promise_bp(self) -> int | None:
        """Share of the day's orders made ready that were ready by their promise (basis points)."""
        return round_half_up(self.ready_within_promise * BASIS_POINTS, self.ready) if self.ready else None


@dataclass(frozen=True)
class Enrolled:
    operator_id: str
    name: str
    members: int  # new members who joined through this associate's QR today


@dataclass(frozen=True)
class TillSync:
    """One till of the store: its queue and when HQ last heard from it. This till's row is
    its own live figures; the others' are HQ's ``store_tills`` rows as last pulled."""

    terminal_id: str
    waiting: int | None  # None: the till has not reported its queue
    oldest_waiting_at: datetime | None
    last_contact_at: datetime | None
    this_till: bool

    def behind(self, now: datetime) -> bool:
        """Out of touch (no contact for :data:`OUT_OF_TOUCH`) or an event waiting that long."""
        if self.last_contact_at is None or now - self.last_contact_at > OUT_OF_TOUCH:
            return True
        return self.oldest_waiting_at is not None and now - self.oldest_waiting_at > OUT_OF_TOUCH


@dataclass(frozen=True)
class Freshness:
    """How fresh one source's stock positions are: ``fresh`` of ``positions`` are at most
    :data:`FRESH_FOR` old; ``oldest`` None when there are none (an unreadable time counts stale)."""

    positions: int
    fresh: int
    oldest: datetime | None

    @property
    def fresh_bp(self) -> int | None:
        return round_half_up(self.fresh * BASIS_POINTS, self.positions) if self.positions else None


@dataclass(frozen=True)
class OrderLine:
    """An open pick-up order, for the drill-down list."""

    order_no: str
    member_name: str
    state: str
    promised_at: datetime
    overdue: bool


def _aware(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = parse_iso(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _orders(conn: Connection, store_id: str | None
            ) -> list[tuple[str, str, str, datetime | None, datetime, str, str, datetime | None]]:
    """(order id, effective state, HQ state, accepted, promised, order no, member, made ready)
    of this store; made ready: this till's time if it did, else HQ's (another till did)."""
    local = {order_id: (state, ready_at) for order_id, state, ready_at in conn.execute(text(
        "SELECT order_id, state, ready_at FROM pickup_progress"))}
    found = []
    for key, store, state, accepted, promised, number, member, ready in conn.execute(text(
            "SELECT key, json_extract(data, '$.store_id'), json_extract(data, '$.state'), "
            "json_extract(data, '$.accepted_at'), json_extract(data, '$.promised_at'), "
            "json_extract(data, '$.order_no'), json_extract(data, '$.member.name'), "
            "json_extract(data, '$.ready_at') FROM sync_rows WHERE dataset = :ds"), {"ds": ORDERS}):
        promised_at = _aware(promised)
        if (store_id is not None and store != store_id) or state not in pk.RANK or promised_at is None:
            continue
        mine = local.get(key)
        made_ready = (_aware(mine[1]) if mine and mine[1] else None) or _aware(ready)
        found.append((key, further(state, mine[0] if mine else None), state, _aware(accepted),
                      promised_at, str(number or ""), str(member or ""), made_ready))
    return found


def pickup(conn: Connection, *, store_id: str | None, start: datetime, end: datetime,
           now: datetime) -> PickupBoard:
    to_pick = ready_waiting = overdue = accepted = ready = within = 0
    for _id, state, _hq, accepted_at, promised_at, _no, _member, done in _orders(conn, store_id):
        to_pick += state in TO_PICK
        ready_waiting += state == pk.READY
        overdue += state in TO_PICK and promised_at < now
        if accepted_at is not None and start <= accepted_at < end:
            accepted += 1
            if done is not None:
                ready += 1
                within += done <= promised_at
    return PickupBoard(to_pick, ready_waiting, overdue, accepted, ready, within)


def open_orders(conn: Connection, *, store_id: str | None, now: datetime) -> list[OrderLine]:
    """The orders waiting (to pick, picking, ready): overdue first, then by promise."""
    lines = [OrderLine(number, member, state, promised_at, state in TO_PICK and promised_at < now)
             for _id, state, _hq, _acc, promised_at, number, member, _ready in _orders(conn, store_id)
             if state in (*TO_PICK, pk.READY)]
    return sorted(lines, key=lambda line: (not line.overdue, line.promised_at))


def enrollments(conn: Connection, *, start: str, end: str) -> tuple[Enrolled, ...]:
    """New members per associate today, most first. Two sources, one member counted once:
    what this till's desk heard (the audit log, at once) and HQ's ``store_enrollments``
    rows (every link of the store, the receipts' too, as last pulled). A phone already a
    member that was linked is no enrollment; one whose link named no associate counts under ""."""
    who: dict[str, str] = {}
    for member, operator in conn.execute(text(
            "SELECT target, operator_id FROM audit_log WHERE action = :action AND at >= :start AND at < :end "
            "AND operator_id IS NOT NULL AND coalesce(json_extract(details, '$.linked_existing'), 0) = 0"),
            {"action": ENROLLED, "start": start, "end": end}):
        who.setdefault(str(member), str(operator))
    lo, hi = _aware(start), _aware(end)
    for member, operator, at in conn.execute(text(
            "SELECT key, json_extract(data, '$.associate_id'), json_extract(data, '$.at') FROM sync_rows "
            "WHERE dataset = :ds AND NOT coalesce(json_extract(data, '$.linked_existing'), 0)"),
            {"ds": ENROLLMENTS}):
        moment = _aware(at)
        if moment is not None and lo is not None and hi is not None and lo <= moment < hi:
            who.setdefault(str(member), str(operator or ""))
    counts = Counter(who.values())
    names: dict[str, str] = dict(conn.execute(text("SELECT id, name FROM operators")).all()) if counts else {}
    return tuple(Enrolled(op, str(names.get(op) or op), n)
                 for op, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def last_contact(conn: Connection) -> str | None:
    """When HQ last answered this till: an upload it took or a dataset page it served (an
    idle till uploads nothing for hours, and still pulls every few seconds)."""
    return conn.execute(text(
        "SELECT max(t) FROM (SELECT value AS t FROM sync_state WHERE key = 'last_success_at' "
        "UNION ALL SELECT max(updated_at) FROM sync_cursors WHERE last_error IS NULL)")).scalar()


def tills(conn: Connection, *, terminal_id: str | None) -> tuple[TillSync, ...]:
    """This till (its outbox and last contact) first, then the store's other tills by id."""
    waiting, oldest = conn.execute(text(
        "SELECT count(*), min(created_at) FROM outbox WHERE status = 'pending'")).one()
    mine = TillSync(terminal_id or "", int(waiting), _aware(oldest), _aware(last_contact(conn)), True)
    others = [TillSync(str(key), None if queued is None else int(queued), _aware(first), _aware(heard), False)
              for key, queued, first, heard in conn.execute(text(
                  "SELECT key, json_extract(data, '$.waiting'), json_extract(data, '$.oldest_waiting_at'), "
                  "json_extract(data, '$.last_contact_at') FROM sync_rows WHERE dataset = :ds ORDER BY key"),
                  {"ds": TILLS}) if key != terminal_id]
    return (mine, *others)


def _freshness(stamps: list[object], now: datetime) -> Freshness:
    times = [_aware(stamp) for stamp in stamps]
    known = [t for t in times if t is not None]
    return Freshness(len(times), sum(1 for t in known if now - t <= FRESH_FOR), min(known) if known else None)


def stock(conn: Connection, *, now: datetime) -> tuple[Freshness, Freshness]:
    """(this till's positions, HQ's positions of this store) and how fresh they are at ``now``."""
    here = [row[0] for row in conn.execute(text("SELECT as_of FROM stock_positions"))]
    at_hq = [row[0] for row in conn.execute(text(
        "SELECT json_extract(data, '$.as_of') FROM sync_rows WHERE dataset = :ds"), {"ds": STOCK_LEVELS})]
    return _freshness(here, now), _freshness(at_hq, now)


def stale_positions(conn: Connection, *, now: datetime, limit: int) -> list[tuple[str, str, datetime | None]]:
    """(source "till" | "hq", SKU, as of) of positions older than :data:`FRESH_FOR`, oldest first."""
    cutoff = now - FRESH_FOR
    rows: list[tuple[str, str, datetime | None]] = []
    for source, query in (("till", "SELECT sku, as_of FROM stock_positions"),
                          ("hq", "SELECT key, json_extract(data, '$.as_of') FROM sync_rows WHERE dataset = :ds")):
        for sku, stamp in conn.execute(text(query), {"ds": STOCK_LEVELS}):
            at = _aware(stamp)
            if at is None or at < cutoff:
                rows.append((source, str(sku), at))
    rows.sort(key=lambda row: (row[2] is not None, row[2] or now))
    return rows[:limit]
