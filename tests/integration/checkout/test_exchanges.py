"""Exchanges at the service layer: a return and a new sale in one transaction, on sales made
through the real CheckoutService (docs/returns.md, "Exchanges")."""

from __future__ import annotations

import json

import pytest
from checkout_seed import COOKER, SHAMPOO, TOOTHPASTE, WATER
from sqlalchemy import func, select
from test_returns import count, events, request, returns_for, sell
from test_returns_shift import shifts_of

from store_client.persistence.models import (
    AuditEntry,
    Exchange,
    OutboxEvent,
    Return,
    ReturnTender,
    Sale,
    SaleTender,
    StockMovement,
)
from store_client.services.errors import Conflict, InvalidInput, ServiceError
from store_client.services.exchanges import ExchangeService
from store_client.services.returns import ReturnsService
from sync.hq.returnables import original_from_sale, own_return_problem
from sync.protocol.events import PayloadError, validate


def exchanges_for(shop) -> ExchangeService:  # type: ignore[no-untyped-def]
    return ExchangeService(returns_for(shop), shop.checkout)


def begin(shop, svc, done, picks, reason="wrong_item"):  # type: ignore[no-untyped-def]
    """Start an exchange of ``picks`` ((line index, qty)) of sale ``done``."""
    sale = svc.returns.find_sale(shop.manager, done.receipt_no)
    lines = [(sale.lines[i].line_no, q) for i, q in picks]
    return sale, svc.start(shop.manager, request(sale, lines, reason))


def scan(shop, *codes):  # type: ignore[no-untyped-def]
    view = None
    for code in codes:
        view = shop.checkout.scan(shop.manager, code).cart
    return view


