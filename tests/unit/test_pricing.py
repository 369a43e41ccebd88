"""Pricing engine examples: each expected figure is worked out by hand in a comment."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from store_client.domain.cart import Cart, LineProduct, ManualDiscount
from store_client.domain.catalog import Unit
from store_client.domain.coupons import Coupon, RefusalReason
from store_client.domain.vat import line_vat
from store_client.domain.ledger import CART_MANUAL, COUPON, LINE_MANUAL, PROMOTION
from store_client.domain.pricing import PromotionBook, price_cart
from store_client.domain.promotions import (
    AmountOff,
    BuyXGetY,
    MemberPrice,
    PercentOff,
    PromotionError,
    Scope,
    Stage,
    Threshold,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def product(sku: str, price: int, *, rate: int = 1300, cat: str = "c", unit: Unit = Unit.EACH):
    return LineProduct(sku, sku, sku, unit, price, rate, cat)


A = product("A", 10000, cat="food")
B = product("B", 5000, cat="care")
C = product("C", 800, cat="care")
KG = product("PLU00001", 2000, cat="fruit", unit=Unit.KG, rate=900)


def skus(*names: str) -> Scope:
    return Scope(skus=frozenset(names))


def by_source(priced):
    return {(d.source.kind, d.source.id): d.amount_fen for d in priced.discounts}


def test_no_promotions_totals_and_vat_per_rate():
    cart = Cart().add(A).add(KG, 500)
    priced = price_cart(cart, now=NOW)
    # A 100.00 at 13 %: VAT = 10000 * 1300 / 11300 = 1150.44 -> 1150
    # KG 20.00/kg x 0.5 kg = 10.00 at 9 %: VAT = 1000 * 900 / 10900 = 82.57 -> 83
    assert (priced.gross_fen, priced.discount_fen, priced.total_fen) == (11000, 0, 11000)
    assert [(v.rate_bp, v.net_fen, v.vat_fen) for v in priced.vat] == [(900, 1000, 83),
                                                                        (1300, 10000, 1150)]
    assert [line_vat(cart, priced)[line.line_id] for line in priced.lines] == [1150, 83]


def test_stackable_percentages_compound_in_priority_order():
    promos = [PercentOff(id="p10", percent_bp=1000, priority=1),
              PercentOff(id="p5", percent_bp=500, priority=2)]
    priced = price_cart(Cart().add(A), promos, now=NOW)
    # 10 % of 10000 = 1000, then 5 % of 9000 = 450
    assert by_source(priced) == {(PROMOTION, "p10"): 1000, (PROMOTION, "p5"): 450}
    assert priced.total_fen == 8550


@pytest.mark.parametrize("first, expected_total", [("amount", 10000 - 100 - 990),
                                                   ("percent", 10000 - 1000 - 100)])
def test_priority_decides_order(first, expected_total):
    # amount first: 100 off, then 10 % of 9900 = 990 ; percent first: 1000, then 100
    promos = [AmountOff(id="amt", amount_fen=100, priority=1 if first == "amount" else 2),
              PercentOff(id="pct", percent_bp=1000, priority=2 if first == "amount" else 1)]
    assert price_cart(Cart().add(A), promos, now=NOW).total_fen == expected_total


@pytest.mark.parametrize("exclusive_bp, winner", [(2000, "excl"), (1200, "stack"), (1450, "stack")])
def test_best_for_customer_between_exclusive_and_stack(exclusive_bp, winner):
    promos = [PercentOff(id="p10", percent_bp=1000, priority=1),
              PercentOff(id="p5", percent_bp=500, priority=2),
              PercentOff(id="excl", percent_bp=exclusive_bp, exclusive=True, priority=3)]
    found = by_source(price_cart(Cart().add(A), promos, now=NOW))
    if winner == "excl":  # 20 % = 2000 beats 1000 + 450
        assert found == {(PROMOTION, "excl"): 2000}
    else:  # 12 % = 1200 loses to 1450; a tie at 1450 goes to the stack
        assert found == {(PROMOTION, "p10"): 1000, (PROMOTION, "p5"): 450}


def test_exclusive_is_chosen_per_line():
    promos = [PercentOff(id="all10", percent_bp=1000),
              PercentOff(id="b30", percent_bp=3000, exclusive=True, scope=skus("B"))]
    priced = price_cart(Cart().add(A).add(B), promos, now=NOW)
    # A: 10 % = 1000 ; B: exclusive 30 % = 1500 beats 10 % = 500
    assert [[(d.source.id, d.amount_fen) for d in ln.discounts] for ln in priced.lines] == [
        [("all10", 1000)], [("b30", 1500)]]


def test_date_window_is_start_inclusive_end_exclusive():
    promo = PercentOff(id="w", percent_bp=1000, starts=NOW, ends=NOW + timedelta(days=1))
    cart = Cart().add(A)
    assert price_cart(cart, [promo], now=NOW).total_fen == 9000
    assert price_cart(cart, [promo], now=NOW - timedelta(microseconds=1)).total_fen == 10000
    assert price_cart(cart, [promo], now=NOW + timedelta(days=1)).total_fen == 10000


def test_member_only_and_member_prices():
    promos = [PercentOff(id="m5", percent_bp=500, member_only=True),
              MemberPrice(id="mp", prices={"A": 9000, "PLU00001": 1500})]
    cart = Cart().add(A, 2).add(KG, 750)
    assert price_cart(cart, promos, now=NOW).total_fen == 20000 + 1500  # no member, no discount
    priced = price_cart(cart.attach_member("M1"), promos, now=NOW)
    # A: 2 x 90.00 = 18000 (2000 off), then 5 % = 900 ; KG: 0.75 kg at 15.00 = 1125
    # (375 off from 1500), then 5 % of 1125 = 56.25 -> 56
    assert by_source(priced) == {(PROMOTION, "mp"): 2375, (PROMOTION, "m5"): 956}
    assert priced.total_fen == 21500 - 2375 - 956


def test_amount_off_per_kg_and_capped_at_line():
    promos = [AmountOff(id="kg", amount_fen=300, scope=skus("PLU00001")),
              AmountOff(id="big", amount_fen=99999, scope=skus("C"))]
    priced = price_cart(Cart().add(KG, 1333).add(C, 2), promos, now=NOW)
    # KG: 3.00/kg x 1.333 kg = 399.9 -> 400 ; C: capped at its gross 1600
    assert [ln.net_fen for ln in priced.lines] == [2666 - 400, 0]


def test_threshold_once_repeat_and_cap():
    cart = Cart().add(A, 2).add(B)  # 25000
    once = Threshold(id="t", threshold_fen=10000, amount_fen=2000)
    assert price_cart(cart, [once], now=NOW).total_fen == 23000
    every = Threshold(id="t", threshold_fen=10000, amount_fen=2000, repeat=True)
    assert price_cart(cart, [every], now=NOW).total_fen == 25000 - 2 * 2000
    capped = Threshold(id="t", threshold_fen=5000, amount_fen=1000, repeat=True, max_times=3)
    assert price_cart(cart, [capped], now=NOW).total_fen == 25000 - 3000
    assert price_cart(Cart().add(B), [once], now=NOW).total_fen == 5000  # below threshold


def test_threshold_is_allocated_by_largest_remainder():
    priced = price_cart(Cart().add(A).add(B),
                        [Threshold(id="t", threshold_fen=10000, amount_fen=2000)], now=NOW)
    # 2000 x 10000/15000 = 1333.33, 2000 x 5000/15000 = 666.67 -> 1333 + 667
    assert [ln.discount_fen for ln in priced.lines] == [1333, 667]


def test_threshold_counts_the_net_after_item_discounts():
    promos = [PercentOff(id="p", percent_bp=1000, scope=skus("A")),
              Threshold(id="t", threshold_fen=10000, amount_fen=2000)]
    assert price_cart(Cart().add(A), promos, now=NOW).total_fen == 9000  # 9000 < 10000


def test_buy_two_get_one_frees_the_cheapest():
    promo = BuyXGetY(id="b2g1", buy=2, get=1, scope=Scope(categories=frozenset({"care", "food"})))
    priced = price_cart(Cart().add(A).add(B).add(C), [promo], now=NOW)
    assert by_source(priced) == {(PROMOTION, "b2g1"): 800}
    priced = price_cart(Cart().add(A, 2).add(B, 2).add(C, 2), [promo], now=NOW)
    assert by_source(priced) == {(PROMOTION, "b2g1"): 1600}  # 6 units: both C free
    priced = price_cart(Cart().add(A, 3).add(B, 2).add(C), [promo], now=NOW)
    assert by_source(priced) == {(PROMOTION, "b2g1"): 800 + 5000}  # C and one B
    assert price_cart(Cart().add(A).add(B), [promo], now=NOW).discount_fen == 0


def test_buy_x_get_y_partial_line_rounds_once():
    odd = product("D", 1000)
    promo = BuyXGetY(id="b", buy=1, get=1, scope=skus("D"))
    pct = PercentOff(id="p", percent_bp=3333, scope=skus("D"))
    priced = price_cart(Cart().add(odd, 3), [pct, promo], now=NOW)
    # 3000 - 33.33 % = 3000 - 999.9 -> 1000 ; net 2000 for 3 units; 1 unit free = 666.67 -> 667
    assert by_source(priced) == {(PROMOTION, "p"): 1000, (PROMOTION, "b"): 667}


def test_weighed_lines_do_not_count_for_buy_x_get_y():
    promo = BuyXGetY(id="b", buy=1, get=1)
    assert price_cart(Cart().add(KG, 1000).add(KG, 1000, merge=False), [promo],
                      now=NOW).discount_fen == 0


def test_exclusive_group_promotion_greedy():
    # stackable 满100减10 on everything vs exclusive 满50减15 on care only.
    stack = Threshold(id="all", threshold_fen=10000, amount_fen=1000)
    care = Threshold(id="care", threshold_fen=5000, amount_fen=1500, exclusive=True,
                     scope=Scope(categories=frozenset({"care"})))
    priced = price_cart(Cart().add(A).add(B), [stack, care], now=NOW)
    # stack alone: 15000 >= 10000 -> 1000. care + stack on the rest: 1500 + (A 10000 -> 1000) = 2500
    assert by_source(priced) == {(PROMOTION, "care"): 1500, (PROMOTION, "all"): 1000}
    priced = price_cart(Cart().add(product("A2", 9000, cat="food")).add(B), [stack, care], now=NOW)
    # care (1500) + stack on 9000 only (nothing) = 1500 > stack alone 1000
    assert by_source(priced) == {(PROMOTION, "care"): 1500}
    weak = Threshold(id="care", threshold_fen=5000, amount_fen=500, exclusive=True,
                     scope=Scope(categories=frozenset({"care"})))
    priced = price_cart(Cart().add(product("A2", 9000, cat="food")).add(B), [stack, weak], now=NOW)
    assert by_source(priced) == {(PROMOTION, "all"): 1000}  # 1000 beats 500 + 0


def test_override_takes_no_promotion_but_coupons_and_manual_apply():
    cart = (Cart().add(A).override_price(1, 8000, "price match")
            .add_coupon("C1").discount_cart(ManualDiscount("vip", amount_fen=100)))
    promos = [PercentOff(id="p", percent_bp=5000), Threshold(id="t", threshold_fen=1, amount_fen=7)]
    coupons = {"C1": Coupon(code="C1", amount_off_fen=500)}
    priced = price_cart(cart, promos, now=NOW, coupons=coupons)
    assert by_source(priced) == {(COUPON, "C1"): 500, (CART_MANUAL, "manual"): 100}
    assert priced.total_fen == 7400


def test_manual_line_discount_after_items_and_cart_discount_last():
    cart = (Cart().add(A).add(B).discount_line(1, ManualDiscount("scuff", percent_bp=1000))
            .discount_cart(ManualDiscount("vip", percent_bp=1000)))
    priced = price_cart(cart, [AmountOff(id="a", amount_fen=1000, scope=skus("A"))], now=NOW)
    # A: 10000 - 1000 = 9000, manual 10 % = 900 -> 8100 ; cart 10 % of (8100 + 5000) = 1310
    assert by_source(priced) == {(PROMOTION, "a"): 1000, (LINE_MANUAL, "manual"): 900,
                                 (CART_MANUAL, "manual"): 1310}
    assert priced.total_fen == 13100 - 1310


def test_coupons_refusals_and_application_order():
    coupons = {
        "OK": Coupon(code="OK", amount_off_fen=1000, min_spend_fen=5000),
        "PCT": Coupon(code="PCT", percent_off_bp=1000, max_discount_fen=300),
        "OLD": Coupon(code="OLD", amount_off_fen=100, valid_until=NOW),
        "USED": Coupon(code="USED", amount_off_fen=100),
        "HIS": Coupon(code="HIS", amount_off_fen=100, member_id="M2"),
        "FRUIT": Coupon(code="FRUIT", amount_off_fen=100,
                        scope=Scope(categories=frozenset({"fruit"}))),
        "BIG": Coupon(code="BIG", amount_off_fen=100, min_spend_fen=20000),
    }
    cart = Cart().add(A).attach_member("M1")
    for code in ("OK", "PCT", "OLD", "USED", "HIS", "FRUIT", "BIG", "NOPE"):
        cart = cart.add_coupon(code)
    priced = price_cart(cart, now=NOW, coupons=coupons, used_coupon_codes={"USED"})
    # OK: 1000 ; PCT: 10 % of 9000 = 900 capped at 300
    assert priced.coupons_applied == ("OK", "PCT")
    assert priced.total_fen == 10000 - 1000 - 300
    reasons = {r.code: r.reason for r in priced.coupon_refusals}
    assert reasons == {"OLD": RefusalReason.EXPIRED, "USED": RefusalReason.ALREADY_USED,
                       "HIS": RefusalReason.WRONG_MEMBER, "FRUIT": RefusalReason.NOT_APPLICABLE,
                       "BIG": RefusalReason.BELOW_THRESHOLD, "NOPE": RefusalReason.UNKNOWN}
    below = next(r for r in priced.coupon_refusals if r.code == "BIG")
    assert "113.00" in below.message  # needs 200.00, has 87.00


def test_coupon_min_spend_uses_net_after_promotions():
    coupons = {"C": Coupon(code="C", amount_off_fen=500, min_spend_fen=10000)}
    cart = Cart().add(A).add_coupon("C")
    assert price_cart(cart, now=NOW, coupons=coupons).coupons_applied == ("C",)
    priced = price_cart(cart, [PercentOff(id="p", percent_bp=100)], now=NOW, coupons=coupons)
    assert priced.coupon_refusals[0].reason is RefusalReason.BELOW_THRESHOLD


def test_voided_lines_are_not_priced():
    priced = price_cart(Cart().add(A).add(B).void_line(1, "x"), now=NOW)
    assert [ln.line_id for ln in priced.lines] == [2] and priced.total_fen == 5000


def test_everything_free_gives_zero_not_negative():
    cart = Cart().add(C).discount_cart(ManualDiscount("x", amount_fen=5000)).add_coupon("K")
    promos = [PercentOff(id="all", percent_bp=10000),
              Threshold(id="t", threshold_fen=1, amount_fen=9)]
    priced = price_cart(cart, promos, now=NOW, coupons={"K": Coupon(code="K", amount_off_fen=1)})
    assert priced.total_fen == 0 and priced.lines[0].net_fen == 0
    assert priced.coupon_refusals[0].reason is RefusalReason.NOT_APPLICABLE
    assert all(v.vat_fen == 0 for v in priced.vat)


def test_bad_engine_input():
    with pytest.raises(ValueError):
        price_cart(Cart().add(A), now=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="duplicate"):
        price_cart(Cart().add(A),
                   [PercentOff(id="x", percent_bp=1), AmountOff(id="x", amount_fen=1)], now=NOW)


@pytest.mark.parametrize("make", [
    lambda: PercentOff(id="x", percent_bp=0), lambda: PercentOff(id="x", percent_bp=10001),
    lambda: AmountOff(id="x", amount_fen=-1), lambda: AmountOff(id="", amount_fen=1),
    lambda: BuyXGetY(id="x", buy=0, get=1),
    lambda: Threshold(id="x", threshold_fen=0, amount_fen=1),
    lambda: Threshold(id="x", threshold_fen=1, amount_fen=1, max_times=0),
    lambda: MemberPrice(id="x", prices={"A": 0}),
    lambda: MemberPrice(id="x", prices={}, member_only=False),
    lambda: PercentOff(id="x", percent_bp=1, starts=datetime(2026, 1, 1)),
    lambda: PercentOff(id="x", percent_bp=1, starts=NOW, ends=NOW),
])
def test_bad_promotions_are_refused(make):
    with pytest.raises(PromotionError):
        make()


def test_two_member_prices_give_the_lowest_not_the_sum():
    promos = [MemberPrice(id="m1", prices={"A": 9000}, priority=1),
              MemberPrice(id="m2", prices={"A": 8000}, priority=2)]
    priced = price_cart(Cart().add(A).attach_member("M1"), promos, now=NOW)
    # 10000 -> 9000 (m1: 1000), then 9000 -> 8000 (m2: 1000); never below 80.00
    assert priced.total_fen == 8000
    assert by_source(priced) == {(PROMOTION, "m1"): 1000, (PROMOTION, "m2"): 1000}


def test_promotion_book_gives_the_same_prices_as_a_plain_list_as_things_change():
    promos = [PercentOff(id="day", percent_bp=1000, starts=NOW, ends=NOW + timedelta(hours=1)),
              PercentOff(id="mem", percent_bp=500, member_only=True, scope=skus("A")),
              Threshold(id="t", threshold_fen=12000, amount_fen=700),
              BuyXGetY(id="b", buy=1, get=1, scope=skus("C"))]
    book = PromotionBook(promos)
    carts = [Cart().add(A).add(C, 2), Cart().add(A).add(B).attach_member("M1"), Cart().add(C, 3)]
    for moment in (NOW - timedelta(minutes=1), NOW, NOW + timedelta(hours=2), NOW):
        for cart in carts:
            assert price_cart(cart, book, now=moment) == price_cart(cart, promos, now=moment)
    with pytest.raises(ValueError, match="duplicate"):
        PromotionBook([PercentOff(id="x", percent_bp=1), PercentOff(id="x", percent_bp=2)])


def test_once_per_member_coupon_in_pricing():
    coupons = {"W": Coupon(code="W", amount_off_fen=500, single_use=False, once_per_member=True)}
    cart = Cart().add(A).add_coupon("W")
    used = {("W", "M1")}
    assert price_cart(cart.attach_member("M2"), now=NOW, coupons=coupons,
                      used_coupon_members=used).total_fen == 9500
    refused = price_cart(cart.attach_member("M1"), now=NOW, coupons=coupons,
                         used_coupon_members=used)
    assert refused.total_fen == 10000
    assert refused.coupon_refusals[0].reason is RefusalReason.ALREADY_USED


@pytest.mark.parametrize("seed", range(40))
def test_booking_many_lines_books_exactly_what_the_line_by_line_loop_books(seed):
    """_Ledger.book books what booking each line in turn books: the nets, a new tuple per
    booked line (the earlier one is shared), the discount entries in order, zero amounts
    skipped, the source's running total."""
    import random

    from store_client.domain.ledger import PROMOTION, DiscountSource, LineDiscount, _Ledger

    rnd = random.Random(seed)
    size = rnd.randrange(1, 60)
    source = DiscountSource(PROMOTION, "P1", "满100减10")
    earlier = DiscountSource(PROMOTION, "P0", "9 折")
    ledger = _Ledger(())
    ledger.net = [rnd.randrange(0, 5000) for _ in range(size)]
    shared = (LineDiscount(earlier, 5),)
    ledger.booked = [shared if rnd.random() < 0.5 else () for _ in range(size)]
    ledger.totals = {earlier: 7}
    positions = rnd.sample(range(size), rnd.randrange(0, size + 1))
    amounts = {i: (0 if rnd.random() < 0.2 else rnd.randrange(0, ledger.net[i] + 1)) for i in positions}
    want_net, want_booked = list(ledger.net), list(ledger.booked)
    for i, amount in amounts.items():
        if amount:
            want_net[i] -= amount
            want_booked[i] = (*want_booked[i], LineDiscount(source, amount))
    total = sum(amounts.values())
    ledger.book(source, amounts)
    assert ledger.net == want_net
    assert ledger.booked == want_booked
    assert all(type(d) is LineDiscount for b in ledger.booked for d in b)
    assert all(type(b) is tuple for b in ledger.booked)
    assert shared == (LineDiscount(earlier, 5),)
    assert ledger.totals == ({earlier: 7, source: total} if total else {earlier: 7})


