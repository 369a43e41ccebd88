"""Exchanges at store S001's till of what it did not sell, against the real reference HQ over
HTTP (docs/returns.md, "Exchanges"): an online order or store S002's sale comes back, its value
pays the new items first, the customer pays the rest or gets the difference back by the return
rules (the online payment through HQ, points back at HQ, cash from the drawer), the new sale and
the return written in one transaction, HQ's reservation around it, each done once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from store_client.persistence.models import CrossExchange, CrossReturn, Sale
from store_client.services.errors import ServiceError
from sync.hq import cross_returns as hq_cross
from sync.hq import order_tables as ot
from sync.hq.orders import OnlineOrders
from sync.hq.returnables import ReturnablesService, reservations
from tests.integration.checkout.checkout_seed import COOKER, SHAMPOO, WATER
from tests.integration.sync.cross_exchange_world import MANAGER, make_till
from tests.integration.sync.online_returns_world import collected_order, member, pull_keys, store_b_sale


@pytest.fixture
def world(terminal, add_operator, hq_server, sqlite_hq):  # type: ignore[no-untyped-def]
    add_operator("m1", "manager", "2468", name="张经理")
    add_operator("m2", "manager", "1357", name="李经理")
    till = make_till(terminal, hq_server.url, sqlite_hq.issue_token("S001", "T01"))
    return till, sqlite_hq, hq_server


def reservation(hq, return_id: str) -> str | None:  # type: ignore[no-untyped-def]
    with hq.engine.connect() as conn:
        return conn.scalar(select(reservations.c.state).where(reservations.c.return_id == return_id))


def owed(hq, return_id: str) -> int | None:  # type: ignore[no-untyped-def]
    with hq.engine.connect() as conn:
        return conn.scalar(select(ot.refunds.c.amount_minor).where(ot.refunds.c.request_id == return_id))


def provider_paid(hq, placed) -> int:  # type: ignore[no-untyped-def]
    orders = OnlineOrders(hq)
    return orders.provider.refunded_total(orders.get(placed.order_id)["payment_ref"])


def test_an_online_order_exchanged_for_dearer_goods_the_customer_pays_the_rest_and_the_provider_nothing(world):
    till, hq, _server = world
    placed = collected_order(hq, member(hq))
    order = till.find(placed.order_no)
    first = order.lines[0]
    credit = till.start(order, [(first.line_no, 1)])
    value = order.plan(((first.line_no, 1),)).total_fen
    assert credit.cross and credit.credit_fen == value and credit.receipt_no == placed.order_no
    assert till.written()["returns"] == 0  # nothing written until it is paid
    till.scan(COOKER)
    quote = till.exchanges.apply(MANAGER)
    assert (quote.credit_fen, quote.due_fen, quote.refund_fen) == (value, 49900 - value, 0)
    assert [(t.kind, t.amount_fen) for t in quote.cart.tenders] == [("exchange", value)]
    view = till.checkout.add_tender(MANAGER, "cash", 50000)
    done = till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=view.cart_id)
    assert (done.credit_fen, done.due_fen, done.refund_fen, done.change_fen) == (value, 49900 - value, 0,
                                                                                  50000 - (49900 - value))
    assert done.refund_tenders == () and not done.repeated and till.exchanges.current() is None
    assert till.written() == {"sales": 1, "returns": 1, "links": 1, "taken": 1, "sold": 1, "stock": 2, "audit": 2}
    with till.terminal.db.read() as s:
        link = s.scalars(select(CrossExchange)).one()
        ret = s.get(CrossReturn, link.return_id)
        assert ret.original_ref == order.original_ref and ret.refund_fen == value and ret.cash_fen == 0
        assert ret.reserved_at_hq and link.sale_id == s.scalars(select(Sale.id)).one()
        return_id, sale_id, exchange_id = ret.id, link.sale_id, link.id
    [taken] = till.events("return.taken")
    [sale] = till.events("sale.completed")
    assert taken["version"] == 3 and taken["exchange"] == {"exchange_id": exchange_id, "sale_id": sale_id,
                                                            "credit_minor": value}
    assert [(t["method"], t["amount_minor"], t["credit_minor"]) for t in taken["tenders"]] == [("online", value, value)]
    assert sale["exchange"] == {"exchange_id": exchange_id, "return_id": return_id, "credit_minor": value}
    assert reservation(hq, return_id) == "confirmed"
    assert owed(hq, return_id) is None and provider_paid(hq, placed) == 0  # the credit bought the cooker

    again = till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=view.cart_id)
    assert again.repeated and (again.return_no, again.receipt_no) == (done.return_no, done.receipt_no)
    assert till.written()["links"] == 1 and till.written()["sales"] == 1

    till.upload()  # HQ takes both events, holds them to each other, owes the provider nothing
    with hq.engine.connect() as conn:
        assert conn.scalar(select(hq_cross.taken.c.state).where(hq_cross.taken.c.return_id == return_id)) == "settled"
    assert owed(hq, return_id) is None and provider_paid(hq, placed) == 0
    assert till.find(placed.order_no).lines[0].returnable == first.quantity - 1
    x = till.shifts().x_report(MANAGER, print_it=False).figures
    assert x.cash_refund_fen == 0 and dict(x.by_tender)["exchange"] == value
    assert x.expected_cash_fen == 10_000 + 49900 - value


def test_an_online_order_exchanged_for_cheaper_goods_the_difference_goes_back_to_its_payment_through_hq(world):
    till, hq, _server = world
    placed = collected_order(hq, member(hq))
    order = till.find(placed.order_no)
    first = order.lines[0]
    credit = till.start(order, [(first.line_no, first.quantity)])
    value = credit.credit_fen
    till.scan(WATER)
    quote = till.exchanges.apply(MANAGER)
    assert (quote.credit_fen, quote.due_fen, quote.refund_fen) == (200, 0, value - 200)
    assert quote.refund_tenders == (("online", value - 200),) and quote.card_refund_fen == 0
    done = till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=quote.cart.cart_id)
    assert done.refund_tenders == (("online", value - 200),) and done.refund_fen == value - 200
    assert "换货小票" in done.receipt_text and "线上原路退回" in done.receipt_text
    with till.terminal.db.read() as s:
        return_id = s.scalars(select(CrossReturn.id)).one()
    assert owed(hq, return_id) == value - 200 and provider_paid(hq, placed) == value - 200  # only the difference
    till.upload()
    assert owed(hq, return_id) == value - 200 and provider_paid(hq, placed) == value - 200  # once
    again = till.exchanges.completed(credit.request.request_id)
    assert again is not None and again.repeated and again.refund_tenders == (("online", value - 200),)
    x = till.shifts().x_report(MANAGER, print_it=False).figures
    assert x.cash_refund_fen == 0 and x.expected_cash_fen == 10_000  # nothing left the drawer


def test_a_store_sale_by_its_receipt_qr_the_difference_back_in_cash_from_the_drawer(world):
    till, hq, server = world
    sale, qr = store_b_sale(hq, seed=31)
    pull_keys(till.terminal, server.url, till.token)
    original = till.find(qr)
    assert original.source == "receipt_qr" and original.store_id == "S002"
    line = original.lines[0]
    credit = till.start(original, [(line.line_no, line.quantity)], reason="changed_mind")
    assert credit.credit_fen == line.net_fen > 200
    till.scan(WATER)
    quote = till.exchanges.apply(MANAGER)
    assert quote.refund_tenders == (("cash", line.net_fen - 200),)
    done = till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=quote.cart.cart_id)
    assert done.refund_tenders == (("cash", line.net_fen - 200),) and done.credit_fen == 200
    with till.terminal.db.read() as s:
        ret = s.scalars(select(CrossReturn)).one()
        assert (ret.refund_fen, ret.cash_fen, ret.reserved_at_hq) == (line.net_fen, line.net_fen - 200, True)
    [taken] = till.events("return.taken")
    assert [(t["method"], t["amount_minor"], t["credit_minor"]) for t in taken["tenders"]] == [
        ("cash", line.net_fen, 200)]
    x = till.shifts().x_report(MANAGER, print_it=False).figures
    assert x.cash_refund_fen == line.net_fen - 200  # only the difference left the drawer
    assert x.expected_cash_fen == 10_000 - (line.net_fen - 200)
    till.upload()
    status = ReturnablesService(hq.engine, hq_cross.load_original).status(original.original_ref)
    assert status[1][line.line_no].returned == line.quantity and status[2] == {"cash": line.net_fen}


def _points_sale(till, hq, seed: int):  # type: ignore[no-untyped-def]
    from sync.hq.members import MembersService
    from tests.integration.sync.points_coupons_world import sale_with_points

    fan = member(hq)
    sale = sale_with_points(hq, fan, seed=seed, points=800, points_fen=800)  # 800 points = 8.00, the rest WeChat
    original = till.find(sale["receipt_no"])
    return sale, original, lambda: MembersService(hq.engine).get(fan)["points"]


def _whole(original):  # type: ignore[no-untyped-def]
    return tuple((x.line_no, x.returnable) for x in original.lines)


def test_a_store_sale_paid_with_points_and_wechat_its_points_buy_the_new_goods(world):
    till, hq, _server = world
    sale, original, points = _points_sale(till, hq, seed=5)
    before = points()
    credit = till.start(original, _whole(original))
    total = sale["total_minor"]
    assert credit.credit_fen == total
    till.scan(*[SHAMPOO] * -(-total // 5990))  # at least as dear: nothing goes back
    quote = till.exchanges.apply(MANAGER)
    assert quote.refund_fen == 0
    view = till.checkout.add_tender(MANAGER, "cash", quote.due_fen) if quote.due_fen else quote.cart
    done = till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=view.cart_id)
    assert done.refund_fen == 0 and done.refund_tenders == ()
    [taken] = till.events("return.taken")
    assert {t["method"]: (t["amount_minor"], t["credit_minor"]) for t in taken["tenders"]} == {
        "points": (800, 800), "wechat": (total - 800, total - 800)}
    # the points bought the new goods: none come back; what the sale earned is taken back as for a refund
    assert points() == before - sale["points_earned"]
    till.upload()
    assert points() == before - sale["points_earned"]  # the event settles nothing twice


def test_a_difference_the_points_part_covers_goes_back_as_points_at_hq(world):
    till, hq, _server = world
    sale, original, points = _points_sale(till, hq, seed=6)
    before = points()
    total = sale["total_minor"]
    credit = till.start(original, _whole(original))
    shampoos, rest = divmod(total - 800, 5990)
    till.scan(*[SHAMPOO] * shampoos, *[WATER] * -(-rest // 200))
    quote = till.exchanges.apply(MANAGER)
    back = total - quote.cart.total_fen
    assert 600 < back <= 800 and quote.refund_tenders == (("points", back),)
    done = till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=quote.cart.cart_id)
    assert done.refund_tenders == (("points", back),)
    assert (done.points_back, done.points_taken) == (back, sale["points_earned"])  # shown on the done banner
    again = till.exchanges.completed(credit.request.request_id)
    assert again is not None and (again.points_back, again.points_taken) == (back, sale["points_earned"])
    assert points() == before + back - sale["points_earned"]  # 1 point a fen: back only for the difference
    with till.terminal.db.read() as s:
        row = s.scalars(select(CrossReturn)).one()
        assert (row.points_back, row.points_taken, row.cash_fen) == (back, sale["points_earned"], 0)


def test_a_difference_that_would_go_back_to_the_wallet_is_refused_and_writes_nothing(world):
    till, hq, _server = world
    sale, original, points = _points_sale(till, hq, seed=5)
    assert sale["total_minor"] - 200 > 800  # more than the points part: the wallet's turn
    credit = till.start(original, _whole(original))
    till.scan(WATER)
    with pytest.raises(ServiceError) as wallet:
        till.exchanges.apply(MANAGER)
    assert wallet.value.code == "exchange.mobile_refund"
    with pytest.raises(ServiceError) as again:  # and not by completing it either
        till.exchanges.complete(MANAGER, request_id=credit.request.request_id,
                                cart_id=till.checkout.current_cart(MANAGER).cart_id)
    assert again.value.code in ("exchange.mobile_refund", "exchange.credit_changed")
    assert till.written() == {"sales": 0, "returns": 0, "links": 0, "taken": 0, "sold": 0, "stock": 0, "audit": 0}
    with hq.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(reservations)) == 0
    view = till.exchanges.cancel(MANAGER)  # the customer keeps the goods; the water stays on an ordinary sale
    assert [t.kind for t in view.tenders] == [] and till.exchanges.current() is None


def test_an_online_orders_points_come_back_with_its_value_as_for_a_plain_return(world):
    from sync.hq.members import MembersService
    from tests.integration.sync.points_coupons_world import order_with_points

    till, hq, _server = world
    fan = member(hq)
    placed, _coupon = order_with_points(hq, fan, redeemed=300, earned=57)
    before = MembersService(hq.engine).get(fan)["points"]
    order = till.find(placed.order_no)
    credit = till.start(order, tuple((x.line_no, x.returnable) for x in order.lines))
    assert credit.credit_fen == placed.paid_minor  # the money paid: the points were a discount
    till.scan(COOKER)
    quote = till.exchanges.apply(MANAGER)
    view = till.checkout.add_tender(MANAGER, "cash", quote.due_fen)
    done = till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=view.cart_id)
    assert (done.points_back, done.points_taken) == (300, 57)
    # the goods the points were spent on came back: the points too; what the order earned goes
    assert MembersService(hq.engine).get(fan)["points"] == before + 300 - 57
    assert provider_paid(hq, placed) == 0


def test_a_card_difference_asks_for_the_card_terminals_reference_first(world):
    from store_client.services.errors import InvalidInput

    till, hq, _server = world
    sale, _qr = store_b_sale(hq, seed=9, cash=False)  # paid by card
    original = till.find(sale["receipt_no"])
    line = original.lines[0]
    credit = till.start(original, [(line.line_no, 1)])
    till.scan(WATER)
    quote = till.exchanges.apply(MANAGER)
    assert quote.card_refund_fen == credit.credit_fen - 200 and quote.refund_tenders == (("card", quote.card_refund_fen),)
    with pytest.raises(InvalidInput) as err:
        till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=quote.cart.cart_id)
    assert err.value.code == "return.card_reference_required" and err.value.params == {
        "amount_fen": quote.card_refund_fen}
    assert till.written()["returns"] == 0
    with hq.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(reservations)) == 0  # asked before HQ reserves
    done = till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=quote.cart.cart_id,
                                   card_reference=" RF778899 ")
    assert done.refund_tenders == (("card", quote.card_refund_fen),)
    [taken] = till.events("return.taken")
    assert [(t["method"], t["amount_minor"], t["credit_minor"], t["reference"]) for t in taken["tenders"]] == [
        ("card", credit.credit_fen, 200, "RF778899")]
    x = till.shifts().x_report(MANAGER, print_it=False).figures
    assert x.cash_refund_fen == 0 and x.expected_cash_fen == 10_000


def test_a_card_share_kept_whole_as_credit_needs_no_reference(world):
    till, hq, _server = world
    sale, _qr = store_b_sale(hq, seed=9, cash=False)
    original = till.find(sale["receipt_no"])
    credit = till.start(original, [(original.lines[0].line_no, 1)])
    till.scan(COOKER)
    quote = till.exchanges.apply(MANAGER)
    view = till.checkout.add_tender(MANAGER, "cash", quote.due_fen)
    done = till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=view.cart_id)
    assert done.refund_fen == 0
    [taken] = till.events("return.taken")
    assert [(t["method"], t["credit_minor"], t["reference"]) for t in taken["tenders"]] == [
        ("card", credit.credit_fen, None)]
