"""Protocol negotiation: a till too old or too new for HQ says so and keeps selling offline;
HQ keeps accepting the previous version."""

from __future__ import annotations

import json
import random
import uuid

import httpx
import pytest
from sqlalchemy import func, select

from store_client import config as cfg
from store_client.cli import main
from store_client.persistence.models import OutboxEvent
from sync.protocol import version
from sync.terminal.runner import SyncRunner
from sync.terminal.sale_events import record_sale_event
from sync.terminal.transport import HQClient, ProtocolMismatch
from tools.soak import make_sale


def _sale(terminal, seed: int) -> None:  # type: ignore[no-untyped-def]
    with terminal.db.transaction() as session:
        record_sale_event(session, make_sale(random.Random(seed)))


def _pending(terminal) -> int:  # type: ignore[no-untyped-def]
    with terminal.db.read() as s:
        return s.scalar(select(func.count()).select_from(OutboxEvent)
                        .where(OutboxEvent.status == "pending"))


def test_the_current_till_and_hq_agree_and_hq_says_its_range(hq_server, hq_token) -> None:
    response = httpx.get(f"{hq_server.url}/v1/terminal", headers={
        "Authorization": f"Bearer {hq_token}", version.HEADER: str(version.TERMINAL_PROTOCOL)})
    assert response.status_code == 200
    low, high = version.HQ_ACCEPTS
    assert response.headers[version.HQ_HEADER] == f"{low}-{high}"
    assert low <= version.TERMINAL_PROTOCOL <= high and low == high - 1  # the previous one too


def test_hq_keeps_accepting_a_till_of_the_previous_version(hq_server, hq_token) -> None:
    """A till from before the header (version 1) sends its sales as it always did."""
    sale = make_sale(random.Random(7))
    event = {"event_id": str(uuid.uuid4()), "seq": 1, "kind": "sale.completed",
             "schema_version": 3, "created_at": sale["completed_at"], "payload": sale}
    response = httpx.post(f"{hq_server.url}/v1/events", headers={
        "Authorization": f"Bearer {hq_token}", "content-type": "application/json"},
        content=json.dumps({"events": [event]}))
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == "accepted"
    assert len(hq_server.service.list_sales()) == 1


@pytest.mark.parametrize("till, hq_accepts, code, words", [
    (3, (1, 2), "protocol_too_new", "HQ must be upgraded first"),
    (1, (2, 3), "protocol_too_old", "Upgrade the till"),
])
def test_a_till_hq_cannot_talk_to_keeps_selling_offline_and_says_why(
        terminal, hq_server, hq_token, monkeypatch, till, hq_accepts, code, words) -> None:
    monkeypatch.setattr(version, "TERMINAL_PROTOCOL", till)
    monkeypatch.setattr(version, "HQ_ACCEPTS", hq_accepts)
    with HQClient(hq_server.url, hq_token) as client:
        with pytest.raises(ProtocolMismatch) as caught:
            client.get_time()
    assert caught.value.code == code and words in str(caught.value)

    _sale(terminal, 1)
    runner = SyncRunner(terminal.db, lambda: HQClient(hq_server.url, hq_token), pull=False)
    assert runner.run_pass() is False
    assert runner.phase == "offline" and words in (runner.last_error or "")
    _sale(terminal, 2)  # the till keeps selling
    assert _pending(terminal) == 2 and hq_server.service.list_sales() == []

    monkeypatch.setattr(version, "TERMINAL_PROTOCOL", 2)  # the side named was upgraded
    monkeypatch.setattr(version, "HQ_ACCEPTS", (1, 2))
    assert runner.run_pass() is True
    assert _pending(terminal) == 0 and len(hq_server.service.list_sales()) == 2


def test_sync_now_and_status_name_the_mismatch(tmp_path, hq_server, hq_token, memory_keyring,
                                                monkeypatch, capsys) -> None:
    from sync.terminal.credentials import save_token

    path = tmp_path / "config.toml"
    path.write_text(cfg.template("S001", "T01", **{"hq.url": hq_server.url,
                                                   "data.dir": str(tmp_path / "data")}))
    save_token("S001", "T01", hq_token)
    assert main(["--config", str(path), "db", "migrate"]) == 0
    from store_client.bootstrap import open_existing

    terminal = open_existing(cfg.load(path))
    try:
        _sale(terminal, 3)
    finally:
        terminal.close()
    monkeypatch.setattr(version, "TERMINAL_PROTOCOL", 9)
    capsys.readouterr()
    assert main(["--config", str(path), "sync", "now"]) == 1
    assert "HQ must be upgraded first" in capsys.readouterr().err
    assert main(["--config", str(path), "sync", "status"]) == 0
    out = capsys.readouterr().out
    assert "waiting: 1" in out and "HQ must be upgraded first" in out


@pytest.mark.parametrize("header", ["abc", "-1", "9999999"])
def test_a_malformed_version_is_refused(hq_server, hq_token, header) -> None:
    response = httpx.get(f"{hq_server.url}/v1/time", headers={version.HEADER: header})
    assert response.status_code == 426
    body = response.json()
    assert body["error"] in ("bad_protocol", "protocol_too_new")
    assert body["hq_accepts"] == list(version.HQ_ACCEPTS)


def test_enrollment_is_gated_too(hq_server, monkeypatch) -> None:
    from sync.terminal.enrollment import EnrollmentError, check_code

    monkeypatch.setattr(version, "TERMINAL_PROTOCOL", 5)
    with pytest.raises(EnrollmentError) as caught:
        check_code(hq_server.url, "AAAA-AAAA-AAAA-AAAA", "claim")
    assert caught.value.reason == "protocol" and "HQ must be upgraded" in str(caught.value)

