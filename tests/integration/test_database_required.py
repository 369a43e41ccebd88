"""Commands that need the terminal's data say so on a PC without it; none creates an empty one."""

from __future__ import annotations

import sqlite3

import pytest

from store_client import config as cfg
from store_client.cli import EXIT_DATABASE, main

NEEDS_DATA = [
    ["operator", "list"],
    ["sync", "status"],
    ["sync", "retry"],
    ["shift", "status"],
    ["audit", "verify"],
    ["audit", "tail"],
    ["db", "check"],
    ["db", "backup"],
]


@pytest.fixture
def config_path(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "config.toml"
    path.write_text(cfg.template("S001", "T01", **{"data.dir": str(tmp_path / "data")}))
    return path


@pytest.mark.parametrize("command", NEEDS_DATA, ids=" ".join)
def test_no_database_is_named_and_not_created(config_path, tmp_path, capsys, command) -> None:
    assert main(["--config", str(config_path), *command]) == EXIT_DATABASE
    err = capsys.readouterr().err
    assert "not provisioned" in err and "store-client provision --hq URL --code CODE" in err
    assert "Traceback" not in err
    assert not (tmp_path / "data" / "terminal.sqlite3").exists()


@pytest.mark.parametrize("command", [["sync", "status"], ["shift", "status"], ["audit", "verify"]],
                         ids=" ".join)
def test_a_database_not_migrated_asks_for_the_migration(config_path, tmp_path, capsys,
                                                        command) -> None:
    (tmp_path / "data").mkdir()
    sqlite3.connect(tmp_path / "data" / "terminal.sqlite3").execute("CREATE TABLE t(x)").connection.close()
    assert main(["--config", str(config_path), *command]) == EXIT_DATABASE
    err = capsys.readouterr().err
    assert "store-client db migrate" in err and "no such table" not in err


def test_db_migrate_creates_it_then_commands_work(config_path, capsys) -> None:
    assert main(["--config", str(config_path), "db", "migrate"]) == 0
    assert main(["--config", str(config_path), "sync", "status"]) == 0
    assert main(["--config", str(config_path), "operator", "list"]) == 0
    assert "waiting: 0" in capsys.readouterr().out
