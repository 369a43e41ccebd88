"""The exchange split: a return's value applied to a new sale, the difference paid or refunded."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store_client.domain import exchanges as ex
from store_client.domain import refunds as rf
from store_client.domain.money import allocate


def _sale(kinds_paid, lines=((1, 2, 10_000),)):  # type: ignore[no-untyped-def]
    sold = [rf.SoldLine(no, qty, net) for no, qty, net in lines]
    tenders = [rf.PaidTender(i + 1, k, p, points=p if k == "points" else 0)
               for i, (k, p) in enumerate(kinds_paid)]
    return sold, tenders


def test_even_exchange_is_all_credit_and_no_money_moves():
    lines, tenders = _sale([("card", 10_000)])
    plan = rf.plan_refund(lines, tenders, [(1, 1)])
    got = ex.split(plan, tenders, 5_000)
    assert (got.credit_fen, got.due_fen, got.refund_fen, got.difference_fen) == (5_000, 0, 0, 0)
    assert [(t.kind, t.amount_fen, t.credit_fen) for t in got.shares] == [("card", 5_000, 5_000)]


def test_the_customer_pays_the_difference_when_the_new_sale_costs_more():
    lines, tenders = _sale([("mobile", 10_000)])  # a wallet original is fine: nothing goes back
    got = ex.split(rf.plan_refund(lines, tenders, [(1, 1)]), tenders, 7_250)
    assert (got.credit_fen, got.due_fen, got.refund_fen, got.difference_fen) == (5_000, 2_250, 0, 2_250)


def test_the_difference_back_goes_by_the_refund_order_and_the_credit_takes_the_rest():
    lines, tenders = _sale([("cash", 6_000), ("card", 4_000)], lines=((1, 1, 10_000),))
    got = ex.split(rf.plan_refund(lines, tenders, [(1, 1)]), tenders, 7_000)
    by_kind = {t.kind: (t.amount_fen, t.credit_fen, t.refund_fen) for t in got.shares}
    assert by_kind == {"card": (4_000, 1_000, 3_000), "cash": (6_000, 6_000, 0)}  # card first, cash last
    assert (got.refund_fen, got.difference_fen) == (3_000, -3_000)


def test_points_come_back_only_for_the_part_paid_back():
    lines, tenders = _sale([("points", 2_000), ("cash", 8_000)], lines=((1, 1, 10_000),))
    plan = rf.plan_refund(lines, tenders, [(1, 1)])
    got = ex.split(plan, tenders, 9_500)
    (points,) = [t for t in got.shares if t.kind == "points"]
    assert (points.amount_fen, points.refund_fen, points.points) == (2_000, 500, 500)
    written = got.plan(plan)
    assert written.points_refunded == 500 and written.total_fen == 10_000
    assert sum(t.amount_fen for t in written.tenders) == written.total_fen


def test_a_difference_owed_to_a_wallet_is_refused_and_so_is_one_from_an_earlier_credit():
    lines, tenders = _sale([("mobile", 10_000)])
    with pytest.raises(ex.ExchangeError) as err:
        ex.split(rf.plan_refund(lines, tenders, [(1, 1)]), tenders, 4_000)
    assert err.value.code is ex.ExchangeErrorCode.MOBILE_REFUND
    lines, tenders = _sale([(ex.CREDIT, 10_000)])
    with pytest.raises(ex.ExchangeError) as err:
        ex.split(rf.plan_refund(lines, tenders, [(1, 1)]), tenders, 4_000)
    assert err.value.code is ex.ExchangeErrorCode.CREDIT_REFUND
    even = ex.split(rf.plan_refund(lines, tenders, [(1, 1)]), tenders, 5_000)  # credit to credit: fine
    assert even.shares[0].credit_fen == 5_000


def test_an_empty_new_sale_is_refused():
    lines, tenders = _sale([("cash", 10_000)])
    with pytest.raises(ex.ExchangeError) as err:
        ex.split(rf.plan_refund(lines, tenders, [(1, 1)]), tenders, 0)
    assert err.value.code is ex.ExchangeErrorCode.NEW_SALE_EMPTY


@st.composite
def exchanges(draw):  # type: ignore[no-untyped-def]
    """A sale (lines, tenders that paid its total, some of it returned before), a selection
    of what is still returnable, and a new sale's total."""
    n = draw(st.integers(1, 4))
    lines = [rf.SoldLine(i + 1, draw(st.integers(1, 9)), draw(st.integers(0, 100_000))) for i in range(n)]
    total = sum(x.net_fen for x in lines)
    kinds = draw(st.lists(st.sampled_from(["cash", "card", "mobile", "points", ex.CREDIT]),
                          min_size=1, max_size=4))
    parts = allocate(total, draw(st.lists(st.integers(1, 50), min_size=len(kinds), max_size=len(kinds))))
    tenders = [rf.PaidTender(i + 1, k, p, points=p if k == "points" else 0)
               for i, (k, p) in enumerate(zip(kinds, parts, strict=True))]
    rnd = random.Random(draw(st.integers(0, 10**6)))
    if draw(st.booleans()):  # an earlier plain return of part of it
        first = [(x.line_no, rnd.randint(1, x.quantity)) for x in rnd.sample(lines, 1)]
        earlier = rf.plan_refund(lines, tenders, first)
        got = dict(first)
        lines = [replace(x, returned_quantity=got.get(x.line_no, 0)) for x in lines]
        back = {t.seq: t.amount_fen for t in earlier.tenders}
        tenders = [replace(t, refunded_fen=back.get(t.seq, 0)) for t in tenders]
    open_lines = [x for x in lines if x.returnable]
    if not open_lines:
        return None
    picked = rnd.sample(open_lines, rnd.randint(1, len(open_lines)))
    selection = [(x.line_no, rnd.randint(1, x.returnable)) for x in picked]
    return lines, tenders, selection, draw(st.integers(1, 300_000))


