"""Paying with a store credit note at the checkout (services/store_credit.py): online through
HQ's real ledger (an in-process client over HQService), offline from this till's own notes."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select

from checkout_seed import COOKER, SHAMPOO, WATER

from store_client.persistence.models import AuditEntry, OutboxEvent, Sale, SaleTender
from store_client.persistence.no_receipt_models import CreditNote
from store_client.services.audit import AuditLog
from store_client.services.authorization import Authorizer
from store_client.services.errors import ServiceError
from store_client.services.no_receipt_returns import NoReceiptReturnsService
from store_client.services.no_receipt_views import NoReceiptRequest
from store_client.services.store_credit import StoreCreditPayments
from sync.hq import credit_notes
from sync.hq.credit_notes import CreditRefused
from sync.hq.service import HQService, make_engine
from sync.protocol import credit_codes
from sync.protocol.events import PayloadError, validate
from sync.terminal.transport import BatchRejected, TransientError


ALL = 10**9  # the most a payment may take: the dialog offers what is due


class LedgerClient:
    """The till's HQ client for the two credit-note calls, answered by a real HQService (as
    sync/hq/credit_note_api.py does: a refusal is BatchRejected with the ledger's code)."""

    def __init__(self, hq: HQService, who) -> None:  # type: ignore[no-untyped-def]
        self.hq, self.who, self.online, self.spends, self.releases = hq, who, True, 0, 0

    def __call__(self) -> LedgerClient:
        if not self.online:
            raise TransientError("HQ not reached")
        return self

    def __enter__(self) -> LedgerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def credit_note(self, code: str) -> dict:
        try:
            amount, remaining = self.hq.credit_note_balance(code)
        except CreditRefused as exc:
            raise BatchRejected(404 if exc.code == "credit.unknown" else 409, str(exc), exc.code) from None
        return {"code": code, "amount_minor": amount, "remaining_minor": remaining}

    def spend_credit_note(self, code: str, amount_minor: int, spend_id: str) -> dict:
        self.spends += 1
        try:
            spent = self.hq.spend_credit_note(self.who, code, amount_minor, spend_id)
        except CreditRefused as exc:
            raise BatchRejected(409, str(exc), exc.code) from None
        return {"spend_id": spent.spend_id, "code": spent.code, "amount_minor": spent.amount_minor,
                "remaining_minor": spent.remaining_minor, "repeated": spent.repeated}

    def release_credit_note(self, code: str, spend_id: str) -> dict:
        self.releases += 1
        try:
            done = self.hq.release_credit_note(self.who, code, spend_id)
        except CreditRefused as exc:
            raise BatchRejected(409, str(exc), exc.code) from None
        return {"spend_id": done.spend_id, "restored_minor": done.restored_minor,
                "remaining_minor": done.remaining_minor, "repeated": done.repeated}


@pytest.fixture
def hq(tmp_path):  # type: ignore[no-untyped-def]
    service = HQService(make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}"))
    yield service
    service.engine.dispose()


@pytest.fixture
def till(shop, hq):  # type: ignore[no-untyped-def]
    who = hq.authenticate(hq.issue_token("S001", "T01"))
    client = LedgerClient(hq, who)
    shop.checkout.store_credit = StoreCreditPayments(shop.terminal.db, shop.terminal.clock,
                                                     AuditLog(shop.terminal.clock), client=client)
    return client


def outbox(shop, kind: str) -> list[OutboxEvent]:  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        rows = list(s.scalars(select(OutboxEvent).where(OutboxEvent.kind == kind).order_by(OutboxEvent.seq)))
        for row in rows:
            s.expunge(row)
        return rows


def send(hq: HQService, who, rows: list[OutboxEvent]) -> list[dict]:  # type: ignore[no-untyped-def]
    """The till's outbox events as the sync engine sends them."""
    events = [{"event_id": r.event_id, "seq": r.seq, "kind": r.kind, "schema_version": r.schema_version,
               "created_at": r.created_at, "payload": json.loads(r.payload)} for r in rows]
    return hq.ingest(who, {"events": events})["results"]


