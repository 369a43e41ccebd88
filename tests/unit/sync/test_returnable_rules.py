"""The money rules of HQ's returnable ledger (sync/hq/returnables.py) at their boundaries,
without a database: what a well-formed return is, what still fits an original after the
other returns of it, what the reservations add up to, and a store sale as a return sees it.
The ledger itself (locks, retries, races) is tested in tests/integration/sync/test_returnables_hq.py."""

from __future__ import annotations

import pytest

from sync.hq.returnables import (LineStatus, Original, OriginalLine, ReturnAsk, ReturnRefused, check_fits,
                                 check_shape, original_from_sale, own_return_problem, taken_sums)

ORDER = Original("order:W1", None, {
    1: OriginalLine(1, "100001", 2, 11_980),
    2: OriginalLine(2, "100002", 1, 3_333),
}, {"wechat": 10_000, "points": 5_313})


def ask(lines: dict, tenders: dict, return_id: str = "r1") -> ReturnAsk:
    return ReturnAsk(return_id, ORDER.ref, "S001", "T01", lines, tenders)


def refused(check, *args) -> ReturnRefused:
    with pytest.raises(ReturnRefused) as exc:
        check(*args)
    return exc.value


# -- the shape of a return -------------------------------------------------------------------
def test_a_well_formed_return_passes_the_shape_check():
    check_shape(ask({1: (1, 5_990), 2: (1, 0)}, {"wechat": 5_990}, return_id="r" * 64))
    check_shape(ask({1: (1, 1)}, {"cash": 1}))  # the smallest refund
    check_shape(ask({1: (1, 0)}, {}))  # a line given back for nothing (it was free)


@pytest.mark.parametrize("lines,tenders,return_id,code", [
    ({1: (1, 1)}, {"cash": 1}, "", "return.nothing_selected"),
    ({1: (1, 1)}, {"cash": 1}, "r" * 65, "return.nothing_selected"),
    ({}, {}, "r1", "return.nothing_selected"),
    ({1: (0, 0)}, {}, "r1", "return.bad_quantity"),
    ({1: (-1, 0)}, {}, "r1", "return.bad_quantity"),
    ({1: (1, -1)}, {"cash": -1}, "r1", "return.bad_quantity"),
    ({1: (True, 5)}, {"cash": 5}, "r1", "return.bad_quantity"),
    ({"1": (1, 5)}, {"cash": 5}, "r1", "return.bad_quantity"),
    ({1: (1, 5.0)}, {"cash": 5}, "r1", "return.bad_quantity"),
    ({1: (1, 5)}, {"cash": 5, "card": 0}, "r1", "return.bad_amount"),
    ({1: (1, 5)}, {"cash": 6, "card": -1}, "r1", "return.bad_amount"),
    ({1: (1, 5)}, {"cash": 5.0}, "r1", "return.bad_amount"),
    ({1: (1, 5)}, {"cash": 4}, "r1", "return.tenders_mismatch"),
    ({1: (1, 5)}, {}, "r1", "return.tenders_mismatch"),
])
def test_a_malformed_return_is_refused_with_its_reason(lines, tenders, return_id, code):
    assert refused(check_shape, ask(lines, tenders, return_id)).code == code


def test_the_refused_line_or_tender_is_named():
    assert refused(check_shape, ask({1: (1, 5), 2: (0, 0)}, {"cash": 5})).line_no == 2
    assert refused(check_shape, ask({1: (1, 5)}, {"cash": 5, "card": 0})).method == "card"


# -- what still fits ---------------------------------------------------------------------------
def test_a_return_fits_up_to_exactly_what_is_left():
    check_fits(ORDER, ask({1: (2, 11_980), 2: (1, 3_333)}, {"wechat": 10_000, "points": 5_313}), {}, {}, {})
    # after a return of one unit of line 1 for 59.90 by wechat, the rest fits exactly
    check_fits(ORDER, ask({1: (1, 5_990)}, {"wechat": 4_010, "points": 1_980}),
               {1: 1}, {1: 5_990}, {"wechat": 5_990})


