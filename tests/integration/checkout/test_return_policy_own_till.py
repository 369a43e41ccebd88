"""The return policy on this till's own sales: windows per category in store days, a
non-returnable category overridden by a second person once, and each line's disposition in
the stock, the event, the slip, the audit and HQ's validator."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from checkout_seed import SHAMPOO, TOOTHPASTE, WATER
from sqlalchemy import func, select

from store_client.persistence.models import AuditEntry, OutboxEvent, Return, ReturnLine, StockMovement, StockPosition
from store_client.services.errors import ApprovalRequired, ServiceError
from store_client.services.return_views import ReturnRequest
from sync.protocol.events import PayloadError, validate
from test_returns import returns_for, sell

MANAGER_PIN = "2468"  # m1's, as the checkout tests' conftest adds it
# A sale at 23:59 Shanghai time on 2026-01-01 (15:59 UTC).
SOLD_AT = datetime(2026, 1, 1, 15, 59, tzinfo=UTC)


@pytest.fixture
def policy_shop(shop, clock):  # type: ignore[no-untyped-def]
    clock._now = SOLD_AT  # noqa: SLF001 (the fake clock's own field: the sale is made at 23:59 local)
    shop.terminal.config.values.update({
        "returns.window_days": 30, "returns.category_window_days": {"food": 7},
        "returns.non_returnable": ["care_opened"]})
    return shop


def request(sale, lines, reason="changed_mind", dispositions=(), override=False):  # type: ignore[no-untyped-def]
    return ReturnRequest(sale.request_id, sale.sale_id, tuple(lines), reason, "", None,
                         tuple(dispositions) if isinstance(dispositions, list) else dispositions, (), override)


def written(shop) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        return (s.scalar(select(func.count()).select_from(Return)),
                s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.kind == "return.completed")),
                s.scalar(select(func.count()).select_from(StockMovement).where(StockMovement.ref.like("return:%"))))


def refusals(shop) -> list[dict]:  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        return [json.loads(a.details) for a in s.scalars(select(AuditEntry).where(AuditEntry.action == "return.refused"))]


def on_hand(shop, sku: str) -> int:  # type: ignore[no-untyped-def]
    with shop.terminal.db.read() as s:
        return int(s.scalar(select(StockPosition.on_hand).where(StockPosition.sku == sku)) or 0)


def lines_by_sku(svc, shop, sale):  # type: ignore[no-untyped-def]
    loaded = svc.find_sale(shop.manager, sale.receipt_no)
    return loaded, {line.sku: line.line_no for line in loaded.lines}


def test_food_is_returnable_through_its_seventh_local_day_and_refused_after_naming_the_line(policy_shop, clock):
    shop = policy_shop
    done = sell(shop, [WATER, SHAMPOO])
    svc = returns_for(shop)
    clock._now = datetime(2026, 1, 8, 15, 59, 59, tzinfo=UTC)  # noqa: SLF001 (23:59:59 on the 8th, local)
    sale, no = lines_by_sku(svc, shop, done)
    assert sale.verdicts[no["100003"]].last_day.isoformat() == "2026-01-08"
    assert not sale.verdicts[no["100003"]].window_passed
    clock._now = datetime(2026, 1, 8, 16, 0, tzinfo=UTC)  # noqa: SLF001 (midnight: the 9th, local)
    sale, no = lines_by_sku(svc, shop, done)
    assert sale.verdicts[no["100003"]].window_passed and not sale.verdicts[no["100001"]].window_passed
    before = on_hand(shop, "100003")
    with pytest.raises(ServiceError) as refused:
        svc.refund(shop.manager, request(sale, [(no["100001"], 1), (no["100003"], 1)]))
    assert refused.value.code == "return.window_passed"
    assert refused.value.params == {"line": no["100003"], "days": 7}
    assert written(shop) == (0, 0, 0) and on_hand(shop, "100003") == before
    assert refusals(shop)[-1]["code"] == "return.window_passed"
    result = svc.refund(shop.manager, request(sale, [(no["100001"], 1)]))  # the shampoo still comes back
    assert result.refund_fen > 0 and written(shop)[:2] == (1, 1)


def test_each_disposition_moves_stock_its_own_way_and_travels_in_the_event(policy_shop):
    shop = policy_shop
    done = sell(shop, [SHAMPOO, SHAMPOO, SHAMPOO, TOOTHPASTE, WATER])
    svc = returns_for(shop)
    sale, no = lines_by_sku(svc, shop, done)
    shampoo, paste, water = on_hand(shop, "100001"), on_hand(shop, "100002"), on_hand(shop, "100003")
    result = svc.refund(shop.manager, request(
        sale, [(no["100001"], 3), (no["100002"], 1), (no["100003"], 1)],
        dispositions=[(no["100001"], "restock"), (no["100002"], "damaged"), (no["100003"], "vendor")]))
    assert (on_hand(shop, "100001"), on_hand(shop, "100002"), on_hand(shop, "100003")) == (shampoo + 3, paste, water)
    with shop.terminal.db.read() as s:
        moves = {(m.sku, m.reason): m.delta for m in s.scalars(
            select(StockMovement).where(StockMovement.ref == f"return:{result.return_id}"))}
        kept = {r.line_no: r.disposition for r in s.scalars(select(ReturnLine))}
        event = s.scalars(select(OutboxEvent).where(OutboxEvent.kind == "return.completed")).one()
        version, payload = event.schema_version, json.loads(event.payload)
        audit = json.loads(s.scalars(select(AuditEntry).where(AuditEntry.action == "return.completed")).one().details)
    assert moves == {("100001", "return"): 3, ("100002", "return"): 1, ("100002", "damage"): -1,
                     ("100003", "return"): 1, ("100003", "return_to_vendor"): -1}
    assert kept == {no["100001"]: "restock", no["100002"]: "damaged", no["100003"]: "vendor"}
    data = validate("return.completed", version, payload)
    assert {x["sku"]: x["disposition"] for x in data["lines"]} == {"100001": "restock", "100002": "damaged",
                                                                    "100003": "vendor"}
    assert sorted(audit["dispositions"]) == sorted([[n, d] for n, d in kept.items()])
    slip = result.receipt_text  # the slip as queued, in the till's language (zh_CN)
    assert "去向：退回库存" in slip and "去向：损坏，不再销售" in slip and "去向：退回供应商" in slip


def test_a_damaged_goods_return_without_dispositions_keeps_the_old_meaning(policy_shop):
    shop = policy_shop
    done = sell(shop, [SHAMPOO])
    svc = returns_for(shop)
    sale, no = lines_by_sku(svc, shop, done)
    before = on_hand(shop, "100001")
    svc.refund(shop.manager, request(sale, [(no["100001"], 1)], reason="damaged"))
    assert on_hand(shop, "100001") == before  # not back on the shelf
    with shop.terminal.db.read() as s:
        assert s.scalar(select(ReturnLine.disposition)) == "damaged"


@pytest.mark.parametrize("bad", ["trash", "", None, 7, "RESTOCK"])
def test_an_unknown_disposition_is_refused_audited_and_nothing_is_written(policy_shop, bad):  # type: ignore[no-untyped-def]
    shop = policy_shop
    done = sell(shop, [SHAMPOO])
    svc = returns_for(shop)
    sale, no = lines_by_sku(svc, shop, done)
    with pytest.raises(ServiceError) as refused:
        svc.refund(shop.manager, request(sale, [(no["100001"], 1)], dispositions=[(no["100001"], bad)]))
    assert refused.value.code == "return.disposition_unknown" and refused.value.params == {"line": no["100001"]}
    assert written(shop) == (0, 0, 0) and refusals(shop)[-1]["code"] == "return.disposition_unknown"


def test_malformed_dispositions_are_refused_not_crashed_on(policy_shop):
    shop = policy_shop
    done = sell(shop, [SHAMPOO])
    svc = returns_for(shop)
    sale, no = lines_by_sku(svc, shop, done)
    for bad in ("restock", [("x",)], 12):
        with pytest.raises(ServiceError) as refused:
            svc.refund(shop.manager, request(sale, [(no["100001"], 1)], dispositions=bad))
        assert refused.value.code == "return.disposition_unknown"
    assert written(shop) == (0, 0, 0)


def opened_care(shop) -> None:  # type: ignore[no-untyped-def]
    shop.terminal.config.values["returns.non_returnable"] = ["care"]


def test_a_non_returnable_line_is_refused_without_an_override_and_the_rest_still_returns(policy_shop):
    shop = policy_shop
    opened_care(shop)
    done = sell(shop, [SHAMPOO, WATER])
    svc = returns_for(shop)
    sale, no = lines_by_sku(svc, shop, done)
    assert sale.verdicts[no["100001"]].non_returnable and not sale.verdicts[no["100003"]].non_returnable
    with pytest.raises(ServiceError) as refused:
        svc.refund(shop.manager, request(sale, [(no["100001"], 1), (no["100003"], 1)]))
    assert refused.value.code == "return.non_returnable" and refused.value.params == {"line": no["100001"]}
    assert written(shop) == (0, 0, 0) and refusals(shop)[-1]["code"] == "return.non_returnable"
    assert svc.refund(shop.manager, request(sale, [(no["100003"], 1)])).refund_fen == 200


def test_a_manager_needs_a_second_manager_to_override_and_the_grant_is_used_once(policy_shop, add_operator):
    shop = policy_shop
    opened_care(shop)
    add_operator("m2", "manager", "8642", name="李经理")
    done = sell(shop, [SHAMPOO, SHAMPOO])
    svc = returns_for(shop)
    sale, no = lines_by_sku(svc, shop, done)
    asked = request(sale, [(no["100001"], 1)], dispositions=[(no["100001"], "damaged")], override=True)
    with pytest.raises(ApprovalRequired):
        svc.refund(shop.manager, asked)  # even a manager: a second person
    own = shop.approvals.approve(shop.cashier, "m1", MANAGER_PIN, "return.process", "x")  # for another operator
    with pytest.raises(ApprovalRequired):
        svc.refund(shop.manager, asked, grant=own)
    assert written(shop) == (0, 0, 0)
    grant = shop.approvals.approve(shop.manager, "m2", "8642", "return.process", "包装已拆，顾客投诉质量")
    result = svc.refund(shop.manager, asked, grant=grant)
    with shop.terminal.db.read() as s:
        audit = json.loads(s.scalars(select(AuditEntry).where(AuditEntry.action == "return.completed")).one().details)
        approved_by = s.scalars(select(Return)).one().approved_by
    assert audit["override"] == {"lines": [[no["100001"], "care"]], "approved_by": "m2",
                                 "approval_id": grant.approval_id, "reason": "包装已拆，顾客投诉质量"}
    assert approved_by == "m2" and result.refund_fen > 0
    again = svc.find_sale(shop.manager, done.receipt_no)  # the second unit: the same grant again
    with pytest.raises(ApprovalRequired):
        svc.refund(shop.manager, request(again, [(no["100001"], 1)], override=True), grant=grant)
    assert written(shop)[0] == 1


def test_a_cashier_overrides_with_the_one_approval_of_the_return(policy_shop):
    shop = policy_shop
    opened_care(shop)
    done = sell(shop, [SHAMPOO])
    svc = returns_for(shop)
    sale, no = lines_by_sku(svc, shop, done)
    grant = shop.grant("return.process", "顾客过敏，经理同意")
    svc.refund(shop.cashier, request(sale, [(no["100001"], 1)], override=True), grant=grant)
    assert written(shop)[:2] == (1, 1)


def test_hq_validator_refuses_a_bad_disposition_and_defaults_an_old_event(policy_shop):
    shop = policy_shop
    done = sell(shop, [SHAMPOO])
    svc = returns_for(shop)
    sale, no = lines_by_sku(svc, shop, done)
    svc.refund(shop.manager, request(sale, [(no["100001"], 1)]))
    with shop.terminal.db.read() as s:
        payload = json.loads(s.scalars(select(OutboxEvent).where(OutboxEvent.kind == "return.completed"))
                             .one().payload)
    for bad in ("trash", "", 3):
        with pytest.raises(PayloadError, match="disposition"):
            validate("return.completed", 1, {**payload, "lines": [{**payload["lines"][0], "disposition": bad}]})
    with pytest.raises(PayloadError, match="reason"):
        validate("return.completed", 1, {**payload, "lines": [{**payload["lines"][0], "reason": "bored"}]})
    old = {**payload, "lines": [{k: v for k, v in payload["lines"][0].items() if k not in ("disposition", "reason")}]}
    assert validate("return.completed", 1, old)["lines"][0]["disposition"] == "restock"
    damaged = {**old, "reason": {"code": "damaged", "text": ""}}
    assert validate("return.completed", 1, damaged)["lines"][0]["disposition"] == "damaged"


def test_the_same_request_twice_moves_stock_once_and_does_not_ask_for_the_override_again(policy_shop):
    shop = policy_shop
    opened_care(shop)
    done = sell(shop, [SHAMPOO, WATER])
    svc = returns_for(shop)
    sale, no = lines_by_sku(svc, shop, done)
    asked = request(sale, [(no["100001"], 1), (no["100003"], 1)], override=True,
                    dispositions=[(no["100001"], "vendor"), (no["100003"], "restock")])
    first = svc.refund(shop.cashier, asked, grant=shop.grant("return.process", "质量问题"))
    again = svc.refund(shop.cashier, asked)  # a retry after a lost answer: no grant needed, nothing more
    assert again.repeated and again.return_id == first.return_id
    assert written(shop) == (1, 1, 3)  # shampoo in and out to the vendor, water in: once
