"""HQ spends a store credit note from the ``sale.completed`` that was paid with it: exactly
once per spend id, whether the till spent it online first or not; an offline spend that lost
a race is an overdraft for the manager and the sale stands (SQLite and PostgreSQL)."""

from __future__ import annotations

import random
import threading
import uuid

from sqlalchemy import func, select

from sync.hq import credit_notes
from sync.hq.service import HQService
from sync.protocol import credit_codes
from tools.soak import make_sale


def issue(hq: HQService, amount: int, store: str = "S009") -> str:
    """A note issued by a return without receipt at another store's till."""
    who = hq.authenticate(hq.issue_token(store, "T09"))
    code = credit_codes.new_credit_code()
    payload = {"return_id": str(uuid.uuid4()), "request_id": str(uuid.uuid4()), "return_no": f"{store}-T09-N000001",
               "store_id": store, "terminal_id": "T09", "operator_id": "c1", "approved_by": "m1",
               "completed_at": "2026-06-01T10:00:00.000000+00:00", "refund_minor": amount,
               "reason": {"code": "changed_mind", "text": ""}, "tender": "store_credit", "restocked": True,
               "lines": [{"sku": "100002", "qty": 1, "unit_price_minor": amount, "refund_minor": amount}],
               "credit_note": {"code": code, "amount_minor": amount}}
    result = hq.ingest(who, {"events": [{"event_id": str(uuid.uuid4()), "seq": who.last_seq + 1,
                                         "kind": "return.no_receipt", "schema_version": 1,
                                         "created_at": payload["completed_at"], "payload": payload}]})
    assert result["results"][0]["status"] == "accepted", result
    return code


def paid_by_note(seed: int, code: str, store: str, *, offline: bool = True) -> dict:
    """A v3 sale paid entirely by the note (no change)."""
    sale = make_sale(random.Random(seed), store_id=store, terminal_id="T01")
    sale["change_minor"] = 0
    sale["payments"] = [{"method": "store_credit", "amount_minor": sale["total_minor"], "reference": "CN****" + code[-4:],
                         "points": None, "credit_note": {"code": code, "spend_id": f"{uuid.uuid4()}:t1",
                                                         "offline": offline}}]
    return sale


def total(seed: int) -> int:
    return make_sale(random.Random(seed), store_id="S001", terminal_id="T01")["total_minor"]


def event(sale: dict, seq: int) -> dict:
    return {"event_id": str(uuid.uuid4()), "seq": seq, "kind": "sale.completed", "schema_version": 3,
            "created_at": sale["completed_at"], "payload": sale}


def counts(hq: HQService) -> tuple[int, int]:
    with hq.engine.connect() as conn:
        return (conn.scalar(select(func.count()).select_from(credit_notes.spends)),
                conn.scalar(select(func.count()).select_from(credit_notes.overdrafts)))


def test_the_event_spends_the_note_once_however_often_it_arrives(hq_service: HQService):
    code = issue(hq_service, total(1) + 700)
    sale = paid_by_note(1, code, "S001")
    who = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    first = event(sale, 1)
    assert hq_service.ingest(who, {"events": [first]})["results"][0]["status"] == "accepted"
    assert hq_service.credit_note_balance(code)[1] == 700
    again = hq_service.ingest(who, {"events": [first]})["results"][0]  # the batch resent
    assert again.get("duplicate") and hq_service.credit_note_balance(code)[1] == 700
    copy = hq_service.ingest(who, {"events": [event(sale, 2)]})["results"][0]  # the same sale, a new event id
    assert copy["status"] == "rejected" and hq_service.credit_note_balance(code)[1] == 700
    assert counts(hq_service) == (1, 0)


def test_a_note_the_till_spent_online_is_not_spent_again_by_its_event(hq_service: HQService):
    code = issue(hq_service, 100_000)
    sale = paid_by_note(2, code, "S001", offline=False)
    who = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    pay = sale["payments"][0]
    hq_service.spend_credit_note(who, code, pay["amount_minor"], pay["credit_note"]["spend_id"])
    assert hq_service.ingest(who, {"events": [event(sale, 1)]})["results"][0]["status"] == "accepted"
    assert hq_service.credit_note_balance(code)[1] == 100_000 - pay["amount_minor"]
    assert counts(hq_service) == (1, 0)


def test_two_tills_spending_the_whole_note_offline_at_once_spend_it_once_and_record_an_overdraft(
        hq_service: HQService):
    code = issue(hq_service, total(3))
    sales = [paid_by_note(3, code, "S001"), paid_by_note(4, code, "S002")]
    tills = [hq_service.authenticate(hq_service.issue_token(s["store_id"], "T01")) for s in sales]
    barrier = threading.Barrier(2)
    results: list[dict] = []

    def send(who, sale: dict) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        results.append(hq_service.ingest(who, {"events": [event(sale, 1)]})["results"][0])

    threads = [threading.Thread(target=send, args=pair) for pair in zip(tills, sales)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r["status"] for r in results] == ["accepted", "accepted"]  # the goods are gone: the sales stand
    assert hq_service.credit_note_balance(code) == (sales[0]["total_minor"], 0)
    with hq_service.engine.connect() as conn:
        spent = conn.scalar(select(func.sum(credit_notes.spends.c.amount_minor)))
        overdraft = conn.execute(select(credit_notes.overdrafts)).one()
    assert spent == sales[0]["total_minor"]  # never more than the note
    loser = next(s for s in sales if s["sale_id"] == overdraft.sale_id)
    assert overdraft.amount_minor == loser["total_minor"]
    assert overdraft.amount_minor - overdraft.taken_minor > 0
    assert overdraft.code == code and overdraft.store_id == loser["store_id"]


def test_a_note_never_issued_is_an_overdraft_not_a_lost_sale(hq_service: HQService):
    code = credit_codes.new_credit_code()
    sale = paid_by_note(5, code, "S001")
    who = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    assert hq_service.ingest(who, {"events": [event(sale, 1)]})["results"][0]["status"] == "accepted"
    with hq_service.engine.connect() as conn:
        row = conn.execute(select(credit_notes.overdrafts)).one()
    assert (row.reason, row.taken_minor) == ("credit.unknown", 0)
