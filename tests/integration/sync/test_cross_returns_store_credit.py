"""At store S001's till, against the reference HQ over HTTP: a store-S002 sale paid partly with
a store credit note is returned here. The note's part goes back onto that note at HQ when the
return is confirmed (once, however often confirmed), never more than the note paid, counted
together with the selling till's own returns; offline from the receipt QR, when HQ settles it."""

from __future__ import annotations

import random
import uuid

import pytest
from online_returns_world import AT, open_shift, send
from test_credit_notes_hq import issue, no_receipt

from store_client.domain.roles import Role
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer
from store_client.services.cross_return_views import CrossReturnRequest
from store_client.services.cross_returns import CrossReturnsService
from sync.hq import credit_notes
from sync.terminal.transport import HQClient
from tools.soak import make_sale

MANAGER = Actor("m1", "张经理", Role.MANAGER)


@pytest.fixture
def world(terminal, add_operator, hq_server, sqlite_hq):  # type: ignore[no-untyped-def]
    add_operator("m1", "manager", "2468", name="张经理")
    open_shift(terminal, MANAGER)
    token = sqlite_hq.issue_token("S001", "T01")
    audit = AuditLog(terminal.clock)
    svc = CrossReturnsService(terminal.db, terminal.clock, audit, Authorizer(terminal.db, audit, terminal.clock),
                              config=terminal.config, client=lambda: HQClient(hq_server.url, token, timeout=5))
    return terminal, sqlite_hq, svc


def note_sale(hq, note_fen: int = 3000) -> tuple[dict, str]:  # type: ignore[no-untyped-def]
    """A note issued at S003, then a sale of S002's till T03 paid ``note_fen`` by it (spent at HQ
    online, as the checkout does) and the rest in cash."""
    issued = no_receipt("S003", "T05", amount=5000)
    assert issue(hq, hq.authenticate(hq.issue_token("S003", "T05")), issued)["status"] == "accepted"
    code = issued["credit_note"]["code"]
    seed = 7
    sale = make_sale(random.Random(seed), store_id="S002", terminal_id="T03")
    while sale["total_minor"] <= note_fen + 100:
        seed += 1000
        sale = make_sale(random.Random(seed), store_id="S002", terminal_id="T03")
    sid = f"{uuid.uuid4()}:t1"
    hq.spend_credit_note(hq.authenticate(hq.issue_token("S002", "T03")), code, note_fen, sid)
    sale.update(sale_id=str(uuid.uuid4()), completed_at=AT, change_minor=0, receipt_no=f"S002-T03-{seed:06d}",
                member_id=None, points_redeemed=0, points_earned=0)
    sale["payments"] = [{"method": "store_credit", "amount_minor": note_fen, "reference": "CN****" + code[-4:],
                         "points": None, "credit_note": {"code": code, "spend_id": sid, "offline": False}},
                        {"method": "cash", "amount_minor": sale["total_minor"] - note_fen, "reference": None,
                         "points": None}]
    send(hq, "S002", "T03", "sale.completed", sale)
    assert hq.credit_note_balance(code) == (5000, 5000 - note_fen)
    return sale, code


def whole(original) -> tuple[tuple[int, int], ...]:  # type: ignore[no-untyped-def]
    return tuple((line.line_no, line.returnable) for line in original.lines)


def test_another_stores_sale_paid_by_a_note_returned_here_puts_the_note_part_back_once(world):
    terminal, hq, svc = world
    sale, code = note_sale(hq)
    [original] = svc.find(MANAGER, sale["receipt_no"]).originals
    assert {m for m, _f in original.tenders} == {"store_credit", "cash"}
    request = CrossReturnRequest(original.request_id, whole(original), "changed_mind")
    done = svc.refund(MANAGER, request)
    assert dict(done.tenders) == {"cash": sale["total_minor"] - 3000, "store_credit": 3000}
    assert hq.credit_note_balance(code) == (5000, 5000)  # back on the note, at the confirmation
    again = svc.refund(MANAGER, request)  # a double key: the first return, nothing more
    assert again.repeated and hq.credit_note_balance(code) == (5000, 5000)
    with hq.engine.connect() as conn:
        rows = conn.execute(credit_notes.refunds.select()).all()
    assert [(r.code, r.amount_minor, r.sale_id) for r in rows] == [(code, 3000, sale["sale_id"])]


