"""The doctor: each check finds what it is for, names the fix, and the exit code is the worst."""

from __future__ import annotations

import json
import sqlite3
from collections import namedtuple
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from store_client import config as cfg
from store_client.bootstrap import open_existing
from store_client.cli import main
from store_client.doctor import local
from store_client.doctor.devices import wedge_scanners
from store_client.doctor.runner import diagnose
from store_client.doctor.result import Status
from sync.hq.embedded import HQServer
from sync.hq.enrollment import Enrollment
from sync.terminal.sale_events import record_sale_event
from tests.integration.sync.test_provision import _publish_store
from tools.fake_network_printer import FakeNetworkPrinter
from tools.soak import make_sale

CHECKS = ["config", "database", "disk", "permissions", "keyring", "hq.reachable", "hq.tls",
          "hq.protocol", "hq.token", "clock", "printer", "scanner", "fonts", "outbox", "pulls"]


@pytest.fixture
def hq(sqlite_hq):  # type: ignore[no-untyped-def]
    _publish_store(sqlite_hq)
    server = HQServer(sqlite_hq).start()
    yield server
    server.stop()


@pytest.fixture
def pc(tmp_path, hq, capsys) -> Path:  # type: ignore[no-untyped-def]
    """A provisioned PC (token in a private file); its config path."""
    code = Enrollment(hq.service.engine).create_code("S001", "T03")[0]
    path = tmp_path / "pc" / "config.toml"
    assert main(["--config", str(path), "provision", "--hq", hq.url, "--code", code,
                 "--token-store", "file", "--data-dir", str(tmp_path / "pc" / "data")]) == 0
    capsys.readouterr()
    return path


def _by_check(report) -> dict:  # type: ignore[no-untyped-def]
    return {r.check: r for r in report.results}


def _set(path: Path, **values: object) -> None:
    data = {k: v for k, v in cfg.load(path).values.items()
            if k.split(".")[0] in ("store", "hq", "data", "printer", "scanner")}
    data.update(values)
    path.write_text(cfg.render(data), encoding="utf-8")


