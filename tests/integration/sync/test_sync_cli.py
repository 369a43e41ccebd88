"""``store-client sync ...`` against a real HQ on 127.0.0.1 with an in-memory keyring."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

from store_client import config as cfg
from store_client.bootstrap import open_terminal
from store_client.cli import main
from sync.terminal.sale_events import record_sale_event
from tools.soak import make_sale


def write_config(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(cfg.template("S001", "T01", **{"hq.url": url, "data.dir": str(tmp_path / "data")}))
    return path


def test_set_token_sync_now_status_and_retry(tmp_path, hq_server, hq_token, memory_keyring, monkeypatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path, hq_server.url)
    assert main(["--config", str(path), "sync", "now"]) == 1
    assert "no HQ token" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(hq_token + "\n"))
    assert main(["--config", str(path), "sync", "set-token"]) == 0
    assert hq_token not in path.read_text()
    term = open_terminal(cfg.load(path))
    try:
        rng = random.Random(3)
        with term.db.transaction() as session:
            for _ in range(4):
                record_sale_event(session, make_sale(rng))
            record_sale_event(session, make_sale(rng, store_id="S404"))
    finally:
        term.close()
    capsys.readouterr()
    assert main(["--config", str(path), "sync", "now"]) == 0
    out = capsys.readouterr().out
    assert "delivered 4, rejected 1" in out and "catalog: 7 change(s)" in out
    assert main(["--config", str(path), "sync", "status"]) == 0
    out = capsys.readouterr().out
    assert "waiting: 0" in out and "needs attention: 1" in out
    assert main(["--config", str(path), "sync", "retry"]) == 0
    assert "1 event(s) queued again" in capsys.readouterr().out
    assert len(hq_server.service.list_sales()) == 4


def test_sync_now_without_hq_url_is_a_user_error(tmp_path, capsys) -> None:
    path = write_config(tmp_path, "")
    assert main(["--config", str(path), "sync", "now"]) == 1
    assert "offline" in capsys.readouterr().err


@pytest.mark.skipif(__import__("sys").platform == "win32", reason="needs fork and SIGKILL")
def test_soak_harness_reports_exactly_once(capsys) -> None:
    from tools.soak import main as soak_main

    assert soak_main(["--kills", "5", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "5 kills" in out and "OK: exactly once" in out
    with pytest.raises(SystemExit) as refused:
        soak_main(["--kills", "0"])
    assert refused.value.code == 2