def test_the_note_never_gets_back_more_than_it_paid_across_the_selling_till_and_another_store(world):
    """The selling till returned a line first (return.completed), part of it onto the note.
    Another store then returns the rest of the sale: HQ counts the selling till's own return
    (that line is not offered again), and the note gets back only what is left of what it
    paid: the two returns together give it back exactly what it paid, never more."""
    terminal, hq, svc = world
    sale, code = note_sale(hq, note_fen=3000)
    line = sale["lines"][0]
    own_return = {"return_id": str(uuid.uuid4()), "request_id": str(uuid.uuid4()), "return_no": "S002-T03-R000001",
                  "sale_id": sale["sale_id"], "receipt_no": sale["receipt_no"], "store_id": "S002",
                  "terminal_id": "T03", "operator_id": "c9", "approved_by": None, "completed_at": AT,
                  "member_id": None, "reason": {"code": "changed_mind", "text": ""},
                  "lines": [{"line_no": line["line_no"], "sku": line["sku"], "qty": line["qty"],
                             "refund_minor": line["net_minor"]}],
                  "refund_minor": line["net_minor"],
                  "tenders": [{"method": "store_credit", "amount_minor": min(1000, line["net_minor"]), "points": None,
                               "reference": "CN****" + code[-4:], "original_reference": code}]
                  + ([{"method": "cash", "amount_minor": line["net_minor"] - 1000, "points": None,
                       "reference": None, "original_reference": None}] if line["net_minor"] > 1000 else []),
                  "points_refunded": 0, "points_reversed": 0}
    send(hq, "S002", "T03", "return.completed", own_return)
    back_first = min(1000, line["net_minor"])
    assert hq.credit_note_balance(code) == (5000, 2000 + back_first)
    [original] = svc.find(MANAGER, sale["receipt_no"]).originals
    rest = tuple((n, q) for n, q in whole(original) if q)
    svc.refund(MANAGER, CrossReturnRequest(original.request_id, rest, "changed_mind"))
    assert line["line_no"] not in dict(rest)  # the selling till took it back: not offered here
    with hq.engine.connect() as conn:
        back = sorted(r.amount_minor for r in conn.execute(credit_notes.refunds.select()))
    assert back == sorted([back_first, 3000 - back_first])  # together exactly what the note paid
    assert hq.credit_note_balance(code) == (5000, 5000)


def test_a_voucher_part_of_another_stores_sale_is_refunded_here_as_a_new_credit_note(world):
    """No voucher ledger to give it back to and never cash: the voucher part becomes a store
    credit note of this till, spendable here at once and at any till once HQ has the event."""
    import json

    from points_coupons_world import sale_with_points
    from sqlalchemy import select

    from online_returns_world import member
    from store_client.persistence.models import OutboxEvent
    from store_client.persistence.no_receipt_models import CreditNote
    from sync.protocol.events import PayloadError, validate

    terminal, hq, svc = world
    sale = sale_with_points(hq, member(hq), seed=77, points=0, points_fen=0, wallet="voucher")
    [original] = svc.find(MANAGER, sale["receipt_no"]).originals
    request = CrossReturnRequest(original.request_id, whole(original), "changed_mind")
    done = svc.refund(MANAGER, request)
    assert dict(done.tenders) == {"voucher": sale["total_minor"]}
    with terminal.db.read() as s:
        note = s.scalar(select(CreditNote).where(CreditNote.return_id == done.return_id))
        event = s.scalar(select(OutboxEvent).where(OutboxEvent.kind == "return.taken"))
        s.expunge_all()
    payload, version = json.loads(event.payload), event.schema_version
    assert (note.amount_fen, note.remaining_fen) == (sale["total_minor"], sale["total_minor"])
    assert payload["voucher_note"] == {"code": note.code, "amount_minor": sale["total_minor"]}
    assert payload["tenders"][0]["reference"] == "CN****" + note.code[-4:]
    assert svc.refund(MANAGER, request).repeated  # the same request: no second note
    with terminal.db.read() as s:
        assert len(s.scalars(select(CreditNote)).all()) == 1
    for broken in ({**payload, "voucher_note": None}, {**payload, "voucher_note": {"code": "CN00000000000000",
                                                                                   "amount_minor": 1}},
                   {**payload, "voucher_note": {"code": note.code, "amount_minor": 1}}):
        with pytest.raises(PayloadError):
            validate("return.taken", version, broken)
    till = hq.authenticate(hq.issue_token("S001", "T01"))
    envelope = {"event_id": event.event_id, "seq": 1, "kind": "return.taken", "schema_version": version,
                "created_at": event.created_at, "payload": payload}
    assert hq.ingest(till, {"events": [envelope]})["results"][0]["status"] == "accepted"
    assert hq.credit_note_balance(note.code) == (sale["total_minor"], sale["total_minor"])
    again = {**envelope, "event_id": str(uuid.uuid4()), "seq": 2,
             "payload": {**payload, "return_id": str(uuid.uuid4())}}  # the same note issued twice: refused
    assert "already issued" in hq.ingest(till, {"events": [again]})["results"][0]["reason"]
