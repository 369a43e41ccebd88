"""Bad input: each refusal is a clear ServiceError and leaves the stored cart unchanged."""

from __future__ import annotations

import pytest
from checkout_seed import (
    COOKER,
    MEMBER,
    OTHER_MEMBER,
    RETIRED,
    SHAMPOO,
    TOOTHPASTE,
    WATER,
    apple_weight_code,
    ean13,
)
from sqlalchemy import select

from store_client.persistence.models import CartRow
from store_client.services.checkout import ScanRejected
from store_client.services.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    ServiceError,
)

PAYCODE = "134567890123456789"


def stored(shop):  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        row = s.scalars(select(CartRow).where(CartRow.status == "active")).one()
        return row.version, row.data


@pytest.fixture
def rung(shop):  # type: ignore[no-untyped-def]
    shop.checkout.scan(shop.cashier, SHAMPOO)
    shop.checkout.scan(shop.cashier, TOOTHPASTE)
    return shop


def refused(shop, call, error=ServiceError, match=None):  # type: ignore[no-untyped-def]
    before = stored(shop)
    view_before = shop.checkout.current_cart(shop.cashier)
    with pytest.raises(error, match=match) as info:
        call()
    assert str(info.value).strip()
    assert stored(shop) == before
    assert shop.checkout.current_cart(shop.cashier) == view_before
    return info.value


def test_unknown_barcode_offers_search(rung):
    unknown = ean13("690999999999")
    err = refused(rung, lambda: rung.checkout.scan(rung.cashier, unknown), ScanRejected)
    assert err.offer_search and err.reason == "unknown_product"
    err = refused(rung, lambda: rung.checkout.scan(rung.cashier, "hello world"), ScanRejected)
    assert err.offer_search and err.reason == "unknown_format"


def test_bad_check_digit(rung):
    bad = SHAMPOO[:-1] + str((int(SHAMPOO[-1]) + 1) % 10)
    err = refused(rung, lambda: rung.checkout.scan(rung.cashier, bad), ScanRejected,
                  match="check digit")
    assert err.reason == "bad_check_digit"


def test_inactive_product_and_weight_label_on_unit_item(rung):
    refused(rung, lambda: rung.checkout.scan(rung.cashier, RETIRED), InvalidInput,
            match="not on sale")


def test_quantity_over_maximum_and_not_positive(rung):
    line = rung.checkout.current_cart(rung.cashier).lines[0].line_id
    refused(rung, lambda: rung.checkout.set_quantity(rung.cashier, line, 1000), InvalidInput,
            match="maximum")
    refused(rung, lambda: rung.checkout.set_quantity(rung.cashier, line, 0), InvalidInput)
    refused(rung, lambda: rung.checkout.set_quantity(rung.cashier, "x9", 2), InvalidInput)
    refused(rung, lambda: rung.checkout.set_quantity(rung.cashier, "99", 2), InvalidInput)
    refused(rung, lambda: rung.checkout.scan(rung.cashier, apple_weight_code(60000)),
            InvalidInput, match="maximum")


def test_zero_or_negative_price_override(rung):
    line = rung.checkout.current_cart(rung.cashier).lines[0].line_id
    for price in (0, -100):
        refused(rung, lambda p=price: rung.checkout.override_price(
            rung.cashier, line, p, "damaged box", rung.grant("price.override")),
            InvalidInput, match="above zero")
    refused(rung, lambda: rung.checkout.override_price(rung.cashier, line, 100, "  "),
            InvalidInput, match="reason")


@pytest.mark.parametrize("code, member, match", [
    ("EXPIRED-10", None, "expired"),
    ("FOR-M2-5", MEMBER, "another member"),
    ("FOR-M2-5", None, "attach that member"),
    ("BEAUTY-ONLY", None, "applies to nothing"),
    ("NO-SUCH-COUPON", None, "not known"),
])
def test_coupon_refusals(rung, code, member, match):
    if member:
        rung.checkout.attach_member(rung.cashier, member)
    refused(rung, lambda: rung.checkout.apply_coupon(rung.cashier, code), InvalidInput,
            match=match)


def test_coupon_below_threshold_then_used_elsewhere(shop):
    co, c = shop.checkout, shop.cashier
    co.scan(c, WATER)
    refused(shop, lambda: co.apply_coupon(c, "ONLINE-100-20"), InvalidInput, match="more")
    co.scan(c, COOKER)
    view = co.apply_coupon(c, "ONLINE-100-20")
    refused(shop, lambda: co.apply_coupon(c, "ONLINE-100-20"), Conflict)
    co.add_tender(c, "cash", view.total_fen)
    co.complete(c)
    co.scan(c, COOKER)
    refused(shop, lambda: co.apply_coupon(c, "ONLINE-100-20"), InvalidInput,
            match="already used")
    # a reusable coupon scanned in its CP form
    out = co.scan(c, "CPSAVE5ABC")
    assert out.kind == "coupon" and out.cart.coupons[0].discount_fen == 500


