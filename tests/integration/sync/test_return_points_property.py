"""A Hypothesis property over sequences of partial returns of a member's store sale paid with
points and WeChat Pay, taken at other stores' tills (priced by the till's refund rules,
reserved, confirmed or released at HQ): per line and per tender, points included, nothing
refunded passes what was paid; once everything is back the parts sum to the whole, the points
given back to exactly the points paid and the earned points taken back to exactly the earned."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from online_returns_world import member
from points_coupons_world import sale_with_points

from store_client.domain import refunds as rf
from sync.hq import cross_returns
from sync.hq.returnables import ReturnablesService, ReturnAsk

KINDS = {"points": "points", "wechat": "mobile"}


def take(ledger: ReturnablesService, ref: str, want: dict[int, int], confirm: bool) -> tuple[int, int] | None:
    """Price ``want`` as the till does, reserve it and confirm or release it; the effects."""
    original, lines, refunded = ledger.status(ref)
    sold = [rf.SoldLine(n, x.sold, x.net_fen, returned_quantity=x.returned) for n, x in sorted(lines.items())]
    methods = sorted(original.tenders, key=lambda m: rf.TENDER_ORDER.index(KINDS[m]))
    tenders = [rf.PaidTender(i, KINDS[m], original.tenders[m], refunded.get(m, 0)) for i, m in enumerate(methods, 1)]
    request = tuple((n, min(q, lines[n].returnable)) for n, q in sorted(want.items()) if lines[n].returnable)
    if not request:
        return None
    plan = rf.plan_refund(sold, tenders, request)
    asked = {}
    for t in plan.tenders:
        asked[methods[t.seq - 1]] = asked.get(methods[t.seq - 1], 0) + t.amount_fen
    ask = ReturnAsk(str(uuid.uuid4()), ref, "S001", "T01", {r.line_no: (r.quantity, r.refund_fen) for r in plan.lines},
                    {m: fen for m, fen in asked.items() if fen})
    ledger.reserve(ask)
    (ledger.confirm if confirm else ledger.release)(ask.return_id)
    effects = ledger.effects(ask.return_id)
    return (effects.points_back, effects.points_taken) if confirm else None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), points=st.integers(1, 900),
       steps=st.lists(st.tuples(st.integers(1, 3), st.integers(1, 3), st.booleans()), max_size=6))
def test_partial_returns_never_pass_what_was_paid_and_sum_to_the_whole(sqlite_hq, seed, points, steps):
    fan = member(sqlite_hq)
    sale = sale_with_points(sqlite_hq, fan, seed=seed, points=points, points_fen=points)
    ref = f"sale:{sale['sale_id']}"
    ledger = ReturnablesService(sqlite_hq.engine, cross_returns.load_original)
    original, _lines, _r = ledger.status(ref)
    back = taken = 0
    for line_no, qty, confirm in steps:
        if line_no not in original.lines:
            continue
        got = take(ledger, ref, {line_no: qty}, confirm)
        if got:
            back, taken = back + got[0], taken + got[1]
        _o, lines, refunded = ledger.status(ref)
        assert all(x.returned <= x.sold and 0 <= x.refunded_fen <= x.net_fen for x in lines.values())
        assert all(refunded.get(m, 0) <= paid for m, paid in original.tenders.items())
        assert 0 <= back <= points and 0 <= taken <= sale["points_earned"]
    got = take(ledger, ref, {n: line.qty for n, line in original.lines.items()}, True)  # the rest
    if got:
        back, taken = back + got[0], taken + got[1]
    _o, lines, refunded = ledger.status(ref)
    assert all(x.returned == x.sold and x.refunded_fen == x.net_fen for x in lines.values())
    assert refunded == dict(original.tenders)
    assert (back, taken) == (points, sale["points_earned"])
