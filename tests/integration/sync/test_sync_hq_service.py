"""The reference HQ on SQLite and PostgreSQL: exactly-once ingestion and change feeds."""

from __future__ import annotations

import json
import random
import threading
import uuid

import pytest

from sync.hq.service import AuthError, HQService, RequestError
from tools.soak import make_sale


def event(seq: int, sale: dict | None = None, *, kind: str = "sale.completed", version: int = 2,
          event_id: str | None = None) -> dict:
    return {"event_id": event_id or str(uuid.uuid4()), "seq": seq, "kind": kind, "schema_version": version,
            "created_at": "2026-01-01T09:00:00+00:00",
            "payload": sale if sale is not None else make_sale(random.Random(seq))}


@pytest.fixture
def who(hq_service: HQService):  # type: ignore[no-untyped-def]
    return hq_service.authenticate(hq_service.issue_token("S001", "T01"))


def test_batch_is_applied_once_and_a_duplicate_gets_the_original_ack(hq_service, who) -> None:
    batch = [event(i) for i in range(1, 6)]
    first = hq_service.ingest(who, {"events": batch})
    assert [r["status"] for r in first["results"]] == ["accepted"] * 5
    again = hq_service.ingest(who, {"events": batch})  # the response to the first was "lost"
    for original, dup in zip(first["results"], again["results"]):
        assert dup["duplicate"] is True
        assert {k: v for k, v in dup.items() if k != "duplicate"} == original
    sales = hq_service.list_sales("S001")
    assert len(sales) == 5
    assert sum(s["total_minor"] for s in sales) == sum(e["payload"]["total_minor"] for e in batch)
    assert again["last_seq"] == first["last_seq"] == 5


def test_duplicate_inside_one_batch_is_applied_once(hq_service, who) -> None:
    e = event(1)
    result = hq_service.ingest(who, {"events": [e, dict(e)]})
    assert result["results"][0]["status"] == "accepted"
    assert result["results"][1]["duplicate"] is True
    assert len(hq_service.list_sales()) == 1


def test_rejections_are_per_event_and_do_not_block_the_rest(hq_service, who) -> None:
    bad_total = make_sale(random.Random(2))
    bad_total["total_minor"] += 1
    float_money = make_sale(random.Random(3))
    float_money["total_minor"] = float(float_money["total_minor"])
    other_store = make_sale(random.Random(4), store_id="S999")
    batch = [event(1), event(2, bad_total), event(3, float_money), event(4, other_store),
             event(5, kind="sale.teleported"), event(6, version=7), {"event_id": "nope", "seq": 7},
             event(8)]
    results = hq_service.ingest(who, {"events": batch})["results"]
    assert [r["status"] for r in results] == ["accepted"] + ["rejected"] * 6 + ["accepted"]
    reasons = [r["reason"] for r in results[1:7]]
    assert "total_minor" in reasons[0]
    assert "must be an integer" in reasons[1]
    assert "S999" in reasons[2]
    assert "unknown event kind" in reasons[3]
    assert "unsupported schema_version 7" in reasons[4]
    assert "event_id" in reasons[5]
    assert len(hq_service.list_sales()) == 2
    assert len(hq_service.rejections()) == 6


def test_rejected_event_is_reconsidered_when_sent_again(hq_service, who) -> None:
    """Rejections are not deduplicated: after HQ fixes the cause, a retry can apply."""
    sale = make_sale(random.Random(5))
    e = event(1, sale, version=9)
    assert hq_service.ingest(who, {"events": [e]})["results"][0]["status"] == "rejected"
    e["schema_version"] = 2
    assert hq_service.ingest(who, {"events": [e]})["results"][0]["status"] == "accepted"


def test_v1_sale_from_before_an_upgrade_is_accepted_and_normalised(hq_service, who) -> None:
    v1 = {"sale_id": str(uuid.uuid4()), "store_id": "S001", "terminal_id": "T01",
          "completed_at": "2026-01-01T09:00:00+00:00",
          "lines": [{"sku": "100001", "qty": 3, "unit_price_minor": 200, "line_total_minor": 600}],
          "total_minor": 600, "paid_minor": 1000}
    assert hq_service.ingest(who, {"events": [event(1, v1, version=1)]})["results"][0]["status"] == "accepted"
    stored = json.loads(hq_service.list_sales()[0]["payload"])
    assert stored["payments"] == [{"method": "cash", "amount_minor": 1000}]
    assert stored["change_minor"] == 400


def test_same_sale_in_two_events_is_rejected_not_doubled(hq_service, who) -> None:
    sale = make_sale(random.Random(6))
    results = hq_service.ingest(who, {"events": [event(1, sale), event(2, sale)]})["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected"]
    assert "already received" in results[1]["reason"]


def test_malformed_batches_are_refused_whole(hq_service, who) -> None:
    for body in ([], {"events": "x"}, {"nothing": 1}, {"events": [event(i) for i in range(1, 1002)]}):
        with pytest.raises(RequestError):
            hq_service.ingest(who, body)
    assert hq_service.list_sales() == []


