"""Points earning and redemption caps."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from store_client.domain.points import (
    PointsConfig,
    PointsConfigError,
    Redemption,
    RedemptionRefusal,
    RedemptionRefused,
    available_points,
    max_redemption,
    points_earned,
    points_for_value,
    points_value_fen,
    redeem,
)


def test_default_earning_is_one_point_per_yuan_floored():
    assert [points_earned(x) for x in (0, 99, 100, 199, 12345, -500)] == [0, 0, 1, 1, 123, 0]
    assert points_earned(1000, PointsConfig(earn_fen_per_point=50)) == 20
    per_fen = PointsConfig(earn_fen_per_point=1)  # nothing paid earns nothing, even here
    assert [points_earned(x, per_fen) for x in (-5, 0, 1)] == [0, 0, 1]
    with pytest.raises(TypeError):
        points_earned(10.0)  # type: ignore[arg-type]


def test_default_redemption_rate_100_points_per_yuan():
    assert points_value_fen(100) == 100 and points_value_fen(1) == 1
    odd = PointsConfig(redeem_points=150, redeem_value_fen=100)  # 150 points = 1 CNY
    assert points_value_fen(151, odd) == 100  # 100.67 floored
    assert points_for_value(100, odd) == 150 and points_for_value(1, odd) == 2


def test_pending_redemptions_reduce_what_is_available():
    assert available_points(1000, 300) == 700
    assert available_points(100, 300) == 0
    assert available_points(100, -5) == 100  # a bogus negative pending never adds points


def test_redeem_caps():
    kw = dict(last_known_balance=1000, pending_redemptions=300)
    assert redeem(700, due_fen=5000, **kw) == Redemption(700, 700)
    beyond = redeem(701, due_fen=5000, **kw)
    assert beyond.reason is RedemptionRefusal.BEYOND_BALANCE and "700" in beyond.message
    due = redeem(600, due_fen=500, **kw)
    assert due.reason is RedemptionRefusal.BEYOND_DUE and "500 points" in due.message
    for bad in (0, -1, True, 1.5):
        assert redeem(bad, due_fen=5000, **kw).reason is RedemptionRefusal.NOT_POSITIVE
    minimum = PointsConfig(min_redeem_points=500)
    assert redeem(100, due_fen=5000, config=minimum, **kw).reason is RedemptionRefusal.BELOW_MINIMUM
    odd = PointsConfig(redeem_points=150, redeem_value_fen=100)
    assert redeem(1, due_fen=5000, config=odd, **kw).reason is RedemptionRefusal.WORTHLESS
    assert redeem(2, due_fen=5000, config=odd, **kw) == Redemption(2, 1)  # worth 0.01: enough
    assert redeem(1, due_fen=1, **kw) == Redemption(1, 1)


def test_max_redemption():
    assert max_redemption(last_known_balance=1000, pending_redemptions=0, due_fen=250) == \
        Redemption(250, 250)
    assert max_redemption(last_known_balance=1000, pending_redemptions=900, due_fen=250) == \
        Redemption(100, 100)
    assert max_redemption(last_known_balance=0, pending_redemptions=0, due_fen=250) == \
        Redemption(0, 0)
    # nothing due: nothing to redeem; 0.01 due: one point
    for due in (0, -100):
        assert max_redemption(last_known_balance=1000, pending_redemptions=0, due_fen=due) == \
            Redemption(0, 0)
    assert max_redemption(last_known_balance=1000, pending_redemptions=0, due_fen=1) == \
        Redemption(1, 1)
    coarse = PointsConfig(redeem_points=1, redeem_value_fen=5)  # 1 point = 5 fen
    assert max_redemption(last_known_balance=100, pending_redemptions=0, due_fen=13,
                          config=coarse) == Redemption(2, 10)  # 3 points would be 15 > 13


@given(st.integers(0, 10**7), st.integers(-100, 10**7), st.integers(0, 10**7),
       st.integers(1, 1000), st.integers(1, 1000))
@example(100, 0, 13, 1, 5)  # 1 point = 5 fen: 3 points would overshoot 13 fen
@example(1000, 0, 1, 150, 100)  # 150 points = 1 yuan: 2 points buy the last fen
@example(1, 0, 5000, 150, 100)  # a single point worth nothing
@example(1000, -100, 250, 100, 100)  # a bogus negative pending adds nothing
def test_max_redemption_is_always_redeemable(balance, pending, due, rp, rv):
    config = PointsConfig(redeem_points=rp, redeem_value_fen=rv)
    best = max_redemption(last_known_balance=balance, pending_redemptions=pending, due_fen=due,
                          config=config)
    assert 0 <= best.value_fen <= due
    assert best.points <= available_points(balance, pending)
    if best.points:
        assert redeem(best.points, last_known_balance=balance, pending_redemptions=pending,
                      due_fen=due, config=config) == best
        over = redeem(best.points + 1, last_known_balance=balance, pending_redemptions=pending,
                      due_fen=due, config=config)
        assert isinstance(over, RedemptionRefused) or over.value_fen == best.value_fen


@pytest.mark.parametrize("kwargs", [{"earn_fen_per_point": 0}, {"redeem_points": -1},
                                    {"redeem_value_fen": 1.0}, {"min_redeem_points": 0}])
def test_bad_config(kwargs):
    with pytest.raises(PointsConfigError):
        PointsConfig(**kwargs)


def test_minimum_redemption_at_its_boundary():
    minimum = PointsConfig(min_redeem_points=500)
    kw = dict(pending_redemptions=0, due_fen=5000, config=minimum)
    assert redeem(499, last_known_balance=1000, **kw).reason is RedemptionRefusal.BELOW_MINIMUM
    assert redeem(500, last_known_balance=1000, **kw) == Redemption(500, 500)
    assert "500 points" in redeem(1, last_known_balance=1000, **kw).message
    # the largest redemption allowed is none at all when it would fall below the minimum
    assert max_redemption(last_known_balance=499, **kw) == Redemption(0, 0)
    assert max_redemption(last_known_balance=500, **kw) == Redemption(500, 500)
    assert max_redemption(last_known_balance=1000, pending_redemptions=0, due_fen=499,
                          config=minimum) == Redemption(0, 0)
    assert max_redemption(last_known_balance=1000, pending_redemptions=0, due_fen=500,
                          config=minimum) == Redemption(500, 500)
