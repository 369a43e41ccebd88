"""Returns at store S001 of what S001 did not sell, against the real reference HQ over HTTP:
an online order found by the member's phone, another store's sale by its receipt QR (online
and offline), and every bad input with its own code, audited, writing nothing."""

from __future__ import annotations

import json

import pytest
from online_returns_world import (
    collected_order,
    member,
    open_shift,
    pull_keys,
    returns_service,
    store_b_sale,
)
from sqlalchemy import func, select

from store_client.domain.roles import Role
from store_client.persistence.models import AuditEntry, CrossReturn, OutboxEvent
from store_client.services.auth import Actor
from store_client.services.cross_return_views import CrossReturnRequest
from store_client.services.errors import ServiceError
from sync.hq import cross_returns as hq_cross
from sync.hq import order_tables as ot
from sync.hq.embedded import HQServer
from sync.hq.orders import OnlineOrders
from sync.terminal.transport import HQClient, TransientError
from sync.terminal.uploader import Uploader

MANAGER = Actor("m1", "张经理", Role.MANAGER)


@pytest.fixture
def world(terminal, add_operator, hq_server, sqlite_hq):  # type: ignore[no-untyped-def]
    add_operator("m1", "manager", "2468", name="张经理")
    open_shift(terminal, MANAGER)
    token = sqlite_hq.issue_token("S001", "T01")
    return terminal, sqlite_hq, hq_server, token


def counts(terminal) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with terminal.db.read() as s:
        return (s.scalar(select(func.count()).select_from(CrossReturn)) or 0,
                s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.kind == "return.taken")) or 0)


def refused(terminal, code: str) -> int:  # type: ignore[no-untyped-def]
    with terminal.db.read() as s:
        return sum(1 for d in s.scalars(select(AuditEntry.details).where(AuditEntry.action == "return.refused"))
                   if json.loads(d).get("code") == code)


def upload(terminal, url: str, token: str) -> None:  # type: ignore[no-untyped-def]
    with HQClient(url, token) as client:
        Uploader(terminal.db, client).upload_pending()


def test_an_online_order_found_by_phone_is_refunded_to_its_payment_once(world):
    terminal, hq, server, token = world
    placed = collected_order(hq, member(hq))
    svc = returns_service(terminal, server.url, token)
    found = svc.find(MANAGER, "13812345678")
    assert not found.offline
    [order] = found.originals
    assert order.channel == "online" and order.receipt_no == placed.order_no and order.store_id is None
    assert sum(line.net_fen for line in order.lines) == placed.paid_minor  # net of the coupon
    assert [line.name_zh for line in order.lines] == ["", ""]  # this till's catalog is empty
    assert svc.find(MANAGER, placed.order_no).originals[0].original_ref == order.original_ref

    water = order.lines[0]
    request = CrossReturnRequest(order.request_id, ((water.line_no, 2),), "changed_mind")
    done = svc.refund(MANAGER, request)
    expected = round(water.net_fen * 2 / water.quantity + 1e-9)  # cumulative rounding, half up
    assert done.refund_fen == order.plan(((water.line_no, 2),)).total_fen
    assert abs(done.refund_fen - expected) <= 1 and done.tenders == (("online", done.refund_fen),)
    assert done.reserved_at_hq and not done.repeated
    again = svc.refund(MANAGER, request)  # a double click, a retry: refunded once
    assert again.repeated and again.return_id == done.return_id and counts(terminal) == (1, 1)

    with hq.engine.connect() as conn:
        owed = conn.execute(select(ot.refunds).where(ot.refunds.c.request_id == done.return_id)).one()
    assert owed.amount_minor == done.refund_fen and owed.status == "done"  # paid back by the provider
    assert OnlineOrders(hq).provider.refunded_total(OnlineOrders(hq).get(placed.order_id)["payment_ref"]) \
        == done.refund_fen
    upload(terminal, server.url, token)  # the event confirms it again: nothing changes
    with hq.engine.connect() as conn:
        assert conn.scalar(select(hq_cross.taken.c.state).where(hq_cross.taken.c.return_id == done.return_id)) \
            == "settled"
        assert conn.scalar(select(func.count()).select_from(ot.refunds).where(
            ot.refunds.c.order_id == placed.order_id)) == 1

    rest = svc.find(MANAGER, placed.order_no).originals[0]
    assert rest.lines[0].returnable == water.quantity - 2
    with pytest.raises(ServiceError) as above:
        svc.refund(MANAGER, CrossReturnRequest(rest.request_id, ((water.line_no, 2),), "changed_mind"))
    assert above.value.code == "refund.above_returnable" and refused(terminal, "refund.above_returnable") == 1
    assert counts(terminal) == (1, 1)


