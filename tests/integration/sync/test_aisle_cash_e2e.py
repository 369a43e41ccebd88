"""A cancelled endless-aisle order paid in cash gets its cash back at the till, over HTTP on
127.0.0.1 with the reference HQ: the cash part leaves this till's drawer in the cancel's one
transaction (the shift's expected cash goes down by exactly that, a slip that opens the
drawer is queued), the event tells HQ, and HQ's refund ledger owes only the non-cash rest.
A resolution HQ refuses brings the order back (flagged, with HQ's reason) and a refused
cancel whose cash was paid is a conflict for the manager; cash is never paid twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from printers.profile import PrinterProfile
from printers.queue import PrintQueue
from store_client.bootstrap import build_services, open_terminal
from store_client.domain import pins
from store_client.domain.roles import Role
from store_client.domain.stock import Movement, MovementReason
from store_client.persistence.models import AisleResolution, AuditEntry, Operator, OutboxEvent, PrintJob
from store_client.services import stock
from store_client.services.aisle_resolution import ResolutionRefused
from store_client.services.auth import Actor
from sync.hq import order_tables as ot
from sync.hq import stock as hq_stock
from sync.hq.orders import OnlineOrders
from sync.terminal.puller import Puller
from sync.terminal.transport import HQClient
from sync.terminal.uploader import Uploader
from tests.conftest import make_config
from tests.integration.sync.test_aisle_e2e import DATASETS, PHONE, six_received_at_b, sync, world  # noqa: F401

MANAGER = Actor("m1", "张经理", Role.MANAGER)
PRICE = 200  # 100001 sells at ¥2.00 in the demo catalogue (asserted below)


def upload_all(server, till) -> int:  # type: ignore[no-untyped-def]
    """Upload and pull like :func:`sync`, but HQ may refuse: returns how many it rejected."""
    term, token = till
    with HQClient(server.url, token) as client:
        rejected = Uploader(term.db, client).upload_pending().rejected
        for name, outcome in Puller(term.db, client, datasets=DATASETS).pull_all().items():
            assert outcome.error is None, (name, outcome.error)
    return rejected


def setup_till(term):  # type: ignore[no-untyped-def]
    with term.db.transaction() as s:
        s.add(Operator(id="m1", name="张经理", role="manager", active=True, failed_attempts=0,
                       pin_hash=pins.hash_pin("2468", log2_n=10)))
    queue = PrintQueue(term.db, lambda: None, term.clock, profile=PrinterProfile("TM-T88V"))  # not started
    services = build_services(term, print_queue=queue)
    return services


def make_flagged(server, a, b, tenders) -> tuple:  # type: ignore[no-untyped-def]
    """Store A sells 2 then 5 of 100001 from S002, which has 6 (the second is flagged); the
    flagged sale is paid by ``tenders(due) -> [(kind, fen, reference)]``."""
    six_received_at_b(server, a, b)
    services = setup_till(a[0])
    services.shifts.open_shift(MANAGER, total_fen=10_000)
    checkout = services.checkout
    view = checkout.aisle.add_line(MANAGER, "100001", "S002", 2, "pickup", PHONE)
    checkout.complete(MANAGER, cart_id=checkout.add_tender(MANAGER, "cash", view.due_fen).cart_id)
    view = checkout.aisle.add_line(MANAGER, "100001", "S002", 5, "pickup", PHONE)
    assert view.due_fen == 5 * PRICE
    for kind, fen, ref in tenders(view.due_fen):
        view = checkout.add_tender(MANAGER, kind, fen, reference=ref)
    checkout.complete(MANAGER, cart_id=view.cart_id)
    sync(server, a)
    sync(server, a)
    (item,) = services.pickup.queue()
    assert item.state == "aisle_short"
    return services, item.order_id


def expected_cash(services) -> int:  # type: ignore[no-untyped-def]
    return services.shifts.x_report(MANAGER, print_it=False).figures.expected_cash_fen


def count(term, model, *where) -> int:  # type: ignore[no-untyped-def]
    with term.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_cash_paid_order_is_paid_back_from_the_drawer_and_hq_owes_nothing(world) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    server, tills = world
    a = tills["S001"]
    services, order_id = make_flagged(server, a, tills["S002"], lambda due: [("cash", due + 500, None)])
    term, resolution = a[0], services.pickup.aisle_resolution
    before = expected_cash(services)
    assert before == 10_000 + 7 * PRICE  # float + both sales in cash (the change went back)

    refund, cash = resolution.cancel_paying(MANAGER, order_id, "来源缺货，顾客同意退款")
    assert (refund, cash) == (5 * PRICE, 5 * PRICE)
    figures = services.shifts.x_report(MANAGER, print_it=False).figures
    assert figures.expected_cash_fen == before - cash  # exactly the cash paid out
    assert figures.aisle_cash_fen == cash and figures.cash_refund_fen == cash
    with term.db.read() as s:
        (job,) = s.execute(select(PrintJob.id, PrintJob.trailer, PrintJob.preview_text).where(
            PrintJob.kind == "aisle.refund")).all()
        (event,) = s.execute(select(OutboxEvent.event_id, OutboxEvent.schema_version, OutboxEvent.payload).where(
            OutboxEvent.kind == "aisle.cancelled")).all()
        row = s.execute(select(AisleResolution.cash_minor, AisleResolution.event_id,
                               AisleResolution.print_job_id)).one()
    assert job.trailer  # the drawer kick
    assert "订货取消退款" in job.preview_text and "10.00" in job.preview_text and order_id not in job.preview_text
    assert (event.schema_version, json.loads(event.payload)["cash_minor"]) == (2, cash)
    assert tuple(row) == (cash, event.event_id, job.id)

    with pytest.raises(ResolutionRefused) as twice:  # the same cancel again: nothing more paid
        resolution.cancel_paying(MANAGER, order_id, "来源缺货，顾客同意退款")
    assert twice.value.code == "aisle.resolved"
    assert expected_cash(services) == before - cash and count(term, AisleResolution) == 1

    sync(server, a)
    orders = OnlineOrders(server.service)
    order = orders.get(order_id)
    assert (order["state"], order["refunded_minor"]) == ("cancelled", refund)
    assert orders.refunds(order_id) == []  # never through the provider as well
    assert services.pickup.queue() == []


def test_two_tenders_cash_part_at_the_till_the_rest_through_hq(world) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    server, tills = world
    a = tills["S001"]
    # card 400 + cash 600 (1,100 handed over, 500 change): the card is refunded first
    services, order_id = make_flagged(server, a, tills["S002"],
                                      lambda due: [("card", 400, "AUTH-123456"), ("cash", due - 400 + 500, None)])
    before = expected_cash(services)
    refund, cash = services.pickup.aisle_resolution.cancel_paying(MANAGER, order_id, "来源缺货，顾客要退款")
    assert (refund, cash) == (1000, 600)
    assert expected_cash(services) == before - 600
    sync(server, a)
    orders = OnlineOrders(server.service)
    assert orders.get(order_id)["refunded_minor"] == 1000
    assert [r["amount_minor"] for r in orders.refunds(order_id)] == [400]  # the card part only


def test_no_open_shift_refuses_and_writes_nothing(world) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    server, tills = world
    a = tills["S001"]
    services, order_id = make_flagged(server, a, tills["S002"], lambda due: [("cash", due, None)])
    term = a[0]
    services.shifts.close_shift(MANAGER, total_fen=10_000 + 7 * PRICE, confirm_unsynced=True)

    with pytest.raises(ResolutionRefused) as refused:
        services.pickup.aisle_resolution.cancel(MANAGER, order_id, "来源缺货，顾客同意退款")
    assert refused.value.code == "aisle.no_shift"
    assert count(term, AisleResolution) == 0 and count(term, OutboxEvent, OutboxEvent.kind == "aisle.cancelled") == 0
    assert count(term, PrintJob, PrintJob.kind == "aisle.refund") == 0
    assert count(term, AuditEntry, AuditEntry.action == "aisle.refused") == 1
    assert [i.order_id for i in services.pickup.queue()] == [order_id]  # still to resolve


def test_resource_refused_by_hq_brings_the_order_back_and_it_is_resolved_again(world) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    server, tills = world
    a = tills["S001"]
    services, order_id = make_flagged(server, a, tills["S002"], lambda due: [("cash", due, None)])
    term, resolution, pickup = a[0], services.pickup.aisle_resolution, services.pickup
    resolution.resource(MANAGER, order_id, "W01")
    assert pickup.queue() == []
    with server.service.engine.begin() as conn:  # the warehouse ran short meanwhile
        hq_stock._move(conn, "W01", [("100001", -hq_stock.on_hand(conn, "W01", "100001"), "2026-12-01T00:00:00+00:00")])
    assert upload_all(server, a) == 1
    (item,) = pickup.queue()
    assert (item.order_id, item.state, item.refusal) == (order_id, "aisle_short", "aisle.resource_refused")
    assert pickup.order(order_id).aisle_refusal == "aisle.resource_refused"
    (conflict,) = pickup.conflicts()
    assert (conflict.order_id, conflict.kind, conflict.code) == (order_id, "aisle.resourced", "aisle.resource_refused")

    refund, cash = resolution.cancel_paying(MANAGER, order_id, "仓库也缺货，顾客同意退款")  # resolved again
    assert cash == refund == 5 * PRICE
    assert pickup.queue() == []
    with term.db.read() as s:
        ids = [e for (e,) in s.execute(select(AisleResolution.event_id).order_by(AisleResolution.at))]
    assert len(set(ids)) == 2  # a new resolution, a new event
    assert upload_all(server, a) == 0
    orders = OnlineOrders(server.service)
    assert orders.get(order_id)["state"] == "cancelled" and orders.refunds(order_id) == []


def test_a_refused_cash_cancel_is_a_conflict_and_never_pays_cash_twice(world) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    server, tills = world
    a = tills["S001"]
    services, order_id = make_flagged(server, a, tills["S002"], lambda due: [("cash", due, None)])
    term, resolution, pickup = a[0], services.pickup.aisle_resolution, services.pickup
    before = expected_cash(services)
    resolution.cancel(MANAGER, order_id, "来源缺货，顾客同意退款")
    with server.service.engine.begin() as conn:  # HQ's figure of the cash part is lower (e.g. corrected)
        row = conn.execute(select(ot.orders.c.data).where(ot.orders.c.order_id == order_id)).one()
        body = json.loads(row.data)
        body["aisle"]["cash_minor"] = 0
        conn.execute(update(ot.orders).where(ot.orders.c.order_id == order_id).values(data=json.dumps(body)))
    assert upload_all(server, a) == 1  # aisle.cash_mismatch
    (item,) = pickup.queue()
    assert (item.order_id, item.refusal) == (order_id, "aisle.cash_refused")
    (conflict,) = pickup.conflicts()
    assert (conflict.code, conflict.kind) == ("aisle.cash_refused", "aisle.cancelled")
    assert "aisle.cash_mismatch" in conflict.reason

    refund, cash = resolution.cancel_paying(MANAGER, order_id, "再次取消，现金已退")  # again: no cash this time
    assert (refund, cash) == (5 * PRICE, 0)
    assert expected_cash(services) == before - 5 * PRICE  # paid out once only
    with term.db.read() as s:
        payloads = [json.loads(p) for (p,) in s.execute(select(OutboxEvent.payload).where(
            OutboxEvent.kind == "aisle.cancelled").order_by(OutboxEvent.created_at))]
    assert [p["cash_minor"] for p in payloads] == [5 * PRICE, 5 * PRICE]  # HQ is told it was paid in cash
    assert count(term, PrintJob, PrintJob.kind == "aisle.refund") == 1


def test_two_tills_cancel_the_same_order_the_second_is_a_money_conflict(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    server, tills = world
    a = tills["S001"]
    services, order_id = make_flagged(server, a, tills["S002"], lambda due: [("cash", due, None)])
    config = make_config(tmp_path / "S001-T02", store={"store_id": "S001", "terminal_id": "T02", "name": "S001"})
    t2 = (open_terminal(config, clock=a[0].clock), server.service.issue_token("S001", "T02"))
    try:
        sync(server, t2)
        other = setup_till(t2[0])
        other.shifts.open_shift(MANAGER, total_fen=10_000)
        other.pickup.aisle_resolution.cancel(MANAGER, order_id, "顾客来电取消")  # at the other till
        services.pickup.aisle_resolution.cancel(MANAGER, order_id, "来源缺货，顾客同意退款")  # and here
        sync(server, t2)  # the other till's cancel reaches HQ first: the order is cancelled there
        assert upload_all(server, a) == 1  # aisle.resolved
    finally:
        t2[0].close()
    assert services.pickup.queue() == []  # cancelled at HQ: nothing to resolve any more
    (conflict,) = services.pickup.conflicts()
    assert (conflict.order_id, conflict.code) == (order_id, "aisle.cash_refused")  # cash paid twice
    assert OnlineOrders(server.service).refunds(order_id) == []


def test_an_order_paid_by_card_needs_no_shift_and_hq_refunds_it_all(world) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    server, tills = world
    a = tills["S001"]
    services, order_id = make_flagged(server, a, tills["S002"], lambda due: [("card", due, "AUTH-654321")])
    services.shifts.close_shift(MANAGER, total_fen=10_000 + 2 * PRICE, confirm_unsynced=True)
    refund, cash = services.pickup.aisle_resolution.cancel_paying(MANAGER, order_id, "来源缺货，顾客同意退款")
    assert (refund, cash) == (5 * PRICE, 0)
    assert count(a[0], PrintJob, PrintJob.kind == "aisle.refund") == 0  # no drawer to open
    sync(server, a)
    assert [r["amount_minor"] for r in OnlineOrders(server.service).refunds(order_id)] == [5 * PRICE]


def test_a_failure_inside_the_cancel_leaves_no_payout_and_no_event(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    server, tills = world
    a = tills["S001"]
    services, order_id = make_flagged(server, a, tills["S002"], lambda due: [("cash", due, None)])
    term, resolution = a[0], services.pickup.aisle_resolution
    before = expected_cash(services)

    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise OSError("disk full while queueing the slip")

    monkeypatch.setattr(resolution._queue(), "submit", broken)
    with pytest.raises(OSError):
        resolution.cancel(MANAGER, order_id, "来源缺货，顾客同意退款")
    assert count(term, AisleResolution) == 0 and count(term, OutboxEvent, OutboxEvent.kind == "aisle.cancelled") == 0
    assert expected_cash(services) == before
    monkeypatch.undo()
    assert resolution.cancel_paying(MANAGER, order_id, "来源缺货，顾客同意退款")[1] == 5 * PRICE  # then it goes
    assert expected_cash(services) == before - 5 * PRICE
