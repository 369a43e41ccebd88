"""Shared fixtures: a real terminal on a temporary data directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from store_client import config as cfg  # noqa: E402
from store_client.bootstrap import Terminal, open_terminal  # noqa: E402
from store_client.clock import FakeClock  # noqa: E402


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
