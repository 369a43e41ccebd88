"""Endless aisle end to end over HTTP on 127.0.0.1: store A's till sells an item out there,
sourced from store B (whose till received it), HQ makes the online order reserved at B,
the goods arrive, the order is ready in A's pick-up list and is handed over on the code
printed on A's receipt; B's stock moved once, A's not at all."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from store_client.bootstrap import Terminal, build_services, open_terminal
from store_client.clock import FakeClock
from store_client.domain import pins
from store_client.domain.roles import Role
from store_client.domain.stock import Movement, MovementReason
from store_client.persistence.models import Operator
from store_client.services import stock
from store_client.services.auth import Actor
from sync.hq import aisle as hq_aisle
from sync.hq import stock as hq_stock
from sync.hq.demo_data import seed_demo, seed_demo_sites
from sync.hq.embedded import HQServer
from sync.hq.orders import OnlineOrders
from sync.hq.service import HQService
from sync.terminal.puller import Puller
from sync.terminal.transport import HQClient
from sync.terminal.uploader import Uploader
from tests.conftest import make_config

PHONE = "13912348000"
DATASETS = ["catalog", "prices", "online_orders", "store_settings", "stock_levels", "stock_nearby"]


@pytest.fixture
def world(sqlite_hq: HQService, tmp_path: Path) -> Iterator[tuple[HQServer, dict[str, tuple[Terminal, str]]]]:
    seed_demo(sqlite_hq, "S001")
    seed_demo_sites(sqlite_hq)  # S001 and S002 are 2.8 km apart
    server = HQServer(sqlite_hq).start()
    clock = FakeClock()
    tills: dict[str, tuple[Terminal, str]] = {}
    for store in ("S001", "S002"):
        config = make_config(tmp_path / store, store={"store_id": store, "terminal_id": "T01", "name": store})
        tills[store] = (open_terminal(config, clock=clock), sqlite_hq.issue_token(store, "T01"))
    try:
        yield server, tills
    finally:
        for term, _ in tills.values():
            term.close()
        server.stop()


def sync(server: HQServer, till: tuple[Terminal, str]) -> None:
    term, token = till
    with HQClient(server.url, token) as client:
        assert Uploader(term.db, client).upload_pending().rejected == 0
        for name, outcome in Puller(term.db, client, datasets=DATASETS).pull_all().items():
            assert outcome.error is None, (name, outcome.error)


def six_received_at_b(server: HQServer, a: tuple[Terminal, str], b: tuple[Terminal, str]) -> None:
    """Store B receives 6 of 100001; both stores sync, so store A sees them at B."""
    term_b = b[0]
    with term_b.db.transaction() as s:
        stock.record(s, [Movement("100001", 6, MovementReason.RECEIPT, "delivery-b", term_b.clock.now())],
                     store_id="S002", terminal_id="T01", clock=term_b.clock)
    sync(server, b)
    sync(server, a)


def test_sold_in_a_sourced_from_b_ready_in_as_pick_up_list_and_handed_over(world) -> None:  # type: ignore[no-untyped-def]
    server, tills = world
    a, b = tills["S001"], tills["S002"]
    six_received_at_b(server, a, b)

    term_a = a[0]
    with term_a.db.transaction() as s:
        s.add(Operator(id="m1", name="张经理", role="manager", active=True, failed_attempts=0,
                       pin_hash=pins.hash_pin("2468", log2_n=10)))
    services = build_services(term_a)
    manager = Actor("m1", "张经理", Role.MANAGER)
    services.shifts.open_shift(manager, total_fen=0)
    checkout = services.checkout
    sources = {s.site_id: s.available for s in checkout.aisle.sources("100001")}
    assert sources["S002"] == 6
    view = checkout.aisle.add_line(manager, "100001", "S002", 2, "pickup", PHONE)
    view = checkout.add_tender(manager, "cash", view.due_fen)
    done = checkout.complete(manager, cart_id=view.cart_id)
    code = re.search(r"取货码 (\d{6})", done.receipt_text).group(1)  # type: ignore[union-attr]

    sync(server, a)  # the sale and its order reach HQ
    orders = OnlineOrders(server.service)
    listing = orders.listing("S001")
    assert len(listing) == 1 and listing[0]["state"] == "accepted"
    order_id = listing[0]["order_id"]
    with orders.engine.connect() as conn:
        assert hq_aisle.held(conn, "S002", "100001") == 2
        assert hq_stock.on_hand(conn, "S001", "100001") is None  # nothing left A's shelf
    sync(server, a)
    assert services.pickup.queue() == []  # on its way: nothing to pick in A

    hq_aisle.arrived(orders, order_id)  # the transfer reached store A
    sync(server, a)
    queue = services.pickup.queue()
    assert [(q.order_id, q.state) for q in queue] == [(order_id, "ready")]
    services.pickup.hand_over(manager, order_id, code=code, phone4=PHONE[-4:])
    sync(server, a)
    assert orders.get(order_id)["state"] == "collected"
    with orders.engine.connect() as conn:
        assert hq_stock.on_hand(conn, "S002", "100001") == 4  # left B once, on arrival
        assert hq_stock.on_hand(conn, "S001", "100001") is None
        assert hq_aisle.held(conn, "S002", "100001") == 0
    with term_a.db.read() as s:
        moved = s.execute(text("SELECT COUNT(*) FROM stock_movements WHERE sku = '100001'")).scalar()
    assert moved == 0  # A's till never had it on its books
    sync(server, b)
    seen = stock.overview(term_a.db, "100001", clock=term_a.clock, store_id="S001")
    assert [(e.site_id, e.figure.on_hand) for e in seen.nearby] == [("S002", 4)]
    sync(server, a)  # everything again: nothing more happens
    assert len(orders.listing()) == 1 and orders.get(order_id)["state"] == "collected"


def test_a_second_order_beyond_what_is_left_is_flagged_and_the_store_sees_it(world) -> None:  # type: ignore[no-untyped-def]
    server, tills = world
    a, b = tills["S001"], tills["S002"]
    six_received_at_b(server, a, b)
    term_a = a[0]
    with term_a.db.transaction() as s:
        s.add(Operator(id="m1", name="张经理", role="manager", active=True, failed_attempts=0,
                       pin_hash=pins.hash_pin("2468", log2_n=10)))
    services = build_services(term_a)
    manager = Actor("m1", "张经理", Role.MANAGER)
    services.shifts.open_shift(manager, total_fen=0)
    checkout = services.checkout
    for qty in (2, 5):  # no sync between the two: the till's figure still says 6
        view = checkout.aisle.add_line(manager, "100001", "S002", qty, "pickup", PHONE)
        checkout.complete(manager, cart_id=checkout.add_tender(manager, "cash", view.due_fen).cart_id)
    sync(server, a)
    sync(server, a)
    seen = {s.site_id: s.available for s in checkout.aisle.sources("100001")}
    assert seen["S002"] == 4  # HQ publishes what the first order holds there
    from store_client.services.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:  # now the till refuses 5 itself
        checkout.aisle.add_line(manager, "100001", "S002", 5, "pickup", PHONE)
    assert refused.value.code == "aisle.quantity_above_source"
    orders = OnlineOrders(server.service)
    problems = sorted((o["data"]["aisle"]["problem"] or "") for o in orders.listing("S001"))
    assert problems == ["", "source_short"]
    queue = services.pickup.queue()
    assert [q.state for q in queue] == ["aisle_short"]
    assert services.pickup.order(queue[0].order_id).aisle_problem == "source_short"
    from store_client.services.errors import ServiceError

    with pytest.raises(ServiceError) as caught:
        services.pickup.start_picking(manager, queue[0].order_id)
    assert caught.value.code == "aisle.source_short"
    with orders.engine.connect() as conn:
        assert hq_aisle.held(conn, "S002", "100001") == 2
