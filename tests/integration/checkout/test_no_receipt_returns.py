"""Returns without a receipt or member, at the service layer (docs/returns.md "Without a receipt")."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from checkout_seed import COOKER, SHAMPOO, TOOTHPASTE, WATER, apple_weight_code
from sqlalchemy import func, select, text

from store_client.clock import iso
from store_client.persistence.models import AuditEntry, OutboxEvent, StockMovement
from store_client.persistence.no_receipt_models import CreditNote, NoReceiptReturn
from store_client.services.authorization import Authorizer
from store_client.services.audit import AuditLog
from store_client.services.errors import ApprovalRequired, InvalidInput, ServiceError
from store_client.services.no_receipt_returns import NoReceiptReturnsService
from store_client.services.no_receipt_views import NoReceiptRequest
from store_client.services.shifts import ShiftService
from sync.protocol import credit_codes
from sync.protocol.events import validate
from sync.terminal.puller import Page, apply_page


def service(shop, **settings) -> NoReceiptReturnsService:  # type: ignore[no-untyped-def]
    shop.terminal.config.values.update(settings)
    audit = AuditLog(shop.terminal.clock)
    return NoReceiptReturnsService(shop.terminal.db, shop.terminal.clock, audit,
                                   Authorizer(shop.terminal.db, audit, shop.terminal.clock),
                                   config=shop.terminal.config, print_queue=shop.queue)


def prices(shop, *rows, at=None):  # type: ignore[no-untyped-def]
    """Price changes as the sync puller applies them, at the till's time (or ``at``)."""
    now = iso(at or shop.terminal.clock.now())
    with shop.terminal.db.transaction() as s:
        apply_page(s, "prices", Page([(sku, "upsert", {"sku": sku, "price_minor": p}) for sku, p in rows],
                                     "c", False), now)


def written(shop) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        return (s.scalar(select(func.count()).select_from(NoReceiptReturn)),
                s.scalar(select(func.count()).select_from(CreditNote)),
                s.scalar(select(func.count()).select_from(StockMovement)),
                s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.kind == "return.no_receipt")))


def refusals(shop) -> list[str]:  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        return [json.loads(d)["code"] for d in s.scalars(select(AuditEntry.details).where(
            AuditEntry.action == "return.refused").order_by(AuditEntry.seq))]


def manager_grant(shop, reason="no receipt"):  # type: ignore[no-untyped-def]
    return shop.grant("return.process", reason)


def test_an_item_is_priced_at_its_lowest_shelf_price_of_90_days(shop):
    clock = shop.terminal.clock
    svc = service(shop)
    assert svc.item(shop.cashier, SHAMPOO).unit_fen == 5990  # no history: the current price
    prices(shop, ("100001", 4990), at=clock.now() - timedelta(days=120))  # 5990 before, 4990 from 120 days ago
    with shop.terminal.db.read() as s:  # the first change kept the price it replaced, as "since before"
        first = s.execute(text("SELECT since, price_minor FROM price_history WHERE sku = '100001' "
                               "ORDER BY since")).all()
    assert [tuple(r) for r in first] == [("", 5990), (iso(clock.now() - timedelta(days=120)), 4990)]
    prices(shop, ("100001", 6490), at=clock.now() - timedelta(days=91))  # 4990 ended 91 days ago
    prices(shop, ("100001", 5490), at=clock.now() - timedelta(days=40))
    prices(shop, ("100001", 6990), at=clock.now() - timedelta(days=10))
    item = svc.item(shop.cashier, f" {SHAMPOO} ")
    assert (item.sku, item.unit_fen, item.current_fen) == ("100001", 5490, 6990)
    clock.advance(days=51)  # 5490 began 91 days ago and was in effect at the window's start
    assert svc.item(shop.cashier, "100001").unit_fen == 5490
    clock.advance(days=50)  # 5490 ended 91 days ago: only 6990 was in effect in the window
    assert svc.item(shop.cashier, "100001").unit_fen == 6990
    with shop.terminal.db.read() as s:  # 5990 ended 120 days ago: no window reaches it, its row went
        rows = s.execute(text("SELECT since, price_minor FROM price_history WHERE sku = '100001' "
                              "ORDER BY since")).all()
    assert [p for _s, p in rows] == [4990, 6490, 5490, 6990]


