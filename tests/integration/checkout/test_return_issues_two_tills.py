"""A return conflict and a credit overdraft made for real by two stores' tills against the
reference HQ over HTTP, seen by this store's manager on the till, resolved once: the event
reaches HQ once, every refusal (unknown id, twice, a cashier, no reason) writes nothing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from checkout_seed import COOKER
from sqlalchemy import func, select
from test_store_credit_payments import ALL, LedgerClient, outbox, own_note, send

from store_client.bootstrap import open_terminal
from store_client.domain import pins
from store_client.persistence.models import AuditEntry, Operator, OutboxEvent
from store_client.services.audit import AuditLog
from store_client.services.authorization import Authorizer
from store_client.services.cross_return_views import CrossReturnRequest
from store_client.services.errors import PermissionDenied, ServiceError
from store_client.services.return_issues import ReturnIssuesService
from store_client.services.store_credit import StoreCreditPayments
from sync.hq import return_issues as hq_issues
from sync.hq.demo_data import seed_demo
from sync.hq.embedded import HQServer
from sync.hq.service import HQService, make_engine
from sync.protocol.return_issues import DATASET, EVENT_KIND
from sync.terminal.puller import Puller
from sync.terminal.transport import HQClient
from sync.terminal.uploader import Uploader
from tests.conftest import make_config

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))
from online_returns_world import open_shift, pull_keys, returns_service, store_b_sale  # noqa: E402

NOWHERE = "http://127.0.0.1:9"  # HQ not reached: the till works offline


@pytest.fixture
def world(shop, tmp_path):  # type: ignore[no-untyped-def]
    hq = HQService(make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}"))
    seed_demo(hq)
    server = HQServer(hq).start()
    token = hq.issue_token("S001", "T01")
    ledger = LedgerClient(hq, hq.authenticate(token))
    shop.checkout.store_credit = StoreCreditPayments(shop.terminal.db, shop.terminal.clock,
                                                     AuditLog(shop.terminal.clock), client=ledger)
    try:
        yield hq, server, token, ledger
    finally:
        server.stop()
        hq.engine.dispose()


def issues_service(shop) -> ReturnIssuesService:  # type: ignore[no-untyped-def]
    audit = AuditLog(shop.terminal.clock)
    return ReturnIssuesService(shop.terminal.db, shop.terminal.clock, audit,
                               Authorizer(shop.terminal.db, audit, shop.terminal.clock),
                               store_id="S001", terminal_id="T01")


def sync(shop, url: str, token: str) -> None:  # type: ignore[no-untyped-def]
    with HQClient(url, token) as client:
        Uploader(shop.terminal.db, client).upload_pending()
        Puller(shop.terminal.db, client, datasets=[DATASET]).pull(DATASET)


def resolutions(shop) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        return (s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.kind == EVENT_KIND)) or 0,
                s.scalar(select(func.count()).select_from(AuditEntry).where(
                    AuditEntry.action == "return_issue.resolved")) or 0)


def refusals(shop) -> list[str]:  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        return [json.loads(d)["code"] for d in s.scalars(select(AuditEntry.details).where(
            AuditEntry.action == "return_issue.refused").order_by(AuditEntry.seq))]


def make_conflict(shop, hq: HQService, server: HQServer, token: str, tmp_path: Path) -> tuple[dict, str]:  # type: ignore[no-untyped-def]
    """Store S002's sale; S003's till returns its first line online; this till (offline)
    takes the same line back from the receipt QR."""
    sale, qr = store_b_sale(hq, seed=41)
    pull_keys(shop.terminal, server.url, token)
    line = sale["lines"][0]
    other_till = open_terminal(make_config(tmp_path / "s003", store={"store_id": "S003", "terminal_id": "T02"}),
                               clock=shop.terminal.clock)
    try:  # store S003's own till, online: the customer's line comes back there first
        with other_till.db.transaction() as s:
            s.add(Operator(id="m1", name="李经理", role="manager", pin_hash=pins.hash_pin("2468"), active=True,
                           failed_attempts=0))
        open_shift(other_till, shop.manager)
        there = returns_service(other_till, server.url, hq.issue_token("S003", "T02"))
        [found] = there.find(shop.manager, sale["receipt_no"]).originals
        first = there.refund(shop.manager, CrossReturnRequest(found.request_id, ((line["line_no"], line["qty"]),),
                                                              "damaged"))
        assert first.reserved_at_hq
    finally:
        other_till.close()
    offline = returns_service(shop.terminal, NOWHERE, token, timeout=1)
    [original] = offline.find(shop.manager, qr).originals
    done = offline.refund(shop.manager, CrossReturnRequest(original.request_id, ((line["line_no"], line["qty"]),),
                                                           "changed_mind"))
    assert not done.reserved_at_hq
    return sale, done.return_id


def make_overdraft(shop, hq: HQService, ledger: LedgerClient) -> str:  # type: ignore[no-untyped-def]
    """This till's credit note, spent here offline and meanwhile in part at store S002."""
    code = own_note(shop)
    send(hq, ledger.who, outbox(shop, "return.no_receipt"))
    ledger.online = False
    shop.checkout.scan(shop.cashier, COOKER)
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    shop.checkout.add_tender(shop.cashier, "cash", 49900 - 2500)
    shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    hq.spend_credit_note(hq.authenticate(hq.issue_token("S002", "T05")), code, 1000, "spent-at-S002")
    ledger.online = True
    return code


