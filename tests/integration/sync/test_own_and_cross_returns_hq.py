"""One ledger of what is returnable, whichever till takes a store sale back: the selling
till's own returns (``return.completed``) and other stores' returns (HQ's reservations) count
together. Before, each side saw only its own kind, so the same goods could be refunded twice:
once at the till that sold them, once at another store."""

from __future__ import annotations

import json
import uuid

import pytest
from online_returns_world import send, store_b_sale
from sqlalchemy import func, select

from sync.hq import cross_returns
from sync.hq import schema as t
from sync.hq.returnables import ReturnablesService, ReturnAsk, ReturnRefused, conflict_rows
from sync.hq.service import HQService


@pytest.fixture
def returnables(hq_service: HQService) -> ReturnablesService:
    return ReturnablesService(hq_service.engine, cross_returns.load_original)


def own_return(sale: dict, lines: list[tuple[int, int, int]]) -> dict:
    """Store S002's till T03 takes back (line_no, qty, refund) of its own sale, in cash."""
    sold = {x["line_no"]: x for x in sale["lines"]}
    money = sum(fen for _n, _q, fen in lines)
    return {"return_id": str(uuid.uuid4()), "request_id": str(uuid.uuid4()), "sale_id": sale["sale_id"],
            "receipt_no": sale["receipt_no"], "return_no": f"S002-T03-R{uuid.uuid4().hex[:6]}", "store_id": "S002",
            "terminal_id": "T03", "operator_id": "1001", "member_id": None, "completed_at": sale["completed_at"],
            "refund_minor": money, "points_refunded": 0, "points_reversed": 0,
            "reason": {"code": "changed_mind", "text": ""},
            "lines": [{"line_no": n, "sku": sold[n]["sku"], "qty": q, "refund_minor": fen} for n, q, fen in lines],
            "tenders": [{"method": "cash", "amount_minor": money, "points": None, "reference": None,
                         "original_reference": None}]}


def test_a_line_its_own_till_took_back_is_not_returnable_at_another_store(hq_service, returnables):
    sale, _qr = store_b_sale(hq_service, seed=31)
    ref = f"sale:{sale['sale_id']}"
    _o, lines, _t = returnables.status(ref)
    n = min(lines)
    line = lines[n]
    send(hq_service, "S002", "T03", "return.completed", own_return(sale, [(n, line.sold, line.net_fen)]))
    _o, after, refunded = returnables.status(ref)
    assert after[n].returnable == 0 and after[n].refunded_fen == line.net_fen  # the lookup says so
    assert refunded == {"cash": line.net_fen}
    with pytest.raises(ReturnRefused) as refused:
        returnables.reserve(ReturnAsk(str(uuid.uuid4()), ref, "S001", "T01", {n: (1, 1)}, {"cash": 1}))
    assert refused.value.code == "return.already_returned"
    others = [x for k, x in sorted(after.items()) if k != n and x.sold]
    if others:  # the rest of the sale is still returnable elsewhere, up to what is left
        other = others[0]
        assert returnables.reserve(ReturnAsk(str(uuid.uuid4()), ref, "S001", "T01",
                                             {other.line_no: (other.sold, other.net_fen)},
                                             {"cash": other.net_fen})) == "reserved"


def test_a_partial_own_return_leaves_only_the_rest_for_another_store(hq_service, returnables):
    sale, _qr = store_b_sale(hq_service, seed=33)
    ref = f"sale:{sale['sale_id']}"
    _o, lines, _t = returnables.status(ref)
    line = next((x for x in lines.values() if x.sold > 1), None)
    assert line is not None, "seed 33 sells a line of more than one: the test needs it"
    part = line.net_fen * 1 // line.sold
    send(hq_service, "S002", "T03", "return.completed", own_return(sale, [(line.line_no, 1, part)]))
    with pytest.raises(ReturnRefused):  # all of it again: one is back already
        returnables.reserve(ReturnAsk(str(uuid.uuid4()), ref, "S001", "T01",
                                      {line.line_no: (line.sold, line.net_fen - part)},
                                      {"cash": line.net_fen - part}))
    rest = line.sold - 1
    assert returnables.reserve(ReturnAsk(str(uuid.uuid4()), ref, "S001", "T01",
                                         {line.line_no: (rest, line.net_fen - part)},
                                         {"cash": line.net_fen - part})) == "reserved"


def test_an_own_return_of_goods_another_store_holds_is_taken_and_kept_as_a_conflict(hq_service, returnables):
    """The selling till refunded offline what another store had returned meanwhile: its
    event is taken (the money is out), and the manager sees the conflict; not refused, or
    the till's queue would stop behind it."""
    sale, _qr = store_b_sale(hq_service, seed=35)
    ref = f"sale:{sale['sale_id']}"
    _o, lines, _t = returnables.status(ref)
    n = min(lines)
    line = lines[n]
    elsewhere = ReturnAsk(str(uuid.uuid4()), ref, "S001", "T01", {n: (line.sold, line.net_fen)},
                          {"cash": line.net_fen})
    returnables.reserve(elsewhere)
    returnables.confirm(elsewhere.return_id)
    mine = own_return(sale, [(n, line.sold, line.net_fen)])
    result = send(hq_service, "S002", "T03", "return.completed", mine)
    assert result["results"][0]["status"] == "accepted"
    with hq_service.engine.connect() as conn:
        [row] = conn.execute(select(conflict_rows).where(conflict_rows.c.return_id == mine["return_id"])).all()
        assert (row.original_ref, row.store_id, row.code) == (ref, "S002", "return.already_returned")
        published = {r.key: json.loads(r.data) for r in conn.execute(select(t.dataset_rows).where(
            t.dataset_rows.c.dataset == "store_return_issues", t.dataset_rows.c.scope == "S002"))}
    issue = published[mine["return_id"]]
    assert issue["kind"] == "conflict" and issue["amount_minor"] == line.net_fen
    assert {"S001", "S002"} <= set(issue["stores"])


def test_own_returns_that_fit_with_other_stores_raise_no_conflict(hq_service, returnables):
    sale, _qr = store_b_sale(hq_service, seed=37)
    ref = f"sale:{sale['sale_id']}"
    _o, lines, _t = returnables.status(ref)
    assert len(lines) >= 2, "seed 37 sells two lines or more: the test needs them"
    first, second = sorted(lines)[:2]
    a, b = lines[first], lines[second]
    elsewhere = ReturnAsk(str(uuid.uuid4()), ref, "S001", "T01", {first: (a.sold, a.net_fen)}, {"cash": a.net_fen})
    returnables.reserve(elsewhere)
    returnables.confirm(elsewhere.return_id)
    send(hq_service, "S002", "T03", "return.completed", own_return(sale, [(second, b.sold, b.net_fen)]))
    with hq_service.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(conflict_rows)) == 0
