"""Online orders at the reference HQ, on SQLite and PostgreSQL: placing, the state machine
HQ enforces on store events, refunds to the online payment, notifications, expiry."""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from store_client.domain import pickup_codes as codes
from sync.hq.demo_data import seed_demo
from sync.hq.order_events import OrderError
from sync.hq.orders import OnlineOrders
from sync.hq.service import HQService

WATER = {"sku": "100001", "qty": 3}
APPLES = {"sku": "300001", "qty": 750}  # grams, at 12.80/kg


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def orders(hq_service: HQService, clock: Clock) -> OnlineOrders:
    seed_demo(hq_service, "S001")
    return OnlineOrders(hq_service, now=clock, code_log2_n=10)


def who(hq: HQService, store: str = "S001", terminal: str = "T01"):  # type: ignore[no-untyped-def]
    return hq.authenticate(hq.issue_token(store, terminal))


def send(hq: HQService, ident, kind: str, payload: dict, *, seq: int | None = None,  # type: ignore[no-untyped-def]
         event_id: str | None = None) -> dict:
    seq = seq if seq is not None else ident.last_seq + 1
    result = hq.ingest(ident, {"events": [{"event_id": event_id or str(uuid.uuid4()), "seq": seq,
                                           "kind": kind, "schema_version": 1,
                                           "payload": payload}]})
    return result["results"][0]


def base(order_id: str, store: str = "S001", terminal: str = "T01") -> dict:
    return {"order_id": order_id, "store_id": store, "terminal_id": terminal,
            "operator_id": "c1", "at": "2026-03-01T10:05:00+00:00"}


def handover(order_id: str, refused: list | None = None, **extra) -> dict:  # type: ignore[no-untyped-def]
    return {**base(order_id, **extra), "method": "code", "offline": False,
            "collector": {"proxy": False, "name": None, "id_tail": None}, "refused": refused or []}


def feed_row(hq: HQService, ident, order_id: str) -> dict:  # type: ignore[no-untyped-def]
    page = hq.changes(ident, "online_orders", None, 500)
    return next(c["data"] for c in page["changes"] if c["key"] == order_id)


def test_place_prices_allocates_to_the_fen_and_publishes_to_the_store_only(orders, hq_service) -> None:
    placed = orders.place("S001", [WATER, APPLES, {"sku": "200002", "qty": 1}],
                          member_id="M00000001", member_name="王芳", phone="138-0013-8000",
                          discounts={"promotion": 101, "coupon": 500, "points": 33})
    gross = [3 * 200, 960, 1290]  # 0.75 kg x 12.80 = 9.60
    assert placed.paid_minor == sum(gross) - 634
    order = orders.get(placed.order_id)
    lines = order["data"]["lines"]
    assert [sum(l["discounts"].values()) + l["net_minor"] for l in lines] == gross
    for source, amount in (("promotion", 101), ("coupon", 500), ("points", 33)):
        assert sum(l["discounts"].get(source, 0) for l in lines) == amount
    assert order["state"] == "accepted" and len(placed.code) == 6
    row = feed_row(hq_service, who(hq_service), placed.order_id)
    assert row["state"] == "accepted" and row["payment"]["amount_minor"] == placed.paid_minor
    text = json.dumps(row)
    assert placed.code not in text.replace(placed.order_no, "") and "13800138000" not in text
    assert codes.check_matches(placed.order_id, row["check"], placed.code, "8000")
    assert not codes.check_matches(placed.order_id, row["check"], placed.code, "8001")
    assert hq_service.changes(who(hq_service, "S002"), "online_orders", None, 500)["changes"] == []
    assert datetime.fromisoformat(row["promised_at"]) - datetime.fromisoformat(row["accepted_at"]) \
        == timedelta(minutes=60)


def test_place_refuses_bad_orders(orders) -> None:
    with pytest.raises(OrderError, match="catalog"):
        orders.place("S001", [{"sku": "999999", "qty": 1}], phone="13800001234")
    with pytest.raises(OrderError, match="phone"):
        orders.place("S001", [WATER], phone="12")
    with pytest.raises(OrderError, match="more than the order"):
        orders.place("S001", [WATER], phone="13800001234", discounts={"coupon": 601})
    with pytest.raises(OrderError):
        orders.place("S001", [{"sku": "100001", "qty": 0}], phone="13800001234")
    assert orders.listing() == []