@pytest.mark.parametrize("lines,tenders,taken,refunded,by_tender,code,culprit", [
    ({9: (1, 1)}, {"wechat": 1}, {}, {}, {}, "return.unknown_line", 9),
    ({1: (3, 100)}, {"wechat": 100}, {}, {}, {}, "return.above_returnable", 1),
    ({1: (2, 100)}, {"wechat": 100}, {1: 1}, {}, {}, "return.above_returnable", 1),
    ({1: (1, 100)}, {"wechat": 100}, {1: 2}, {}, {}, "return.already_returned", 1),
    ({2: (1, 0)}, {}, {2: 1}, {}, {}, "return.already_returned", 2),
    ({2: (2, 0)}, {}, {}, {}, {}, "return.above_returnable", 2),  # none returned yet: not "already"
    ({1: (1, 11_981)}, {"wechat": 10_000, "points": 1_981}, {}, {}, {}, "return.refund_above_paid", 1),
    ({1: (1, 2)}, {"wechat": 2}, {1: 1}, {1: 11_979}, {}, "return.refund_above_paid", 1),
    ({2: (1, 3_333)}, {"card": 3_333}, {}, {}, {}, "return.tender_above_paid", "card"),
    ({2: (1, 1)}, {"card": 1}, {}, {}, {}, "return.tender_above_paid", "card"),  # a tender the sale never had
    ({2: (1, 3_333)}, {"wechat": 3_333}, {}, {}, {"wechat": 6_668}, "return.tender_above_paid", "wechat"),
])
def test_a_return_beyond_what_is_left_is_refused(lines, tenders, taken, refunded, by_tender, code, culprit):
    exc = refused(check_fits, ORDER, ask(lines, tenders), taken, refunded, by_tender)
    assert exc.code == code
    assert culprit in (exc.line_no, exc.method)


def test_the_other_lines_and_tenders_do_not_count_against_this_one():
    check_fits(ORDER, ask({2: (1, 3_333)}, {"points": 3_333}), {1: 2}, {1: 11_980}, {"wechat": 10_000})


def test_the_lines_are_checked_in_order_of_line_number():
    exc = refused(check_fits, ORDER, ask({9: (1, 1), 1: (3, 1)}, {"wechat": 2}), {}, {}, {})
    assert (exc.code, exc.line_no) == ("return.above_returnable", 1)


# -- what the reservations took ----------------------------------------------------------------
def test_the_reservations_add_up_per_line_and_per_tender():
    assert taken_sums([]) == ({}, {}, {})
    assert taken_sums([
        ({"1": [1, 5_990]}, {"wechat": 5_990}),
        ({"1": [1, 5_990], "2": [1, 3_333]}, {"wechat": 4_010, "points": 5_313}),
        ({"2": [0, 0]}, {}),
    ]) == ({1: 2, 2: 1}, {1: 11_980, 2: 3_333}, {"wechat": 10_000, "points": 5_313})
    assert taken_sums([({"3": [2, 7]}, {"cash": 7})]) == ({3: 2}, {3: 7}, {"cash": 7})


def test_what_is_returnable_is_what_was_sold_less_what_was_returned():
    assert LineStatus(1, "100001", 5, 2, 0, 100).returnable == 3
    assert LineStatus(1, "100001", 5, 0, 0, 100).returnable == 5


# -- a store sale as a return sees it ----------------------------------------------------------
def sale(payments: list[tuple[str, int]], change: int = 0, lines: list[dict] | None = None) -> dict:
    return {"lines": lines if lines is not None else [{"line_no": 1, "sku": "100001", "qty": 2, "net_minor": 1_000}],
            "payments": [{"method": m, "amount_minor": fen} for m, fen in payments], "change_minor": change}


def test_a_sale_is_returnable_for_each_tender_net_of_the_change():
    original = original_from_sale("sale:1", "S001", sale([("card", 600), ("cash", 500), ("cash", 100)], 200))
    assert original == Original("sale:1", "S001", {1: OriginalLine(1, "100001", 2, 1_000)},
                                {"card": 600, "cash": 400})
    assert original_from_sale("sale:1", "S001", sale([("card", 1_000)])).tenders == {"card": 1_000}