@pytest.mark.parametrize("size", [3, 40])
def test_booking_more_than_a_line_has_left_is_refused(size):
    from store_client.domain.ledger import PROMOTION, DiscountSource, _Ledger

    ledger = _Ledger(())
    ledger.net = [100] * size
    ledger.booked = [[] for _ in range(size)]
    with pytest.raises(AssertionError, match="outside"):
        ledger.book(DiscountSource(PROMOTION, "P", "P"), {i: (101 if i == size - 1 else 1) for i in range(size)})
    with pytest.raises(AssertionError, match="outside"):
        ledger.book(DiscountSource(PROMOTION, "P", "P"), {i: (-1 if i == 0 else 1) for i in range(size)})


@pytest.mark.parametrize("size", [3, 40])
def test_a_holding_ledger_moves_the_nets_only_and_refuses_what_a_line_has_not_left(size):
    """Held (the whole sale's discounts on the screen's sale), a booking lowers the nets and
    counts in the source's total, but books no line; it is refused as a booking is."""
    from store_client.domain.ledger import PROMOTION, DiscountSource, LineDiscount, _HoldingLedger

    earlier = DiscountSource(PROMOTION, "P0", "9 折")
    held = DiscountSource(PROMOTION, "T", "满100减10")
    ledger = _HoldingLedger()
    ledger.net, ledger.booked = [100] * size, [()] * size
    ledger.book(earlier, {0: 10})  # not held yet: booked on its line
    ledger.hold()
    ledger.book(held, {i: i % 3 for i in range(size)})
    assert ledger.net == [100 - 10] + [100 - i % 3 for i in range(1, size)]
    assert ledger.booked == [(LineDiscount(earlier, 10),)] + [()] * (size - 1)
    assert ledger.totals == {earlier: 10, held: sum(i % 3 for i in range(size))}
    ledger.book(held, {0: 0})  # nothing: no total moves
    assert ledger.totals[held] == sum(i % 3 for i in range(size))
    with pytest.raises(AssertionError, match="outside"):
        ledger.book(held, {size - 1: 101})
    with pytest.raises(AssertionError, match="below 0"):
        ledger.book(held, {0: -1})


