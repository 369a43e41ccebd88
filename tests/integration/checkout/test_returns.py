"""Returns at the service layer, on sales made through the real CheckoutService."""

from __future__ import annotations

import json
import uuid

import pytest
from checkout_seed import MEMBER, SHAMPOO, TOOTHPASTE, WATER, apple_weight_code
from sqlalchemy import func, select

from store_client.domain.money import round_half_up
from store_client.persistence.models import (
    AuditEntry,
    MemberCache,
    OutboxEvent,
    PrintJob,
    Return,
    ReturnLine,
    ReturnTender,
    Sale,
    SaleLine,
)
from store_client.services import members
from store_client.services.errors import ApprovalRequired, InvalidInput, NotFound, ServiceError
from store_client.services.return_views import ReturnRequest
from store_client.services.returns import ReturnsService
from sync.protocol.events import validate

PAYCODE = "134567890123456789"


def returns_for(shop, payments=None) -> ReturnsService:  # type: ignore[no-untyped-def]
    co = shop.checkout
    return ReturnsService(shop.terminal.db, shop.terminal.clock, co.audit, co.authorizer,
                          config=shop.terminal.config, print_queue=shop.queue,
                          payments=payments if payments is not None else shop.payments)


def sell(shop, codes, tenders=(("cash", None),), member=None):  # type: ignore[no-untyped-def]
    """Ring ``codes`` up and pay: each tender (kind, amount or None for the rest)."""
    co, c = shop.checkout, shop.cashier
    view = None
    for code in codes:
        view = co.scan(c, code).cart
    if member:
        view = co.attach_member(c, member)
    for kind, amount in tenders:
        due = view.due_fen
        extra = {"payment_code": PAYCODE} if kind == "mobile" else {}
        if kind == "card":
            extra = {"reference": "AUTH000123"}
        view = co.add_tender(c, kind, amount if amount is not None else due, **extra)
    return co.complete(c, cart_id=view.cart_id)


def request(sale, lines, reason="changed_mind", text="", card=None) -> ReturnRequest:  # type: ignore[no-untyped-def]
    return ReturnRequest(sale.request_id, sale.sale_id, tuple(lines), reason, text, card)


def count(shop, model) -> int:  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


class Event:
    def __init__(self, row: OutboxEvent) -> None:
        self.event_id, self.schema_version, self.payload = row.event_id, row.schema_version, row.payload


def events(shop, kind="return.completed") -> list[Event]:  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        return [Event(row) for row in s.scalars(select(OutboxEvent).where(OutboxEvent.kind == kind)
                                                .order_by(OutboxEvent.seq))]


def nets(shop, sale_id) -> dict[int, tuple[int, int]]:  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        return {r.line_no: (r.quantity, r.net_fen)
                for r in s.scalars(select(SaleLine).where(SaleLine.sale_id == sale_id))}


def test_lookup_shows_every_line_with_sold_returned_and_paid(shop):
    done = sell(shop, [SHAMPOO, SHAMPOO, TOOTHPASTE, apple_weight_code(750)])
    svc = returns_for(shop)
    sale = svc.find_sale(shop.manager, f"  {done.receipt_no} ")
    assert sale.receipt_no == done.receipt_no and sale.total_fen == done.total_fen
    stored = nets(shop, done.sale_id)
    assert {ln.line_no: (ln.sold.quantity, ln.sold.net_fen) for ln in sale.lines} == stored
    assert sum(ln.sold.net_fen for ln in sale.lines) == done.total_fen
    assert all(ln.sold.returned_quantity == 0 and ln.sold.returnable == ln.sold.quantity
               for ln in sale.lines)
    assert [ln.weighed for ln in sale.lines] == [False, False, True]
    assert sum(t.paid_fen for t in sale.tenders) == done.total_fen  # cash net of the change
    assert uuid.UUID(sale.request_id)
    assert svc.find_sale(shop.manager, done.receipt_no).request_id != sale.request_id


