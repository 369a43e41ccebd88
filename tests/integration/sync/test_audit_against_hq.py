"""``store-client audit verify --against-hq``: a local chain rewritten wholesale still verifies on
its own, but not against HQ's copy (real HQ on 127.0.0.1, in-memory keyring)."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from store_client import config as cfg
from store_client.bootstrap import open_terminal
from store_client.cli import main
from store_client.domain.audit_chain import GENESIS_HASH, entry_hash
from store_client.services.audit import AuditLog

DROP_TRIGGERS = ("DROP TRIGGER IF EXISTS audit_log_no_update", "DROP TRIGGER IF EXISTS audit_log_no_delete")


@pytest.fixture
def till(tmp_path: Path, hq_server, hq_token, memory_keyring, monkeypatch, capsys):  # type: ignore[no-untyped-def]
    path = tmp_path / "config.toml"
    path.write_text(cfg.template("S001", "T01", **{"hq.url": hq_server.url, "data.dir": str(tmp_path / "d")}))
    monkeypatch.setattr("sys.stdin", io.StringIO(hq_token + "\n"))
    assert main(["--config", str(path), "sync", "set-token"]) == 0
    term = open_terminal(cfg.load(path))
    try:
        log = AuditLog(term.clock)
        for i in range(8):
            with term.db.transaction() as session:
                log.append(session, operator_id="m1", action="price.override", target=f"sku{i}",
                           details={"n": i})
        db_path = term.db.path
    finally:
        term.close()
    assert main(["--config", str(path), "sync", "now", "--no-pull"]) == 0
    capsys.readouterr()
    return path, db_path


def verify(path: Path, capsys) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(["--config", str(path), "audit", "verify", "--against-hq"])
    out = capsys.readouterr()
    return code, out.out, out.err


def rehash_from(db_path: Path, start: int) -> None:
    """What an attacker with the file does: rewrite entries and re-hash the rest and the anchor."""
    conn = sqlite3.connect(db_path)
    for sql in DROP_TRIGGERS:
        conn.execute(sql)
    rows = conn.execute("SELECT seq, at, operator_id, action, target, details FROM audit_log "
                        "ORDER BY seq").fetchall()
    prev = GENESIS_HASH
    for seq, at, op, action, target, details in rows:
        if seq == start:
            target = "nobody"
        digest = entry_hash(seq=seq, at=at, operator_id=op, action=action, target=target,
                            details=json.loads(details), prev_hash=prev)
        conn.execute("UPDATE audit_log SET target = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                     (target, prev, digest, seq))
        prev = digest
    conn.execute("UPDATE terminal_settings SET value = ? WHERE key = 'audit.anchor'",
                 (json.dumps({"seq": rows[-1][0], "hash": prev}),))
    conn.commit()
    conn.close()


def test_an_untouched_chain_matches_hqs_copy(till, capsys) -> None:
    path, _ = till
    code, out, _err = verify(path, capsys)
    assert code == 0 and "matches" in out and "8 entries" in out


def test_a_chain_rewritten_wholesale_verifies_locally_but_not_against_hq(till, capsys) -> None:
    path, db_path = till
    rehash_from(db_path, 3)
    assert main(["--config", str(path), "audit", "verify"]) == 0  # the local proof is fooled
    capsys.readouterr()
    code, _out, err = verify(path, capsys)
    assert code == 1 and "at entry 3" in err and "rewritten" in err


def test_a_dropped_tail_with_a_rewound_anchor_is_found(till, capsys) -> None:
    path, db_path = till
    conn = sqlite3.connect(db_path)
    for sql in DROP_TRIGGERS:
        conn.execute(sql)
    conn.execute("DELETE FROM audit_log WHERE seq >= 6")
    seq, digest = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    conn.execute("UPDATE terminal_settings SET value = ? WHERE key = 'audit.anchor'",
                 (json.dumps({"seq": seq, "hash": digest}),))
    conn.commit()
    conn.close()
    assert main(["--config", str(path), "audit", "verify"]) == 0
    capsys.readouterr()
    code, _out, err = verify(path, capsys)
    assert code == 1 and "at entry 6" in err and "removed" in err


def test_entries_not_yet_delivered_are_counted_not_a_divergence(till, capsys) -> None:
    path, _ = till
    term = open_terminal(cfg.load(path))
    try:
        with term.db.transaction() as session:
            AuditLog(term.clock).append(session, operator_id="m1", action="drawer.open")
    finally:
        term.close()
    code, out, _err = verify(path, capsys)
    assert code == 0 and "1 newer entries not yet at HQ" in out


def test_the_audit_endpoint_shows_a_terminal_only_its_own_chain(till, hq_server) -> None:
    import httpx

    other = hq_server.service.issue_token("S001", "T02")
    with httpx.Client(base_url=hq_server.url, headers={"Authorization": f"Bearer {other}"}) as http:
        assert http.get("/v1/audit").json() == {"entries": [], "has_more": False}
        for bad in ({"after": "-1"}, {"limit": "0"}, {"limit": "1001"}, {"after": "9" * 30}):
            assert http.get("/v1/audit", params=bad).status_code == 400


def test_hq_keeps_the_chain_per_terminal_and_reset_epoch(hq_service) -> None:
    """On SQLite and PostgreSQL: the chain link is stored, paged in order, and a wiped terminal
    (reset at HQ) starts a chain of its own."""
    import uuid

    from sync.hq.audit import audit_page

    who = hq_service.authenticate(hq_service.issue_token("S001", "T01"))

    def entry(seq: int) -> dict:
        return {"event_id": str(uuid.uuid4()), "seq": seq, "kind": "audit.entry", "schema_version": 1,
                "payload": {"seq": seq, "at": "2026-01-01T09:00:00+00:00", "operator_id": "m1",
                            "action": "x", "target": "", "details": {"n": seq},
                            "prev_hash": f"{seq - 1:064x}", "hash": f"{seq:064x}"}}

    answer = hq_service.ingest(who, {"events": [entry(i) for i in range(1, 6)]})
    assert [r["status"] for r in answer["results"]] == ["accepted"] * 5
    first = audit_page(hq_service.engine, who, 0, 2)
    assert [e["seq"] for e in first["entries"]] == [1, 2] and first["has_more"]
    rest = audit_page(hq_service.engine, who, 2, 10)
    assert [e["seq"] for e in rest["entries"]] == [3, 4, 5] and not rest["has_more"]
    assert rest["entries"][0]["hash"] == f"{3:064x}" and rest["entries"][0]["details"] == {"n": 3}
    bad = entry(6)
    bad["payload"]["hash"] = "not a digest"
    assert hq_service.ingest(who, {"events": [bad]})["results"][0]["status"] == "rejected"
    hq_service.reset_terminal("S001", "T01")
    again = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    assert audit_page(hq_service.engine, again, 0, 10)["entries"] == []
    hq_service.ingest(again, {"events": [entry(1)]})
    assert [e["seq"] for e in audit_page(hq_service.engine, again, 0, 10)["entries"]] == [1]