def test_line_vat_refuses_the_prices_of_another_cart():
    cart = Cart().add(A).add(KG, 500)
    priced = price_cart(cart, now=NOW)
    with pytest.raises(ValueError):
        line_vat(cart.add(A), priced)
    with pytest.raises(ValueError):
        line_vat(Cart().add(A), priced)


def test_the_promotions_in_force_change_exactly_at_a_start_or_an_end():
    """The book keeps the set in force between two boundaries: each side of each boundary,
    for members and not, it is what the promotions themselves say."""
    tick = timedelta(microseconds=1)
    promos = [PercentOff(id="day", percent_bp=1000, starts=NOW, ends=NOW + timedelta(hours=1)),
              PercentOff(id="mem", percent_bp=500, member_only=True, starts=NOW + timedelta(minutes=30)),
              PercentOff(id="always", percent_bp=100)]
    book = PromotionBook(promos)
    moments = [NOW - tick, NOW, NOW + tick, NOW + timedelta(minutes=30) - tick,
               NOW + timedelta(minutes=30), NOW + timedelta(hours=1) - tick,
               NOW + timedelta(hours=1), NOW, NOW - tick, NOW + timedelta(days=9)]
    for moment in moments:
        for member in (False, True):
            wanted = {p.id for p in promos if p.active(moment, member)}
            index = book.index(moment, member)
            assert {p.id for stage in Stage for p in index.stage_promotions(stage)} == wanted