def test_a_tender_that_netted_to_nothing_is_not_refundable_and_one_fen_is():
    assert original_from_sale("sale:1", "S001", sale([("card", 1_000), ("cash", 50)], 50)).tenders == \
        {"card": 1_000}
    assert original_from_sale("sale:1", "S001", sale([("card", 999), ("cash", 50)], 49)).tenders == \
        {"card": 999, "cash": 1}


def test_the_net_of_a_line_and_lines_without_a_number():
    lines = [{"line_no": 1, "sku": 100001, "qty": 1, "net_minor": 900, "line_total_minor": 1_000},
             {"line_no": 2, "sku": "2", "qty": 1, "line_total_minor": 700},  # v2: no discounts, no net
             {"line_no": 3, "sku": "3", "qty": 1},
             {"sku": "4", "qty": 1, "net_minor": 5}]  # not a sale line a return can name
    original = original_from_sale("sale:1", "S001", sale([("cash", 1_600)], lines=lines))
    assert original.lines == {1: OriginalLine(1, "100001", 1, 900), 2: OriginalLine(2, "2", 1, 700),
                              3: OriginalLine(3, "3", 1, 0)}


# -- a till's return of its own sale, as HQ checks it ------------------------------------------
SALE = Original("sale:S1", "S001", {
    1: OriginalLine(1, "100001", 3, 2_999),
    2: OriginalLine(2, "100002", 1, 1_000),
}, {"card": 2_000, "cash": 1_999})


def own(lines: list[tuple[int, str, int, int]], tenders: list[tuple[str, int]]) -> dict:
    return {"lines": [{"line_no": n, "sku": sku, "qty": q, "refund_minor": fen} for n, sku, q, fen in lines],
            "tenders": [{"method": m, "amount_minor": fen} for m, fen in tenders]}


def test_returns_of_the_whole_sale_in_parts_pass_to_the_last_fen():
    first = own([(1, "100001", 1, 1_000)], [("card", 1_000)])
    second = own([(1, "100001", 2, 1_999), (2, "100002", 1, 1_000)], [("card", 1_000), ("cash", 1_999)])
    assert own_return_problem(SALE, [], first) is None
    assert own_return_problem(SALE, [first], second) is None


@pytest.mark.parametrize("earlier,ret,words", [
    ([], own([(3, "100003", 1, 1)], [("cash", 1)]), "not a line"),
    ([], own([(1, "999999", 1, 1)], [("cash", 1)]), "not a line"),  # the sale's line, another SKU
    ([], own([(1, "100001", 4, 2_999)], [("card", 2_000), ("cash", 999)]), "returns 4 where 3"),
    ([own([(1, "100001", 2, 1_999)], [("card", 1_999)])],
     own([(1, "100001", 2, 1_000)], [("cash", 1_000)]), "returns 2 where 1"),
    ([], own([(2, "100002", 1, 1_001)], [("cash", 1_001)]), "refunds 1001 where 1000"),
    ([own([(1, "100001", 1, 1_000)], [("card", 1_000)])],
     own([(1, "100001", 2, 2_000)], [("card", 2_000)]), "refunds 2000 where 1999"),
    ([], own([(2, "100002", 1, 1_000)], [("wechat", 1_000)]), "tender wechat"),  # not paid so
    ([own([(1, "100001", 2, 1_999)], [("card", 1_999)])],
     own([(2, "100002", 1, 1_000)], [("card", 1_000)]), "tender card: refunds 1000 where 1"),
    ([], own([(2, "100002", 1, 1_000)], [("cash", 600), ("cash", 600)]), ""),  # fine: 1,200 ≤ 1,999
])
def test_hq_refuses_a_return_beyond_a_line_or_a_tender(earlier, ret, words):
    problem = own_return_problem(SALE, earlier, ret)
    if words:
        assert problem is not None and words in problem
    else:
        assert problem is None
