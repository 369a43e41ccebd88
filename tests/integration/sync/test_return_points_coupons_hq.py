"""HQ gives back the points an original was paid with, takes back what it earned, and settles
an online order's coupons when a till of any store takes a return of it (sync/hq/return_effects.py,
sync/hq/coupons.py): in proportion, cumulatively, exactly once per return and per coupon."""

from __future__ import annotations

import json
import threading
import uuid

import pytest
from online_returns_world import member
from points_coupons_world import order_with_points, sale_with_points
from sqlalchemy import func, select, update

from sync.hq import cross_returns
from sync.hq.coupons import Coupons, CouponError
from sync.hq.members import MembersService, points_ledger
from sync.hq.returnables import ReturnablesService, ReturnAsk, ReturnRefused
from sync.hq.service import HQService


def ledger(hq: HQService, member_id: str) -> list[tuple[str, int]]:
    with hq.engine.connect() as conn:
        return [(r.cause, int(r.points)) for r in conn.execute(
            select(points_ledger.c.cause, points_ledger.c.points).where(points_ledger.c.member_id == member_id)
            .order_by(points_ledger.c.id))]


def returned(hq: HQService, member_id: str, kind: str) -> int:
    return sum(points for cause, points in ledger(hq, member_id) if cause.endswith(f":{kind}"))


def ask_of(hq: HQService, ref: str, take: dict[int, int], tender: str) -> ReturnAsk:
    """A return of ``take`` ({line_no: qty}) priced by cumulative rounding against what holds."""
    ledger_ = ReturnablesService(hq.engine, cross_returns.load_original)
    original, lines, _tenders = ledger_.status(ref)
    asked = {}
    for n, qty in take.items():
        line = lines[n]
        after = (line.net_fen * (line.returned + qty) * 2 + line.sold) // (2 * line.sold)
        before = (line.net_fen * line.returned * 2 + line.sold) // (2 * line.sold)
        asked[n] = (qty, after - before)
    return ReturnAsk(str(uuid.uuid4()), ref, "S001", "T01", asked, {tender: sum(f for _q, f in asked.values())})


@pytest.fixture
def returnables(hq_service: HQService) -> ReturnablesService:
    return ReturnablesService(hq_service.engine, cross_returns.load_original)


def test_an_online_orders_points_come_back_unit_by_unit_and_add_up_to_exactly_what_was_paid(hq_service, returnables):
    fan = member(hq_service)
    placed, _ = order_with_points(hq_service, fan, redeemed=301, earned=57)
    ref = f"order:{placed.order_id}"
    backs, takens = [], []
    for n, qty in ((1, 1), (1, 1), (2, 1), (1, 1), (2, 1)):  # every unit, one at a time
        ask = ask_of(hq_service, ref, {n: qty}, "online")
        assert returnables.reserve(ask) == "reserved"
        planned = returnables.effects(ask.return_id)
        assert returnables.confirm(ask.return_id) == "confirmed"
        assert returnables.confirm(ask.return_id) == "confirmed"  # a retried confirm posts nothing more
        backs.append(planned.points_back)
        takens.append(planned.points_taken)
        assert all(x >= 0 for x in backs + takens)
    assert sum(backs) == 301 and sum(takens) == 57
    assert returned(hq_service, fan, "points_back") == 301 and returned(hq_service, fan, "earned_back") == -57
    assert MembersService(hq_service.engine).get(fan)["points"] == 0  # -301 + 57 + 301 - 57
    causes = [cause for cause, _p in ledger(hq_service, fan)]
    assert len(causes) == len(set(causes)) == 2 + 2 * 5


def test_a_released_return_posts_nothing_and_the_next_one_takes_its_share(hq_service, returnables):
    fan = member(hq_service)
    placed, _ = order_with_points(hq_service, fan, redeemed=300, earned=60)
    ref = f"order:{placed.order_id}"
    first = ask_of(hq_service, ref, {1: 3}, "online")
    returnables.reserve(first)
    returnables.release(first.return_id)
    assert returned(hq_service, fan, "points_back") == 0
    whole = ask_of(hq_service, ref, {1: 3, 2: 2}, "online")
    returnables.reserve(whole)
    returnables.confirm(whole.return_id)
    assert returnables.effects(whole.return_id).points_back == 300
    assert returned(hq_service, fan, "points_back") == 300 and returned(hq_service, fan, "earned_back") == -60


def test_a_store_sales_points_tender_goes_back_and_earned_points_follow_the_money(hq_service, returnables):
    fan = member(hq_service)
    sale = sale_with_points(hq_service, fan, points=800, points_fen=800)
    ref = f"sale:{sale['sale_id']}"
    _original, lines, _t = returnables.status(ref)
    total = sale["total_minor"]
    # the whole sale back, its refund spread points first (as the till's planner does)
    ask = ReturnAsk(str(uuid.uuid4()), ref, "S001", "T01", {n: (x.sold, x.net_fen) for n, x in lines.items()},
                    {"points": 800, "wechat": total - 800})
    returnables.reserve(ask)
    returnables.confirm(ask.return_id)
    effects = returnables.effects(ask.return_id)
    assert (effects.points_back, effects.points_taken) == (800, sale["points_earned"])
    assert MembersService(hq_service.engine).get(fan)["points"] == 0


