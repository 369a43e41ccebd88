"""A return of a sale paid (partly) by a store credit note: the note's part goes back onto
that note (services/credit_refunds.py), at HQ from the return's event, once, never more than
the note paid; a note of this till gets it back on its own record at once (offline too)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from checkout_seed import SHAMPOO, WATER
from test_store_credit_payments import (  # noqa: F401 (fixtures)
    ALL,
    hq,
    local_remaining,
    other_till_note,
    outbox,
    own_note,
    send,
    till,
)

from store_client.persistence.models import AuditEntry, ReturnTender
from store_client.services.audit import AuditLog
from store_client.services.authorization import Authorizer
from store_client.services.return_views import ReturnRequest
from store_client.services.returns import ReturnsService
from sync.protocol.events import PayloadError, validate


@pytest.fixture
def returns(shop):  # type: ignore[no-untyped-def]
    audit = AuditLog(shop.terminal.clock)
    return ReturnsService(shop.terminal.db, shop.terminal.clock, audit,
                          Authorizer(shop.terminal.db, audit, shop.terminal.clock), config=shop.terminal.config)


def sell(shop, code: str, item: str = WATER, cash: int = 0):  # type: ignore[no-untyped-def]
    shop.checkout.scan(shop.cashier, item)
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    if cash:
        shop.checkout.add_tender(shop.cashier, "cash", cash)
    return shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)


def give_back(shop, returns, receipt_no: str, lines=((1, 1),)):  # type: ignore[no-untyped-def]
    found = returns.find_sale(shop.manager, receipt_no)
    return returns.refund(shop.manager, ReturnRequest(found.request_id, found.sale_id, lines, "changed_mind"))


def test_a_sale_paid_by_a_note_returned_puts_the_money_back_on_the_note_once(shop, hq, till, returns):
    code = other_till_note(hq, 5000)
    sale = sell(shop, code)
    assert hq.credit_note_balance(code) == (5000, 4800)
    done = give_back(shop, returns, sale.receipt_no)
    assert [(t.kind, t.amount_fen, t.reference) for t in done.tenders] == [("store_credit", 200, "CN****" + code[-4:])]
    assert "退回储值券" in done.receipt_text and code not in done.receipt_text and code[-4:] in done.receipt_text
    [event] = outbox(shop, "return.completed")
    tender = validate("return.completed", event.schema_version, json.loads(event.payload))["tenders"][0]
    assert (tender["method"], tender["original_reference"]) == ("store_credit", code)
    results = send(hq, till.who, outbox(shop, "sale.completed") + [event])
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    assert hq.credit_note_balance(code) == (5000, 5000)
    assert send(hq, till.who, [event])[0].get("duplicate") and hq.credit_note_balance(code) == (5000, 5000)
    with shop.terminal.db.read() as s:
        audit = s.scalars(select(AuditEntry.details).where(AuditEntry.action == "return.completed")).all()
        assert code not in audit[0]
        assert s.scalars(select(ReturnTender.reference)).all() == ["CN****" + code[-4:]]


def test_the_cash_part_first_then_the_note_part_and_partial_returns_add_up(shop, hq, till, returns):
    code = other_till_note(hq, 5000)
    shop.checkout.scan(shop.cashier, WATER)
    shop.checkout.scan(shop.cashier, SHAMPOO)  # 2.00 + 59.90 = 61.90: note 50.00 + cash 11.90
    cart = shop.checkout.add_tender(shop.cashier, "store_credit", ALL, reference=code)
    shop.checkout.add_tender(shop.cashier, "cash", 1190)
    sale = shop.checkout.complete(shop.cashier, cart_id=cart.cart_id)
    first = give_back(shop, returns, sale.receipt_no, ((1, 1),))  # the water: cash is refunded first
    assert [(t.kind, t.amount_fen) for t in first.tenders] == [("cash", 200)]
    second = give_back(shop, returns, sale.receipt_no, ((2, 1),))  # the shampoo: the rest of the cash, then the note
    assert sorted((t.kind, t.amount_fen) for t in second.tenders) == [("cash", 990), ("store_credit", 5000)]
    results = send(hq, till.who, outbox(shop, "sale.completed") + outbox(shop, "return.completed"))
    assert [r["status"] for r in results] == ["accepted"] * 3
    assert hq.credit_note_balance(code) == (5000, 5000)


def test_offline_a_note_of_this_till_gets_its_part_back_at_once_and_hq_later(shop, hq, till, returns):
    code = own_note(shop)  # 25.00
    send(hq, till.who, outbox(shop, "return.no_receipt"))
    till.online = False
    sale = sell(shop, code)
    assert local_remaining(shop, code) == 2300
    give_back(shop, returns, sale.receipt_no)
    assert local_remaining(shop, code) == 2500  # spendable here again, offline
    assert hq.credit_note_balance(code) == (2500, 2500)  # HQ has heard of neither yet
    results = send(hq, till.who, outbox(shop, "sale.completed") + outbox(shop, "return.completed"))
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    assert hq.credit_note_balance(code) == (2500, 2500)  # spent then given back: whole


def test_hq_refuses_a_note_part_above_what_the_note_paid_or_a_note_that_did_not_pay(shop, hq, till, returns):
    code, stranger = other_till_note(hq, 5000), other_till_note(hq, 3000, store="S003")
    sale = sell(shop, code, item=SHAMPOO, cash=990)  # note 50.00 + cash 9.90
    give_back(shop, returns, sale.receipt_no)
    assert send(hq, till.who, outbox(shop, "sale.completed"))[0]["status"] == "accepted"
    [event] = outbox(shop, "return.completed")
    good = json.loads(event.payload)
    note_part = next(i for i, t in enumerate(good["tenders"]) if t["method"] == "store_credit")

    def ingest(payload: dict, seq: int) -> dict:  # type: ignore[type-arg]
        envelope = {"event_id": f"00000000-0000-4000-8000-{seq:012d}", "seq": seq, "kind": "return.completed",
                    "schema_version": event.schema_version, "created_at": event.created_at, "payload": payload}
        return hq.ingest(till.who, {"events": [envelope]})["results"][0]

    wrong_note = json.loads(event.payload)
    wrong_note["tenders"][note_part]["original_reference"] = stranger
    assert "did not pay sale" in ingest(wrong_note, 900)["reason"]
    forged = json.loads(event.payload)
    forged["tenders"][note_part]["original_reference"] = "CN00000000000000"
    with pytest.raises(PayloadError):
        validate("return.completed", event.schema_version, forged)
    assert "names the note" in ingest(forged, 901)["reason"]
    assert hq.credit_note_balance(code) == (5000, 0) and hq.credit_note_balance(stranger) == (3000, 3000)
    assert send(hq, till.who, [event])[0]["status"] == "accepted"
    assert hq.credit_note_balance(code) == (5000, 5000)
    again = json.loads(event.payload)  # the same note part once more, under another return id
    again["return_id"] = again["request_id"] = "11111111-1111-4111-8111-111111111111"
    assert ingest(again, 902)["status"] == "rejected"
    assert hq.credit_note_balance(code) == (5000, 5000)


def test_above_what_the_note_paid_is_refused_even_when_the_sales_total_allows_it(shop, hq, till):
    """HQ's own check of the note part: a sale paid 2.00 by the note and the rest in cash;
    a return moving the cash part onto the note is refused."""
    from sync.hq import credit_notes

    code = other_till_note(hq, 5000)
    sale = {"payments": [{"method": "store_credit", "amount_minor": 200,
                          "credit_note": {"code": code, "spend_id": "c:t1", "offline": False}},
                         {"method": "cash", "amount_minor": 5790}]}
    hq.spend_credit_note(till.who, code, 200, "c:t1")
    ret = {"return_id": "r1", "store_id": "S001", "terminal_id": "T01",
           "tenders": [{"method": "store_credit", "amount_minor": 201, "original_reference": code}]}
    with hq.engine.connect() as conn:
        assert "refunds 201 where 200" in credit_notes.refund_problem(conn, "s1", sale, ret)
        ret["tenders"][0]["amount_minor"] = 200
        assert credit_notes.refund_problem(conn, "s1", sale, ret) is None
