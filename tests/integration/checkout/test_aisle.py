"""Endless aisle at the till (services/aisle.py): an item ordered from a nearby store or the
warehouse is a line of the sale, paid like any other; the sale and its order event commit in
one transaction (or neither), the ordered goods move no stock here, bad input writes nothing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from checkout_seed import SHAMPOO, WATER
from sqlalchemy import func, select, text

from store_client import store_time
from store_client.clock import iso
from store_client.persistence.models import AisleCartLine, AisleOrder, AuditEntry, OutboxEvent, Sale
from store_client.services.aisle import AisleService
from store_client.services.errors import InvalidInput
from store_client.services.return_views import ReturnRequest
from store_client.services.returns import ReturnsService
from sync.protocol.events import validate
from sync.terminal import outbox

PHONE = "13912348000"


def put_site(terminal, sku: str, site: str, name: str, on_hand: int, *, kind: str = "store",
             age: timedelta = timedelta(0)) -> None:  # type: ignore[no-untyped-def]
    row = {"sku": sku, "site_id": site, "name": name, "kind": kind, "distance_m": 2_800,
           "on_hand": on_hand, "as_of": iso(terminal.clock.now() - age)}
    with terminal.db.transaction() as s:
        s.execute(text("INSERT OR REPLACE INTO sync_rows (dataset, key, data) VALUES ('stock_nearby', :k, :d)"),
                  {"k": f"{sku}|{site}", "d": json.dumps(row, ensure_ascii=False)})


@pytest.fixture
def aisle(shop):  # type: ignore[no-untyped-def]
    service = AisleService(shop.terminal.db, shop.terminal.clock, shop.checkout.audit, shop.checkout,
                           config=shop.terminal.config)
    shop.checkout.aisle = service
    put_site(shop.terminal, "100001", "S002", "静安寺店", 7)
    put_site(shop.terminal, "100001", "S003", "陆家嘴店", 0)
    put_site(shop.terminal, "100001", "W01", "嘉定仓", 500, kind="warehouse")
    return service


class Event:
    def __init__(self, row: OutboxEvent) -> None:
        self.kind, self.seq, self.payload = row.kind, row.seq, row.payload


def events(shop) -> list[Event]:  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        return [Event(row) for row in s.scalars(select(OutboxEvent).order_by(OutboxEvent.seq))]


def count(shop, model) -> int:  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def pay(shop, view):  # type: ignore[no-untyped-def]
    view = shop.checkout.add_tender(shop.cashier, "cash", view.due_fen)
    return shop.checkout.complete(shop.cashier, cart_id=view.cart_id)


def test_an_ordered_line_is_paid_here_and_sent_to_hq_after_its_sale(shop, aisle) -> None:
    shop.checkout.scan(shop.cashier, WATER)
    view = aisle.add_line(shop.cashier, "100001", "S002", 2, "pickup", "139 1234 8000", "typed by mistake")
    assert [(line.sku, line.quantity) for line in view.lines] == [("100003", 1), ("100001", 2)]
    assert view.total_fen == 200 + 2 * 5990  # the same price as on the shelf
    done = pay(shop, view)

    sale_event, order_event = (e for e in events(shop) if e.kind in ("sale.completed", "aisle.ordered"))
    assert sale_event.seq < order_event.seq  # HQ gets the sale first
    sale = validate("sale.completed", 3, json.loads(sale_event.payload))
    assert [(line["sku"], line.get("ordered", False)) for line in sale["lines"]] == [
        ("100003", False), ("100001", True)]
    order = validate("aisle.ordered", 1, json.loads(order_event.payload))
    assert order["sale_id"] == done.sale_id and order["source"] == {"site_id": "S002", "kind": "store"}
    assert order["customer"] == {"phone": PHONE, "address": None}  # picked up here: no address kept
    assert [(line["line_no"], line["qty"], line["net_minor"]) for line in order["lines"]] == [(2, 2, 11980)]
    assert order["promised_at"] == iso(shop.terminal.clock.now() + timedelta(days=1))  # a store: 1 day
    assert not order["offline"]
    with shop.terminal.db.read() as s:
        moved = dict(s.execute(text("SELECT sku, SUM(delta) FROM stock_movements GROUP BY sku")).all())
        got = s.scalars(select(AisleOrder)).one()
        row = (got.sale_id, json.loads(got.line_nos), got.pickup_code)
        audit = [(a.action, a.details) for a in s.scalars(select(AuditEntry)) if a.action.startswith("aisle.")]
    assert moved == {"100003": -1}  # the ordered shampoo was never on this shelf
    assert row == (done.sale_id, [2], order["code"])
    assert count(shop, AisleCartLine) == 0  # the phone leaves the till with the event
    assert PHONE not in json.dumps(audit, ensure_ascii=False) and "8000" not in json.dumps(audit)
    day = store_time.to_store(shop.terminal.clock.now() + timedelta(days=1))
    assert f"订货：静安寺店（门店）调货，预计{day.month}月{day.day}日到店自提" in done.receipt_text
    assert f"到店自提取货码 {order['code']}（凭手机尾号 8000）" in done.receipt_text


def test_a_delivery_from_the_warehouse_carries_the_address_and_its_lead_time(shop, aisle) -> None:
    view = aisle.add_line(shop.cashier, "100001", "W01", 1, "delivery", PHONE, "上海市静安区南京西路 1 号 1201 室")
    done = pay(shop, view)
    order = validate("aisle.ordered", 1, json.loads(next(e for e in events(shop) if e.kind == "aisle.ordered").payload))
    assert order["customer"]["address"] == "上海市静安区南京西路 1 号 1201 室" and order["code"] is None
    assert order["promised_at"] == iso(shop.terminal.clock.now() + timedelta(days=2))  # a warehouse: 2 days
    assert "嘉定仓（仓库）发货" in done.receipt_text and "送货上门" in done.receipt_text
    assert "取货码" not in done.receipt_text and "南京西路" not in done.receipt_text


@pytest.mark.parametrize(("site", "qty", "fulfilment", "phone", "address", "code"), [
    ("S002", 8, "pickup", PHONE, "", "aisle.quantity_above_source"),
    ("S003", 1, "pickup", PHONE, "", "aisle.source_empty"),
    ("S404", 1, "pickup", PHONE, "", "aisle.unknown_source"),
    ("S002", 1, "delivery", PHONE, "  ", "aisle.address_required"),
    ("S002", 1, "delivery", PHONE, "x" * 201, "aisle.address_too_long"),
    ("S002", 1, "pickup", "1234", "", "aisle.phone_required"),
    ("S002", 0, "pickup", PHONE, "", "aisle.bad_quantity"),
    ("S002", True, "pickup", PHONE, "", "aisle.bad_quantity"),
    ("S002", 1, "drone", PHONE, "", "aisle.bad_fulfilment"),
])
def test_bad_input_is_refused_audited_and_writes_nothing(shop, aisle, site, qty, fulfilment, phone,
                                                          address, code) -> None:
    before = shop.checkout.current_cart(shop.cashier)
    with pytest.raises(InvalidInput) as caught:
        aisle.add_line(shop.cashier, "100001", site, qty, fulfilment, phone, address)
    assert caught.value.code == code
    after = shop.checkout.current_cart(shop.cashier)
    assert (after.lines, after.version) == (before.lines, before.version)
    assert count(shop, AisleCartLine) == 0
    with shop.terminal.db.read() as s:
        refused = [a.details for a in s.scalars(select(AuditEntry).where(AuditEntry.action == "aisle.refused"))]
    assert [json.loads(d)["code"] if isinstance(d, str) else d["code"] for d in refused] == [code]
    assert PHONE not in str(refused)


def test_a_weighed_item_is_not_ordered_from_elsewhere(shop, aisle) -> None:
    with pytest.raises(InvalidInput) as caught:
        aisle.add_line(shop.cashier, "PLU01234", "S002", 500, "pickup", PHONE)
    assert caught.value.code == "aisle.weighed"


def test_a_scan_of_the_same_item_after_an_ordered_line_is_a_line_of_its_own(shop, aisle) -> None:
    aisle.add_line(shop.cashier, "100001", "S002", 1, "pickup", PHONE)
    view = shop.checkout.scan(shop.cashier, SHAMPOO).cart
    assert [(line.line_id, line.quantity) for line in view.lines] == [("1", 1), ("2", 1)]
    view = shop.checkout.scan(shop.cashier, SHAMPOO).cart  # the shelf item merges as before
    assert [(line.line_id, line.quantity) for line in view.lines] == [("1", 1), ("2", 2)]
    pay(shop, view)
    with shop.terminal.db.read() as s:
        moved = s.execute(text("SELECT SUM(delta) FROM stock_movements WHERE sku = '100001'")).scalar()
    assert moved == -2  # the two from the shelf, not the ordered one


def test_a_crash_while_writing_the_order_leaves_neither_sale_nor_order(shop, aisle, monkeypatch) -> None:
    view = aisle.add_line(shop.cashier, "100001", "S002", 1, "pickup", PHONE)
    view = shop.checkout.add_tender(shop.cashier, "cash", view.due_fen)
    real = outbox.enqueue

    def failing(session, kind, payload, **kw):  # type: ignore[no-untyped-def]
        if kind == "aisle.ordered":
            raise OSError("disk gone")
        return real(session, kind, payload, **kw)

    monkeypatch.setattr(outbox, "enqueue", failing)
    with pytest.raises(OSError):
        shop.checkout.complete(shop.cashier, cart_id=view.cart_id)
    assert count(shop, Sale) == 0 and count(shop, AisleOrder) == 0
    assert [e.kind for e in events(shop) if e.kind in ("sale.completed", "aisle.ordered")] == []
    assert count(shop, AisleCartLine) == 1  # the ordered line waits on the cart, as it was
    monkeypatch.setattr(outbox, "enqueue", real)
    done = shop.checkout.complete(shop.cashier, cart_id=view.cart_id)
    assert done.receipt_no and count(shop, AisleOrder) == 1


def test_completing_the_same_cart_twice_sends_one_order(shop, aisle) -> None:
    view = aisle.add_line(shop.cashier, "100001", "S002", 1, "pickup", PHONE)
    view = shop.checkout.add_tender(shop.cashier, "cash", view.due_fen)
    first = shop.checkout.complete(shop.cashier, cart_id=view.cart_id)
    again = shop.checkout.complete(shop.cashier, cart_id=view.cart_id)
    later = shop.reopen().complete(shop.cashier, cart_id=view.cart_id)  # after a restart too
    assert again.sale_id == first.sale_id == later.sale_id
    assert [e.kind for e in events(shop)].count("aisle.ordered") == 1 and count(shop, AisleOrder) == 1


def test_an_ordered_line_whose_quantity_changed_is_refused_at_payment(shop, aisle) -> None:
    view = aisle.add_line(shop.cashier, "100001", "S002", 2, "pickup", PHONE)
    view = shop.checkout.set_quantity(shop.cashier, view.lines[0].line_id, 9)
    view = shop.checkout.add_tender(shop.cashier, "cash", view.due_fen)
    with pytest.raises(InvalidInput) as caught:
        shop.checkout.complete(shop.cashier, cart_id=view.cart_id)
    assert caught.value.code == "aisle.quantity_changed" and count(shop, Sale) == 0


def test_a_voided_ordered_line_orders_nothing(shop, aisle) -> None:
    aisle.add_line(shop.cashier, "100001", "S002", 1, "pickup", PHONE)
    view = shop.checkout.scan(shop.cashier, WATER).cart
    view = shop.checkout.void_line(shop.cashier, "1", shop.grant("sale.void_line"))
    pay(shop, view)
    assert [e.kind for e in events(shop)].count("aisle.ordered") == 0 and count(shop, AisleCartLine) == 0


def test_an_order_on_an_old_figure_is_taken_and_marked_offline(shop, aisle) -> None:
    put_site(shop.terminal, "100001", "S002", "静安寺店", 7, age=timedelta(hours=3))  # HQ out of reach
    pay(shop, aisle.add_line(shop.cashier, "100001", "S002", 1, "pickup", PHONE))
    order = json.loads(next(e for e in events(shop) if e.kind == "aisle.ordered").payload)
    assert order["offline"] is True


def test_an_ordered_line_is_not_returned_before_it_is_handed_over(shop, aisle) -> None:
    shop.checkout.scan(shop.cashier, WATER)
    done = pay(shop, aisle.add_line(shop.cashier, "100001", "S002", 1, "pickup", PHONE))
    returns = ReturnsService(shop.terminal.db, shop.terminal.clock, shop.checkout.audit, shop.checkout.authorizer,
                             config=shop.terminal.config, print_queue=shop.queue, payments=shop.payments)
    sale = returns.find_sale(shop.manager, done.receipt_no)
    with pytest.raises(InvalidInput) as caught:
        returns.refund(shop.manager, ReturnRequest(sale.request_id, sale.sale_id, ((2, 1),), "changed_mind"))
    assert caught.value.code == "return.aisle_not_handed_over"
    back = returns.refund(shop.manager, ReturnRequest(sale.request_id, sale.sale_id, ((1, 1),), "changed_mind"))
    assert back.refund_fen == 200  # the water from the shelf goes back as usual