def test_points_beyond_what_was_paid_are_refused_whole(hq_service, returnables):
    fan = member(hq_service)
    sale = sale_with_points(hq_service, fan, points=500, points_fen=500)
    ref = f"sale:{sale['sale_id']}"
    _o, lines, _t = returnables.status(ref)
    line = lines[1]
    bad = ReturnAsk(str(uuid.uuid4()), ref, "S001", "T01", {1: (1, min(line.net_fen, 501))},
                    {"points": min(line.net_fen, 501)})
    if line.net_fen < 501:  # one line cannot carry it: take two lines' worth
        bad = ReturnAsk(bad.return_id, ref, "S001", "T01", {n: (x.sold, x.net_fen) for n, x in lines.items()},
                        {"points": 501, "wechat": sum(x.net_fen for x in lines.values()) - 501})
    with pytest.raises(ReturnRefused) as err:
        returnables.reserve(bad)
    assert err.value.code == "return.points_above_paid" and err.value.method == "points"
    assert returned(hq_service, fan, "points_back") == 0
    with hq_service.engine.connect() as conn:
        from sync.hq.return_effects import effects
        assert conn.scalar(select(func.count()).select_from(effects)) == 0  # nothing half-written


def test_what_a_capped_reversal_left_is_taken_by_the_next_return(hq_service, returnables):
    """An earlier return posted less than its share of the earned points (a till's capped
    reversal): the next return's cumulative target takes the rest, so the member ends with
    exactly what was earned taken back."""
    fan = member(hq_service)
    placed, _ = order_with_points(hq_service, fan, redeemed=0, earned=90)
    ref = f"order:{placed.order_id}"
    first = ask_of(hq_service, ref, {1: 3}, "online")
    returnables.reserve(first)
    with hq_service.engine.begin() as conn:  # as if that return had been capped at a low balance
        from sync.hq.return_effects import effects
        conn.execute(update(effects).where(effects.c.return_id == first.return_id).values(points_taken=5))
    returnables.confirm(first.return_id)
    rest = ask_of(hq_service, ref, {2: 2}, "online")
    returnables.reserve(rest)
    returnables.confirm(rest.return_id)
    assert returned(hq_service, fan, "earned_back") == -90


# -- coupons ----------------------------------------------------------------------------------
def coupon_state(hq: HQService, member_id: str) -> list[tuple[str, str | None]]:
    return [(c["state"], c["reissued_from"]) for c in Coupons(hq.engine).of_member(member_id)]


def test_a_coupon_is_reissued_once_when_the_kept_goods_no_longer_meet_its_threshold(hq_service, returnables):
    fan = member(hq_service)
    placed, coupon = order_with_points(hq_service, fan, coupon_policy="default", threshold=1500)
    ref = f"order:{placed.order_id}"
    small = ask_of(hq_service, ref, {1: 1}, "online")  # 2.00 of 19.00 back: 17.00 kept, still >= 15.00
    returnables.reserve(small)
    returnables.confirm(small.return_id)
    assert returnables.effects(small.return_id).coupons == ()
    assert coupon_state(hq_service, fan) == [("used", None)]
    big = ask_of(hq_service, ref, {2: 1}, "online")  # 6.50 more back: 10.50 kept
    returnables.reserve(big)
    assert returnables.effects(big.return_id).coupons == ((coupon, "reissued"),)
    for _ in range(2):
        returnables.confirm(big.return_id)
    states = coupon_state(hq_service, fan)
    assert sorted(states) == sorted([("reissued", None), ("issued", coupon)])
    rest = ask_of(hq_service, ref, {1: 2, 2: 1}, "online")  # everything else: not reissued again
    returnables.reserve(rest)
    returnables.confirm(rest.return_id)
    assert returnables.effects(rest.return_id).coupons == ()
    assert len(coupon_state(hq_service, fan)) == 2


@pytest.mark.parametrize("policy, after", [("keep", "used"), ("forfeit", "forfeited")])
def test_keep_and_forfeit_coupons_are_never_reissued(hq_service, returnables, policy, after):
    fan = member(hq_service)
    placed, coupon = order_with_points(hq_service, fan, coupon_policy=policy)
    everything = ask_of(hq_service, f"order:{placed.order_id}", {1: 3, 2: 2}, "online")
    returnables.reserve(everything)
    returnables.confirm(everything.return_id)
    assert coupon_state(hq_service, fan) == [(after, None)]