def test_tokens_are_hashed_rotated_and_scoped(hq_service) -> None:
    token = hq_service.issue_token("S001", "T01")
    from sqlalchemy import text
    with hq_service.engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM hq_terminals")).scalars().all()
    assert token not in stored and len(stored) == 1
    newer = hq_service.issue_token("S001", "T01")
    with pytest.raises(AuthError):
        hq_service.authenticate(token)
    for bad in (None, "", "x" * 43):
        with pytest.raises(AuthError):
            hq_service.authenticate(bad)
    assert hq_service.authenticate(newer).store_id == "S001"


def _drain(service: HQService, who, dataset: str, cursor: str | None = None, limit: int = 3):  # type: ignore[no-untyped-def]
    rows: dict[str, dict | None] = {}
    for _ in range(1000):
        page = service.changes(who, dataset, cursor, limit)
        assert not page["reset"]
        seqs = [c["seq"] for c in page["changes"]]
        assert seqs == sorted(seqs) and len(page["changes"]) <= limit
        for change in page["changes"]:
            rows[change["key"]] = change["data"] if change["op"] == "upsert" else None
        cursor = page["cursor"]
        if not page["has_more"]:
            return rows, cursor
    raise AssertionError("feed never ended")


def test_feed_snapshot_then_deltas_with_tombstones(hq_service, who) -> None:
    for i in range(10):
        hq_service.publish("promotions", f"p{i}", {"n": i})
    hq_service.publish("promotions", "p3", None)
    snapshot, cursor = _drain(hq_service, who, "promotions")
    assert set(snapshot) == {f"p{i}" for i in range(10)} - {"p3"}  # no old tombstones in a snapshot
    hq_service.publish("promotions", "p4", None)
    hq_service.publish("promotions", "p5", {"n": 55})
    hq_service.publish("promotions", "p10", {"n": 10})
    delta, cursor2 = _drain(hq_service, who, "promotions", cursor)
    assert delta == {"p4": None, "p5": {"n": 55}, "p10": {"n": 10}}
    assert _drain(hq_service, who, "promotions", cursor2)[0] == {}


def test_delete_during_snapshot_paging_is_not_missed(hq_service, who) -> None:
    for i in range(6):
        hq_service.publish("coupons", f"c{i}", {"n": i})
    page = hq_service.changes(who, "coupons", None, 2)
    received = {c["key"] for c in page["changes"]}
    hq_service.publish("coupons", min(received), None)  # deleted after the terminal got it
    rows, _ = _drain(hq_service, who, "coupons", page["cursor"], 2)
    assert rows[min(received)] is None


def test_store_scoped_datasets_are_private(hq_service) -> None:
    a = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    b = hq_service.authenticate(hq_service.issue_token("S002", "T01"))
    from sync.hq.orders import OnlineOrders

    OnlineOrders(hq_service, code_log2_n=10).place(
        "S001", [{"sku": "100001", "qty": 1, "name_zh": "水", "name_en": "Water", "unit": "each",
                  "category": "DRINK", "unit_price_minor": 200}], phone="13800001234")
    assert len(_drain(hq_service, a, "online_orders")[0]) == 1
    assert _drain(hq_service, b, "online_orders")[0] == {}


def test_reset_dataset_and_reset_terminal_answer_reset(hq_service, who) -> None:
    hq_service.publish("promotions", "m1", {"points": 5})
    _, cursor = _drain(hq_service, who, "promotions")
    hq_service.reset_dataset("promotions")
    assert hq_service.changes(who, "promotions", cursor, 10)["reset"] is True
    fresh = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    _, cursor = _drain(hq_service, fresh, "promotions")
    hq_service.reset_terminal("S001", "T01")
    after = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    assert after.last_seq == 0
    assert hq_service.changes(after, "promotions", cursor, 10)["reset"] is True
    with pytest.raises(RequestError):
        hq_service.changes(after, "promotions", "garbage", 10)
    with pytest.raises(KeyError):
        hq_service.changes(after, "no_such_dataset", None, 10)


def test_concurrent_writers_never_make_a_reader_skip_a_change(hq_service, who) -> None:
    """Writers publish while a reader follows the feed; the reader must end up with every row."""
    per_writer, writers = 40, 3
    done = threading.Event()
    errors: list[BaseException] = []

    def write(w: int) -> None:
        try:
            for i in range(per_writer):
                hq_service.publish("stock_levels", f"w{w}-{i}", {"sku": f"w{w}-{i}", "on_hand": i,
                                                                  "as_of": "2026-12-01T02:00:00+00:00"}, scope="S001")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for th in threads:
        th.start()
    seen: set[str] = set()
    cursor = None
    while True:
        page = hq_service.changes(who, "stock_levels", cursor, 7)
        seen |= {c["key"] for c in page["changes"]}
        cursor = page["cursor"]
        if done.is_set() and not page["has_more"]:
            break
        if not any(th.is_alive() for th in threads):
            done.set()
    for th in threads:
        th.join()
    assert not errors
    assert seen == {f"w{w}-{i}" for w in range(writers) for i in range(per_writer)}


def test_concurrent_batches_with_the_same_events_apply_once(hq_service, who) -> None:
    batch = [event(i) for i in range(1, 30)]
    results: list[dict] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            results.append(hq_service.ingest(who, {"events": batch}))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert len(hq_service.list_sales()) == 29
    for result in results:
        assert all(r["status"] == "accepted" for r in result["results"])
