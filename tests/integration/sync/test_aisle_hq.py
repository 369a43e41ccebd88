"""Endless aisle at HQ (SQLite and PostgreSQL): a till's ``aisle.ordered`` event becomes one
online order reserved at its source, exactly once; a source that cannot supply it flags the
order and tells the store; the goods arriving make it ready in the store's pick-up list."""

from __future__ import annotations

import copy
import json
import random
import uuid

import pytest
from sqlalchemy import select

from sync.hq import aisle as hq_aisle
from sync.hq import schema as t
from sync.hq import stock as hq_stock
from sync.hq.demo_data import seed_demo, seed_demo_sites
from sync.hq.order_events import OrderError
from sync.hq.orders import OnlineOrders
from sync.hq.service import HQService
from sync.protocol.events import PayloadError, validate
from tools.soak import make_sale

PHONE = "13912348000"


def envelope(seq: int, kind: str, payload: dict, version: int = 1, event_id: str | None = None) -> dict:
    return {"event_id": event_id or str(uuid.uuid4()), "seq": seq, "kind": kind, "schema_version": version,
            "created_at": "2026-12-01T02:00:00+00:00", "payload": payload}


def sale_with_ordered_line(seed: int = 1) -> dict:
    sale = make_sale(random.Random(seed), store_id="S001", terminal_id="T01")
    sale["lines"][0]["ordered"] = True
    return sale


def order_for(sale: dict, *, site: str = "S002", kind: str = "store", fulfilment: str = "pickup",
              qty: int | None = None) -> dict:
    line = sale["lines"][0]
    return {"order_id": str(uuid.uuid4()), "sale_id": sale["sale_id"], "receipt_no": sale["receipt_no"],
            "store_id": "S001", "terminal_id": "T01", "operator_id": "c1", "member_id": None,
            "ordered_at": sale["completed_at"], "promised_at": "2026-12-02T09:00:00.000000+00:00",
            "source": {"site_id": site, "kind": kind}, "fulfilment": fulfilment,
            "customer": {"phone": PHONE, "address": "上海市静安区南京西路1号" if fulfilment == "delivery" else None},
            "code": "123456" if fulfilment == "pickup" else None, "offline": False,
            "lines": [{"line_no": line["line_no"], "sku": line["sku"], "name_zh": "商品", "name_en": "Item",
                       "category": "-", "unit": "each", "qty": qty or line["qty"],
                       "unit_price_minor": line["unit_price_minor"], "net_minor": line["net_minor"]}]}


@pytest.fixture
def hq(hq_service: HQService) -> HQService:
    seed_demo(hq_service, "S001")
    seed_demo_sites(hq_service)
    return hq_service


def receive(hq: HQService, store: str, sku: str, qty: int) -> None:
    who = hq.authenticate(hq.issue_token(store, "T09"))
    moved = {"store_id": store, "terminal_id": "T09", "movements": [
        {"sku": sku, "delta": qty, "reason": "receipt", "ref": str(uuid.uuid4()), "at": "2026-12-01T01:00:00+00:00"}]}
    assert hq.ingest(who, {"events": [envelope(1, "stock.moved", moved)]})["results"][0]["status"] == "accepted"


def held(hq: HQService, site: str, sku: str) -> int:
    with hq.engine.connect() as conn:
        return hq_aisle.held(conn, site, sku)


def on_hand(hq: HQService, site: str, sku: str) -> int | None:
    with hq.engine.connect() as conn:
        return hq_stock.on_hand(conn, site, sku)


def published(hq: HQService, store: str) -> dict[str, dict]:
    with hq.engine.connect() as conn:
        return {k: json.loads(d) for k, d in conn.execute(select(t.dataset_rows.c.key, t.dataset_rows.c.data).where(
            t.dataset_rows.c.dataset == "online_orders", t.dataset_rows.c.scope == store))}


def test_the_validator_checks_the_shape() -> None:
    sale = sale_with_ordered_line()
    good = order_for(sale)
    assert validate("aisle.ordered", 1, good)["paid_minor"] == sale["lines"][0]["net_minor"]
    bad = [
        {**good, "fulfilment": "delivery"},  # a delivery without an address (and with a code)
        {**good, "customer": {"phone": "12345", "address": None}},
        {**good, "customer": {"phone": PHONE, "address": "上海市静安区南京西路1号"}},  # pick-up here: no address
        {**good, "code": None},
        {**good, "code": "12a456"},
        {**good, "source": {"site_id": "S 002", "kind": "store"}},
        {**good, "source": {"site_id": "S002", "kind": "shop"}},
        {**good, "lines": []},
        {**good, "lines": good["lines"] * 2},
        {**good, "lines": [{**good["lines"][0], "net_minor": 1.5}]},
        {**good, "offline": "no"},
        {**good, "order_id": "not-a-uuid"},
        {**good, "promised_at": "tomorrow"},
        {**good, "promised_at": "2026-12-02T09:00:00"},  # no offset
        {**good, "ordered_at": "zzzz"},
    ]
    for payload in bad:
        with pytest.raises(PayloadError):
            validate("aisle.ordered", 1, payload)
    with pytest.raises(PayloadError):
        validate("sale.completed", 3, {**sale, "lines": [{**sale["lines"][0], "ordered": "yes"}, *sale["lines"][1:]]})


