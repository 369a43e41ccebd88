"""The endless aisle's rules without a database: lead times per source, the setting's check,
and the order line's checks (each refusal names its rule; nothing personal in the text)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from store_client.domain import aisle as da

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
STORE = da.Source("S002", "静安寺店", "store", 3, NOW)


def test_lead_days_by_site_then_by_kind() -> None:
    defaults = {"store": 1, "warehouse": 2}
    assert da.lead_days("S002:3, W01:5", "S002", "store", defaults) == 3
    assert da.lead_days("S002:3, W01:5", "W01", "warehouse", defaults) == 5
    assert da.lead_days("S002:3", "S003", "store", defaults) == 1
    assert da.lead_days("", "W09", "warehouse", defaults) == 2
    assert da.lead_days("S002:x", "S002", "store", defaults) == 1  # unusable entry: the kind's
    assert da.lead_days("S002:999", "S002", "store", defaults) == da.MAX_LEAD_DAYS


@pytest.mark.parametrize("value", ["S002", "S002:", ":3", "S002:-1", "S002:61", 7])
def test_the_setting_check_names_a_bad_entry(value: object) -> None:
    assert da.settings_problem(value) is not None


def test_a_good_setting_passes() -> None:
    assert da.settings_problem("") is None and da.settings_problem("S002:1, W01:3,") is None


def test_a_good_line_keeps_digits_drops_an_address_for_pick_up_and_promises_by_lead() -> None:
    line = da.check("100001", 2, STORE, "pickup", "139-1234-8000", "somewhere", now=NOW, lead=1)
    assert (line.phone, line.address, line.promised_at) == ("13912348000", "", NOW + timedelta(days=1))
    home = da.check("100001", 3, STORE, "delivery", "13912348000", "  上海市  静安区 南京西路1号 ", now=NOW, lead=2)
    assert home.address == "上海市 静安区 南京西路1号" and home.promised_at == NOW + timedelta(days=2)


@pytest.mark.parametrize(("qty", "source", "fulfilment", "phone", "address", "code"), [
    (4, STORE, "pickup", "13912348000", "", "aisle.quantity_above_source"),
    (1, da.Source("S003", "陆家嘴店", "store", 0, NOW), "pickup", "13912348000", "", "aisle.source_empty"),
    (1, da.Source("S003", "陆家嘴店", "store", -2, NOW), "pickup", "13912348000", "", "aisle.source_empty"),
    (1, da.Source("X", "x", "shop", 9, NOW), "pickup", "13912348000", "", "aisle.bad_source"),
    (0, STORE, "pickup", "13912348000", "", "aisle.bad_quantity"),
    (1000, da.Source("W01", "嘉定仓", "warehouse", 5000, NOW), "pickup", "13912348000", "", "aisle.bad_quantity"),
    (2.0, STORE, "pickup", "13912348000", "", "aisle.bad_quantity"),
    (1, STORE, "mail", "13912348000", "", "aisle.bad_fulfilment"),
    (1, STORE, "pickup", "12912348000", "", "aisle.phone_required"),
    (1, STORE, "pickup", None, "", "aisle.phone_required"),
    (1, STORE, "delivery", "13912348000", "短", "aisle.address_required"),
    (1, STORE, "delivery", "13912348000", None, "aisle.address_required"),
    (1, STORE, "delivery", "13912348000", "路" * 201, "aisle.address_too_long"),
])
def test_each_refusal_names_its_rule(qty: object, source: da.Source, fulfilment: str, phone: object,
                                     address: object, code: str) -> None:
    with pytest.raises(da.AisleError) as caught:
        da.check("100001", qty, source, fulfilment, phone, address, now=NOW, lead=1)
    assert caught.value.code == code
    assert "13912348000" not in str(caught.value) and "路路" not in str(caught.value)


def test_a_naive_time_is_refused_and_the_phone_is_masked_for_show() -> None:
    with pytest.raises(da.AisleError):
        da.check("100001", 1, STORE, "pickup", "13912348000", "", now=NOW.replace(tzinfo=None), lead=1)
    assert da.masked_phone("13912348000") == "139****8000"
