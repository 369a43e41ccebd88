"""The HQ HTTP API over real sockets on 127.0.0.1, the embedded HQ and the admin CLI."""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from store_client.cli import main
from sync.hq.embedded import start_embedded_hq
from tools.soak import make_sale


def test_auth_time_and_errors_over_http(hq_server, hq_token) -> None:
    with httpx.Client(base_url=hq_server.url, timeout=5) as http:
        assert http.post("/v1/events", json={"events": []}).status_code == 401
        assert http.post("/v1/events", json={"events": []},
                         headers={"Authorization": "Bearer wrong"}).status_code == 401
        auth = {"Authorization": f"Bearer {hq_token}"}
        bad = http.post("/v1/events", content=b"{not json", headers=auth)
        assert bad.status_code == 400 and bad.json()["error"] == "bad_json"
        assert http.get("/v1/datasets/nope/changes", headers=auth).status_code == 404
        assert http.get("/v1/datasets/catalog/changes?limit=x", headers=auth).status_code == 400
        before = datetime.now(UTC)
        answer = http.get("/v1/time")
        hq_time = datetime.fromisoformat(answer.json()["server_time"])
        assert before <= hq_time <= datetime.now(UTC)
        assert datetime.fromisoformat(answer.headers["x-hq-time"]) >= before
        me = http.get("/v1/terminal", headers=auth).json()
        assert (me["store_id"], me["terminal_id"]) == ("S001", "T01")
        sale = make_sale(random.Random(1))
        body = {"events": [{"event_id": str(uuid.uuid4()), "seq": 1, "kind": "sale.completed",
                            "schema_version": 2, "created_at": "x", "payload": sale}]}
        first = http.post("/v1/events", json=body, headers=auth).json()
        second = http.post("/v1/events", json=body, headers=auth).json()
        assert first["results"][0]["status"] == "accepted"
        assert second["results"][0]["duplicate"] is True
        page = http.get("/v1/datasets/catalog/changes", params={"limit": 3}, headers=auth).json()
        assert len(page["changes"]) == 3 and page["has_more"] is True


def test_embedded_hq_starts_on_loopback_and_stops(tmp_path: Path) -> None:
    hq = start_embedded_hq(tmp_path)
    try:
        assert hq.url.startswith("http://127.0.0.1:")
        r = httpx.get(hq.url + "/v1/terminal", headers={"Authorization": f"Bearer {hq.token}"}, timeout=5)
        assert r.json()["store_id"] == "S001"
    finally:
        hq.stop()
    with pytest.raises(httpx.TransportError):
        httpx.get(hq.url + "/v1/time", timeout=2)


def test_admin_cli(hq_db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """On SQLite and on PostgreSQL (where SUM over BIGINT is NUMERIC): money prints as int."""
    db = hq_db_url
    assert main(["hq", "--db", db, "seed-demo"]) == 0
    assert main(["hq", "--db", db, "issue-token", "S001", "T01"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert len(token) >= 40
    assert main(["hq", "--db", db, "orders", "place", "--store", "S001", "--items", "100001:2"]) == 0
    order_id = json.loads(capsys.readouterr().out)["order_id"]
    assert str(uuid.UUID(order_id)) == order_id
    assert main(["hq", "--db", db, "orders", "place", "--store", "S001", "--items", "100001:zero"]) == 1
    assert "SKU:QTY" in capsys.readouterr().err
    from sync.hq.service import HQService, make_engine
    service = HQService(make_engine(db))
    who = service.authenticate(token)
    sale = make_sale(random.Random(9))
    service.ingest(who, {"events": [{"event_id": str(uuid.uuid4()), "seq": 1, "kind": "sale.completed",
                                     "schema_version": 2, "payload": sale}]})
    service.engine.dispose()
    assert main(["hq", "--db", db, "list-sales", "--json"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [s["total_minor"] for s in listed] == [sale["total_minor"]]
    assert [s["refunded_minor"] for s in listed] == [0]
    assert main(["hq", "--db", db, "list-sales"]) == 0
    assert "1 sale(s)" in capsys.readouterr().out
    assert main(["hq", "--db", db, "reset-terminal", "S001", "T01"]) == 0
    assert main(["hq", "--db", db, "reset-terminal", "S001", "T99"]) == 1
    assert "no terminal" in capsys.readouterr().err
    assert main(["hq", "--db", db, "reset-dataset", "bogus"]) == 1
