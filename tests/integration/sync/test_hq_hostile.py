"""Hostile input from an authenticated terminal, over real sockets: a 400 or a per-event
rejection with a reason, never a 500; a huge body is refused before it is read whole;
an event id belongs to the terminal that sent it."""

from __future__ import annotations

import json
import random
import socket
import time
import uuid

import httpx
import pytest

from sync.hq import app as hq_app
from sync.hq.service import HQService
from tools.soak import make_sale


def _event(seq: int, payload: dict | None = None, **overrides: object) -> dict:
    return {"event_id": str(uuid.uuid4()), "seq": seq, "kind": "sale.completed", "schema_version": 2,
            "created_at": "2026-01-01T09:00:00+00:00",
            "payload": payload if payload is not None else make_sale(random.Random(seq)), **overrides}


@pytest.fixture
def http(hq_server, hq_token):  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=hq_server.url, timeout=10,
                      headers={"Authorization": f"Bearer {hq_token}",
                               "content-type": "application/json"}) as client:
        yield client


def _post(http: httpx.Client, text: str) -> httpx.Response:
    return http.post("/v1/events", content=text.encode("utf-8"))


def test_integers_beyond_64_bits_are_rejected_per_event(http, sqlite_hq: HQService) -> None:
    big = 2**63
    ok = _event(1)
    body = json.dumps({"events": [_event(big), ok]})
    answer = _post(http, body)
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert results[0]["status"] == "rejected" and "64-bit" in results[0]["reason"]
    assert results[1]["status"] == "accepted"
    huge_money = make_sale(random.Random(3))
    huge_money["lines"][0]["qty"] = 10**30
    nested_int = _event(2, huge_money)
    answer = _post(http, json.dumps({"events": [nested_int]}))
    assert answer.status_code == 200 and answer.json()["results"][0]["status"] == "rejected"
    assert [r["seq"] for r in sqlite_hq.rejections()] == [None, None]


def test_lone_surrogates_are_rejected_and_the_reason_is_stored(http, sqlite_hq: HQService) -> None:
    # JSON may spell a lone surrogate as an escape; Python decodes it to a str UTF-8 cannot encode.
    in_kind = json.dumps(_event(1)).replace('"kind": "sale.completed"', '"kind": "sale.\\ud800"')
    sale = make_sale(random.Random(2))
    in_store = json.dumps(_event(2, sale)).replace(f'"store_id": "{sale["store_id"]}"',
                                                   '"store_id": "S\\udfff"')
    in_id = json.dumps(_event(3)).replace('"event_id": "', '"event_id": "\\ud800', 1)
    answer = _post(http, '{"events": [' + ",".join((in_kind, in_store, in_id)) + "]}")
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * 3
    assert "Unicode" in results[0]["reason"] and "Unicode" in results[1]["reason"]
    assert len(sqlite_hq.rejections()) == 3


def test_deep_nesting_is_a_400_or_a_rejection(http) -> None:
    deep = '{"events": ' + "[" * 100_000 + "]" * 100_000 + "}"
    answer = _post(http, deep)
    assert answer.status_code == 400 and answer.json()["error"] == "bad_json"
    payload = "[" * 500 + "]" * 500  # below the parser's limit, far beyond any real event
    text = json.dumps(_event(1)).replace('"payload": {', f'"payload": {{"deep": {payload}, ', 1)
    answer = _post(http, '{"events": [' + text + "]}")
    assert answer.status_code == 200
    assert "nested deeper" in answer.json()["results"][0]["reason"]


def test_cursor_beyond_64_bits_and_limit_out_of_range_are_400(http) -> None:
    first = http.get("/v1/datasets/catalog/changes", params={"limit": 1}).json()
    epoch = first["cursor"].split(":")[0]
    for cursor in (f"{epoch}:{2**64}:0", f"{epoch}:1:{2**70}", f"{epoch}:-1:0", f"{epoch}:١:0"):
        answer = http.get("/v1/datasets/catalog/changes", params={"cursor": cursor})
        assert answer.status_code == 400, cursor
    for limit in ("0", "-5", "5001", "99999999999999999999", "1.5", ""):
        answer = http.get("/v1/datasets/catalog/changes", params={"limit": limit})
        assert answer.status_code == 400, limit
        assert answer.json()["error"] == "bad_request"
    for limit in ("1", "5000"):
        assert http.get("/v1/datasets/catalog/changes", params={"limit": limit}).status_code == 200


def test_a_body_without_length_is_refused_before_it_is_read_whole(hq_server, hq_token,
                                                                  monkeypatch) -> None:
    """Chunked upload of up to 64 MiB against a 1 MiB cap: the 413 comes while we still send."""
    monkeypatch.setattr(hq_app, "MAX_BODY", 1024 * 1024)
    sent = 0
    limit = 64 * 1024 * 1024
    chunk = b"x" * 65536
    frame = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
    with socket.create_connection((hq_server.host, hq_server.port), timeout=10) as sock:
        sock.sendall(b"POST /v1/events HTTP/1.1\r\nHost: hq\r\nAuthorization: Bearer "
                     + hq_token.encode() + b"\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        sock.setblocking(False)
        answer = b""
        deadline = time.monotonic() + 30
        while sent < limit and time.monotonic() < deadline:
            try:
                answer += sock.recv(4096)
            except BlockingIOError:
                pass
            if b"\r\n\r\n" in answer:
                break
            try:
                sent += sock.send(frame)
            except BlockingIOError:
                time.sleep(0.001)
            except (BrokenPipeError, ConnectionResetError):
                break
        sock.setblocking(True)
        sock.settimeout(5)
        while b"\r\n\r\n" not in answer:
            part = sock.recv(4096)
            if not part:
                break
            answer += part
    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
    assert sent < limit // 4, f"HQ read {sent} bytes before refusing"


def test_an_event_id_of_another_terminal_is_never_acknowledged(hq_service: HQService) -> None:
    """On SQLite and PostgreSQL: T02 reusing T01's event id gets a rejection, not T01's ack."""
    t1 = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    t2 = hq_service.authenticate(hq_service.issue_token("S001", "T02"))
    shared = str(uuid.uuid4())
    first = hq_service.ingest(t1, {"events": [_event(1, event_id=shared)]})
    assert first["results"][0]["status"] == "accepted"
    theirs = make_sale(random.Random(7), terminal_id="T02")
    answer = hq_service.ingest(t2, {"events": [_event(1, theirs, event_id=shared)]})
    result = answer["results"][0]
    assert result["status"] == "rejected" and "another terminal" in result["reason"]
    assert "duplicate" not in result and "received_at" not in result
    assert answer["last_seq"] == 0  # T02's sequence did not move past an event HQ does not hold
    # T01 still gets its own original acknowledgement on a resend.
    again = hq_service.ingest(t1, {"events": [_event(1, event_id=shared)]})
    assert again["results"][0] == {**first["results"][0], "duplicate": True}
    assert [(s["terminal_id"]) for s in hq_service.list_sales()] == ["T01"]


@pytest.mark.parametrize("path", ["/v1/returns/reserve", "/v1/members/M1/reveal"])
def test_the_small_json_endpoints_read_at_most_a_small_body(http, path) -> None:
    """A return reservation or a reveal is one small object: a body past the cap is a 413,
    never read whole into memory (they used to read any body)."""
    padding = "x" * (hq_app.SMALL_BODY + 1)
    answer = http.post(path, content=json.dumps({"return_id": "r1", "pad": padding}))
    assert answer.status_code == 413 and answer.json()["error"] == "too_large"