def test_partial_return_refunds_by_cumulative_rounding_and_writes_everything(shop):
    done = sell(shop, [TOOTHPASTE, TOOTHPASTE, TOOTHPASTE])  # 10 % promotion: net not a multiple of 3
    svc = returns_for(shop)
    sale = svc.find_sale(shop.manager, done.receipt_no)
    (line,) = sale.lines
    qty, net = line.sold.quantity, line.sold.net_fen
    result = svc.refund(shop.manager, request(sale, [(line.line_no, 1)], "damaged"))
    assert result.refund_fen == round_half_up(net * 1, qty)
    assert [(t.kind, t.amount_fen) for t in result.tenders] == [("cash", result.refund_fen)]
    with shop.terminal.db.read() as s:
        row = s.scalars(select(Return)).one()
        assert (row.sale_id, row.receipt_no, row.refund_fen, row.reason_code) == (
            done.sale_id, done.receipt_no, result.refund_fen, "damaged")
        assert s.scalars(select(ReturnLine)).one().quantity == 1
        assert s.scalars(select(ReturnTender)).one().amount_fen == result.refund_fen
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "return.completed")).one()
        assert json.loads(audit.details)["refund_fen"] == result.refund_fen
        job = s.get(PrintJob, result.print_job_id)
        assert job is not None and job.kind == "return" and row.print_job_id == job.id
        assert job.trailer, "a cash refund's receipt kicks the drawer"
    (event,) = events(shop)
    data = validate("return.completed", event.schema_version, json.loads(event.payload))
    assert data["sale_id"] == done.sale_id and data["receipt_no"] == done.receipt_no
    assert data["refund_minor"] == result.refund_fen and data["operator_id"] == "m1"
    assert data["lines"] == [{"line_no": line.line_no, "sku": "100002", "qty": 1,
                              "refund_minor": result.refund_fen, "disposition": "damaged", "reason": "damaged"}]
    assert result.return_no in result.receipt_text and done.receipt_no in result.receipt_text


def test_two_partial_returns_are_two_events_and_sum_exactly_to_what_was_paid(shop):
    done = sell(shop, [TOOTHPASTE] * 3)
    svc = returns_for(shop)
    first_sale = svc.find_sale(shop.manager, done.receipt_no)
    line_no = first_sale.lines[0].line_no
    first = svc.refund(shop.manager, request(first_sale, [(line_no, 1)]))
    second_sale = svc.find_sale(shop.manager, done.receipt_no)
    assert second_sale.lines[0].sold.returned_quantity == 1
    second = svc.refund(shop.manager, request(second_sale, [(line_no, 2)]))
    assert first.return_id != second.return_id and first.return_no != second.return_no
    assert first.refund_fen + second.refund_fen == done.total_fen  # exactly, no fen lost or gained
    evs = events(shop)
    assert len(evs) == 2 and evs[0].event_id != evs[1].event_id
    ids = [json.loads(e.payload)["return_id"] for e in evs]
    assert ids == [first.return_id, second.return_id]
    after = svc.find_sale(shop.manager, done.receipt_no)
    assert after.fully_returned and after.refunded_fen == done.total_fen
    with pytest.raises(InvalidInput, match="already been returned"):
        svc.refund(shop.manager, request(after, [(line_no, 1)]))
    assert count(shop, Return) == 2


def test_the_same_request_twice_refunds_once(shop):
    done = sell(shop, [SHAMPOO, WATER])
    svc = returns_for(shop)
    sale = svc.find_sale(shop.manager, done.receipt_no)
    req = request(sale, [(sale.lines[0].line_no, 1)])
    first = svc.refund(shop.manager, req)
    again = svc.refund(shop.manager, req)  # a double click, or a retry after a lost answer
    assert again.repeated and not first.repeated
    assert (again.return_id, again.refund_fen) == (first.return_id, first.refund_fen)
    assert count(shop, Return) == 1 and len(events(shop)) == 1
    assert count(shop, PrintJob) == 2  # the sale's receipt and one return receipt