def test_an_order_is_reserved_at_its_source_exactly_once(hq: HQService) -> None:
    receive(hq, "S002", "100001", 9)
    receive(hq, "S001", "100001", 4)
    sale = sale_with_ordered_line()
    sale["lines"][0].update(sku="100001")
    order = order_for(sale)
    batch = {"events": [envelope(1, "sale.completed", sale, 3), envelope(2, "aisle.ordered", order)]}
    who = hq.authenticate(hq.issue_token("S001", "T01"))
    first = hq.ingest(who, copy.deepcopy(batch))
    assert [r["status"] for r in first["results"]] == ["accepted", "accepted"]
    again = hq.ingest(who, copy.deepcopy(batch))  # the answer was lost: sent again
    assert [r.get("duplicate") for r in again["results"]] == [True, True]
    qty = sale["lines"][0]["qty"]
    assert held(hq, "S002", "100001") == qty
    row = OnlineOrders(hq).get(order["order_id"])
    assert (row["state"], row["store_id"], row["provider"], row["paid_minor"]) == (
        "accepted", "S001", "store", sale["lines"][0]["net_minor"])
    assert row["data"]["aisle"]["source_site_id"] == "S002" and row["data"]["aisle"]["problem"] is None
    assert len(OnlineOrders(hq).listing("S001")) == 1
    assert on_hand(hq, "S001", "100001") == 4  # the ordered line was not on this store's shelf
    assert on_hand(hq, "S002", "100001") == 9  # reserved, not gone yet
    assert published(hq, "S001") == {}  # nothing to pick in S001 until the goods arrive
    with hq.engine.connect() as conn:  # the stores that see S002 see what the order holds there
        nearby = json.loads(conn.scalar(select(t.dataset_rows.c.data).where(
            t.dataset_rows.c.dataset == "stock_nearby", t.dataset_rows.c.scope == "S001",
            t.dataset_rows.c.key == "100001|S002")))
    assert (nearby["on_hand"], nearby["reserved"]) == (9, qty)
    # the same order under another event id, or another order for the same line: refused
    twice = hq.ingest(who, {"events": [envelope(3, "aisle.ordered", order)]})["results"][0]
    assert twice["status"] == "rejected" and twice["reason"].startswith("aisle.order_known")
    other = hq.ingest(who, {"events": [envelope(4, "aisle.ordered", {**order, "order_id": str(uuid.uuid4())})]})
    assert other["results"][0]["reason"].startswith("aisle.line_ordered")


def test_an_order_that_does_not_match_its_sale_is_refused(hq: HQService) -> None:
    receive(hq, "S002", "100001", 9)
    sale = sale_with_ordered_line(2)
    who = hq.authenticate(hq.issue_token("S001", "T01"))
    unknown = hq.ingest(who, {"events": [envelope(1, "aisle.ordered", order_for(sale))]})["results"][0]
    assert unknown["reason"].startswith("aisle.unknown_sale")
    plain = copy.deepcopy(sale)
    plain["lines"][0].pop("ordered")
    results = hq.ingest(who, {"events": [envelope(2, "sale.completed", plain, 3),
                                         envelope(3, "aisle.ordered", order_for(plain))]})["results"]
    assert results[0]["status"] == "accepted" and results[1]["reason"].startswith("aisle.not_on_sale")
    bigger = sale_with_ordered_line(3)
    results = hq.ingest(who, {"events": [envelope(4, "sale.completed", bigger, 3),
                                         envelope(5, "aisle.ordered", order_for(bigger, qty=99))]})["results"]
    assert results[1]["reason"].startswith("aisle.not_on_sale")
    b = hq.authenticate(hq.issue_token("S002", "T01"))
    foreign = hq.ingest(b, {"events": [envelope(1, "aisle.ordered", order_for(bigger))]})["results"][0]
    assert foreign["reason"].startswith("aisle.wrong_store")
    assert OnlineOrders(hq).listing() == []


