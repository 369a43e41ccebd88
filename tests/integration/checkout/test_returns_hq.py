"""HQ accepts, checks and stores "return.completed" events from a real terminal's outbox."""

from __future__ import annotations

import copy
import json
import uuid

import pytest
from checkout_seed import SHAMPOO, TOOTHPASTE
from sqlalchemy import select, text
from test_returns import request, returns_for, sell

from store_client.persistence.models import OutboxEvent
from sync.hq.service import HQService, make_engine


def outbox(shop) -> list[dict]:  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        return [{"event_id": e.event_id, "seq": e.seq, "kind": e.kind,
                 "schema_version": e.schema_version, "payload": json.loads(e.payload)}
                for e in s.scalars(select(OutboxEvent).order_by(OutboxEvent.seq))]


@pytest.fixture
def hq(tmp_path):  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}")
    try:
        yield HQService(engine)
    finally:
        engine.dispose()


def statuses(result: dict) -> list[str]:
    return [r["status"] for r in result["results"]]


def test_sale_and_two_partial_returns_are_stored_and_listed(shop, hq):
    done = sell(shop, [TOOTHPASTE, TOOTHPASTE, SHAMPOO])
    svc = returns_for(shop)
    sale = svc.find_sale(shop.manager, done.receipt_no)
    first = svc.refund(shop.manager, request(sale, [(sale.lines[0].line_no, 1)]))
    who = hq.authenticate(hq.issue_token("S001", "T01"))
    events = outbox(shop)
    assert statuses(hq.ingest(who, {"events": events})) == ["accepted"] * len(events)  # one batch
    sale = svc.find_sale(shop.manager, done.receipt_no)
    second = svc.refund(shop.manager, request(sale, [(sale.lines[0].line_no, 1)]))
    later = [e for e in outbox(shop) if e["seq"] > events[-1]["seq"]]
    assert [e["kind"] for e in later].count("return.completed") == 1
    assert statuses(hq.ingest(who, {"events": later})) == ["accepted"] * len(later)
    returns = hq.list_returns("S001")
    assert [r["return_id"] for r in returns] == [first.return_id, second.return_id]
    assert all(r["sale_id"] == done.sale_id for r in returns)
    assert returns[1]["payload"]["receipt_no"] == done.receipt_no
    (listed,) = hq.list_sales("S001")
    assert listed["refunded_minor"] == first.refund_fen + second.refund_fen
    assert statuses(hq.ingest(who, {"events": later})) == ["accepted"] * len(later)  # resent
    assert len(hq.list_returns()) == 2


def test_returns_hq_cannot_place_are_rejected_with_a_reason(shop, hq):
    done = sell(shop, [SHAMPOO, SHAMPOO])
    svc = returns_for(shop)
    sale = svc.find_sale(shop.manager, done.receipt_no)
    svc.refund(shop.manager, request(sale, [(sale.lines[0].line_no, 1)]))
    sale_event, return_event = [e for e in outbox(shop)
                                if e["kind"] in ("sale.completed", "return.completed")]
    who = hq.authenticate(hq.issue_token("S001", "T01"))

    result = hq.ingest(who, {"events": [return_event]})  # the sale never reached HQ
    assert statuses(result) == ["rejected"] and "has not received" in result["results"][0]["reason"]

    other = hq.authenticate(hq.issue_token("S001", "T02"))
    hq.ingest(who, {"events": [sale_event]})
    foreign = {**copy.deepcopy(return_event), "event_id": str(uuid.uuid4())}
    result = hq.ingest(other, {"events": [foreign]})
    assert statuses(result) == ["rejected"] and "T01" in result["results"][0]["reason"]

    over = copy.deepcopy(return_event)
    over["event_id"], over["seq"] = str(uuid.uuid4()), return_event["seq"] + 1
    p = over["payload"]
    p["return_id"], extra = str(uuid.uuid4()), done.total_fen
    p["lines"][0]["refund_minor"] += extra
    p["refund_minor"] += extra
    p["tenders"][0]["amount_minor"] += extra
    result = hq.ingest(who, {"events": [over]})
    assert statuses(result) == ["rejected"] and "more than is left" in result["results"][0]["reason"]

    float_amount = copy.deepcopy(return_event)
    float_amount["event_id"] = str(uuid.uuid4())
    float_amount["payload"]["refund_minor"] = float(float_amount["payload"]["refund_minor"])
    result = hq.ingest(who, {"events": [float_amount]})
    assert statuses(result) == ["rejected"] and "integer" in result["results"][0]["reason"]

    assert statuses(hq.ingest(who, {"events": [return_event]})) == ["accepted"]
    again = {**copy.deepcopy(return_event), "event_id": str(uuid.uuid4()),
             "seq": return_event["seq"] + 5}
    result = hq.ingest(who, {"events": [again]})  # the same return under a new event id
    assert statuses(result) == ["rejected"] and "already received" in result["results"][0]["reason"]
    assert len(hq.list_returns()) == 1
    assert hq.list_sales()[0]["refunded_minor"] == return_event["payload"]["refund_minor"]