def test_the_whole_path_with_a_short_line_refunded_once(orders, hq_service) -> None:
    placed = orders.place("S001", [WATER, {"sku": "200001", "qty": 2}], phone="13800001234",
                          member_id="M1", discounts={"coupon": 100})
    t1 = who(hq_service)
    assert send(hq_service, t1, "pickup.picking_started", base(placed.order_id))["status"] == "accepted"
    ready = {**base(placed.order_id), "picks": [
        {"line_no": 1, "picked": 3}, {"line_no": 2, "picked": 1, "short_reason": "out_of_stock"}]}
    assert send(hq_service, who(hq_service), "pickup.ready", ready)["status"] == "accepted"
    order = orders.get(placed.order_id)
    line2 = order["data"]["lines"][1]
    short = line2["net_minor"] - (line2["net_minor"] + 1) // 2  # half of the line, rounded half up
    assert order["state"] == "ready" and order["refunded_minor"] == short
    note = [n for n in orders.notifications(placed.order_id) if n["kind"] == "ready"]
    assert len(note) == 1 and note[0]["channel"] == "wechat" and placed.code in note[0]["params"]["text"]
    orders.provider.fail_next = 1  # the provider is down once: retried, never doubled
    assert orders.housekeeping()["refunds_failed"] == 1
    assert orders.housekeeping()["refunds_paid"] == 1
    assert orders.housekeeping()["refunds_paid"] == 0
    assert orders.provider.refunded_total(order["payment_ref"]) == short
    result = send(hq_service, who(hq_service), "pickup.handed_over", handover(placed.order_id))
    assert result["status"] == "accepted"
    done = orders.get(placed.order_id)
    assert done["state"] == "partially_collected" and done["handed_over_by"] == "T01"
    assert [t["to_state"] for t in orders.transitions(placed.order_id)] == [
        "placed", "accepted", "picking", "ready", "partially_collected"]


def test_refusal_at_the_counter_refunds_that_part(orders, hq_service) -> None:
    placed = orders.place("S001", [WATER, APPLES], phone="13800001234")
    t1 = who(hq_service)
    send(hq_service, t1, "pickup.picking_started", base(placed.order_id), seq=1)
    send(hq_service, t1, "pickup.ready", {**base(placed.order_id), "picks": [
        {"line_no": 1, "picked": 3}, {"line_no": 2, "picked": 800}]}, seq=2)  # 50 g over: a gift
    assert orders.get(placed.order_id)["refunded_minor"] == 0
    result = send(hq_service, t1, "pickup.handed_over", handover(
        placed.order_id, [{"line_no": 1, "qty": 1, "reason": "damaged"}]), seq=3)
    assert result["status"] == "accepted"
    order = orders.get(placed.order_id)
    net1 = order["data"]["lines"][0]["net_minor"]
    assert order["state"] == "partially_collected"
    assert order["refunded_minor"] == net1 - (net1 * 2 + 1) // 3


@pytest.mark.parametrize("case", ["before_ready", "second_handover", "other_store", "cancelled",
                                  "not_on_order", "too_many", "substitute", "wrong_terminal"])
def test_illegal_transitions_are_refused_with_a_code_and_change_nothing(orders, hq_service, case) -> None:
    placed = orders.place("S001", [WATER], phone="13800001234")
    t1 = who(hq_service)
    oid = placed.order_id
    if case == "before_ready":
        payload, kind, code = handover(oid), "pickup.handed_over", "pickup.illegal_transition"
    elif case == "other_store":
        payload, kind, code = base(oid, "S002"), "pickup.picking_started", "pickup.wrong_store"
        t1 = who(hq_service, "S002")
    elif case == "wrong_terminal":
        payload, kind, code = base(oid, "S001", "T09"), "pickup.picking_started", "pickup.wrong_store"
    elif case == "cancelled":
        orders.cancel(oid)
        payload, kind, code = base(oid), "pickup.picking_started", "pickup.cancelled"
    else:
        send(hq_service, t1, "pickup.picking_started", base(oid), seq=1)
        picks = {"not_on_order": [{"line_no": 1, "picked": 3}, {"line_no": 7, "picked": 1}],
                 "too_many": [{"line_no": 1, "picked": 4}],
                 "substitute": [{"line_no": 1, "picked": 3, "substitute_sku": "100002"}],
                 "second_handover": [{"line_no": 1, "picked": 3}]}[case]
        kind, payload = "pickup.ready", {**base(oid), "picks": picks}
        code = {"not_on_order": "pickup.not_on_order", "too_many": "pickup.quantity_above_ordered",
                "substitute": "pickup.substitution_not_allowed"}.get(case)
        if case == "second_handover":
            send(hq_service, t1, "pickup.ready", payload, seq=2)
            send(hq_service, t1, "pickup.handed_over", handover(oid), seq=3)
            kind, payload, code = "pickup.handed_over", handover(oid), "pickup.already_collected"
    before = orders.get(oid)
    result = send(hq_service, who(hq_service, t1.store_id), kind, payload, seq=10)
    assert result["status"] == "rejected"
    assert result["reason"].startswith(code + ":")
    after = orders.get(oid)
    assert (after["state"], after["version"], after["refunded_minor"]) == \
        (before["state"], before["version"], before["refunded_minor"])


def test_a_transition_is_stored_once_by_event_id(orders, hq_service) -> None:
    placed = orders.place("S001", [WATER], phone="13800001234")
    t1 = who(hq_service)
    eid = str(uuid.uuid4())
    first = send(hq_service, t1, "pickup.picking_started", base(placed.order_id), seq=1, event_id=eid)
    again = send(hq_service, t1, "pickup.picking_started", base(placed.order_id), seq=1, event_id=eid)
    assert first["status"] == "accepted" and again.get("duplicate") is True
    assert [t["to_state"] for t in orders.transitions(placed.order_id)].count("picking") == 1


