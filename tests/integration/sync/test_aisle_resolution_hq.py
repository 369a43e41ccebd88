"""Resolving a flagged endless-aisle order at HQ (SQLite and PostgreSQL): re-sourced from a
site with the stock (held there, off the store's pick-up list until it arrives, then ready),
or cancelled with the refund owed through HQ's refund ledger; exactly once, and hostile
input (resolve twice, an unknown order, another store's, a source without stock, a wrong
refund) refused with nothing changed."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select

from sync.hq import aisle as hq_aisle
from sync.hq import schema as t
from sync.hq.orders import OnlineOrders
from sync.hq.service import HQService
from sync.protocol.events import PayloadError, validate
from tests.integration.sync.test_aisle_hq import envelope, held, hq, order_for, receive  # noqa: F401
from tests.integration.sync.test_aisle_hq import sale_with_ordered_line

AT = "2026-12-01T03:00:00+00:00"


def published(hq: HQService, store: str) -> dict[str, dict]:  # noqa: F811
    """The store's online_orders rows a till holds after pulling (a deleted row is gone)."""
    with hq.engine.connect() as conn:
        return {k: json.loads(d) for k, d in conn.execute(select(t.dataset_rows.c.key, t.dataset_rows.c.data).where(
            t.dataset_rows.c.dataset == "online_orders", t.dataset_rows.c.scope == store,
            t.dataset_rows.c.deleted.is_(False)))}


def flagged_order(hq: HQService) -> tuple[dict, object]:  # type: ignore[no-untyped-def]
    """An order of 3 x 100001 from S002, which has none: flagged."""
    who = hq.authenticate(hq.issue_token("S001", "T01"))
    sale = sale_with_ordered_line(4)
    line = sale["lines"][0]
    line.update(sku="100001", qty=3, line_total_minor=3 * line["unit_price_minor"])
    line["net_minor"] = line["line_total_minor"] - line["discount_minor"]
    sale["total_minor"] = sum(x["net_minor"] for x in sale["lines"])
    sale["discount_minor"] = sum(x["discount_minor"] for x in sale["lines"])
    sale["change_minor"] = 0
    sale["payments"] = [{"method": "cash", "amount_minor": sale["total_minor"], "reference": None, "points": None}]
    order = order_for(sale)
    results = hq.ingest(who, {"events": [envelope(1, "sale.completed", sale, 3), envelope(2, "aisle.ordered", order)]})
    assert [r["status"] for r in results["results"]] == ["accepted", "accepted"]
    assert OnlineOrders(hq).get(order["order_id"])["data"]["aisle"]["problem"] == "source_short"
    return order, who


def resourced(order_id: str, site: str = "S003", kind: str = "store", store: str = "S001") -> dict:
    return {"order_id": order_id, "store_id": store, "terminal_id": "T01", "operator_id": "a1", "at": AT,
            "source": {"site_id": site, "kind": kind}, "promised_at": "2026-12-03T09:00:00+00:00"}


def cancelled(order_id: str, refund: int, store: str = "S001") -> dict:
    return {"order_id": order_id, "store_id": store, "terminal_id": "T01", "operator_id": "m1", "at": AT,
            "reason": "来源缺货，顾客同意退款", "refund_minor": refund, "approved_by": None}


def send(hq: HQService, who, seq: int, kind: str, payload: dict) -> dict:  # type: ignore[no-untyped-def]
    return hq.ingest(who, {"events": [envelope(seq, kind, payload)]})["results"][0]


def test_the_validators_check_the_shape() -> None:
    oid = str(uuid.uuid4())
    validate("aisle.resourced", 1, resourced(oid))
    validate("aisle.cancelled", 1, cancelled(oid, 100))
    for kind, bad in (("aisle.resourced", resourced(oid, site="S 3")), ("aisle.resourced", resourced(oid, kind="shop")),
                      ("aisle.resourced", {**resourced(oid), "promised_at": "soon"}),
                      ("aisle.resourced", {**resourced(oid), "order_id": "W000001"}),
                      ("aisle.cancelled", cancelled(oid, -1)), ("aisle.cancelled", {**cancelled(oid, 1), "reason": " x "}),
                      ("aisle.cancelled", cancelled(oid, True))):  # type: ignore[arg-type]
        with pytest.raises(PayloadError):
            validate(kind, 1, bad)