def test_another_stores_sale_by_its_receipt_qr_online_then_the_line_again_elsewhere(world):
    terminal, hq, server, token = world
    sale, qr = store_b_sale(hq)
    pull_keys(terminal, server.url, token)
    svc = returns_service(terminal, server.url, token)
    [original] = svc.find(MANAGER, qr).originals
    assert original.source == "receipt_qr" and original.store_id == "S002"
    first = original.lines[0]
    done = svc.refund(MANAGER, CrossReturnRequest(original.request_id, ((first.line_no, first.quantity),), "damaged"))
    assert done.reserved_at_hq and done.tenders == (("cash", first.net_fen),)
    # store S003 had found the same receipt earlier (by its number, at HQ) and now tries the same line
    other = returns_service(terminal, server.url, hq.issue_token("S001", "T01"))
    [late] = other.find(MANAGER, sale["receipt_no"]).originals
    assert late.lines[0].returnable == 0
    with pytest.raises(ServiceError) as twice:
        other.refund(MANAGER, CrossReturnRequest(late.request_id, ((first.line_no, 1),), "damaged"))
    assert twice.value.code == "return.already_returned"


def test_a_line_taken_meanwhile_by_another_store_gets_its_own_message_and_writes_nothing(world):
    terminal, hq, server, token = world
    sale, _qr = store_b_sale(hq, seed=12)
    svc = returns_service(terminal, server.url, token)
    [original] = svc.find(MANAGER, sale["receipt_no"]).originals
    line = original.lines[0]
    from sync.hq.returnables import ReturnablesService, ReturnAsk  # store S003 takes it, directly at HQ

    ReturnablesService(hq.engine, hq_cross.load_original).reserve(ReturnAsk(
        "s003-return", original.original_ref, "S003", "T01", {line.line_no: (line.quantity, line.net_fen)},
        {"cash": line.net_fen}))
    with pytest.raises(ServiceError) as meanwhile:
        svc.refund(MANAGER, CrossReturnRequest(original.request_id, ((line.line_no, 1),), "changed_mind"))
    assert meanwhile.value.code == "return.taken_meanwhile"
    assert counts(terminal) == (0, 0) and refused(terminal, "return.taken_meanwhile") == 1


def test_offline_with_a_valid_receipt_qr_the_return_is_taken_and_hq_flags_a_conflict_later(world):
    terminal, hq, server, token = world
    sale, qr = store_b_sale(hq, seed=21)
    pull_keys(terminal, server.url, token)
    line_no, qty, net = (sale["lines"][0][k] for k in ("line_no", "qty", "net_minor"))
    from sync.hq.returnables import ReturnablesService, ReturnAsk

    ReturnablesService(hq.engine, hq_cross.load_original).reserve(ReturnAsk(  # returned elsewhere meanwhile
        "elsewhere-1", f"sale:{sale['sale_id']}", "S003", "T01", {line_no: (qty, net)}, {"cash": net}))
    server.stop()
    offline = returns_service(terminal, server.url, token, timeout=1)
    found = offline.find(MANAGER, qr)
    [original] = found.originals
    done = offline.refund(MANAGER, CrossReturnRequest(original.request_id, ((line_no, qty),), "changed_mind"))
    assert not done.reserved_at_hq and done.refund_fen == net
    with pytest.raises(ServiceError) as unreachable:  # an order number needs HQ
        offline.find(MANAGER, "W000001")
    assert unreachable.value.code == "return.hq_unreachable"
    with pytest.raises(ServiceError) as again:  # the same QR again at this till: nothing left of that line
        offline.refund(MANAGER, CrossReturnRequest(offline.find(MANAGER, qr).originals[0].request_id,
                                                   ((line_no, 1),), "changed_mind"))
    assert again.value.code == "return.already_returned"

    back = HQServer(hq).start()  # online again
    try:
        upload(terminal, back.url, token)
    finally:
        back.stop()
    [conflict] = ReturnablesService(hq.engine, hq_cross.load_original).conflicts("S001")
    assert conflict["return_id"] == done.return_id and conflict["code"] == "return.already_returned"


