"""The return policy on an online order returned at store S001, against the reference HQ over
HTTP: the online window per category in store days, a line past it refused by name while the
others come back, each disposition in this till's stock, the ``return.taken`` and
``stock.moved`` events and HQ's figures, and a non-returnable line overridden by a second
manager."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from online_returns_world import collected_order, member, open_shift, returns_service
from sqlalchemy import func, select
from test_cross_returns import MANAGER, counts, refused, upload

from store_client.persistence.models import AuditEntry, Category, CrossReturn, OutboxEvent, Product, StockPosition
from store_client.services.approvals import ApprovalService
from store_client.services.audit import AuditLog
from store_client.services.cross_return_views import CrossReturnRequest
from store_client.services.errors import ApprovalRequired, ServiceError
from sync.hq import cross_returns as hq_cross
from sync.hq import stock as hq_stock


SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(terminal, add_operator, hq_server, sqlite_hq):  # type: ignore[no-untyped-def]
    """The order of the online-returns world (100001 x3, 200001 x2), with this till's catalog
    knowing both SKUs: 100001 is food, 200001 care."""
    add_operator("m1", "manager", "2468", name="张经理")
    add_operator("m2", "manager", "1357", name="李经理")
    open_shift(terminal, MANAGER)
    with terminal.db.transaction() as s:
        s.add_all([Category(code="food", name_zh="食品", name_en="Food"),
                   Category(code="care", name_zh="个护", name_en="Care")])
        s.flush()
        s.add_all([Product(sku="100001", name_zh="矿泉水", name_en="Water", category_code="food", unit="each",
                           price_minor=200, tax_rate_bp=900, active=True),
                   Product(sku="200001", name_zh="面霜", name_en="Cream", category_code="care", unit="each",
                           price_minor=9900, tax_rate_bp=1300, active=True)])
    terminal.config.values.update({"returns.window_days": 30, "returns.channel_window_days": {"online": 15},
                                   "returns.category_window_days": {"food:online": 3, "food": 7}})
    return terminal, sqlite_hq, hq_server, sqlite_hq.issue_token("S001", "T01")


def at(clock, text: str) -> None:  # type: ignore[no-untyped-def]
    clock._now = datetime.fromisoformat(text).astimezone(UTC)  # noqa: SLF001 (the fake clock's own field)


def on_hand(terminal, sku: str) -> int:  # type: ignore[no-untyped-def]
    with terminal.db.read() as s:
        return int(s.scalar(select(StockPosition.on_hand).where(StockPosition.sku == sku)) or 0)


def test_the_food_line_past_its_online_window_is_refused_by_name_and_the_cream_goes_to_the_vendor(world, clock):
    terminal, hq, server, token = world
    placed = collected_order(hq, member(hq))
    svc = returns_service(terminal, server.url, token)
    [order] = svc.find(MANAGER, placed.order_no).originals
    collected = datetime.fromisoformat(order.completed_at).astimezone(SHANGHAI).date()  # HQ's time of the hand-over
    at(clock, f"{collected + timedelta(days=3)}T23:59:59+08:00")  # food:online is 3 days: its last day
    [order] = svc.find(MANAGER, placed.order_no).originals
    water, cream = order.lines
    assert (water.category, cream.category) == ("food", "care")
    assert order.verdicts[water.line_no].days == 3 and not order.verdicts[water.line_no].window_passed
    assert order.verdicts[cream.line_no].days == 15
    at(clock, f"{collected + timedelta(days=4)}T00:00:00+08:00")  # found a second earlier; refunded after midnight
    with pytest.raises(ServiceError) as late:
        svc.refund(MANAGER, CrossReturnRequest(order.request_id, ((water.line_no, 1), (cream.line_no, 2)),
                                               "changed_mind"))
    assert late.value.code == "return.window_passed" and late.value.params == {"line": water.line_no, "days": 3}
    assert counts(terminal) == (0, 0) and refused(terminal, "return.window_passed") == 1

    before = on_hand(terminal, "200001")
    done = svc.refund(MANAGER, CrossReturnRequest(order.request_id, ((cream.line_no, 2),), "wrong_item",
                                                  dispositions=((cream.line_no, "vendor"),)))
    assert done.reserved_at_hq and on_hand(terminal, "200001") == before  # kept for the vendor: not sellable
    with terminal.db.read() as s:
        taken = json.loads(s.scalars(select(OutboxEvent.payload).where(OutboxEvent.kind == "return.taken")).one())
        moved = [json.loads(p) for p in s.scalars(select(OutboxEvent.payload).where(OutboxEvent.kind == "stock.moved"))]
        kept = json.loads(s.scalar(select(CrossReturn.lines)))
    assert [(x["line_no"], x["disposition"], x["reason"]) for x in taken["lines"]] == \
        [(cream.line_no, "vendor", "wrong_item")]
    assert sorted((m["reason"], m["delta"]) for e in moved for m in e["movements"]) == \
        [("return", 2), ("return_to_vendor", -2)]
    assert kept[0][-1] == "vendor"
    upload(terminal, server.url, token)
    with hq.engine.connect() as conn:
        payload = json.loads(conn.scalar(select(hq_cross.taken.c.payload)
                                         .where(hq_cross.taken.c.return_id == done.return_id)))
        assert payload["lines"][0]["disposition"] == "vendor"  # HQ keeps it
        assert hq_stock.on_hand(conn, "S001", "200001") == 0  # in and out: S001's sellable stock unchanged


def test_restock_and_damaged_at_this_till_and_at_hq(world, clock):
    terminal, hq, server, token = world
    placed = collected_order(hq, member(hq))
    svc = returns_service(terminal, server.url, token)
    [order] = svc.find(MANAGER, placed.order_no).originals
    water, cream = order.lines
    svc.refund(MANAGER, CrossReturnRequest(order.request_id, ((water.line_no, 3), (cream.line_no, 1)),
                                           "changed_mind",
                                           dispositions=((water.line_no, "restock"), (cream.line_no, "damaged"))))
    assert (on_hand(terminal, "100001"), on_hand(terminal, "200001")) == (3, 0)
    upload(terminal, server.url, token)
    with hq.engine.connect() as conn:
        assert (hq_stock.on_hand(conn, "S001", "100001"), hq_stock.on_hand(conn, "S001", "200001")) == (3, 0)


def test_a_bad_disposition_is_refused_audited_and_nothing_reaches_hq(world):
    terminal, hq, server, token = world
    placed = collected_order(hq, member(hq))
    svc = returns_service(terminal, server.url, token)
    [order] = svc.find(MANAGER, placed.order_no).originals
    line = order.lines[0]
    with pytest.raises(ServiceError) as bad:
        svc.refund(MANAGER, CrossReturnRequest(order.request_id, ((line.line_no, 1),), "changed_mind",
                                               dispositions=((line.line_no, "bin"),)))
    assert bad.value.code == "return.disposition_unknown" and refused(terminal, "return.disposition_unknown") == 1
    assert counts(terminal) == (0, 0)
    [again] = svc.find(MANAGER, placed.order_no).originals  # nothing was reserved at HQ
    assert again.lines[0].returnable == line.quantity


def test_a_non_returnable_category_needs_a_second_managers_override_used_once(world):
    terminal, hq, server, token = world
    terminal.config.values["returns.non_returnable"] = ["care"]
    placed = collected_order(hq, member(hq))
    svc = returns_service(terminal, server.url, token)
    [order] = svc.find(MANAGER, placed.order_no).originals
    cream = order.lines[1]
    assert order.verdicts[cream.line_no].non_returnable
    plain = CrossReturnRequest(order.request_id, ((cream.line_no, 1),), "changed_mind")
    with pytest.raises(ServiceError) as refused_here:
        svc.refund(MANAGER, plain)
    assert refused_here.value.code == "return.non_returnable" and refused(terminal, "return.non_returnable") == 1
    asked = CrossReturnRequest(order.request_id, ((cream.line_no, 1),), "changed_mind",
                               dispositions=((cream.line_no, "damaged"),), override=True)
    with pytest.raises(ApprovalRequired):
        svc.refund(MANAGER, asked)
    assert counts(terminal) == (0, 0)
    grant = ApprovalService(terminal.db, terminal.clock, AuditLog(terminal.clock)).approve(
        MANAGER, "m2", "1357", "return.process", "过敏，未开封")
    done = svc.refund(MANAGER, asked, grant)
    with terminal.db.read() as s:
        audit = json.loads(s.scalars(select(AuditEntry.details).where(AuditEntry.action == "return.completed")).one())
        used = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "approval.used"))
    assert audit["override"]["reason"] == "过敏，未开封" and audit["override"]["approved_by"] == "m2"
    assert audit["override"]["lines"] == [[cream.line_no, "care"]] and used == 1 and done.reserved_at_hq
    [rest] = svc.find(MANAGER, placed.order_no).originals
    with pytest.raises(ApprovalRequired):  # the grant is spent
        svc.refund(MANAGER, CrossReturnRequest(rest.request_id, ((cream.line_no, 1),), "changed_mind",
                                               override=True), grant)