def test_a_freshly_provisioned_pc_passes_all_but_the_devices(pc, capsys) -> None:
    assert main(["--config", str(pc), "doctor", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    statuses = {c["check"]: c["status"] for c in report["checks"]}
    assert list(statuses) == CHECKS
    assert {k for k, v in statuses.items() if v != "ok"} <= {"printer", "scanner"}
    assert statuses["printer"] == "warn" and report["worst"] == "warn"
    for check in report["checks"]:
        assert check["summary"] and (check["status"] == "ok" or check["fix"])
    assert main(["--config", str(pc), "doctor"]) == 1
    text = capsys.readouterr().out
    assert "[OK  ] hq.token" in text and "fix:" in text and "0 failure(s)" in text


def test_no_configuration_fails_with_the_provisioning_command(tmp_path, capsys) -> None:
    assert main(["--config", str(tmp_path / "none.toml"), "doctor", "--json"]) == 2
    report = json.loads(capsys.readouterr().out)
    config = report["checks"][0]
    assert config["check"] == "config" and config["status"] == "fail"
    assert "store-client provision" in config["fix"]


def test_database_missing_damaged_or_old(pc) -> None:
    config = cfg.load(pc)
    db = config.database_path
    db.rename(db.with_suffix(".moved"))
    found = _by_check(diagnose(pc, offline=True))
    assert found["database"].status is Status.FAIL and "provision" in found["database"].fix
    assert found["outbox"].status is Status.WARN and not db.exists()  # the doctor created nothing
    db.write_bytes(b"this is not a database" * 100)
    found = _by_check(diagnose(pc, offline=True))
    assert found["database"].status is Status.FAIL and "backup" in found["database"].fix
    db.unlink()
    db.with_suffix(".moved").rename(db)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE alembic_version SET version_num = '0009'")
    conn.commit()
    conn.close()
    found = _by_check(diagnose(pc, offline=True))
    assert found["database"].status is Status.WARN and "db migrate" in found["database"].fix


def test_hq_unreachable_is_a_failure_and_the_rest_is_not_checked(pc) -> None:
    _set(pc, **{"hq.url": "http://127.0.0.1:9"})
    report = diagnose(pc, hq_timeout=2)
    found = _by_check(report)
    assert found["hq.reachable"].status is Status.FAIL and "firewall" in found["hq.reachable"].fix
    assert found["hq.token"].status is Status.WARN and "not checked" in found["hq.token"].summary
    assert report.exit_code == 2


def test_a_revoked_token_is_named(pc, hq) -> None:
    hq.service.issue_token("S001", "T03")  # HQ replaced the token: ours stops working
    found = _by_check(diagnose(pc))
    assert found["hq.token"].status is Status.FAIL and "enrollment code" in found["hq.token"].fix
    assert found["hq.reachable"].status is Status.OK


def test_a_token_file_others_can_read_fails_the_keyring_check(pc) -> None:
    token = cfg.load(pc).data_dir / "hq-token"
    token.chmod(0o644)
    found = _by_check(diagnose(pc, offline=True))
    assert found["keyring"].status is Status.FAIL and "chmod 600" in found["keyring"].fix


def test_clock_skew_against_hq(pc, monkeypatch) -> None:
    import sync.hq.app as hq_app

    ahead = (datetime.now(UTC) + timedelta(minutes=20)).isoformat()
    monkeypatch.setattr(hq_app, "now_iso", lambda: ahead)
    found = _by_check(diagnose(pc))
    assert found["clock"].status is Status.FAIL and "behind" in found["clock"].summary
    assert "automatic time" in found["clock"].fix


def test_a_till_too_old_for_hq_is_told_to_upgrade(pc, monkeypatch) -> None:
    from sync.protocol import version

    monkeypatch.setattr(version, "HQ_ACCEPTS", (3, 4))
    found = _by_check(diagnose(pc))
    assert found["hq.protocol"].status is Status.FAIL
    assert "Upgrade the till" in found["hq.protocol"].summary


def test_outbox_depth_and_the_oldest_waiting_event(pc) -> None:
    terminal = open_existing(cfg.load(pc))
    try:
        import random

        with terminal.db.transaction() as session:
            record_sale_event(session, make_sale(random.Random(1)))
            session.execute(__import__("sqlalchemy").text(
                "UPDATE outbox SET created_at = :t"), {"t": (datetime.now(UTC) - timedelta(hours=30)).isoformat()})
    finally:
        terminal.close()
    found = _by_check(diagnose(pc, offline=True))
    assert found["outbox"].status is Status.FAIL
    assert found["outbox"].facts["pending"] == 1 and found["outbox"].facts["oldest_age_s"] > 29 * 3600
    assert "sale.completed" in found["outbox"].summary


def test_last_pull_per_dataset(pc) -> None:
    conn = sqlite3.connect(cfg.load(pc).database_path)
    conn.execute("UPDATE sync_cursors SET updated_at = :t WHERE dataset = 'prices'",
                 {"t": (datetime.now(UTC) - timedelta(days=3)).isoformat()})
    conn.execute("UPDATE sync_cursors SET last_error = 'bad row' WHERE dataset = 'coupons'")
    conn.commit()
    conn.close()
    found = _by_check(diagnose(pc, offline=True))
    assert found["pulls"].status is Status.WARN and "coupons" in found["pulls"].summary
    assert set(found["pulls"].facts["last_pull"]) >= {"catalog", "prices", "operators"}
    conn = sqlite3.connect(cfg.load(pc).database_path)
    conn.execute("UPDATE sync_cursors SET last_error = NULL")
    conn.commit()
    conn.close()
    found = _by_check(diagnose(pc, offline=True))
    assert "over a day: prices" in found["pulls"].summary


@pytest.mark.parametrize("mode, status, words", [("ok", Status.OK, "paper loaded"),
                                                 ("paper_out", Status.FAIL, "out of paper")])
def test_printer_reachable_and_paper(pc, mode, status, words) -> None:
    with FakeNetworkPrinter(mode=mode, lifetime=20) as printer:
        _set(pc, **{"printer.kind": "network", "printer.host": "127.0.0.1",
                    "printer.port": printer.port})
        found = _by_check(diagnose(pc, offline=True))
    assert found["printer"].status is status and words in found["printer"].summary
    assert printer.received == b""  # checked, nothing printed


def test_printer_not_reachable(pc) -> None:
    _set(pc, **{"printer.kind": "network", "printer.host": "127.0.0.1", "printer.port": 9})
    found = _by_check(diagnose(pc, offline=True, hq_timeout=1))
    assert found["printer"].status is Status.FAIL and "power" in found["printer"].fix


def test_scanner_port_and_wedge_names(pc, tmp_path) -> None:
    _set(pc, **{"scanner.serial_port": str(tmp_path / "ttyACM7")})
    found = _by_check(diagnose(pc, offline=True))
    assert found["scanner"].status is Status.FAIL and "does not exist" in found["scanner"].summary
    inputs = tmp_path / "by-id"
    inputs.mkdir()
    (inputs / "usb-Logitech_USB_Keyboard-event-kbd").touch()
    (inputs / "usb-Honeywell_Imaging_Barcode_Scanner-event-kbd").touch()
    assert wedge_scanners(inputs) == ["usb-Honeywell_Imaging_Barcode_Scanner"]


def test_low_disk_and_a_crashing_check_do_not_crash_the_doctor(pc, monkeypatch) -> None:
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(local.shutil, "disk_usage", lambda _p: usage(10**10, 10**10, 50 * 2**20))
    found = _by_check(diagnose(pc, offline=True))
    assert found["disk"].status is Status.FAIL and "50 MB" in found["disk"].summary

    def broken(_ctx):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    from store_client.doctor import runner

    monkeypatch.setattr(runner, "AFTER_HQ", (broken,))
    report = diagnose(pc, offline=True)
    assert report.results[-1].status is Status.FAIL and "boom" in report.results[-1].summary


def test_no_keyring_backend_is_a_failure_with_the_file_alternative(pc, monkeypatch) -> None:
    import keyring
    from keyring.backends import fail as fail_keyring

    _set(pc, **{"hq.token_store": "keyring"})
    previous = keyring.get_keyring()
    keyring.set_keyring(fail_keyring.Keyring())
    try:
        found = _by_check(diagnose(pc, offline=True))
    finally:
        keyring.set_keyring(previous)
    assert found["keyring"].status is Status.FAIL and 'token_store = "file"' in found["keyring"].fix
