"""sale.completed v3: what a return needs, checked to the fen (no disk)."""

from __future__ import annotations

import copy
import random

import pytest

from sync.protocol.events import CURRENT_VERSION, PayloadError, validate
from tools.soak import make_sale


def rich_sale() -> dict:
    """Two lines: a promotion on one, a 20.00 coupon spread over both, points and WeChat."""
    coupon = {"source": "coupon", "source_id": "ONLINE-100-20", "label": "满100减20"}
    promo = {"source": "promotion", "source_id": "P1", "label": "9折", "amount_minor": 1198}
    line1 = {"line_no": 1, "sku": "100001", "qty": 2, "unit": "each", "unit_price_minor": 5990,
             "line_total_minor": 11980, "discount_minor": 1198 + 1040,
             "net_minor": 11980 - 1198 - 1040, "tax_rate_bp": 1300, "vat_minor": 1121,
             "discounts": [promo, {**coupon, "amount_minor": 1040}]}
    line2 = {"line_no": 2, "sku": "PLU01234", "qty": 750, "unit": "kg", "unit_price_minor": 1280,
             "line_total_minor": 960, "discount_minor": 960, "net_minor": 0, "tax_rate_bp": 900,
             "vat_minor": 0, "discounts": [{**coupon, "amount_minor": 960}]}
    total = line1["net_minor"]
    sale = make_sale(random.Random(11))
    sale.update(lines=[line1, line2], total_minor=total, discount_minor=1198 + 2000,
                change_minor=0, vat_minor=1121, member_id="M0000000001",
                points_earned=(total - 500) // 100, points_redeemed=500,
                coupons=[{"code": "ONLINE-100-20", "discount_minor": 2000, "single_use": True}],
                payments=[{"method": "points", "amount_minor": 500, "reference": None,
                           "points": 500},
                          {"method": "wechat", "amount_minor": total - 500,
                           "reference": "wx:SIM123", "points": None}])
    return sale


def test_current_version_is_3_and_generated_sales_pass_v2_and_v3():
    assert CURRENT_VERSION["sale.completed"] == 3
    for seed in range(200):
        sale = make_sale(random.Random(seed))
        v3 = validate("sale.completed", 3, sale)
        v2 = validate("sale.completed", 2, sale)
        assert set(v2) < set(v3) and v3["total_minor"] == v2["total_minor"]
        assert sum(line["net_minor"] for line in v3["lines"]) == v3["total_minor"]


def test_a_rich_sale_keeps_its_allocation():
    out = validate("sale.completed", 3, rich_sale())
    coupon = [d["amount_minor"] for line in out["lines"] for d in line["discounts"]
              if d["source"] == "coupon"]
    assert sum(coupon) == out["coupons"][0]["discount_minor"] == 2000
    assert out["payments"][0]["points"] == out["points_redeemed"] == 500
    assert out["payments"][1]["reference"] == "wx:SIM123"
    assert out["lines"][1]["unit"] == "kg" and out["receipt_no"]


@pytest.mark.parametrize("mutate, reason", [
    (lambda s: s["lines"][0]["discounts"][0].update(amount_minor=1199), "do not add up"),
    (lambda s: s["lines"][0].update(net_minor=1), "net_minor is not"),
    (lambda s: s["lines"][0]["discounts"][0].update(source="gift"), "unknown source"),
    (lambda s: s["lines"][1].update(line_no=1), "unique"),
    (lambda s: s["lines"][1].update(unit="box"), "unit must be"),
    (lambda s: s.update(member_id=None), "points without a member"),
    (lambda s: s["payments"][0].update(points=499), "sum of the points payments"),
    (lambda s: s["payments"][1].update(points=3), "only with, method 'points'"),
    (lambda s: s["coupons"][0].update(discount_minor=1999), "differs from its line"),
    (lambda s: s.update(coupons=[]), "not listed"),
    (lambda s: s["coupons"][0].update(single_use="yes"), "single_use"),
    (lambda s: s.pop("receipt_no"), "receipt_no"),
    (lambda s: s["lines"][0]["discounts"][0].update(amount_minor=1198.0), "integer"),
])
def test_bad_v3_sales_are_rejected_with_a_reason(mutate, reason):
    sale = copy.deepcopy(rich_sale())
    mutate(sale)
    with pytest.raises(PayloadError, match=reason):
        validate("sale.completed", 3, sale)
