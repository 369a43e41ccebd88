"""Stock counts while trading: idempotent scans, blind tally, variances, recount, approval."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from store_client.domain.stock import Movement, MovementReason, StockError
from store_client.domain.stock_count import (MAX_SCAN_QUANTITY, Approval, CountPlan, CountScan, PlanScope,
                                             PlanState, RecountRule, Tally, VarianceLine, adjustments,
                                             approval_needed, check_transition, variances)

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def plan(**kw) -> CountPlan:
    base = dict(plan_id="P1", scope=PlanScope.ZONE, skus=frozenset({"A", "B", "C"}),
                snapshot={"A": 10, "B": 0, "C": 5}, snapshot_at=T0)
    base.update(kw)
    return CountPlan(**base)


_ids = iter(range(10**9))


def scan(sku: str, qty: int = 1, minutes: float = 1, *, scan_id: str | None = None, plan_id: str = "P1",
         counter: str = "1001", terminal: str = "T01") -> CountScan:
    return CountScan(scan_id or f"s{next(_ids)}", plan_id, sku, qty, counter, terminal, at(minutes))


def at_cost(sku: str, qty: int) -> int:
    return qty * {"A": 1000, "B": 250, "C": 9990}[sku]


def test_ten_fast_scans_are_ten_not_five():
    tally = Tally(plan())
    same_instant = [scan("A", minutes=2) for _ in range(10)]
    assert tally.add_all(same_instant) == 10
    assert tally.counted("A") == 10 and tally.scan_count == 10


def test_the_same_scan_twice_counts_once_and_a_reused_id_is_refused():
    tally = Tally(plan())
    first = scan("A", 3, scan_id="x")
    assert tally.add(first) is True
    assert tally.add(first) is False  # a retry, or the other till's sync
    with pytest.raises(StockError) as reused:
        tally.add(replace(first, quantity=4))
    assert reused.value.code == "count.scan_id_reused"
    assert tally.counted("A") == 3


@pytest.mark.parametrize("bad,code", [
    (lambda: scan("Z"), "count.sku_not_in_plan"),
    (lambda: scan("A", plan_id="P2"), "count.other_plan"),
    (lambda: scan("A", -1), "count.below_zero"),
])
def test_refused_scans_change_nothing(bad, code):
    tally = Tally(plan())
    with pytest.raises(StockError) as refused:
        tally.add(bad())
    assert refused.value.code == code
    assert tally.scan_count == 0 and tally.counter_view() == {}


@pytest.mark.parametrize("qty,code", [(0, "count.bad_quantity"), (True, "count.bad_quantity"),
                                      (MAX_SCAN_QUANTITY + 1, "count.absurd_quantity"),
                                      (-MAX_SCAN_QUANTITY - 1, "count.absurd_quantity")])
def test_absurd_or_empty_quantities_are_refused(qty, code):
    with pytest.raises(StockError) as refused:
        scan("A", qty)
    assert refused.value.code == code
    assert scan("A", MAX_SCAN_QUANTITY).quantity == MAX_SCAN_QUANTITY


def test_a_correction_may_bring_a_count_to_zero_but_not_below():
    tally = Tally(plan())
    tally.add(scan("A", 2))
    assert tally.add(scan("A", -2)) and tally.counted("A") == 0
    with pytest.raises(StockError):
        tally.add(scan("A", -1))


def test_a_plan_under_review_takes_no_scans():
    tally = Tally(plan(state=PlanState.REVIEW))
    with pytest.raises(StockError) as refused:
        tally.add(scan("A"))
    assert refused.value.code == "count.plan_not_counting"


def test_the_counter_sees_counts_never_expected_figures():
    tally = Tally(plan())
    tally.add(scan("A", 4))
    view = tally.counter_view()
    assert view == {"A": 4}
    view["A"] = 99  # a copy: the screen cannot change the tally
    assert tally.counted("A") == 4


def test_sales_before_a_sku_is_counted_are_expected_those_after_are_not():
    p = plan()
    tally = Tally(p)
    tally.add(scan("A", 9, minutes=30))  # counted at 01:30
    moves = [Movement("A", -1, MovementReason.SALE, "s1", at(10)),   # sold before the count: 9 left
             Movement("A", -2, MovementReason.SALE, "s2", at(45))]   # sold after: already counted
    [line_a] = [line for line in variances(p, tally, moves, submitted_at=at(60), value_of=at_cost) if line.sku == "A"]
    assert (line_a.expected, line_a.counted, line_a.variance) == (9, 9, 0)


def test_a_movement_at_the_instant_of_the_count_is_expected_and_one_at_the_snapshot_is_not():
    p = plan()
    tally = Tally(p)
    tally.add(scan("A", 10, minutes=30))
    moves = [Movement("A", 3, MovementReason.RECEIPT, "in", at(30)),
             Movement("A", -4, MovementReason.SALE, "old", T0)]  # already in the snapshot
    [line_a] = [line for line in variances(p, tally, moves, submitted_at=at(60), value_of=at_cost) if line.sku == "A"]
    assert line_a.expected == 13 and line_a.variance == -3 and line_a.value_fen == -3000


def test_uncounted_skus_count_as_zero_and_say_so():
    p = plan()
    tally = Tally(p)
    tally.add(scan("A", 10))
    lines = {line.sku: line for line in variances(p, tally, [], submitted_at=at(60), value_of=at_cost)}
    assert [s for s, line in lines.items() if line.uncounted] == ["B", "C"]
    assert lines["C"].variance == -5 and lines["B"].variance == 0
    assert list(lines) == ["A", "B", "C"]
    assert adjustments(lines.values()) == [("C", -5)]


@pytest.mark.parametrize("expected,variance,recount", [
    (100, 5, False), (100, 6, True), (100, -6, True),   # 5 % of 100 is 5
    (10, 2, False), (10, 3, True),                      # 5 % of 10 rounds to 1; the 2-unit floor rules
    (0, 2, False), (0, 3, True), (10, 0, False)])
def test_recount_boundaries(expected, variance, recount):
    line = VarianceLine("A", expected, expected + variance, False, 0)
    assert RecountRule(units=2, share_bp=500).needs_recount(line) is recount


def test_approval_is_judged_on_absolute_exposure():
    gain = VarianceLine("A", 10, 15, False, 5000)
    loss = VarianceLine("B", 10, 5, False, -5000)
    assert approval_needed([gain, loss], 10_000) is Approval.MANAGER  # 10,000 is not above the limit
    assert approval_needed([gain, loss], 9_999) is Approval.TWO_PEOPLE  # they do not cancel out
    assert approval_needed([VarianceLine("A", 1, 1, False, 0)], 0) is Approval.NONE
    with pytest.raises(StockError):
        approval_needed([gain], -1)


def test_plan_states_move_only_forward():
    check_transition(PlanState.COUNTING, PlanState.REVIEW)
    check_transition(PlanState.REVIEW, PlanState.RECOUNT)
    check_transition(PlanState.RECOUNT, PlanState.REVIEW)
    check_transition(PlanState.APPROVED, PlanState.POSTED)
    for current, target in [(PlanState.POSTED, PlanState.POSTED), (PlanState.COUNTING, PlanState.APPROVED),
                            (PlanState.APPROVED, PlanState.CANCELLED), (PlanState.CANCELLED, PlanState.COUNTING),
                            (PlanState.REVIEW, PlanState.POSTED)]:
        with pytest.raises(StockError):
            check_transition(current, target)


def test_a_recount_starts_the_recounted_skus_from_zero_and_keeps_the_rest():
    p = plan()
    tally = Tally(p)
    tally.add_all([scan("A", 7), scan("C", 5)])
    again = tally.restart(replace(p, state=PlanState.RECOUNT, recount=frozenset({"A"})))
    assert again.counted("A") is None and again.counted("C") == 5
    again.add(scan("A", 10))
    with pytest.raises(StockError):
        again.add(scan("C", 1))  # only the recounted SKUs take scans now
    assert again.counted("A") == 10


def test_plans_refuse_bad_shapes():
    with pytest.raises(StockError):
        plan(skus=frozenset())
    with pytest.raises(StockError):
        plan(snapshot={"A": 1})
    with pytest.raises(StockError):
        plan(recount=frozenset({"Z"}))
    with pytest.raises(StockError):
        plan(snapshot_at=datetime(2026, 1, 1))


@given(st.lists(st.tuples(st.sampled_from("ABC"), st.integers(1, 20)), max_size=40),
       st.integers(0, 2**32), st.integers(1, 3))
@example([("A", 1)] * 10, 0, 2)  # ten fast scans of one item, each delivered twice
def test_any_order_and_any_redelivery_gives_the_same_tally(entries, seed, copies):
    scans = [scan(sku, qty, minutes=i) for i, (sku, qty) in enumerate(entries)]
    delivered = scans * copies
    random.Random(seed).shuffle(delivered)
    tally = Tally(plan())
    assert tally.add_all(delivered) == len(scans)
    for sku in "ABC":
        expected = sum(qty for s, qty in entries if s == sku)
        assert tally.counted(sku) == (expected if expected else None)
