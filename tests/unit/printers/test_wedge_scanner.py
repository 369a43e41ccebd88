"""Keyboard-wedge burst detection, driven by a harness at configurable key speeds."""

from __future__ import annotations

import pytest

from store_client.hardware.wedge import WedgeDetector, burst


def feed(detector: WedgeDetector, events) -> list[tuple[str, str]]:
    out = []
    for text, at, enter in events:
        verdict, value = detector.key(text, at, enter=enter)
        if verdict != "buffer":
            out.append((verdict, value))
    return out


@pytest.mark.parametrize("interval", [1, 10, 34])
def test_fast_bursts_ending_in_enter_are_scans(interval):
    scans = []
    d = WedgeDetector(max_key_interval_ms=35, min_length=6, on_scan=scans.append)
    assert feed(d, burst("6901234567892", 1000, interval)) == [("scan", "6901234567892")]
    assert scans == ["6901234567892"]
    assert d.pending == ""


@pytest.mark.parametrize("interval", [36, 80, 200])
def test_human_typing_is_never_taken_for_a_scan(interval):
    d = WedgeDetector(max_key_interval_ms=35, min_length=6)
    out = feed(d, burst("123456789", 0, interval))
    assert ("scan", "123456789") not in out
    replayed = "".join(v for verdict, v in out if verdict == "flush")
    assert replayed == "123456789"  # every key reaches the text field, in order


def test_short_codes_below_min_length_are_typing():
    d = WedgeDetector(max_key_interval_ms=35, min_length=6)
    assert feed(d, burst("12345", 0, 5)) == [("flush", "12345")]


def test_a_pause_mid_code_splits_it_and_nothing_is_lost():
    d = WedgeDetector(max_key_interval_ms=35, min_length=3)
    events = burst("abc", 0, 5)[:-1] + [("d", 500, False)] + burst("efg", 505, 5)[:]
    out = feed(d, events)
    assert out[0] == ("flush", "abc")
    assert out[-1] == ("scan", "defg")


def test_timeout_releases_held_keys_of_a_slow_typist():
    d = WedgeDetector(max_key_interval_ms=35, min_length=6)
    assert d.key("4", 0) == ("buffer", "")
    assert d.timeout(20) == ""
    assert d.timeout(100) == "4"
    assert d.pending == ""


def test_control_keys_flush_and_pass():
    d = WedgeDetector()
    d.key("1", 0)
    assert d.key("\t", 5) == ("flush", "1")
    assert d.key("", 10, enter=True) == ("pass", "")


def test_config_thresholds_are_used(tmp_path):
    from tests.conftest import make_config

    config = make_config(tmp_path, scanner={"max_key_interval_ms": 100, "min_length": 3})
    d = WedgeDetector.from_config(config)
    assert feed(d, burst("ABC", 0, 90)) == [("scan", "ABC")]
