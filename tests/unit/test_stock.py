"""Stock positions, movements, reservations and freshness (domain/stock.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store_client.domain.stock import (FRESH_FOR, MAX_MOVEMENT, Movement, MovementReason, Position,
                                       StockError, apply_movements, release, reserve)

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def mv(delta: int, reason: MovementReason = MovementReason.COUNT_ADJUSTMENT, *, sku: str = "A",
       minutes: int = 1, ref: str = "r") -> Movement:
    return Movement(sku, delta, reason, ref, T0 + timedelta(minutes=minutes))


@pytest.mark.parametrize("reason,delta", [
    (MovementReason.SALE, 1), (MovementReason.PICKUP, 2), (MovementReason.DAMAGE, 1),
    (MovementReason.TRANSFER_OUT, 3), (MovementReason.RETURN, -1), (MovementReason.RECEIPT, -5),
    (MovementReason.TRANSFER_IN, -1)])
def test_a_movement_has_the_sign_of_its_reason(reason, delta):
    with pytest.raises(StockError) as refused:
        mv(delta, reason)
    assert refused.value.code == "stock.wrong_sign"
    assert mv(-delta, reason).delta == -delta


@pytest.mark.parametrize("delta,code", [(0, "stock.bad_quantity"), (True, "stock.bad_quantity"),
                                        (1.0, "stock.bad_quantity"), (MAX_MOVEMENT + 1, "stock.absurd_quantity"),
                                        (-MAX_MOVEMENT - 1, "stock.absurd_quantity")])
def test_bad_quantities_are_refused(delta, code):
    with pytest.raises(StockError) as refused:
        Movement("A", delta, MovementReason.COUNT_ADJUSTMENT, "r", T0)
    assert refused.value.code == code


def test_largest_movement_is_accepted_and_naive_times_are_not():
    assert mv(MAX_MOVEMENT).delta == MAX_MOVEMENT
    with pytest.raises(StockError) as refused:
        Movement("A", 1, MovementReason.RECEIPT, "r", datetime(2026, 1, 1))
    assert refused.value.code == "stock.naive_time"
    with pytest.raises(StockError):
        Movement("", 1, MovementReason.RECEIPT, "r", T0)


def test_apply_sums_movements_and_moves_as_of_to_the_latest():
    start = Position("A", 10, 2, T0)
    after = apply_movements(start, [mv(-3, MovementReason.SALE, minutes=5), mv(4, MovementReason.RECEIPT, minutes=2)])
    assert (after.on_hand, after.reserved, after.as_of) == (11, 2, T0 + timedelta(minutes=5))
    assert after.available == 9


def test_apply_refuses_another_sku_and_a_movement_already_in_the_position():
    start = Position("A", 10, 0, T0)
    with pytest.raises(StockError) as other:
        apply_movements(start, [mv(1, sku="B")])
    assert other.value.code == "stock.other_sku"
    with pytest.raises(StockError) as older:
        apply_movements(start, [mv(1, minutes=-1)])
    assert older.value.code == "stock.before_position"
    assert apply_movements(start, [mv(1, minutes=0)]).on_hand == 11  # at the same instant: new


def test_negative_on_hand_is_reported_but_nothing_is_available():
    sold_short = apply_movements(Position("A", 1, 0, T0), [mv(-3, MovementReason.SALE)])
    assert sold_short.on_hand == -2 and sold_short.available == 0


def test_reserve_up_to_available_and_release_up_to_reserved():
    pos = Position("A", 5, 1, T0)
    assert reserve(pos, 4).reserved == 5
    with pytest.raises(StockError) as too_many:
        reserve(pos, 5)
    assert too_many.value.code == "stock.not_available"
    assert release(pos, 1).reserved == 0
    with pytest.raises(StockError) as over:
        release(pos, 2)
    assert over.value.code == "stock.over_release"
    for bad in (0, -1, True):
        with pytest.raises(StockError):
            reserve(pos, bad)
        with pytest.raises(StockError):
            release(pos, bad)


def test_a_figure_is_fresh_for_exactly_ten_minutes():
    pos = Position("A", 1, 0, T0)
    assert FRESH_FOR == timedelta(minutes=10)
    assert pos.is_fresh(T0 + FRESH_FOR)
    assert not pos.is_fresh(T0 + FRESH_FOR + timedelta(microseconds=1))
    assert pos.age(T0 - timedelta(seconds=5)) == timedelta(0)  # a clock behind never shows negative age


@given(st.lists(st.integers(min_value=-50, max_value=50).filter(bool), max_size=30), st.integers(0, 100))
def test_on_hand_is_the_snapshot_plus_every_movement(deltas, snapshot):
    moves = [mv(d, minutes=i) for i, d in enumerate(deltas)]
    assert apply_movements(Position("A", snapshot, 0, T0), moves).on_hand == snapshot + sum(deltas)
