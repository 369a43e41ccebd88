"""The cash part of an endless-aisle order at HQ (SQLite and PostgreSQL): worked out from the
sale's tenders when the order arrives (every other tender first, cash last, net of change;
orders of the same sale share the tenders without counting any twice), published to the
store's tills, and checked when the till's ``aisle.cancelled`` v2 says what it paid back in
cash: the refund ledger then owes only the rest. Hostile figures are refused, changing
nothing; a v1 cancel (queued before an upgrade) is still taken, all through the ledger."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select, update

from sync.hq import order_tables as ot
from sync.hq.orders import OnlineOrders
from sync.hq.service import HQService
from sync.protocol.events import PayloadError, validate
from tests.integration.sync.test_aisle_hq import envelope, hq, order_for, sale_with_ordered_line  # noqa: F401
from tests.integration.sync.test_aisle_resolution_hq import cancelled, published, send


def paid_sale(payments: list[tuple[str, int]], *, change: int = 0, ordered: int = 1, seed: int = 4) -> dict:
    """A sale whose first ``ordered`` lines are ordered from S002 (none there: flagged), paid
    by ``payments`` (method, fen) with ``change`` handed back."""
    sale = sale_with_ordered_line(seed)
    for line in sale["lines"][:ordered]:
        line.update(sku="100001", ordered=True)
    total = sum(x["net_minor"] for x in sale["lines"])
    sale.update(total_minor=total, change_minor=change, discount_minor=sum(x["discount_minor"] for x in sale["lines"]))
    sale["payments"] = [{"method": m, "amount_minor": fen, "reference": "AUTH-1" if m == "card" else None,
                         "points": None} for m, fen in payments]
    sale["payments"][-1]["amount_minor"] += total + change - sum(fen for _m, fen in payments)  # the rest
    return sale


def orders_of(sale: dict, count: int) -> list[dict]:
    out = []
    for line in sale["lines"][:count]:
        order = order_for({**sale, "lines": [line]})
        out.append(order)
    return out


def ingest(hq: HQService, sale: dict, orders: list[dict]):  # type: ignore[no-untyped-def]  # noqa: F811
    who = hq.authenticate(hq.issue_token("S001", "T01"))
    events = [envelope(1, "sale.completed", sale, 3)] + [envelope(2 + i, "aisle.ordered", o) for i, o in enumerate(orders)]
    results = hq.ingest(who, {"events": events})["results"]
    assert {r["status"] for r in results} == {"accepted"}, results
    return who


def cash_of(hq: HQService, order_id: str) -> int:  # noqa: F811
    return OnlineOrders(hq).get(order_id)["data"]["aisle"]["cash_minor"]


def v2(order_id: str, refund: int, cash: object) -> dict:
    return {**cancelled(order_id, refund), "cash_minor": cash}


def send2(hq: HQService, who, seq: int, payload: dict) -> dict:  # type: ignore[no-untyped-def]  # noqa: F811
    """An ``aisle.cancelled`` v2, as the till sends it."""
    return hq.ingest(who, {"events": [envelope(seq, "aisle.cancelled", payload, 2)]})["results"][0]


def test_the_v2_validator_checks_the_cash_figure() -> None:
    oid = str(uuid.uuid4())
    assert validate("aisle.cancelled", 2, v2(oid, 500, 200))["cash_minor"] == 200
    assert validate("aisle.cancelled", 2, v2(oid, 500, 500))["cash_minor"] == 500
    assert validate("aisle.cancelled", 1, cancelled(oid, 500))["cash_minor"] == 0  # old payloads stay valid
    for bad in (v2(oid, 500, -1), v2(oid, 500, 501), v2(oid, 500, True), v2(oid, 500, "200"), v2(oid, 500, 2.5),
                v2(oid, 500, None), cancelled(oid, 500)):
        with pytest.raises(PayloadError):
            validate("aisle.cancelled", 2, bad)


def test_a_two_tender_order_owes_only_the_non_cash_part(hq: HQService) -> None:  # noqa: F811
    sale = paid_sale([("card", 100), ("cash", 0)], change=50)  # cash handed over less the change pays the rest
    (order,) = orders_of(sale, 1)
    who = ingest(hq, sale, [order])
    oid, amount = order["order_id"], order["lines"][0]["net_minor"]
    assert amount > 100
    assert cash_of(hq, oid) == amount - 100  # the card is refunded first, cash last
    assert published(hq, "S001")[oid]["aisle"]["cash_minor"] == amount - 100  # the tills see it
    too_much = send2(hq, who, 10, v2(oid, amount, amount - 99))
    assert too_much["status"] == "rejected" and too_much["reason"].startswith("aisle.cash_mismatch")
    assert OnlineOrders(hq).get(oid)["state"] == "accepted" and OnlineOrders(hq).refunds(oid) == []
    ok = send2(hq, who, 11, v2(oid, amount, amount - 100))
    assert ok["status"] == "accepted", ok
    done = OnlineOrders(hq).get(oid)
    assert (done["state"], done["refunded_minor"]) == ("cancelled", amount)
    assert [r["amount_minor"] for r in OnlineOrders(hq).refunds(oid)] == [100]  # never the cash part too


def test_a_till_may_pay_less_cash_and_hq_owes_the_rest(hq: HQService) -> None:  # noqa: F811
    sale = paid_sale([("cash", 0)])
    (order,) = orders_of(sale, 1)
    who = ingest(hq, sale, [order])
    oid, amount = order["order_id"], order["lines"][0]["net_minor"]
    assert cash_of(hq, oid) == amount
    assert send(hq, who, 10, "aisle.cancelled", cancelled(oid, amount))["status"] == "accepted"  # v1: no cash
    assert [r["amount_minor"] for r in OnlineOrders(hq).refunds(oid)] == [amount]


def test_orders_of_one_sale_share_its_tenders_once(hq: HQService) -> None:  # noqa: F811
    sale = paid_sale([("wechat", 100), ("cash", 0)], ordered=2, seed=7)
    assert len(sale["lines"]) >= 2  # the seed gives a sale of more lines
    first, second = orders_of(sale, 2)
    ingest(hq, sale, [first, second])
    a, b = first["lines"][0]["net_minor"], second["lines"][0]["net_minor"]
    cash_paid = sale["total_minor"] - 100
    assert cash_of(hq, first["order_id"]) == max(a - 100, 0)
    assert cash_of(hq, second["order_id"]) == b - max(100 - a, 0)
    assert cash_of(hq, first["order_id"]) + cash_of(hq, second["order_id"]) <= cash_paid


def test_an_order_kept_before_the_cash_part_is_worked_out_from_its_sale(hq: HQService) -> None:  # noqa: F811
    sale = paid_sale([("card", 200), ("cash", 0)])
    (order,) = orders_of(sale, 1)
    who = ingest(hq, sale, [order])
    oid, amount = order["order_id"], order["lines"][0]["net_minor"]
    with hq.engine.begin() as conn:  # as HQ kept it before this release
        body = json.loads(conn.scalar(select(ot.orders.c.data).where(ot.orders.c.order_id == oid)))
        del body["aisle"]["cash_minor"]
        conn.execute(update(ot.orders).where(ot.orders.c.order_id == oid).values(data=json.dumps(body)))
    forged = send2(hq, who, 10, v2(oid, amount, amount))
    assert forged["status"] == "rejected" and forged["reason"].startswith("aisle.cash_mismatch")
    assert send2(hq, who, 11, v2(oid, amount, amount - 200))["status"] == "accepted"
    assert [r["amount_minor"] for r in OnlineOrders(hq).refunds(oid)] == [200]
