"""Payload schemas, dataset rows, page parsing and backoff: pure functions, no disk."""

from __future__ import annotations

import copy
import random
import uuid
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store_client.services.sync_status import SyncStatus, format_age, shift_close_warning
from sync.terminal.backoff import Backoff
from sync.protocol.datasets import validate_row
from sync.hq.service import hash_token
from sync.protocol.events import PayloadError, validate
from sync.terminal.puller import BadPage, parse_page
from tools.soak import make_sale


def v1_sale() -> dict:
    return {"sale_id": str(uuid.uuid4()), "store_id": "S001", "terminal_id": "T01",
            "completed_at": "2026-01-01T09:00:00+00:00",
            "lines": [{"sku": "100001", "qty": 2, "unit_price_minor": 250, "line_total_minor": 500}],
            "total_minor": 500, "paid_minor": 500}


@given(st.integers(min_value=0, max_value=2**32))
def test_generated_sales_are_valid_and_balance_to_the_fen(seed: int) -> None:
    sale = make_sale(random.Random(seed))
    out = validate("sale.completed", 2, sale)
    assert sum(line["line_total_minor"] for line in out["lines"]) - out["discount_minor"] == out["total_minor"]
    assert sum(p["amount_minor"] for p in out["payments"]) - out["change_minor"] == out["total_minor"]


def test_v1_is_upgraded_to_the_v2_shape() -> None:
    out = validate("sale.completed", 1, v1_sale())
    assert out["payments"] == [{"method": "cash", "amount_minor": 500}]
    assert (out["discount_minor"], out["change_minor"], out["member_id"]) == (0, 0, None)
    assert set(out) == set(validate("sale.completed", 2, make_sale(random.Random(1))))


@pytest.mark.parametrize("mutate, reason", [
    (lambda s: s.update(total_minor=5.0), "must be an integer"),
    (lambda s: s.update(total_minor=True), "must be an integer"),
    (lambda s: s.update(total_minor="500"), "must be an integer"),
    (lambda s: s.pop("sale_id"), "missing field 'sale_id'"),
    (lambda s: s.update(sale_id="not-a-uuid"), "UUID"),
    (lambda s: s.update(lines=[]), "at least one line"),
    (lambda s: s.update(lines="x"), "must be a list"),
    (lambda s: s["lines"][0].update(qty=None), "must be an integer"),
    (lambda s: s.update(total_minor=499), "not the sum"),
    (lambda s: s.update(paid_minor=499), "less than"),
    (lambda s: s.update(store_id=""), "non-empty string"),
    (lambda s: s.update(total_minor=10**13), "out of range"),
    # HQ compares event times as text: only a time with its offset may get in
    (lambda s: s.update(completed_at="zzzz"), "must be a time"),
    (lambda s: s.update(completed_at="2026-01-01T09:00:00"), "UTC offset"),
    (lambda s: s.update(completed_at="2026-02-30T09:00:00+00:00"), "must be a time"),
])
def test_bad_v1_sales_are_rejected_with_a_reason(mutate, reason) -> None:
    sale = v1_sale()
    mutate(sale)
    with pytest.raises(PayloadError, match=reason):
        validate("sale.completed", 1, sale)


def test_bad_v2_sales_are_rejected() -> None:
    base = make_sale(random.Random(3))
    for mutate, reason in [
        (lambda s: s["payments"].append({"method": "bitcoin", "amount_minor": 1}), "unknown method"),
        (lambda s: s.update(change_minor=s["change_minor"] + 1), "payments minus change"),
        (lambda s: s.update(discount_minor=-1), "out of range"),
        (lambda s: s.update(member_id=7), "non-empty string"),
    ]:
        sale = copy.deepcopy(base)
        mutate(sale)
        with pytest.raises(PayloadError, match=reason):
            validate("sale.completed", 2, sale)


def test_unknown_kinds_versions_and_non_objects() -> None:
    with pytest.raises(PayloadError, match="unknown event kind"):
        validate("sale.vanished", 1, {})
    with pytest.raises(PayloadError, match=r"accepted: \[1, 2, 3\]"):
        validate("sale.completed", 4, {})
    with pytest.raises(PayloadError, match="must be an object"):
        validate("audit.entry", 1, ["x"])
    out = validate("audit.entry", 1, {"at": "2026-01-01T00:00:00+00:00", "action": "drawer.open",
                                      "details": {"why": "change"}})
    assert out["operator_id"] is None and out["details"] == {"why": "change"}


