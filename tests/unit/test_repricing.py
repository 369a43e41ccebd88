"""The incremental re-pricer gives exactly what the whole-cart reference gives, after
every change of a random cart under a random promotion book (order of the per-source
discount totals included)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store_client.domain.cart import Cart, CartError, LineProduct, ManualDiscount
from store_client.domain.catalog import Unit
from store_client.domain.coupons import Coupon
from store_client.domain.ledger import CART_MANUAL, COUPON, PROMOTION
from store_client.domain.pricing import PromotionBook, price_cart
from store_client.domain.vat import line_vat
from store_client.domain import repricing
from store_client.domain.promotions import BuyXGetY, MemberPrice, PercentOff, Scope, Threshold
from store_client.domain.repricing import Repricer
from tests.unit.test_pricing_properties import (
    NOW,
    coupon_maps,
    coupons_from,
    manual,
    overrides,
    products,
    promotions,
)

steps = st.lists(st.one_of(
    st.tuples(st.just("add"), products, st.integers(1, 20), st.integers(1, 3000), st.booleans()),
    st.tuples(st.just("qty"), st.integers(0, 30), st.integers(1, 20)),
    st.tuples(st.just("void"), st.integers(0, 30)),
    st.tuples(st.just("override"), st.integers(0, 30), overrides),
    st.tuples(st.just("line_discount"), st.integers(0, 30), manual),
    st.tuples(st.just("cart_discount"), manual),
    st.tuples(st.just("member"), st.booleans()),
    st.tuples(st.just("coupon"), st.sampled_from(["K1", "K2", "K3", "K9"]), st.booleans()),
    st.tuples(st.just("later"), st.integers(0, 3)),
    st.tuples(st.just("back"), st.integers(1, 4)),  # an earlier version again (what it remembers)
), max_size=40)


def _apply(cart: Cart, step: tuple) -> Cart:
    kind, *args = step
    live = cart.active_lines
    pick = (lambda n: live[n % len(live)].line_id) if live else None
    if kind == "add":
        product, units, grams, merge = args
        return cart.add(product, grams if product.weighed else units, merge=merge)
    if kind in ("qty", "void", "override", "line_discount") and pick is None:
        return cart
    if kind == "qty":
        line = cart.line(pick(args[0]))
        return cart.set_quantity(line.line_id, args[1] * (250 if line.measured_in_grams else 1))
    if kind == "void":
        return cart.void_line(pick(args[0]), "r")
    if kind == "override":
        line_id = pick(args[0])
        return (cart.clear_override(line_id) if args[1] is None
                else cart.override_price(line_id, args[1], "r"))
    if kind == "line_discount":
        return cart.discount_line(pick(args[0]), args[1])
    if kind == "cart_discount":
        return cart.discount_cart(args[0])
    if kind == "member":
        return cart.attach_member("M1" if args[0] else None)
    if kind == "coupon":
        return cart.add_coupon(args[0]) if args[1] else cart.remove_coupon(args[0])
    return cart


def _versions(script: list[tuple]):  # type: ignore[no-untyped-def]
    """Each version of a cart the steps of ``script`` make, with the time it is priced at."""
    cart, now = Cart(), NOW
    versions = [cart]
    for step in script:
        if step[0] == "later":  # promotion windows and coupon validity move with the clock
            now = NOW + timedelta(days=step[1])
        elif step[0] == "back":  # an earlier version again (what the re-pricer remembers)
            cart = versions[-min(step[1], len(versions))]
        else:
            try:
                cart = _apply(cart, step)
            except CartError:
                pass  # refused: the cart is unchanged
        versions.append(cart)
        yield cart, now


@settings(max_examples=300, deadline=None)
@given(steps, promotions(), coupon_maps, st.lists(st.sampled_from(["K1", "K2"]), max_size=2))
def test_every_version_of_a_changing_cart_prices_as_the_reference(script, promos, raw, used):
    book, coupons = PromotionBook(promos), coupons_from(raw)
    repricer = Repricer()
    for cart, now in _versions(script):
        expected = price_cart(cart, book, now=now, coupons=coupons, used_coupon_codes=used)
        assert repricer.price(cart, book, now=now, coupons=coupons,
                              used_coupon_codes=used) == expected


def _held_as_reference(priced, expected, book) -> None:
    """A re-pricer holding the whole sale's discounts gives the reference's sale, with
    the thresholds', the coupons' and the sale discount's shares taken off the lines."""
    thresholds = {p.id for p in book.promotions if isinstance(p, Threshold)}

    def whole_sale(source) -> bool:
        return (source.kind in (COUPON, CART_MANUAL)
                or (source.kind == PROMOTION and source.id in thresholds))

    same = ("gross_fen", "discount_fen", "total_fen", "vat", "discounts", "coupons_applied",
            "coupon_refusals")
    assert [getattr(priced, f) for f in same] == [getattr(expected, f) for f in same]
    assert priced.held == tuple(d for d in expected.discounts if whole_sale(d.source))
    assert len(priced.lines) == len(expected.lines)
    for line, reference in zip(priced.lines, expected.lines):
        shares = [d for d in reference.discounts if whole_sale(d.source)]
        assert line.discounts == tuple(d for d in reference.discounts if not whole_sale(d.source))
        assert line.net_fen == reference.net_fen + sum(d.amount_fen for d in shares)
        assert line._replace(discounts=(), net_fen=0) == reference._replace(discounts=(), net_fen=0)
    assert sum(line.net_fen for line in priced.lines) - sum(d.amount_fen for d in priced.held) \
        == expected.total_fen