def written(shop) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Everything an exchange writes, counted."""
    with shop.terminal.db.read() as s:
        audit = s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action.in_(("exchange.completed", "return.completed"))))
        moves = s.scalar(select(func.count()).select_from(StockMovement))
    return {"returns": count(shop, Return), "sales": count(shop, Sale), "exchanges": count(shop, Exchange),
            "outbox": count(shop, OutboxEvent), "audit": audit, "stock": moves}


def payloads(shop, kind):  # type: ignore[no-untyped-def]
    return [validate(kind, e.schema_version, json.loads(e.payload)) for e in events(shop, kind)]


def test_an_even_swap_moves_no_money_and_writes_both_halves_linked(shop):
    original = sell(shop, [SHAMPOO])  # size swap: the same price
    svc = exchanges_for(shop)
    _sale, credit = begin(shop, svc, original, [(0, 1)])
    assert credit.credit_fen == 5990 and svc.current() == credit
    scan(shop, SHAMPOO)
    view = svc.apply(shop.manager).cart
    assert view.due_fen == 0 and [(t.kind, t.amount_fen) for t in view.tenders] == [("exchange", 5990)]
    done = svc.complete(shop.manager, request_id=credit.request.request_id, cart_id=view.cart_id)
    assert (done.credit_fen, done.due_fen, done.refund_fen, done.change_fen) == (5990, 0, 0, 0)
    assert svc.current() is None and not done.repeated
    with shop.terminal.db.read() as s:
        link = s.scalars(select(Exchange)).one()
        ret = s.get(Return, link.return_id)
        new = s.get(Sale, link.sale_id)
        assert ret.sale_id == original.sale_id and new.receipt_no == done.receipt_no
        link_id, ret_id, new_id = link.id, ret.id, new.id
        assert [(t.kind, t.amount_fen, t.credit_fen) for t in s.scalars(select(ReturnTender))] == [
            ("cash", 5990, 5990)]
        assert [(t.kind, t.amount_fen, t.reference) for t in s.scalars(
            select(SaleTender).where(SaleTender.sale_id == new.id))] == [("exchange", 5990, credit.request.request_id)]
        audit = {a.action: (a.target, json.loads(a.details)) for a in s.scalars(select(AuditEntry).where(
            AuditEntry.action.in_(("exchange.completed", "return.completed"))))}
    assert audit["return.completed"][1]["exchange_id"] == link_id
    assert audit["exchange.completed"][0] == link_id
    assert (audit["exchange.completed"][1]["sale_id"], audit["exchange.completed"][1]["return_id"]) == (new_id, ret_id)
    (ret_event,) = payloads(shop, "return.completed")
    sale_event = payloads(shop, "sale.completed")[-1]
    assert ret_event["exchange"] == {"exchange_id": link_id, "sale_id": new_id, "credit_minor": 5990}
    assert sale_event["exchange"] == {"exchange_id": link_id, "return_id": ret_id, "credit_minor": 5990}
    assert [(p["method"], p["amount_minor"]) for p in sale_event["payments"]] == [("exchange", 5990)]
    x = shifts_of(shop).x_report(shop.manager, print_it=False).figures
    assert x.cash_refund_fen == 0 and x.expected_cash_fen == 5990  # only the original's cash is in the drawer
    assert "换货小票" in done.receipt_text and "退回商品" in done.receipt_text and "氨基酸洗发水" in done.receipt_text


def test_the_customer_pays_the_difference_with_the_usual_tenders(shop):
    original = sell(shop, [TOOTHPASTE], tenders=(("card", None),))  # 12.50 less 10 % = 11.25
    svc = exchanges_for(shop)
    _sale, credit = begin(shop, svc, original, [(0, 1)])
    scan(shop, SHAMPOO)
    view = svc.apply(shop.manager).cart
    assert view.due_fen == 5990 - 1125
    view = shop.checkout.add_tender(shop.manager, "cash", 5000)
    done = svc.complete(shop.manager, request_id=credit.request.request_id, cart_id=view.cart_id)
    assert (done.credit_fen, done.due_fen, done.refund_fen, done.change_fen) == (1125, 4865, 0, 135)
    sale_event = payloads(shop, "sale.completed")[-1]
    assert [(p["method"], p["amount_minor"]) for p in sale_event["payments"]] == [("exchange", 1125), ("cash", 5000)]
    (ret_event,) = payloads(shop, "return.completed")
    assert [(t["method"], t["amount_minor"], t["credit_minor"]) for t in ret_event["tenders"]] == [("card", 1125, 1125)]
    x = shifts_of(shop).x_report(shop.manager, print_it=False).figures
    assert x.expected_cash_fen == 4865 and x.cash_refund_fen == 0
    assert dict(x.by_tender) == {"card": 1125, "cash": 5000, "exchange": 1125}  # the credit: its own line
    assert "差额补付" in done.receipt_text
    z = shifts_of(shop).close_shift(shop.manager, total_fen=4865, confirm_unsynced=True)
    assert z.figures.variance_fen == 0  # the drawer holds exactly the cash taken for the difference
    (closed,) = payloads(shop, "shift.closed")
    assert closed["by_tender"]["exchange"] == 1125 and closed["expected_cash_minor"] == 4865


def test_the_customer_gets_the_difference_back_card_first_and_cash_last(shop):
    original = sell(shop, [SHAMPOO], tenders=(("cash", 2000), ("card", None)))
    svc = exchanges_for(shop)
    _sale, credit = begin(shop, svc, original, [(0, 1)])
    view = scan(shop, TOOTHPASTE)
    quote = svc.apply(shop.manager)
    view = quote.cart
    assert view.due_fen == 0 and quote.refund_fen == 4865 and quote.card_refund_fen == 3990
    assert quote.refund_tenders == (("card", 3990), ("cash", 875))  # as the cashier pays them back
    with pytest.raises(InvalidInput) as err:  # the card part needs the card terminal's reference
        svc.complete(shop.manager, request_id=credit.request.request_id, cart_id=view.cart_id)
    assert err.value.code == "return.card_reference_required" and count(shop, Return) == 0
    done = svc.complete(shop.manager, request_id=credit.request.request_id, cart_id=view.cart_id,
                        card_reference="RF778899")
    assert (done.credit_fen, done.refund_fen) == (1125, 5990 - 1125)
    assert done.refund_tenders == (("cash", 875), ("card", 3990))  # the card gives back all it can first
    (ret_event,) = payloads(shop, "return.completed")
    assert sum(t["amount_minor"] for t in ret_event["tenders"]) == ret_event["refund_minor"] == 5990
    assert {t["method"]: (t["amount_minor"], t["credit_minor"]) for t in ret_event["tenders"]} == {
        "cash": (2000, 1125), "card": (3990, 0)}
    x = shifts_of(shop).x_report(shop.manager, print_it=False).figures
    assert x.cash_refund_fen == 875 and x.expected_cash_fen == 2000 - 875
    assert "退还差额" in done.receipt_text and "顾客签名" in done.receipt_text
    # HQ's own checks of the return against the original as it received it still hold
    first_sale = payloads(shop, "sale.completed")[0]
    original_at_hq = original_from_sale(f"sale:{original.sale_id}", "S001", first_sale)
    assert own_return_problem(original_at_hq, [], ret_event) is None


def test_a_difference_owed_to_a_wallet_is_refused_and_nothing_is_written(shop):
    original = sell(shop, [SHAMPOO], tenders=(("mobile", None),))
    svc = exchanges_for(shop)
    _sale, credit = begin(shop, svc, original, [(0, 1)])
    scan(shop, WATER)
    before = written(shop)
    with pytest.raises(InvalidInput) as err:
        svc.apply(shop.manager).cart
    assert err.value.code == "exchange.mobile_refund"
    assert written(shop) == before and not shop.checkout.current_cart(shop.manager).tenders
    scan(shop, COOKER)  # costs more than the credit: nothing goes back to the wallet, fine
    assert svc.apply(shop.manager).cart.due_fen == 49900 + 200 - 5990


def test_a_failing_second_write_leaves_nothing_and_the_retry_completes_once(shop, monkeypatch):
    original = sell(shop, [SHAMPOO, TOOTHPASTE])
    svc = exchanges_for(shop)
    _sale, credit = begin(shop, svc, original, [(0, 1)])
    view = scan(shop, SHAMPOO)
    view = svc.apply(shop.manager).cart
    before = written(shop)
    real = ReturnsService._write

    def crash(self, s, *args, **kwargs):  # type: ignore[no-untyped-def]
        real(self, s, *args, **kwargs)  # the return's rows, its event and audit are in the session
        raise RuntimeError("disk gone")

    monkeypatch.setattr(ReturnsService, "_write", crash)
    with pytest.raises(RuntimeError):
        svc.complete(shop.manager, request_id=credit.request.request_id, cart_id=view.cart_id)
    assert written(shop) == before  # neither the sale nor the return, no event, no audit, no stock
    cart = shop.checkout.current_cart(shop.manager)
    assert cart.cart_id == view.cart_id and len(cart.lines) == 1  # the new sale is still open
    monkeypatch.setattr(ReturnsService, "_write", real)
    done = svc.complete(shop.manager, request_id=credit.request.request_id, cart_id=view.cart_id)
    again = svc.complete(shop.manager, request_id=credit.request.request_id, cart_id=view.cart_id)
    assert again.repeated and again.exchange_id == done.exchange_id and again.receipt_no == done.receipt_no
    after = written(shop)
    assert (after["returns"], after["exchanges"], after["sales"]) == (1, 1, 2)
    assert len(events(shop, "return.completed")) == 1 and len(events(shop, "sale.completed")) == 2
    # a second service on the same database (a restart) finds it too
    assert exchanges_for(shop).completed(credit.request.request_id).repeated


def test_the_original_returned_meanwhile_is_refused_and_nothing_is_written(shop):
    original = sell(shop, [SHAMPOO])
    svc = exchanges_for(shop)
    sale, credit = begin(shop, svc, original, [(0, 1)])
    view = scan(shop, SHAMPOO)
    view = svc.apply(shop.manager).cart
    other = returns_for(shop)  # another return of the same unit, meanwhile
    fresh = other.find_sale(shop.manager, original.receipt_no)
    other.refund(shop.manager, request(fresh, [(fresh.lines[0].line_no, 1)]))
    before = written(shop)
    with pytest.raises(ServiceError) as err:
        svc.complete(shop.manager, request_id=credit.request.request_id, cart_id=view.cart_id)
    assert err.value.code in ("refund.above_returnable", "refund.fully_returned")
    assert written(shop) == before


def test_bad_input_is_refused_without_writing(shop):
    original = sell(shop, [SHAMPOO])
    svc = exchanges_for(shop)
    sale = svc.returns.find_sale(shop.manager, original.receipt_no)
    before = written(shop)
    with pytest.raises(InvalidInput) as err:  # nothing selected
        svc.start(shop.manager, request(sale, []))
    assert err.value.code == "refund.nothing_selected" and svc.current() is None
    with pytest.raises(Conflict) as conflict:  # no exchange started
        svc.apply(shop.manager).cart
    assert conflict.value.code == "exchange.none"
    svc.start(shop.manager, request(sale, [(sale.lines[0].line_no, 1)]))
    with pytest.raises(InvalidInput) as err:  # the new sale is empty
        svc.apply(shop.manager).cart
    assert err.value.code == "exchange.new_sale_empty"
    assert written(shop) == before


def test_cancelling_drops_the_credit_and_writes_nothing(shop):
    original = sell(shop, [SHAMPOO])
    svc = exchanges_for(shop)
    _sale, credit = begin(shop, svc, original, [(0, 1)])
    view = scan(shop, SHAMPOO)
    svc.apply(shop.manager).cart
    before = written(shop)
    view = svc.cancel(shop.manager)
    assert svc.current() is None and not view.tenders and len(view.lines) == 1
    assert (written(shop)["returns"], written(shop)["sales"]) == (before["returns"], before["sales"])
    with pytest.raises(Conflict) as err:
        svc.complete(shop.manager, request_id=credit.request.request_id, cart_id=view.cart_id)
    assert err.value.code == "exchange.none" and count(shop, Exchange) == 0


def test_the_credit_is_never_paid_out_by_a_plain_return_of_the_new_sale(shop):
    original = sell(shop, [SHAMPOO])
    svc = exchanges_for(shop)
    _sale, credit = begin(shop, svc, original, [(0, 1)])
    view = scan(shop, SHAMPOO)
    view = svc.apply(shop.manager).cart
    done = svc.complete(shop.manager, request_id=credit.request.request_id, cart_id=view.cart_id)
    plain = returns_for(shop)
    new = plain.find_sale(shop.manager, done.receipt_no)
    with pytest.raises(InvalidInput) as err:
        plain.refund(shop.manager, request(new, [(new.lines[0].line_no, 1)]))
    assert err.value.code == "refund.exchange_credit"
    # exchanged again (another size): the credit carries over, no money moves
    again = ExchangeService(plain, shop.checkout)
    _s, second = begin(shop, again, done, [(0, 1)])
    view = scan(shop, SHAMPOO)
    view = again.apply(shop.manager).cart
    assert again.complete(shop.manager, request_id=second.request.request_id,
                          cart_id=view.cart_id).credit_fen == 5990


def test_a_cashier_needs_a_managers_approval_and_the_validators_check_the_link(shop):
    original = sell(shop, [SHAMPOO])
    svc = exchanges_for(shop)
    sale = svc.returns.find_sale(shop.cashier, original.receipt_no)
    credit = svc.start(shop.cashier, request(sale, [(sale.lines[0].line_no, 1)]))
    shop.checkout.scan(shop.cashier, TOOTHPASTE)
    shop.checkout.scan(shop.cashier, TOOTHPASTE)
    view = svc.apply(shop.cashier).cart
    from store_client.services.errors import ApprovalRequired
    with pytest.raises(ApprovalRequired):
        svc.complete(shop.cashier, request_id=credit.request.request_id, cart_id=view.cart_id)
    assert count(shop, Exchange) == 0
    done = svc.complete(shop.cashier, request_id=credit.request.request_id, cart_id=view.cart_id,
                        grant=shop.grant("return.process"))
    assert done.refund_fen == 5990 - 2250
    raw = json.loads(events(shop, "return.completed")[0].payload)
    bad = {**raw, "exchange": {**raw["exchange"], "credit_minor": raw["exchange"]["credit_minor"] + 1}}
    with pytest.raises(PayloadError, match="credit_minor"):
        validate("return.completed", 1, bad)
    no_link = {k: v for k, v in raw.items() if k != "exchange"}
    with pytest.raises(PayloadError, match="without its exchange"):
        validate("return.completed", 1, no_link)
    sale_raw = json.loads(events(shop, "sale.completed")[-1].payload)
    with pytest.raises(PayloadError, match="without its exchange"):
        validate("sale.completed", 3, {k: v for k, v in sale_raw.items() if k != "exchange"})


def test_a_credit_left_on_the_cart_without_its_exchange_never_becomes_a_sale(shop):
    """After a restart the exchange in progress is gone (it lives in memory), the credit it
    put on the cart is not: the plain completion refuses it until the credit is removed."""
    original = sell(shop, [SHAMPOO])
    svc = exchanges_for(shop)
    begin(shop, svc, original, [(0, 1)])
    scan(shop, SHAMPOO)
    view = svc.apply(shop.manager).cart
    restarted = shop.reopen()
    before = written(shop)
    with pytest.raises(Conflict) as err:
        restarted.complete(shop.manager, cart_id=view.cart_id)
    assert err.value.code == "exchange.credit_orphaned" and written(shop) == before
    with pytest.raises(InvalidInput):  # nor can a credit be tendered by hand
        restarted.add_tender(shop.manager, "exchange", 100)
    (credit,) = restarted.current_cart(shop.manager).tenders
    cart = restarted.remove_tender(shop.manager, credit.tender_id)
    cart = restarted.add_tender(shop.manager, "cash", cart.due_fen)
    assert restarted.complete(shop.manager, cart_id=cart.cart_id).total_fen == 5990
    assert count(shop, Exchange) == 0 and count(shop, Return) == 0


def test_the_board_s_payment_mix_leaves_the_exchange_credit_out(shop):
    """The mix says how customers paid: the credit is goods given back, not a payment."""
    from zoneinfo import ZoneInfo

    from store_client.services.board import compute

    original = sell(shop, [TOOTHPASTE], tenders=(("card", None),))
    svc = exchanges_for(shop)
    _sale, credit = begin(shop, svc, original, [(0, 1)])
    scan(shop, SHAMPOO)
    view = svc.apply(shop.manager).cart
    view = shop.checkout.add_tender(shop.manager, "cash", 5000)
    svc.complete(shop.manager, request_id=credit.request.request_id, cart_id=view.cart_id)
    tz = ZoneInfo("Asia/Shanghai")
    now = shop.terminal.clock.now()
    board = compute(shop.terminal.db, day=now.astimezone(tz).date(), tz=tz, now=now)
    with shop.terminal.db.read() as s:
        kinds = set(s.scalars(select(SaleTender.kind)))
    assert "exchange" in kinds  # the new sale was partly paid by the credit ...
    assert board.payment_mix == {"card": 1125, "cash": 5000 - 135}  # ... which the mix does not count