def own_note(shop, amount_items=(("100002", 2),)) -> str:  # type: ignore[no-untyped-def]
    """A note issued at this till by a return without receipt (1250 fen a toothpaste)."""
    audit = AuditLog(shop.terminal.clock)
    svc = NoReceiptReturnsService(shop.terminal.db, shop.terminal.clock, audit,
                                  Authorizer(shop.terminal.db, audit, shop.terminal.clock),
                                  config=shop.terminal.config, print_queue=shop.queue)
    policy = svc.start(shop.cashier)
    done = svc.refund(shop.cashier, NoReceiptRequest(policy.request_id, amount_items, "changed_mind"),
                      shop.grant("return.process", "no receipt"))
    return done.credit_code


def other_till_note(hq: HQService, amount: int = 5000, store: str = "S002") -> str:
    who = hq.authenticate(hq.issue_token(store, "T09"))
    code = credit_codes.new_credit_code()
    payload = {"return_id": str(uuid.uuid4()), "request_id": str(uuid.uuid4()), "return_no": f"{store}-T09-N000001",
               "store_id": store, "terminal_id": "T09", "operator_id": "c1", "approved_by": "m1",
               "completed_at": "2026-06-01T10:00:00.000000+00:00", "refund_minor": amount,
               "reason": {"code": "changed_mind", "text": ""}, "tender": "store_credit", "restocked": True,
               "lines": [{"sku": "100002", "qty": 1, "unit_price_minor": amount, "refund_minor": amount}],
               "credit_note": {"code": code, "amount_minor": amount}}
    event = {"event_id": str(uuid.uuid4()), "seq": 1, "kind": "return.no_receipt", "schema_version": 1,
             "created_at": "2026-06-01T10:00:00+00:00", "payload": payload}
    assert hq.ingest(who, {"events": [event]})["results"][0]["status"] == "accepted"
    return code


def local_remaining(shop, code: str) -> int:  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        return s.get(CreditNote, code).remaining_fen


def refused(shop) -> list[str]:  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        return [json.loads(d)["code"] for d in s.scalars(
            select(AuditEntry.details).where(AuditEntry.action == "sale.credit_refused").order_by(AuditEntry.seq))]


def sales_count(shop) -> int:  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        return s.scalar(select(func.count()).select_from(Sale))


def test_online_a_note_pays_the_due_and_hq_spends_it_once(shop, hq, till):
    code = other_till_note(hq, 5000)
    shop.checkout.scan(shop.cashier, SHAMPOO)  # 59.90
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=f"  {code.lower()} ")
    assert [(t.kind, t.amount_fen) for t in cart.tenders] == [("store_credit", 5000)]
    assert cart.due_fen == 990 and hq.credit_note_balance(code) == (5000, 5000)  # nothing spent yet
    shop.checkout.add_tender(shop.cashier, "cash", 1000)
    sale = shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    assert sale.change_fen == 10 and hq.credit_note_balance(code) == (5000, 0) and till.spends == 1
    [event] = outbox(shop, "sale.completed")
    payload = json.loads(event.payload)
    pay = validate("sale.completed", event.schema_version, payload)["payments"][0]
    assert pay["method"] == "store_credit" and pay["reference"] == "CN****" + code[-4:]
    assert pay["credit_note"] == {"code": code, "spend_id": f"{cart.cart_id}:t1", "offline": False}
    assert "****" + code[-4:] in sale.receipt_text and code not in sale.receipt_text
    assert "储值券" in sale.receipt_text
    # the event at HQ: the same spend id, nothing more taken, no overdraft
    assert send(hq, till.who, outbox(shop, "sale.completed"))[0]["status"] == "accepted"
    assert hq.credit_note_balance(code) == (5000, 0)
    with hq.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(credit_notes.spends)) == 1
        assert conn.scalar(select(func.count()).select_from(credit_notes.overdrafts)) == 0


def test_a_partial_spend_leaves_the_rest_for_the_next_sale(shop, hq, till):
    code = other_till_note(hq, 5000)
    shop.checkout.scan(shop.cashier, WATER)  # 2.00
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    assert cart.tenders[0].amount_fen == 200 and cart.due_fen == 0
    shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    assert hq.credit_note_balance(code) == (5000, 4800)
    shop.checkout.scan(shop.cashier, SHAMPOO)
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    assert cart.tenders[0].amount_fen == 4800 and cart.due_fen == 5990 - 4800
    with pytest.raises(ServiceError) as second:  # the same note twice on one sale: nothing left
        shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    assert second.value.code == "credit.spent"
    shop.checkout.add_tender(shop.cashier, "card", 1190, reference="AUTH01")
    shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    assert hq.credit_note_balance(code) == (5000, 0)


