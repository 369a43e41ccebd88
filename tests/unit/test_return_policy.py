"""The return policy's rules: windows per category and channel in store days, non-returnable
categories, dispositions and the stock movements they make."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from store_client import config as cfg
from store_client.domain import return_policy as rp
from store_client.domain.stock import MovementReason

SHANGHAI = ZoneInfo("Asia/Shanghai")
POLICY = rp.ReturnPolicy(30, {"online": 15}, {"FOOD": 7, "FOOD:online": 3, "ELEC:store": 90},
                         frozenset({"UNDERWEAR", "GIFTCARD"}))


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(("category", "channel", "days"), [
    ("FOOD", "online", 3),  # category for this channel beats everything
    ("FOOD", "store", 7),  # the category beats the channel
    ("ELEC", "store", 90),
    ("ELEC", "online", 15),  # ELEC has a window for the store only: the channel's applies online
    ("TOYS", "online", 15),  # no category window: the channel's
    ("TOYS", "store", 30),  # nothing specific: the global window
    (None, "online", 15),  # a SKU the catalog does not know: no category
])
def test_the_most_specific_window_wins(category, channel, days) -> None:  # type: ignore[no-untyped-def]
    assert POLICY.window_days(category, channel) == days


def test_a_sale_at_2359_local_is_returnable_through_the_whole_last_day_and_not_a_minute_more() -> None:
    sold = local(2026, 1, 1, 23, 59)
    assert rp.last_day(sold, 30, SHANGHAI) == date(2026, 1, 31)
    assert rp.within_window(sold, local(2026, 1, 31, 23, 59, 59), 30, SHANGHAI)
    assert not rp.within_window(sold, local(2026, 2, 1, 0, 0), 30, SHANGHAI)
    # the same moments in UTC: the last day ends at 16:00 UTC, not at UTC midnight
    assert rp.within_window(sold.astimezone(UTC), datetime(2026, 1, 31, 15, 59, 59, tzinfo=UTC), 30, SHANGHAI)
    assert not rp.within_window(sold.astimezone(UTC), datetime(2026, 1, 31, 16, 0, tzinfo=UTC), 30, SHANGHAI)


def test_a_sale_just_after_local_midnight_counts_from_its_local_day_not_the_utc_one() -> None:
    sold = local(2026, 1, 2, 0, 30)  # 2026-01-01 16:30 UTC
    assert rp.last_day(sold.astimezone(UTC), 30, SHANGHAI) == date(2026, 2, 1)
    assert rp.within_window(sold, local(2026, 2, 1, 23, 0), 30, SHANGHAI)


def test_a_zero_day_window_is_the_day_of_the_sale_only() -> None:
    sold = local(2026, 3, 5, 9, 0)
    assert rp.within_window(sold, local(2026, 3, 5, 23, 59), 0, SHANGHAI)
    assert not rp.within_window(sold, local(2026, 3, 6, 0, 0), 0, SHANGHAI)


def verdicts(now: datetime, channel: str = "store", sold: datetime | None = local(2026, 1, 1, 23, 59)):  # type: ignore[no-untyped-def]
    return rp.judge([(1, "FOOD"), (2, "TOYS"), (3, "UNDERWEAR"), (4, None)], channel=channel, sold_at=sold,
                    now=now, zone=SHANGHAI, policy=POLICY)


def test_a_mixed_sale_refuses_only_the_line_past_its_window_naming_it() -> None:
    v = verdicts(local(2026, 1, 9, 10, 0))  # FOOD's 7 days ended on the 8th; the rest have 30
    assert [n for n, x in v.items() if x.window_passed] == [1]
    assert v[1].last_day == date(2026, 1, 8) and v[2].last_day == date(2026, 1, 31)
    with pytest.raises(rp.PolicyRefused) as refused:
        rp.check_selection(v, [(2, 1), (1, 1)], {1: "restock", 2: "restock"}, override=False)
    assert refused.value.code == "return.window_passed" and refused.value.params == {"line": 1, "days": 7}
    assert rp.check_selection(v, [(2, 1), (4, 2), (1, 0)], {2: "restock", 4: "vendor"}, override=False) == ()


def test_on_the_last_day_the_line_is_still_returnable() -> None:
    v = verdicts(local(2026, 1, 8, 23, 59, 59))
    assert not v[1].window_passed
    assert verdicts(local(2026, 1, 9, 0, 0))[1].window_passed


def test_a_non_returnable_category_needs_the_override_and_reports_the_lines_overridden() -> None:
    v = verdicts(local(2026, 1, 2, 10, 0))
    assert v[3].non_returnable and not v[4].non_returnable  # unknown category: returnable
    with pytest.raises(rp.PolicyRefused) as refused:
        rp.check_selection(v, [(2, 1), (3, 1)], {2: "restock", 3: "restock"}, override=False)
    assert refused.value.code == "return.non_returnable" and refused.value.params == {"line": 3}
    assert rp.check_selection(v, [(2, 1), (3, 1)], {2: "restock", 3: "damaged"}, override=True) == (3,)


def test_the_override_never_reopens_a_passed_window() -> None:
    v = verdicts(local(2026, 3, 1, 10, 0))
    with pytest.raises(rp.PolicyRefused) as refused:
        rp.check_selection(v, [(3, 1)], {3: "restock"}, override=True)
    assert refused.value.code == "return.window_passed"


@pytest.mark.parametrize("bad", ["RESTOCK", "", None, "trash", 3, ["restock"]])
def test_an_unknown_disposition_is_refused_before_anything_else(bad) -> None:  # type: ignore[no-untyped-def]
    v = verdicts(local(2026, 3, 1, 10, 0))  # line 1 past its window too: the disposition is named first
    with pytest.raises(rp.PolicyRefused) as refused:
        rp.check_selection(v, [(1, 1)], {1: bad}, override=True)
    assert refused.value.code == "return.disposition_unknown" and refused.value.params == {"line": 1}


def test_an_original_without_a_time_has_no_window_checked() -> None:
    v = verdicts(local(2030, 1, 1), sold=None)
    assert not any(x.window_passed for x in v.values()) and v[1].last_day is None


def test_online_orders_use_the_online_windows() -> None:
    v = verdicts(local(2026, 1, 5, 12, 0), channel="online")  # FOOD:online is 3 days: last day the 4th
    assert v[1].window_passed and v[1].days == 3 and not v[2].window_passed and v[2].days == 15


def test_only_restocked_goods_raise_on_hand_and_the_ledger_shows_where_the_rest_went() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    moves = rp.movements([("A", 2, "restock"), ("A", 1, "damaged"), ("B", 3, "vendor"), ("C", 0, "restock")],
                         "return:x", at)
    got = {(m.sku, m.reason): m.delta for m in moves}
    assert got == {("A", MovementReason.RETURN): 3, ("A", MovementReason.DAMAGE): -1,
                   ("B", MovementReason.RETURN): 3, ("B", MovementReason.RETURN_TO_VENDOR): -3}
    on_hand: dict[str, int] = {}
    for m in moves:
        on_hand[m.sku] = on_hand.get(m.sku, 0) + m.delta
    assert on_hand == {"A": 2, "B": 0}  # sellable: the two restocked units only
    assert len({(m.ref, m.sku, m.reason) for m in moves}) == len(moves)  # one row per stock key


def test_settings_check_the_tables_and_feed_the_policy() -> None:
    base = {"store": {"store_id": "S1", "terminal_id": "T1"}}
    config = cfg.from_mapping({**base, "returns": {"window_days": 20, "channel_window_days": {"online": 10},
                                                    "category_window_days": {"FOOD": 7},
                                                    "non_returnable": ["GIFTCARD"]}})
    policy = rp.ReturnPolicy.from_settings(config.values)
    assert (policy.window_days("FOOD", "online"), policy.window_days("X", "online"),
            policy.window_days("X", "store")) == (7, 10, 20)
    assert policy.non_returnable == {"GIFTCARD"}
    defaults = rp.ReturnPolicy.from_settings(cfg.from_mapping(base).values)
    assert defaults.window_days("FOOD", "online") == 30 and not defaults.non_returnable
    for bad in ({"channel_window_days": {"web": 3}}, {"category_window_days": {"FOOD": -1}},
                {"category_window_days": {"FOOD:web": 1}}, {"category_window_days": {"FOOD": 1.5}},
                {"category_window_days": ["FOOD"]}, {"non_returnable": ["", "X"]},
                {"category_window_days": {"FOOD": rp.MAX_DAYS + 1}}):
        with pytest.raises(cfg.ConfigError):
            cfg.from_mapping({**base, "returns": bad})


def test_a_morning_sale_gets_the_whole_last_day_not_thirty_times_24_hours() -> None:
    sold = local(2026, 1, 1, 8, 0)
    evening = local(2026, 1, 31, 20, 0)
    assert evening > sold + timedelta(days=30)  # 30 x 24 h had ended at 08:00
    assert rp.within_window(sold, evening, 30, SHANGHAI)
