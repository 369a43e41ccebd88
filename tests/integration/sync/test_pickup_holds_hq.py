"""Other stores' pick-up orders in HQ's stock figures (SQLite and PostgreSQL): what a store's
open pick-up orders hold is published as ``reserved`` in the ``stock_nearby`` rows other
stores see of it, follows the order (picked, substituted, shorted, handed over, cancelled),
and is not available to an endless-aisle order sourced there."""

from __future__ import annotations

import pytest

from sync.hq import aisle as hq_aisle
from sync.hq.orders import OnlineOrders
from sync.hq.service import HQService
from tests.integration.sync.test_hq_orders import base, handover, send, who
from tests.integration.sync.test_stock_nearby_hq import city, nearby, sell

WATER, JUICE, TEA = "100001", "100002", "100003"


def seen_by_s001(hq: HQService, sku: str) -> tuple[int, int]:
    """(on hand, reserved) of S002's ``sku`` as S001's tills receive it."""
    row = nearby(hq, "S001")[f"{sku}|S002"]
    return row["on_hand"], row.get("reserved", 0)


@pytest.fixture
def orders(hq_service: HQService) -> OnlineOrders:
    city(hq_service)  # S001, S002, S003 are neighbours
    sell(hq_service, "S002", 1, (WATER, 10, "receipt"), (JUICE, 5, "receipt"), (TEA, 4, "receipt"))
    return OnlineOrders(hq_service)


def available(hq: HQService, sku: str) -> int:
    with hq.engine.connect() as conn:
        return hq_aisle.available(conn, "S002", sku)


def test_a_pickup_order_held_at_s002_shows_as_reserved_to_s001(orders: OnlineOrders, hq_service: HQService) -> None:
    assert seen_by_s001(hq_service, WATER) == (10, 0)
    placed = orders.place("S002", [{"sku": WATER, "qty": 3}, {"sku": JUICE, "qty": 2}, {"sku": TEA, "qty": 1}],
                          phone="13800001234", allow_substitution=True)
    assert seen_by_s001(hq_service, WATER) == (10, 3)
    assert seen_by_s001(hq_service, JUICE) == (5, 2)
    assert available(hq_service, WATER) == 7  # an endless-aisle order from S002 cannot take it
    assert f"{WATER}|S002" not in nearby(hq_service, "S002")  # a store never sees itself

    t2 = who(hq_service, "S002")
    assert send(hq_service, t2, "pickup.picking_started", base(placed.order_id, "S002"))["status"] == "accepted"
    ready = {**base(placed.order_id, "S002"), "picks": [
        {"line_no": 1, "picked": 3},
        {"line_no": 2, "picked": 0, "short_reason": "out_of_stock"},  # shorted: holds nothing
        {"line_no": 3, "picked": 1, "substitute_sku": JUICE}]}  # the tea's place taken by a juice
    assert send(hq_service, t2, "pickup.ready", ready)["status"] == "accepted"
    assert seen_by_s001(hq_service, WATER) == (10, 3)
    assert seen_by_s001(hq_service, JUICE) == (5, 1)
    assert seen_by_s001(hq_service, TEA) == (4, 0)

    assert send(hq_service, t2, "pickup.handed_over", handover(placed.order_id, store="S002"))["status"] == "accepted"
    assert seen_by_s001(hq_service, WATER) == (7, 0)  # the goods left: on hand down, nothing held
    assert seen_by_s001(hq_service, JUICE) == (4, 0)
    assert available(hq_service, WATER) == 7


def test_a_cancelled_order_releases_its_hold_and_another_stores_order_holds_nothing_here(
        orders: OnlineOrders, hq_service: HQService) -> None:
    placed = orders.place("S002", [{"sku": WATER, "qty": 4}], phone="13800001234")
    orders.place("S001", [{"sku": WATER, "qty": 6}], phone="13800001235")  # S001's own: not S002's stock
    assert seen_by_s001(hq_service, WATER) == (10, 4)
    orders.cancel(placed.order_id)
    assert seen_by_s001(hq_service, WATER) == (10, 0)
    assert available(hq_service, WATER) == 10


def test_holds_beyond_on_hand_leave_nothing_available_never_less(orders: OnlineOrders, hq_service: HQService) -> None:
    orders.place("S002", [{"sku": TEA, "qty": 6}], phone="13800001234")  # more than the 4 on hand
    assert seen_by_s001(hq_service, TEA) == (4, 6)
    assert available(hq_service, TEA) == 0