@settings(max_examples=300, deadline=None)
@given(steps, promotions(), coupon_maps, st.lists(st.sampled_from(["K1", "K2"]), max_size=2))
def test_holding_the_whole_sale_s_discounts_gives_the_reference_sale(script, promos, raw, used):
    book, coupons = PromotionBook(promos), coupons_from(raw)
    repricer = Repricer(hold_whole_sale=True)
    for cart, now in _versions(script):
        expected = price_cart(cart, book, now=now, coupons=coupons, used_coupon_codes=used)
        _held_as_reference(repricer.price(cart, book, now=now, coupons=coupons,
                                          used_coupon_codes=used), expected, book)


def test_one_repricer_follows_a_cart_replaced_by_another():
    """After a sale the checkout prices a fresh cart (and after a resume, a parked one)
    with the same re-pricer: lines of the old cart must not leak into the new one."""
    book = PromotionBook([PercentOff(id="P", percent_bp=1000),
                          Threshold(id="T", threshold_fen=5000, amount_fen=700)])
    repricer = Repricer()
    first = Cart()
    for n in range(5):
        first = first.add(LineProduct(f"S{n}", "x", "x", Unit.EACH, 1000 + n, 1300, "c"), 2)
    repricer.price(first, book, now=NOW)
    second = Cart().add(first.lines[0].product, 3)  # line 1 again, another object
    assert repricer.price(second, book, now=NOW) == price_cart(second, book, now=NOW)
    assert repricer.price(Cart(), book, now=NOW) == price_cart(Cart(), book, now=NOW)
    assert repricer.price(first, book, now=NOW) == price_cart(first, book, now=NOW)


def test_a_naive_time_is_refused_like_the_reference():
    with pytest.raises(ValueError):
        Repricer().price(Cart(), PromotionBook(()), now=NOW.replace(tzinfo=None))


def test_a_manual_cart_discount_is_spread_like_the_reference():
    cart = Cart()
    for n in range(7):
        cart = cart.add(LineProduct(f"S{n}", "x", "x", Unit.EACH, 333 + n, 1300, "c"), n + 1)
    cart = cart.discount_cart(ManualDiscount("r", amount_fen=1001))
    book = PromotionBook(())
    assert Repricer().price(cart, book, now=NOW) == price_cart(cart, book, now=NOW)