@settings(max_examples=300, deadline=None)
@given(exchanges())
def test_exchange_parts_sum_to_the_whole_and_nothing_passes_what_was_paid(case):
    if case is None:
        return
    lines, tenders, selection, new_total = case
    plan = rf.plan_refund(lines, tenders, selection)
    try:
        got = ex.split(plan, tenders, new_total)
    except ex.ExchangeError as err:  # only when money would go back to a wallet or a credit
        back = rf.spread_over_tenders(plan.total_fen - min(plan.total_fen, new_total), tenders)
        assert any(t.kind in ("mobile", ex.CREDIT) for t in back), err.code
        return
    # the difference is the new total less the credit; credit + paid back = the return's value
    assert got.due_fen == new_total - got.credit_fen >= 0
    assert got.credit_fen + got.refund_fen == got.return_fen == plan.total_fen
    assert got.difference_fen == got.due_fen - got.refund_fen == new_total - plan.total_fen
    assert got.credit_fen == 0 or got.refund_fen == 0 or got.due_fen == 0
    # per tender: its shares add up, nothing above what it has left, nothing owed to a wallet
    assert sum(t.amount_fen for t in got.shares) == plan.total_fen
    assert sum(t.credit_fen for t in got.shares) == got.credit_fen
    assert sum(t.refund_fen for t in got.shares) == got.refund_fen
    left = {t.seq: t for t in tenders}
    for share in got.shares:
        assert 0 <= share.credit_fen <= share.amount_fen <= left[share.seq].remaining_fen
        if share.kind in ("mobile", ex.CREDIT):
            assert share.refund_fen == 0
        if share.kind != "points":
            assert share.points == 0
        else:
            assert 0 <= share.points <= left[share.seq].points
    # per line: never more than it has left (the lines are the return's, unchanged)
    written = got.plan(plan)
    assert written.lines == plan.lines and written.total_fen == plan.total_fen
    by_no = {x.line_no: x for x in lines}
    for r in written.lines:
        assert 0 <= r.refund_fen <= by_no[r.line_no].net_fen - by_no[r.line_no].refunded_fen