def test_the_same_sale_completed_twice_spends_once(shop, hq, till):
    code = other_till_note(hq, 5000)
    shop.checkout.scan(shop.cashier, WATER)
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    first = shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    again = shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)  # a double key / a retry
    assert again == first and till.spends == 1 and sales_count(shop) == 1
    # a restart (a fresh service) completing the same cart id answers with the sale from the database
    reopened = shop.reopen()
    reopened.store_credit = shop.checkout.store_credit
    assert reopened.complete(shop.cashier, cart_id=cart.cart_id).sale_id == first.sale_id
    assert hq.credit_note_balance(code) == (5000, 4800) and till.spends == 1


def test_a_failed_write_after_the_spend_gives_the_note_back_and_the_retry_spends_once(shop, hq, till):
    """HQ spent, then the sale could not be written (a forced failure of the local write): the
    spend is released at HQ at once and through the outbox; the retry spends under a new id, and
    HQ hearing of the release and the sale in any order takes the money once."""
    code = other_till_note(hq, 5000)
    shop.checkout.scan(shop.cashier, WATER)
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    original = shop.checkout._write
    calls = []

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise ServiceError("disk trouble", code="test.write_failed")
        return original(*args, **kwargs)

    shop.checkout._write = failing  # type: ignore[method-assign]
    with pytest.raises(ServiceError) as failure:
        shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    assert failure.value.code == "test.write_failed"  # the caller's error, not the release's
    assert sales_count(shop) == 0 and till.spends == 1 and till.releases == 1
    assert hq.credit_note_balance(code) == (5000, 5000)  # whole again at once
    [released] = outbox(shop, "credit.released")
    body = validate("credit.released", 1, json.loads(released.payload))
    assert (body["spend_id"], body["amount_minor"], body["reason"]) == (f"{cart.cart_id}:t1", 200, "sale_not_written")
    shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    assert till.spends == 2 and hq.credit_note_balance(code) == (5000, 4800) and sales_count(shop) == 1
    [event] = outbox(shop, "sale.completed")
    assert json.loads(event.payload)["payments"][0]["credit_note"]["spend_id"] == f"{cart.cart_id}:t1~1"
    assert [r["status"] for r in send(hq, till.who, outbox(shop, "credit.released") + [event])] == ["accepted"] * 2
    assert hq.credit_note_balance(code) == (5000, 4800)  # the release again and the sale: nothing more
    with hq.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(credit_notes.overdrafts)) == 0


def test_hq_unreachable_for_the_release_the_outbox_gives_the_note_back(shop, hq, till):
    code = other_till_note(hq, 5000)
    shop.checkout.scan(shop.cashier, SHAMPOO)
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    shop.checkout.add_tender(shop.cashier, "cash", 990)
    original = shop.checkout._write

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        till.online = False  # the network drops while the write fails
        raise ServiceError("disk trouble", code="test.write_failed")

    shop.checkout._write = failing  # type: ignore[method-assign]
    with pytest.raises(ServiceError):
        shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    assert hq.credit_note_balance(code) == (5000, 0) and till.releases == 0  # still taken at HQ
    assert send(hq, till.who, outbox(shop, "credit.released"))[0]["status"] == "accepted"
    assert hq.credit_note_balance(code) == (5000, 5000)
    # back online, the cashier completes after all: spent once, under the next id
    till.online, shop.checkout._write = True, original  # type: ignore[method-assign]
    shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    assert hq.credit_note_balance(code) == (5000, 0)
    assert send(hq, till.who, outbox(shop, "sale.completed"))[0]["status"] == "accepted"
    assert hq.credit_note_balance(code) == (5000, 0)


def test_a_lost_answer_to_the_spend_then_a_refusal_releases_what_hq_took(shop, hq, till):
    """HQ took the spend but its answer was lost: another till's note cannot be spent offline,
    so the completion is refused; the spend HQ made is released, not kept."""
    code = other_till_note(hq, 5000)
    shop.checkout.scan(shop.cashier, WATER)
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    real = till.spend_credit_note

    def lost(code_, amount, sid):  # type: ignore[no-untyped-def]
        real(code_, amount, sid)
        raise TransientError("answer lost")

    till.spend_credit_note = lost  # type: ignore[method-assign]
    with pytest.raises(ServiceError) as refusal:
        shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    assert refusal.value.code == "credit.hq_unreachable" and sales_count(shop) == 0
    assert hq.credit_note_balance(code) == (5000, 5000) and till.releases == 1
    till.spend_credit_note = real  # type: ignore[method-assign]
    shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    assert hq.credit_note_balance(code) == (5000, 4800) and sales_count(shop) == 1