def test_a_new_promotion_book_with_the_same_ids_is_not_served_from_memory():
    """HQ changes a promotion's terms but not its id: the re-pricer must use the new terms."""
    cart = Cart()
    for n in range(6):
        cart = cart.add(LineProduct(f"S{n}", "x", "x", Unit.EACH, 1000, 1300, "c"), 1)
    old = PromotionBook([Threshold(id="T", threshold_fen=3000, amount_fen=500),
                         BuyXGetY(id="B", buy=2, get=1)])
    new = PromotionBook([Threshold(id="T", threshold_fen=3000, amount_fen=900),
                         BuyXGetY(id="B", buy=1, get=1)])
    repricer = Repricer()
    assert repricer.price(cart, old, now=NOW) == price_cart(cart, old, now=NOW)
    assert repricer.price(cart, new, now=NOW) == price_cart(cart, new, now=NOW)
    assert repricer.price(cart, new, now=NOW) != price_cart(cart, old, now=NOW)


# -- what a change recomputes (the point of the re-pricer; the results are the reference's) ----
A, Z = (LineProduct("A", "a", "a", Unit.EACH, 1_000, 1300, "c"),
        LineProduct("Z", "z", "z", Unit.EACH, 500, 900, "d"))


def _counting(monkeypatch, name: str) -> list:
    calls: list = []
    real = getattr(repricing, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)
    monkeypatch.setattr(repricing, name, counted)
    return calls


def test_a_change_rebuilds_only_the_line_it_touches(monkeypatch):
    built = _counting(monkeypatch, "_Line")
    book = PromotionBook([PercentOff(id="P", percent_bp=1000)])
    repricer, cart = Repricer(), Cart()
    for _ in range(4):
        cart = cart.add(A, 1, merge=False)
    assert repricer.price(cart, book, now=NOW) == price_cart(cart, book, now=NOW)
    assert len(built) == 4
    built.clear()
    cart = cart.add(Z, 2)  # a scan
    assert repricer.price(cart, book, now=NOW) == price_cart(cart, book, now=NOW)
    assert [args[0].product.sku for args in built] == ["Z"]
    built.clear()
    second = cart.active_lines[1].line_id
    cart = cart.set_quantity(second, 3)
    assert repricer.price(cart, book, now=NOW) == price_cart(cart, book, now=NOW)
    assert [args[0].line_id for args in built] == [second]
    built.clear()
    cart = cart.void_line(second, "r")
    assert repricer.price(cart, book, now=NOW) == price_cart(cart, book, now=NOW)
    assert built == []


def test_a_scan_does_not_redo_a_multi_buy_that_does_not_cover_it(monkeypatch):
    redone = _counting(monkeypatch, "_group_discount")
    book = PromotionBook([BuyXGetY(id="B", buy=2, get=1, scope=Scope(skus=frozenset({"A"})))])
    repricer, cart = Repricer(), Cart().add(A, 3)
    assert repricer.price(cart, book, now=NOW) == price_cart(cart, book, now=NOW)
    assert len(redone) == 1
    for n in range(1, 3):  # the memory lasts from one pricing to the next, and the next
        cart = cart.add(Z, n)
        assert repricer.price(cart, book, now=NOW) == price_cart(cart, book, now=NOW)
        assert len(redone) == 1
    cart = cart.add(A, 1)  # covered: the multi-buy is worked out again
    assert repricer.price(cart, book, now=NOW) == price_cart(cart, book, now=NOW)
    assert len(redone) == 2
    cart = cart.void_line(cart.lines[-1].line_id, "r")  # voided: its lines are as before
    assert repricer.price(cart, book, now=NOW) == price_cart(cart, book, now=NOW)
    assert len(redone) == 2