def test_two_stores_make_a_conflict_and_an_overdraft_the_manager_resolves_each_once(shop, world, tmp_path):
    hq, server, token, ledger = world
    sale, return_id = make_conflict(shop, hq, server, token, tmp_path)
    code = make_overdraft(shop, hq, ledger)
    svc = issues_service(shop)
    assert svc.open_issues(shop.manager) == []  # HQ has not heard yet
    sync(shop, server.url, token)

    conflict, overdraft = sorted(svc.open_issues(shop.manager), key=lambda i: i.kind)
    line = sale["lines"][0]
    assert (conflict.kind, conflict.issue_id, conflict.sale_id) == ("conflict", return_id, sale["sale_id"])
    assert [(x.line_no, x.sku, x.qty, x.refund_fen) for x in conflict.lines] == [
        (line["line_no"], line["sku"], line["qty"], line["net_minor"])]
    assert conflict.stores == ("S002", "S001", "S003") and conflict.amount_fen == line["net_minor"]
    assert conflict.receipt_no == sale["receipt_no"] and overdraft.receipt_no and overdraft.receipt_no.startswith("S001-T01-")
    assert conflict.terminal_id == "T01" and conflict.at.tzinfo is not None
    assert overdraft.kind == "overdraft" and overdraft.code_tail == code[-4:] and overdraft.amount_fen == 1000
    assert overdraft.stores == ("S001", "S002")

    # hostile and wrong input first: each refused with its code, audited, nothing written
    for call, expected in ((lambda: svc.resolve(shop.manager, "no-such-issue", "loss_accepted", "x"),
                            "return_issue.unknown"),
                           (lambda: svc.resolve(shop.manager, return_id, "loss_accepted", "   "),
                            "return_issue.reason_required"),
                           (lambda: svc.resolve(shop.manager, return_id, "shrug", "x"), "return_issue.bad_resolution"),
                           (lambda: svc.resolve(shop.manager, return_id, "recovered", "x" * 201),
                            "return_issue.reason_too_long")):
        with pytest.raises(ServiceError) as refused:
            call()
        assert refused.value.code == expected
    with pytest.raises(PermissionDenied):
        svc.resolve(shop.cashier, return_id, "loss_accepted", "the customer left")
    with pytest.raises(PermissionDenied):
        svc.open_issues(shop.cashier)
    assert refusals(shop) == ["return_issue.unknown", "return_issue.reason_required", "return_issue.bad_resolution",
                              "return_issue.reason_too_long"]
    assert resolutions(shop) == (0, 0)

    done = svc.resolve(shop.manager, return_id, "loss_accepted", "顾客已离店，无法追回")
    with pytest.raises(ServiceError) as twice:  # a double press, or a second manager on another screen
        svc.resolve(shop.manager, return_id, "recovered", "again")
    assert twice.value.code == "return_issue.already_resolved" and resolutions(shop) == (1, 1)
    assert [i.issue_id for i in svc.open_issues(shop.manager)] == [overdraft.issue_id]  # closed here at once

    svc.resolve(shop.manager, overdraft.issue_id, "recovered", "顾客补付现金 10 元")
    sync(shop, server.url, token)
    sync(shop, server.url, token)  # sent again: HQ keeps one resolution each
    with hq.engine.connect() as conn:
        rows = {r.issue_id: r for r in conn.execute(select(hq_issues.resolutions))}
    assert set(rows) == {return_id, overdraft.issue_id} and rows[return_id].event_id == done.event_id
    assert (rows[return_id].resolution, rows[overdraft.issue_id].resolution) == ("loss_accepted", "recovered")
    assert hq.rejections() == [] or all(r["kind"] != EVENT_KIND for r in hq.rejections())
    assert svc.open_issues(shop.manager) == [] and resolutions(shop) == (2, 2)