def test_catalog_rows_are_checked_and_key_must_match() -> None:
    row = {"sku": "1", "name_zh": "水", "name_en": "Water", "unit": "each", "price_minor": 100,
           "tax_rate_bp": 1300, "category": {"code": "D", "name_zh": "饮", "name_en": "Drinks"},
           "barcodes": ["123", "123"]}
    assert validate_row("catalog", "1", row)["barcodes"] == ["123"]
    with pytest.raises(PayloadError, match="does not match"):
        validate_row("catalog", "2", row)
    with pytest.raises(PayloadError, match="unit"):
        validate_row("catalog", "1", {**row, "unit": "box"})
    with pytest.raises(PayloadError, match="tax_rate_bp"):
        validate_row("catalog", "1", {**row, "tax_rate_bp": 10_001})
    with pytest.raises(PayloadError, match="unknown dataset"):
        validate_row("weather", "1", {})
    with pytest.raises(PayloadError, match="row key"):
        validate_row("promotions", "", {})


def test_parse_page_accepts_a_good_page_and_a_reset() -> None:
    page = parse_page("promotions", {"dataset": "promotions", "reset": False, "has_more": True, "cursor": "c",
                                  "changes": [{"seq": 1, "key": "m", "op": "upsert", "data": {"p": 1}},
                                              {"seq": 4, "key": "n", "op": "delete"}]}, 10)
    assert page.changes == [("m", "upsert", {"p": 1}), ("n", "delete", None)] and page.has_more
    assert parse_page("promotions", {"dataset": "promotions", "reset": True}, 10).reset


@pytest.mark.parametrize("raw", [
    None, [], {"dataset": "promotions"}, {"dataset": "promotions", "reset": "yes"},
    {"dataset": "promotions", "changes": [], "cursor": "", "has_more": False},
    {"dataset": "promotions", "changes": [], "cursor": "c", "has_more": 1},
    {"dataset": "promotions", "changes": [{"seq": 1, "key": "k", "op": "merge", "data": {}}], "cursor": "c",
     "has_more": False},
    {"dataset": "promotions", "changes": [{"seq": True, "key": "k", "op": "delete"}], "cursor": "c",
     "has_more": False},
    {"dataset": "promotions", "changes": [{"seq": 1, "key": 5, "op": "delete"}], "cursor": "c",
     "has_more": False},
    {"dataset": "promotions", "changes": [{"seq": i, "key": "k", "op": "delete"} for i in range(1, 12)],
     "cursor": "c", "has_more": False},
])
def test_parse_page_refuses_bad_pages(raw) -> None:
    with pytest.raises(BadPage):
        parse_page("promotions", raw, 10)


def test_backoff_grows_is_capped_jittered_and_resets() -> None:
    backoff = Backoff(base=1.0, cap=30.0, rng=random.Random(5))
    delays = [backoff.next_delay() for _ in range(200)]
    assert all(0 <= d <= 30 for d in delays)
    assert max(delays[:3]) <= 4 and max(delays[50:]) > 15  # grows, then bounded by the cap
    assert len(set(delays)) == len(delays)  # jittered: no two the same
    backoff.reset()
    assert backoff.next_delay() <= 1.0


def test_status_helpers() -> None:
    assert [format_age(timedelta(seconds=s)) for s in (5, 125, 3 * 3600 + 60, 8 * 86400)] == \
        ["5s", "2m", "3h01m", "8d0h"]
    quiet = SyncStatus("online", 0, 0, None, None, None, None, {})
    assert shift_close_warning(quiet) is None
    busy = SyncStatus("offline", 2, 1, timedelta(hours=1), None, timedelta(minutes=-3), None, {})
    assert "2 event(s)" in shift_close_warning(busy) and busy.skew_is_large
    assert hash_token("a") != hash_token("b") and len(hash_token("a")) == 64
