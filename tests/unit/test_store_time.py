"""Store time: every shown or printed time in the configured store zone, never the PC's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from store_client import config as cfg
from store_client import store_time

NOON_UTC = datetime(2026, 7, 1, 12, 0, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _default_zone():  # type: ignore[no-untyped-def]
    yield
    store_time.configure(store_time.DEFAULT_ZONE)


def test_the_default_store_zone_is_shanghai_whatever_the_machine_says(machine_zone: str) -> None:
    assert datetime(2026, 7, 1, 12, tzinfo=UTC).astimezone().utcoffset() == timedelta(hours=-4)
    assert store_time.configured() == "Asia/Shanghai"
    assert store_time.date_time(NOON_UTC) == "2026-07-01 20:00:05"
    assert store_time.hhmm(NOON_UTC) == "20:00"
    assert store_time.minutes(NOON_UTC) == "2026-07-01 20:00"
    assert store_time.short(NOON_UTC) == "07-01 20:00:05"


def test_stored_text_naive_times_and_other_offsets_are_all_one_instant() -> None:
    stored = "2026-07-01T12:00:05.000000+00:00"
    naive = datetime(2026, 7, 1, 12, 0, 5)  # naive = UTC, as stored
    tokyo = NOON_UTC.astimezone(timezone(timedelta(hours=9)))
    assert {store_time.date_time(x) for x in (stored, naive, tokyo, NOON_UTC)} == {
        "2026-07-01 20:00:05"}


def test_a_configured_zone_with_daylight_saving_follows_it(machine_zone: str) -> None:
    store_time.configure("Europe/Berlin")
    assert store_time.hhmm(NOON_UTC) == "14:00"  # summer: UTC+2
    assert store_time.hhmm(datetime(2026, 1, 1, 12, tzinfo=UTC)) == "13:00"  # winter: UTC+1


def test_a_store_evening_after_utc_midnight_is_the_next_calendar_day() -> None:
    assert store_time.minutes(datetime(2026, 3, 14, 16, 30, tzinfo=UTC)) == "2026-03-15 00:30"


def test_no_time_shows_a_gap_rather_than_failing() -> None:
    assert store_time.hhmm(None) == "--:--"
    assert store_time.date_time(None) == store_time.short("") == ""


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../../etc/passwd", "UTC+8", "Asia/"])
def test_an_unknown_zone_is_refused_by_the_config_naming_the_key(tmp_path: Path, name: str) -> None:
    with pytest.raises(cfg.ConfigError) as caught:
        cfg.from_mapping({"store": {"store_id": "S1", "terminal_id": "T1", "time_zone": name}},
                         tmp_path / "config.toml")
    assert caught.value.key == "store.time_zone"
    with pytest.raises(ValueError):
        store_time.configure(name)
    assert store_time.configured() == "Asia/Shanghai"  # a refused zone changes nothing


def test_opening_a_terminal_sets_the_store_zone_from_its_config(tmp_path: Path) -> None:
    from store_client.bootstrap import open_terminal

    config = cfg.from_mapping({"store": {"store_id": "S1", "terminal_id": "T1",
                                         "time_zone": "Europe/London"},
                               "data": {"dir": str(tmp_path)}}, tmp_path / "config.toml")
    terminal = open_terminal(config)
    try:
        assert store_time.configured() == "Europe/London"
        assert store_time.hhmm(NOON_UTC) == "13:00"
    finally:
        terminal.close()
