"""Cart state: adding, quantities, overrides, discounts, voids, limits and round-trips."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store_client.domain.cart import (
    Cart,
    CartError,
    CartErrorCode,
    CartLimits,
    LineProduct,
    ManualDiscount,
)
from store_client.domain.catalog import ProductInfo, Unit
from store_client.domain.money import Money

SHAMPOO = LineProduct("SKU1", "洗发水", "Shampoo", Unit.EACH, 3990, 1300, "care")
SOAP = LineProduct("SKU2", "香皂", "Soap", Unit.EACH, 450, 1300, "care")
APPLE = LineProduct("PLU00420", "苹果", "Apple", Unit.KG, 1280, 900, "fruit")


def codes(excinfo) -> CartErrorCode:
    return excinfo.value.code


def test_add_and_gross():
    cart = Cart().add(SHAMPOO, 2).add(APPLE, 1250)
    assert [line.line_id for line in cart.lines] == [1, 2]
    assert cart.lines[0].gross_fen == 2 * 3990
    assert cart.lines[1].gross_fen == 1600  # 12.80/kg x 1.25 kg
    assert cart.lines[1].measured_in_grams


def test_weighed_gross_rounds_half_up():
    # 12.80/kg x 3 g = 3.84 fen -> 4 ; 12.80/kg x 1 g = 1.28 -> 1 ; 15.00/kg x 1 g = 1.5 -> 2
    assert Cart().add(APPLE, 3).lines[0].gross_fen == 4
    assert Cart().add(APPLE, 1).lines[0].gross_fen == 1
    dear = LineProduct("PLU00001", "x", "x", Unit.KG, 1500, 900)
    assert Cart().add(dear, 1).lines[0].gross_fen == 2


def test_weighing_worth_less_than_a_fen_is_refused():
    cheap = LineProduct("PLU00002", "x", "x", Unit.KG, 150, 900)  # 1.50/kg x 3 g = 0.45 fen
    with pytest.raises(CartError) as exc:
        Cart().add(cheap, 3)
    assert codes(exc) is CartErrorCode.PRICE_NOT_POSITIVE
    cart = Cart().add(cheap, 100)
    with pytest.raises(CartError):
        cart.set_quantity(1, 3)
    assert cart.set_quantity(1, 4).lines[0].gross_fen == 1  # 0.6 fen -> 1


def test_repeat_scan_merges_only_into_the_last_plain_line():
    cart = Cart().add(SHAMPOO).add(SHAMPOO)
    assert len(cart.lines) == 1 and cart.lines[0].quantity == 2
    cart = cart.add(SOAP).add(SHAMPOO)
    assert [ln.quantity for ln in cart.lines] == [2, 1, 1]
    assert len(Cart().add(SHAMPOO).add(SHAMPOO, merge=False).lines) == 2
    assert len(Cart().add(APPLE, 100).add(APPLE, 100).lines) == 2  # weighings never merge


def test_add_from_catalog_product():
    info = ProductInfo(7, "SKU9", "牙膏", "Toothpaste", "care", Unit.EACH, Money(1250), 1300, True,
                       ("6901234567892",))
    line = Cart().add(info).lines[0]
    snapshot = line.product
    assert (snapshot.sku, snapshot.unit_price_fen, snapshot.tax_rate_bp) == ("SKU9", 1250, 1300)
    with pytest.raises(CartError) as exc:
        Cart().add(ProductInfo(8, "OLD", "旧", "Old", "x", Unit.EACH, Money(100), 0, False, ()))
    assert codes(exc) is CartErrorCode.INACTIVE_PRODUCT


def test_embedded_price_line():
    cart = Cart().add(APPLE, 1, embedded_price_fen=799)
    line = cart.lines[0]
    assert not line.measured_in_grams and line.gross_fen == 799
    assert cart.set_quantity(1, 2).lines[0].gross_fen == 1598


@pytest.mark.parametrize("quantity", [0, -1, True, 1.5, "2", None])
def test_bad_quantities_are_refused(quantity):
    with pytest.raises(CartError) as exc:
        Cart().add(SHAMPOO, quantity)
    assert codes(exc) is CartErrorCode.QUANTITY_NOT_POSITIVE


def test_quantity_limits():
    limits = CartLimits(max_quantity=10, max_weight_grams=5000, max_lines=2)
    cart = Cart(limits=limits).add(SHAMPOO, 10)
    with pytest.raises(CartError) as exc:
        cart.add(SHAMPOO)  # merging would make 11
    assert codes(exc) is CartErrorCode.QUANTITY_TOO_LARGE
    with pytest.raises(CartError) as exc:
        cart.set_quantity(1, 11)
    assert codes(exc) is CartErrorCode.QUANTITY_TOO_LARGE
    with pytest.raises(CartError) as exc:
        cart.add(APPLE, 5001)
    assert codes(exc) is CartErrorCode.QUANTITY_TOO_LARGE
    cart = cart.add(APPLE, 5000)
    with pytest.raises(CartError) as exc:
        cart.add(SOAP)
    assert codes(exc) is CartErrorCode.TOO_MANY_LINES
    assert len(cart.void_line(2, "wrong item").add(SOAP).active_lines) == 2


@pytest.mark.parametrize("price", [0, -100, True, 10_000_001])
def test_zero_negative_or_absurd_prices_are_refused(price):
    with pytest.raises(CartError) as exc:
        Cart().add(LineProduct("X", "x", "x", Unit.EACH, price, 0))
    assert codes(exc) in (CartErrorCode.PRICE_NOT_POSITIVE, CartErrorCode.PRICE_TOO_LARGE)
    with pytest.raises(CartError):
        Cart().add(SHAMPOO).override_price(1, price, "damaged")
    with pytest.raises(CartError):
        Cart().add(APPLE, 1, embedded_price_fen=price)


def test_override_needs_reason_and_changes_price():
    cart = Cart().add(SHAMPOO, 2)
    with pytest.raises(CartError) as exc:
        cart.override_price(1, 3000, "  ")
    assert codes(exc) is CartErrorCode.REASON_REQUIRED
    cart = cart.override_price(1, 3000, "damaged box", approved_by="mgr1")
    assert cart.lines[0].gross_fen == 6000
    assert cart.lines[0].price_override.approved_by == "mgr1"
    assert cart.clear_override(1).lines[0].gross_fen == 7980


def test_void_line_and_voided_line_is_frozen():
    cart = Cart().add(SHAMPOO).add(SOAP).void_line(1, "customer changed mind")
    assert [ln.line_id for ln in cart.active_lines] == [2]
    for change in (lambda c: c.set_quantity(1, 3), lambda c: c.void_line(1, "again"),
                   lambda c: c.override_price(1, 100, "x")):
        with pytest.raises(CartError) as exc:
            change(cart)
        assert codes(exc) is CartErrorCode.LINE_VOIDED
    with pytest.raises(CartError) as exc:
        cart.set_quantity(99, 1)
    assert codes(exc) is CartErrorCode.UNKNOWN_LINE
    assert Cart().add(SHAMPOO).void_line(1, "x").is_empty


@pytest.mark.parametrize("kwargs", [
    {}, {"amount_fen": 100, "percent_bp": 100}, {"amount_fen": 0}, {"amount_fen": -5},
    {"percent_bp": 0}, {"percent_bp": 10_001}, {"amount_fen": 1.5},
])
def test_bad_manual_discounts(kwargs):
    with pytest.raises(CartError) as exc:
        ManualDiscount("loyal customer", **kwargs)
    assert codes(exc) is CartErrorCode.BAD_DISCOUNT
    with pytest.raises(CartError):
        ManualDiscount("", amount_fen=100)


def test_manual_discount_amount_is_capped_by_net():
    assert ManualDiscount("r", amount_fen=500).amount_on(300) == 300
    assert ManualDiscount("r", percent_bp=1250).amount_on(1003) == 125  # 125.375
    assert ManualDiscount("r", percent_bp=5000).amount_on(3) == 2  # 1.5 -> 2
    assert ManualDiscount("r", percent_bp=10000).amount_on(0) == 0


def test_refused_change_leaves_cart_untouched():
    cart = Cart().add(SHAMPOO, 3)
    before = cart.to_dict()
    with pytest.raises(CartError):
        cart.set_quantity(1, 0)
    assert cart.to_dict() == before


def test_member_and_coupons():
    cart = Cart().attach_member("M1").add_coupon(" CP1 ").add_coupon("CP1").add_coupon("CP2")
    assert cart.member_id == "M1" and cart.coupon_codes == ("CP1", "CP2")
    assert cart.remove_coupon("CP1").coupon_codes == ("CP2",)
    assert cart.attach_member(None).member_id is None
    for bad in ("", "  "):
        with pytest.raises(CartError):
            cart.attach_member(bad)
        with pytest.raises(CartError):
            cart.add_coupon(bad)


def _busy_cart() -> Cart:
    return (Cart().add(SHAMPOO, 2).add(APPLE, 1250).add(APPLE, 1, embedded_price_fen=555)
            .add(SOAP, 3).override_price(4, 400, "promo sticker", "mgr")
            .discount_line(1, ManualDiscount("scratch", amount_fen=200))
            .void_line(2, "wrong").attach_member("M7").add_coupon("CPX")
            .discount_cart(ManualDiscount("birthday", percent_bp=500, approved_by="mgr")))


def test_round_trip_through_json():
    cart = _busy_cart()
    data = json.loads(json.dumps(cart.to_dict()))
    assert Cart.from_dict(data) == cart


@pytest.mark.parametrize("corrupt", [
    lambda d: d.update(version=2),
    lambda d: d.pop("lines"),
    lambda d: d["lines"][0].update(quantity=0),
    lambda d: d["lines"][0].update(quantity="2"),
    lambda d: d["lines"][0]["product"].update(unit_price_fen=0),
    lambda d: d["lines"][0]["product"].update(unit="litre"),
    lambda d: d["lines"][0]["product"].update(tax_rate_bp=-1),
    lambda d: d["lines"][1].update(line_id=1),
    lambda d: d.update(next_line_id=2),
    lambda d: d["lines"][3]["price_override"].update(reason=""),
    lambda d: d["lines"][0]["discount"].update(amount_fen=-1),
    lambda d: d.update(coupon_codes="CPX"),
    lambda d: d.update(member_id=5),
    lambda d: d["lines"][0].update(voided="no"),
    lambda d: d["lines"][0]["product"].update(sku=None),
])
def test_corrupt_stored_cart_is_refused(corrupt):
    data = json.loads(json.dumps(_busy_cart().to_dict()))
    corrupt(data)
    with pytest.raises(CartError) as exc:
        Cart.from_dict(data)
    assert codes(exc) is CartErrorCode.BAD_DATA


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([SHAMPOO, SOAP, APPLE]), st.integers(-5, 1200),
                          st.booleans()), max_size=25))
def test_random_operations_keep_cart_valid_and_round_trippable(ops):
    cart = Cart(limits=CartLimits(max_quantity=50, max_weight_grams=1000, max_lines=10))
    for product, quantity, void in ops:
        try:
            cart = cart.add(product, quantity)
            if void:
                cart = cart.void_line(cart.lines[-1].line_id, "test")
        except CartError:
            pass
        for line in cart.active_lines:
            limit = 1000 if line.measured_in_grams else 50
            assert 0 < line.quantity <= limit and line.gross_fen >= 0
        assert len(cart.active_lines) <= 10
    assert Cart.from_dict(json.loads(json.dumps(cart.to_dict())), cart.limits) == cart


def test_a_new_line_extends_the_active_lines_it_was_added_to():
    """Cart.add hands the new cart its active lines (the old ones and the new line) instead
    of finding them again: they must be what a fresh look finds, voids included."""
    cart = Cart().add(SHAMPOO).add(SOAP, merge=False)
    cart = cart.void_line(cart.lines[0].line_id, "r").add(APPLE, 500).add(SOAP, merge=False)
    fresh = Cart(lines=cart.lines, next_line_id=cart.next_line_id)
    assert cart.active_lines == fresh.active_lines == tuple(ln for ln in cart.lines if not ln.voided)
    assert [ln.product.sku for ln in cart.active_lines] == ["SKU2", "PLU00420", "SKU2"]
