"""The bad input issue 3 lists reaches a zh_CN till in Chinese, with its figures.

The service's refusals carry a code and parameters; ui/service_messages.py gives them
words. Each case here is raised by the real CheckoutService, then put into words the way
the checkout screen and the payment dialog do.
"""

from __future__ import annotations

import re

import pytest
from checkout_seed import COOKER, MEMBER, OTHER_MEMBER, SHAMPOO, WATER

from store_client.services.errors import ServiceError
from store_client.ui.service_messages import TEXTS, service_error_text

PAYCODE = "134567890123456789"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def zh(qapp):  # type: ignore[no-untyped-def]
    from store_client.ui.app import setup_application, teardown

    runtime = setup_application("zh_CN")
    yield
    teardown(runtime)


def words(call) -> tuple[str, ServiceError]:  # type: ignore[no-untyped-def]
    with pytest.raises(ServiceError) as caught:
        call()
    return service_error_text(caught.value, lambda fen: f"¥{fen / 100:.2f}"), caught.value


def test_every_code_a_service_raises_has_words(shop, zh):
    co, c = shop.checkout, shop.cashier
    co.scan(c, SHAMPOO)
    co.attach_member(c, OTHER_MEMBER)  # 30 points
    total = co.current_cart(c).total_fen
    cases = [
        (lambda: co.set_quantity(c, "1", 5000), "cart.quantity_too_large", []),
        (lambda: co.set_quantity(c, "1", 0), "cart.quantity_not_positive", []),
        (lambda: co.apply_coupon(c, "EXPIRED-10"), "coupon.expired", ["EXPIRED-10"]),
        (lambda: co.apply_coupon(c, "NO-SUCH-COUPON"), "coupon.unknown", ["NO-SUCH-COUPON"]),
        (lambda: co.apply_coupon(c, "ONLINE-100-20"), "coupon.below_threshold", ["ONLINE-100-20"]),
        (lambda: co.add_tender(c, "points", 31), "points.beyond_balance", ["30"]),
        (lambda: co.add_tender(c, "card", total + 1, reference="AUTH1"), "tender.over_tender",
         [f"¥{total / 100:.2f}"]),
        (lambda: co.add_tender(c, "card", total), "tender.reference_required", []),
        (lambda: co.add_tender(c, "cash", 5_000_001), "tender.cash_above_maximum", ["¥50000.00"]),
        (lambda: co.add_tender(c, "mobile", 100, payment_code="hello"), "mobile.payment_code", []),
        (lambda: co.complete(c), "tender.still_due", [f"¥{total / 100:.2f}"]),
    ]
    for call, code, figures in cases:
        text, error = words(call)
        assert error.code == code, (code, error.code, str(error))
        assert CJK.search(text) and text != str(error), (code, text)
        for figure in figures:
            assert figure in text, (code, text)
    shop.payments._online = False
    text, error = words(lambda: co.add_tender(c, "mobile", 100, payment_code=PAYCODE))
    assert error.code == "mobile.offline" and "离线" in text


def test_a_coupon_for_another_member_and_points_without_a_member(shop, zh):
    co, c = shop.checkout, shop.cashier
    co.scan(c, WATER)
    co.scan(c, COOKER)
    text, error = words(lambda: co.add_tender(c, "points", 100))
    assert error.code == "points.no_member" and CJK.search(text)
    co.attach_member(c, MEMBER)
    text, error = words(lambda: co.apply_coupon(c, "FOR-M2-5"))
    assert error.code == "coupon.wrong_member" and "FOR-M2-5" in text and CJK.search(text)


def test_an_error_without_a_known_code_is_never_english_in_the_zh_till(zh):
    generic = service_error_text(ServiceError("Printer on fire."))
    assert CJK.search(generic) and "Printer" not in generic
    assert service_error_text(ServiceError("x", code="no.such.code")) == generic
    assert all(code.count(".") == 1 for code in TEXTS)
    from store_client.services.checkout_views import ScanRejected

    # A "reason" that is not a PIN check's is not a sign-in failure.
    assert service_error_text(ScanRejected("empty", "Nothing was scanned.")) == generic