def test_two_notes_the_second_refused_gives_the_first_back(shop, hq, till):
    first, second = other_till_note(hq, 3000), other_till_note(hq, 5000, store="S003")
    shop.checkout.scan(shop.cashier, SHAMPOO)  # 59.90
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=first)
    shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=second)
    other = hq.authenticate(hq.issue_token("S002", "T02"))
    hq.spend_credit_note(other, second, 5000, "elsewhere")  # meanwhile, at another store
    with pytest.raises(ServiceError) as refusal:
        shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    assert refusal.value.code == "credit.spent" and sales_count(shop) == 0
    assert hq.credit_note_balance(first) == (3000, 3000)


def test_a_crash_between_the_spend_and_the_sale_then_a_void_gives_the_note_back(shop, hq, till):
    code = other_till_note(hq, 5000)
    shop.checkout.scan(shop.cashier, WATER)
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)

    class Killed(BaseException):
        pass

    def killed(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise Killed  # the process dies here: HQ spent, nothing of the sale written

    shop.checkout._write = killed  # type: ignore[method-assign]
    shop.checkout._release_credit = lambda *a, **k: None  # type: ignore[method-assign] # dead: no handler runs
    with pytest.raises(Killed):
        shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    assert hq.credit_note_balance(code) == (5000, 4800)
    reopened = shop.reopen()  # the restart: the cart with its payment is still there
    reopened.store_credit = shop.checkout.store_credit
    reopened.void_cart(shop.cashier, "customer left", grant=shop.grant("sale.void_transaction"))
    assert hq.credit_note_balance(code) == (5000, 5000) and till.releases == 1
    [event] = outbox(shop, "credit.released")
    assert json.loads(event.payload)["reason"] == "sale_voided"


def test_a_crash_between_the_spend_and_the_sale_then_completing_reuses_the_spend(shop, hq, till):
    code = other_till_note(hq, 5000)
    shop.checkout.scan(shop.cashier, WATER)
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)

    class Killed(BaseException):
        pass

    def killed(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise Killed

    shop.checkout._write = killed  # type: ignore[method-assign]
    shop.checkout._release_credit = lambda *a, **k: None  # type: ignore[method-assign]
    with pytest.raises(Killed):
        shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    reopened = shop.reopen()
    reopened.store_credit = shop.checkout.store_credit
    reopened.complete(shop.cashier, cart_id=cart.cart_id)
    assert hq.credit_note_balance(code) == (5000, 4800) and till.spends == 2 and sales_count(shop) == 1
    [event] = outbox(shop, "sale.completed")
    assert json.loads(event.payload)["payments"][0]["credit_note"]["spend_id"] == f"{cart.cart_id}:t1"
    assert send(hq, till.who, [event])[0]["status"] == "accepted"
    assert hq.credit_note_balance(code) == (5000, 4800) and not outbox(shop, "credit.released")


def test_a_crash_then_the_payment_removed_gives_the_note_back_and_the_code_is_masked(shop, hq, till):
    code = other_till_note(hq, 5000)
    shop.checkout.scan(shop.cashier, SHAMPOO)
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    shop.checkout.add_tender(shop.cashier, "cash", 990)

    class Killed(BaseException):
        pass

    def killed(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise Killed

    shop.checkout._write = killed  # type: ignore[method-assign]
    shop.checkout._release_credit = lambda *a, **k: None  # type: ignore[method-assign]
    with pytest.raises(Killed):
        shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    reopened = shop.reopen()
    reopened.store_credit = shop.checkout.store_credit
    reopened.remove_tender(shop.cashier, "t1")
    assert hq.credit_note_balance(code) == (5000, 5000)
    [event] = outbox(shop, "credit.released")
    assert json.loads(event.payload)["reason"] == "payment_removed"
    with shop.terminal.db.read() as s:
        details = s.scalars(select(AuditEntry.details).where(AuditEntry.action == "sale.tender_removed")).all()
    assert details and code not in details[0] and "CN****" + code[-4:] in details[0]


def test_a_voided_sale_or_a_removed_payment_does_not_burn_the_note(shop, hq, till):
    code = other_till_note(hq, 5000)
    shop.checkout.scan(shop.cashier, SHAMPOO)
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    cart = shop.checkout.remove_tender(shop.cashier, cart.tenders[0].tender_id)
    assert not cart.tenders
    shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    shop.checkout.void_cart(shop.cashier, "customer left", grant=shop.grant("sale.void_transaction"))
    assert hq.credit_note_balance(code) == (5000, 5000) and till.spends == 0 and sales_count(shop) == 0


def test_offline_a_note_of_this_till_is_spent_from_its_own_record_and_hq_spends_it_from_the_event(shop, hq, till):
    code = own_note(shop)  # 2 toothpastes: 25.00
    assert send(hq, till.who, outbox(shop, "return.no_receipt"))[0]["status"] == "accepted"
    till.online = False
    shop.checkout.scan(shop.cashier, WATER)
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    assert local_remaining(shop, code) == 2300 and till.spends == 0
    assert hq.credit_note_balance(code) == (2500, 2500)
    [event] = outbox(shop, "sale.completed")
    assert json.loads(event.payload)["payments"][0]["credit_note"]["offline"] is True
    assert send(hq, till.who, [event])[0]["status"] == "accepted"
    assert hq.credit_note_balance(code) == (2500, 2300)
    assert send(hq, till.who, [event])[0].get("duplicate")  # the event again: nothing more
    assert hq.credit_note_balance(code) == (2500, 2300)
    # offline again: this till's record is what can be spent, and no more
    shop.checkout.scan(shop.cashier, SHAMPOO)
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    assert cart.tenders[0].amount_fen == 2300


def test_online_again_before_the_offline_sale_reached_hq_the_till_counts_its_own_spend(shop, hq, till):
    code = own_note(shop)
    send(hq, till.who, outbox(shop, "return.no_receipt"))
    till.online = False
    shop.checkout.scan(shop.cashier, WATER)
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    till.online = True  # HQ still says 2500: the offline sale has not been sent
    shop.checkout.scan(shop.cashier, SHAMPOO)
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    assert cart.tenders[0].amount_fen == 2300
    shop.checkout.add_tender(shop.cashier, "cash", 5990 - 2300)
    shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    assert hq.credit_note_balance(code) == (2500, 200) and local_remaining(shop, code) == 0
    assert [r["status"] for r in send(hq, till.who, outbox(shop, "sale.completed"))] == ["accepted"] * 2
    assert hq.credit_note_balance(code) == (2500, 0)
    with hq.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(credit_notes.overdrafts)) == 0


def test_offline_a_note_not_yet_at_hq_is_spent_and_its_issue_arrives_first(shop, hq, till):
    code = own_note(shop)
    shop.checkout.scan(shop.cashier, WATER)  # online, but HQ has not received the note's issue yet
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    assert local_remaining(shop, code) == 2300
    results = send(hq, till.who, outbox(shop, "return.no_receipt") + outbox(shop, "sale.completed"))
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    assert hq.credit_note_balance(code) == (2500, 2300)


def test_offline_another_tills_note_is_refused_audited_and_nothing_written(shop, hq, till):
    code = other_till_note(hq)
    till.online = False
    shop.checkout.scan(shop.cashier, WATER)
    with pytest.raises(ServiceError) as refusal:
        shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    assert refusal.value.code == "credit.hq_unreachable"
    assert not shop.checkout.current_cart(shop.cashier).tenders and refused(shop) == ["credit.hq_unreachable"]
    assert code not in json.dumps(refused(shop))


@pytest.mark.parametrize("make, expected", [
    (lambda hq: "CN" + "0" * 14, "credit.forged"),  # check digits wrong
    (lambda hq: "CN123", "credit.forged"),
    (lambda hq: "'; DROP TABLE sales;--", "credit.forged"),
    (lambda hq: credit_codes.new_credit_code(), "credit.unknown"),  # genuine form, never issued
])
def test_bad_codes_are_refused_with_their_own_code(shop, hq, till, make, expected):
    shop.checkout.scan(shop.cashier, WATER)
    with pytest.raises(ServiceError) as refusal:
        shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=make(hq))
    assert refusal.value.code == expected and refused(shop) == [expected]
    assert not shop.checkout.current_cart(shop.cashier).tenders


