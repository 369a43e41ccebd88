"""HQ accepts and stores the shift events a real terminal writes, and refuses bad ones."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from store_client.domain.roles import Role
from store_client.persistence.models import OutboxEvent
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer
from store_client.services.shifts import ShiftService
from sync.hq.service import HQService, make_engine

KINDS = ("shift.opened", "shift.cash_moved", "shift.closed")


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HQService]:
    engine = make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}")
    try:
        yield HQService(engine)
    finally:
        engine.dispose()


def shift_events(terminal, add_operator) -> list[dict]:  # type: ignore[no-untyped-def]
    """Open, pay in, pay out and close a shift on ``terminal``; its outbox envelopes."""
    add_operator("c1", "cashier", "1357")
    audit = AuditLog(terminal.clock)
    service = ShiftService(terminal.db, terminal.clock, audit,
                           Authorizer(terminal.db, audit, terminal.clock), config=terminal.config)
    cashier = Actor("c1", "c1", Role.CASHIER)
    service.open_shift(cashier, {10000: 1, 50: 2})
    service.pay_in(cashier, 2000, "float top-up")
    service.pay_out(cashier, 500, "stamps")
    service.close_shift(cashier, total_fen=11600, confirm_unsynced=True)
    with terminal.db.read() as s:
        rows = s.scalars(select(OutboxEvent).where(OutboxEvent.kind.in_(KINDS))
                         .order_by(OutboxEvent.seq)).all()
        return [{"event_id": r.event_id, "seq": r.seq, "kind": r.kind,
                 "schema_version": r.schema_version, "payload": json.loads(r.payload)}
                for r in rows]


def test_hq_stores_every_shift_event_once(hq, terminal, add_operator) -> None:
    events = shift_events(terminal, add_operator)
    assert [e["kind"] for e in events] == ["shift.opened", "shift.cash_moved",
                                           "shift.cash_moved", "shift.closed"]
    who = hq.authenticate(hq.issue_token("S001", "T01"))
    result = hq.ingest(who, {"events": events})
    assert [r["status"] for r in result["results"]] == ["accepted"] * 4
    again = hq.ingest(who, {"events": events})
    assert all(r.get("duplicate") for r in again["results"])
    stored = hq.shift_events(events[0]["payload"]["shift_id"])
    assert [r["kind"] for r in stored] == [e["kind"] for e in events]  # once each, in order
    closed = stored[-1]["payload"]
    assert (closed["counted_cash_minor"], closed["expected_cash_minor"],
            closed["variance_minor"]) == (11600, 10100 + 2000 - 500, 0)
    assert closed["count"] == {"loose": 11600}
    assert stored[0]["payload"]["count"] == {"10000": 1, "50": 2}


def tampered(event: dict, **changes) -> dict:  # type: ignore[no-untyped-def]
    return {**event, "event_id": str(uuid.uuid4()), "payload": {**event["payload"], **changes}}


def test_hq_rejects_shift_events_that_do_not_add_up_or_are_not_this_terminals(
        hq, terminal, add_operator) -> None:
    opened, pay_in, _pay_out, closed = shift_events(terminal, add_operator)
    who = hq.authenticate(hq.issue_token("S001", "T01"))
    bad = [
        tampered(closed, variance_minor=1),  # counted - expected is 0
        tampered(closed, counted_cash_minor=11601),  # not the count's total
        tampered(opened, opening_float_minor=1.0),  # float money
        tampered(opened, count={"300": 1, "loose": 0}),  # no such note
        tampered(pay_in, kind="borrow"),
        tampered(pay_in, amount_minor=0),
        tampered(pay_in, reason=""),
        tampered(opened, terminal_id="T99"),  # another terminal's shift
    ]
    for seq, e in enumerate(bad, 1):
        e["seq"] = seq
    results = hq.ingest(who, {"events": bad})["results"]
    assert [r["status"] for r in results] == ["rejected"] * len(bad)
    assert "variance_minor" in results[0]["reason"] and "T99" in results[-1]["reason"]
    assert hq.shift_events() == []
    assert len(hq.rejections()) == len(bad)