def test_resourced_from_a_store_with_stock_exactly_once(hq: HQService) -> None:  # noqa: F811
    order, who = flagged_order(hq)
    oid = order["order_id"]
    assert oid in published(hq, "S001")  # on the store's Pick-up list, flagged
    no_stock = send(hq, who, 3, "aisle.resourced", resourced(oid, "S003"))
    assert no_stock["status"] == "rejected" and no_stock["reason"].startswith("aisle.source_short")
    receive(hq, "S003", "100001", 5)
    ok = send(hq, who, 4, "aisle.resourced", resourced(oid, "S003"))
    assert ok["status"] == "accepted", ok
    data = OnlineOrders(hq).get(oid)["data"]["aisle"]
    assert (data["problem"], data["source_site_id"], data["resourced_from"]) == (None, "S003", "S002")
    assert held(hq, "S003", "100001") == 3
    assert oid not in published(hq, "S001")  # off the list until the goods arrive
    again = send(hq, who, 5, "aisle.resourced", resourced(oid, "S003"))  # resolved twice
    assert again["status"] == "rejected" and again["reason"].startswith("aisle.resolved")
    assert held(hq, "S003", "100001") == 3
    hq_aisle.arrived(OnlineOrders(hq), oid)
    assert published(hq, "S001")[oid]["state"] == "ready"


def test_cancelled_with_the_refund_owed_exactly_once(hq: HQService) -> None:  # noqa: F811
    order, who = flagged_order(hq)
    oid = order["order_id"]
    paid = OnlineOrders(hq).get(oid)["paid_minor"]
    wrong = send(hq, who, 3, "aisle.cancelled", cancelled(oid, paid + 1))
    assert wrong["status"] == "rejected" and wrong["reason"].startswith("aisle.refund_mismatch")
    assert send(hq, who, 4, "aisle.cancelled", cancelled(oid, paid))["status"] == "accepted"
    done = OnlineOrders(hq).get(oid)
    assert (done["state"], done["refunded_minor"]) == ("cancelled", paid)
    refunds = OnlineOrders(hq).refunds(oid)
    assert [(r["amount_minor"], r["reason"]) for r in refunds] == [(paid, "aisle_cancelled")]
    assert published(hq, "S001")[oid]["state"] == "cancelled"  # off the store's open list
    again = send(hq, who, 5, "aisle.cancelled", cancelled(oid, 0))
    assert again["status"] == "rejected" and again["reason"].startswith("aisle.resolved")
    late = send(hq, who, 6, "aisle.resourced", resourced(oid, "W01", "warehouse"))
    assert late["status"] == "rejected" and late["reason"].startswith("aisle.resolved")
    assert len(OnlineOrders(hq).refunds(oid)) == 1  # refunded once


def test_hostile_resolutions_are_refused(hq: HQService) -> None:  # noqa: F811
    order, who = flagged_order(hq)
    oid = order["order_id"]
    other = hq.authenticate(hq.issue_token("S002", "T01"))
    cases = [
        (who, "aisle.resourced", resourced(str(uuid.uuid4())), "aisle.unknown_order"),
        (who, "aisle.resourced", resourced(oid, "S001"), "aisle.source_short"),  # the store itself
        (who, "aisle.resourced", resourced(oid, "W01", "store"), "aisle.source_short"),  # the wrong kind
        (who, "aisle.resourced", resourced(oid, "S999"), "aisle.source_short"),  # not registered
        (other, "aisle.cancelled", cancelled(oid, 1, store="S002"), "aisle.wrong_store"),  # another store's
        (other, "aisle.cancelled", cancelled(oid, 1), "aisle.wrong_store"),  # sent as S001 by S002
    ]
    placed = OnlineOrders(hq).place("S001", [{"sku": "100002", "qty": 1}], phone="13800001234")
    cases.append((who, "aisle.cancelled", cancelled(placed.order_id, 1), "aisle.not_aisle"))
    for seq, (ident, kind, payload, code) in enumerate(cases, start=10):
        result = send(hq, ident, seq, kind, payload)
        assert result["status"] == "rejected" and result["reason"].startswith(code), (kind, code, result)
    flagged = OnlineOrders(hq).get(oid)
    assert (flagged["state"], flagged["data"]["aisle"]["problem"], flagged["refunded_minor"]) == (
        "accepted", "source_short", 0)