def test_a_note_spent_elsewhere_between_payment_and_completion_refuses_the_sale(shop, hq, till):
    code = other_till_note(hq, 5000)
    shop.checkout.scan(shop.cashier, SHAMPOO)
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    shop.checkout.add_tender(shop.cashier, "cash", 990)
    other = hq.authenticate(hq.issue_token("S002", "T02"))
    hq.spend_credit_note(other, code, 5000, "elsewhere")
    with pytest.raises(ServiceError) as refusal:
        shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    assert refusal.value.code == "credit.spent" and sales_count(shop) == 0
    shop.checkout.remove_tender(shop.cashier, cart.tenders[0].tender_id)
    with pytest.raises(ServiceError) as again:  # the note again: HQ says it is spent
        shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    assert again.value.code == "credit.spent"


def test_an_offline_spend_raced_online_elsewhere_is_an_overdraft_at_hq_and_the_sale_stands(shop, hq, till):
    code = own_note(shop)
    send(hq, till.who, outbox(shop, "return.no_receipt"))
    till.online = False
    shop.checkout.scan(shop.cashier, COOKER)  # 499.00: the whole note
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    shop.checkout.add_tender(shop.cashier, "cash", 49900 - 2500)
    shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    other = hq.authenticate(hq.issue_token("S002", "T02"))
    hq.spend_credit_note(other, code, 1000, "online-elsewhere")  # meanwhile, another store
    assert send(hq, till.who, outbox(shop, "sale.completed"))[0]["status"] == "accepted"
    assert hq.credit_note_balance(code) == (2500, 0)
    with hq.engine.connect() as conn:
        row = conn.execute(select(credit_notes.overdrafts)).one()
    assert (row.code, row.amount_minor, row.taken_minor, row.reason) == (code, 2500, 1500, "credit.above_remaining")


