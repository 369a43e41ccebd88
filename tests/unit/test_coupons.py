"""Coupon definitions and the offline checks that do not depend on the cart."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from store_client.domain.coupons import (
    Coupon,
    CouponError,
    RefusalReason,
    check_coupon,
)

NOW = datetime(2026, 5, 1, 9, 30, tzinfo=timezone.utc)
WEEK = timedelta(days=7)


def check(coupon: Coupon, *, now=NOW, member=None, used=()):
    refusal = check_coupon(coupon, now=now, member_id=member, used_codes=set(used))
    return None if refusal is None else refusal.reason


def test_valid_window_edges():
    coupon = Coupon(code="W", amount_off_fen=100, valid_from=NOW, valid_until=NOW + WEEK)
    assert check(coupon) is None
    assert check(coupon, now=NOW - timedelta(seconds=1)) is RefusalReason.NOT_YET_VALID
    assert check(coupon, now=NOW + WEEK - timedelta(microseconds=1)) is None
    assert check(coupon, now=NOW + WEEK) is RefusalReason.EXPIRED


def test_single_use_versus_reusable():
    assert check(Coupon(code="S", amount_off_fen=1), used={"S"}) is RefusalReason.ALREADY_USED
    assert check(Coupon(code="S", amount_off_fen=1), used={"T"}) is None
    assert check(Coupon(code="R", amount_off_fen=1, single_use=False), used={"R"}) is None


def test_member_bound_coupon():
    coupon = Coupon(code="M", amount_off_fen=1, member_id="M100")
    assert check(coupon, member="M100") is None
    refusal = check_coupon(coupon, now=NOW, member_id=None, used_codes=())
    assert refusal.reason is RefusalReason.WRONG_MEMBER and "attach" in refusal.message
    assert check(coupon, member="M200") is RefusalReason.WRONG_MEMBER


def test_expiry_is_reported_before_use_and_member():
    coupon = Coupon(code="E", amount_off_fen=1, valid_until=NOW, member_id="M1")
    assert check(coupon, used={"E"}, member="M2") is RefusalReason.EXPIRED


def test_discount_amounts():
    assert Coupon(code="A", amount_off_fen=2000).discount_on(1500) == 1500  # capped
    assert Coupon(code="A", amount_off_fen=2000, min_spend_fen=10000).discount_on(9999) == 0
    every = Coupon(code="E", amount_off_fen=2000, every_fen=10000)  # 满100减20 per 100
    assert [every.discount_on(x) for x in (9999, 10000, 29999, 30000)] == [0, 2000, 4000, 6000]
    pct = Coupon(code="P", percent_off_bp=1500, max_discount_fen=1000)
    assert pct.discount_on(1003) == 150  # 150.45 -> 150
    assert pct.discount_on(1010) == 152  # 151.5 -> 152
    assert pct.discount_on(100_000) == 1000
    assert pct.discount_on(0) == 0


def test_discount_at_the_minimum_spend_and_at_one_fen():
    coupon = Coupon(code="M", amount_off_fen=1000, min_spend_fen=10000)
    assert [coupon.discount_on(x) for x in (9999, 10000, 10001)] == [0, 1000, 1000]
    assert Coupon(code="A", amount_off_fen=100).discount_on(1) == 1  # capped at what is left
    assert Coupon(code="A", amount_off_fen=100).discount_on(-5) == 0
    assert Coupon(code="P", percent_off_bp=10_000).discount_on(1) == 1  # 100 % off is allowed


def test_a_validity_window_may_be_as_short_as_a_microsecond_but_not_empty():
    tick = timedelta(microseconds=1)
    coupon = Coupon(code="W", amount_off_fen=1, valid_from=NOW, valid_until=NOW + tick)
    assert check(coupon) is None and check(coupon, now=NOW + tick) is RefusalReason.EXPIRED
    with pytest.raises(CouponError, match="before valid_from"):
        Coupon(code="W", amount_off_fen=1, valid_from=NOW, valid_until=NOW)


@given(st.integers(-10, 10**8), st.integers(1, 10**6), st.integers(1, 10**6))
@example(0, 100, 1)
@example(1, 100, 1)  # 1 fen spent, 1 fen off every fen: capped at the 1 fen
@example(30000, 2000, 10000)
def test_coupon_discount_is_bounded(eligible, amount, every):
    coupon = Coupon(code="X", amount_off_fen=amount, every_fen=every)
    discount = coupon.discount_on(eligible)
    assert 0 <= discount <= max(0, eligible)


@pytest.mark.parametrize("kwargs", [
    {"code": "", "amount_off_fen": 1}, {"code": "X"},
    {"code": "X", "amount_off_fen": 1, "percent_off_bp": 1},
    {"code": "X", "amount_off_fen": 0}, {"code": "X", "percent_off_bp": 10_001},
    {"code": "X", "percent_off_bp": 100, "every_fen": 100},
    {"code": "X", "amount_off_fen": 1, "min_spend_fen": -1},
    {"code": "X", "amount_off_fen": True},
    {"code": "X", "amount_off_fen": 1, "valid_from": datetime(2026, 1, 1)},
    {"code": "X", "amount_off_fen": 1, "valid_from": NOW, "valid_until": NOW - WEEK},
    {"code": "X", "percent_off_bp": 100, "max_discount_fen": 0},
])
def test_bad_coupon_definitions(kwargs):
    with pytest.raises(CouponError):
        Coupon(**kwargs)


def test_once_per_member_coupon():
    coupon = Coupon(code="WELCOME", amount_off_fen=500, single_use=False, once_per_member=True)
    assert check(coupon, member="M1", used={"WELCOME"}) is None  # the code itself is reusable
    assert check(coupon) is RefusalReason.WRONG_MEMBER  # needs a member
    refusal = check_coupon(coupon, now=NOW, member_id="M1", used_codes=(),
                           used_by_members={("WELCOME", "M1")})
    assert refusal.reason is RefusalReason.ALREADY_USED
    assert check_coupon(coupon, now=NOW, member_id="M2", used_codes=(),
                        used_by_members={("WELCOME", "M1")}) is None
    with pytest.raises(CouponError):
        Coupon(code="X", amount_off_fen=1, once_per_member=True)  # single_use defaults on
