"""Split tenders: change only for cash, no card/mobile/points over-tender, cash maximum."""

from __future__ import annotations

import pytest
from hypothesis import given
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
    assert settle(8650, [cash(8650)]).complete
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


def test_points_tender_uses_configured_rate():
    config = TenderConfig(points=PointsConfig(redeem_points=150, redeem_value_fen=100))
    assert settle(100, [Tender(POINTS, 100, points=150)], config).complete
    assert settle(100, [Tender(POINTS, 100, points=100)], config).errors


def test_nothing_due():
    assert settle(0, []).complete
    assert settle(0, [cash(100)]).errors[0].code is TenderErrorCode.NOTHING_DUE
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