def test_the_validator_refuses_a_broken_credit_payment(shop, hq, till):
    code = other_till_note(hq)
    shop.checkout.scan(shop.cashier, WATER)
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    [event] = outbox(shop, "sale.completed")
    good = json.loads(event.payload)
    for broken in ({"code": "CN" + "1" * 14, "spend_id": "x", "offline": False},
                   {"code": code, "offline": False}, {"code": code, "spend_id": "x", "offline": "no"}, None):
        payload = json.loads(event.payload)
        payload["payments"][0]["credit_note"] = broken
        with pytest.raises(PayloadError):
            validate("sale.completed", event.schema_version, payload)
    payload = json.loads(event.payload)
    payload["payments"][0]["method"] = "cash"  # a cash payment naming a note
    with pytest.raises(PayloadError):
        validate("sale.completed", event.schema_version, payload)
    validate("sale.completed", event.schema_version, good)


def test_the_shift_report_lists_the_note_apart_and_it_is_not_cash_in_the_drawer(shop, hq, till):
    from store_client.services.shifts import ShiftService

    code = other_till_note(hq, 5000)
    shop.checkout.scan(shop.cashier, SHAMPOO)
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    shop.checkout.add_tender(shop.cashier, "cash", 1000)
    shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    audit = AuditLog(shop.terminal.clock)
    shifts = ShiftService(shop.terminal.db, shop.terminal.clock, audit,
                          Authorizer(shop.terminal.db, audit, shop.terminal.clock), config=shop.terminal.config)
    report = shifts.x_report(shop.manager, print_it=False)
    assert dict(report.figures.by_tender) == {"store_credit": 5000, "cash": 1000}
    assert report.figures.expected_cash_fen == 1000 - 10  # the cash taken less the change
    assert "储值券" in report.text


def test_the_till_is_wired_with_its_hq_client_and_without_one_only_its_own_notes_pass(shop):
    from store_client.bootstrap import build_services

    services = build_services(shop.terminal)  # no sync runner configured: HQ cannot be reached
    checkout = services.checkout
    assert isinstance(checkout.store_credit, StoreCreditPayments)
    checkout.scan(shop.cashier, WATER)
    with pytest.raises(ServiceError) as refusal:
        checkout.add_tender(shop.cashier, "store_credit", ALL, reference=credit_codes.new_credit_code())
    assert refusal.value.code == "credit.hq_unreachable"
    code = own_note(shop)
    cart = checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    assert cart.tenders[0].amount_fen == 200