def test_a_cashier_needs_a_managers_approval(shop):
    done = sell(shop, [SHAMPOO])
    svc = returns_for(shop)
    sale = svc.find_sale(shop.cashier, done.receipt_no)  # looking up needs no approval
    req = request(sale, [(sale.lines[0].line_no, 1)])
    with pytest.raises(ApprovalRequired):
        svc.refund(shop.cashier, req)
    assert count(shop, Return) == 0
    result = svc.refund(shop.cashier, req, grant=shop.grant("return.process", "damaged"))
    assert result.refund_fen == done.total_fen
    with shop.terminal.db.read() as s:
        row = s.scalars(select(Return)).one()
        assert (row.operator_id, row.approved_by) == ("c1", "m1")
    assert json.loads(events(shop)[0].payload)["approved_by"] == "m1"


def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(shop):
    done = sell(shop, [SHAMPOO, SHAMPOO, apple_weight_code(500)])
    svc = returns_for(shop)
    with pytest.raises(NotFound, match="not sold on this terminal"):
        svc.find_sale(shop.manager, "S001-T01-999999")
    for bad in ("", "   ", "not a receipt", "S001-T01-12"):
        with pytest.raises(InvalidInput):
            svc.find_sale(shop.manager, bad)
    sale = svc.find_sale(shop.manager, done.receipt_no)
    each, weighed = sale.lines
    cases = [
        ([], "changed_mind", "", "Select at least one"),
        ([(each.line_no, 0)], "changed_mind", "", "Select at least one"),
        ([(each.line_no, 3)], "changed_mind", "", "at most 2"),
        ([(each.line_no, -1)], "changed_mind", "", "whole number"),
        ([(99, 1)], "changed_mind", "", "no line 99"),
        ([(each.line_no, 1), (each.line_no, 1)], "changed_mind", "", "twice"),
        ([(weighed.line_no, 100)], "changed_mind", "", "by weight"),
        ([(each.line_no, 1)], "", "", "reason"),
        ([(each.line_no, 1)], "because", "", "reason"),
        ([(each.line_no, 1)], "other", "  ", "Describe"),
    ]
    outbox_before = count(shop, OutboxEvent)
    for lines, reason, text, message in cases:
        with pytest.raises(InvalidInput, match=message):
            svc.refund(shop.manager, request(sale, lines, reason, text))
    for lines in ("1x2", [(1,)], [1, 2], None):
        with pytest.raises(InvalidInput, match="Select the items"):
            svc.refund(shop.manager, ReturnRequest(sale.request_id, sale.sale_id, lines, "damaged"))
    with pytest.raises(InvalidInput, match="request"):
        svc.refund(shop.manager, ReturnRequest("not-a-uuid", sale.sale_id, ((1, 1),), "damaged"))
    assert count(shop, Return) == 0 and count(shop, OutboxEvent) == outbox_before
    whole = svc.refund(shop.manager, request(sale, [(weighed.line_no, weighed.sold.quantity)]))
    assert whole.refund_fen == weighed.sold.net_fen


def test_split_tender_refunds_card_before_cash_and_needs_the_card_reference(shop):
    done = sell(shop, [SHAMPOO, SHAMPOO], tenders=(("card", 5000), ("cash", None)))
    svc = returns_for(shop)
    sale = svc.find_sale(shop.manager, done.receipt_no)
    line = sale.lines[0]
    with pytest.raises(InvalidInput, match="card terminal"):
        svc.refund(shop.manager, request(sale, [(line.line_no, 1)]))
    first = svc.refund(shop.manager, request(sale, [(line.line_no, 1)], card="RF778899"))
    assert [(t.kind, t.amount_fen, t.reference) for t in first.tenders] == [
        ("card", 5000, "RF778899"), ("cash", first.refund_fen - 5000, None)]
    sale = svc.find_sale(shop.manager, done.receipt_no)
    second = svc.refund(shop.manager, request(sale, [(line.line_no, 1)]))  # card is used up
    assert [t.kind for t in second.tenders] == ["cash"]
    assert first.refund_fen + second.refund_fen == done.total_fen


