"""A count shared by the store's tills, at HQ (SQLite and PostgreSQL): the plan reaches the
store's tills, totals per till and SKU are published in the scan's own ingest, and what a
till may not do (plan twice, close another till's plan, scan as another till) is refused."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select

from sync.hq import schema as t
from sync.hq.service import HQService
from sync.protocol.count_events import totals_key
from sync.protocol.datasets import validate_row
from sync.protocol.events import PayloadError
from tests.integration.sync.test_stock_hq import envelope

PLAN = str(uuid.uuid4())
AT = "2026-12-01T02:00:00+00:00"


def planned(terminal: str = "T01", store: str = "S001", plan: str = PLAN, **extra: object) -> dict:
    return {"plan_id": plan, "store_id": store, "terminal_id": terminal, "label": "A区", "scope": "cycle",
            "blind": True, "snapshot_at": AT, "created_by": "m1", "lines": [["A", 3], ["B", 0]], **extra}


def scan(terminal: str, scan_id: str, sku: str, qty: int, rnd: int = 0) -> dict:
    return {"scan_id": scan_id, "plan_id": PLAN, "sku": sku, "qty": qty, "round": rnd, "counter_id": "a1",
            "store_id": "S001", "terminal_id": terminal, "at": AT}


def cancelled(terminal: str = "T01", plan: str = PLAN) -> dict:
    return {"plan_id": plan, "store_id": "S001", "terminal_id": terminal, "reason": "wrong area", "at": AT}


def rows(service: HQService, dataset: str, scope: str = "S001") -> dict[str, dict]:
    with service.engine.connect() as conn:
        found = conn.execute(select(t.dataset_rows.c.key, t.dataset_rows.c.data).where(
            t.dataset_rows.c.dataset == dataset, t.dataset_rows.c.scope == scope)).all()
    return {key: json.loads(data) for key, data in found}


def statuses(service: HQService, who, *events: tuple[str, dict]) -> list[str]:  # type: ignore[no-untyped-def]
    batch = [envelope(i + 1, kind, payload) for i, (kind, payload) in enumerate(events)]
    return [r["status"] for r in service.ingest(who, {"events": batch})["results"]]


def test_a_plan_reaches_the_stores_tills_and_totals_are_per_till(hq_service: HQService) -> None:
    t1 = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    t2 = hq_service.authenticate(hq_service.issue_token("S001", "T02"))
    assert statuses(hq_service, t1, ("stock.count_planned", planned()),
                    ("stock.count_scanned", scan("T01", "s1", "A", 2))) == ["accepted"] * 2
    assert rows(hq_service, "count_plans")[PLAN]["state"] == "counting"
    assert rows(hq_service, "count_plans", "S002") == {}  # another store never sees it
    assert statuses(hq_service, t2, ("stock.count_scanned", scan("T02", "s2", "A", 5)),
                    ("stock.count_scanned", scan("T02", "s3", "A", -1))) == ["accepted"] * 2
    row = rows(hq_service, "count_totals")[totals_key(PLAN, "A")]
    assert row["counted"] == 6 and row["round"] == 0
    assert [(x["terminal_id"], x["counted"], x["scans"]) for x in row["tills"]] == [("T01", 2, 1), ("T02", 4, 2)]
    statuses(hq_service, t1, ("stock.count_scanned", scan("T01", "s4", "A", 7, rnd=1)))  # recount at T01
    row = rows(hq_service, "count_totals")[totals_key(PLAN, "A")]
    assert (row["counted"], row["round"], [x["terminal_id"] for x in row["tills"]]) == (7, 1, ["T01"])

    assert statuses(hq_service, t1, ("stock.count_cancelled", cancelled())) == ["accepted"]
    assert rows(hq_service, "count_plans")[PLAN]["state"] == "cancelled"


def test_what_a_till_may_not_do_is_refused_and_changes_nothing(hq_service: HQService) -> None:
    t1 = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    t2 = hq_service.authenticate(hq_service.issue_token("S001", "T02"))
    other_store = hq_service.authenticate(hq_service.issue_token("S002", "T01"))
    statuses(hq_service, t1, ("stock.count_planned", planned()))
    assert statuses(hq_service, t1, ("stock.count_planned", planned())) == ["rejected"]  # planned twice
    assert statuses(hq_service, t2, ("stock.count_planned", planned(terminal="T01"))) == ["rejected"]  # as T01
    assert statuses(hq_service, t2, ("stock.count_cancelled", cancelled(terminal="T02"))) == ["rejected"]  # not T02's
    assert statuses(hq_service, t1, ("stock.count_cancelled", cancelled(plan=str(uuid.uuid4())))) == ["rejected"]
    assert statuses(hq_service, other_store, ("stock.count_cancelled", cancelled() | {"store_id": "S002"})) == [
        "rejected"]  # another store's plan
    assert statuses(hq_service, t2, ("stock.count_scanned", scan("T01", "x1", "A", 50))) == ["rejected"]  # as T01
    bad = [planned(scope="shelf"), planned(lines=[]), planned(lines=[["A", 1], ["A", 2]]), planned(blind="yes"),
           planned(lines=[["A|B", 1]]), planned(snapshot_at="yesterday"), cancelled() | {"reason": " x "}]
    kinds = ["stock.count_planned"] * 6 + ["stock.count_cancelled"]
    assert statuses(hq_service, t1, *zip(kinds, bad, strict=True)) == ["rejected"] * 7
    assert rows(hq_service, "count_plans")[PLAN]["state"] == "counting"
    assert totals_key(PLAN, "A") not in rows(hq_service, "count_totals")


@pytest.mark.parametrize("change", [{"counted": 99}, {"tills": [{"terminal_id": "T01", "counted": -1, "scans": 1,
                                                                   "last_at": AT}], "counted": -1},
                                    {"as_of": "soon"}])
def test_a_totals_row_that_does_not_add_up_is_refused(change: dict) -> None:
    row = {"plan_id": PLAN, "sku": "A", "round": 0, "counted": 3, "as_of": AT,
           "tills": [{"terminal_id": "T01", "counted": 3, "scans": 2, "last_at": AT}]}
    validate_row("count_totals", totals_key(PLAN, "A"), row)
    with pytest.raises(PayloadError):
        validate_row("count_totals", totals_key(PLAN, "A"), row | change)
    with pytest.raises(PayloadError):
        validate_row("count_totals", totals_key(PLAN, "B"), row)  # the key names another SKU
