"""The refund rules (store_client/domain/refunds.py): exact, cumulative, never over-refunding."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from store_client.domain import refunds as rf
from store_client.domain.money import allocate, round_half_up


def test_cumulative_rounding_of_a_three_unit_line():
    line = rf.SoldLine(1, quantity=3, net_fen=1000)
    assert rf.line_refund(line, 1) == 333  # 333.33 -> 333
    line = replace(line, returned_quantity=1)
    assert rf.line_refund(line, 1) == 334  # 666.67 -> 667, minus 333
    line = replace(line, returned_quantity=2)
    assert rf.line_refund(line, 1) == 333  # 1000 - 667
    assert rf.cumulative_refund(1000, 3, 3) == 1000
    half = rf.SoldLine(1, quantity=2, net_fen=1)  # 0.5 fen: the first unit refunds it
    assert rf.line_refund(half, 1) == 1
    assert rf.line_refund(replace(half, returned_quantity=1), 1) == 0


def test_change_comes_off_the_last_cash_tender():
    assert rf.paid_by_tender([("card", 3000), ("cash", 5000), ("cash", 2000)], 2500) == [3000, 4500, 0]
    assert rf.paid_by_tender([("cash", 10000)], 0) == [10000]
    assert rf.paid_by_tender([("mobile", 100)], 0) == [100]


def test_change_never_comes_off_a_card_or_mobile_tender_after_the_cash():
    # cash 50.00, then the card paid the full 100.00: the 50.00 change is all the cash
    assert rf.paid_by_tender([("cash", 5000), ("card", 10000)], 5000) == [0, 10000]
    assert rf.paid_by_tender([("cash", 5000), ("mobile", 3000), ("points", 2000)], 1000) == \
        [4000, 3000, 2000]
    assert rf.paid_by_tender([("cash", 500), ("cash", 300)], -100) == [500, 300]  # bogus change


def test_cumulative_refund_needs_a_real_line_and_a_count_within_it():
    assert rf.cumulative_refund(1000, 3, 0) == 0
    assert rf.cumulative_refund(1000, 3, 3) == 1000
    assert rf.cumulative_refund(1000, 1, 1) == 1000
    for quantity in (0, -3):
        with pytest.raises(ValueError, match="quantity must be positive"):
            rf.cumulative_refund(1000, quantity, 0)
    for returned in (-1, 4):
        with pytest.raises(ValueError, match="returned must be between"):
            rf.cumulative_refund(1000, 3, returned)


def test_a_new_tender_has_nothing_refunded_and_no_points():
    assert rf.PaidTender(1, "cash", 500) == rf.PaidTender(1, "cash", 500, 0, 0, 0, None)
    assert rf.TenderRefund(1, "cash", 500) == rf.TenderRefund(1, "cash", 500, 0, None)
    assert rf.SoldLine(1, 2, 900) == rf.SoldLine(1, 2, 900, False, 0)


def test_refund_order_is_points_card_mobile_then_cash():
    tenders = [rf.PaidTender(1, "cash", 1000), rf.PaidTender(2, "mobile", 1000, reference="wx:SIM1"),
               rf.PaidTender(3, "card", 1000), rf.PaidTender(4, "points", 1000, points=1000)]
    plan = rf.spread_over_tenders(2500, tenders)
    assert [(t.kind, t.amount_fen) for t in plan] == [("mobile", 500), ("card", 1000),
                                                       ("points", 1000)]
    assert plan[2].points == 1000 and plan[0].original_reference == "wx:SIM1"


def test_a_tender_already_refunded_is_skipped_and_the_rest_must_cover():
    tenders = [rf.PaidTender(1, "card", 1000, refunded_fen=1000), rf.PaidTender(2, "cash", 500)]
    assert [(t.kind, t.amount_fen) for t in rf.spread_over_tenders(500, tenders)] == [("cash", 500)]
    with pytest.raises(rf.RefundError) as err:
        rf.spread_over_tenders(501, tenders)
    assert err.value.code is rf.RefundErrorCode.TENDERS_SHORT
    with pytest.raises(ValueError, match="never negative") as negative:
        rf.spread_over_tenders(-1, tenders)
    assert not isinstance(negative.value, rf.RefundError)  # a caller's bug, not a refusal
    assert rf.spread_over_tenders(0, tenders) == ()


@pytest.mark.parametrize(("request_lines", "code"), [
    ([], rf.RefundErrorCode.NOTHING_SELECTED),
    ([(1, 0)], rf.RefundErrorCode.NOTHING_SELECTED),
    ([(9, 1)], rf.RefundErrorCode.UNKNOWN_LINE),
    (["1", 1], rf.RefundErrorCode.UNKNOWN_LINE),
    ([(1, 1), (1, 1)], rf.RefundErrorCode.DUPLICATE_LINE),
    ([(1, -2)], rf.RefundErrorCode.BAD_QUANTITY),
    ([(1, 1.0)], rf.RefundErrorCode.BAD_QUANTITY),
    ([(1, True)], rf.RefundErrorCode.BAD_QUANTITY),
    ([(1, 4)], rf.RefundErrorCode.ABOVE_RETURNABLE),
    ([(2, 400)], rf.RefundErrorCode.WEIGHED_PARTIAL),
    ([(3, 1)], rf.RefundErrorCode.ABOVE_RETURNABLE),
])
def test_bad_selections_are_refused(request_lines, code):
    lines = [rf.SoldLine(1, 3, 900), rf.SoldLine(2, 750, 960, weighed=True),
             rf.SoldLine(3, 1, 100, returned_quantity=1)]
    request_lines = [r if isinstance(r, tuple) else (r, 1) for r in request_lines]
    with pytest.raises(rf.RefundError) as err:
        rf.refund_lines(lines, request_lines)
    assert err.value.code is code and err.value.message


def test_a_line_already_returned_says_so_rather_than_how_many_are_left():
    lines = [rf.SoldLine(1, 3, 900), rf.SoldLine(3, 1, 100, returned_quantity=1)]
    with pytest.raises(rf.RefundError, match="Line 3 was already returned"):
        rf.refund_lines(lines, [(3, 1)])
    with pytest.raises(rf.RefundError, match="at most 3 can still be returned"):
        rf.refund_lines(lines, [(1, 4)])


def test_a_fully_returned_sale_says_so():
    lines = [rf.SoldLine(1, 2, 900, returned_quantity=2)]
    with pytest.raises(rf.RefundError) as err:
        rf.refund_lines(lines, [(1, 1)])
    assert err.value.code is rf.RefundErrorCode.FULLY_RETURNED


def test_earned_points_are_reversed_with_the_money_not_with_the_points():
    lines = [rf.SoldLine(1, 2, 2000)]
    tenders = [rf.PaidTender(1, "points", 1000, points=1000), rf.PaidTender(2, "cash", 3000)]
    first = rf.plan_refund(lines, tenders, [(1, 1)], points_earned=30)
    assert [(t.kind, t.amount_fen) for t in first.tenders] == [("points", 1000)]
    assert (first.points_refunded, first.points_reversed) == (1000, 0)


def test_a_sale_paid_all_in_points_reverses_no_earned_points():
    # nothing was paid with money, so no money refund takes earned points back
    lines, tenders = [rf.SoldLine(1, 1, 1000)], [rf.PaidTender(1, "points", 1000, points=1000)]
    plan = rf.plan_refund(lines, tenders, [(1, 1)], points_earned=5)
    assert (plan.points_refunded, plan.points_reversed) == (1000, 0)
    assert rf.reversed_points(5, 0, 0, 0) == 0


def test_small_amounts_at_the_edges_of_the_refund_rules():
    # a tender with a single fen left still takes that fen
    tenders = [rf.PaidTender(1, "card", 1000, refunded_fen=999), rf.PaidTender(2, "cash", 100)]
    assert [(t.kind, t.amount_fen) for t in rf.spread_over_tenders(2, tenders)] == [
        ("card", 1), ("cash", 1)]
    # one earned point, or a single fen paid in money, is still reversed in full
    assert rf.reversed_points(1, 1000, 0, 1000) == 1
    assert rf.reversed_points(10, 1, 0, 1) == 10


def test_a_second_partial_refund_of_a_points_tender_gives_back_the_rest_of_its_points():
    # 1500 points paid 10.00; 5.00 of it was refunded (750 points) before
    points = rf.PaidTender(1, "points", 1000, refunded_fen=500, points=1500, points_refunded=750)
    (back,) = rf.spread_over_tenders(500, [points])
    assert (back.amount_fen, back.points) == (500, 750)
    (part,) = rf.spread_over_tenders(100, [points])
    assert part.points == 150  # 1500 x 600/1000 - 750


def test_no_earned_points_means_none_reversed():
    lines, tenders = [rf.SoldLine(1, 2, 2000)], [rf.PaidTender(1, "cash", 2000)]
    assert rf.plan_refund(lines, tenders, [(1, 2)]).points_reversed == 0
    assert rf.plan_refund(lines, tenders, [(1, 2)], points_earned=20).points_reversed == 20


# -- properties ------------------------------------------------------------------------------

@st.composite
def sales(draw):  # type: ignore[no-untyped-def]
    """Lines with nets (some weighed) and tenders that paid exactly their total."""
    n = draw(st.integers(1, 5))
    lines = []
    for i in range(n):
        weighed = draw(st.booleans())
        qty = draw(st.integers(50, 3000)) if weighed else draw(st.integers(1, 12))
        lines.append(rf.SoldLine(i + 1, qty, draw(st.integers(0, 200_000)), weighed=weighed))
    total = sum(line.net_fen for line in lines)
    kinds = draw(st.lists(st.sampled_from(["cash", "card", "mobile", "points"]), min_size=1,
                          max_size=4))
    weights = draw(st.lists(st.integers(1, 100), min_size=len(kinds), max_size=len(kinds)))
    parts = allocate(total, weights)
    tenders = [rf.PaidTender(i + 1, k, p, points=p if k == "points" else 0)
               for i, (k, p) in enumerate(zip(kinds, parts, strict=True))]
    return lines, tenders, draw(st.integers(0, 500)), draw(st.randoms(use_true_random=False))


def _apply(lines, tenders, plan, reversed_so_far):  # type: ignore[no-untyped-def]
    """The sale after ``plan``: what the service reads back from its tables."""
    got = {r.line_no: r.quantity for r in plan.lines}
    lines = [replace(x, returned_quantity=x.returned_quantity + got.get(x.line_no, 0)) for x in lines]
    back = {t.seq: t for t in plan.tenders}
    tenders = [replace(t, refunded_fen=t.refunded_fen + (back[t.seq].amount_fen if t.seq in back else 0),
                       points_refunded=t.points_refunded + (back[t.seq].points if t.seq in back else 0))
               for t in tenders]
    return lines, tenders, reversed_so_far + plan.points_reversed


# Cumulative rounding of a three-unit line, a weighed line, and all four kinds of tender.
_MIXED_SALE = ([rf.SoldLine(1, 3, 1000), rf.SoldLine(2, 750, 960, weighed=True)],
               [rf.PaidTender(1, "cash", 760), rf.PaidTender(2, "card", 400),
                rf.PaidTender(3, "points", 500, points=500), rf.PaidTender(4, "mobile", 300)],
               19)


@settings(max_examples=150, deadline=None)
@given(sales())
@example((*_MIXED_SALE, random.Random(1)))
@example((*_MIXED_SALE, random.Random(7)))
def test_returning_everything_in_random_parts_refunds_exactly_what_was_paid(sale):
    lines, tenders, earned, rnd = sale
    original_lines, original_tenders = lines, tenders
    reversed_total = 0
    for _ in range(200):  # bounded: every round returns at least one unit
        open_lines = [x for x in lines if x.returnable]
        if not open_lines:
            break
        picked = rnd.sample(open_lines, rnd.randint(1, len(open_lines)))
        request = [(x.line_no, x.returnable if x.weighed else rnd.randint(1, x.returnable))
                   for x in picked]
        plan = rf.plan_refund(lines, tenders, request, points_earned=earned)
        assert plan.total_fen == sum(r.refund_fen for r in plan.lines) == sum(
            t.amount_fen for t in plan.tenders)
        assert all(r.refund_fen >= 0 for r in plan.lines)
        assert all(t.amount_fen > 0 for t in plan.tenders)
        for t in plan.tenders:  # never more than a tender has left
            before = next(x for x in tenders if x.seq == t.seq)
            assert t.amount_fen <= before.remaining_fen
        for r in plan.lines:  # never more than the line has left
            line = next(x for x in lines if x.line_no == r.line_no)
            assert line.refunded_fen + r.refund_fen <= line.net_fen
        lines, tenders, reversed_total = _apply(lines, tenders, plan, reversed_total)
    assert all(x.returnable == 0 for x in lines)
    for before, after in zip(original_lines, lines, strict=True):
        assert after.refunded_fen == before.net_fen  # each line: exactly its net
    for before, after in zip(original_tenders, tenders, strict=True):
        assert after.refunded_fen == before.paid_fen  # each tender: exactly what it paid
        assert after.points_refunded == before.points
    money = sum(t.paid_fen for t in original_tenders if t.kind != "points")
    assert reversed_total == (earned if money else 0)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**9), st.integers(1, 5000), st.data())
def test_partial_refunds_of_one_line_sum_to_its_net_in_any_split(net, qty, data):
    splits = data.draw(st.lists(st.integers(1, qty), min_size=1, max_size=20))
    line, total = rf.SoldLine(1, qty, net), 0
    for k in splits:
        k = min(k, line.returnable)
        if not k:
            break
        part = rf.line_refund(line, k)
        assert 0 <= part <= net - total
        total += part
        line = replace(line, returned_quantity=line.returned_quantity + k)
        assert total == round_half_up(net * line.returned_quantity, qty)
    rest = line.returnable
    if rest:
        total += rf.line_refund(line, rest)
    assert total == net
