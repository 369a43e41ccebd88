"""HQ publishes a store's return conflicts and credit overdrafts to its tills, in the
transaction that records them, and takes a manager's resolution once per issue, from that
store only (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import uuid

import pytest
from online_returns_world import store_b_sale
from sqlalchemy import func, select
from test_credit_spend_from_sale_hq import event, issue, paid_by_note

from sync.hq import cross_returns as hq_cross
from sync.hq import return_issues
from sync.hq import schema as t
from sync.hq.returnables import ReturnablesService, ReturnAsk
from sync.hq.service import HQService
from sync.protocol.datasets import validate_row
from sync.protocol.events import PayloadError, validate
from sync.protocol.return_issues import DATASET, EVENT_KIND

AT = "2026-06-01T12:00:00+00:00"


def rows(hq: HQService, store: str) -> dict[str, dict]:
    with hq.engine.connect() as conn:
        return {r.key: json.loads(r.data) for r in conn.execute(select(t.dataset_rows).where(
            t.dataset_rows.c.dataset == DATASET, t.dataset_rows.c.scope == store))}


def make_conflict(hq: HQService, seed: int = 31) -> tuple[dict, str]:
    """S002's sale; S003 took its first line online, S001 took it offline (a receipt QR)."""
    sale, _qr = store_b_sale(hq, seed=seed)
    line = sale["lines"][0]
    ledger = ReturnablesService(hq.engine, hq_cross.load_original)
    ref = f"sale:{sale['sale_id']}"
    ledger.reserve(ReturnAsk("s003-" + str(seed), ref, "S003", "T01", {line["line_no"]: (line["qty"], line["net_minor"])},
                             {"cash": line["net_minor"]}))
    late = ReturnAsk(str(uuid.uuid4()), ref, "S001", "T01", {line["line_no"]: (line["qty"], line["net_minor"])},
                     {"cash": line["net_minor"]})
    assert ledger.take_refunded(late) == "conflict"
    assert ledger.take_refunded(late) == "conflict"  # a retry: recorded and published once
    return sale, late.return_id


def make_overdraft(hq: HQService, seed: int = 5) -> tuple[str, dict]:
    sale = paid_by_note(seed, "x" * 16, "S001")
    code = issue(hq, sale["total_minor"], store="S009")
    sale = paid_by_note(seed, code, "S001")
    hq.spend_credit_note(hq.authenticate(hq.issue_token("S004", "T01")), code, 100, "spent-elsewhere")
    who = hq.authenticate(hq.issue_token("S001", "T01"))
    assert hq.ingest(who, {"events": [event(sale, who.last_seq + 1)]})["results"][0]["status"] == "accepted"
    return sale["payments"][0]["credit_note"]["spend_id"], sale


def resolve(hq: HQService, store: str, issue_id: str, kind: str, **over) -> dict:  # type: ignore[no-untyped-def]
    who = hq.authenticate(hq.issue_token(store, "T01"))
    payload = {"issue_id": issue_id, "kind": kind, "resolution": "loss_accepted", "reason": "顾客已离店",
               "store_id": store, "terminal_id": "T01", "operator_id": "m1", "resolved_at": AT, **over}
    return hq.ingest(who, {"events": [{"event_id": str(uuid.uuid4()), "seq": who.last_seq + 1, "kind": EVENT_KIND,
                                       "schema_version": 1, "created_at": AT, "payload": payload}]})["results"][0]


def test_a_conflict_is_published_to_its_store_with_the_sale_line_stores_and_amount(hq_service):
    sale, rid = make_conflict(hq_service)
    [row] = rows(hq_service, "S001").values()
    line = sale["lines"][0]
    assert row["issue_id"] == rid and row["kind"] == "conflict" and row["sale_id"] == sale["sale_id"]
    assert row["lines"] == [{"line_no": line["line_no"], "sku": line["sku"], "qty": line["qty"],
                             "refund_minor": line["net_minor"]}]
    assert row["stores"] == ["S002", "S001", "S003"] and row["amount_minor"] == line["net_minor"]
    assert row["cause"] == "return.already_returned" and row["resolution"] is None
    assert row["receipt_no"] is None  # taken at HQ directly here: no return.taken event names the receipt
    assert rows(hq_service, "S002") == {} and rows(hq_service, "S003") == {}  # other stores see nothing
    validate_row(DATASET, rid, row)


def test_an_overdraft_is_published_with_the_note_tail_and_the_shortfall(hq_service):
    spend_id, sale = make_overdraft(hq_service)
    row = rows(hq_service, "S001")[spend_id]
    assert row["kind"] == "overdraft" and row["sale_id"] == sale["sale_id"] and row["amount_minor"] == 100
    assert row["receipt_no"] == sale["receipt_no"]
    assert row["stores"] == ["S009", "S004", "S001"] and row["lines"] == []
    assert row["code_tail"] == sale["payments"][0]["credit_note"]["code"][-4:]


