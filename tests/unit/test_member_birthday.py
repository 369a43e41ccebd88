"""The birthday benefit's rules: the month in the store's zone, the coupon by tier, its key."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from store_client.domain.member_birthday import (AMOUNT_BY_TIER, MIN_SPEND_FACTOR, code_for, coupon_for,
                                                 in_birthday_month, is_birthday_code)
from store_client.domain.member_privacy import mask_address

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_month_is_the_stores_not_utcs() -> None:
    may_first_in_shanghai = datetime(2026, 4, 30, 16, 0, tzinfo=UTC)  # 1 May 00:00 +08:00
    assert in_birthday_month(5, may_first_in_shanghai, SHANGHAI)
    assert not in_birthday_month(5, may_first_in_shanghai, ZoneInfo("UTC"))
    last_moment = datetime(2026, 5, 31, 15, 59, 59, tzinfo=UTC)  # 31 May 23:59:59 +08:00
    assert in_birthday_month(5, last_moment, SHANGHAI)
    assert not in_birthday_month(5, datetime(2026, 5, 31, 16, 0, tzinfo=UTC), SHANGHAI)


@pytest.mark.parametrize("month", [None, 0, 13, -1])
def test_no_month_or_a_bad_one_is_never_the_birthday(month) -> None:  # type: ignore[no-untyped-def]
    assert not in_birthday_month(month, datetime(2026, 5, 10, tzinfo=UTC), SHANGHAI)
    assert coupon_for("M1", "gold", month or 0, datetime(2026, 5, 10, tzinfo=UTC), SHANGHAI) is None


def test_the_coupon_by_tier_covers_exactly_the_month_and_is_keyed_by_year() -> None:
    now = datetime(2026, 2, 10, 3, 0, tzinfo=UTC)
    coupon = coupon_for("M0000000001", "gold", 2, now, SHANGHAI)
    assert coupon is not None
    assert coupon.code == code_for("M0000000001", 2026) == "BDAY-2026-M0000000001" and is_birthday_code(coupon.code)
    assert coupon.amount_off_fen == AMOUNT_BY_TIER["gold"] == 3000
    assert coupon.min_spend_fen == 3000 * MIN_SPEND_FACTOR
    assert coupon.valid_from == datetime(2026, 1, 31, 16, 0, tzinfo=UTC)  # 1 Feb 00:00 Shanghai
    assert coupon.valid_until == datetime(2026, 2, 28, 15, 59, 59, tzinfo=UTC)  # 28 Feb 23:59:59
    row = coupon.row("M0000000001")
    assert row["member_id"] == "M0000000001" and row["single_use"] is True and row["code"] == coupon.code
    assert coupon_for("M0000000001", "gold", 2, datetime(2027, 2, 1, tzinfo=UTC), SHANGHAI).code != coupon.code
    assert coupon_for("M0000000001", "gold", 3, now, SHANGHAI) is None  # not their month


def test_an_unknown_tier_gets_the_regular_amount_and_a_leap_february_ends_on_the_29th() -> None:
    coupon = coupon_for("M1", "diamond", 2, datetime(2028, 2, 10, tzinfo=UTC), SHANGHAI)
    assert coupon is not None and coupon.amount_off_fen == AMOUNT_BY_TIER["regular"]
    assert coupon.valid_until.astimezone(SHANGHAI).day == 29


@pytest.mark.parametrize("address,masked", [("上海市静安区南京西路 1 号", "上海市****"), ("北京", "****"),
                                            ("", ""), ("   ", "")])
def test_an_address_shows_only_its_first_characters(address, masked) -> None:  # type: ignore[no-untyped-def]
    assert mask_address(address) == masked