def test_the_same_return_twice_in_one_batch_is_rejected_not_a_crash(shop, hq):
    """A copy of a return under another event id, in the same batch: before, the unique
    index failed the whole batch (on every retry); now the copy is refused with a reason."""
    import uuid

    done = sell(shop, [TOOTHPASTE, SHAMPOO])
    svc = returns_for(shop)
    sale = svc.find_sale(shop.manager, done.receipt_no)
    svc.refund(shop.manager, request(sale, [(sale.lines[0].line_no, 1)]))
    events = outbox(shop)
    original = next(e for e in events if e["kind"] == "return.completed")
    copy = {**original, "event_id": str(uuid.uuid4()), "seq": events[-1]["seq"] + 1}
    who = hq.authenticate(hq.issue_token("S001", "T01"))
    result = hq.ingest(who, {"events": [*events, copy]})
    assert statuses(result) == ["accepted"] * len(events) + ["rejected"]
    assert "already received" in result["results"][-1]["reason"]
    assert len(hq.list_returns()) == 1


def test_hq_checks_each_line_and_tender_of_a_return_not_only_its_total(shop, hq):
    """Within the sale's total, a return that takes more of a line, more money on a line or
    money to a tender the sale was not paid with is refused with the line or tender named."""
    done = sell(shop, [SHAMPOO, TOOTHPASTE])  # paid in cash
    svc = returns_for(shop)
    sale = svc.find_sale(shop.manager, done.receipt_no)
    cheap = min(sale.lines, key=lambda line: line.sold.net_fen)
    svc.refund(shop.manager, request(sale, [(cheap.line_no, 1)]))
    sale_event, return_event = [e for e in outbox(shop)
                                if e["kind"] in ("sale.completed", "return.completed")]
    who = hq.authenticate(hq.issue_token("S001", "T01"))
    assert statuses(hq.ingest(who, {"events": [sale_event]})) == ["accepted"]
    net = return_event["payload"]["lines"][0]["refund_minor"]
    assert 0 < net < done.total_fen

    def altered(change) -> dict:  # type: ignore[no-untyped-def]
        event = copy.deepcopy(return_event)
        event["event_id"], event["payload"]["return_id"] = str(uuid.uuid4()), str(uuid.uuid4())
        change(event["payload"])
        return event

    def more_money(p: dict) -> None:  # one fen more on the cheap line: the total still fits
        p["lines"][0]["refund_minor"] += 1
        p["refund_minor"] += 1
        p["tenders"][0]["amount_minor"] += 1

    def more_units(p: dict) -> None:
        p["lines"][0]["qty"] += 1

    def other_sku(p: dict) -> None:
        p["lines"][0]["sku"] = "999999"

    def to_card(p: dict) -> None:
        p["tenders"][0]["method"] = "card"

    for change, words in ((more_money, f"refunds {net + 1} where {net}"),
                          (more_units, "returns 2 where 1"), (other_sku, "is not a line"),
                          (to_card, "tender card")):
        result = hq.ingest(who, {"events": [altered(change)]})
        assert statuses(result) == ["rejected"], change.__name__
        assert words in result["results"][0]["reason"], (change.__name__, result)
    assert statuses(hq.ingest(who, {"events": [return_event]})) == ["accepted"]
    assert len(hq.list_returns()) == 1


def test_hq_gives_back_the_points_paid_with_and_takes_back_all_the_earned_share(shop, hq):
    """A member's sale paid partly with points, returned in two parts: HQ's ledger gets the
    points back and loses the earned points in proportion to the money refunded, once per
    return, also what the till's cap (the member's balance as it knew it) left."""
    from checkout_seed import MEMBER, MEMBER_PHONE
    from sqlalchemy import insert as sql_insert

    from sync.hq.members import MembersService, members as hq_members

    with hq.engine.begin() as conn:  # the same member at HQ, with nothing on the ledger yet
        conn.execute(sql_insert(hq_members).values(
            member_id=MEMBER, phone=MEMBER_PHONE, tier="regular", channel="store",
            created_at="2026-01-01T00:00:00+00:00"))
    ledger = MembersService(hq.engine)
    done = sell(shop, [SHAMPOO, SHAMPOO], tenders=(("points", 1000), ("cash", None)), member=MEMBER)
    who = hq.authenticate(hq.issue_token("S001", "T01"))
    sent = outbox(shop)
    assert statuses(hq.ingest(who, {"events": sent})) == ["accepted"] * len(sent)
    sale_event = next(e for e in sent if e["kind"] == "sale.completed")["payload"]
    earned, redeemed = sale_event["points_earned"], sale_event["points_redeemed"]
    assert earned > 0 and redeemed > 0
    assert ledger.get(MEMBER)["points"] == earned - redeemed

    svc = returns_for(shop)
    sale = svc.find_sale(shop.manager, done.receipt_no)
    line = sale.lines[0]
    svc.refund(shop.manager, request(sale, [(line.line_no, 1)]))
    sale = svc.find_sale(shop.manager, done.receipt_no)
    svc.refund(shop.manager, request(sale, [(line.line_no, 1)]))
    later = [e for e in outbox(shop) if e["seq"] > sent[-1]["seq"]]
    for event in later:  # as a till sends it that capped the reversal at a spent balance
        if event["kind"] == "return.completed":
            event["payload"]["points_reversed"] = 0
    assert statuses(hq.ingest(who, {"events": later})) == ["accepted"] * len(later)
    assert statuses(hq.ingest(who, {"events": later})) == ["accepted"] * len(later)  # resent: once
    # everything given back: the points paid with are the member's again, the earned all gone
    assert ledger.get(MEMBER)["points"] == 0
    with hq.engine.connect() as conn:
        causes = sorted(row.cause.split(":")[-1] for row in conn.execute(
            text("SELECT cause FROM hq_points_ledger WHERE member_id = :m"),
            {"m": MEMBER}))
    assert causes == ["earned", "earned_back", "earned_back", "points_back", "redeemed"]