def test_mobile_goes_back_through_the_adapter_and_offline_refuses(shop):
    done = sell(shop, [SHAMPOO], tenders=(("mobile", None),))
    offline = type(shop.payments)(online=False)
    sale = returns_for(shop, offline).find_sale(shop.manager, done.receipt_no)
    req = request(sale, [(sale.lines[0].line_no, 1)])
    with pytest.raises(ServiceError, match="unavailable"):
        returns_for(shop, offline).refund(shop.manager, req)
    assert count(shop, Return) == 0 and offline.refunds == {}
    result = returns_for(shop).refund(shop.manager, req)
    (tender,) = result.tenders
    assert tender.kind == "mobile" and tender.amount_fen == done.total_fen
    assert tender.reference.startswith("wx:SIMR")
    (charged_ref,) = [r for r in shop.payments.refunds]
    assert charged_ref == f"{result.return_id}:1"  # keyed by the return recorded before paying
    assert shop.payments.refunds[charged_ref][1] == done.total_fen
    data = json.loads(events(shop)[0].payload)
    assert data["tenders"][0]["method"] == "wechat"


def test_points_go_back_as_points_and_earned_points_are_reversed(shop):
    co, c = shop.checkout, shop.cashier
    done = sell(shop, [SHAMPOO, SHAMPOO], tenders=(("points", 1000), ("cash", None)), member=MEMBER)
    svc = returns_for(shop)
    sale = svc.find_sale(shop.manager, done.receipt_no)
    assert sale.points_earned == done.points_earned > 0
    with shop.terminal.db.read() as s:
        member = members.get(s, MEMBER)
        pending_before = members.pending_redemptions(s, member)
    line = sale.lines[0]
    first = svc.refund(shop.manager, request(sale, [(line.line_no, 1)]))
    assert first.tenders[0].kind == "points" and first.tenders[0].amount_fen == 1000
    assert first.points_refunded == 1000 * co.points_config.redeem_points // co.points_config.redeem_value_fen
    sale = svc.find_sale(shop.manager, done.receipt_no)
    second = svc.refund(shop.manager, request(sale, [(line.line_no, 1)]))
    assert first.points_reversed + second.points_reversed == done.points_earned
    with shop.terminal.db.read() as s:
        member = members.get(s, MEMBER)
        pending_after = members.pending_redemptions(s, member)
    # The sale came after HQ's balance was taken: its earned points are not in that balance,
    # so taking them back counts for nothing here; the points paid back do.
    assert pending_after == pending_before - first.points_refunded
    with shop.terminal.db.transaction() as s:  # HQ's balance as of after the sale: it holds them
        cached = s.get(MemberCache, MEMBER)
        cached.balance_as_of = "2100-01-01T00:00:00+00:00"
    with shop.terminal.db.read() as s:
        member = members.get(s, MEMBER)
        assert members.pending_redemptions(s, member) == 0  # the returns were before it too
        sold_at = s.scalars(select(Sale.completed_at)).one()
    with shop.terminal.db.transaction() as s:  # now: the sale before the balance, returns after
        s.get(MemberCache, MEMBER).balance_as_of = sold_at
        for ret in s.scalars(select(Return)):
            ret.completed_at = "2099-01-01T00:00:00+00:00"
    with shop.terminal.db.read() as s:
        member = members.get(s, MEMBER)
        assert members.pending_redemptions(s, member) == \
            done.points_earned - first.points_refunded - second.points_refunded
    for ev in events(shop):
        validate("return.completed", 1, json.loads(ev.payload))
    assert c.operator_id == "c1"


def test_reprint_is_marked_and_does_not_open_the_drawer_again(shop):
    done = sell(shop, [SHAMPOO])
    svc = returns_for(shop)
    sale = svc.find_sale(shop.manager, done.receipt_no)
    result = svc.refund(shop.manager, request(sale, [(sale.lines[0].line_no, 1)], "wrong_item"))
    job_id = svc.reprint(shop.manager, result.return_id)
    with shop.terminal.db.read() as s:
        first, again = s.get(PrintJob, result.print_job_id), s.get(PrintJob, job_id)
        assert first.trailer and not again.trailer  # only the first print kicks the drawer
        assert "REPRINT" in again.preview_text.upper() and "REPRINT" not in first.preview_text.upper()
        assert result.return_no in again.preview_text
        actions = [a.action for a in s.scalars(select(AuditEntry))]
    assert "return.reprinted" in actions
    with pytest.raises(NotFound):
        svc.reprint(shop.manager, str(uuid.uuid4()))
    assert count(shop, Return) == 1 and len(events(shop)) == 1


