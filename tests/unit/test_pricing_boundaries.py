"""Pricing rules at their boundaries (docs/pricing.md, "Stacking, exclusivity and priority").

Each expected figure is worked out by hand in a comment; each case pins a rule that a
one-token change to the engine once got past the other pricing tests.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from store_client.domain.cart import Cart, LineProduct, ManualDiscount
from store_client.domain.catalog import Unit
from store_client.domain.coupons import Coupon
from store_client.domain.ledger import CART_MANUAL, PROMOTION
from store_client.domain.pricing import price_cart
from store_client.domain.vat import line_vat
from store_client.domain.promotions import (
    AmountOff,
    BuyXGetY,
    MemberPrice,
    PercentOff,
    Scope,
    Threshold,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def product(sku: str, price: int, cat: str) -> LineProduct:
    return LineProduct(sku, sku, sku, Unit.EACH, price, 1300, cat)


A, A2 = product("A", 10000, "food"), product("A2", 9000, "food")
B, C = product("B", 5000, "care"), product("C", 800, "care")
KG = LineProduct("PLU00001", "PLU00001", "PLU00001", Unit.KG, 2000, 900, "fruit")  # 20.00/kg


def skus(*names: str) -> Scope:
    return Scope(skus=frozenset(names))


def by_source(priced) -> dict:  # type: ignore[no-untyped-def]
    return {(d.source.kind, d.source.id): d.amount_fen for d in priced.discounts}


def exclusive_threshold(promo_id: str, amount: int, *names: str, priority: int = 100):
    return Threshold(id=promo_id, threshold_fen=1, amount_fen=amount, exclusive=True,
                     scope=skus(*names), priority=priority)


# -- per-line stages --------------------------------------------------------------------------

def test_an_exclusive_line_promotion_worth_nothing_gives_nothing():
    # 0.01 % of 8.00 is 0.0008 -> 0: neither the whole line free nor a fen off
    tiny = PercentOff(id="tiny", percent_bp=1, exclusive=True, scope=skus("C"))
    priced = price_cart(Cart().add(C), [tiny], now=NOW)
    assert (priced.total_fen, priced.discounts) == (800, ())
    # a member price above the price works out negative: no discount, not a fen
    dearer = MemberPrice(id="mp", prices={"C": 900}, exclusive=True)
    priced = price_cart(Cart().add(C).attach_member("M1"), [dearer], now=NOW)
    assert (priced.total_fen, priced.discounts) == (800, ())


def test_an_exclusive_line_promotion_never_takes_more_than_the_line():
    whole = PercentOff(id="all", percent_bp=10_000, exclusive=True)
    member = MemberPrice(id="mp", prices={"C": 1}, exclusive=True, priority=1)
    priced = price_cart(Cart().add(C, 2).attach_member("M1"), [member, whole], now=NOW)
    # stage PRICE: 2 x 8.00 -> 2 x 0.01 (1598 off); stage ITEM: 100 % of the 2 left
    assert by_source(priced) == {(PROMOTION, "mp"): 1598, (PROMOTION, "all"): 2}
    assert priced.total_fen == 0
    priced = price_cart(Cart().add(C).attach_member("M1"), [member, whole], now=NOW)
    assert by_source(priced) == {(PROMOTION, "mp"): 799, (PROMOTION, "all"): 1}  # the last fen


def test_a_price_label_has_no_weight_for_per_kg_promotions():
    # a scale label priced 18.34: no per-kg amount off, no member price per kg (15.00 is
    # not a price for the label), but 10 % off is 1.834 -> 1.83
    cart = Cart().add(KG, 1, embedded_price_fen=1834).attach_member("M1")
    promos = [AmountOff(id="kg", amount_fen=300), MemberPrice(id="mp", prices={"PLU00001": 1500}),
              PercentOff(id="p", percent_bp=1000)]
    assert by_source(price_cart(cart, promos, now=NOW)) == {(PROMOTION, "p"): 183}
    weighed = Cart().add(KG, 500).attach_member("M1")  # 0.5 kg: 1000
    # member price 15.00/kg: 750 (250 off); 3.00/kg off 0.5 kg: 150; 10 % of 600: 60
    assert by_source(price_cart(weighed, promos, now=NOW)) == {
        (PROMOTION, "mp"): 250, (PROMOTION, "kg"): 150, (PROMOTION, "p"): 60}


def test_a_member_price_applies_only_to_the_skus_it_lists():
    member = MemberPrice(id="mp", prices={"A": 9000})
    priced = price_cart(Cart().add(A).add(B).attach_member("M1"), [member], now=NOW)
    assert [line.net_fen for line in priced.lines] == [9000, 5000]


@pytest.mark.parametrize("first", ["e1", "e2"])
def test_equal_exclusive_line_promotions_go_to_the_higher_priority(first):
    e1 = PercentOff(id="e1", percent_bp=1000, exclusive=True, priority=1 if first == "e1" else 2)
    e2 = PercentOff(id="e2", percent_bp=1000, exclusive=True, priority=1 if first == "e2" else 2)
    assert by_source(price_cart(Cart().add(A), [e1, e2], now=NOW)) == {(PROMOTION, first): 1000}


# -- group stages: how exclusive groups compete --------------------------------------------

def test_overlapping_exclusive_groups_go_by_advantage_largest_first():
    x = exclusive_threshold("x", 1000, "A", "B", priority=1)
    y = exclusive_threshold("y", 2000, "B", "C", priority=2)
    # x gains 1000 on A+B, y 2000 on B+C; they share B, so only y (the larger) applies
    priced = price_cart(Cart().add(A).add(B).add(C), [x, y], now=NOW)
    assert by_source(priced) == {(PROMOTION, "y"): 2000}


@pytest.mark.parametrize("x_priority, winner", [(1, "x"), (3, "y")])
def test_overlapping_exclusive_groups_with_equal_advantage_go_by_priority(x_priority, winner):
    x = exclusive_threshold("x", 1500, "A", "B", priority=x_priority)
    y = exclusive_threshold("y", 1500, "B", "C", priority=2)
    priced = price_cart(Cart().add(A).add(B).add(C), [x, y], now=NOW)
    assert by_source(priced) == {(PROMOTION, winner): 1500}


def test_exclusive_groups_on_different_lines_both_apply():
    x = exclusive_threshold("x", 1000, "A")
    y = exclusive_threshold("y", 300, "C")
    priced = price_cart(Cart().add(A).add(B).add(C), [x, y], now=NOW)
    assert by_source(priced) == {(PROMOTION, "x"): 1000, (PROMOTION, "y"): 300}


@pytest.mark.parametrize("amount, expected", [
    (500, {"all": 1500}),  # 500 only equals what the stack gave B: not a candidate
    (501, {"care": 501, "all": 1000}),  # beats it by 1; the stack on A alone: 2 x 500
])
def test_an_exclusive_group_must_beat_what_the_stack_gave_its_lines(amount, expected):
    # stackable 满50减5, repeated: A + B = 150.00 -> 3 x 500, allocated A 1000, B 500
    stack = Threshold(id="all", threshold_fen=5000, amount_fen=500, repeat=True)
    care = exclusive_threshold("care", amount, "B")
    priced = price_cart(Cart().add(A).add(B), [stack, care], now=NOW)
    assert by_source(priced) == {(PROMOTION, k): v for k, v in expected.items()}


@pytest.mark.parametrize("amount, expected", [
    (1000, {"all": 1000}),  # a tie between the two plans: "all stackable" stands
    (1001, {"care": 1001}),
])
def test_the_plan_with_exclusives_must_beat_all_stackable(amount, expected):
    # stackable 满100减10 on A2 + B = 140.00 -> 1000 (B's share 357); the exclusive on B
    # gains 643 there, but without B the stack on A2 (90.00) reaches nothing
    stack = Threshold(id="all", threshold_fen=10000, amount_fen=1000)
    care = exclusive_threshold("care", amount, "B")
    priced = price_cart(Cart().add(A2).add(B), [stack, care], now=NOW)
    assert by_source(priced) == {(PROMOTION, k): v for k, v in expected.items()}


@pytest.mark.parametrize("units, expected", [
    (3, {"b2g1": 800}),  # buy 3 get 1 frees nothing of 3 units; buy 2 get 1 frees one
    (4, {"b3g1": 800}),  # both free one unit: the exclusive does not beat the stack
])
def test_an_exclusive_buy_x_get_y_competes_with_the_stackable_one(units, expected):
    stack = BuyXGetY(id="b3g1", buy=3, get=1, scope=skus("C"))
    exclusive = BuyXGetY(id="b2g1", buy=2, get=1, exclusive=True, scope=skus("C"))
    priced = price_cart(Cart().add(C, units), [stack, exclusive], now=NOW)
    assert by_source(priced) == {(PROMOTION, k): v for k, v in expected.items()}


def test_a_priced_cart_finds_its_lines_by_id():
    priced = price_cart(Cart().add(A).add(B).void_line(1, "x").add(C), now=NOW)
    assert priced.line(3).net_fen == 800 and priced.line(2).net_fen == 5000
    with pytest.raises(KeyError):
        priced.line(1)  # voided: not priced


def test_a_discount_is_named_for_its_promotion_or_else_its_id():
    named = PercentOff(id="p1", name="春季九折", percent_bp=1000, scope=skus("A"))
    unnamed = PercentOff(id="p2", percent_bp=1000, scope=skus("B"))
    priced = price_cart(Cart().add(A).add(B), [named, unnamed], now=NOW)
    assert [(d.source.id, d.source.name) for d in priced.discounts] == [
        ("p1", "春季九折"), ("p2", "p2")]


def test_a_sku_excluded_from_a_category_promotion_gets_none_of_it():
    # Y, Z1 and Z2 share the category; the promotions found for one line must not be reused
    # for another that a promotion excludes or that has promotions of its own
    y, z1, z2, v, w = (product(sku, 1000, "care") for sku in ("Y", "Z1", "Z2", "V", "W"))
    care = frozenset({"care"})
    promos = [AmountOff(id="p1", amount_fen=100, scope=Scope(categories=care,
                                                            exclude_skus=frozenset({"Z1"}))),
              AmountOff(id="p2", amount_fen=200, scope=Scope(categories=care,
                                                            exclude_skus=frozenset({"Z2"}))),
              AmountOff(id="v", amount_fen=300, scope=skus("V")),
              AmountOff(id="w", amount_fen=400, scope=skus("W"))]
    cart = Cart().add(y).add(z1).add(z2).add(y, merge=False).add(v).add(w)
    priced = price_cart(cart, promos, now=NOW)
    assert [line.net_fen for line in priced.lines] == [700, 800, 900, 700, 400, 300]


def test_a_line_made_free_by_a_member_price_takes_no_later_discount():
    # 0.4 kg at a member price of 0.01/kg is 0.004 -> 0.00: the line is free after stage 1,
    # and an exclusive 10 % in stage 2 finds nothing to take (never a fen below zero)
    member = MemberPrice(id="mp", prices={"PLU00001": 1})
    tenth = PercentOff(id="p", percent_bp=1000, exclusive=True)
    priced = price_cart(Cart().add(KG, 400).attach_member("M1"), [member, tenth], now=NOW)
    assert by_source(priced) == {(PROMOTION, "mp"): 800}
    assert priced.total_fen == 0


def test_a_line_without_promotions_does_not_stop_the_lines_after_it():
    promo = PercentOff(id="b", percent_bp=1000, scope=skus("B"))
    priced = price_cart(Cart().add(A).add(B), [promo], now=NOW)
    assert [line.net_fen for line in priced.lines] == [10000, 4500]


def test_once_a_line_is_free_later_stackable_promotions_book_nothing():
    free = PercentOff(id="free", percent_bp=10_000, priority=1)
    more = AmountOff(id="more", amount_fen=100, priority=2)
    priced = price_cart(Cart().add(A), [free, more], now=NOW)
    assert by_source(priced) == {(PROMOTION, "free"): 10000}  # no 0.00 entry for "more"
    assert [(d.source.id, d.amount_fen) for d in priced.lines[0].discounts] == [("free", 10000)]


def test_a_line_whose_promotions_round_to_nothing_does_not_stop_the_lines_after_it():
    # 0.01 % of 1.00 is 0.0001 -> 0 (nothing to book); of 50.00 it is 0.5 -> 0.01
    cheap = product("A0", 100, "food")
    priced = price_cart(Cart().add(cheap).add(B), [PercentOff(id="p", percent_bp=1)], now=NOW)
    assert [line.net_fen for line in priced.lines] == [100, 4999]


def test_buy_one_get_two_frees_two_of_every_three():
    promo = BuyXGetY(id="b1g2", buy=1, get=2, scope=skus("C"))
    assert by_source(price_cart(Cart().add(C, 3), [promo], now=NOW)) == {(PROMOTION, "b1g2"): 1600}
    assert by_source(price_cart(Cart().add(C, 5), [promo], now=NOW)) == {(PROMOTION, "b1g2"): 1600}


def test_exclusive_groups_rank_by_advantage_over_the_stack_not_by_amount():
    # the stack gives A 1800; x (2000 on A+B) gains only 200 over it, y (1500 on B+C) gains
    # 1500: y goes first, x (sharing B) is out, and the stack keeps A
    stack = Threshold(id="s", threshold_fen=1, amount_fen=1800, scope=skus("A"))
    x = exclusive_threshold("x", 2000, "A", "B")
    y = exclusive_threshold("y", 1500, "B", "C")
    priced = price_cart(Cart().add(A).add(B).add(C), [stack, x, y], now=NOW)
    assert by_source(priced) == {(PROMOTION, "y"): 1500, (PROMOTION, "s"): 1800}


def test_an_exclusive_group_equal_to_the_stack_on_its_lines_is_no_candidate():
    # The documented rule (docs/pricing.md), a greedy one: 满1减10 on A + B gives B 333; an
    # exclusive 3.33 on B does not beat that, so it is not tried, although with it the
    # stack on A alone would still give 1000 (1333 in all).
    stack = Threshold(id="all", threshold_fen=1, amount_fen=1000)
    care = exclusive_threshold("care", 333, "B")
    priced = price_cart(Cart().add(A).add(B), [stack, care], now=NOW)
    assert by_source(priced) == {(PROMOTION, "all"): 1000}


def test_only_exclusive_promotions_compete_as_exclusives():
    # 满100减50 (stackable) finds 90.00 after 满100减10 and gives nothing; it must not take
    # A from the exclusive 满0.01减15
    first = Threshold(id="t1", threshold_fen=10000, amount_fen=1000, priority=1)
    second = Threshold(id="t2", threshold_fen=10000, amount_fen=5000, priority=2)
    excl = exclusive_threshold("e", 1500, "A", priority=3)
    priced = price_cart(Cart().add(A), [first, second, excl], now=NOW)
    assert by_source(priced) == {(PROMOTION, "e"): 1500}


def test_a_weighed_line_and_a_price_label_of_one_product_price_in_any_order():
    one = price_cart(Cart().add(KG, 1).add(KG, 1, embedded_price_fen=1834), now=NOW)
    two = price_cart(Cart().add(KG, 1, embedded_price_fen=1834).add(KG, 1), now=NOW)
    assert one.total_fen == two.total_fen == 2 + 1834  # 1 g at 20.00/kg is 0.02


def test_an_unknown_coupon_does_not_stop_the_coupons_after_it():
    coupons = {"OK": Coupon(code="OK", amount_off_fen=500)}
    priced = price_cart(Cart().add(A).add_coupon("NOPE").add_coupon("OK"), now=NOW,
                        coupons=coupons)
    assert priced.coupons_applied == ("OK",) and priced.total_fen == 9500


def test_an_exclusive_over_lines_already_free_is_no_candidate_and_blocks_none():
    # C is free after stage 2; x covers only C (nothing to gain), y covers B and C and gains
    # 0.01: x must not take C and shut y out
    free_c = PercentOff(id="freeC", percent_bp=10_000, scope=skus("C"))
    x = exclusive_threshold("x", 100, "C", priority=1)
    y = exclusive_threshold("y", 1, "B", "C", priority=2)
    priced = price_cart(Cart().add(B).add(C), [free_c, x, y], now=NOW)
    assert by_source(priced) == {(PROMOTION, "freeC"): 800, (PROMOTION, "y"): 1}


def test_units_already_free_do_not_count_for_buy_x_get_y():
    # C x 2 are free after stage 2; of B x 2 one is free: not two (C's units do not count)
    free_c = PercentOff(id="freeC", percent_bp=10_000, scope=skus("C"))
    b1g1 = BuyXGetY(id="b1g1", buy=1, get=1)
    priced = price_cart(Cart().add(B, 2).add(C, 2), [free_c, b1g1], now=NOW)
    assert by_source(priced) == {(PROMOTION, "freeC"): 1600, (PROMOTION, "b1g1"): 5000}


def test_stackable_thresholds_apply_one_after_the_other_on_what_is_left():
    # 满100减10 leaves 90.00, which no longer reaches the second 满100减10
    first = Threshold(id="t1", threshold_fen=10000, amount_fen=1000, priority=1)
    second = Threshold(id="t2", threshold_fen=10000, amount_fen=1000, priority=2)
    assert by_source(price_cart(Cart().add(A), [first, second], now=NOW)) == {
        (PROMOTION, "t1"): 1000}


def test_vat_of_a_zero_rate_line_and_of_a_free_line_is_zero():
    untaxed = LineProduct("U", "U", "U", Unit.EACH, 1000, 0, "books")
    free_c = PercentOff(id="freeC", percent_bp=10_000, scope=skus("C"))
    cart = Cart().add(untaxed).add(C).add(A)
    priced = price_cart(cart, [free_c], now=NOW)
    # A: 10000 x 1300 / 11300 = 1150.44 -> 1150
    assert [line_vat(cart, priced)[line.line_id] for line in priced.lines] == [0, 0, 1150]


def test_scan_order_does_not_decide_which_line_gets_a_tied_fen():
    # Two lines of 0.01 each, one weighed (1 g at 10.00/kg) or at its catalog price, the
    # other from a 0.01 price label or overridden to 0.01; a cart discount of 0.01 is a tie
    # between them, which the lines' content decides, never the order of scanning.
    fen_kg = LineProduct("W", "W", "W", Unit.KG, 1000, 900, "fruit")
    fen = product("F", 1, "food")
    one_fen_off = ManualDiscount("r", amount_fen=1)

    def label_first(first: bool) -> dict:
        cart = Cart()
        for labelled in ((True, False) if first else (False, True)):
            cart = cart.add(fen_kg, 1, embedded_price_fen=1 if labelled else None, merge=False)
        priced = price_cart(cart.discount_cart(one_fen_off), now=NOW)
        return {cart.line(ln.line_id).embedded_price_fen: ln.discount_fen for ln in priced.lines}

    def override_first(first: bool) -> dict:
        cart = Cart().add(fen).add(fen, merge=False)
        cart = cart.override_price(1 if first else 2, 1, "r")
        priced = price_cart(cart.discount_cart(one_fen_off), now=NOW)
        return {cart.line(ln.line_id).price_override is not None: ln.discount_fen
                for ln in priced.lines}

    assert label_first(True) == label_first(False) == {None: 1, 1: 0}
    assert override_first(True) == override_first(False) == {False: 1, True: 0}


def test_the_last_fen_of_a_line_is_still_discountable():
    # stackable: 99.99 off, then 100 % of the 0.01 left
    priced = price_cart(Cart().add(A), [AmountOff(id="a", amount_fen=9999, priority=1),
                                        PercentOff(id="p", percent_bp=10_000, priority=2)],
                        now=NOW)
    assert by_source(priced) == {(PROMOTION, "a"): 9999, (PROMOTION, "p"): 1}
    # a threshold over a single 0.01 line
    fen = product("F", 1, "food")
    priced = price_cart(Cart().add(fen), [exclusive_threshold("t", 1, "F")], now=NOW)
    assert by_source(priced) == {(PROMOTION, "t"): 1}


def test_lines_differing_only_in_their_manual_discount_are_ordered_by_it():
    # 0.10 less 0.01, less 10 % or less 14 %: all 0.09, a tie for a 0.01 cart discount;
    # 0.10 with none or less 0.01 % (nothing): both 0.10, a tie again
    dime = product("D", 10, "food")
    cents, tenth = ManualDiscount("r", amount_fen=1), ManualDiscount("r", percent_bp=1000)
    fourteen, tiny = ManualDiscount("r", percent_bp=1400), ManualDiscount("r", percent_bp=1)

    def cart_fen(first, second) -> dict:  # type: ignore[no-untyped-def]
        cart = Cart().add(dime).add(dime, merge=False)
        cart = cart.discount_line(1, first) if first else cart
        cart = cart.discount_line(2, second) if second else cart
        priced = price_cart(cart.discount_cart(ManualDiscount("r", amount_fen=1)), now=NOW)
        return {cart.line(ln.line_id).discount: sum(
            d.amount_fen for d in ln.discounts if d.source.kind == CART_MANUAL)
            for ln in priced.lines}

    assert cart_fen(cents, tenth) == cart_fen(tenth, cents) == {tenth: 1, cents: 0}
    assert cart_fen(tenth, fourteen) == cart_fen(fourteen, tenth) == {tenth: 1, fourteen: 0}
    assert cart_fen(None, tiny) == cart_fen(tiny, None) == {None: 1, tiny: 0}


def test_a_coupon_discount_is_named_for_the_coupon_or_else_its_code():
    coupons = {"K1": Coupon(code="K1", amount_off_fen=100, name="新客立减"),
               "K2": Coupon(code="K2", amount_off_fen=100)}
    priced = price_cart(Cart().add(A).add_coupon("K1").add_coupon("K2"), now=NOW,
                        coupons=coupons)
    assert [(d.source.id, d.source.name) for d in priced.discounts] == [
        ("K1", "新客立减"), ("K2", "K2")]


def test_buy_x_get_y_frees_the_cheapest_units_not_the_cheapest_lines():
    # one unit at 10.00 and four at 3.00 (12.00 the line): buy one get one frees two 3.00s
    dear, cheap = product("X", 1000, "food"), product("Y", 300, "food")
    promo = BuyXGetY(id="b1g1", buy=1, get=1)
    priced = price_cart(Cart().add(dear).add(cheap, 4), [promo], now=NOW)
    assert by_source(priced) == {(PROMOTION, "b1g1"): 600}


def test_a_coupon_applies_to_a_line_with_a_single_fen_left():
    fen = product("F", 1, "food")
    coupons = {"K": Coupon(code="K", amount_off_fen=100)}
    priced = price_cart(Cart().add(fen).add_coupon("K"), now=NOW, coupons=coupons)
    assert priced.coupons_applied == ("K",) and priced.total_fen == 0


def test_an_amount_off_is_per_unit():
    priced = price_cart(Cart().add(B, 3), [AmountOff(id="a", amount_fen=150)], now=NOW)
    assert by_source(priced) == {(PROMOTION, "a"): 450}  # 3 x 1.50
