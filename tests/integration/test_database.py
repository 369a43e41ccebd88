"""The terminal database: pragmas, transactions, damaged files, one instance at a time."""

import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import select, text

from store_client.bootstrap import open_terminal
from store_client.cli import main
from store_client.persistence import migrate
from store_client.persistence.db import Database, DatabaseCorrupt, DatabaseError
from store_client.persistence.lock import AlreadyRunning, InstanceLock
from store_client.persistence.models import Category
from tests.conftest import make_config


def test_connections_use_wal_full_sync_foreign_keys_and_busy_timeout(terminal):
    with terminal.db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_a_failed_unit_of_work_leaves_nothing_behind(terminal):
    with pytest.raises(RuntimeError):
        with terminal.db.transaction() as session:
            session.add(Category(code="c1", name_zh="美妆", name_en="Beauty"))
            session.flush()
            raise RuntimeError("power cut in the middle")
    with terminal.db.read() as session:
        assert session.scalars(select(Category)).all() == []


def test_foreign_keys_are_enforced(terminal):
    with pytest.raises(Exception, match="FOREIGN KEY"):
        with terminal.db.transaction() as session:
            session.execute(text(
                "INSERT INTO products (sku, name_zh, name_en, category_code, unit, price_minor,"
                " tax_rate_bp, active) VALUES ('1', 'x', 'x', 'missing', 'each', 1, 1300, 1)"))


def test_fresh_terminal_is_at_head_without_a_backup(tmp_path):
    term = open_terminal(make_config(tmp_path))
    try:
        assert migrate.current_revision(term.db.engine) == migrate.head_revision()
        assert term.migration_backup is None
    finally:
        term.close()


def _bytes(path):
    return path.read_bytes()


def test_a_file_that_is_not_a_database_is_reported_and_left_untouched(tmp_path):
    config = make_config(tmp_path)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    config.database_path.write_bytes(b"this is a spreadsheet, not a database" * 100)
    before = _bytes(config.database_path)
    with pytest.raises(DatabaseCorrupt) as err:
        open_terminal(config)
    assert str(config.database_path) in str(err.value)
    assert "No backup was found" in str(err.value)
    assert _bytes(config.database_path) == before
    # the instance lock was released, so IT can retry once the file is restored
    lock = InstanceLock(config.data_dir)
    lock.acquire()
    lock.release()


def test_damaged_pages_are_reported_with_the_newest_backup(tmp_path):
    config = make_config(tmp_path)
    term = open_terminal(config)
    with term.db.transaction() as session:
        for i in range(300):
            session.add(Category(code=f"c{i}", name_zh="类" * 20, name_en="x" * 40))
    backup = migrate.backup(term.db.engine, config.database_path, "manual")
    term.close()
    raw = bytearray(config.database_path.read_bytes())
    for offset in range(4096, len(raw), 97):  # keep the header page, scribble on the rest
        raw[offset] = 0xFF
    config.database_path.write_bytes(bytes(raw))
    (tmp_path / "terminal.sqlite3-wal").unlink(missing_ok=True)
    before = _bytes(config.database_path)
    with pytest.raises(DatabaseCorrupt) as err:
        term = open_terminal(config)
        with term.db.read() as session:  # pragma: no cover - only reached if the probe missed it
            session.scalars(select(Category)).all()
    assert str(config.database_path) in str(err.value)
    assert str(backup) in str(err.value)
    assert _bytes(config.database_path) == before


def test_a_directory_in_place_of_the_database_is_a_clear_error(tmp_path):
    config = make_config(tmp_path)
    config.database_path.mkdir(parents=True)
    with pytest.raises(DatabaseError) as err:
        Database(config.database_path)
    assert str(config.database_path) in str(err.value)


def test_second_instance_in_the_same_process_is_refused(terminal):
    with pytest.raises(AlreadyRunning, match="already running"):
        open_terminal(terminal.config)


def test_second_instance_from_another_process_gets_a_clear_message(tmp_path, capsys):
    config_path = tmp_path / "config.toml"
    config_path.write_text(
        f'[store]\nstore_id = "S001"\nterminal_id = "T01"\n[data]\ndir = "{tmp_path.as_posix()}"\n')
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from store_client import config
            from store_client.bootstrap import open_terminal
            t = open_terminal(config.load({str(config_path)!r}))
            print("ready", flush=True)
            sys.stdin.readline()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        assert main(["--config", str(config_path), "db", "migrate"]) == 4
        err = capsys.readouterr().err
        assert "already running" in err and str(holder.pid) in err
    finally:
        holder.communicate("\n", timeout=30)
    # the lock dies with its process: now it starts
    assert main(["--config", str(config_path), "db", "migrate"]) == 0


def test_lock_is_released_when_the_holder_is_killed(tmp_path):
    config = make_config(tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import time
            from store_client.persistence.lock import InstanceLock
            from pathlib import Path
            InstanceLock(Path({str(config.data_dir)!r})).acquire()
            print("ready", flush=True)
            time.sleep(60)
        """)],
        stdout=subprocess.PIPE, text=True,
    )
    with holder.stdout:
        assert holder.stdout.readline().strip() == "ready"
        holder.kill()
        holder.wait(timeout=30)
    term = open_terminal(config)
    term.close()


def test_cli_database_errors_exit_3_without_traceback(tmp_path, capsys):
    config_path = tmp_path / "config.toml"
    config_path.write_text(
        f'[store]\nstore_id = "S001"\nterminal_id = "T01"\n[data]\ndir = "{tmp_path.as_posix()}"\n')
    (tmp_path / "terminal.sqlite3").write_bytes(b"garbage" * 1000)
    assert main(["--config", str(config_path), "db", "migrate"]) == 3
    err = capsys.readouterr().err
    assert "terminal.sqlite3" in err and "Traceback" not in err
    assert main(["--config", str(config_path), "db", "check"]) == 3
