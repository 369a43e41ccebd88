"""The log files: written by the main flows, one line per event, and never a secret.

The flows: provisioning with a code, sign-in with a wrong then a right PIN, a sale to a
member found by phone, a sync pass, ``sync now``, the doctor and a support bundle. Then
every log file and the bundle are searched for the PIN, the token, the code, the member's
full phone number, name, birthday and address (a manager revealed both during the flows).
"""

from __future__ import annotations

import json
import logging
import zipfile
from pathlib import Path

import pytest

from store_client import config as cfg
from store_client import logs
from store_client.bootstrap import build_services, open_existing
from store_client.cli import main
from store_client.domain import pins
from store_client.services.errors import ServiceError
from sync.hq.demo_data import seed_demo
from sync.hq.embedded import HQServer
from sync.hq.enrollment import Enrollment
from sync.hq.members import MembersService
from sync.terminal.runner import SyncRunner
from sync.terminal.transport import HQClient

PIN = "862417"
PHONE = "13812345678"
MEMBER_NAME = "张三丰"
BIRTHDAY, ADDRESS = "1988-07-23", "上海市静安区愚园路 88 弄 6 号"
MANAGER_PIN = "975318"
WATER = "6901234567892"  # the demo catalogue's mineral water


@pytest.fixture(autouse=True)
def _back_to_the_session_log_folder():  # type: ignore[no-untyped-def]
    """Torn down after monkeypatch has put the folder variable back: later tests log there."""
    yield
    logs.setup()


@pytest.fixture
def hq(sqlite_hq):  # type: ignore[no-untyped-def]
    seed_demo(sqlite_hq, "S001")
    sqlite_hq.publish("operators", "1001", {"id": "1001", "name": "王芳", "role": "cashier",
                                            "pin_hash": pins.hash_pin(PIN, log2_n=10),
                                            "active": True}, scope="S001")
    sqlite_hq.publish("operators", "1003", {"id": "1003", "name": "张伟", "role": "manager",
                                            "pin_hash": pins.hash_pin(MANAGER_PIN, log2_n=10),
                                            "active": True}, scope="S001")
    MembersService(sqlite_hq.engine).import_members([{"member_id": "M0000000777", "name": MEMBER_NAME,
                                                      "phone": PHONE, "tier": "gold", "points_balance": 120}])
    from sync.hq.member_details import set_details

    set_details(sqlite_hq.engine, "M0000000777", birthday=BIRTHDAY, address=ADDRESS)
    server = HQServer(sqlite_hq).start()
    yield server
    server.stop()


