"""The lowest shelf price of 90 days (domain rules) and credit note codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store_client.domain import price_history as ph
from sync.protocol import credit_codes

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def days(n: float) -> datetime:
    return NOW - timedelta(days=n)


def test_no_history_is_the_current_price():
    assert ph.lowest_in_window([], 1990, NOW) == 1990


def test_a_price_that_ended_91_days_ago_does_not_count():
    # 500 until 91 days ago, 800 since: 500 was never in effect in the last 90 days
    assert ph.lowest_in_window([(None, 500), (days(91), 800)], 800, NOW) == 800


def test_a_price_that_started_before_the_window_and_is_still_in_effect_counts():
    assert ph.lowest_in_window([(None, 900), (days(200), 700)], 700, NOW) == 700


def test_a_price_in_effect_at_the_window_start_counts_even_if_changed_inside():
    # 600 from 120 days ago until 30 days ago: in effect during the first 60 days of the window
    assert ph.lowest_in_window([(None, 900), (days(120), 600), (days(30), 1000)], 1000, NOW) == 600


def test_a_short_low_price_inside_the_window_counts():
    changes = [(days(50), 450), (days(49), 990)]
    assert ph.lowest_in_window(changes, 990, NOW) == 450


def test_a_change_exactly_at_the_window_start_replaces_the_earlier_price():
    assert ph.lowest_in_window([(None, 300), (days(90), 800)], 800, NOW) == 800
    assert ph.lowest_in_window([(None, 300), (days(90) + timedelta(microseconds=1), 800)], 800, NOW) == 300


def test_a_change_in_the_future_does_not_count():
    assert ph.lowest_in_window([(NOW + timedelta(seconds=1), 100)], 800, NOW) == 800


def test_order_of_changes_does_not_matter():
    changes = [(days(10), 700), (None, 1200), (days(100), 950), (days(95), 990)]
    assert ph.lowest_in_window(changes, 700, NOW) == ph.lowest_in_window(list(reversed(changes)), 700, NOW) == 700
    assert ph.lowest_in_window([(days(100), 950), (days(95), 990), (None, 10)], 990, NOW) == 990


def _brute(changes, current, now, window):  # type: ignore[no-untyped-def]
    """Sample every minute of the window: the price in effect then (the latest change at or
    before it; the earliest recorded price before the first change)."""
    ordered = sorted(changes, key=lambda c: (c[0] is not None, c[0] or NOW))
    lowest = current
    t = now - timedelta(days=window)
    while t <= now:
        in_effect = [p for since, p in ordered if since is None or since <= t]
        if in_effect:
            lowest = min(lowest, in_effect[-1])
        t += timedelta(hours=6)
    return lowest


@given(st.lists(st.tuples(st.integers(0, 200 * 4), st.integers(1, 5000)), max_size=6, unique_by=lambda x: x[0]),
       st.integers(1, 5000), st.integers(1, 5000))
def test_agrees_with_sampling_every_moment(points, start_price, current):
    """Changes on a 6-hour grid, so sampling every 6 hours sees every price in effect."""
    changes = [(None, start_price)] + [(NOW - timedelta(hours=6 * q), p) for q, p in points]
    last = min(changes[1:], key=lambda c: NOW - c[0], default=(None, start_price))
    current = last[1]  # the catalog's price is the last change's
    assert ph.lowest_in_window(changes, current, NOW, 90) == _brute(changes, current, NOW, 90)


def test_credit_codes_are_genuine_unique_and_checked():
    codes = {credit_codes.new_credit_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(credit_codes.credit_code_genuine(c) and len(c) == 16 for c in codes)
    code = next(iter(codes))
    for i in range(2, 16):  # any one digit changed fails the check
        for d in "0123456789":
            if d != code[i]:
                assert not credit_codes.credit_code_genuine(code[:i] + d + code[i + 1:])
    swapped = code[:5] + code[6] + code[5] + code[7:]
    assert code[5] == code[6] or not credit_codes.credit_code_genuine(swapped)


@pytest.mark.parametrize("bad", ["", "CN", "cn12345678901234", "CN1234567890123", "CN123456789012345",
                                 "XX12345678901234", None, 12345, "CN１２３４５６７８９０１２３４"])
def test_malformed_codes_are_not_genuine(bad):
    assert not credit_codes.credit_code_genuine(bad)


def test_a_genuine_code_in_full_width_digits_is_not_genuine():
    code = credit_codes.new_credit_code()
    assert not credit_codes.credit_code_genuine("CN" + "".join(chr(ord(d) + 0xFEE0) for d in code[2:]))