def test_a_resolution_is_taken_once_and_closes_the_row(hq_service):
    _sale, rid = make_conflict(hq_service)
    spend_id, _sale2 = make_overdraft(hq_service, seed=6)
    assert resolve(hq_service, "S001", rid, "conflict")["status"] == "accepted"
    twice = resolve(hq_service, "S001", rid, "conflict", resolution="recovered")
    assert twice["status"] == "rejected" and "already resolved" in twice["reason"]
    assert resolve(hq_service, "S001", spend_id, "overdraft", resolution="recovered")["status"] == "accepted"
    published = rows(hq_service, "S001")
    assert (published[rid]["resolution"], published[rid]["resolved_at"]) == ("loss_accepted", AT)
    assert published[spend_id]["resolution"] == "recovered"
    with hq_service.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(return_issues.resolutions)) == 2


@pytest.mark.parametrize("store, over, why", [
    ("S001", {"issue_id": "nope"}, "no conflict"),  # unknown id
    ("S003", {"store_id": "S003"}, "no conflict"),  # another store's till: not its issue
    ("S001", {"kind": "overdraft"}, "no overdraft"),  # the id under the wrong kind
    ("S001", {"store_id": "S003"}, "not to this terminal"),  # naming another store
])
def test_hostile_resolutions_are_rejected_and_change_nothing(hq_service, store, over, why):
    _sale, rid = make_conflict(hq_service)
    result = resolve(hq_service, store, **{"issue_id": rid, "kind": "conflict", **over})
    assert result["status"] == "rejected" and why in result["reason"]
    assert rows(hq_service, "S001")[rid]["resolution"] is None
    with hq_service.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(return_issues.resolutions)) == 0


def test_two_resolutions_of_one_issue_in_one_batch_take_the_first(hq_service):
    _sale, rid = make_conflict(hq_service)
    who = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    payload = {"issue_id": rid, "kind": "conflict", "resolution": "recovered", "reason": "paid back",
               "store_id": "S001", "terminal_id": "T01", "operator_id": "m1", "resolved_at": AT}
    batch = [{"event_id": str(uuid.uuid4()), "seq": who.last_seq + n, "kind": EVENT_KIND, "schema_version": 1,
              "created_at": AT, "payload": {**payload, "resolution": resolution}}
             for n, resolution in ((1, "recovered"), (2, "loss_accepted"))]
    results = hq_service.ingest(who, {"events": batch})["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected"]
    assert rows(hq_service, "S001")[rid]["resolution"] == "recovered"


@pytest.mark.parametrize("broken", [
    {"resolution": "shrug"}, {"kind": "refund"}, {"reason": "   "}, {"reason": "x" * 201}, {"reason": None},
    {"issue_id": ""}, {"resolved_at": "yesterday"}, {"operator_id": None},
])
def test_the_validator_refuses_a_broken_resolution(broken):
    good = {"issue_id": "r1", "kind": "conflict", "resolution": "recovered", "reason": "paid back in cash",
            "store_id": "S001", "terminal_id": "T01", "operator_id": "m1", "resolved_at": AT}
    assert validate(EVENT_KIND, 1, good)["resolution"] == "recovered"
    with pytest.raises(PayloadError):
        validate(EVENT_KIND, 1, {**good, **broken})


def test_issues_recorded_before_this_version_are_published_once_at_start(hq_service):
    spend_id, _sale = make_overdraft(hq_service, seed=7)
    before = rows(hq_service, "S001")[spend_id]
    with hq_service.engine.begin() as conn:  # as an HQ of the earlier version left it: recorded, not published
        conn.execute(t.dataset_rows.delete().where(t.dataset_rows.c.dataset == DATASET))
    assert return_issues.publish_missing(hq_service.engine, hq_cross.load_original) == 1
    assert return_issues.publish_missing(hq_service.engine, hq_cross.load_original) == 0
    assert rows(hq_service, "S001") == {spend_id: before}


@pytest.mark.parametrize("broken", [
    {"kind": "refund"}, {"amount_minor": -1}, {"amount_minor": 1.5}, {"stores": "S001"}, {"stores": [""]},
    {"lines": [{"line_no": 1, "sku": "x", "qty": 0, "refund_minor": 1}]}, {"at": "yesterday"},
    {"resolution": "shrug"}, {"issue_id": "x" * 65},
])
def test_a_till_refuses_a_malformed_issue_row(hq_service, broken):
    _sale, rid = make_conflict(hq_service)
    row = rows(hq_service, "S001")[rid]
    validate_row(DATASET, rid, row)
    with pytest.raises(PayloadError):
        validate_row(DATASET, rid, {**row, **broken})
    with pytest.raises(PayloadError):  # a row under another issue's key
        validate_row(DATASET, "another", row)