def test_a_source_without_the_stock_flags_the_order_and_tells_the_store(hq: HQService) -> None:
    receive(hq, "S002", "100001", 5)
    who = hq.authenticate(hq.issue_token("S001", "T01"))
    first, second = sale_with_ordered_line(4), sale_with_ordered_line(5)
    for sale in (first, second):
        sale["lines"][0].update(sku="100001", qty=3, line_total_minor=3 * sale["lines"][0]["unit_price_minor"])
        sale["lines"][0]["net_minor"] = sale["lines"][0]["line_total_minor"] - sale["lines"][0]["discount_minor"]
        sale["total_minor"] = sum(line["net_minor"] for line in sale["lines"])
        sale["discount_minor"] = sum(line["discount_minor"] for line in sale["lines"])
        sale["change_minor"] = 0
        sale["payments"] = [{"method": "cash", "amount_minor": sale["total_minor"], "reference": None, "points": None}]
    a, b = order_for(first), order_for(second)
    results = hq.ingest(who, {"events": [envelope(1, "sale.completed", first, 3), envelope(2, "aisle.ordered", a),
                                         envelope(3, "sale.completed", second, 3), envelope(4, "aisle.ordered", b)]})
    assert [r["status"] for r in results["results"]] == ["accepted"] * 4  # paid: never refused at HQ
    assert held(hq, "S002", "100001") == 3  # 5 on hand: the second order of 3 does not fit
    flagged = OnlineOrders(hq).get(b["order_id"])
    assert flagged["data"]["aisle"]["problem"] == "source_short"
    rows = published(hq, "S001")
    assert list(rows) == [b["order_id"]] and rows[b["order_id"]]["aisle"]["problem"] == "source_short"
    assert "phone" not in json.dumps(rows) and PHONE not in json.dumps(rows, ensure_ascii=False)
    assert "南京西路" not in json.dumps(rows, ensure_ascii=False)
    with pytest.raises(OrderError):
        hq_aisle.arrived(OnlineOrders(hq), b["order_id"])  # a flagged order never becomes ready
    with pytest.raises(OrderError):
        OnlineOrders(hq).cancel(a["order_id"])  # paid at a till: HQ does not refund it
    unknown = order_for(sale_with_ordered_line(6), site="S999")
    sale6 = sale_with_ordered_line(6)
    results = hq.ingest(who, {"events": [envelope(5, "sale.completed", sale6, 3), envelope(6, "aisle.ordered", unknown)]})
    assert OnlineOrders(hq).get(unknown["order_id"])["data"]["aisle"]["problem"] == "source_short"


def test_arrival_makes_it_ready_for_the_store_and_moves_the_source_stock(hq: HQService) -> None:
    from sync.hq import warehouse

    warehouse.apply(hq, "W01", [("100001", "40")], receiving=False)
    sale = sale_with_ordered_line(7)
    sale["lines"][0]["sku"] = "100001"
    order = order_for(sale, site="W01", kind="warehouse")
    who = hq.authenticate(hq.issue_token("S001", "T01"))
    hq.ingest(who, {"events": [envelope(1, "sale.completed", sale, 3), envelope(2, "aisle.ordered", order)]})
    orders = OnlineOrders(hq)
    hq_aisle.arrived(orders, order["order_id"])
    qty = sale["lines"][0]["qty"]
    assert on_hand(hq, "W01", "100001") == 40 - qty and held(hq, "W01", "100001") == 0
    row = published(hq, "S001")[order["order_id"]]
    assert row["state"] == "ready" and [p["picked"] for p in row["picks"]] == [qty]
    assert [n["kind"] for n in orders.notifications(order["order_id"])] == ["ready"]
    with pytest.raises(OrderError):
        hq_aisle.arrived(orders, order["order_id"])  # arrives once
    picking = {"order_id": order["order_id"], "store_id": "S001", "terminal_id": "T01", "operator_id": "c1",
               "at": "2026-12-02T09:00:00+00:00"}
    refused = hq.ingest(who, {"events": [envelope(3, "pickup.picking_started", picking)]})["results"][0]
    assert refused["reason"].startswith("pickup.illegal_transition")


def test_a_delivery_is_closed_when_delivered_and_never_reaches_the_store(hq: HQService) -> None:
    receive(hq, "S002", "100001", 9)
    sale = sale_with_ordered_line(8)
    sale["lines"][0]["sku"] = "100001"
    order = order_for(sale, fulfilment="delivery")
    who = hq.authenticate(hq.issue_token("S001", "T01"))
    hq.ingest(who, {"events": [envelope(1, "sale.completed", sale, 3), envelope(2, "aisle.ordered", order)]})
    orders = OnlineOrders(hq)
    assert orders.get(order["order_id"])["data"]["delivery_address"] == "上海市静安区南京西路1号"
    with pytest.raises(OrderError):
        hq_aisle.arrived(orders, order["order_id"])  # not a pick-up
    hq_aisle.delivered(orders, order["order_id"])
    assert orders.get(order["order_id"])["state"] == "collected"
    assert on_hand(hq, "S002", "100001") == 9 - sale["lines"][0]["qty"]
    assert published(hq, "S001") == {}
