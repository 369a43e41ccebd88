"""The audit log on a real terminal database: appends, outbox copies, tampering, CLI."""

from __future__ import annotations

import itertools
import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from store_client import cli
from store_client import config as cfg
from store_client.bootstrap import Terminal
from store_client.clock import FakeClock
from store_client.domain.audit_chain import GENESIS_HASH
from store_client.persistence.models import AuditEntry, OutboxEvent, TerminalSetting
from store_client.services.audit import ANCHOR_KEY, AuditLog


def fill(terminal: Terminal, log: AuditLog, n: int) -> None:
    for i in range(n):
        with terminal.db.transaction() as session:
            log.append(session, operator_id=f"op{i % 3}", action="test.event", target=f"t{i}",
                       details={"i": i, "名称": "收银"})


def raw(terminal: Terminal, *statements: str) -> None:
    """Tamper as an attacker with the file would: plain SQL, triggers dropped first."""
    conn = terminal.db.engine.raw_connection()
    try:
        for sql in statements:
            conn.driver_connection.execute(sql)
    finally:
        conn.close()


DROP_TRIGGERS = ("DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete")


def test_appends_chain_and_go_to_hq_through_the_outbox(terminal: Terminal,
                                                      clock: FakeClock) -> None:
    log = AuditLog(clock)
    fill(terminal, log, 5)
    with terminal.db.read() as session:  # rows, not ORM objects: read() expires them on exit
        entries = session.execute(select(AuditEntry.seq, AuditEntry.prev_hash, AuditEntry.hash,
                                         AuditEntry.details).order_by(AuditEntry.seq)).all()
        events = session.execute(select(OutboxEvent.payload).where(
            OutboxEvent.kind == "audit.entry").order_by(OutboxEvent.seq)).all()
        anchor = json.loads(session.get(TerminalSetting, ANCHOR_KEY).value)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert anchor == {"seq": 5, "hash": entries[-1].hash}
    assert len(events) == 5
    for entry, event in zip(entries, events, strict=True):
        payload = json.loads(event.payload)
        assert (payload["seq"], payload["hash"], payload["prev_hash"]) == \
            (entry.seq, entry.hash, entry.prev_hash)
        assert payload["details"] == json.loads(entry.details)
    assert log.verify(terminal.db).ok


def test_entry_rolls_back_with_the_callers_transaction(terminal: Terminal,
                                                      clock: FakeClock) -> None:
    log = AuditLog(clock)
    fill(terminal, log, 2)
    with pytest.raises(RuntimeError, match="boom"), terminal.db.transaction() as session:
        log.append(session, operator_id="c1", action="test.event")
        raise RuntimeError("boom")
    with terminal.db.read() as session:
        assert session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc())) == 2
        assert len(session.scalars(select(OutboxEvent)).all()) == 2
    report = log.verify(terminal.db)
    assert report.ok and report.entries_checked == 2


def test_append_refuses_outside_a_transaction_and_bad_details(terminal: Terminal,
                                                              clock: FakeClock) -> None:
    log = AuditLog(clock)
    with Session(terminal.db.engine) as session, pytest.raises(RuntimeError):
        log.append(session, operator_id="c1", action="test.event")
    with pytest.raises(ValueError), terminal.db.transaction() as session:
        log.append(session, operator_id="c1", action="test.event", details={"amount": 1.5})
    with pytest.raises(ValueError), terminal.db.transaction() as session:
        log.append(session, operator_id="c1", action="")
    assert log.recent(terminal.db) == []


def test_database_refuses_update_and_delete(terminal: Terminal, clock: FakeClock) -> None:
    log = AuditLog(clock)
    fill(terminal, log, 2)
    for sql in ("UPDATE audit_log SET action = 'x' WHERE seq = 1", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"):
            with terminal.db.transaction() as session:
                session.connection().exec_driver_sql(sql)
    assert log.verify(terminal.db).ok


def test_edited_entry_is_detected(terminal: Terminal, clock: FakeClock) -> None:
    log = AuditLog(clock)
    fill(terminal, log, 6)
    raw(terminal, *DROP_TRIGGERS, "UPDATE audit_log SET target = 'nobody' WHERE seq = 3")
    report = log.verify(terminal.db)
    assert (report.ok, report.first_broken_seq, report.entries_checked) == (False, 3, 2)
    assert "edited" in report.problem


def test_deleted_entry_is_detected(terminal: Terminal, clock: FakeClock) -> None:
    log = AuditLog(clock)
    fill(terminal, log, 6)
    raw(terminal, *DROP_TRIGGERS, "DELETE FROM audit_log WHERE seq = 4")
    report = log.verify(terminal.db)
    assert (report.ok, report.first_broken_seq) == (False, 4)
    assert "missing" in report.problem


def test_truncated_tail_is_detected(terminal: Terminal, clock: FakeClock) -> None:
    log = AuditLog(clock)
    fill(terminal, log, 6)
    raw(terminal, *DROP_TRIGGERS, "DELETE FROM audit_log WHERE seq >= 5")
    report = log.verify(terminal.db)
    assert (report.ok, report.first_broken_seq) == (False, 5)
    assert "truncated" in report.problem


def test_unreadable_anchor_is_reported(terminal: Terminal, clock: FakeClock) -> None:
    log = AuditLog(clock)
    fill(terminal, log, 2)
    raw(terminal, f"UPDATE terminal_settings SET value = 'junk' WHERE key = '{ANCHOR_KEY}'")
    assert not log.verify(terminal.db).ok


def test_appends_resume_correctly_after_reopening(terminal: Terminal, clock: FakeClock) -> None:
    log = AuditLog(clock)
    fill(terminal, log, 3)
    log2 = AuditLog(FakeClock())  # a later process with its own clock
    fill(terminal, log2, 2)
    report = log.verify(terminal.db)
    assert report.ok and report.entries_checked == 5


def test_concurrent_appends_keep_one_unbroken_chain(terminal: Terminal, clock: FakeClock) -> None:
    log = AuditLog(clock)
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            for i in range(15):
                with terminal.db.transaction() as session:
                    log.append(session, operator_id=name, action="test.concurrent",
                               details={"i": i})
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"w{k}",)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    report = log.verify(terminal.db)
    assert report.ok and report.entries_checked == 45


