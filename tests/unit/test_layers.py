"""The layer rules (pyproject.toml, [tool.importlinter]) hold for the whole code base.

Imports inside functions count; imports under ``if TYPE_CHECKING:`` do not (they never run).
"""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

from store_client.domain.roles import Role
from sync.protocol.datasets import ROLES

ROOT = Path(__file__).resolve().parents[2]


def test_every_layer_rule_is_kept(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    # import-linter configures logging with disable_existing_loggers: every logger that exists
    # then (the app's) would stay silent for the tests after this one in the same process.
    loggers = [lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    disabled = [lg.disabled for lg in loggers]
    try:
        code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    finally:
        for lg, was in zip(loggers, disabled):
            lg.disabled = was
    out = capsys.readouterr().out
    assert code == 0, out
    assert "BROKEN" not in out


def test_the_rules_cover_every_layer() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    sources = {m for c in config["contracts"] for m in c.get("source_modules", c.get("protected_modules", []))}
    for layer in ("store_client.domain", "store_client.services", "store_client.ui", "printers", "sync.protocol",
                  "sync.hq", "sync.terminal", "store_client.bootstrap"):
        assert layer in sources, f"no layer rule for {layer}"


def test_protocol_roles_are_the_terminals_roles() -> None:
    assert set(ROLES) == {role.value for role in Role}