def test_a_coupon_definition_refuses_an_unknown_policy(hq_service):
    with pytest.raises(CouponError) as err:
        Coupons(hq_service.engine).define("DX", "x", value_minor=100, return_policy="double")
    assert err.value.code == "coupon.bad_policy"


def test_six_stores_returning_units_of_one_order_at_once_reissue_its_coupon_once(hq_service, returnables):
    """Six threads each reserve and confirm one unit at the same moment (SQLite and
    PostgreSQL): the threshold is broken by one of them, the coupon comes back once."""
    fan = member(hq_service)
    placed, coupon = order_with_points(hq_service, fan, coupon_policy="reissue", threshold=3000,
                                       items=[{"sku": "200001", "qty": 6}])
    ref = f"order:{placed.order_id}"
    _o, lines, _t = returnables.status(ref)
    unit = lines[1].net_fen // 6  # each asks one unit at the floor: never above the line's net
    asks = [ReturnAsk(str(uuid.uuid4()), ref, f"S00{i}", "T01", {1: (1, unit)}, {"online": unit})
            for i in range(6)]
    barrier = threading.Barrier(len(asks))
    errors: list[BaseException] = []

    def go(ask: ReturnAsk) -> None:
        try:
            barrier.wait(10)
            returnables.reserve(ask)
            returnables.confirm(ask.return_id)
            returnables.confirm(ask.return_id)  # and a retry
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(a,)) for a in asks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    outcomes = [o for a in asks for _c, o in returnables.effects(a.return_id).coupons]
    assert outcomes == ["reissued"]
    assert sorted(coupon_state(hq_service, fan)) == sorted([("reissued", None), ("issued", coupon)])


def test_a_reissue_asked_twice_at_once_issues_one_coupon(hq_service):
    """The unique ``reissued_from``: two transactions carrying out the same reissue (a retried
    and a concurrent confirmation) leave one new coupon."""
    from sync.hq import coupons as cp

    fan = member(hq_service)
    placed, coupon = order_with_points(hq_service, fan, coupon_policy="reissue")
    barrier = threading.Barrier(4)
    made: list[str | None] = []

    def go() -> None:
        barrier.wait(10)
        for _attempt in range(20):
            try:
                with hq_service.engine.begin() as conn:
                    made.append(cp.apply(conn, coupon, "reissued", "2026-01-02T00:00:00+00:00"))
                return
            except Exception:  # noqa: BLE001 - SQLite busy: the real callers retry the confirmation
                continue

    threads = [threading.Thread(target=go) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(made) == 4 and len(set(made)) == 1 and made[0]
    assert sorted(coupon_state(hq_service, fan)) == sorted([("reissued", None), ("issued", coupon)])
    assert json.dumps(placed.order_no)


def test_the_selling_tills_own_return_after_a_return_elsewhere_takes_only_what_is_left(hq_service, returnables):
    """One line of a sale comes back at another store, which took less than its share of the
    earned points (as a capped reversal would), the rest at the till that sold it
    (``return.completed``): that one takes what is left, together exactly what was earned."""
    from online_returns_world import send

    fan = member(hq_service)
    sale = sale_with_points(hq_service, fan, seed=11, points=0, points_fen=0, wallet="cash")
    assert len(sale["lines"]) > 1 and sale["points_earned"] > 0
    ref = f"sale:{sale['sale_id']}"
    _o, lines, _t = returnables.status(ref)
    first_no = min(lines)
    first = lines[first_no]
    elsewhere = ReturnAsk(str(uuid.uuid4()), ref, "S001", "T01", {first_no: (first.sold, first.net_fen)},
                          {"cash": first.net_fen})
    returnables.reserve(elsewhere)
    with hq_service.engine.begin() as conn:
        from sync.hq.return_effects import effects
        conn.execute(update(effects).where(effects.c.return_id == elsewhere.return_id).values(points_taken=0))
    returnables.confirm(elsewhere.return_id)
    rest = [x for n, x in sorted(lines.items()) if n != first_no]
    money = sum(x.net_fen for x in rest)
    if money:
        return_id = str(uuid.uuid4())
        send(hq_service, "S002", "T03", "return.completed", {
            "return_id": return_id, "request_id": str(uuid.uuid4()), "sale_id": sale["sale_id"],
            "receipt_no": sale["receipt_no"], "return_no": "S002-T03-R000001", "store_id": "S002",
            "terminal_id": "T03", "operator_id": "1001", "member_id": fan, "completed_at": sale["completed_at"],
            "refund_minor": money, "points_refunded": 0, "points_reversed": 0,
            "reason": {"code": "changed_mind", "text": ""},
            "lines": [{"line_no": x.line_no, "sku": x.sku, "qty": x.sold, "refund_minor": x.net_fen} for x in rest],
            "tenders": [{"method": "cash", "amount_minor": money, "points": None, "reference": None,
                         "original_reference": None}]})
    assert returned(hq_service, fan, "earned_back") == -sale["points_earned"]
