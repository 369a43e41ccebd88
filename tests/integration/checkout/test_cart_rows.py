"""The one-row-per-line cart store: every version of a changing cart, saved change by
change (header plus the lines it touched), loads back as exactly that cart; a stale
writer changes nothing; a migrated whole-JSON cart loads as it was."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from store_client.domain.cart import Cart, CartLimits, LineProduct, ManualDiscount
from store_client.domain.catalog import Unit
from store_client.persistence.db import driver
from store_client.persistence.models import CartRow
from store_client.services import cart_store
from store_client.services.cart_store import CartState, TenderEntry
from store_client.services.errors import Conflict

PRODUCTS = [
    LineProduct("SKU1", "洗发水 \"特惠\"", "Shampoo\n2", Unit.EACH, 3990, 1300, "care"),
    LineProduct("SKU2", "香皂", "Soap\\bar", Unit.EACH, 450, 1300, "care"),
    LineProduct("PLU00420", "苹果", "Apple", Unit.KG, 1280, 900, "fruit"),
]
NOW = "2026-12-02T10:00:00+00:00"


def _load(terminal, cart_id: str) -> CartState:  # type: ignore[no-untyped-def]
    with terminal.db.read() as s:
        return cart_store.loads(s.get(CartRow, cart_id), CartLimits())


def _step(cart: Cart, product: int, n: int, action: str) -> Cart:
    live = cart.active_lines
    if action == "add" or not live:
        return cart.add(PRODUCTS[product], n * 250 if PRODUCTS[product].weighed else n)
    target = live[(n * 7) % len(live)]  # anywhere in the cart, not only the last line
    if action == "qty" and not target.product.weighed:
        return cart.set_quantity(target.line_id, n)
    if action == "void":
        return cart.void_line(target.line_id, "wrong item")
    if action == "discount":
        return cart.discount_line(target.line_id, ManualDiscount("damaged", amount_fen=n))
    if action == "override":
        return cart.override_price(target.line_id, 100 * n, "price tag", "M01")
    if action == "coupon":
        return cart.add_coupon(f"CP{n}").discount_cart(ManualDiscount("vip", percent_bp=n))
    return cart


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(1, 5), st.sampled_from(
    ["add", "add", "qty", "void", "discount", "override", "coupon", "tender"])), max_size=40))
def test_every_version_saved_change_by_change_loads_back_exactly(terminal, steps):
    state = CartState.fresh(CartLimits(), NOW)
    with terminal.db.transaction() as s:
        state = cart_store.save(s, state, operator_id="c1", now=NOW)
    for product, n, action in steps:
        if action == "tender":
            new = replace(state, tenders=state.tenders + (TenderEntry(f"t{n}", "cash", n),),
                          next_tender=state.next_tender + 1)
        else:
            new = replace(state, cart=_step(state.cart, product, n, action))
        with terminal.db.transaction() as s:
            state = cart_store.save(s, new, operator_id="c1", now=NOW, previous=state.cart)
        loaded = _load(terminal, state.cart_id)
        assert loaded.cart == state.cart and loaded.cart.next_line_id == state.cart.next_line_id
        assert (loaded.tenders, loaded.next_tender, loaded.version) == (
            state.tenders, state.next_tender, state.version)


def test_a_scan_on_a_long_cart_writes_one_line_row(terminal):
    cart = Cart()
    for n in range(300):
        cart = cart.add(replace(PRODUCTS[0], sku=f"S{n}"), 1)
    with terminal.db.transaction() as s:
        state = cart_store.save(s, CartState.fresh(CartLimits(), NOW), operator_id=None, now=NOW)
        state = cart_store.save(s, replace(state, cart=cart), operator_id=None, now=NOW,
                                previous=state.cart)
    statements: list[str] = []
    with terminal.db.transaction() as s:
        conn = driver(s)  # what SQLite itself runs, whichever layer sends it
        conn.set_trace_callback(statements.append)
        try:
            cart_store.save(s, replace(state, cart=cart.add(PRODUCTS[1], 1)), operator_id=None,
                            now=NOW, previous=cart)
        finally:
            conn.set_trace_callback(None)
    assert len([sql for sql in statements if "cart_lines" in sql]) == 1
    assert len(_load(terminal, state.cart_id).cart.lines) == 301


def test_a_stale_writer_changes_neither_header_nor_lines(terminal):
    cart = Cart().add(PRODUCTS[0], 1)
    with terminal.db.transaction() as s:
        state = cart_store.save(s, CartState("c", cart), operator_id=None, now=NOW)
    with terminal.db.transaction() as s:
        cart_store.save(s, replace(state, cart=cart.set_quantity(1, 5)), operator_id=None,
                        now=NOW, previous=cart)
    with pytest.raises(Conflict), terminal.db.transaction() as s:
        cart_store.save(s, replace(state, cart=cart.set_quantity(1, 9).add(PRODUCTS[1])),
                        operator_id=None, now=NOW, previous=cart)
    assert [ln.quantity for ln in _load(terminal, "c").cart.lines] == [5]


def test_deleting_a_cart_deletes_its_lines(terminal):
    with terminal.db.transaction() as s:
        cart_store.save(s, CartState("c", Cart().add(PRODUCTS[0]).add(PRODUCTS[1])),
                        operator_id=None, now=NOW)
    with terminal.db.transaction() as s:
        cart_store.delete(s, "c")
    with terminal.db.read() as s:
        assert s.scalar(text("SELECT count(*) FROM cart_lines")) == 0


def test_the_migration_splits_a_whole_json_cart_into_line_rows(tmp_path):
    """A cart stored whole by revision 0010 (mid-sale at the upgrade) loads unchanged."""
    from store_client.bootstrap import open_terminal
    from store_client.persistence import migrate
    from store_client.persistence.db import Database
    from tests.conftest import make_config

    config = make_config(tmp_path)
    db = Database(config.database_path)
    migrate.upgrade(db.engine, config.database_path, "0010")
    cart = Cart(member_id="M1").add(PRODUCTS[0], 2).add(PRODUCTS[2], 750).void_line(1, "x")
    whole = json.dumps({"cart": cart.to_dict(), "tenders": [
        {"tender_id": "t1", "kind": "cash", "amount_fen": 100, "reference": None,
         "points": None}], "next_tender": 2}, ensure_ascii=False)
    with db.engine.begin() as conn:
        for cart_id, data in (("c", whole), ("bad", "{not json")):
            conn.exec_driver_sql(
                "INSERT INTO carts (id, status, operator_id, note, data, version, created_at, "
                "updated_at) VALUES (?, 'active', NULL, '', ?, 3, ?, ?)", (cart_id, data, NOW, NOW))
    db.close()
    term = open_terminal(config)
    try:
        loaded = _load(term, "c")
        assert loaded.cart == cart and loaded.version == 3
        assert loaded.tenders == (TenderEntry("t1", "cash", 100),)
        with term.db.read() as s:
            assert s.get(CartRow, "bad").data == "{not json"  # left for the damage check
    finally:
        term.close()
