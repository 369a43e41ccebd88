"""The cash drawer: cash only, no-sale needs drawer.no_sale (manager approval) and is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from store_client.services.drawer import CashDrawer
from printers.profile import PrinterProfile
from printers.queue import PrintQueue
from store_client.domain.roles import Permission, Role
from store_client.persistence.models import AuditEntry, OutboxEvent, PrintJob
from store_client.services.approvals import ApprovalService
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer
from store_client.services.errors import ApprovalRequired, PermissionDenied

CASHIER = Actor("c1", "Cashier", Role.CASHIER)
MANAGER = Actor("m1", "Manager", Role.MANAGER)
ASSOCIATE = Actor("a1", "Associate", Role.ASSOCIATE)


class NoPrinter:
    """A factory the worker is never started with: these tests look at what was queued."""

    def __call__(self):  # pragma: no cover - the worker is not started
        raise AssertionError("no printing in these tests")


@pytest.fixture
def world(terminal, clock, add_operator):
    for actor in (CASHIER, MANAGER, ASSOCIATE):
        add_operator(actor.operator_id, actor.role.value, "2580")
    audit = AuditLog(clock)
    queue = PrintQueue(terminal.db, NoPrinter(), clock, profile=PrinterProfile("TM-T88V", 80, "gb18030", 5))
    drawer = CashDrawer(terminal.db, queue, Authorizer(terminal.db, audit, clock), audit, clock,
                        store_name="测试店", store_id="S001", terminal_id="T01")
    return terminal, drawer, ApprovalService(terminal.db, clock, audit)


def jobs(terminal) -> list[tuple[int, bytes, bytes, str]]:
    with terminal.db.read() as s:
        return [(j.id, j.payload, j.trailer, j.preview_text)
                for j in s.scalars(select(PrintJob).order_by(PrintJob.id))]


def actions(terminal) -> list[str]:
    with terminal.db.read() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def test_only_cash_opens_the_drawer(world):
    terminal, drawer, _ = world
    assert drawer.open_for_tenders(["wechat", "card"]) is None
    assert jobs(terminal) == []
    job_id = drawer.open_for_tenders(["card", "cash"])
    ((jid, payload, _, _),) = jobs(terminal)
    assert jid == job_id and payload == b"\x1bp\x0122"  # pin 5 from the profile


def test_cashier_no_sale_needs_a_manager_approval(world):
    terminal, drawer, approvals = world
    with pytest.raises(ApprovalRequired):
        drawer.no_sale(CASHIER, None, "change for the float")
    assert jobs(terminal) == []
    grant = approvals.approve(CASHIER, "m1", "2580", Permission.DRAWER_NO_SALE, "change for the float")
    job_id = drawer.no_sale(CASHIER, grant, "change for the float")
    ((jid, _, trailer, preview),) = jobs(terminal)
    assert jid == job_id and trailer == b"\x1bp\x0122" and "NO SALE" in preview
    assert actions(terminal)[-2:] == ["approval.used", "drawer.no_sale"]
    with terminal.db.read() as s:
        payload = s.scalars(select(OutboxEvent.payload).where(OutboxEvent.kind == "drawer.no_sale")).one()
    assert '"approval_id":"' + grant.approval_id in payload
    with pytest.raises(ApprovalRequired):  # the approval is single use
        drawer.no_sale(CASHIER, grant, "again")
    assert len(jobs(terminal)) == 1


def test_associate_may_never_open_the_drawer_and_reason_is_required(world):
    terminal, drawer, _ = world
    with pytest.raises(PermissionDenied):
        drawer.no_sale(ASSOCIATE, None, "curious")
    with pytest.raises(ValueError):
        drawer.no_sale(MANAGER, None, "  ")
    assert jobs(terminal) == []
    drawer.no_sale(MANAGER, None, "count float")
    assert len(jobs(terminal)) == 1


def test_hq_accepts_and_keeps_the_no_sale_event(world, tmp_path):
    """HQ once had no check for this kind and put every no-sale in "needs attention"."""
    import json

    from sync.hq.service import HQService, make_engine

    terminal, drawer, approvals = world
    grant = approvals.approve(CASHIER, "m1", "2580", Permission.DRAWER_NO_SALE, "change for the float")
    drawer.no_sale(CASHIER, grant, "change for the float")
    with terminal.db.read() as s:
        row = s.scalars(select(OutboxEvent).where(OutboxEvent.kind == "drawer.no_sale")).one()
        event = {"event_id": row.event_id, "seq": row.seq, "kind": row.kind,
                 "schema_version": row.schema_version, "payload": json.loads(row.payload)}
    engine = make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}")
    try:
        hq = HQService(engine)
        who = hq.authenticate(hq.issue_token("S001", "T01"))
        assert [r["status"] for r in hq.ingest(who, {"events": [event]})["results"]] == ["accepted"]
        other = hq.authenticate(hq.issue_token("S001", "T02"))
        forged = {**event, "event_id": "00000000-0000-4000-8000-000000000001", "seq": 1}
        (result,) = hq.ingest(other, {"events": [forged]})["results"]
        assert result["status"] == "rejected" and "T01" in result["reason"]
        assert hq.rejections()[-1]["kind"] == "drawer.no_sale"
    finally:
        engine.dispose()
