"""The pick-up service on a real terminal database against the reference HQ on 127.0.0.1:
picking, hand-over, bad input refused with its code and nothing written, conflicts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pickup_world import APPLE, CHIPS_EAN, PHONE, WATER_EAN, Till, seed_hq, terminal_at, weight_label
from sqlalchemy import func, select, text

from store_client.clock import FakeClock
from store_client.persistence.models import AuditEntry, OutboxEvent, PickupProgress
from store_client.services.errors import PermissionDenied
from store_client.services.pickup import PickupRefused
from store_client.ui.service_messages import TEXTS
from sync.hq.embedded import HQServer
from sync.hq.orders import OnlineOrders
from sync.hq.service import HQService, make_engine


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HQServer]:
    service = HQService(make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}"))
    seed_hq(service)
    server = HQServer(service).start()
    yield server
    server.stop()
    service.engine.dispose()


@pytest.fixture
def now_clock() -> FakeClock:
    return FakeClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def orders(hq: HQServer) -> OnlineOrders:
    return OnlineOrders(hq.service, code_log2_n=10)


@pytest.fixture
def till(tmp_path: Path, hq: HQServer, now_clock: FakeClock) -> Iterator[Till]:
    term = terminal_at(tmp_path / "t1", now_clock)
    t = Till(term, hq.url, hq.service.issue_token("S001", "T01"))
    yield t
    term.close()


@pytest.fixture
def till2(tmp_path: Path, hq: HQServer, now_clock: FakeClock) -> Iterator[Till]:
    term = terminal_at(tmp_path / "t2", now_clock, "T02")
    t = Till(term, hq.url, hq.service.issue_token("S001", "T02"))
    yield t
    term.close()


def place(orders: OnlineOrders, **kw):  # type: ignore[no-untyped-def]
    items = kw.pop("items", [{"sku": "100001", "qty": 2}, {"sku": "200001", "qty": 1}])
    return orders.place("S001", items, phone=PHONE, member_id="M00000001", member_name="王芳", **kw)


def pick_all(till: Till, order_id: str) -> None:
    p, c = till.pickup, till.cashier
    p.start_picking(c, order_id)
    view = p.order(order_id)
    for line in view.lines:
        code = {"100001": WATER_EAN, "200001": CHIPS_EAN}.get(line.sku)
        if code is None:
            p.pick_quantity(c, order_id, line.line_no, line.qty)
        else:
            for _ in range(line.qty):
                p.scan_pick(c, order_id, code)


def writes(till: Till) -> tuple[int, int, str]:
    """(pick-up events, progress rows, progress content): what a refusal must not change
    (its audit entry, and that entry's own event, are the refusal's only trace)."""
    with till.terminal.db.read() as s:
        rows = s.scalars(select(PickupProgress).order_by(PickupProgress.order_id)).all()
        return (s.scalar(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.kind.like("pickup.%"))), len(rows),
                json.dumps([(r.state, r.picks, r.handover) for r in rows]))


def refusals(till: Till) -> list[str]:
    with till.terminal.db.read() as s:
        return [json.loads(e.details)["code"] for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action == "pickup.refused").order_by(AuditEntry.seq))]


def test_whole_path_place_pick_ready_hand_over_and_hq_shows_collected(till, orders) -> None:
    placed = place(orders)
    till.sync()
    queue = till.pickup.queue()
    assert [(q.order_no, q.state) for q in queue] == [(placed.order_no, "accepted")]
    pick_all(till, placed.order_id)
    till.pickup.mark_ready(till.cashier, placed.order_id)
    till.sync()
    assert orders.get(placed.order_id)["state"] == "ready"
    note = [n for n in orders.notifications(placed.order_id) if n["kind"] == "ready"]
    assert len(note) == 1 and placed.code in note[0]["params"]["text"]
    view = till.pickup.find_by_qr(till.cashier, placed.qr)
    assert view.order_id == placed.order_id and view.state == "ready"
    done = till.pickup.hand_over(till.cashier, placed.order_id, qr=placed.qr)
    assert done.state == "collected" and done.pending_hq
    till.sync()
    assert orders.get(placed.order_id)["state"] == "collected"
    assert till.pickup.order(placed.order_id).pending_hq is False
    assert till.pickup.queue() == []


def test_partial_pick_is_refunded_by_hq_and_weighed_items_count_grams(till, orders) -> None:
    placed = place(orders, items=[{"sku": "100001", "qty": 3}, {"sku": APPLE, "qty": 1000}])
    till.sync()
    p, c = till.pickup, till.cashier
    p.start_picking(c, placed.order_id)
    p.scan_pick(c, placed.order_id, WATER_EAN)
    p.scan_pick(c, placed.order_id, WATER_EAN)
    p.short(c, placed.order_id, 1, "out_of_stock")
    p.scan_pick(c, placed.order_id, weight_label(620))
    result = p.scan_pick(c, placed.order_id, weight_label(380))
    assert result.added == 380 and result.order.lines[1].picked == 1000
    with pytest.raises(PickupRefused) as over:
        p.scan_pick(c, placed.order_id, weight_label(101))  # 10 % over is the most
    assert over.value.code == "pickup.quantity_above_ordered"
    p.mark_ready(c, placed.order_id)
    till.sync()
    order = orders.get(placed.order_id)
    water = order["data"]["lines"][0]
    assert order["refunded_minor"] == water["net_minor"] - (water["net_minor"] * 2 + 1) // 3
    orders.housekeeping()
    assert orders.provider.refunded_total(order["payment_ref"]) == order["refunded_minor"]


def test_proxy_pick_up_by_code_and_a_refusal_at_the_counter(till, orders) -> None:
    placed = place(orders)
    till.sync()
    pick_all(till, placed.order_id)
    till.pickup.mark_ready(till.cashier, placed.order_id)
    view = till.pickup.find_by_code(till.cashier, placed.code, PHONE[-4:])
    assert view.order_id == placed.order_id
    with pytest.raises(PickupRefused) as proxy:
        till.pickup.hand_over(till.cashier, placed.order_id, code=placed.code, phone4=PHONE[-4:],
                              proxy_name="李四")
    assert proxy.value.code == "pickup.proxy_details"
    done = till.pickup.hand_over(till.cashier, placed.order_id, code=placed.code,
                                 phone4=PHONE[-4:], proxy_name="李四", proxy_id_tail="123x",
                                 refused={2: (1, "damaged")})
    assert done.state == "partially_collected"
    till.sync()
    order = orders.get(placed.order_id)
    assert order["state"] == "partially_collected"
    assert order["data"]["handover"]["collector"] == {"proxy": True, "name": "李四",
                                                      "id_tail": "123X"}
    assert order["refunded_minor"] == order["data"]["lines"][1]["net_minor"]


def test_expiry_lists_the_order_for_restocking(till, orders) -> None:
    placed = place(orders)
    till.sync()
    pick_all(till, placed.order_id)
    till.pickup.mark_ready(till.cashier, placed.order_id)
    till.sync()
    orders.now = lambda: datetime.now(UTC) + timedelta(hours=49)
    assert orders.housekeeping()["expired"] == 1
    till.sync()
    assert [(q.order_no, q.state) for q in till.pickup.queue()] == [(placed.order_no, "not_collected")]
    with pytest.raises(PickupRefused) as late:
        till.pickup.find_by_code(till.cashier, placed.code, PHONE[-4:])
    assert late.value.code == "pickup.not_collected"


def test_bad_input_is_refused_with_its_code_audited_and_nothing_written(till, orders) -> None:
    placed = place(orders)
    other = place(orders)
    cancelled = place(orders)
    orders.cancel(cancelled.order_id)
    till.sync()
    p, c = till.pickup, till.cashier
    pick_all(till, placed.order_id)
    p.start_picking(c, other.order_id)
    cases = [
        (lambda: p.scan_pick(c, other.order_id, "6901234567939"), "pickup.not_on_order"),  # chocolate
        (lambda: p.pick_quantity(c, other.order_id, 1, 3), "pickup.quantity_above_ordered"),
        (lambda: p.pick_quantity(c, other.order_id, 9, 1), "pickup.not_on_order"),
        (lambda: p.substitute(c, other.order_id, 1, "100002"), "pickup.substitution_not_allowed"),
        (lambda: p.mark_ready(c, other.order_id), "pickup.not_fully_picked"),
        (lambda: p.find_by_qr(c, other.qr), "pickup.not_ready"),
        (lambda: p.start_picking(c, cancelled.order_id), "pickup.cancelled"),
        (lambda: p.find_by_code(c, "12345", "5678"), "pickup.bad_code_format"),
    ]
    p.mark_ready(c, placed.order_id)
    wrong = "000000" if placed.code != "000000" else "111111"
    keys = {"forged": placed.qr[:-4] + ("AAAA" if not placed.qr.endswith("AAAA") else "BBBB"),
            "malformed": "PQ1.not-a-qr"}
    cases += [
        (lambda: p.find_by_code(c, wrong, PHONE[-4:]), "pickup.wrong_code"),
        (lambda: p.find_by_code(c, placed.code, "0000"), "pickup.wrong_code"),
        (lambda: p.find_by_qr(c, keys["forged"]), "pickup.qr_forged"),
        (lambda: p.find_by_qr(c, keys["malformed"]), "pickup.qr_malformed"),
        (lambda: p.hand_over(c, other.order_id, qr=placed.qr), "pickup.wrong_code"),
        (lambda: p.hand_over(c, placed.order_id, qr=placed.qr, refused={7: (1, "damaged")}),
         "pickup.not_on_order"),
        (lambda: p.hand_over(c, placed.order_id, qr=placed.qr, refused={1: (3, "damaged")}),
         "pickup.quantity_above_ordered"),
    ]
    before = writes(till)
    for call, code in cases:
        with pytest.raises(PickupRefused) as refused:
            call()
        assert refused.value.code == code
        assert code in TEXTS  # its own words on a zh_CN and an en till
        assert writes(till) == before, code
    assert refusals(till) == [code for _call, code in cases]
    p.hand_over(c, placed.order_id, qr=placed.qr)
    with pytest.raises(PickupRefused) as second:
        p.hand_over(c, placed.order_id, qr=placed.qr)
    assert second.value.code == "pickup.already_collected"


def test_expired_and_other_store_qr_are_refused(till, orders, hq, now_clock) -> None:
    placed = place(orders)
    elsewhere = orders.place("S002", [{"sku": "100001", "qty": 1}], phone=PHONE)
    till.sync()
    with pytest.raises(PickupRefused) as other:
        till.pickup.find_by_qr(till.cashier, elsewhere.qr)
    assert other.value.code == "pickup.wrong_store"
    now_clock.advance(hours=49)
    with pytest.raises(PickupRefused) as expired:
        till.pickup.find_by_qr(till.cashier, placed.qr)
    assert expired.value.code == "pickup.qr_expired"


def test_offline_hand_over_then_hq_cancel_lands_on_the_managers_list(till, orders, now_clock) -> None:
    placed = place(orders)
    till.sync()
    pick_all(till, placed.order_id)
    till.pickup.mark_ready(till.cashier, placed.order_id)
    till.sync()
    now_clock.advance(minutes=3)  # the network is down: no sync for three minutes
    done = till.pickup.hand_over(till.cashier, placed.order_id, code=placed.code,
                                 phone4=PHONE[-4:])
    assert done.state == "collected"
    with till.terminal.db.read() as s:
        event = s.scalars(select(OutboxEvent).where(OutboxEvent.kind == "pickup.handed_over")).one()
        assert json.loads(event.payload)["offline"] is True  # no sync success for minutes
    orders.cancel(placed.order_id)  # meanwhile HQ cancelled and refunded
    till.sync()  # the network is back
    conflicts = till.pickup.conflicts()
    assert [(c.order_no, c.code) for c in conflicts] == [(placed.order_no, "pickup.cancelled")]
    assert orders.get(placed.order_id)["state"] == "cancelled"
    with pytest.raises(PermissionDenied):
        till.pickup.resolve_conflict(till.cashier, conflicts[0].event_id, "goods recovered")
    till.pickup.resolve_conflict(till.manager, conflicts[0].event_id, "goods recovered")
    assert till.pickup.conflicts() == []


def test_two_tills_hand_over_the_same_order_exactly_one_stands(till, till2, orders) -> None:
    placed = place(orders)
    till.sync()
    pick_all(till, placed.order_id)
    till.pickup.mark_ready(till.cashier, placed.order_id)
    till.sync()
    till2.sync()
    till.pickup.hand_over(till.cashier, placed.order_id, qr=placed.qr)
    till2.pickup.hand_over(till2.cashier, placed.order_id, code=placed.code, phone4=PHONE[-4:])
    till2.sync()
    till.sync()
    order = orders.get(placed.order_id)
    assert order["state"] == "collected" and order["handed_over_by"] == "T02"
    assert till2.pickup.conflicts() == []
    assert [c.code for c in till.pickup.conflicts()] == ["pickup.already_collected"]
    assert [t["to_state"] for t in orders.transitions(placed.order_id)].count("collected") == 1
    from sync.hq import stock as hq_stock

    with orders.service.engine.connect() as conn:  # the goods left the store once, not twice
        assert (hq_stock.on_hand(conn, "S001", "100001"), hq_stock.on_hand(conn, "S001", "200001")) == (-2, -1)


def test_the_pick_up_slip_prints_after_the_hand_over_and_a_printer_fault_undoes_nothing(
        till, orders) -> None:
    from printers.profile import PrinterProfile
    from printers.queue import PrintQueue
    from store_client.persistence.models import PrintJob

    queue = PrintQueue(till.terminal.db, lambda: None, till.terminal.clock,  # worker not started
                       profile=PrinterProfile("TM-T88V"))
    till.pickup._print_queue = queue
    first, second = place(orders), place(orders)
    till.sync()
    for order in (first, second):
        pick_all(till, order.order_id)
        till.pickup.mark_ready(till.cashier, order.order_id)
    till.pickup.hand_over(till.cashier, first.order_id, code=first.code, phone4=PHONE[-4:])
    with till.terminal.db.read() as s:
        jobs = [(j.kind, j.title) for j in s.scalars(select(PrintJob))]
    assert jobs == [("pickup", f"pickup {first.order_no}")]

    class Broken:
        def submit(self, *_a, **_k):  # type: ignore[no-untyped-def]
            raise OSError("printer on fire")

    till.pickup._print_queue = Broken()
    assert till.pickup.hand_over(till.cashier, second.order_id, qr=second.qr).state == "collected"
    assert till.pickup.order(second.order_id).state == "collected"


def test_a_till_can_go_on_picking_an_order_another_till_started(till, till2, orders) -> None:
    placed = place(orders)
    till.sync()
    till.pickup.start_picking(till.cashier, placed.order_id)
    till.sync()
    till2.sync()  # HQ says picking; this till has no progress of its own
    assert till2.pickup.order(placed.order_id).state == "picking"
    pick_all(till2, placed.order_id)
    till2.pickup.mark_ready(till2.cashier, placed.order_id)
    till2.sync()
    assert orders.get(placed.order_id)["state"] == "ready"


def test_the_stores_pick_up_figures(till, orders, now_clock) -> None:
    on_time, late, expired, untouched = (place(orders) for _ in range(4))
    till.sync()
    since = now_clock.now() - timedelta(minutes=5)
    pick_all(till, on_time.order_id)
    now_clock.advance(minutes=20)
    till.pickup.mark_ready(till.cashier, on_time.order_id)
    pick_all(till, late.order_id)
    now_clock.advance(minutes=70)  # past the 60-minute promise
    till.pickup.mark_ready(till.cashier, late.order_id)
    pick_all(till, expired.order_id)
    till.pickup.mark_ready(till.cashier, expired.order_id)
    till.pickup.find_by_qr(till.cashier, on_time.qr)  # the customer shows the QR ...
    now_clock.advance(seconds=90)
    till.pickup.find_by_qr(till.cashier, on_time.qr)  # (scanned again: the first showing counts)
    now_clock.advance(seconds=30)
    till.pickup.hand_over(till.cashier, on_time.order_id, qr=on_time.qr)  # ... 2 minutes later
    till.sync()
    orders.now = lambda: datetime.now(UTC) + timedelta(hours=49)
    orders.housekeeping()  # 'late' and 'expired' were never collected
    till.sync()
    figures = till.pickup.figures(since)
    assert (figures.orders, figures.ready, figures.ready_within_promise) == (4, 3, 1)
    assert figures.share_ready_within_promise == pytest.approx(1 / 3)
    assert (figures.collected, figures.not_collected) == (1, 2)
    assert figures.collection_rate == pytest.approx(1 / 3)
    assert timedelta(minutes=19) < figures.median_order_to_ready < timedelta(minutes=95)
    assert figures.median_counter_wait == timedelta(minutes=2)
    assert till.pickup.figures(now_clock.now() + timedelta(days=1)).orders == 0
    assert untouched.order_id  # accepted, never picked: counted as an order, not as ready


def test_the_pick_list_groups_lines_by_category_and_ends_with_the_bag_label(till, orders) -> None:
    from printers import text_render
    from printers.profile import PrinterProfile
    from printers.queue import PrintQueue
    from store_client.persistence.models import PrintJob
    from store_client.services.pickup_print import pick_list_and_label

    placed = place(orders, items=[{"sku": "200001", "qty": 1}, {"sku": APPLE, "qty": 500},
                                  {"sku": "100001", "qty": 2}])
    till.sync()
    with pytest.raises(PickupRefused) as none:
        till.pickup.print_pick_list(till.cashier, placed.order_id)
    assert none.value.code == "pickup.no_printer"
    order = till.pickup.order(placed.order_id)
    assert [line.category for line in order.lines] == ["DRINK", "FRESH", "SNACK"]
    text = text_render.render(pick_list_and_label(order, store_id="S001", operator="c1",
                                                  printed_at=datetime.now(UTC)))
    assert text.index("[DRINK]") < text.index("[FRESH]") < text.index("[SNACK]")
    assert "500 g" in text and text.count(placed.order_no) >= 2  # the list and the bag label
    till.pickup._print_queue = PrintQueue(till.terminal.db, lambda: None, till.terminal.clock,
                                          profile=PrinterProfile("TM-T88V"))
    assert till.pickup.print_pick_list(till.cashier, placed.order_id) is not None
    with till.terminal.db.read() as s:
        assert [j.title for j in s.scalars(select(PrintJob))] == [f"pick list {placed.order_no}"]


def test_the_hand_over_says_whether_the_till_was_offline(till, orders, now_clock) -> None:
    from sync.terminal.puller import Puller
    from sync.terminal.transport import HQClient

    first, second = place(orders), place(orders)
    till.sync()
    for order in (first, second):
        pick_all(till, order.order_id)
        till.pickup.mark_ready(till.cashier, order.order_id)
    till.sync()
    now_clock.advance(minutes=3)
    with HQClient(till.url, till.token) as client:  # only the orders pulled, nothing uploaded
        Puller(till.terminal.db, client, datasets=["online_orders"], clock=now_clock).pull_all()
    till.pickup.hand_over(till.cashier, first.order_id, qr=first.qr)
    now_clock.advance(minutes=3)  # then nothing from HQ for three minutes
    till.pickup.hand_over(till.cashier, second.order_id, qr=second.qr)
    with till.terminal.db.read() as s:
        flags = [json.loads(e.payload)["offline"] for e in s.scalars(
            select(OutboxEvent).where(OutboxEvent.kind == "pickup.handed_over")
            .order_by(OutboxEvent.seq))]
    assert flags == [False, True]


def test_a_hand_over_takes_what_the_customer_took_off_the_stock_here_and_at_hq_once(till, orders) -> None:
    from sync.hq import stock as hq_stock

    placed = place(orders, items=[{"sku": "100001", "qty": 3}, {"sku": "200001", "qty": 2}])
    till.sync()
    pick_all(till, placed.order_id)
    till.pickup.mark_ready(till.cashier, placed.order_id)
    # the customer gives one bag of chips back at the counter: it stays in the store's stock
    till.pickup.hand_over(till.cashier, placed.order_id, qr=placed.qr, refused={2: (1, "damaged")})
    with pytest.raises(PickupRefused):  # a second hand-over of the same order moves nothing
        till.pickup.hand_over(till.cashier, placed.order_id, qr=placed.qr)
    with till.terminal.db.read() as s:
        moved = s.execute(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.kind == "stock.moved")).scalar()
        positions = dict(s.execute(text("SELECT sku, on_hand FROM stock_positions")).all())
        refs = s.execute(text("SELECT DISTINCT ref, reason FROM stock_movements")).all()
    assert positions == {"100001": -3, "200001": -1}
    assert moved == 0  # HQ moves its stock from the hand-over event it accepts, as with sales
    assert refs == [(f"pickup:{placed.order_id}", "pickup")]
    till.sync()
    with orders.service.engine.connect() as conn:  # type: ignore[attr-defined]
        assert hq_stock.on_hand(conn, "S001", "100001") == -3
        assert hq_stock.on_hand(conn, "S001", "200001") == -1


def test_open_orders_hold_their_goods_until_handed_over(till, orders) -> None:
    from store_client.services import stock

    def held(sku: str) -> int:
        with till.terminal.db.read() as s:
            return stock.pickup_reserved(s, sku, "S001")

    first = place(orders, items=[{"sku": "100001", "qty": 3}, {"sku": "200001", "qty": 2}])
    second = place(orders, items=[{"sku": "100001", "qty": 1}])
    elsewhere = orders.place("S002", [{"sku": "100001", "qty": 5}], phone=PHONE, member_id="M00000001",
                             member_name="王芳")
    till.sync()
    assert (held("100001"), held("200001"), held("999999")) == (4, 2, 0)  # S002's order is not ours
    p, c = till.pickup, till.cashier
    p.start_picking(c, first.order_id)
    p.scan_pick(c, first.order_id, WATER_EAN)
    p.short(c, first.order_id, 1, "out_of_stock")  # 1 of 3 found: the other 2 are not held
    assert held("100001") == 2
    p.scan_pick(c, first.order_id, CHIPS_EAN)
    p.scan_pick(c, first.order_id, CHIPS_EAN)
    p.mark_ready(c, first.order_id)
    assert held("200001") == 2  # ready: still held until the customer takes it
    p.hand_over(c, first.order_id, qr=first.qr)
    assert (held("100001"), held("200001")) == (1, 0)
    orders.cancel(second.order_id, "customer")  # cancelled online: its goods are free again
    till.sync()
    assert held("100001") == 0
    assert elsewhere.order_id  # placed for another store: never counted here
