"""Exchanges of what this till did not sell, when something goes wrong (docs/returns.md,
"Exchanges"), against the reference HQ over HTTP: a line returned elsewhere before or while the
exchange is open, HQ's answer lost, the till's own write failing after HQ reserved, HQ never
hearing the confirm, two completions at once, offline with and without a receipt QR, cash
instead and a cashier's approval. Each refusal has its own code and writes nothing."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from store_client.services.approvals import ApprovalService
from store_client.services.audit import AuditLog
from store_client.services.errors import ApprovalRequired, ServiceError
from store_client.services.exchanges import ExchangeService
from store_client.services.returns import ReturnsService
from sync.hq import cross_returns as hq_cross
from sync.hq import exchange_credits
from sync.hq.embedded import HQServer
from sync.hq.returnables import ReturnablesService, ReturnAsk
from sync.terminal.transport import BatchRejected, HQClient, TransientError
from tests.integration.checkout.checkout_seed import COOKER, WATER
from tests.integration.sync.cross_exchange_world import CASHIER, MANAGER, make_till
from tests.integration.sync.online_returns_world import collected_order, member, pull_keys, store_b_sale
from tests.integration.sync.test_cross_exchanges import owed, provider_paid, reservation

NOTHING = {"sales": 0, "returns": 0, "links": 0, "taken": 0, "sold": 0, "stock": 0, "audit": 0}


class Faulty(HQClient):
    """HQ answers, then the answer is lost: after a reservation, or on a confirm."""

    lose: set[str] = set()

    def reserve_return(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        answer = super().reserve_return(*args, **kwargs)
        if "reserve" in self.lose:
            raise TransientError("the answer was lost (simulated)")
        return answer

    def settle_return(self, return_id: str, action: str):  # type: ignore[no-untyped-def]
        if action in self.lose:
            raise TransientError("HQ did not answer (simulated)")
        return super().settle_return(return_id, action)


@pytest.fixture
def world(terminal, add_operator, hq_server, sqlite_hq):  # type: ignore[no-untyped-def]
    add_operator("m1", "manager", "2468", name="张经理")
    add_operator("c1", "cashier", "1357", name="王芳")
    token = sqlite_hq.issue_token("S001", "T01")
    Faulty.lose = set()
    till = make_till(terminal, hq_server.url, token, client=lambda: Faulty(hq_server.url, token, timeout=5))
    yield till, sqlite_hq, hq_server
    Faulty.lose = set()


def other_store_takes(hq, original, line) -> None:  # type: ignore[no-untyped-def]
    """Store S003 returns the whole line, directly at HQ."""
    ReturnablesService(hq.engine, hq_cross.load_original).reserve(ReturnAsk(
        "s003-return", original.original_ref, "S003", "T01", {line.line_no: (line.quantity, line.net_fen)},
        {original.tenders[0][0]: line.net_fen}))


def paying(till, original, lines, *codes):  # type: ignore[no-untyped-def]
    """An exchange started, the new items scanned and the credit applied: (credit, quote)."""
    credit = till.start(original, lines)
    till.scan(*codes)
    return credit, till.exchanges.apply(MANAGER)


def test_a_line_already_returned_elsewhere_is_refused_when_the_exchange_starts(world):
    till, hq, _server = world
    sale, _qr = store_b_sale(hq, seed=12)
    original = till.find(sale["receipt_no"])
    line = original.lines[0]
    other_store_takes(hq, original, line)
    late = till.find(sale["receipt_no"])
    assert late.lines[0].returnable == 0
    with pytest.raises(ServiceError) as err:
        till.start(late, [(line.line_no, 1)])
    assert err.value.code == "return.already_returned" and till.refused("return.already_returned") == 1
    assert till.exchanges.current() is None and till.written() == NOTHING


def test_a_line_another_store_takes_while_the_exchange_is_open_is_refused_by_hq_and_nothing_is_written(world):
    till, hq, _server = world
    sale, _qr = store_b_sale(hq, seed=12)
    original = till.find(sale["receipt_no"])
    line = original.lines[0]
    credit, quote = paying(till, original, [(line.line_no, 1)], COOKER)
    view = till.checkout.add_tender(MANAGER, "cash", quote.due_fen)
    other_store_takes(hq, original, line)
    with pytest.raises(ServiceError) as err:
        till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=view.cart_id)
    assert err.value.code == "return.taken_meanwhile" and till.refused("return.taken_meanwhile") == 1
    assert till.written() == NOTHING
    cart = till.checkout.current_cart(MANAGER)  # the new sale is still open, its credit on it
    assert cart.cart_id == view.cart_id and [t.kind for t in cart.tenders] == ["exchange", "cash"]
    assert till.exchanges.current() == credit  # the cashier tells the customer, then cancels (Shift+F9)
    assert [t.kind for t in till.exchanges.cancel(MANAGER).tenders] == ["cash"]


def test_hqs_answer_lost_after_it_reserved_gives_the_goods_back_and_writes_nothing(world):
    till, hq, _server = world
    placed = collected_order(hq, member(hq))
    order = till.find(placed.order_no)
    credit, quote = paying(till, order, [(1, 2)], WATER)
    Faulty.lose = {"reserve"}
    with pytest.raises(ServiceError) as err:
        till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=quote.cart.cart_id)
    assert err.value.code == "return.hq_unreachable" and till.written() == NOTHING
    with hq.engine.connect() as conn:
        from sync.hq.returnables import reservations

        assert [r.state for r in conn.execute(select(reservations.c.state))] == ["released"]
    Faulty.lose = set()  # asked again: a new reservation, done once
    done = till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=quote.cart.cart_id)
    assert not done.repeated and till.written()["links"] == 1


def test_the_tills_write_failing_after_hq_reserved_releases_it_and_leaves_neither_half(world, monkeypatch):
    till, hq, _server = world
    placed = collected_order(hq, member(hq))
    order = till.find(placed.order_no)
    credit, quote = paying(till, order, [(1, 2)], WATER)
    real = till.cross.complete_in
    reserved: list[str] = []

    def fail_after_writing(s, row, payload, **kwargs):  # type: ignore[no-untyped-def]
        real(s, row, payload, **kwargs)  # the event, the stock and the audit entry are in the session
        reserved.append(row.id)
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(till.cross, "complete_in", fail_after_writing)
    with pytest.raises(RuntimeError):
        till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=quote.cart.cart_id)
    assert till.written() == NOTHING  # no sale, return, event, stock movement or audit entry
    assert reservation(hq, reserved[0]) == "released" and owed(hq, reserved[0]) is None
    assert till.checkout.current_cart(MANAGER).cart_id == quote.cart.cart_id  # still open on the checkout
    monkeypatch.setattr(till.cross, "complete_in", real)
    done = till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=quote.cart.cart_id)
    assert done.refund_fen == credit.credit_fen - 200 and owed(hq, reserved[0]) is None


def test_a_confirm_hq_never_hears_is_made_by_the_event_and_the_provider_pays_the_difference_once(world):
    till, hq, _server = world
    placed = collected_order(hq, member(hq))
    order = till.find(placed.order_no)
    credit, quote = paying(till, order, [(1, 2)], WATER)
    Faulty.lose = {"confirm"}
    done = till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=quote.cart.cart_id)
    with till.terminal.db.read() as s:
        from store_client.persistence.models import CrossReturn

        return_id = s.scalars(select(CrossReturn.id)).one()
    assert reservation(hq, return_id) == "reserved" and owed(hq, return_id) is None
    restarted = ExchangeService(ReturnsService(till.terminal.db, till.terminal.clock, till.cross.audit,
                                               till.cross.authorizer, config=till.terminal.config),
                                till.checkout, till.cross)
    again = restarted.complete(MANAGER, request_id=credit.request.request_id, cart_id=quote.cart.cart_id)
    assert again.repeated and again.return_no == done.return_no  # after a restart too: done once
    till.upload()  # the return.taken event confirms it
    assert reservation(hq, return_id) == "confirmed"
    assert owed(hq, return_id) == done.refund_fen == credit.credit_fen - 200
    assert provider_paid(hq, placed) == done.refund_fen


def test_two_completions_at_once_write_one_exchange_and_hq_reserves_one(world):
    till, hq, _server = world
    placed = collected_order(hq, member(hq))
    order = till.find(placed.order_no)
    credit, quote = paying(till, order, [(1, 2)], WATER)
    results: list[object] = []
    gate = threading.Barrier(2)

    def complete() -> None:
        gate.wait()
        try:
            results.append(till.exchanges.complete(MANAGER, request_id=credit.request.request_id,
                                                   cart_id=quote.cart.cart_id))
        except ServiceError as exc:  # the checkout may see its cart completed by the other
            results.append(exc.code)

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    done = [r for r in results if not isinstance(r, str)]
    assert len(results) == 2 and done and sum(not d.repeated for d in done) == 1, results
    assert till.written()["links"] == 1 and till.written()["returns"] == 1
    with hq.engine.connect() as conn:
        from sync.hq.returnables import reservations

        assert [r.state for r in conn.execute(select(reservations.c.state))] == ["confirmed"]
    assert provider_paid(hq, placed) == credit.credit_fen - 200


def test_offline_with_a_receipt_qr_the_exchange_is_made_and_hq_settles_it_later(world):
    till, hq, server = world
    sale, qr = store_b_sale(hq, seed=31)
    pull_keys(till.terminal, server.url, till.token)
    server.stop()
    original = till.find(qr)
    line = original.lines[0]
    credit, quote = paying(till, original, [(line.line_no, line.quantity)], WATER)
    done = till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=quote.cart.cart_id)
    assert done.refund_tenders == (("cash", line.net_fen - 200),)
    [taken] = till.events("return.taken")
    assert taken["source"] == "receipt_qr" and taken["exchange"]["credit_minor"] == 200
    with pytest.raises(ServiceError) as again:  # the same receipt at this till: nothing left of that line
        till.start(till.find(qr), [(line.line_no, 1)])
    assert again.value.code == "return.already_returned"
    back = HQServer(hq).start()
    try:
        till.upload(back.url)
    finally:
        back.stop()
    with hq.engine.connect() as conn:
        assert conn.scalar(select(hq_cross.taken.c.state).where(hq_cross.taken.c.return_id == taken["return_id"])) \
            == "settled"
        assert exchange_credits.marked(conn, taken["return_id"]) == {"cash": 200}
    assert reservation(hq, taken["return_id"]) == "confirmed"


def test_offline_an_exchange_hq_finds_taken_elsewhere_is_kept_as_a_conflict_for_the_manager(world):
    till, hq, server = world
    sale, qr = store_b_sale(hq, seed=21)
    pull_keys(till.terminal, server.url, till.token)
    line_no, qty, net = (sale["lines"][0][k] for k in ("line_no", "qty", "net_minor"))
    ReturnablesService(hq.engine, hq_cross.load_original).reserve(ReturnAsk(  # returned elsewhere meanwhile
        "elsewhere-1", f"sale:{sale['sale_id']}", "S003", "T01", {line_no: (qty, net)}, {"cash": net}))
    server.stop()
    credit, quote = paying(till, till.find(qr), [(line_no, qty)], COOKER)
    view = till.checkout.add_tender(MANAGER, "cash", quote.due_fen)
    done = till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=view.cart_id)
    back = HQServer(hq).start()
    try:
        till.upload(back.url)
    finally:
        back.stop()
    [conflict] = ReturnablesService(hq.engine, hq_cross.load_original).conflicts("S001")
    assert conflict["code"] == "return.already_returned" and done.due_fen == quote.due_fen
    assert till.events("return.taken")[0]["return_id"] == conflict["return_id"]


def test_offline_an_online_order_found_before_cannot_be_exchanged_without_hq(world):
    till, hq, server = world
    placed = collected_order(hq, member(hq))
    credit, quote = paying(till, till.find(placed.order_no), [(1, 2)], WATER)
    server.stop()
    with pytest.raises(ServiceError) as err:
        till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=quote.cart.cart_id)
    assert err.value.code == "return.hq_unreachable" and till.written() == NOTHING
    assert till.refused("return.hq_unreachable") == 1


def test_cash_instead_of_the_online_payment_is_not_an_exchange(world):
    till, hq, _server = world
    placed = collected_order(hq, member(hq))
    with pytest.raises(ServiceError) as err:
        till.start(till.find(placed.order_no), [(1, 1)], cash_instead=True)
    assert err.value.code == "exchange.cash_instead" and till.refused("exchange.cash_instead") == 1
    assert till.exchanges.current() is None


def test_a_cashiers_exchange_asks_a_manager_after_every_check(world):
    till, hq, _server = world
    placed = collected_order(hq, member(hq))
    order = till.cross.find(CASHIER, placed.order_no).originals[0]
    from store_client.services.cross_return_views import CrossReturnRequest

    credit = till.exchanges.start(CASHIER, CrossReturnRequest(order.request_id, ((1, 2),), "wrong_item"))
    till.checkout.scan(CASHIER, WATER)
    quote = till.exchanges.apply(CASHIER)
    with pytest.raises(ApprovalRequired):
        till.exchanges.complete(CASHIER, request_id=credit.request.request_id, cart_id=quote.cart.cart_id)
    assert till.written() == NOTHING
    grant = ApprovalService(till.terminal.db, till.terminal.clock, AuditLog(till.terminal.clock)).approve(
        CASHIER, "m1", "2468", "return.process", "size swap")
    done = till.exchanges.complete(CASHIER, request_id=credit.request.request_id, cart_id=quote.cart.cart_id,
                                   grant=grant)
    assert done.refund_fen == credit.credit_fen - 200 and till.written()["links"] == 1


def test_a_till_that_dies_after_hq_reserved_wrote_nothing_and_the_goods_come_free_when_it_is_back(
        world, monkeypatch):
    """The reservation was noted in the till's journal before HQ was asked: the next lookup
    (the till back after the power cut) releases it at HQ, so the goods are free at once,
    not after HQ's stale time."""
    from sync.hq.returnables import reservations

    till, hq, _server = world
    placed = collected_order(hq, member(hq))
    order = till.find(placed.order_no)
    whole = order.lines[0].quantity
    credit, quote = paying(till, order, [(1, whole)], WATER)

    def power_cut(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt("the till lost power before its commit")

    monkeypatch.setattr(till.checkout, "complete_linked", power_cut)
    monkeypatch.setattr(till.cross, "_settle", lambda *_a: None)  # a dead till releases nothing
    with pytest.raises(KeyboardInterrupt):
        till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=quote.cart.cart_id)
    assert till.written() == NOTHING
    with hq.engine.connect() as conn:
        [held] = conn.execute(select(reservations.c.return_id, reservations.c.state)).all()
    assert held.state == "reserved"  # HQ holds the goods while the till is down
    monkeypatch.undo()
    restarted = ExchangeService(ReturnsService(till.terminal.db, till.terminal.clock, till.cross.audit,
                                               till.cross.authorizer, config=till.terminal.config),
                                till.checkout, till.cross)  # the exchange in progress was in memory only
    assert restarted.current() is None
    again = till.find(placed.order_no)  # the till is back: its journal releases the reservation
    assert again.lines[0].returnable == whole
    with hq.engine.connect() as conn:
        assert conn.scalar(select(reservations.c.state).where(
            reservations.c.return_id == held.return_id)) != "reserved"
    till.exchanges = restarted
    till.exchanges.cancel(MANAGER)  # the credit left on the open sale is taken off
    credit = till.start(again, [(1, whole)])
    quote = till.exchanges.apply(MANAGER)
    done = till.exchanges.complete(MANAGER, request_id=credit.request.request_id, cart_id=quote.cart.cart_id)
    assert not done.repeated and till.written()["links"] == 1
    assert provider_paid(hq, placed) == done.refund_fen  # paid once, for the exchange that was written
    with HQClient(till.url, till.token) as client, pytest.raises(BatchRejected):
        client.settle_return(held.return_id, "confirm")  # the dead till's reservation: never confirmed now


def test_a_non_returnable_line_is_never_exchanged_even_when_the_request_asks_for_an_override(world):
    till, hq, _server = world
    till.terminal.config.values["returns.non_returnable"] = ["care"]  # the shampoo's category here
    placed = collected_order(hq, member(hq))
    order = till.find(placed.order_no)
    shampoo = next(x for x in order.lines if x.sku == "100001")
    assert order.verdicts[shampoo.line_no].non_returnable
    with pytest.raises(ServiceError) as err:
        till.start(order, [(shampoo.line_no, 1)], override=True)
    assert err.value.code == "return.non_returnable" and err.value.params == {"line": shampoo.line_no}
    assert till.refused("return.non_returnable") == 1 and till.exchanges.current() is None
