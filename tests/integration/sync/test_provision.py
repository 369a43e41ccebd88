"""Provisioning a new PC from a one-time code: the happy path, every refusal, interruptions."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail as fail_keyring
from sqlalchemy import func, select

from store_client import config as cfg
from store_client.bootstrap import open_existing
from store_client.cli import main
from store_client.domain import pins
from store_client.persistence.models import Operator, Product, SyncCursor
from sync.hq.demo_data import catalog_row, seed_demo
from sync.hq.embedded import HQServer
from sync.hq.enrollment import Enrollment, normalize
from sync.hq.service import AuthError, HQService, make_engine

CHILD = Path(__file__).with_name("provision_child.py")
ROOT = Path(__file__).resolve().parents[3]
EXTRA_SKUS = 1500


def _publish_store(service: HQService, store: str = "S001") -> None:
    seed_demo(service, store)
    pin_hash = pins.hash_pin("2468", log2_n=10)
    service.publish_many("operators", [
        (op, {"id": op, "name": name, "role": role, "pin_hash": pin_hash, "active": True})
        for op, name, role in (("1001", "王芳", "cashier"), ("2001", "李强", "manager"))],
        scope=store)
    service.publish_many("catalog", [
        (str(500000 + i), catalog_row(str(500000 + i), f"商品{i}", f"Item {i}", "SNACK", "each",
                                      100 + i, 1300, []))
        for i in range(EXTRA_SKUS)])


@pytest.fixture
def hq(sqlite_hq: HQService):  # type: ignore[no-untyped-def]
    _publish_store(sqlite_hq)
    server = HQServer(sqlite_hq).start()
    yield server
    server.stop()


def _code(hq: HQServer, terminal: str = "T03", **kw) -> str:  # type: ignore[no-untyped-def]
    return Enrollment(hq.service.engine, **kw).create_code("S001", terminal)[0]


def _provision(tmp_path: Path, url: str, code: str | None, *extra: str, pc: str = "pc") -> int:
    args = ["--config", str(tmp_path / pc / "config.toml"), "provision", "--hq", url]
    if code is not None:
        args += ["--code", code]
    if "--token-store" not in extra:
        extra = (*extra, "--token-store", "file")
    return main([*args, *extra, "--data-dir", str(tmp_path / pc / "data")])


def _token(tmp_path: Path, pc: str = "pc") -> str:
    return (tmp_path / pc / "data" / "hq-token").read_text().strip()


def _counts(tmp_path: Path, pc: str = "pc") -> tuple[int, int]:
    terminal = open_existing(cfg.load(tmp_path / pc / "config.toml"), exclusive=False)
    try:
        with terminal.db.read() as s:
            return (s.scalar(select(func.count()).select_from(Operator)),
                    s.scalar(select(func.count()).select_from(Product)))
    finally:
        terminal.close()


def test_a_code_provisions_a_new_pc_in_one_command(tmp_path, hq, capsys) -> None:
    code = _code(hq)
    assert _provision(tmp_path, hq.url, code) == 0
    out = capsys.readouterr()
    config = cfg.load(tmp_path / "pc" / "config.toml")
    assert (config.store_id, config.terminal_id, config["hq.url"]) == ("S001", "T03", hq.url)
    assert config["hq.token_store"] == "file"
    token = _token(tmp_path)
    assert token not in (tmp_path / "pc" / "config.toml").read_text()
    assert token not in out.out + out.err
    assert stat.S_IMODE((tmp_path / "pc" / "data" / "hq-token").stat().st_mode) == 0o600
    assert hq.service.authenticate(token).terminal_id == "T03"
    assert _counts(tmp_path) == (2, 7 + EXTRA_SKUS)
    assert "provisioned" in out.out and "NOT READY" not in out.out
    assert "ready      operators: 2 operator(s)" in out.out
    assert "printer" in out.out and "scanner" in out.out
    assert "downloaded" in out.err  # the progress (plain lines when not on a terminal)
    assert main(["--config", str(tmp_path / "pc" / "config.toml"), "operator", "list"]) == 0
    assert "王芳" in capsys.readouterr().out


def test_running_it_again_is_safe_and_rotates_the_token(tmp_path, hq, capsys) -> None:
    code = _code(hq)
    assert _provision(tmp_path, hq.url, code) == 0
    first = _token(tmp_path)
    assert _provision(tmp_path, hq.url, code) == 0
    second = _token(tmp_path)
    assert first != second
    with pytest.raises(AuthError):
        hq.service.authenticate(first)
    assert hq.service.authenticate(second).terminal_id == "T03"
    assert _counts(tmp_path) == (2, 7 + EXTRA_SKUS)
    assert _provision(tmp_path, hq.url, None) == 0  # a PC with its token: no code needed
    assert _token(tmp_path) == second


def test_a_used_code_is_refused_on_another_pc(tmp_path, hq, capsys) -> None:
    code = _code(hq)
    assert _provision(tmp_path, hq.url, code) == 0
    capsys.readouterr()
    assert _provision(tmp_path, hq.url, code, pc="other") == 1
    err = capsys.readouterr().err
    assert "already used" in err and "Traceback" not in err
    assert not (tmp_path / "other" / "config.toml").exists()
    assert not (tmp_path / "other" / "data" / "terminal.sqlite3").exists()


def test_an_expired_code_is_refused(tmp_path, hq, capsys) -> None:
    code = _code(hq, now=lambda: datetime.now(UTC) - timedelta(hours=25))
    assert _provision(tmp_path, hq.url, code) == 1
    err = capsys.readouterr().err
    assert "expired" in err and "new one" in err
    assert not (tmp_path / "pc" / "config.toml").exists()


def test_a_newer_code_withdraws_the_older_one(tmp_path, hq, capsys) -> None:
    old, new = _code(hq), _code(hq)
    assert _provision(tmp_path, hq.url, old) == 1
    assert "does not know that code" in capsys.readouterr().err
    assert _provision(tmp_path, hq.url, new) == 0


def test_a_wrong_hq_is_named_as_such(tmp_path, hq, capsys) -> None:
    code = _code(hq)
    other = HQService(make_engine(f"sqlite:///{tmp_path / 'other-hq.sqlite3'}"))
    other_server = HQServer(other).start()
    try:
        assert _provision(tmp_path, other_server.url, code) == 1
        assert "does not know that code" in capsys.readouterr().err
    finally:
        other_server.stop()
        other.engine.dispose()
    # nothing listening there
    assert _provision(tmp_path, "http://127.0.0.1:9", code) == 1
    assert "cannot reach HQ" in capsys.readouterr().err
    # a web server that is not HQ
    web = subprocess.Popen([sys.executable, "-m", "http.server", "0", "--bind", "127.0.0.1"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           cwd=tmp_path)
    try:
        line = web.stdout.readline()  # type: ignore[union-attr]
        port = line.split("port ")[1].split()[0]
        assert _provision(tmp_path, f"http://127.0.0.1:{port}", code) == 1
        assert "does not answer like a store-client HQ" in capsys.readouterr().err
    finally:
        web.terminate()
        web.wait(10)
        web.stdout.close()  # type: ignore[union-attr]
    assert _provision(tmp_path, "ftp://hq", code) == 1
    assert "--hq must be" in capsys.readouterr().err
    assert _provision(tmp_path, hq.url, code) == 0  # none of that used the code


def test_a_pc_of_another_terminal_is_refused_and_the_code_stays_usable(tmp_path, hq, capsys) -> None:
    assert _provision(tmp_path, hq.url, _code(hq, "T03")) == 0
    capsys.readouterr()
    code = _code(hq, "T04")
    assert _provision(tmp_path, hq.url, code) == 1
    err = capsys.readouterr().err
    assert "already provisioned as terminal S001/T03" in err and "S001/T04" in err
    assert cfg.load(tmp_path / "pc" / "config.toml").terminal_id == "T03"
    assert Enrollment(hq.service.engine).inspect(code).used is False


def test_no_keyring_is_a_clear_refusal_before_the_code_is_used(tmp_path, hq, capsys) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail_keyring.Keyring())
    try:
        code = _code(hq)
        assert _provision(tmp_path, hq.url, code, "--token-store", "keyring") == 1
        err = capsys.readouterr().err
        assert "no usable OS keyring" in err and 'token_store = "file"' in err
        assert "Traceback" not in err and "NoKeyringError" not in err
        assert Enrollment(hq.service.engine).inspect(code).used is False
        # sync set-token says the same instead of a traceback
        path = tmp_path / "plain.toml"
        path.write_text(cfg.template("S001", "T09", **{"data.dir": str(tmp_path / "d9")}))
        proc = subprocess.run([sys.executable, "-m", "store_client", "--config", str(path), "sync",
                               "set-token"], input="abc\n", capture_output=True, text=True,
                              cwd=ROOT, env={**os.environ, "PYTHON_KEYRING_BACKEND":
                                             "keyring.backends.fail.Keyring"}, timeout=60)
        assert proc.returncode == 1, proc.stderr
        assert "no usable OS keyring" in proc.stderr and "Traceback" not in proc.stderr
    finally:
        keyring.set_keyring(previous)


def test_a_token_file_others_can_read_is_refused(tmp_path, hq, capsys) -> None:
    assert _provision(tmp_path, hq.url, _code(hq)) == 0
    token_file = tmp_path / "pc" / "data" / "hq-token"
    token_file.chmod(0o644)
    capsys.readouterr()
    assert main(["--config", str(tmp_path / "pc" / "config.toml"), "sync", "now"]) == 1
    err = capsys.readouterr().err
    assert "can be read by other accounts" in err and "chmod 600" in err


def _child(tmp_path: Path, url: str, code: str, point: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CHILD), str(tmp_path / "pc" / "config.toml"), url,
                           code, str(tmp_path / "pc" / "data"), point],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize("point", ["after-token", "catalog-page-4"])
def test_killed_half_way_the_same_command_finishes_it(tmp_path, hq, capsys, point) -> None:
    code = _code(hq)
    killed = _child(tmp_path, hq.url, code, point)
    assert killed.returncode == 9, killed.stderr
    if point.startswith("catalog"):
        config = cfg.load(tmp_path / "pc" / "config.toml")
        terminal = open_existing(config, exclusive=False)
        try:
            with terminal.db.read() as s:
                partial = s.scalar(select(func.count()).select_from(Product))
                cursor = s.scalar(select(SyncCursor.cursor).where(SyncCursor.dataset == "catalog"))
        finally:
            terminal.close()
        assert 0 < partial < 7 + EXTRA_SKUS and cursor
    assert _provision(tmp_path, hq.url, code) == 0, capsys.readouterr().err
    assert _counts(tmp_path) == (2, 7 + EXTRA_SKUS)
    assert hq.service.authenticate(_token(tmp_path)).terminal_id == "T03"


def test_codes_are_one_time_under_a_race(sqlite_hq) -> None:
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from sync.hq.enrollment import EnrollmentRefused

    enrollment = Enrollment(sqlite_hq.engine)
    code, _ = enrollment.create_code("S001", "T05")
    barrier = Barrier(6)

    def attempt(claim: str) -> str | None:
        barrier.wait()
        try:
            return enrollment.redeem(code, claim)[1]
        except EnrollmentRefused as exc:
            assert exc.reason == "used"
            return None

    with ThreadPoolExecutor(6) as pool:
        tokens = list(pool.map(attempt, [f"claim-{i}" for i in range(6)]))
    winners = [i for i, token in enumerate(tokens) if token]
    assert len(winners) == 1
    _, again = enrollment.redeem(code.lower().replace("-", " "), f"claim-{winners[0]}")
    assert again != tokens[winners[0]]
    assert normalize("abcd-efgh-ijkl-mnop") == "ABCDEFGH1JK1MN0P"
    with pytest.raises(EnrollmentRefused, match="16 letters"):
        enrollment.inspect("short")
    with pytest.raises(ValueError):
        enrollment.create_code("S001", "T05", timedelta(days=30))


def test_what_a_till_lacks_before_and_after_provisioning(tmp_path, hq, memory_keyring) -> None:
    from store_client.bootstrap import open_terminal
    from store_client.provisioning import missing_setup
    from tests.conftest import make_config

    bare = open_terminal(make_config(tmp_path / "bare"))
    try:
        assert missing_setup(bare) == ["hq", "operators", "catalog"]
    finally:
        bare.close()
    no_token = open_terminal(make_config(tmp_path / "nt", hq={"url": hq.url}))
    try:
        assert missing_setup(no_token) == ["token", "operators", "catalog"]
    finally:
        no_token.close()
    assert _provision(tmp_path, hq.url, _code(hq)) == 0
    done = open_existing(cfg.load(tmp_path / "pc" / "config.toml"))
    try:
        assert missing_setup(done) == []
    finally:
        done.close()


def test_enrollment_codes_on_either_hq_database(hq_service) -> None:
    """The same rules on SQLite and PostgreSQL (row lock on the code while it is used)."""
    from sync.hq.enrollment import EnrollmentRefused

    enrollment = Enrollment(hq_service.engine)
    code, expires = enrollment.create_code("S002", "T01")
    info = enrollment.inspect(code)
    assert (info.store_id, info.terminal_id, info.used) == ("S002", "T01", False)
    assert info.expires_at == expires
    _, token = enrollment.redeem(code, "claim-1")
    assert hq_service.authenticate(token).store_id == "S002"
    assert enrollment.inspect(code, "claim-1").claimed_by_caller
    with pytest.raises(EnrollmentRefused) as refused:
        enrollment.redeem(code, "claim-2")
    assert refused.value.reason == "used"
    assert enrollment.dataset_sizes("S002")["catalog"] == 0


def test_a_keyring_that_fails_on_write_is_a_refusal_and_a_rerun_finishes(tmp_path, hq, monkeypatch,
                                                                         capsys) -> None:
    from sync.terminal import credentials

    monkeypatch.setattr(credentials, "keyring_backend", lambda: ("locked.Keyring", True))
    previous = keyring.get_keyring()
    keyring.set_keyring(fail_keyring.Keyring())  # says usable, refuses the write
    try:
        code = _code(hq)
        assert _provision(tmp_path, hq.url, code, "--token-store", "keyring") == 1
        err = capsys.readouterr().err
        assert "no usable OS keyring" in err and "run the same command again" in err
        assert "Traceback" not in err
    finally:
        keyring.set_keyring(previous)
    assert _provision(tmp_path, hq.url, code, "--token-store", "file") == 0  # the same code


def test_hq_admin_makes_a_code_from_the_command_line(tmp_path, capsys) -> None:
    db = tmp_path / "hq.sqlite3"
    assert main(["hq", "--db", str(db), "terminals", "enroll", "--store", "S001",
                 "--terminal", "T03", "--hours", "2"]) == 0
    out = capsys.readouterr()
    code = out.out.strip()
    assert len(normalize(code)) == 16 and "S001/T03" in out.err and "provision" in out.err
    service = HQService(make_engine(f"sqlite:///{db}"))
    try:
        info = Enrollment(service.engine).inspect(code)
        assert (info.store_id, info.terminal_id, info.used) == ("S001", "T03", False)
        expires = datetime.fromisoformat(info.expires_at) - datetime.now(UTC)
        assert timedelta(hours=1, minutes=58) < expires <= timedelta(hours=2)
    finally:
        service.engine.dispose()
    assert main(["hq", "--db", str(db), "terminals", "enroll", "--store", "S 1",
                 "--terminal", "T03"]) == 1
    assert "letters, digits" in capsys.readouterr().err
    assert main(["hq", "--db", str(db), "terminals", "enroll", "--store", "S001",
                 "--terminal", "T03", "--hours", "9999"]) == 1
    assert "between 1 minute and 14 days" in capsys.readouterr().err