def test_a_scan_splits_no_vat_over_the_lines_and_keeps_the_untouched_results(monkeypatch):
    """The VAT per rate comes from the rate's net; the split over lines (a pass over every
    line of the rate, moving at every scan) is the sale's to make, through line_vat."""
    from store_client.domain import pricing
    split: list = []
    real = pricing.allocate
    monkeypatch.setattr(pricing, "allocate", lambda *a: split.append(a) or real(*a))
    book = PromotionBook(())
    repricer, cart = Repricer(), Cart().add(A, 3)
    first = repricer.price(cart, book, now=NOW)
    cart = cart.add(Z, 1)
    second = repricer.price(cart, book, now=NOW)
    assert split == []
    assert second == price_cart(cart, book, now=NOW)
    assert [(v.rate_bp, v.net_fen, v.vat_fen) for v in second.vat] == [(900, 500, 41),
                                                                        (1300, 3000, 345)]
    assert second.lines[0] is first.lines[0]  # the untouched line's result is kept as it was
    assert line_vat(cart, second) == {1: 345, 2: 41}


def test_every_kind_of_discount_and_a_voided_line_price_as_the_reference():
    """One example of each thing the property test mixes at random: a member price, a line's
    manual discount, a coupon, a line voided before the live ones and one voided after a
    pricing, and a line without VAT."""
    no_vat = LineProduct("F", "f", "f", Unit.EACH, 700, 0, "c")
    book = PromotionBook([MemberPrice(id="M", prices={"A": 800})])
    coupons = {"K1": Coupon(code="K1", amount_off_fen=300)}
    repricer = Repricer()

    def both(cart: Cart):
        expected = price_cart(cart, book, now=NOW, coupons=coupons)
        assert repricer.price(cart, book, now=NOW, coupons=coupons) == expected
        return expected

    cart = Cart().add(Z, 1).add(A, 2).add(no_vat, 1).attach_member("M1").add_coupon("K1")
    cart = cart.void_line(cart.lines[0].line_id, "r")  # voided before the live lines
    cart = cart.discount_line(cart.lines[2].line_id, ManualDiscount("r", amount_fen=100))
    priced = both(cart)
    assert [line.sku for line in priced.lines] == ["A", "F"]
    assert priced.gross_fen == 2_700 and priced.total_fen == 2_700 - 400 - 100 - 300
    assert line_vat(cart, priced)[priced.lines[1].line_id] == 0
    assert priced.coupons_applied == ("K1",)
    assert priced.discounts[0].amount_fen == 400  # the member price, booked first
    cart = cart.void_line(cart.lines[1].line_id, "r")  # voided after a pricing
    assert [line.sku for line in both(cart).lines] == ["F"]


@settings(max_examples=150, deadline=None)
@given(steps, steps, promotions(), st.lists(st.booleans(), min_size=1, max_size=40))
def test_one_repricer_switching_between_two_changing_carts_prices_as_the_reference(
        script_a, script_b, promos, switches):
    """A sale parked and another resumed, back and forth: the same positions of the carts'
    lines hold other lines (and the same line ids other products) from one pricing to the
    next."""
    book, repricer, now = PromotionBook(promos), Repricer(), NOW
    carts = [Cart(), Cart()]
    scripts = [iter(script_a), iter(script_b)]
    for which in switches:
        step = next(scripts[which], None)
        if step is not None and step[0] != "later":
            try:
                carts[which] = _apply(carts[which], step)
            except CartError:
                pass
        assert repricer.price(carts[which], book, now=now) == price_cart(carts[which], book, now=now)


def _random_move(rnd, cart: Cart, odds: tuple[float, float, float], product, quantity) -> Cart:  # type: ignore[no-untyped-def]
    """One random change to a long cart: a scan, a void, a quantity or a price override,
    by the cumulative ``odds`` of the first three."""
    pick = rnd.choice(cart.active_lines).line_id
    move = rnd.random()
    if move < odds[0]:
        return cart.add(product(), quantity(), merge=False)
    if move < odds[1]:
        return cart.void_line(pick, "r")
    if move < odds[2]:
        return cart.set_quantity(pick, rnd.randrange(1, 6))
    return cart.override_price(pick, rnd.randrange(50, 900), "r")


