"""Shift rules without a database: counts, expected cash, over/short and the state machine."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store_client.domain import shifts as dom
from store_client.domain.shifts import (
    DENOMINATIONS_FEN,
    CashFlow,
    FlowSource,
    MovementKind,
    ShiftError,
    ShiftFacts,
    ShiftStatus,
)

OPEN = ShiftFacts("s1", ShiftStatus.OPEN)
CLOSED = ShiftFacts("s1", ShiftStatus.CLOSED)


def test_denominations_are_the_yuan_notes_and_jiao_coins() -> None:
    assert DENOMINATIONS_FEN == (10000, 5000, 2000, 1000, 500, 100, 50, 10)
    assert [dom.denomination_label(d) for d in (10000, 100, 50, 10)] == [
        "100 元", "1 元", "5 角", "1 角"]


@given(st.dictionaries(st.sampled_from(DENOMINATIONS_FEN), st.integers(0, dom.MAX_PIECES)))
def test_a_count_is_the_sum_of_pieces_times_face_value(pieces: dict[int, int]) -> None:
    raw = sum(d * n for d, n in pieces.items())
    if raw > dom.MAX_DRAWER_FEN:
        with pytest.raises(ShiftError, match="more than a drawer"):
            dom.make_count(pieces)
        return
    count = dom.make_count(pieces)
    assert count.total_fen == raw
    assert all(n > 0 for _d, n in count.pieces)  # zero rows are not kept
    assert [d for d, _n in count.pieces] == [d for d in DENOMINATIONS_FEN if pieces.get(d)]
    assert sum(int(k) * v for k, v in count.as_dict().items()) == count.total_fen


def test_a_total_only_count_is_kept_as_loose_cash() -> None:
    count = dom.make_count(total_fen=12345)
    assert count.total_fen == 12345 and count.as_dict() == {"loose": 12345}
    assert dom.make_count().total_fen == 0  # an empty drawer is a valid count


@pytest.mark.parametrize("pieces, total, code", [
    ({10000: -1}, None, "bad_pieces"),
    ({10000: True}, None, "bad_pieces"),
    ({10000: 1.0}, None, "bad_pieces"),
    ({300: 1}, None, "unknown_denomination"),
    ({"100": 1}, None, "unknown_denomination"),
    ({10: dom.MAX_PIECES + 1}, None, "too_many_pieces"),
    ({10000: 1}, 100, "count_twice"),
    (None, -1, "not_positive"),
    (None, 1.5, "not_an_amount"),
    (None, dom.MAX_DRAWER_FEN + 1, "too_large"),
])
def test_bad_counts_are_refused_naming_the_problem(pieces, total, code) -> None:
    with pytest.raises(ShiftError) as caught:
        dom.make_count(pieces, total_fen=total)
    assert caught.value.code == code and str(caught.value)


def test_a_count_of_many_big_notes_above_a_drawer_is_refused() -> None:
    with pytest.raises(ShiftError, match="more than a drawer"):
        dom.make_count({10000: dom.MAX_PIECES, 5000: dom.MAX_PIECES})  # each allowed, sum not


def test_expected_cash_is_float_plus_cash_minus_change_plus_in_minus_out() -> None:
    flows = [CashFlow(FlowSource.FLOAT, 20000), *dom.sales_flows(10100, 4010),
             dom.movement_flow("pay_in", 5000), dom.movement_flow(MovementKind.PAY_OUT, 3000)]
    assert dom.expected_cash(flows) == 20000 + 10100 - 4010 + 5000 - 3000
    by = dom.flows_by_source(flows)
    assert by[FlowSource.CHANGE_GIVEN] == -4010 and by[FlowSource.PAY_OUT] == -3000
    assert sum(by.values()) == dom.expected_cash(flows)


def test_another_cash_source_is_one_more_flow() -> None:
    base = [CashFlow(FlowSource.FLOAT, 10000), *dom.sales_flows(500, 0)]
    refunds = [CashFlow(FlowSource.CASH_REFUND, -300), CashFlow(FlowSource.CASH_REFUND, -200)]
    assert dom.expected_cash(base + refunds) == dom.expected_cash(base) - 500
    assert dom.flows_by_source(base + refunds)[FlowSource.CASH_REFUND] == -500


@given(st.lists(st.integers(-10**9, 10**9), max_size=30))
def test_expected_cash_is_order_independent_and_exact(amounts: list[int]) -> None:
    flows = [CashFlow(FlowSource.PAY_IN, a) for a in amounts]
    assert dom.expected_cash(flows) == dom.expected_cash(reversed(flows)) == sum(amounts)


def test_a_cash_flow_refuses_float_money() -> None:
    with pytest.raises(TypeError):
        CashFlow(FlowSource.FLOAT, 1.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("counted, expected, off, kind", [
    (10000, 10000, 0, "balanced"), (10100, 10000, 100, "over"), (9900, 10000, -100, "short")])
def test_variance_is_counted_minus_expected(counted, expected, off, kind) -> None:
    assert dom.variance(counted, expected) == off and dom.variance_kind(off) == kind


def test_tolerance_is_inclusive_both_ways() -> None:
    assert not dom.beyond_tolerance(500, 500) and not dom.beyond_tolerance(-500, 500)
    assert dom.beyond_tolerance(501, 500) and dom.beyond_tolerance(-501, 500)
    assert dom.beyond_tolerance(1, 0) and not dom.beyond_tolerance(0, 0)
    with pytest.raises(ValueError):
        dom.beyond_tolerance(0, -1)


def test_one_open_shift_at_a_time() -> None:
    dom.check_can_open(None)
    dom.check_can_open(CLOSED)
    with pytest.raises(ShiftError) as caught:
        dom.check_can_open(OPEN)
    assert caught.value.code == "already_open"


def test_cash_moves_only_on_an_open_shift() -> None:
    assert dom.check_movement(OPEN, "pay_in", 100, expected_fen=0) == 100
    for shift, code in ((None, "no_open_shift"), (CLOSED, "shift_closed")):
        with pytest.raises(ShiftError) as caught:
            dom.check_movement(shift, "pay_in", 100, expected_fen=10**6)
        assert caught.value.code == code


def test_a_pay_out_cannot_take_more_than_the_drawer_should_hold() -> None:
    assert dom.check_movement(OPEN, MovementKind.PAY_OUT, 5000, expected_fen=5000) == 5000
    with pytest.raises(ShiftError) as caught:
        dom.check_movement(OPEN, MovementKind.PAY_OUT, 5001, expected_fen=5000)
    assert caught.value.code == "more_than_drawer"
    assert "5000" not in str(caught.value) and "50.00" not in str(caught.value)  # blind
    assert dom.check_movement(OPEN, MovementKind.PAY_IN, 5001, expected_fen=0) == 5001


@pytest.mark.parametrize("amount", [0, -1, 1.5, True, "100", None, dom.MAX_DRAWER_FEN + 1])
def test_bad_movement_amounts_are_refused(amount) -> None:
    with pytest.raises(ShiftError):
        dom.check_movement(OPEN, MovementKind.PAY_IN, amount, expected_fen=10**9)


def test_a_shift_closes_once() -> None:
    assert dom.check_can_close(OPEN) is OPEN
    for shift, code in ((None, "no_open_shift"), (CLOSED, "shift_closed")):
        with pytest.raises(ShiftError) as caught:
            dom.check_can_close(shift)
        assert caught.value.code == code


def test_a_reason_is_required_and_trimmed() -> None:
    assert dom.check_reason("  petty cash ", "pay-out") == "petty cash"
    assert len(dom.check_reason("x" * 500, "pay-out")) == dom.MAX_REASON
    for bad in ("", "   ", None, 5):
        with pytest.raises(ShiftError, match="reason"):
            dom.check_reason(bad, "pay-out")
