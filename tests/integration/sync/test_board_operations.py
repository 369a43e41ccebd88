"""The board's store-operations figures against sums computed directly from the rows, with the
pick-ups and enrollments made through the services against the reference HQ on 127.0.0.1:
the pick-up queue (waiting, overdue, ready within the promise), enrollments by associate,
stock freshness; and the lists under them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pickup_world import Till, seed_hq, terminal_at
from sqlalchemy import text, update
from test_member_enrollment_terminal import phone_joins
from test_member_enrollment_terminal import service as enrollment_service

from store_client.clock import FakeClock, SystemClock, iso
from store_client.domain.roles import Role
from store_client.persistence.models import SyncRow
from store_client.services import board_lists
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer
from store_client.services.board import compute, day_bounds
from store_client.services.catalog import CatalogService
from store_client.services.member_desk import MemberDesk
from store_client.services.stock import record
from store_client.domain.stock import Movement, MovementReason
from sync.hq.app import create_app
from sync.hq.embedded import HQServer
from sync.hq import order_tables as ot
from sync.hq.orders import OnlineOrders
from sync.hq.service import HQService, make_engine
from test_pickup_service import pick_all, place

SHANGHAI = ZoneInfo("Asia/Shanghai")
EFFECTIVE = """CASE WHEN json_extract(r.data, '$.state') IN ('collected', 'partially_collected', 'cancelled',
                    'not_collected') OR p.state IS NULL THEN json_extract(r.data, '$.state')
               WHEN (CASE p.state WHEN 'accepted' THEN 1 WHEN 'picking' THEN 2 WHEN 'ready' THEN 3 ELSE 4 END)
                  > (CASE json_extract(r.data, '$.state') WHEN 'placed' THEN 0 WHEN 'accepted' THEN 1
                     WHEN 'picking' THEN 2 WHEN 'ready' THEN 3 ELSE 4 END) THEN p.state
               ELSE json_extract(r.data, '$.state') END"""
ORDERS = "FROM sync_rows r LEFT JOIN pickup_progress p ON p.order_id = r.key WHERE r.dataset = 'online_orders'"


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HQServer]:
    service = HQService(make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}"))
    seed_hq(service)
    server = HQServer(service, app=create_app(service, show_codes=True)).start()
    yield server
    server.stop()
    service.engine.dispose()


@pytest.fixture
def now_clock() -> FakeClock:
    return FakeClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def till(tmp_path: Path, hq: HQServer, now_clock: FakeClock) -> Iterator[Till]:
    term = terminal_at(tmp_path / "t1", now_clock)
    t = Till(term, hq.url, hq.service.issue_token("S001", "T01"))
    yield t
    term.close()


def scalar(till: Till, sql: str, **params: object) -> object:
    with till.terminal.db.read() as s:
        return s.execute(text(sql), params).scalar_one()


def test_the_pick_up_queue_on_the_board_adds_up_to_the_rows(till, hq, now_clock) -> None:
    orders = OnlineOrders(hq.service, code_log2_n=10)
    on_time, late, handed, untouched, picking = (place(orders) for _ in range(5))
    till.sync()
    pick_all(till, on_time.order_id)
    now_clock.advance(minutes=20)
    till.pickup.mark_ready(till.cashier, on_time.order_id)  # ready within the 60-minute promise
    pick_all(till, handed.order_id)
    till.pickup.mark_ready(till.cashier, handed.order_id)
    till.pickup.hand_over(till.cashier, handed.order_id, qr=handed.qr)
    till.pickup.start_picking(till.cashier, picking.order_id)
    pick_all(till, late.order_id)
    now_clock.advance(minutes=70)  # past the promise: 'untouched' and 'picking' are overdue now
    till.pickup.mark_ready(till.cashier, late.order_id)
    till.sync()
    now = now_clock.now()
    accepted = datetime.fromisoformat(str(scalar(
        till, f"SELECT min(json_extract(r.data, '$.accepted_at')) {ORDERS}")))
    day = accepted.astimezone(SHANGHAI).date()
    board = compute(till.terminal.db, day=day, tz=SHANGHAI, now=now, store_id="S001")
    start, end = day_bounds(day, SHANGHAI)

    to_pick = scalar(till, f"SELECT count(*) {ORDERS} AND {EFFECTIVE} IN ('accepted', 'picking')")
    ready = scalar(till, f"SELECT count(*) {ORDERS} AND {EFFECTIVE} = 'ready'")
    overdue = scalar(till, f"SELECT count(*) {ORDERS} AND {EFFECTIVE} IN ('accepted', 'picking') "
                           "AND julianday(json_extract(r.data, '$.promised_at')) < julianday(:now)", now=iso(now))
    in_day = ("AND julianday(json_extract(r.data, '$.accepted_at')) >= julianday(:start) "
              "AND julianday(json_extract(r.data, '$.accepted_at')) < julianday(:end)")
    made_ready = scalar(till, f"SELECT count(*) {ORDERS} AND p.ready_at IS NOT NULL {in_day}", start=start, end=end)
    within = scalar(till, f"SELECT count(*) {ORDERS} AND p.ready_at IS NOT NULL {in_day} AND "
                          "julianday(p.ready_at) <= julianday(json_extract(r.data, '$.promised_at'))",
                    start=start, end=end)
    p = board.pickup
    assert (p.to_pick, p.ready_waiting, p.overdue, p.ready, p.ready_within_promise) == (
        to_pick, ready, overdue, made_ready, within)
    assert (p.to_pick, p.ready_waiting, p.overdue, p.ready, p.ready_within_promise) == (2, 2, 2, 3, 2)
    assert p.waiting == 4 and p.within_promise_bp == 6_667 and p.accepted == 5
    listed = board_lists.pickup_orders(till.terminal.db, store_id="S001", now=now)
    assert [o.overdue for o in listed] == [True, True, False, False]  # overdue first
    assert {o.order_no for o in listed if o.overdue} == {untouched.order_no, picking.order_no}
    assert compute(till.terminal.db, day=day, tz=SHANGHAI, now=now, store_id="S002").pickup.waiting == 0


def test_enrollments_by_associate_are_the_new_members_each_associate_s_qr_brought(terminal, hq,
                                                                                   add_operator) -> None:
    add_operator("2001", "associate", "2468", name="张伟")
    add_operator("1001", "cashier", "1357", name="王芳")
    db, clock = terminal.db, SystemClock()
    token = hq.service.issue_token("S001", "T01")
    enrol = enrollment_service(terminal, hq.url, token)
    audit = AuditLog(clock)
    desk = MemberDesk(db, clock, audit, Authorizer(db, audit, clock), CatalogService(db), client=None,
                      enrollment=lambda: enrol)
    associate, cashier = Actor("2001", "张伟", Role.ASSOCIATE), Actor("1001", "王芳", Role.CASHIER)
    for actor, phone in ((associate, "13800000001"), (associate, "13800000002"), (cashier, "13800000003"),
                         (cashier, "13800000001")):  # the last one is a member already: linked, no enrollment
        offer = desk.offer_enrollment(actor, None)
        assert desk.enrollment_done(offer.nonce, actor) is None
        phone_joins(offer.url, phone)
        assert desk.enrollment_done(offer.nonce, actor) is not None
        desk.enrollment_done(offer.nonce, actor)  # heard twice: still one member
    today = clock.now().astimezone(SHANGHAI).date()
    board = compute(db, day=today, tz=SHANGHAI)
    start, end = day_bounds(today, SHANGHAI)
    with db.read() as s:
        direct = dict(s.execute(text(
            "SELECT operator_id, count(DISTINCT target) FROM audit_log WHERE action = 'member.enrolled' "
            "AND at >= :start AND at < :end AND json_extract(details, '$.linked_existing') = 0 "
            "GROUP BY operator_id"), {"start": start, "end": end}).all())
    assert {e.operator_id: e.members for e in board.enrollments} == direct == {"2001": 2, "1001": 1}
    assert [e.operator_id for e in board.enrollments] == ["2001", "1001"]  # most first


def test_stock_freshness_counts_the_positions_younger_than_ten_minutes(terminal) -> None:
    now = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    with terminal.db.transaction() as s:
        for n, age in enumerate((1, 5, 10, 11, 300)):  # minutes: 10 is still fresh, 11 is not
            record(s, [Movement(f"SKU{n}", 5, MovementReason.RECEIPT, f"recv-{n}", now - timedelta(minutes=age))],
                   store_id="S001", terminal_id="T01", event=False)
            s.merge(SyncRow(dataset="stock_levels", key=f"SKU{n}", data=json.dumps(
                {"sku": f"SKU{n}", "on_hand": 5, "as_of": iso(now - timedelta(minutes=age * 2))})))
        s.merge(SyncRow(dataset="stock_levels", key="BAD", data=json.dumps({"sku": "BAD", "on_hand": 1,
                                                                             "as_of": "yesterday"})))
    board = compute(terminal.db, day=now.astimezone(SHANGHAI).date(), tz=SHANGHAI, now=now)
    with terminal.db.read() as s:
        cutoff = iso(now - timedelta(minutes=10))
        here = s.execute(text("SELECT count(*), sum(as_of >= :c), min(as_of) FROM stock_positions"),
                         {"c": cutoff}).one()
        hq_rows = s.execute(text(
            "SELECT count(*), sum(CASE WHEN julianday(json_extract(data, '$.as_of')) >= julianday(:c) THEN 1 "
            "ELSE 0 END) FROM sync_rows WHERE dataset = 'stock_levels'"), {"c": cutoff}).one()
    assert (board.stock_here.positions, board.stock_here.fresh) == (here[0], here[1]) == (5, 3)
    assert board.stock_here.oldest == datetime.fromisoformat(here[2]) == now - timedelta(minutes=300)
    assert (board.stock_at_hq.positions, board.stock_at_hq.fresh) == tuple(hq_rows) == (6, 2)  # 2 and 10 min
    assert board.stock_at_hq.fresh_bp == 3_333
    stale = board_lists.stale_stock(terminal.db, now=now)
    assert stale[0].sku == "BAD" and stale[0].as_of is None  # unreadable first: it may be anything
    assert len(stale) == (5 - 3) + (6 - 2)


def test_an_order_made_ready_on_another_till_counts_on_this_till_s_board(tmp_path, till, hq, now_clock) -> None:
    """HQ publishes when an order was made ready (when HQ heard it from the till that did), so
    the share ready within the promise is the store's, not only what this till did."""
    other_term = terminal_at(tmp_path / "t2", now_clock, "T02")
    try:
        other = Till(other_term, hq.url, hq.service.issue_token("S001", "T02"))
        orders = OnlineOrders(hq.service, code_log2_n=10)
        in_time, late = place(orders), place(orders)
        other.sync()
        pick_all(other, in_time.order_id)
        now_clock.advance(minutes=20)
        other.pickup.mark_ready(other.cashier, in_time.order_id)
        pick_all(other, late.order_id)
        with hq.service.engine.begin() as conn:  # its promise passed before HQ hears it is ready
            conn.execute(update(ot.orders).where(ot.orders.c.order_id == late.order_id).values(
                promised_at=iso(datetime.now(UTC) - timedelta(minutes=1))))
        other.pickup.mark_ready(other.cashier, late.order_id)
        other.sync()
        till.sync()  # T01 made nothing ready itself
        assert scalar(till, "SELECT count(*) FROM pickup_progress WHERE ready_at IS NOT NULL") == 0
        accepted = datetime.fromisoformat(str(scalar(
            till, f"SELECT min(json_extract(r.data, '$.accepted_at')) {ORDERS}")))
        board = compute(till.terminal.db, day=accepted.astimezone(SHANGHAI).date(), tz=SHANGHAI,
                        now=now_clock.now(), store_id="S001")
        assert (board.pickup.accepted, board.pickup.ready, board.pickup.ready_within_promise) == (2, 2, 1)
        assert board.pickup.ready_waiting == 2
    finally:
        other_term.close()
