"""A cart belongs to the operator who started it: the next operator to sign in never
inherits it silently. Without payments it is parked for its owner; with payments taken
it waits for its owner or an explicit, audited take-over."""

from __future__ import annotations

import pytest
from checkout_seed import SHAMPOO, WATER
from sqlalchemy import select

from store_client.domain.roles import Role
from store_client.persistence.models import AuditEntry, Sale
from store_client.services.auth import Actor
from store_client.services.errors import Conflict

OTHER = Actor("c2", "李娜", Role.CASHIER)


@pytest.fixture
def shop2(shop, add_operator):  # type: ignore[no-untyped-def]
    add_operator("c2", "cashier", "2222", name="李娜")
    return shop


def actions(shop, action: str) -> list[tuple[str | None, str, str]]:  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        return [(e.operator_id, e.target, e.details) for e in
                s.scalars(select(AuditEntry).where(AuditEntry.action == action))]


def test_the_next_operator_gets_a_fresh_cart_and_the_sale_is_parked_for_its_owner(shop2) -> None:
    co, c1 = shop2.checkout, shop2.cashier
    co.scan(c1, SHAMPOO)
    started = co.scan(c1, WATER).cart
    view = co.current_cart(OTHER)
    assert view.lines == () and view.cart_id != started.cart_id and view.parked_for == "c1"
    (parked,) = co.parked_carts()
    assert (parked.parked_id, parked.operator_id, parked.lines) == (started.cart_id, "c1", 2)
    assert [(op, target) for op, target, _ in actions(shop2, "sale.parked_for_owner")] == [
        ("c2", started.cart_id)]
    assert co.current_cart(OTHER).parked_for is None  # said once
    back = co.resume(c1, parked.parked_id)  # the owner resumes it: no hand-over
    assert [ln.sku for ln in back.lines] == [ln.sku for ln in started.lines]
    assert actions(shop2, "sale.handed_over") == []


def test_scanning_first_parks_the_others_sale_and_the_scan_goes_to_a_fresh_cart(shop2) -> None:
    co = shop2.checkout
    mine = co.scan(shop2.cashier, SHAMPOO).cart
    outcome = co.scan(OTHER, WATER)
    assert outcome.cart.parked_for == "c1" and outcome.cart.cart_id != mine.cart_id
    assert [ln.sku for ln in outcome.cart.lines] == ["100003"]
    assert [p.parked_id for p in co.parked_carts()] == [mine.cart_id]


def test_resuming_another_operators_parked_sale_is_a_recorded_hand_over(shop2) -> None:
    co = shop2.checkout
    started = co.scan(shop2.cashier, SHAMPOO).cart
    co.current_cart(OTHER)
    co.resume(OTHER, started.cart_id)
    co.add_tender(OTHER, "cash", 10000)
    done = co.complete(OTHER)
    assert [(op, target) for op, target, _ in actions(shop2, "sale.handed_over")] == [
        ("c2", started.cart_id)]
    with shop2.terminal.db.read() as s:
        assert s.get(Sale, done.sale_id).operator_id == "c2"


def test_a_sale_that_took_payments_waits_for_its_owner_or_an_explicit_take_over(shop2) -> None:
    co, c1 = shop2.checkout, shop2.cashier
    co.scan(c1, SHAMPOO)
    paid = co.add_tender(c1, "cash", 2000)
    for attempt in (lambda: co.current_cart(OTHER), lambda: co.scan(OTHER, WATER),
                    lambda: co.add_tender(OTHER, "cash", 9000), lambda: co.complete(OTHER),
                    lambda: co.void_cart(shop2.manager, "not mine"), lambda: co.suspend(OTHER)):
        with pytest.raises(Conflict) as caught:
            attempt()
        assert caught.value.code == "cart.other_operator"
        assert caught.value.params == {"operator": "c1"}  # a manager too: take it over first
    assert co.current_cart(c1) == paid  # nothing changed; its owner carries on
    view = co.take_over(OTHER)
    assert view.cart_id == paid.cart_id and view.paid_fen == 2000
    co.add_tender(OTHER, "cash", view.due_fen)
    done = co.complete(OTHER)
    assert [(op, target) for op, target, _ in actions(shop2, "sale.handed_over")] == [
        ("c2", paid.cart_id)]
    with shop2.terminal.db.read() as s:
        assert s.get(Sale, done.sale_id).operator_id == "c2"


def test_an_empty_cart_is_nobodys_and_no_parking_happens(shop2) -> None:
    co = shop2.checkout
    first = co.current_cart(shop2.cashier)
    view = co.current_cart(OTHER)
    assert view.cart_id == first.cart_id and view.parked_for is None
    assert co.parked_carts() == [] and actions(shop2, "sale.parked_for_owner") == []


def test_the_owner_is_remembered_across_a_restart(shop2) -> None:
    started = shop2.checkout.scan(shop2.cashier, SHAMPOO).cart
    restarted = shop2.reopen()
    assert restarted.current_cart(OTHER).parked_for == "c1"
    assert [p.parked_id for p in restarted.parked_carts()] == [started.cart_id]