@pytest.mark.parametrize("seed", range(12))
def test_a_long_cart_under_promotions_covering_few_of_its_lines_prices_as_the_reference(seed):
    """Positions of the few lines a group promotion covers are kept and moved along as lines
    come and go anywhere in canonical order (not found afresh each pricing): a long cart
    with inserts, voids, quantity changes and overrides in its middle, priced after each."""
    import random

    rnd = random.Random(seed)
    catalog = [LineProduct(f"S{n:03d}", f"商品{n}", f"item {n}", Unit.EACH, 100 + 37 * n,
                           (1300, 900, 600)[n % 3], f"c{n % 9}") for n in range(150)]
    book = PromotionBook([
        BuyXGetY(id="B1", buy=2, get=1, scope=Scope(skus=frozenset({"S007", "S090"}))),
        BuyXGetY(id="B2", buy=1, get=1, exclusive=True, scope=Scope(skus=frozenset({"S033"}))),
        Threshold(id="T1", threshold_fen=500, amount_fen=60, repeat=True,
                  scope=Scope(categories=frozenset({"c4"}))),
        Threshold(id="T2", threshold_fen=300, amount_fen=50, exclusive=True,
                  scope=Scope(skus=frozenset({"S090", "S120", "S001"}))),
        Threshold(id="T3", threshold_fen=10_000, amount_fen=800, max_times=2, repeat=True),
    ])
    repricer, cart = Repricer(), Cart()
    for _ in range(120):
        cart = cart.add(rnd.choice(catalog), rnd.randrange(1, 4), merge=False)
    assert repricer.price(cart, book, now=NOW) == price_cart(cart, book, now=NOW)
    hot = [p for p in catalog if p.sku in {"S001", "S007", "S033", "S090", "S120"}]
    for _ in range(80):
        cart = _random_move(rnd, cart, (0.35, 0.55, 0.8),
                            lambda: rnd.choice(hot if rnd.random() < 0.5 else catalog),
                            lambda: rnd.randrange(1, 4))
        assert repricer.price(cart, book, now=NOW) == price_cart(cart, book, now=NOW)
    assert repricer._few, "the promotions covering few lines were kept"


def _storewide_worst_case() -> tuple[list[LineProduct], PromotionBook]:
    """120 products in five categories and the worst book for a long cart: a storewide
    threshold with no cap, a storewide percentage under it, a category threshold after it
    and an exclusive one beside it."""
    catalog = [LineProduct(f"S{n:03d}", f"商品{n}", f"item {n}", Unit.EACH, 100 + 97 * n,
                           (1300, 900, 600)[n % 3], f"c{n % 5}") for n in range(120)]
    return catalog, PromotionBook([
        PercentOff(id="P", percent_bp=500),
        Threshold(id="A-ALL", threshold_fen=10_000, amount_fen=1000, repeat=True, priority=50),
        Threshold(id="B-CAT", threshold_fen=3000, amount_fen=400, repeat=True,
                  scope=Scope(categories=frozenset({"c2"}))),
        Threshold(id="C-EXC", threshold_fen=2000, amount_fen=900, exclusive=True,
                  scope=Scope(categories=frozenset({"c3"}))),
    ])


@pytest.mark.parametrize("seed", range(6))
def test_a_storewide_uncapped_threshold_on_a_long_cart_prices_as_the_reference(seed):
    """The worst a book can do to a long cart: a storewide threshold with no cap (every scan
    moves its amount and its split over every line), a storewide percentage under it, a
    category threshold after it and an exclusive one beside it. Scans, voids, quantities
    and price overrides on a 300-line cart price as the reference does, and every line a
    spread moved gets a new PricedLine built in the C loops (a tuple, its discounts too)."""
    import random

    from store_client.domain.pricing import PricedLine

    rnd = random.Random(seed)
    catalog, book = _storewide_worst_case()
    repricer, cart = Repricer(), Cart()
    for _ in range(300):
        cart = cart.add(rnd.choice(catalog), rnd.randrange(1, 3), merge=False)
    before = repricer.price(cart, book, now=NOW)
    assert before == price_cart(cart, book, now=NOW)
    most_moved = 0
    for _ in range(40):
        cart = _random_move(rnd, cart, (0.5, 0.7, 0.9), lambda: rnd.choice(catalog), lambda: 1)
        after = repricer.price(cart, book, now=NOW)
        assert after == price_cart(cart, book, now=NOW)
        assert all(type(p) is PricedLine and type(p.discounts) is tuple for p in after.lines)
        kept = {id(p) for p in before.lines}
        most_moved = max(most_moved, sum(id(p) not in kept for p in after.lines))
        before = after
    assert most_moved > 100  # a change moved the split on most lines
    # A stage with a promotion covering every line is never remembered: a new line always
    # reaches it, so a remembered result would only cost.
    assert repricer._stage_memo == {} and "A-ALL" in repricer._everywhere


