"""Split tenders: change only for cash, no card/mobile/points over-tender, cash maximum."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from store_client.domain.points import PointsConfig
from store_client.domain.tenders import (
    Tender,
    TenderConfig,
    TenderErrorCode,
    TenderKind,
    check_new_tender,
    settle,
)

CASH, CARD, MOBILE, POINTS = TenderKind.CASH, TenderKind.CARD, TenderKind.MOBILE, TenderKind.POINTS


def cash(x):
    return Tender(CASH, x)


def card(x, ref="AUTH1"):
    return Tender(CARD, x, ref)


def mobile(x, ref="TX1"):
    return Tender(MOBILE, x, ref)


def test_exact_cash_and_change():
    s = settle(8650, [cash(8650)])
    assert (s.remaining_fen, s.change_fen, s.complete) == (0, 0, True)
    s = settle(8650, [cash(10000)])
    assert (s.remaining_fen, s.change_fen, s.complete) == (0, 1350, True)


def test_split_cash_and_mobile_with_change_from_cash_only():
    s = settle(10000, [mobile(6000), cash(5000)])
    assert (s.tendered_fen, s.remaining_fen, s.change_fen, s.complete) == (11000, 0, 1000, True)


def test_partial_payment_leaves_remaining():
    s = settle(10000, [card(3000), Tender(POINTS, 500, points=500)])
    assert (s.remaining_fen, s.change_fen, s.complete, s.errors) == (6500, 0, False, ())


@pytest.mark.parametrize("tender", [card(10001), mobile(10001),
                                    Tender(POINTS, 10001, points=10001)])
def test_non_cash_over_tender_is_refused(tender):
    s = settle(10000, [tender])
    assert [e.code for e in s.errors] == [TenderErrorCode.OVER_TENDER]
    assert not s.complete and s.change_fen == 0


def test_non_cash_over_tender_across_several_tenders():
    s = settle(10000, [card(6000), mobile(5000)])
    assert [(e.index, e.code) for e in s.errors] == [(1, TenderErrorCode.OVER_TENDER)]


def test_cash_maximum_is_per_sale():
    config = TenderConfig(cash_max_fen=100_000)
    assert settle(150_000, [cash(100_000), card(50_000)], config).complete
    s = settle(150_000, [cash(60_000), cash(50_000)], config)
    assert [(e.index, e.code) for e in s.errors] == [(1, TenderErrorCode.CASH_ABOVE_MAXIMUM)]
    assert "1000.00" in s.errors[0].message


@pytest.mark.parametrize("tender, code", [
    (cash(0), TenderErrorCode.NOT_POSITIVE), (cash(-5), TenderErrorCode.NOT_POSITIVE),
    (Tender(CASH, 1.5), TenderErrorCode.NOT_POSITIVE),  # type: ignore[arg-type]
    (card(100, ref=None), TenderErrorCode.REFERENCE_REQUIRED),
    (mobile(100, ref="  "), TenderErrorCode.REFERENCE_REQUIRED),
    (Tender(POINTS, 100, points=99), TenderErrorCode.POINTS_MISMATCH),
    (Tender(POINTS, 100), TenderErrorCode.POINTS_MISMATCH),
])
def test_bad_tenders(tender, code):
    s = settle(1000, [tender])
    assert s.errors[0].code is code and not s.complete


def test_a_missing_reference_is_named_for_the_kind_of_payment():
    assert "authorisation reference" in settle(1000, [card(100, ref=None)]).errors[0].message
    assert "transaction id" in settle(1000, [mobile(100, ref=None)]).errors[0].message


def test_one_point_is_a_valid_points_tender():
    assert settle(100, [Tender(POINTS, 1, points=1)]).errors == ()
    assert settle(100, [Tender(POINTS, 0, points=0)]).errors[0].code is \
        TenderErrorCode.NOT_POSITIVE


def test_points_tender_uses_configured_rate():
    config = TenderConfig(points=PointsConfig(redeem_points=150, redeem_value_fen=100))
    assert settle(100, [Tender(POINTS, 100, points=150)], config).complete
    assert settle(100, [Tender(POINTS, 100, points=100)], config).errors


def test_nothing_due():
    assert settle(0, []).complete
    assert {(e.index, e.code) for e in settle(0, [cash(100), card(5)]).errors} == {
        (0, TenderErrorCode.NOTHING_DUE), (1, TenderErrorCode.OVER_TENDER)}
    assert check_new_tender(0, [], cash(100)).code is TenderErrorCode.NOTHING_DUE
    with pytest.raises(ValueError):
        settle(-1, [])


def test_check_new_tender():
    accepted = [mobile(4000)]
    assert check_new_tender(10000, accepted, card(6000)) is None
    assert check_new_tender(10000, accepted, card(6001)).code is TenderErrorCode.OVER_TENDER
    assert check_new_tender(10000, accepted, cash(50000)) is None
    assert check_new_tender(10000, [mobile(4000), cash(6000)], cash(1)).code is \
        TenderErrorCode.OVER_TENDER  # already paid
    assert check_new_tender(10000, accepted, card(100, ref="")).code is \
        TenderErrorCode.REFERENCE_REQUIRED


tenders = st.lists(st.builds(
    lambda kind, amount: Tender(kind, amount, "REF", amount if kind is POINTS else None),
    st.sampled_from(list(TenderKind)), st.integers(1, 200_000)), max_size=6)


@given(st.integers(1, 300_000), tenders)
@example(10000, [cash(5000), card(10000)])  # change when non-cash pays exactly what is due
@example(10000, [cash(5000), card(10001)])  # over-tender: refused, however much cash
def test_settlement_arithmetic(due, ts):
    s = settle(due, ts)
    non_cash = sum(t.amount_fen for t in ts if t.kind is not CASH)
    paid_cash = sum(t.amount_fen for t in ts if t.kind is CASH)
    assert s.tendered_fen == non_cash + paid_cash
    assert s.remaining_fen == max(0, due - s.tendered_fen)
    assert 0 <= s.change_fen <= paid_cash  # change only ever comes from cash
    if non_cash > due:
        assert any(e.code is TenderErrorCode.OVER_TENDER for e in s.errors) and not s.complete
    if s.complete:
        assert s.tendered_fen - s.change_fen == due


def test_cash_then_a_card_for_the_full_amount_gives_all_the_cash_back():
    # The card alone pays 100.00 (allowed: not more than due); the 50.00 cash is change.
    s = settle(10000, [cash(5000), card(10000)])
    assert (s.errors, s.tendered_fen, s.remaining_fen, s.change_fen, s.complete) == \
        ((), 15000, 0, 5000, True)
    assert settle(10000, [cash(5000), card(9999)]).change_fen == 4999


def test_no_change_at_all_once_non_cash_exceeds_the_amount_due():
    s = settle(10000, [cash(5000), card(10001)])
    assert [(e.index, e.code) for e in s.errors] == [(1, TenderErrorCode.OVER_TENDER)]
    assert (s.change_fen, s.remaining_fen, s.complete) == (0, 0, False)


@pytest.mark.parametrize("bad", [cash(-500), cash(0), card(-500),
                                 Tender(CASH, 1.5)])  # type: ignore[arg-type]
def test_a_refused_tender_pays_nothing_and_the_next_ones_still_count(bad):
    s = settle(10000, [bad, cash(4000), card(6000)])
    assert [(e.index, e.code) for e in s.errors] == [(0, TenderErrorCode.NOT_POSITIVE)]
    assert (s.tendered_fen, s.remaining_fen, s.change_fen) == (10000, 0, 0)
    assert isinstance(s.tendered_fen, int) and not s.complete


def test_default_cash_maximum_is_50000_yuan_per_sale():
    assert settle(6_000_000, [cash(5_000_000), card(1_000_000)]).complete
    s = settle(6_000_000, [cash(4_000_000), cash(1_000_001), card(999_999)])
    assert [(e.index, e.code) for e in s.errors] == [(1, TenderErrorCode.CASH_ABOVE_MAXIMUM)]
    config = TenderConfig(cash_max_fen=1)
    assert settle(1, [cash(1)], config).complete
    assert settle(2, [cash(2)], config).errors[0].code is TenderErrorCode.CASH_ABOVE_MAXIMUM


@pytest.mark.parametrize("cash_max", [0, -1, True, 1.5, None])
def test_bad_tender_config(cash_max):
    with pytest.raises(ValueError, match="cash_max_fen"):
        TenderConfig(cash_max_fen=cash_max)  # type: ignore[arg-type]
