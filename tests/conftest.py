"""Shared fixtures: a real terminal on a temporary data directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Log files of the commands the tests run go to a throwaway folder, not the user's.
os.environ.setdefault("STORE_CLIENT_LOG_DIR", __import__("tempfile").mkdtemp(prefix="sc-logs-"))

import pytest  # noqa: E402
from hypothesis import HealthCheck, Phase, settings  # noqa: E402

from store_client import config as cfg  # noqa: E402
from store_client.bootstrap import Terminal, open_terminal  # noqa: E402
from store_client.clock import FakeClock  # noqa: E402

# Hypothesis: the same examples on every run, so a random seed never decides whether a
# money rule is guarded (a bug once found stays an explicit @example in its test). No
# deadline and no too-slow health check: timing on a shared machine is not a defect.
# HYPOTHESIS_PROFILE=explore searches afresh with more examples, to hunt for new cases;
# "explicit" runs only the @example cases (python -m tools.mutate --explicit-only).
settings.register_profile("ci", derandomize=True, database=None, deadline=None,
                          print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", max_examples=1000, deadline=None, database=None,
                          print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explicit", settings.get_profile("ci"), phases=[Phase.explicit])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def make_config(data_dir: Path, **sections: dict) -> cfg.Config:
    data: dict = {"store": {"store_id": "S001", "terminal_id": "T01"}, "data": {"dir": str(data_dir)}}
    for section, values in sections.items():
        data.setdefault(section, {}).update(values)
    return cfg.from_mapping(data, data_dir / "config.toml")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def terminal(tmp_path: Path, clock: FakeClock) -> Iterator[Terminal]:
    """A migrated, locked terminal database in tmp_path, with a FakeClock."""
    term = open_terminal(make_config(tmp_path), clock=clock)
    try:
        yield term
    finally:
        term.close()


@pytest.fixture
def fast_pins(monkeypatch: pytest.MonkeyPatch) -> None:
    """PIN hashing at scrypt n=2**10 for speed (tests/unit/test_pins.py checks the default)."""
    from store_client.domain import pins

    monkeypatch.setattr(pins, "LOG2_N", 10)


@pytest.fixture
def add_operator(terminal: Terminal, fast_pins: None):  # type: ignore[no-untyped-def]
    """Insert an operator into the terminal database: ``add_operator("m1", "manager", "2468")``."""
    from store_client.domain import pins
    from store_client.persistence.models import Operator

    def add(operator_id: str, role: str, pin: str, *, name: str = "", active: bool = True) -> None:
        with terminal.db.transaction() as session:
            session.add(Operator(id=operator_id, name=name or operator_id, role=str(role),
                                 pin_hash=pins.hash_pin(pin), active=active, failed_attempts=0))

    return add


@pytest.fixture
def machine_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The counter PC's own zone set apart from the store's (UTC-5 with daylight saving,
    while the store is UTC+8): a time shown in the machine's zone then disagrees."""
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield "America/New_York"
    monkeypatch.undo()
    time.tzset()
