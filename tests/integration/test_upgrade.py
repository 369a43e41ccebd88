"""Upgrades: a good package is applied, a tampered or foreign one refused, a broken one rolled
back with the database, and nothing starts before the Z report with an empty outbox."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from store_client import config as cfg
from store_client.bootstrap import open_existing, open_terminal
from store_client.cli import main
from store_client.persistence.models import OutboxEvent
from store_client.upgrade import package as pkg
from store_client.upgrade.install import (
    Installation,
    UpgradeRefused,
    UpgradeRolledBack,
    apply,
    read_status,
)
from sync.terminal.sale_events import record_sale_event
from tools.soak import make_sale

ROOT = Path(__file__).resolve().parents[2]
GOOD = f"""#!{sys.executable}
import sys
sys.path.insert(0, {str(ROOT)!r})
from store_client.cli import main
sys.exit(main())
"""
# A new version whose migration breaks the database and whose self-test then fails.
BROKEN = f"""#!{sys.executable}
import sqlite3, sys, tomllib
config = tomllib.loads(open(sys.argv[2], encoding="utf-8").read())
db = sqlite3.connect(config["data"]["dir"] + "/terminal.sqlite3")
db.execute("DROP TABLE outbox")
db.commit()
print("migration 0099 failed half-way", file=sys.stderr)
sys.exit(3)
"""


@pytest.fixture
def keys(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """A release key pair for the test, pinned in place of the shipped one."""
    private, public = tmp_path / "release.key", tmp_path / "release.pub"
    pkg.generate_key(private, public)
    monkeypatch.setattr(pkg, "KEY_FILE", public)
    return private


@pytest.fixture
def pc(tmp_path):  # type: ignore[no-untyped-def]
    """A closed till (migrated database, one delivered sale) installed as version 0.1.0."""
    path = tmp_path / "config.toml"
    path.write_text(cfg.template("S001", "T01", **{"data.dir": str(tmp_path / "data")}))
    terminal = open_terminal(cfg.load(path))
    with terminal.db.transaction() as session:
        record_sale_event(session, make_sale(random.Random(1)))
    with terminal.db.transaction() as session:
        session.execute(OutboxEvent.__table__.update().values(status="delivered"))
    terminal.close()
    install = Installation(tmp_path / "opt")
    _version_folder(install.versions / "0.1.0", GOOD)
    install.switch("0.1.0")
    return path, install


def _version_folder(folder: Path, script: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    exe = folder / "store-client"
    exe.write_text(script)
    exe.chmod(0o755)
    (folder / "_internal").mkdir(exist_ok=True)
    (folder / "_internal" / "data.txt").write_text("payload data")
    return folder


def _package(tmp_path: Path, key: Path, version: str, script: str) -> Path:
    folder = _version_folder(tmp_path / f"build-{version}", script)
    return pkg.build(folder, version, key.read_bytes(), tmp_path / f"store-client-{version}.upgrade")


def _outbox_rows(path: Path) -> int:
    terminal = open_existing(cfg.load(path), exclusive=False)
    try:
        with terminal.db.read() as s:
            return s.scalar(select(func.count()).select_from(OutboxEvent))
    finally:
        terminal.close()


def test_a_good_package_is_applied_after_its_self_test(tmp_path, keys, pc, capsys) -> None:
    path, install = pc
    package = _package(tmp_path, keys, "0.2.0", GOOD)
    assert main(["--config", str(path), "upgrade", "apply", str(package), "--root",
                 str(install.root)]) == 0, capsys.readouterr().err
    assert "upgraded to 0.2.0" in capsys.readouterr().out
    assert install.current_version() == "0.2.0"
    assert (install.root / "current" / "_internal" / "data.txt").read_text() == "payload data"
    assert os.access(install.executable("0.2.0"), os.X_OK)
    status = read_status(cfg.load(path))
    assert status["result"] == "applied" and status["previous"] == "0.1.0"
    assert Path(status["database_backup"]).is_file()
    assert (install.versions / "0.1.0").is_dir()  # the previous version stays for a roll back
    assert _outbox_rows(path) == 1


def test_a_tampered_package_is_refused_and_nothing_changes(tmp_path, keys, pc, capsys) -> None:
    path, install = pc
    good = _package(tmp_path, keys, "0.2.0", GOOD)
    tampered = tmp_path / "tampered.upgrade"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(tampered, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "payload.zip":  # one byte of the payload changed, the manifest kept
                altered = bytearray(data)
                altered[len(altered) // 2] ^= 0xFF
                data = bytes(altered)
            dst.writestr(name, data)
    assert main(["--config", str(path), "upgrade", "apply", str(tampered), "--root",
                 str(install.root)]) == 1
    err = capsys.readouterr().err
    assert "package refused" in err and "altered" in err
    # a package signed by someone else's key
    other = tmp_path / "other"
    other.mkdir()
    pkg.generate_key(other / "k", other / "k.pub")
    foreign = _package(other, other / "k", "0.2.0", GOOD)
    with pytest.raises(UpgradeRefused, match="signature does not match"):
        apply(install, foreign, cfg.load(path))
    # a signed manifest moved onto another payload
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(tmp_path / "swap.upgrade", "w") as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name) if name != "payload.zip" else b"PK\x05\x06" + b"\0" * 18)
    with pytest.raises(UpgradeRefused, match="altered"):
        apply(install, tmp_path / "swap.upgrade", cfg.load(path))
    with pytest.raises(UpgradeRefused, match="not a readable upgrade package"):
        apply(install, path, cfg.load(path))  # any other file
    assert install.current_version() == "0.1.0"
    assert sorted(p.name for p in install.versions.iterdir()) == ["0.1.0"]
    assert read_status(cfg.load(path)) is None  # refused before anything started


def test_a_broken_update_is_rolled_back_and_the_till_still_sells(tmp_path, keys, pc) -> None:
    path, install = pc
    package = _package(tmp_path, keys, "0.2.0", BROKEN)
    with pytest.raises(UpgradeRolledBack, match="migration 0099 failed") as caught:
        apply(install, package, cfg.load(path))
    assert "the till sells as before" in str(caught.value)
    assert install.current_version() == "0.1.0"
    assert not (install.versions / "0.2.0").exists()
    status = read_status(cfg.load(path))
    assert status["result"] == "rolled_back" and status["attempted"] == "0.2.0"
    # the database is the one from before the upgrade: the dropped table is back
    assert _outbox_rows(path) == 1
    terminal = open_existing(cfg.load(path))
    try:
        with terminal.db.transaction() as session:
            record_sale_event(session, make_sale(random.Random(2)))
    finally:
        terminal.close()
    assert _outbox_rows(path) == 2
    assert main(["--config", str(path), "upgrade", "status"]) == 1


def test_an_upgrade_waits_for_the_z_report_and_an_empty_outbox(tmp_path, keys, pc) -> None:
    path, install = pc
    package = _package(tmp_path, keys, "0.2.0", GOOD)
    db = sqlite3.connect(cfg.load(path).database_path)
    db.execute("UPDATE outbox SET status = 'pending'")
    db.commit()
    with pytest.raises(UpgradeRefused, match="1 event\\(s\\) still wait for HQ"):
        apply(install, package, cfg.load(path))
    db.execute("UPDATE outbox SET status = 'delivered'")
    db.execute("INSERT INTO shifts (id, shift_no, shift_seq, store_id, terminal_id, status, "
               "opened_by, opened_at, opening_float_fen, opening_count, receipt_seq_from, "
               "audit_seq_from) VALUES ('s1', 'S001-T01-0001', 1, 'S001', 'T01', 'open', 'c1', "
               "'2026-01-01T08:00:00+00:00', 0, '{}', 0, 0)")
    db.commit()
    db.close()
    with pytest.raises(UpgradeRefused, match="shift S001-T01-0001 is open"):
        apply(install, package, cfg.load(path))
    running = open_terminal(cfg.load(path))  # the till is open: its lock is held
    try:
        with pytest.raises(UpgradeRefused, match="close it first"):
            apply(install, package, cfg.load(path))
    finally:
        running.close()
    assert install.current_version() == "0.1.0" and read_status(cfg.load(path)) is None


def test_the_self_test_itself(tmp_path) -> None:
    """In its own process, as the upgrade runs it (the preview starts a Qt application)."""
    import subprocess

    path = tmp_path / "config.toml"
    path.write_text(cfg.template("S001", "T01", **{"data.dir": str(tmp_path / "data")}))
    done = subprocess.run([sys.executable, "-m", "store_client", "--config", str(path), "upgrade",
                           "self-test"], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "database ok" in out and "test print to the preview ok" in out and "self-test ok" in out


def test_a_payload_cannot_write_outside_its_folder(tmp_path, keys) -> None:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as payload:
        payload.writestr("../../escaped.txt", "x")
    data = buffer.getvalue()
    import hashlib

    manifest = json.dumps({"format": 1, "version": "0.3.0", "notes": "",
                           "payload_sha256": hashlib.sha256(data).hexdigest(),
                           "payload_bytes": len(data)}, sort_keys=True).encode()
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    key = load_pem_private_key(keys.read_bytes(), password=None)
    with zipfile.ZipFile(tmp_path / "evil.upgrade", "w") as package:
        package.writestr("manifest.json", manifest)
        package.writestr("manifest.sig", key.sign(manifest))  # type: ignore[union-attr]
        package.writestr("payload.zip", data)
    assert pkg.verify(tmp_path / "evil.upgrade").version == "0.3.0"
    with pytest.raises(pkg.PackageRefused, match="leaves the install folder"):
        pkg.extract_payload(tmp_path / "evil.upgrade", tmp_path / "target")
    assert not (tmp_path / "escaped.txt").exists()