def test_forged_altered_window_passed_and_unknown_each_have_their_code(world, clock):
    terminal, hq, server, token = world
    sale, qr = store_b_sale(hq, seed=33)
    pull_keys(terminal, server.url, token)
    svc = returns_service(terminal, server.url, token)
    head, kid, claims, sig = qr.split(".")
    altered = ".".join((head, kid, claims, ("A" if sig[0] != "A" else "B") + sig[1:]))
    with pytest.raises(ServiceError) as forged:
        svc.find(MANAGER, altered)
    assert forged.value.code == "receipt.forged"
    with pytest.raises(ServiceError) as unknown:
        svc.find(MANAGER, "W999999")
    assert unknown.value.code == "return.original_unknown"
    [original] = svc.find(MANAGER, qr).originals
    clock.advance(days=31)
    with pytest.raises(ServiceError) as late:
        svc.refund(MANAGER, CrossReturnRequest(original.request_id, ((1, 1),), "changed_mind"))
    assert late.value.code == "return.window_passed"
    assert counts(terminal) == (0, 0)
    for code in ("receipt.forged", "return.original_unknown", "return.window_passed"):
        assert refused(terminal, code) == 1, code


def test_cash_instead_of_the_online_payment_needs_a_second_person_and_the_provider_pays_nothing(
        world, add_operator):
    from store_client.services.approvals import ApprovalService
    from store_client.services.audit import AuditLog
    from store_client.services.errors import ApprovalRequired
    from store_client.services.shifts import ShiftService
    from store_client.services.authorization import Authorizer

    terminal, hq, server, token = world
    add_operator("m2", "manager", "1357", name="李经理")
    placed = collected_order(hq, member(hq))
    svc = returns_service(terminal, server.url, token)
    [order] = svc.find(MANAGER, placed.order_no).originals
    line = order.lines[1]
    request = CrossReturnRequest(order.request_id, ((line.line_no, 1),), "changed_mind", cash_instead=True)
    with pytest.raises(ApprovalRequired):  # even a manager: a second person approves cash
        svc.refund(MANAGER, request)
    assert counts(terminal) == (0, 0)
    grant = ApprovalService(terminal.db, terminal.clock, AuditLog(terminal.clock)).approve(
        MANAGER, "m2", "1357", "return.process", "customer has no wallet")
    done = svc.refund(MANAGER, request, grant)
    assert done.tenders == (("cash", done.refund_fen),) and done.reserved_at_hq
    upload(terminal, server.url, token)
    orders = OnlineOrders(hq)
    assert orders.provider.refunded_total(orders.get(placed.order_id)["payment_ref"]) == 0  # cash, not both
    with hq.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(ot.refunds).where(
            ot.refunds.c.order_id == placed.order_id)) == 0
        assert conn.scalar(select(hq_cross.taken.c.state).where(hq_cross.taken.c.return_id == done.return_id)) \
            == "settled"
    audit = AuditLog(terminal.clock)
    shift = ShiftService(terminal.db, terminal.clock, audit, Authorizer(terminal.db, audit, terminal.clock),
                         config=terminal.config)
    report = shift.x_report(MANAGER, print_it=False).figures
    assert report.cash_refund_fen == done.refund_fen and report.returns_count == 1

    [store_sale] = svc.find(MANAGER, store_b_sale(hq, seed=44)[0]["receipt_no"]).originals
    with pytest.raises(ServiceError) as not_online:  # cash instead is for online orders only
        svc.refund(MANAGER, CrossReturnRequest(store_sale.request_id, ((1, 1),), "changed_mind", cash_instead=True),
                   grant)
    assert not_online.value.code == "return.cash_not_allowed"


def test_hq_validates_return_taken_events():
    from sync.protocol.events import PayloadError, validate

    good = {"return_id": "0b8e4c1e-5d1c-4c55-9d5e-2f7f7c1c0001", "request_id": "0b8e4c1e-5d1c-4c55-9d5e-2f7f7c1c0002",
            "return_no": "S001-T01-X000001", "original_ref": "order:abc", "source": "hq", "receipt_no": "W000001",
            "store_id": "S001", "terminal_id": "T01", "operator_id": "m1", "approved_by": None,
            "completed_at": "2026-01-01T09:00:00+00:00", "refund_minor": 500,
            "reason": {"code": "changed_mind", "text": ""},
            "lines": [{"line_no": 1, "sku": "100001", "qty": 1, "refund_minor": 500}],
            "tenders": [{"method": "cash", "amount_minor": 500, "reference": None, "instead_of": "online"}]}
    assert validate("return.taken", 1, good)["tenders"][0]["instead_of"] == "online"
    bad = [{**good, "original_ref": "sale:x", "tenders": good["tenders"]},  # cash instead: online orders only
           {**good, "tenders": [{"method": "wechat", "amount_minor": 500}]},  # not refundable at another till
           {**good, "refund_minor": 499},  # the parts must add up
           {**good, "original_ref": "cart:1"},
           {**good, "source": "guess"},
           {**good, "lines": []}]
    for payload in bad:
        with pytest.raises(PayloadError):
            validate("return.taken", 1, payload)


