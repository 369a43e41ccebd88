"""At store S001's till, against the reference HQ over HTTP: a member's store-S002 sale paid with
points and WeChat Pay is returned here (the wallet part through this till's payment adapter,
keyed by the return, recorded before the wallet is paid; the points part back to the member at
HQ), and an online order's points and coupon come back. Declines, a provider that refunded but
did not answer, offline wallets and tenders still refused are each checked."""

from __future__ import annotations

import json

import pytest
from online_returns_world import member, open_shift
from points_coupons_world import order_with_points, sale_with_points
from sqlalchemy import func, select

from store_client.domain.roles import Role
from store_client.persistence.models import AuditEntry, CrossReturn, OutboxEvent
from store_client.services.audit import AuditLog
from store_client.services.authorization import Authorizer
from store_client.services.auth import Actor
from store_client.services.cross_return_views import CrossReturnRequest
from store_client.services.cross_returns import CrossReturnsService
from store_client.services.errors import ServiceError
from store_client.services.payments import PaymentResult, SimulatorAdapter
from sync.hq.coupons import Coupons
from sync.hq.members import MembersService
from sync.terminal.transport import HQClient

MANAGER = Actor("m1", "张经理", Role.MANAGER)


class Wallet(SimulatorAdapter):
    """The simulator, with a decline or a lost answer (after refunding) on demand."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[tuple[str, int, str]] = []
        self.decline = False
        self.lose_answers = 0

    def refund(self, transaction_id: str, amount_fen: int, reference: str) -> PaymentResult:
        self.asked.append((transaction_id, amount_fen, reference))
        if self.decline:
            return PaymentResult(False, None, "declined (test)")
        result = super().refund(transaction_id, amount_fen, reference)
        if self.lose_answers:
            self.lose_answers -= 1
            raise TimeoutError("the provider refunded and the answer was lost")
        return result


@pytest.fixture
def world(terminal, add_operator, hq_server, sqlite_hq):  # type: ignore[no-untyped-def]
    add_operator("m1", "manager", "2468", name="张经理")
    open_shift(terminal, MANAGER)
    token = sqlite_hq.issue_token("S001", "T01")
    wallet = Wallet()
    audit = AuditLog(terminal.clock)
    svc = CrossReturnsService(terminal.db, terminal.clock, audit, Authorizer(terminal.db, audit, terminal.clock),
                              config=terminal.config, payments=wallet,
                              client=lambda: HQClient(hq_server.url, token, timeout=5))
    return terminal, sqlite_hq, svc, wallet


def rows(terminal) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    with terminal.db.read() as s:
        return [(r.status, r.points_back) for r in s.scalars(select(CrossReturn))]


def events(terminal) -> int:  # type: ignore[no-untyped-def]
    with terminal.db.read() as s:
        return s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.kind == "return.taken")) or 0


def audited(terminal, action: str) -> int:  # type: ignore[no-untyped-def]
    with terminal.db.read() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)) or 0


def whole(original) -> tuple[tuple[int, int], ...]:  # type: ignore[no-untyped-def]
    return tuple((line.line_no, line.returnable) for line in original.lines)


def test_a_store_sales_points_and_wallet_parts_come_back_at_another_stores_till_once(world):
    terminal, hq, svc, wallet = world
    fan = member(hq)
    sale = sale_with_points(hq, fan, points=800, points_fen=800)
    balance = MembersService(hq.engine).get(fan)["points"]
    [original] = svc.find(MANAGER, sale["receipt_no"]).originals
    assert {m for m, _f in original.tenders} == {"points", "wechat"}
    request = CrossReturnRequest(original.request_id, whole(original), "changed_mind")
    done = svc.refund(MANAGER, request)
    assert dict(done.tenders) == {"points": 800, "wechat": sale["total_minor"] - 800}
    assert (done.points_back, done.points_taken) == (800, sale["points_earned"])
    [(txn, amount, key)] = wallet.asked
    assert txn == sale["payments"][1]["reference"].partition(":")[2] and amount == sale["total_minor"] - 800
    assert key == f"{done.return_id}:2"  # keyed by the return and its tender
    again = svc.refund(MANAGER, request)  # a double click: the first return, the wallet not asked again
    assert again.repeated and (again.points_back, again.return_id) == (800, done.return_id)
    assert len(wallet.asked) == 1 and rows(terminal) == [("completed", 800)] and events(terminal) == 1
    with terminal.db.read() as s:
        event = json.loads(s.scalar(select(OutboxEvent.payload).where(OutboxEvent.kind == "return.taken")))
    wechat = next(t for t in event["tenders"] if t["method"] == "wechat")
    assert wechat["reference"].startswith("wechat:SIMR")  # the provider's refund reference
    assert MembersService(hq.engine).get(fan)["points"] == balance + 800 - sale["points_earned"]


def test_a_declined_wallet_cancels_the_return_and_hq_holds_nothing(world):
    terminal, hq, svc, wallet = world
    sale = sale_with_points(hq, member(hq))
    [original] = svc.find(MANAGER, sale["receipt_no"]).originals
    wallet.decline = True
    with pytest.raises(ServiceError) as err:
        svc.refund(MANAGER, CrossReturnRequest(original.request_id, whole(original), "changed_mind"))
    assert err.value.code == "mobile.refund_declined"
    assert rows(terminal) == [("cancelled", 800)] and events(terminal) == 0
    assert audited(terminal, "return.cancelled") == 1
    with pytest.raises(ServiceError) as again:  # the same request: said as cancelled, nothing paid
        svc.refund(MANAGER, CrossReturnRequest(original.request_id, whole(original), "changed_mind"))
    assert again.value.code == "return.cancelled"
    wallet.decline = False
    [fresh] = svc.find(MANAGER, sale["receipt_no"]).originals  # released at HQ: all returnable again
    assert whole(fresh) == whole(original)
    done = svc.refund(MANAGER, CrossReturnRequest(fresh.request_id, whole(fresh), "changed_mind"))
    assert done.points_back == 800 and events(terminal) == 1


def test_a_wallet_that_refunded_but_did_not_answer_is_finished_with_the_same_key(world):
    terminal, hq, svc, wallet = world
    sale = sale_with_points(hq, member(hq))
    [original] = svc.find(MANAGER, sale["receipt_no"]).originals
    request = CrossReturnRequest(original.request_id, whole(original), "changed_mind")
    wallet.lose_answers = 1
    with pytest.raises(ServiceError) as err:
        svc.refund(MANAGER, request)
    assert err.value.code == "mobile.refund_pending"
    assert [s for s, _p in rows(terminal)] == ["paying"] and events(terminal) == 0
    assert len(wallet.refunds) == 1  # the money went back
    [fresh] = svc.find(MANAGER, sale["receipt_no"]).originals  # a lookup finishes it first
    assert [s for s, _p in rows(terminal)] == ["completed"] and events(terminal) == 1
    assert all(line.returnable == 0 for line in fresh.lines)
    assert len({key for _t, _a, key in wallet.asked}) == 1 and len(wallet.refunds) == 1  # asked twice, paid once
    assert svc.refund(MANAGER, request).repeated


def test_offline_wallets_and_tenders_no_till_can_refund_are_refused_writing_nothing(world):
    terminal, hq, svc, wallet = world
    sale = sale_with_points(hq, member(hq))
    [original] = svc.find(MANAGER, sale["receipt_no"]).originals
    wallet._online = False
    with pytest.raises(ServiceError) as err:
        svc.refund(MANAGER, CrossReturnRequest(original.request_id, whole(original), "changed_mind"))
    assert err.value.code == "mobile.refund_offline" and rows(terminal) == []


def test_an_online_orders_points_and_coupon_come_back_and_show_on_the_slip(world):
    terminal, hq, svc, wallet = world
    fan = member(hq)
    placed, coupon = order_with_points(hq, fan, coupon_policy="reissue", threshold=1500, redeemed=300, earned=57)
    [order] = svc.find(MANAGER, placed.order_no).originals
    first = svc.refund(MANAGER, CrossReturnRequest(order.request_id, ((2, 1),), "changed_mind"))
    assert first.coupons == ((coupon, "reissued"),)  # 10.50 kept of the 15.00 the coupon needs
    assert 0 < first.points_back < 300 and 0 < first.points_taken < 57
    [rest] = svc.find(MANAGER, placed.order_no).originals
    second = svc.refund(MANAGER, CrossReturnRequest(rest.request_id, whole(rest), "changed_mind"))
    assert second.coupons == ()
    assert first.points_back + second.points_back == 300 and first.points_taken + second.points_taken == 57
    assert [c["state"] for c in Coupons(hq.engine).of_member(fan)].count("issued") == 1
    assert wallet.asked == []  # an online order's payment goes back through HQ


def test_the_slip_says_the_points_given_and_taken_back(world):
    from printers import text_render
    from store_client.services.cross_return_views import slip

    terminal, hq, svc, _wallet = world
    fan = member(hq)
    placed, _ = order_with_points(hq, fan, coupon_policy="reissue")
    [order] = svc.find(MANAGER, placed.order_no).originals
    plan = order.plan(whole(order))
    text = text_render.render(slip(
        original=order, plan=plan, return_no="S001-T01-X000001", store_name="店", store_id="S001",
        terminal_id="T01", operator="张经理", when=terminal.clock.now(), reason_code="changed_mind", reason_text="",
        approved_by=None, currency="CNY", points_back=300, points_taken=57, coupons_reissued=1), 48)
    assert "退回积分 Points back" in text and "+300" in text and "-57" in text and "退回优惠券" in text