def test_two_tills_race_to_hand_over_exactly_one_stands(orders, hq_service) -> None:
    placed = orders.place("S001", [WATER], phone="13800001234")
    t1, t2 = who(hq_service, "S001", "T01"), who(hq_service, "S001", "T02")
    send(hq_service, t1, "pickup.picking_started", base(placed.order_id), seq=1)
    send(hq_service, t1, "pickup.ready", {**base(placed.order_id),
                                          "picks": [{"line_no": 1, "picked": 3}]}, seq=2)
    results: list[dict] = []
    start = threading.Barrier(2)

    def hand(ident, terminal: str, seq: int) -> None:  # type: ignore[no-untyped-def]
        start.wait()
        results.append(send(hq_service, ident, "pickup.handed_over",
                            handover(placed.order_id, terminal=terminal), seq=seq))

    threads = [threading.Thread(target=hand, args=(t1, "T01", 3)),
               threading.Thread(target=hand, args=(t2, "T02", 1))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert sorted(r["status"] for r in results) == ["accepted", "rejected"]
    loser = next(r for r in results if r["status"] == "rejected")
    assert loser["reason"].startswith("pickup.already_collected:")
    assert [t["to_state"] for t in orders.transitions(placed.order_id)].count("collected") == 1


def test_cancel_refunds_everything_and_a_lost_provider_answer_is_not_paid_twice(orders) -> None:
    placed = orders.place("S001", [WATER], phone="13800001234")
    assert orders.cancel(placed.order_id) == placed.paid_minor
    with pytest.raises(OrderError, match="pickup.cancelled"):
        orders.cancel(placed.order_id)
    orders.provider.lose_next = 1  # refunded, but the answer never came back
    assert orders.housekeeping()["refunds_failed"] == 1
    assert orders.housekeeping()["refunds_paid"] == 1
    order = orders.get(placed.order_id)
    assert orders.provider.refunded_total(order["payment_ref"]) == placed.paid_minor
    assert [r["status"] for r in orders.refunds(placed.order_id)] == ["done"]
    assert [n["kind"] for n in orders.notifications(placed.order_id)] == ["cancelled"]


def test_reminder_then_not_collected_with_full_refund(orders, hq_service, clock) -> None:
    placed = orders.place("S001", [WATER], phone="13800001234")
    t1 = who(hq_service)
    send(hq_service, t1, "pickup.picking_started", base(placed.order_id), seq=1)
    send(hq_service, t1, "pickup.ready", {**base(placed.order_id),
                                          "picks": [{"line_no": 1, "picked": 3}]}, seq=2)
    clock.at += timedelta(hours=46, minutes=30)
    assert orders.housekeeping()["reminded"] == 1
    assert orders.housekeeping()["reminded"] == 0  # once
    clock.at += timedelta(hours=2)
    assert orders.housekeeping()["expired"] == 1
    order = orders.get(placed.order_id)
    assert order["state"] == "not_collected" and order["refunded_minor"] == placed.paid_minor
    assert [n["kind"] for n in orders.notifications(placed.order_id)] == ["ready", "reminder"]
    late = send(hq_service, t1, "pickup.handed_over", handover(placed.order_id), seq=3)
    assert late["reason"].startswith("pickup.not_collected:")


def test_the_signed_qr_verifies_with_the_published_key_and_a_forgery_does_not(orders, hq_service) -> None:
    placed = orders.place("S001", [WATER], phone="13800001234")
    page = hq_service.changes(who(hq_service), "store_settings", None, 500)
    keys = next(c["data"] for c in page["changes"] if c["key"] == "pickup_qr")["keys"]
    now = int(orders.now().timestamp())
    assert codes.verify_qr(placed.qr, keys, now).order_id == placed.order_id
    other = orders.place("S001", [WATER], phone="13800001234")
    forged = placed.qr.replace(placed.order_id, other.order_id)
    with pytest.raises(codes.QrRefused, match="forged"):
        codes.verify_qr(forged, keys, now)
    with pytest.raises(codes.QrRefused, match="expired"):
        codes.verify_qr(placed.qr, keys, now + 49 * 3600)


def test_the_online_shop_simulator_places_valid_orders_and_keeps_house(orders, hq_service) -> None:
    import random

    from sync.hq.shop_simulator import ShopSimulator, random_order

    products = orders.catalog_products()
    rng = random.Random(5)
    for _ in range(15):
        placed = random_order(orders, "S001", products, rng)
        row = orders.get(placed.order_id)
        gross = sum(l["unit_price_minor"] * l["qty"] // (1000 if l["unit"] == "kg" else 1)
                    for l in row["data"]["lines"])
        assert 0 < placed.paid_minor <= gross + len(row["data"]["lines"])  # kg rounding, per line
        assert row["state"] == "accepted"
    shop = ShopSimulator(orders, "S002", lambda: products, every=0.05, housekeeping_every=0.02,
                         first_after=0.0, seed=1).start()
    try:
        deadline = time.monotonic() + 20
        while len(shop.placed) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        shop.stop()
    assert len(shop.placed) >= 2
    assert {o["store_id"] for o in orders.listing(state="accepted")} == {"S001", "S002"}