class _Faulty(HQClient):
    """HQ answers, then the answer is lost: after a reservation, or on a confirm."""

    lose: set[str] = set()

    def reserve_return(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        answer = super().reserve_return(*args, **kwargs)
        if "reserve" in self.lose:
            raise TransientError("the answer was lost (simulated)")
        return answer

    def settle_return(self, return_id: str, action: str):  # type: ignore[no-untyped-def]
        if action in self.lose:
            raise TransientError("HQ did not answer (simulated)")
        return super().settle_return(return_id, action)


def test_an_answer_lost_after_hq_reserved_gives_the_goods_back_and_a_lost_confirm_is_made_by_the_event(world):
    from store_client.services.audit import AuditLog
    from store_client.services.authorization import Authorizer
    from store_client.services.cross_returns import CrossReturnsService
    from sync.hq.returnables import reservations

    terminal, hq, server, token = world
    placed = collected_order(hq, member(hq))
    audit = AuditLog(terminal.clock)
    svc = CrossReturnsService(terminal.db, terminal.clock, audit, Authorizer(terminal.db, audit, terminal.clock),
                              config=terminal.config, client=lambda: _Faulty(server.url, token, timeout=5))
    [order] = svc.find(MANAGER, placed.order_no).originals
    line = order.lines[0]
    _Faulty.lose = {"reserve"}
    try:
        with pytest.raises(ServiceError) as lost:
            svc.refund(MANAGER, CrossReturnRequest(order.request_id, ((line.line_no, line.quantity),), "damaged"))
        assert lost.value.code == "return.hq_unreachable" and counts(terminal) == (0, 0)
        with hq.engine.connect() as conn:
            assert [r.state for r in conn.execute(select(reservations.c.state))] == ["released"]
        _Faulty.lose = {"confirm"}  # now the refund goes through but HQ never hears the confirm
        [order] = svc.find(MANAGER, placed.order_no).originals
        assert order.lines[0].returnable == line.quantity  # the goods were given back
        done = svc.refund(MANAGER, CrossReturnRequest(order.request_id, ((line.line_no, line.quantity),), "damaged"))
    finally:
        _Faulty.lose = set()
    with hq.engine.connect() as conn:
        assert conn.scalar(select(reservations.c.state).where(reservations.c.return_id == done.return_id)) \
            == "reserved"
    upload(terminal, server.url, token)  # the return.taken event confirms it, and owes the payment once
    with hq.engine.connect() as conn:
        assert conn.scalar(select(reservations.c.state).where(reservations.c.return_id == done.return_id)) \
            == "confirmed"
        assert conn.scalar(select(ot.refunds.c.amount_minor).where(ot.refunds.c.request_id == done.return_id)) \
            == done.refund_fen


def test_the_return_slip_prints_after_the_commit_and_again_marked_reprint(world):
    from printers.profile import PrinterProfile
    from printers.queue import PrintQueue

    terminal, hq, server, token = world
    placed = collected_order(hq, member(hq))
    svc = returns_service(terminal, server.url, token)
    svc.print_queue = queue = PrintQueue(terminal.db, lambda: None, terminal.clock,  # worker never started
                                         profile=PrinterProfile("TM-T88V"))
    [order] = svc.find(MANAGER, placed.order_no).originals
    done = svc.refund(MANAGER, CrossReturnRequest(order.request_id, ((1, 1),), "wrong_item"))
    assert done.print_job_id is not None and placed.order_no in queue.job(done.print_job_id).preview_text
    with pytest.raises(ServiceError) as waiting:  # still queued: it prints by itself, never twice
        svc.reprint(MANAGER, done.return_id)
    assert waiting.value.code == "receipt.waiting"
    queue.cancel(done.print_job_id)
    again = svc.reprint(MANAGER, done.return_id)
    assert again is not None and again != done.print_job_id
    with terminal.db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "return.reprinted")) == 1
