"""The checkout's line views are rebuilt only where a line or its pricing changed, and are
always what a fresh build gives (the screen tells unchanged rows by identity)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from store_client.domain.cart import Cart, LineProduct, ManualDiscount
from store_client.domain.catalog import Unit
from store_client.domain.pricing import PromotionBook
from store_client.domain.promotions import PercentOff, Scope, Threshold
from store_client.domain.repricing import Repricer
from store_client.services.checkout_views import LineViews
from tests.unit.test_pricing_properties import NOW

PRODUCTS = [LineProduct(f"S{n}", f"品{n}", f"P{n}", Unit.EACH, 500 + 37 * n, (1300, 900)[n % 2],
                        f"c{n % 3}") for n in range(12)]
BOOK = PromotionBook([PercentOff(id="P", percent_bp=1000, scope=Scope(categories=frozenset({"c1"}))),
                      Threshold(id="T", threshold_fen=3000, amount_fen=300,
                                scope=Scope(categories=frozenset({"c2"})))])


def build(views: LineViews, repricer: Repricer, cart: Cart) -> tuple:
    return views.build(repricer.price(cart, BOOK, now=NOW).lines, cart)


def test_a_scan_builds_one_view_and_keeps_the_others() -> None:
    views, repricer, cart = LineViews(), Repricer(), Cart()
    for n in range(8):
        cart = cart.add(PRODUCTS[n], 1)
    before = build(views, repricer, cart)
    assert build(views, repricer, cart) is before  # nothing changed: the same tuple
    cart = cart.add(PRODUCTS[0], 1, merge=False)  # a scan: c0 is in no promotion
    after = build(views, repricer, cart)
    assert len(after) == 9 and all(a is b for a, b in zip(after, before))
    cart = cart.void_line(cart.lines[2].line_id, "r")  # rows below move up a place
    voided = build(views, repricer, cart)
    kept = [v for v in after if v.line_id != str(cart.lines[2].line_id)]
    assert [v.line_id for v in voided] == [v.line_id for v in kept]
    assert sum(a is b for a, b in zip(voided, kept)) >= 6  # found again by their line objects


@settings(max_examples=120, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["add", "qty", "void", "discount"]),
                          st.integers(0, 11), st.integers(1, 5)), max_size=30))
def test_kept_views_are_always_what_a_fresh_build_gives(steps) -> None:
    views, repricer, cart = LineViews(), Repricer(), Cart()
    for kind, n, qty in steps:
        live = cart.active_lines
        if kind == "add" or not live:
            cart = cart.add(PRODUCTS[n], qty, merge=bool(n % 2))
        elif kind == "qty":
            cart = cart.set_quantity(live[n % len(live)].line_id, qty)
        elif kind == "void":
            cart = cart.void_line(live[n % len(live)].line_id, "r")
        else:
            cart = cart.discount_line(live[n % len(live)].line_id, ManualDiscount("r", amount_fen=qty))
        kept = build(views, repricer, cart)
        assert kept == LineViews().build(repricer.price(cart, BOOK, now=NOW).lines, cart)


def test_many_views_built_at_once_are_what_one_by_one_builds() -> None:
    """A storewide threshold moves every line's split at each scan: past a few lines the
    views are built in C loops, and must be exactly the views built one by one (figures,
    names, unit, the discounts as priced, a price override marked)."""
    from store_client.services.checkout_views import LineView

    book = PromotionBook([PercentOff(id="P", percent_bp=500),
                          Threshold(id="ALL", threshold_fen=2000, amount_fen=150, repeat=True)])
    weighed = LineProduct("W1", "散装米", "Rice", Unit.KG, 800, 900, "c0")
    views, repricer, cart = LineViews(), Repricer(), Cart()
    for n in range(40):
        cart = cart.add(PRODUCTS[n % 12], 1 + n % 3, merge=False)
    cart = cart.add(weighed, 1250)
    cart = cart.override_price(cart.lines[5].line_id, 333, "r")
    for _scan in range(3):
        priced = repricer.price(cart, book, now=NOW)
        built = views.build(priced.lines, cart)
        one_by_one = tuple(LineViews()._one(p, line) for p, line in zip(priced.lines,
                                                                        cart.active_lines))
        assert built == one_by_one
        assert all(type(v) is LineView for v in built)
        assert built[5].overridden and not built[4].overridden
        assert [v.unit for v in built if v.sku == "W1"] == ["kg"] and built[0].unit == "each"
        assert all(v.discount_fen == sum(amount for _source, amount in v.discounts) for v in built)
        cart = cart.add(PRODUCTS[3], 1, merge=False)
