"""Resolving a flagged endless-aisle order at the till, end to end over HTTP on 127.0.0.1:
store A sells 5 from store B, which has not got them (the till's figure was old): the order is
flagged on A's Pick-up list; the associate re-sources it from the warehouse (or cancels it
and HQ owes the refund), exactly once, and hostile attempts are refused and write nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from store_client.bootstrap import build_services
from store_client.domain import pins
from store_client.domain.roles import Role
from store_client.domain.stock import Movement, MovementReason
from store_client.persistence.models import AisleResolution, AuditEntry, Operator, OutboxEvent
from store_client.services import stock
from store_client.services.aisle_resolution import ResolutionRefused
from store_client.services.auth import Actor
from store_client.services.errors import ServiceError
from sync.hq import aisle as hq_aisle
from sync.hq.orders import OnlineOrders
from tests.integration.sync.test_aisle_e2e import PHONE, six_received_at_b, sync, world  # noqa: F401

MANAGER = Actor("m1", "张经理", Role.MANAGER)


@pytest.fixture
def flagged(world):  # type: ignore[no-untyped-def]  # noqa: F811
    server, tills = world
    a, b = tills["S001"], tills["S002"]
    six_received_at_b(server, a, b)
    term_a = a[0]
    with term_a.db.transaction() as s:
        s.add(Operator(id="m1", name="张经理", role="manager", active=True, failed_attempts=0,
                       pin_hash=pins.hash_pin("2468", log2_n=10)))
    services = build_services(term_a)
    services.shifts.open_shift(MANAGER, total_fen=0)
    checkout = services.checkout
    for qty in (2, 5):  # no sync between the two: the second does not fit at S002
        view = checkout.aisle.add_line(MANAGER, "100001", "S002", qty, "pickup", PHONE)
        checkout.complete(MANAGER, cart_id=checkout.add_tender(MANAGER, "cash", view.due_fen).cart_id)
    sync(server, a)
    sync(server, a)
    (item,) = services.pickup.queue()
    assert item.state == "aisle_short"
    return server, a, services, item.order_id


def events(term, kind: str) -> int:  # type: ignore[no-untyped-def]
    with term.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.kind == kind)) or 0)


def test_resourced_from_the_warehouse_once(flagged) -> None:  # type: ignore[no-untyped-def]
    server, a, services, order_id = flagged
    term = a[0]
    resolution = services.pickup.aisle_resolution
    options = {o.site_id: o for o in resolution.alternatives(MANAGER, order_id)}
    assert options["W01"].enough and not options["S002"].enough  # S002 has 4 left for 5 wanted
    with pytest.raises(ResolutionRefused) as short:
        resolution.resource(MANAGER, order_id, "S002")
    assert short.value.code == "aisle.source_empty"
    with pytest.raises(ResolutionRefused) as unknown:
        resolution.resource(MANAGER, order_id, "S999")
    assert unknown.value.code == "aisle.unknown_source"
    chosen = resolution.resource(MANAGER, order_id, "W01")
    assert chosen.kind == "warehouse"
    assert services.pickup.queue() == []  # dealt with: off this till's list at once
    with pytest.raises(ResolutionRefused) as twice:
        resolution.resource(MANAGER, order_id, "W01")
    assert twice.value.code == "aisle.resolved"
    with pytest.raises(ResolutionRefused):
        resolution.cancel(MANAGER, order_id, "顾客改主意了")
    assert events(term, "aisle.resourced") == 1 and events(term, "aisle.cancelled") == 0

    sync(server, a)  # HQ accepts it (the uploader asserts nothing was rejected)
    orders = OnlineOrders(server.service)
    order = orders.get(order_id)
    assert (order["data"]["aisle"]["problem"], order["data"]["aisle"]["source_site_id"]) == (None, "W01")
    with orders.engine.connect() as conn:
        assert hq_aisle.held(conn, "W01", "100001") == 5
    assert services.pickup.queue() == []
    hq_aisle.arrived(orders, order_id)
    sync(server, a)
    assert [(q.order_id, q.state) for q in services.pickup.queue()] == [(order_id, "ready")]
    with term.db.read() as s:
        actions = [a_ for (a_,) in s.execute(select(AuditEntry.action).where(
            AuditEntry.action.in_(("aisle.resourced", "aisle.refused"))))]
    assert actions.count("aisle.resourced") == 1 and actions.count("aisle.refused") >= 3


def test_cancelled_and_refunded_once(flagged) -> None:  # type: ignore[no-untyped-def]
    server, a, services, order_id = flagged
    term = a[0]
    resolution = services.pickup.aisle_resolution
    with pytest.raises(ResolutionRefused) as no_reason:
        resolution.cancel(MANAGER, order_id, " ")
    assert no_reason.value.code == "aisle.bad_reason"
    with pytest.raises(ResolutionRefused) as stranger:
        resolution.cancel(MANAGER, "5d0f3a52-7a8e-4d7e-9a51-3f4c4b0a1c11", "来源缺货")
    assert stranger.value.code == "aisle.unknown_order"
    with term.db.read() as s:
        assert s.scalar(select(func.count()).select_from(AisleResolution)) == 0  # refusals wrote nothing
    refund = resolution.cancel(MANAGER, order_id, "来源缺货，顾客同意退款")
    assert refund > 0
    with pytest.raises(ServiceError):
        resolution.cancel(MANAGER, order_id, "来源缺货，顾客同意退款")  # twice
    sync(server, a)
    orders = OnlineOrders(server.service)
    order = orders.get(order_id)
    assert (order["state"], order["refunded_minor"]) == ("cancelled", refund)
    assert orders.refunds(order_id) == []  # paid in cash: paid back from the drawer (test_aisle_cash_e2e.py)
    sync(server, a)
    assert services.pickup.queue() == []
    assert events(term, "aisle.cancelled") == 1