@pytest.mark.parametrize("seed", range(4))
def test_held_a_storewide_spread_moves_only_the_line_a_change_touches(seed):
    """Held (as the checkout's sale is), the same worst case gives the reference's sale and
    a change builds a new result for the line it touched only: the thresholds' split over
    every line is in the totals, not in the lines."""
    import random

    rnd = random.Random(seed)
    catalog, book = _storewide_worst_case()
    coupons = {"WHOLE": Coupon(code="WHOLE", name="满100减20", amount_off_fen=2000,
                               every_fen=10_000, min_spend_fen=10_000)}
    repricer, cart = Repricer(hold_whole_sale=True), Cart().add_coupon("WHOLE")
    for _ in range(300):
        cart = cart.add(rnd.choice(catalog), rnd.randrange(1, 3), merge=False)
    cart = cart.discount_cart(ManualDiscount(percent_bp=300, reason="r"))
    before = repricer.price(cart, book, now=NOW, coupons=coupons)
    _held_as_reference(before, price_cart(cart, book, now=NOW, coupons=coupons), book)
    assert {d.source.id for d in before.held} >= {"A-ALL", "WHOLE", "manual"}
    for _ in range(40):
        previous = cart  # kept: its lines' ids stay theirs
        cart = _random_move(rnd, cart, (0.5, 0.7, 0.9), lambda: rnd.choice(catalog), lambda: 1)
        after = repricer.price(cart, book, now=NOW, coupons=coupons)
        _held_as_reference(after, price_cart(cart, book, now=NOW, coupons=coupons), book)
        kept, unchanged = {id(p) for p in before.lines}, {id(line) for line in previous.lines}
        rebuilt = [p.line_id for p in after.lines if id(p) not in kept]
        touched = [line.line_id for line in cart.active_lines if id(line) not in unchanged]
        assert rebuilt == touched and len(rebuilt) <= 1, (rebuilt, touched)
        before = after


def test_a_scan_no_group_promotion_covers_rebooks_the_stages_without_redoing_them(monkeypatch):
    staged = _counting(monkeypatch, "_group_stage")
    book = PromotionBook([BuyXGetY(id="B", buy=2, get=1, scope=Scope(skus=frozenset({"A"}))),
                          Threshold(id="T", threshold_fen=2000, amount_fen=300, repeat=True,
                                    scope=Scope(categories=frozenset({"c"})))])
    repricer, cart = Repricer(), Cart()
    for _ in range(5):
        cart = cart.add(A, 1, merge=False)
    first = cart

    def check(cart: Cart) -> None:
        assert repricer.price(cart, book, now=NOW) == price_cart(cart, book, now=NOW)

    check(cart)
    assert len(staged) == 2  # the multi-buys, then the thresholds
    cart = cart.add(Z, 1)  # category "d": no group promotion covers it
    check(cart)
    cart = cart.void_line(cart.lines[-1].line_id, "r")  # voided again: as before the scan
    check(cart)
    assert len(staged) == 2
    cart = cart.add(A, 1, merge=False)  # covered by both: both stages are worked out
    check(cart)
    assert len(staged) == 4
    cart = cart.set_quantity(cart.lines[0].line_id, 2)  # changed: worked out again
    check(cart)
    assert len(staged) == 6
    check(first)  # an earlier version of the cart: remembered
    check(first.add(Z, 2))
    assert len(staged) == 6