def test_points_beyond_balance_and_without_member(shop):
    co, c = shop.checkout, shop.cashier
    co.scan(c, COOKER)
    refused(shop, lambda: co.add_tender(c, "points", 100), InvalidInput, match="member")
    co.attach_member(c, OTHER_MEMBER)  # 30 points = 0.30 CNY
    refused(shop, lambda: co.add_tender(c, "points", 31), InvalidInput, match="at most 30")
    view = co.add_tender(c, "points", 30)
    assert view.tenders[0].amount_fen == 30 and view.due_fen == view.total_fen - 30
    refused(shop, lambda: co.add_tender(c, "points", 1), InvalidInput, match="at most 0")


def test_card_over_tender_cash_above_maximum_and_missing_reference(rung):
    co, c = rung.checkout, rung.cashier
    total = co.current_cart(c).total_fen
    refused(rung, lambda: co.add_tender(c, "card", total + 1, reference="AUTH1"), InvalidInput,
            match="cannot exceed")
    refused(rung, lambda: co.add_tender(c, "card", total), InvalidInput, match="reference")
    refused(rung, lambda: co.add_tender(c, "cash", 5_000_001), InvalidInput, match="Cash above")
    refused(rung, lambda: co.add_tender(c, "cash", 0), InvalidInput)
    refused(rung, lambda: co.add_tender(c, "voucher", 100), InvalidInput)
    refused(rung, lambda: co.complete(c), InvalidInput, match="still due")


def test_mobile_declined_unavailable_or_not_a_payment_code(rung):
    co, c = rung.checkout, rung.cashier
    refused(rung, lambda: co.add_tender(c, "mobile", 100, payment_code="134567890123450000"),
            ServiceError, match="declined")
    refused(rung, lambda: co.add_tender(c, "mobile", 100, payment_code="hello"), InvalidInput)
    rung.payments._online = False
    refused(rung, lambda: co.add_tender(c, "mobile", 100, payment_code=PAYCODE), ServiceError,
            match="unavailable")


def test_changes_after_payment_are_refused_until_the_payment_is_removed(rung):
    co, c = rung.checkout, rung.cashier
    view = co.add_tender(c, "cash", 100)
    refused(rung, lambda: co.scan(c, WATER), Conflict)
    refused(rung, lambda: co.suspend(c), Conflict)
    view = co.remove_tender(c, view.tenders[0].tender_id)
    assert view.tenders == () and co.scan(c, WATER).cart.lines[-1].sku == "100003"


def test_unknown_member_and_special_codes(rung):
    co, c = rung.checkout, rung.cashier
    refused(rung, lambda: co.attach_member(c, "13999999999"), NotFound)
    assert co.scan(c, "PK12345678").kind == "pickup"
    receipt = co.scan(c, "S001-T01-000042")
    assert (receipt.kind, receipt.cart) == ("receipt", None)
    refused(rung, lambda: co.scan(c, PAYCODE), ScanRejected, match="payment code")


def test_in_store_labels_price_weight_and_mismatch(shop):
    from checkout_seed import APPLE_PLU, CANDY_PLU, price_label, weight_label
    co, c = shop.checkout, shop.cashier
    out = co.scan(c, price_label(APPLE_PLU, 350))  # a pre-packed tray priced by the scale
    line = out.cart.lines[-1]
    assert (line.quantity, line.unit_price_fen, line.gross_fen) == (1, 350, 350)
    out = co.scan(c, price_label(CANDY_PLU, 620))
    assert out.cart.lines[-1].gross_fen == 620 and len(out.cart.lines) == 2
    err = refused(shop, lambda: co.scan(c, weight_label(CANDY_PLU, 300)), ScanRejected,
                  match="not sold by weight")
    assert not err.offer_search
    refused(shop, lambda: co.scan(c, weight_label(APPLE_PLU, 0)), InvalidInput)
    refused(shop, lambda: co.scan(c, weight_label(99999, 300)), ScanRejected, match="PLU 99999")
    refused(shop, lambda: co.add_product(c, f"PLU{APPLE_PLU:05d}"), InvalidInput, match="weight")
    refused(shop, lambda: co.add_product(c, "100001", weight_g=300), InvalidInput)
    view = co.add_product(c, f"PLU{APPLE_PLU:05d}", weight_g=1500)
    assert view.lines[-1].gross_fen == 1920 and view.lines[-1].unit == "kg"
