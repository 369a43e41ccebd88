"""HQ's change feed as the API serves it (stored JSON spliced in) and ``publish_many``,
on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from sync.hq import schema as t
from sync.hq.demo_data import catalog_row
from sync.hq.service import HQService, RequestError

ODD_KEYS = ['quote"d', "back\\slash", "新品", "tab\there", "plain"]


@pytest.fixture
def who(hq_service: HQService):  # type: ignore[no-untyped-def]
    return hq_service.authenticate(hq_service.issue_token("S001", "T01"))


def walk(service: HQService, who, dataset: str, cursor: str | None, limit: int) -> tuple[list[dict], str]:  # type: ignore[no-untyped-def]
    """Every page by both renderings; they must agree page by page."""
    pages = []
    for _ in range(500):
        body = service.changes_json(who, dataset, cursor, limit)
        page = json.loads(body.decode("utf-8"))
        assert page == service.changes(who, dataset, cursor, limit)
        pages.append(page)
        cursor = page["cursor"]
        if not page["has_more"] or page["reset"]:
            return pages, cursor
    raise AssertionError("feed never ended")


def test_served_body_equals_the_decoded_page_for_snapshots_deltas_and_resets(hq_service, who) -> None:
    for i, key in enumerate(ODD_KEYS):
        hq_service.publish("promotions", key, {"name": f"促销 {key}", "n": i, "nested": {"list": [1, None, "x"]}})
    hq_service.publish("promotions", "plain", None)  # an old tombstone: left out of a snapshot
    hq_service.publish("store_settings", "receipt", {"footer": "谢谢惠顾"}, scope="S001")
    hq_service.publish("store_settings", "receipt", {"footer": "谢谢"}, scope="S002")
    pages, cursor = walk(hq_service, who, "promotions", None, 2)
    snapshot = {c["key"]: c["data"] for p in pages for c in p["changes"]}
    assert set(snapshot) == set(ODD_KEYS) - {"plain"}
    assert snapshot['quote"d'] == {"name": '促销 quote"d', "n": 0, "nested": {"list": [1, None, "x"]}}
    hq_service.publish("promotions", "新品", None)
    hq_service.publish("promotions", "back\\slash", {"n": 99})
    pages, cursor = walk(hq_service, who, "promotions", cursor, 1)
    assert [(c["key"], c["op"], c["data"]) for p in pages for c in p["changes"]] == [
        ("新品", "delete", None), ("back\\slash", "upsert", {"n": 99})]
    scoped, _ = walk(hq_service, who, "store_settings", None, 10)
    assert [c["data"] for c in scoped[0]["changes"]] == [{"footer": "谢谢惠顾"}]  # S002's row is private
    hq_service.reset_dataset("promotions")
    pages, _ = walk(hq_service, who, "promotions", cursor, 5)
    assert pages[-1]["reset"] is True and pages[-1]["changes"] == []
    with pytest.raises(RequestError):
        hq_service.changes_json(who, "promotions", "garbage", 5)
    with pytest.raises(KeyError):
        hq_service.changes_json(who, "no_such_dataset", None, 5)


def test_publish_many_refuses_values_json_cannot_carry_and_stores_nothing(hq_service, who) -> None:
    for bad in (float("nan"), float("inf")):
        with pytest.raises(ValueError):
            hq_service.publish_many("promotions", [("m1", {"points": 1}), ("m2", {"ratio": bad})])
    assert walk(hq_service, who, "promotions", None, 10)[0][0]["changes"] == []


def test_publish_many_updates_in_one_batch_keep_change_order(hq_service, who) -> None:
    skus = [f"{i:05d}" for i in range(1200)]
    hq_service.publish_many("catalog", [(s, catalog_row(s, f"品{s}", f"Item {s}", "C1", "each", 100, 1300, []))
                                        for s in skus])
    _, cursor = walk(hq_service, who, "catalog", None, 5000)
    # Many existing keys updated at once, one of them twice and one deleted, in one call.
    batch: list[tuple[str, dict | None]] = [
        (s, catalog_row(s, f"新{s}", f"New {s}", "C2", "kg", 200, 900, [f"69{s}"])) for s in skus[::2]]
    batch += [(skus[0], None), (skus[2], catalog_row(skus[2], "最后", "Last", "C2", "each", 1, 0, []))]
    high = hq_service.publish_many("catalog", batch)
    pages, _ = walk(hq_service, who, "catalog", cursor, 5000)
    changes = [c for p in pages for c in p["changes"]]
    by_key = {c["key"]: c for c in changes}
    assert len(changes) == len(skus[::2]) and changes[-1]["seq"] == high
    assert by_key[skus[0]]["op"] == "delete"
    assert by_key[skus[2]]["data"]["name_en"] == "Last" and by_key[skus[2]]["seq"] == high
    assert by_key[skus[4]]["data"]["name_en"] == f"New {skus[4]}"
    with hq_service.engine.connect() as conn:
        stored = conn.execute(t.dataset_rows.select().where(t.dataset_rows.c.dataset == "catalog")).all()
    assert len(stored) == len(skus) and len({r.change_seq for r in stored}) == len(skus)