def test_a_price_that_does_not_change_records_nothing(shop):
    prices(shop, ("100002", 1250), ("100003", 200))
    with shop.terminal.db.read() as s:
        assert s.scalar(text("SELECT count(*) FROM price_history")) == 0


def test_the_lowest_price_query_seeks_the_index(shop):
    with shop.terminal.db.read() as s:
        for sql in ("SELECT since, price_minor FROM price_history WHERE sku = 'x' AND since <= 'y' "
                    "ORDER BY since DESC LIMIT 1",
                    "SELECT since, price_minor FROM price_history WHERE sku = 'x' AND since > 'y' AND since <= 'z'"):
            plan = " ".join(str(r[-1]) for r in s.execute(text("EXPLAIN QUERY PLAN " + sql)))
            assert "SEARCH price_history USING PRIMARY KEY" in plan or "USING INDEX sqlite_autoindex_price_history" \
                in plan, plan
            assert "SCAN" not in plan and "TEMP B-TREE" not in plan, plan


def test_store_credit_return_issues_a_note_restocks_and_sends_the_event(shop):
    svc = service(shop)
    policy = svc.start(shop.cashier)
    assert policy.tenders == ("store_credit",) and policy.max_fen == 50_000
    request = NoReceiptRequest(policy.request_id, (("100002", 2), ("100003", 3)), "changed_mind")
    with pytest.raises(ApprovalRequired):
        svc.refund(shop.cashier, request)
    assert written(shop) == (0, 0, 0, 0)
    done = svc.refund(shop.cashier, request, manager_grant(shop))
    assert done.refund_fen == 2 * 1250 + 3 * 200 and done.tender == "store_credit"
    assert credit_codes.credit_code_genuine(done.credit_code) and done.return_no.endswith("-N000001")
    assert written(shop) == (1, 1, 2, 1)
    with shop.terminal.db.read() as s:
        note = s.get(CreditNote, done.credit_code)
        assert (note.amount_fen, note.remaining_fen, note.return_id) == (done.refund_fen,) * 2 + (done.return_id,)
        moved = dict(s.execute(select(StockMovement.sku, StockMovement.delta)).all())
        assert moved == {"100002": 2, "100003": 3}
        event = s.scalars(select(OutboxEvent).where(OutboxEvent.kind == "return.no_receipt")).one()
        version, payload = event.schema_version, json.loads(event.payload)
        audit = json.loads(s.scalars(select(AuditEntry.details).where(AuditEntry.action == "return.completed")).one())
        row = s.get(NoReceiptReturn, done.return_id)
        assert row.cash_fen == 0 and row.approved_by == "m1" and row.print_job_id == done.print_job_id
    data = validate("return.no_receipt", version, payload)
    assert data["credit_note"] == {"code": done.credit_code, "amount_minor": done.refund_fen}
    assert data["restocked"] and data["approved_by"] == "m1" and data["tender"] == "store_credit"
    assert audit["credit_note"] == done.credit_code[-4:] and done.credit_code not in json.dumps(audit)
    assert done.print_job_id is not None


def test_cash_return_counts_in_the_shift_and_a_damaged_item_is_not_restocked(shop):
    svc = service(shop, **{"returns.no_receipt_refund": "either"})
    policy = svc.start(shop.cashier)
    assert set(policy.tenders) == {"cash", "store_credit"}
    done = svc.refund(shop.cashier, NoReceiptRequest(policy.request_id, (("100002", 1),), "damaged", tender="cash"),
                      manager_grant(shop))
    assert done.credit_code is None and done.tender == "cash"
    assert written(shop) == (1, 0, 0, 1)  # no credit note, nothing back on the shelf
    audit = AuditLog(shop.terminal.clock)
    shifts = ShiftService(shop.terminal.db, shop.terminal.clock, audit,
                          Authorizer(shop.terminal.db, audit, shop.terminal.clock), config=shop.terminal.config)
    figures = shifts.x_report(shop.manager, print_it=False).figures
    assert figures.cash_refund_fen == 1250 and figures.returns_count == 1
    assert figures.expected_cash_fen == -1250