@pytest.mark.parametrize("json_lines", [False, True], ids=["text", "json"])
def test_main_flows_log_events_and_no_secret(tmp_path, hq, monkeypatch, capsys, json_lines) -> None:
    folder = tmp_path / "logs"
    monkeypatch.setenv(logs.ENV_DIR, str(folder))
    json_flag = ["--log-json"] if json_lines else []
    code = Enrollment(hq.service.engine).create_code("S001", "T03")[0]
    path = tmp_path / "pc" / "config.toml"
    assert main([*json_flag, "--config", str(path), "provision", "--hq", hq.url, "--code", code,
                 "--token-store", "file", "--data-dir", str(tmp_path / "pc" / "data")]) == 0
    config = cfg.load(path)
    token = (config.data_dir / "hq-token").read_text().strip()

    terminal = open_existing(config)
    try:
        services = build_services(terminal)
        with pytest.raises(ServiceError):
            services.auth.login("1001", "000000")
        actor = services.auth.login("1001", PIN)
        services.shifts.open_shift(actor, total_fen=0)  # selling needs an open shift
        checkout = services.checkout
        checkout.scan(actor, WATER)
        found = services.members.lookup.find(PHONE)  # what the checkout's F5 does: HQ first
        manager = services.auth.login("1003", MANAGER_PIN)  # the profile and both reveals, as at the counter
        profile = services.members.open(manager, PHONE)
        assert profile.birthday_month == 7 and profile.address_masked == "上海市****"
        assert services.members.reveal(manager, found.member_id, "birthday", "核对生日礼") == BIRTHDAY
        assert services.members.reveal(manager, found.member_id, "address", "安排送货上门") == ADDRESS
        view = checkout.attach_member(actor, found.member_id)
        assert view.member is not None
        view = checkout.add_tender(actor, "cash", view.due_fen)
        checkout.complete(actor, cart_id=view.cart_id)
        runner = SyncRunner(terminal.db, lambda: HQClient(config["hq.url"], token))
        assert runner.run_pass()
        # Code that forgets itself: what the redactor catches on the way to the file.
        careless = logging.getLogger("store_client.careless")
        careless.warning("request failed with Authorization: Bearer %s", token)
        careless.warning("token=%s pin=%s phone %s code %s", token, PIN, PHONE, code)
        try:
            raise RuntimeError(f"boom with token {token} for {PHONE}")
        except RuntimeError:
            careless.exception("a traceback")
    finally:
        terminal.close()
    assert main([*json_flag, "--config", str(path), "sync", "now"]) == 0
    assert main([*json_flag, "--config", str(path), "doctor"]) in (0, 1)
    bundle = tmp_path / "support.zip"
    assert main([*json_flag, "--config", str(path), "support-bundle", "--out", str(bundle)]) == 0
    capsys.readouterr()

    files = sorted(folder.glob("store-client.log*"))
    assert files
    text = "\n".join(p.read_text(encoding="utf-8") for p in files)
    lines = [line for line in text.splitlines() if line]
    if json_lines:
        entries = [json.loads(line) for line in lines]  # every line one JSON object
        messages = " ".join(e["msg"] + e.get("exc", "") for e in entries)
        assert any("RuntimeError" in e.get("exc", "") for e in entries)
    else:
        messages = text
        assert all(line[:4].isdigit() for line in lines)  # one line per event, tracebacks folded
        assert "RuntimeError" in text and " | " in text
    assert "provisioning terminal S001/T03" in messages
    assert "sync pass:" in messages and "doctor" in messages
    assert "138****5678" in messages  # the masked form is what remains

    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        assert {"doctor.json", "config.toml", "about.json"} <= set(names)
        assert any(n.startswith("logs/") for n in names)
        assert not any("token" in n or n.endswith((".sqlite3", ".enrollment")) for n in names)
        bundled = "\n".join(archive.read(n).decode("utf-8") for n in names)
        assert json.loads(archive.read("doctor.json"))["checks"]
    raw_code = code.replace("-", "")
    for haystack in (text, bundled):
        for secret in (PIN, MANAGER_PIN, token, code, raw_code, PHONE, MEMBER_NAME, BIRTHDAY, ADDRESS, "愚园路"):
            assert secret not in haystack, secret


def test_redaction_rules() -> None:
    assert logs.redact("Bearer abc.DEF-123_x") == "Bearer [redacted]"
    assert logs.redact("token=abcdefgh12345678") == "token=[redacted]"
    assert logs.redact('pin: "1234"') == "pin: [redacted]"
    assert logs.redact("call 13812345678 now") == "call 138****5678 now"
    assert logs.redact("order 2013812345678901") == "order 2013812345678901"  # not a phone
    assert logs.redact("code 18KZ-NPYZ-6Z2J-544W.") == "code [enrollment code]."
    assert logs.redact("nothing to hide: 42 sales") == "nothing to hide: 42 sales"


def test_an_unwritable_log_folder_does_not_stop_the_command(tmp_path, monkeypatch, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(logs.ENV_DIR, str(blocker / "logs"))
    assert main(["--config", str(tmp_path / "none.toml"), "doctor", "--offline"]) == 2
    assert "cannot write logs" in capsys.readouterr().err


def test_files_rotate_at_their_size(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(logs.ENV_DIR, str(tmp_path))
    monkeypatch.setattr(logs, "MAX_BYTES", 2000)
    logs.setup()
    noisy = logging.getLogger("store_client.rotation")
    for i in range(400):
        noisy.info("event %04d %s", i, "x" * 40)
    files = sorted(Path(tmp_path).glob("store-client.log*"))
    assert 2 <= len(files) <= 1 + logs.BACKUPS
    assert all(p.stat().st_size <= 2200 for p in files)
    assert "event 0399" in (Path(tmp_path) / "store-client.log").read_text()