def test_recent_is_newest_first_limited_and_filtered(terminal: Terminal, clock: FakeClock) -> None:
    log = AuditLog(clock)
    fill(terminal, log, 4)
    clock.advance(seconds=30)
    with terminal.db.transaction() as session:
        log.append(session, operator_id="m1", action="other.event", target="x", details={"k": 1})
    rows = log.recent(terminal.db, limit=3)
    assert [r.seq for r in rows] == [5, 4, 3]
    assert rows[0].at == clock.now() and rows[0].details == {"k": 1}
    assert [r.seq for r in log.recent(terminal.db, action="other.event")] == [5]
    assert [r.seq for r in log.recent(terminal.db, action="test.event")] == [4, 3, 2, 1]
    assert rows[1].details == {"i": 3, "名称": "收银"}
    for bad in (0, -1, 10_001):
        with pytest.raises(ValueError):
            log.recent(terminal.db, limit=bad)


# -- CLI -------------------------------------------------------------------------------------


def write_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(cfg.render({"store.store_id": "S001", "store.terminal_id": "T01",
                                "data.dir": str(tmp_path)}), encoding="utf-8")
    return path


def test_cli_verify_exit_codes(terminal: Terminal, clock: FakeClock, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path)
    fill(terminal, AuditLog(clock), 5)
    assert cli.main(["--config", str(config), "audit", "verify"]) == 0
    assert "5 entries" in capsys.readouterr().out
    raw(terminal, *DROP_TRIGGERS, "UPDATE audit_log SET details = '{}' WHERE seq = 2")
    assert cli.main(["--config", str(config), "audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "entry 2" in err and "edited" in err


def test_cli_verify_names_a_deleted_entry(terminal: Terminal, clock: FakeClock, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path)
    fill(terminal, AuditLog(clock), 5)
    raw(terminal, *DROP_TRIGGERS, "DELETE FROM audit_log WHERE seq = 3")
    assert cli.main(["--config", str(config), "audit", "verify"]) == 1
    assert "entry 3" in capsys.readouterr().err


def test_cli_tail(terminal: Terminal, clock: FakeClock, tmp_path: Path,
                  capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path)
    fill(terminal, AuditLog(clock), 5)
    capsys.readouterr()
    assert cli.main(["--config", str(config), "audit", "tail", "-n", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].split()[0] == "4" and lines[1].split()[0] == "5"  # oldest first
    assert "收银" in lines[1]
    assert cli.main(["--config", str(config), "audit", "tail", "-n", "0"]) == 1


def test_cli_on_a_missing_database_is_a_clear_error(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path)
    assert cli.main(["--config", str(config), "audit", "verify"]) == cli.EXIT_DATABASE
    assert "no terminal database" in capsys.readouterr().err
    assert not (tmp_path / "terminal.sqlite3").exists()  # not silently created


def test_tampered_rows_are_still_shown_by_tail(terminal: Terminal, clock: FakeClock,
                                               tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path)
    log = AuditLog(clock)
    fill(terminal, log, 3)
    raw(terminal, *DROP_TRIGGERS,
        "UPDATE audit_log SET at = 'yesterday', details = '[1]' WHERE seq = 2")
    rows = {r.seq: r for r in log.recent(terminal.db)}
    assert rows[2].details == {"value": [1], "unreadable_at": "yesterday"}
    assert rows[3].details["i"] == 2
    assert cli.main(["--config", str(config), "audit", "tail"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    assert cli.main(["--config", str(config), "audit", "verify"]) == 1
    assert "entry 2" in capsys.readouterr().err