def test_even_a_manager_needs_a_second_person(shop, add_operator):
    add_operator("m2", "manager", "9753", name="李经理")
    svc = service(shop)
    request = NoReceiptRequest(svc.start(shop.manager).request_id, (("100002", 1),), "changed_mind")
    with pytest.raises(ApprovalRequired):
        svc.refund(shop.manager, request)
    with pytest.raises(Exception):  # a manager cannot approve their own request
        shop.approvals.approve(shop.manager, "m1", "2468", "return.process", "self")
    assert written(shop) == (0, 0, 0, 0)
    grant = shop.approvals.approve(shop.manager, "m2", "9753", "return.process", "no receipt")
    done = svc.refund(shop.manager, request, grant)
    assert done.refund_fen == 1250
    with pytest.raises(ApprovalRequired):  # single use: a new request needs a new approval
        svc.refund(shop.manager, NoReceiptRequest(svc.start(shop.manager).request_id, (("100003", 1),),
                                                  "changed_mind"), grant)


def test_the_same_request_twice_refunds_once(shop):
    svc = service(shop)
    request = NoReceiptRequest(svc.start(shop.cashier).request_id, (("100002", 1),), "changed_mind")
    first = svc.refund(shop.cashier, request, manager_grant(shop))
    again = svc.refund(shop.cashier, request)  # no approval needed: nothing new is refunded
    assert again.repeated and (again.return_id, again.credit_code) == (first.return_id, first.credit_code)
    other = service(shop)  # another process on the same database, racing with the same request
    results = []
    threads = [threading.Thread(target=lambda: results.append(other.refund(shop.cashier, request)))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {r.return_id for r in results} == {first.return_id}
    assert written(shop) == (1, 1, 1, 1)


@pytest.mark.parametrize(("lines", "code"), [
    ((("NOPE-123", 1),), "return.item_unknown"),
    (((f"PLU{1234:05d}", 1),), "return.item_weighed"),
    ((("100002", 0),), "return.no_receipt_quantity"),
    ((("100002", 100),), "return.no_receipt_quantity"),
    ((("100002", -1),), "return.no_receipt_quantity"),
    ((("100002", True),), "return.no_receipt_quantity"),
    ((("100002", 1.5),), "return.no_receipt_quantity"),
    ((("100002", 1), ("100002", 1)), "refund.duplicate_line"),
    ((), "refund.nothing_selected"),
    ((("100004", 2),), "return.no_receipt_over_limit"),  # 2 rice cookers: 998 CNY > 500
])
def test_bad_input_is_refused_audited_and_writes_nothing(shop, lines, code):
    svc = service(shop)
    request = NoReceiptRequest(svc.start(shop.cashier).request_id, lines, "changed_mind")
    with pytest.raises(ServiceError) as refused:
        svc.refund(shop.cashier, request, manager_grant(shop))
    assert refused.value.code == code
    assert refusals(shop) == [code]
    assert written(shop) == (0, 0, 0, 0)


def test_scanning_an_unknown_or_weighed_code_is_refused_with_its_own_code(shop):
    svc = service(shop)
    for code, expected in ((apple_weight_code(750), "return.item_unknown"), ("6900000000000", "return.item_unknown"),
                           (f"PLU{1234:05d}", "return.item_weighed"), ("", "return.item_unknown")):
        with pytest.raises(InvalidInput) as refused:
            svc.item(shop.cashier, code)
        assert refused.value.code == expected
    assert svc.item(shop.cashier, COOKER).unit_fen == 49900 and svc.item(shop.cashier, WATER).sku == "100003"


def test_the_policy_decides_the_tender(shop):
    svc = service(shop, **{"returns.no_receipt_refund": "cash"})
    request = NoReceiptRequest(svc.start(shop.cashier).request_id, (("100002", 1),), "changed_mind")
    with pytest.raises(ServiceError) as refused:  # store credit when the store pays cash only
        svc.refund(shop.cashier, request, manager_grant(shop))
    assert refused.value.code == "return.no_receipt_tender" and written(shop) == (0, 0, 0, 0)


def test_the_day_limit_of_this_till_counts_every_return_of_the_store_day(shop):
    svc = service(shop, **{"returns.no_receipt_day_max_fen": 3000})
    first = svc.refund(shop.cashier, NoReceiptRequest(svc.start(shop.cashier).request_id, (("100002", 2),),
                                                      "changed_mind"), manager_grant(shop))
    assert first.refund_fen == 2500 and svc.start(shop.cashier).day_left_fen == 500
    request = NoReceiptRequest(svc.start(shop.cashier).request_id, (("100002", 1),), "changed_mind")
    with pytest.raises(ServiceError) as refused:
        svc.refund(shop.cashier, request, manager_grant(shop))
    assert refused.value.code == "return.no_receipt_day_limit" and refused.value.params["amount_fen"] == 500
    assert written(shop)[0] == 1
    shop.terminal.clock.advance(days=1)  # the next store day starts afresh
    assert svc.refund(shop.cashier, request, manager_grant(shop)).refund_fen == 1250


def test_other_reason_needs_a_text_and_a_forged_request_id_is_refused(shop):
    svc = service(shop)
    with pytest.raises(InvalidInput) as no_text:
        svc.refund(shop.cashier, NoReceiptRequest(svc.start(shop.cashier).request_id, (("100002", 1),), "other"))
    assert no_text.value.code == "return.reason_text_required"
    with pytest.raises(InvalidInput) as restart:
        svc.refund(shop.cashier, NoReceiptRequest("not-a-uuid", (("100002", 1),), "changed_mind"))
    assert restart.value.code == "return.restart" and written(shop) == (0, 0, 0, 0)


def test_a_refund_without_an_open_shift_is_refused_before_the_approval_is_used(shop):
    audit = AuditLog(shop.terminal.clock)
    ShiftService(shop.terminal.db, shop.terminal.clock, audit, Authorizer(shop.terminal.db, audit, shop.terminal.clock),
                 config=shop.terminal.config).close_shift(shop.manager, total_fen=0, confirm_unsynced=True)
    svc = service(shop)
    with pytest.raises(ServiceError) as refused:
        svc.refund(shop.cashier, NoReceiptRequest(svc.start(shop.cashier).request_id, (("100002", 1),),
                                                  "changed_mind"), manager_grant(shop))
    assert refused.value.code == "shift.required" and written(shop) == (0, 0, 0, 0)


def test_the_slip_and_credit_note_are_reprinted_marked_and_audited(shop):
    from store_client.persistence.models import PrintJob

    svc = service(shop)
    done = svc.refund(shop.cashier, NoReceiptRequest(svc.start(shop.cashier).request_id, (("100002", 1),),
                                                     "changed_mind"), manager_grant(shop))
    with shop.terminal.db.read() as s:
        jobs = list(s.scalars(select(PrintJob).order_by(PrintJob.id)))
        assert [j.title for j in jobs] == [f"return {done.return_no}", f"credit note {done.return_no}"]
    with pytest.raises(ServiceError) as waiting:  # the slip has not printed yet: no second copy
        svc.reprint(shop.cashier, done.return_id)
    assert waiting.value.code == "receipt.waiting"
    with shop.terminal.db.transaction() as s:
        s.get(PrintJob, done.print_job_id).state = "printed"
    assert svc.reprint(shop.cashier, done.return_id) is not None
    with shop.terminal.db.read() as s:
        titles = [j.title for j in s.scalars(select(PrintJob).order_by(PrintJob.id))]
        reprinted = s.scalars(select(AuditEntry.target).where(AuditEntry.action == "return.reprinted")).one()
    assert titles[-1] == f"credit note {done.return_no} (reprint)" and len(titles) == 4
    assert reprinted == done.return_id
    assert written(shop)[:2] == (1, 1)  # a reprint issues nothing new


def test_the_lowest_price_stays_fast_with_a_large_history(shop):
    """300,000 price changes of 100,000 products: a look-up is two index seeks."""
    import time

    now = shop.terminal.clock.now()
    rows = [(f"P{n:07d}", "" if k == 0 else iso(now - timedelta(days=k * 47)), 1000 + (n + k) % 300)
            for n in range(100_000) for k in range(3)]
    with shop.terminal.db.transaction() as s:
        s.connection().exec_driver_sql("INSERT INTO price_history(sku, since, price_minor) VALUES (?, ?, ?)", rows)
    from store_client.persistence import price_history

    started = time.perf_counter()
    with shop.terminal.db.read() as s:
        lowest = [price_history.lowest_price(s, f"P{n:07d}", 999_999, now) for n in range(0, 100_000, 500)]
    per_lookup = (time.perf_counter() - started) / len(lowest)
    # P0000000: '' 1000, 47 days ago 1001, 94 days ago 1002 -> in effect in the window: 1002 then 1001
    assert lowest[0] == 1001
    assert per_lookup < 0.01, per_lookup  # ~0.1 ms measured; generous for a loaded machine


def test_rows_no_window_can_reach_are_dropped_and_the_lowest_is_unchanged(shop):
    clock = shop.terminal.clock
    svc = service(shop)
    for days_ago, price in ((400, 1100), (300, 900), (200, 1000), (120, 800), (60, 1300), (10, 1250)):
        prices(shop, ("100002", price), at=clock.now() - timedelta(days=days_ago))
    assert svc.item(shop.cashier, "100002").unit_fen == 800  # in effect at the window's start
    with shop.terminal.db.read() as s:
        kept = s.execute(text("SELECT price_minor FROM price_history WHERE sku = '100002' ORDER BY since")).all()
    # the last change ran 10 days ago: from there, 95 days back reaches the change of 120 days ago
    assert [p for (p,) in kept] == [800, 1300, 1250]


def test_a_return_refused_in_its_own_transaction_leaves_the_approval_for_the_retry(shop, monkeypatch):
    """Another till's return took today's limit between the check and the write: the refusal
    comes from the return's own transaction, and the second person's approval is not burnt."""
    from store_client.persistence.models import Approval

    svc = service(shop, **{"returns.no_receipt_day_max_fen": 3000})
    request = NoReceiptRequest(svc.start(shop.cashier).request_id, (("100002", 1),), "changed_mind")
    grant = manager_grant(shop)
    real = svc._used_today
    calls: list[int] = []

    def meanwhile(s):  # type: ignore[no-untyped-def]
        calls.append(1)  # the check before the approval sees none; the write's own sees the limit reached
        return real(s) if len(calls) == 1 else 3000

    monkeypatch.setattr(svc, "_used_today", meanwhile)
    with pytest.raises(ServiceError) as refused:
        svc.refund(shop.cashier, request, grant)
    assert refused.value.code == "return.no_receipt_day_limit" and written(shop) == (0, 0, 0, 0)
    assert len(calls) == 2  # refused inside the return's own transaction
    with shop.terminal.db.read() as s:
        assert s.get(Approval, grant.approval_id).used_at is None
    monkeypatch.setattr(svc, "_used_today", real)
    assert svc.refund(shop.cashier, request, grant).refund_fen == 1250  # the same approval, once
    with shop.terminal.db.read() as s:
        assert s.get(Approval, grant.approval_id).used_at is not None