def test_a_note_of_this_till_spent_online_then_the_write_failing_gets_its_own_record_back(shop, hq, till):
    code = own_note(shop)  # 25.00
    send(hq, till.who, outbox(shop, "return.no_receipt"))
    shop.checkout.scan(shop.cashier, WATER)
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    original = shop.checkout._write

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        assert local_remaining(shop, code) == 2300  # HQ's answer lowered this till's record
        raise ServiceError("disk trouble", code="test.write_failed")

    shop.checkout._write = failing  # type: ignore[method-assign]
    with pytest.raises(ServiceError):
        shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    assert local_remaining(shop, code) == 2500 and hq.credit_note_balance(code) == (2500, 2500)
    till.online = False  # the whole note is spendable here offline again
    shop.checkout._write = original  # type: ignore[method-assign]
    shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    assert local_remaining(shop, code) == 2300
    results = send(hq, till.who, outbox(shop, "credit.released") + outbox(shop, "sale.completed"))
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    assert hq.credit_note_balance(code) == (2500, 2300)


def test_two_tills_completing_on_one_note_at_the_same_moment_exactly_one_wins(shop, hq, till, tmp_path, add_operator):
    """Two terminals (their own databases, one HQ) complete a sale on the same note at once,
    each also paying with a second note of its own first: exactly one sale stands on the
    contested note; the loser writes nothing and gives back its other note's spend."""
    import threading

    from checkout_seed import seed

    from tests.integration.checkout.conftest import make_checkout, open_shift
    from store_client.bootstrap import open_terminal
    from tests.conftest import make_config

    contested = other_till_note(hq, 5000)
    second = open_terminal(make_config(tmp_path / "t2", store={"store_id": "S001", "terminal_id": "T02"}),
                           clock=shop.terminal.clock)
    try:
        with second.db.transaction() as s:
            seed(s)
        from store_client.domain import pins
        from store_client.persistence.models import Operator

        with second.db.transaction() as s:
            for op, role in (("c1", "cashier"), ("m1", "manager")):
                s.add(Operator(id=op, name=op, role=role, pin_hash=pins.hash_pin("2468"), active=True,
                               failed_attempts=0))
        open_shift(second, shop.manager)
        other = make_checkout(second, shop.payments, shop.queue, shop.catalog)
        client2 = LedgerClient(hq, hq.authenticate(hq.issue_token("S001", "T02")))
        other.store_credit = StoreCreditPayments(second.db, second.clock, AuditLog(second.clock), client=client2)
        carts = []
        for service in (shop.checkout, other):
            service.scan(shop.cashier, SHAMPOO)  # 59.90: 10.00 by a note of its own, 49.90 by the contested one
            service.add_tender(shop.cashier, "store_credit", 1000, reference=other_till_note(hq, 1000, store="S009"))
            carts.append(service.add_tender(shop.cashier, "store_credit", ALL, reference=contested))
        assert all(c.due_fen == 0 for c in carts)
        barrier = threading.Barrier(2)
        outcomes: list[object] = []

        def complete(service, cart) -> None:  # type: ignore[no-untyped-def]
            barrier.wait()
            try:
                outcomes.append(service.complete(shop.cashier, cart_id=cart.cart_id))
            except ServiceError as exc:
                outcomes.append(exc.code)

        threads = [threading.Thread(target=complete, args=pair) for pair in zip((shop.checkout, other), carts)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(o if isinstance(o, str) else "sold" for o in outcomes) == ["credit.above_remaining", "sold"]
        assert hq.credit_note_balance(contested) == (5000, 10)  # 49.90 taken once
        with second.db.read() as s:
            assert sales_count(shop) + s.scalar(select(func.count()).select_from(Sale)) == 1
        with hq.engine.connect() as conn:  # the loser's own note: taken, then given back
            kept = conn.execute(select(credit_notes.spends.c.code, credit_notes.spends.c.spend_id)).all()
            released = set(conn.scalars(select(credit_notes.releases.c.spend_id)))
        contested_kept = [sid for code, sid in kept if code == contested and sid not in released]
        assert len(contested_kept) == 1
        own_kept = [sid for code, sid in kept if code != contested and sid not in released]
        assert len(own_kept) == 1  # only the winner keeps its first note's spend
    finally:
        second.close()
