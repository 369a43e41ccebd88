"""``store-client shift status`` next to a terminal: the open shift and the last Z figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from store_client import cli
from store_client import config as cfg
from store_client.domain.roles import Role
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer
from store_client.services.shifts import ShiftService


def test_status_shows_the_open_shift_then_the_last_z(terminal, add_operator, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text(cfg.render({"store.store_id": "S001", "store.terminal_id": "T01",
                                  "data.dir": str(tmp_path)}), encoding="utf-8")
    add_operator("m1", "manager", "2468")
    audit = AuditLog(terminal.clock)
    service = ShiftService(terminal.db, terminal.clock, audit,
                           Authorizer(terminal.db, audit, terminal.clock), config=terminal.config)
    manager = Actor("m1", "m1", Role.MANAGER)
    assert cli.main(["--config", str(config), "shift", "status"]) == 0
    assert capsys.readouterr().out.strip() == "no shift open on T01"
    service.open_shift(manager, {10000: 1})
    service.pay_in(manager, 1000, "coins")
    assert cli.main(["--config", str(config), "shift", "status"]) == 0
    out = capsys.readouterr().out
    assert "open: S001-T01-S00001" in out and "100.00 CNY" in out and "1 pay-in/out" in out
    service.close_shift(manager, total_fen=10000, reason="coins lost", confirm_unsynced=True)
    assert cli.main(["--config", str(config), "shift", "status"]) == 0
    out = capsys.readouterr().out
    assert "no shift open" in out and "expected 110.00 CNY" in out
    assert "over/short -10.00 CNY (coins lost)" in out


def test_status_without_a_database_is_a_one_line_error(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text(cfg.render({"store.store_id": "S001", "store.terminal_id": "T01",
                                  "data.dir": str(tmp_path / "nowhere")}), encoding="utf-8")
    assert cli.main(["--config", str(config), "shift", "status"]) == cli.EXIT_DATABASE
    assert "no terminal database" in capsys.readouterr().err
