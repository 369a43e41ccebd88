"""The rows HQ publishes for the manager's board (``store_tills``, ``store_enrollments``) and
the time check they share with the events: what a till accepts, and what it refuses."""

from __future__ import annotations

import pytest

from sync.protocol.datasets import validate_row
from sync.protocol.events import PayloadError, _time

TILL = {"terminal_id": "T02", "last_contact_at": "2026-12-03T08:00:00+00:00", "waiting": 3,
        "oldest_waiting_at": "2026-12-03T07:40:00+00:00"}
JOINED = {"member_id": "M000042", "terminal_id": "T02", "associate_id": "1001", "via": "receipt",
          "linked_existing": False, "at": "2026-12-03T08:00:00+08:00"}


def test_well_formed_rows_pass_as_they_are() -> None:
    assert validate_row("store_tills", "T02", TILL) == TILL
    assert validate_row("store_tills", "T02", {**TILL, "waiting": None, "oldest_waiting_at": None})["waiting"] is None
    assert validate_row("store_enrollments", "M000042", JOINED) == JOINED
    assert validate_row("store_enrollments", "M000042", {**JOINED, "associate_id": None})["associate_id"] is None


@pytest.mark.parametrize(("key", "change"), [
    ("T03", {}),  # the key is another till's
    ("T02", {"waiting": -1}), ("T02", {"waiting": 10**9 + 1}), ("T02", {"waiting": True}), ("T02", {"waiting": "3"}),
    ("T02", {"last_contact_at": "zzzz"}), ("T02", {"last_contact_at": "2026-12-03T08:00:00"}),
    ("T02", {"last_contact_at": None}), ("T02", {"oldest_waiting_at": "yesterday"}),
    ("T02", {"terminal_id": ""}), ("T02", {"terminal_id": "T" * 33}),
])
def test_a_bad_till_row_is_refused(key, change) -> None:
    with pytest.raises(PayloadError):
        validate_row("store_tills", key, {**TILL, **change})


@pytest.mark.parametrize(("key", "change"), [
    ("M000043", {}), ("M000042", {"via": "web"}), ("M000042", {"via": None}),
    ("M000042", {"linked_existing": 0}), ("M000042", {"linked_existing": None}),
    ("M000042", {"at": "2026-13-03T08:00:00+08:00"}), ("M000042", {"at": "2026-12-03"}),
    ("M000042", {"member_id": "M" * 17}),
])
def test_a_bad_enrollment_row_is_refused(key, change) -> None:
    with pytest.raises(PayloadError):
        validate_row("store_enrollments", key, {**JOINED, **change})


@pytest.mark.parametrize("value", ["2026-12-03T08:00:00+00:00", "2026-12-03T08:00:00.123456+08:00",
                                   "2026-12-03T08:00:00Z"])
def test_a_time_with_its_offset_is_kept_as_sent(value) -> None:
    assert _time({"at": value}, "at") == value


@pytest.mark.parametrize("value", ["zzzz", "2026-12-03T08:00:00", "", "2026-12-03T08:00:00+00:00" + " " * 20,
                                   12, "２０２６-12-03T08:00:00+00:00"])
def test_anything_else_is_not_a_time(value) -> None:
    with pytest.raises(PayloadError):
        _time({"at": value}, "at")
    assert _time({}, "at", optional=True) is None



MOVED = {"store_id": "S001", "terminal_id": "T01", "movements": [
    {"sku": "100001", "delta": -1, "reason": "sale", "ref": "sale:1", "at": "2026-12-03T08:00:00+00:00"}]}
NO_SALE = {"at": "2026-12-03T08:00:00+08:00", "operator_id": "1001", "terminal_id": "T01", "reason": "change"}


@pytest.mark.parametrize("bad", ["zzzz", "2026-12-03T08:00:00", "2026-12-03 08:00", "9999-99-99T00:00:00+00:00"])
def test_an_event_s_time_must_be_a_time_with_its_offset(bad) -> None:
    """HQ compares event times as text: a till clock's text or a naive time must not get in."""
    from sync.protocol.events import validate

    assert validate("stock.moved", 1, MOVED)["movements"][0]["at"] == "2026-12-03T08:00:00+00:00"
    assert validate("drawer.no_sale", 1, NO_SALE)["at"] == NO_SALE["at"]
    moved = {**MOVED, "movements": [{**MOVED["movements"][0], "at": bad}]}
    with pytest.raises(PayloadError):
        validate("stock.moved", 1, moved)
    with pytest.raises(PayloadError):
        validate("drawer.no_sale", 1, {**NO_SALE, "at": bad})
