"""HQ's side of an exchange of another store's sale or an online order: the ``return.taken`` v3
validator, the exchange credit marked when the till reserves (only the part paid back is owed
to the provider or given back as points), and the ingest holding the return to its new sale
and to that credit, so a forged link or credit is refused with the reason."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import select

from store_client.persistence.models import OutboxEvent
from sync.hq import exchange_credits
from sync.hq.exchanges import taken_problem
from sync.protocol.cross_exchange_events import taken_version
from sync.protocol.events import PayloadError, validate
from sync.terminal.transport import BatchRejected, HQClient
from tests.integration.checkout.checkout_seed import SHAMPOO, WATER
from tests.integration.sync.cross_exchange_world import MANAGER, make_till
from tests.integration.sync.online_returns_world import collected_order, member
from tests.integration.sync.points_coupons_world import sale_with_points

IDS = {"return_id": "0b8e4c1e-5d1c-4c55-9d5e-2f7f7c1c0001", "request_id": "0b8e4c1e-5d1c-4c55-9d5e-2f7f7c1c0002"}
SALE = "0b8e4c1e-5d1c-4c55-9d5e-2f7f7c1c0003"
GOOD = {**IDS, "return_no": "S001-T01-X000001", "original_ref": "order:abc", "source": "hq", "receipt_no": "W000001",
        "store_id": "S001", "terminal_id": "T01", "operator_id": "m1", "approved_by": None,
        "completed_at": "2026-01-01T09:00:00+00:00", "refund_minor": 500, "reason": {"code": "wrong_item", "text": ""},
        "lines": [{"line_no": 1, "sku": "100001", "qty": 1, "refund_minor": 500}],
        "tenders": [{"method": "online", "amount_minor": 500, "reference": None, "credit_minor": 300}],
        "exchange": {"exchange_id": "0b8e4c1e-5d1c-4c55-9d5e-2f7f7c1c0004", "sale_id": SALE, "credit_minor": 300}}


def with_tender(**changes) -> dict:  # type: ignore[no-untyped-def]
    payload = copy.deepcopy(GOOD)
    payload["tenders"][0].update(changes)
    return payload


def test_the_v3_validator_takes_an_exchange_and_refuses_what_does_not_add_up():
    data = validate("return.taken", 3, GOOD)
    assert data["exchange"]["credit_minor"] == 300 and data["tenders"][0]["credit_minor"] == 300
    plain = {k: v for k, v in GOOD.items() if k != "exchange"}
    plain["tenders"] = [{"method": "online", "amount_minor": 500, "reference": None}]
    assert validate("return.taken", 3, plain)["exchange"] is None and taken_version(plain) == 2
    assert taken_version(GOOD) == 3
    bad = [
        {**GOOD, "exchange": None},  # a credit without its exchange
        with_tender(credit_minor=301),  # the credits do not add up to the exchange's
        with_tender(credit_minor=501),  # more credit than the tender's share
        with_tender(credit_minor=-1),
        with_tender(credit_minor="300"),
        {**GOOD, "exchange": {**GOOD["exchange"], "credit_minor": 0}},
        {**GOOD, "exchange": {**GOOD["exchange"], "sale_id": "not-a-uuid"}},
        {**GOOD, "original_ref": f"sale:{SALE}"},  # the new sale is not the original
        {**GOOD, "original_ref": "order:abc", "tenders": [{"method": "cash", "amount_minor": 500, "reference": None,
                                                           "instead_of": "online", "credit_minor": 300}]},
    ]
    for payload in bad:
        with pytest.raises(PayloadError):
            validate("return.taken", 3, payload)
    assert validate("return.taken", 2, GOOD)["tenders"][0].get("credit_minor") is None  # v2 knows no credit


@pytest.fixture
def world(terminal, add_operator, hq_server, sqlite_hq):  # type: ignore[no-untyped-def]
    add_operator("m1", "manager", "2468", name="张经理")
    till = make_till(terminal, hq_server.url, sqlite_hq.issue_token("S001", "T01"))
    return till, sqlite_hq, hq_server


def exchanged_points_sale(till, hq):  # type: ignore[no-untyped-def]
    """Store S002's sale paid by 800 points and WeChat Pay, exchanged here whole for goods that
    leave 600–800 fen to give back (as points): each tender's share is part credit."""
    sale = sale_with_points(hq, member(hq), seed=6, points=800, points_fen=800)
    [original] = till.cross.find(MANAGER, sale["receipt_no"]).originals
    credit = till.start(original, tuple((x.line_no, x.returnable) for x in original.lines))
    shampoos, rest = divmod(sale["total_minor"] - 800, 5990)
    till.scan(*[SHAMPOO] * shampoos, *[WATER] * -(-rest // 200))
    quote = till.exchanges.apply(MANAGER)
    till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=quote.cart.cart_id)
    with till.terminal.db.read() as s:
        return [{"event_id": e.event_id, "seq": e.seq, "kind": e.kind, "schema_version": e.schema_version,
                 "payload": json.loads(e.payload)} for e in s.scalars(select(OutboxEvent).order_by(OutboxEvent.seq))]


def _taken(events: list[dict]) -> dict:
    return next(e for e in events if e["kind"] == "return.taken")


def _sale_of(events: list[dict], sale_id: str) -> dict:
    return next(e for e in events if e["kind"] == "sale.completed" and e["payload"]["sale_id"] == sale_id)


def _forge(events: list[dict], how: str) -> list[dict]:
    events = copy.deepcopy(events)
    taken = _taken(events)["payload"]
    if how == "other_exchange":  # the new sale names another exchange
        _sale_of(events, taken["exchange"]["sale_id"])["payload"]["exchange"]["exchange_id"] = (
            "00000000-0000-4000-8000-0000000000ee")
    elif how == "sale_missing":
        events.remove(_sale_of(events, taken["exchange"]["sale_id"]))
    elif how == "credit_moved":  # the same total credit, 1 fen moved from the wallet's share to the points'
        by = {t["method"]: t for t in taken["tenders"]}
        by["points"]["credit_minor"] += 1
        by["wechat"]["credit_minor"] -= 1
    elif how == "plain":  # sent as a plain return: all of it paid back
        del taken["exchange"]
        for t in taken["tenders"]:
            t.pop("credit_minor")
        _taken(events)["schema_version"] = 2
    return events


@pytest.mark.parametrize("how, reason", [
    ("other_exchange", "does not name this return"),
    ("sale_missing", "has not been received"),
    ("credit_moved", "reserved with another exchange credit"),
    ("plain", "reserved with another exchange credit"),
])
def test_hq_refuses_a_forged_link_or_credit_and_accepts_the_real_one(world, how, reason):
    till, hq, _server = world
    events = exchanged_points_sale(till, hq)
    who = hq.authenticate(hq.issue_token("S001", "T01"))
    forged = _forge(events, how)
    results = {e["event_id"]: r for e, r in zip(forged, hq.ingest(who, {"events": forged})["results"], strict=True)}
    result = results[_taken(forged)["event_id"]]
    assert result["status"] == "rejected" and reason in result["reason"], result
    assert all(r["status"] == "accepted" for eid, r in results.items() if eid != _taken(forged)["event_id"])


def test_hq_accepts_the_real_events_and_the_credit_it_marked_holds(world):
    till, hq, _server = world
    events = exchanged_points_sale(till, hq)
    who = hq.authenticate(hq.issue_token("S001", "T01"))
    assert {r["status"] for r in hq.ingest(who, {"events": events})["results"]} == {"accepted"}
    taken = _taken(events)["payload"]
    with hq.engine.connect() as conn:
        assert exchange_credits.marked(conn, taken["return_id"]) == {
            t["method"]: t["credit_minor"] for t in taken["tenders"] if t["credit_minor"]}
        assert taken_problem(conn, validate("return.taken", 3, taken), []) is None


def test_the_reserve_endpoint_refuses_a_credit_that_does_not_fit_and_a_second_credit(world):
    till, hq, server = world
    placed = collected_order(hq, member(hq))
    [order] = till.cross.find(MANAGER, placed.order_no).originals
    ref, lines, tenders = order.original_ref, {1: (1, 100)}, {"online": 100}
    other = HQClient(server.url, hq.issue_token("S001", "T09"), timeout=5)
    with HQClient(server.url, till.token, timeout=5) as client:
        for credit in ({"cash": 50}, {"online": 101}, {"online": 0}):  # a tender it does not refund, too much
            with pytest.raises(BatchRejected) as bad:
                client.reserve_return("r-1", ref, lines, tenders, credit=credit)
            assert bad.value.status == 400, credit
        assert client.reserve_return("r-2", ref, lines, tenders, credit={"online": 60})["state"] == "reserved"
        assert client.reserve_return("r-2", ref, lines, tenders, credit={"online": 60})["state"] == "reserved"
        with pytest.raises(BatchRejected) as again:  # the same return with another credit
            client.reserve_return("r-2", ref, lines, tenders, credit={"online": 40})
        assert again.value.code == "return.id_reused"
        assert client.reserve_return("r-3", ref, lines, tenders)["state"] == "reserved"
        with pytest.raises(BatchRejected) as late:  # a credit added to a plain return afterwards
            client.reserve_return("r-3", ref, lines, tenders, credit={"online": 60})
        assert late.value.code == "return.id_reused"
    with other, pytest.raises(BatchRejected) as foreign:  # another till's return
        other.reserve_return("r-2", ref, lines, tenders, credit={"online": 60})
    assert foreign.value.code == "return.id_reused"
    with HQClient(server.url, till.token, timeout=5) as client:
        client.settle_return("r-2", "confirm")
    from tests.integration.sync.test_cross_exchanges import owed

    assert owed(hq, "r-2") == 40  # the provider is owed only the part paid back


def test_the_credit_marked_once_owes_the_provider_only_the_rest_on_sqlite_and_postgresql(hq_service):
    from sync.hq import cross_returns as hq_cross
    from sync.hq.returnables import ReturnablesService, ReturnAsk

    placed = collected_order(hq_service, member(hq_service))
    ref = f"order:{placed.order_id}"
    with hq_service.engine.begin() as conn:
        exchange_credits.mark(conn, "x-1", "S001", "T01", {"online": 100})
        exchange_credits.mark(conn, "x-1", "S001", "T01", {"online": 100})  # the same again: nothing new
        assert exchange_credits.refusal(conn, "x-1", "S001", "T01", {"online": 99}) is not None
        assert exchange_credits.refusal(conn, "x-1", "S009", "T01", {"online": 100}) is not None
        assert exchange_credits.refusal(conn, "x-1", "S001", "T01", {}) is not None  # as a plain return
        assert exchange_credits.refusal(conn, "x-2", "S001", "T01", {}) is None
    returnables = ReturnablesService(hq_service.engine, hq_cross.load_original)
    returnables.reserve(ReturnAsk("x-1", ref, "S001", "T01", {1: (1, 150)}, {"online": 150}))
    returnables.confirm("x-1")
    assert hq_cross.owe_online_refund(hq_service.engine, "x-1") == 50
    assert hq_cross.owe_online_refund(hq_service.engine, "x-1") == 0  # owed once
    returnables.reserve(ReturnAsk("x-2", ref, "S001", "T01", {1: (1, 150)}, {"online": 150}))
    with hq_service.engine.begin() as conn, pytest.raises(exchange_credits.CreditRefused):
        exchange_credits.mark(conn, "x-2", "S001", "T01", {"online": 10})  # reserved as a plain return