def test_the_same_request_from_two_tills_at_once_refunds_once(shop):
    import threading

    done = sell(shop, [SHAMPOO, WATER])
    first_svc, second_svc = returns_for(shop), returns_for(shop)  # two services, one database
    sale = first_svc.find_sale(shop.manager, done.receipt_no)
    req = request(sale, [(sale.lines[0].line_no, 1)])
    barrier, results, errors = threading.Barrier(2), [], []

    def go(svc):  # type: ignore[no-untyped-def]
        barrier.wait(timeout=5)
        try:
            results.append(svc.refund(shop.manager, req))
        except Exception as exc:  # noqa: BLE001 (collected: the assertion below names it)
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(svc,)) for svc in (first_svc, second_svc)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert errors == [] and len(results) == 2
    assert results[0].return_id == results[1].return_id
    assert sorted(r.repeated for r in results) == [False, True]
    assert count(shop, Return) == 1 and len(events(shop)) == 1


def _two_unit_mobile_sale(shop):  # type: ignore[no-untyped-def]
    done = sell(shop, [SHAMPOO, SHAMPOO], tenders=(("mobile", None),))
    return done, returns_for(shop)


def test_a_completion_that_fails_after_the_mobile_refund_is_finished_by_the_retry(shop, monkeypatch):
    """The money went back but the till failed to complete the return: it stays recorded
    as paying, and the retry (the same request) finishes it without paying again."""
    done, service = _two_unit_mobile_sale(shop)
    sale = service.find_sale(shop.manager, done.receipt_no)
    req = request(sale, [(sale.lines[0].line_no, 1)])
    real = ReturnsService._complete

    def power_cut(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(ReturnsService, "_complete", power_cut)
    with pytest.raises(RuntimeError, match="disk full"):
        service.refund(shop.manager, req)
    assert len(shop.payments.refunds) == 1 and events(shop) == []
    monkeypatch.setattr(ReturnsService, "_complete", real)
    result = service.refund(shop.manager, req)
    assert result.repeated and len(events(shop)) == 1
    (ref,) = shop.payments.refunds  # asked twice with the same key: paid once
    assert shop.payments.refunds[ref][1] == result.refund_fen == round_half_up(done.total_fen, 2)


def test_after_a_crash_a_new_request_for_the_same_unit_is_refused_not_paid_again(shop, monkeypatch):
    """The reviewer's case: the first attempt's money went back, the till restarted, the
    cashier looked the receipt up again and returned the same unit."""
    done, service = _two_unit_mobile_sale(shop)
    first = service.find_sale(shop.manager, done.receipt_no)
    monkeypatch.setattr(ReturnsService, "_complete", lambda *a, **k: (_ for _ in ()).throw(
        RuntimeError("power cut")))
    with pytest.raises(RuntimeError):
        service.refund(shop.manager, request(first, [(first.lines[0].line_no, 1)]))
    monkeypatch.undo()
    restarted = returns_for(shop)
    again = restarted.find_sale(shop.manager, done.receipt_no)  # finishes the pending return
    assert count(shop, Return) == 1 and len(events(shop)) == 1
    (finished,) = rows(shop, Return)
    assert finished.status == "completed" and finished.print_job_id is not None  # its receipt
    (tender,) = rows(shop, ReturnTender)  # the provider's reference, from the replayed answer
    (answer,) = [r for _tx, _amount, r in shop.payments.refunds.values()]
    assert tender.reference.endswith(answer.transaction_id)
    assert again.lines[0].sold.returnable == 1
    restarted.refund(shop.manager, request(again, [(again.lines[0].line_no, 1)]))
    paid = sum(amount for _tx, amount, r in shop.payments.refunds.values() if r.ok)
    assert paid == done.total_fen == sum(r.refund_fen for r in rows(shop, Return))


def test_a_second_till_cannot_return_what_a_paying_return_holds(shop, monkeypatch):
    """Two processes: the first records its return before paying, so the second is refused
    before it pays anything."""
    done, service = _two_unit_mobile_sale(shop)
    sale = service.find_sale(shop.manager, done.receipt_no)
    other = returns_for(shop)
    other_sale = other.find_sale(shop.manager, done.receipt_no)
    both = [(sale.lines[0].line_no, 2)]
    offline_once = {"done": False}
    real_refund = shop.payments.refund

    def no_answer(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not offline_once["done"]:
            offline_once["done"] = True
            raise TimeoutError("the provider did not answer")
        return real_refund(*args, **kwargs)

    monkeypatch.setattr(shop.payments, "refund", no_answer)
    with pytest.raises(ServiceError, match="did not answer"):
        service.refund(shop.manager, request(sale, both))  # recorded, left paying
    monkeypatch.setattr(shop.payments, "refund", real_refund)
    monkeypatch.setattr(shop.payments, "available", lambda: False)  # the other till: offline
    with pytest.raises(ServiceError):
        other.refund(shop.manager, request(other_sale, both))
    assert shop.payments.refunds == {}
    monkeypatch.undo()
    with pytest.raises(InvalidInput):  # the pending return is finished first: nothing left
        other.refund(shop.manager, request(other.find_sale(shop.manager, done.receipt_no), both))
    assert sum(amount for _tx, amount, r in shop.payments.refunds.values() if r.ok) == done.total_fen


def test_a_declined_mobile_refund_cancels_the_return_and_frees_the_items(shop, monkeypatch):
    from store_client.services.payments import PaymentResult

    done, service = _two_unit_mobile_sale(shop)
    sale = service.find_sale(shop.manager, done.receipt_no)
    req = request(sale, [(sale.lines[0].line_no, 1)])
    monkeypatch.setattr(shop.payments, "refund",
                        lambda *a, **k: PaymentResult(False, None, "account closed"))
    with pytest.raises(ServiceError, match="account closed"):
        service.refund(shop.manager, req)
    assert events(shop) == [] and rows(shop, Return)[0].status == "cancelled"
    with pytest.raises(ServiceError, match="cancelled"):
        service.refund(shop.manager, req)  # that request is over
    monkeypatch.undo()
    fresh = service.find_sale(shop.manager, done.receipt_no)
    assert fresh.lines[0].sold.returnable == 2  # a cancelled return holds nothing
    service.refund(shop.manager, request(fresh, [(fresh.lines[0].line_no, 2)]))
    assert len(events(shop)) == 1


def rows(shop, model):  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        found = list(s.scalars(select(model)))
        s.expunge_all()
        return found


def test_a_return_whose_write_fails_leaves_the_managers_approval_for_the_retry(shop, monkeypatch):
    from store_client.persistence.models import Approval

    done = sell(shop, [SHAMPOO])
    svc = returns_for(shop)
    sale = svc.find_sale(shop.cashier, done.receipt_no)
    req = request(sale, [(sale.lines[0].line_no, 1)])
    grant = shop.grant("return.process", "damaged")
    real = svc._write

    def disk_full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr(svc, "_write", disk_full)
    with pytest.raises(OSError):
        svc.refund(shop.cashier, req, grant=grant)
    with shop.terminal.db.read() as s:
        assert s.get(Approval, grant.approval_id).used_at is None  # not burnt by the failed write
    assert count(shop, Return) == 0
    monkeypatch.setattr(svc, "_write", real)
    assert svc.refund(shop.cashier, req, grant=grant).refund_fen == done.total_fen  # the same approval, once
    with shop.terminal.db.read() as s:
        assert s.get(Approval, grant.approval_id).used_at is not None
    other = sell(shop, [WATER])  # a used approval is not taken again
    sale2 = svc.find_sale(shop.cashier, other.receipt_no)
    with pytest.raises(ApprovalRequired):
        svc.refund(shop.cashier, request(sale2, [(sale2.lines[0].line_no, 1)]), grant=grant)
    assert count(shop, Return) == 1
