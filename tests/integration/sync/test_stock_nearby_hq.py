"""Nearby stock at HQ (SQLite and PostgreSQL): a moved position reaches its own store's
``stock_levels`` and the ``stock_nearby`` of every store that has its site as a neighbour,
once per key, through a crash between publishing and clearing; a new neighbour is backfilled
in batches, a lost one's rows are deleted; the warehouse's stock is set through a validator."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from sync.hq import schema as t
from sync.hq import sites as hq_sites
from sync.hq import stock as hq_stock
from sync.hq import stock_publish, warehouse
from sync.hq.demo_data import seed_demo
from sync.hq.service import HQService
from tests.integration.sync.test_stock_hq import envelope, levels, moved

PLACES = {  # micro-degrees, Shanghai
    "S001": (31_230_400, 121_473_700), "S002": (31_223_500, 121_445_300), "S003": (31_239_700, 121_499_800),
    "S006": (31_032_000, 121_227_700),  # Songjiang: beyond 20 km of the others
}


def register(service: HQService, site_id: str, kind: str = "store", *, name: str | None = None,
             place: tuple[int, int] | None = None) -> None:
    lat, lon = place if place is not None else PLACES.get(site_id, (None, None))
    with service.engine.begin() as conn:
        hq_sites.register(conn, hq_sites.Site(site_id, kind, name or f"{site_id} name", lat, lon))


def city(service: HQService) -> None:
    seed_demo(service, "S001")
    for site in PLACES:
        register(service, site)
    register(service, "W01", "warehouse", name="嘉定仓", place=(31_374_700, 121_265_500))


def nearby(service: HQService, store: str) -> dict[str, dict]:
    with service.engine.connect() as conn:
        rows = conn.execute(select(t.dataset_rows.c.key, t.dataset_rows.c.data).where(
            t.dataset_rows.c.dataset == "stock_nearby", t.dataset_rows.c.scope == store,
            t.dataset_rows.c.deleted.is_(False))).all()
    return {key: json.loads(data) for key, data in rows}


def feed_keys(service: HQService, store: str) -> list[str]:
    """The keys a new till of ``store`` receives (each key's current state, once)."""
    who = service.authenticate(service.issue_token(store, "T99"))
    return [c["key"] for c in service.changes(who, "stock_nearby", None, 5000)["changes"]]


def sell(service: HQService, store: str, seq: int, *moves: tuple[str, int, str]) -> None:
    who = service.authenticate(service.issue_token(store, "T01"))
    result = service.ingest(who, {"events": [envelope(seq, "stock.moved", moved(store, "T01", *moves))]})
    assert result["results"][0]["status"] == "accepted", result


def test_a_moved_position_reaches_its_store_and_every_store_that_sees_it(hq_service: HQService) -> None:
    city(hq_service)
    sell(hq_service, "S001", 1, ("100001", 12, "receipt"), ("100002", 4, "receipt"))
    assert levels(hq_service, "S001") == {"100001": 12, "100002": 4}
    at_s002 = nearby(hq_service, "S002")
    assert at_s002["100001|S001"] == {"sku": "100001", "site_id": "S001", "name": "S001 name", "kind": "store",
                                      "distance_m": at_s002["100001|S001"]["distance_m"], "on_hand": 12,
                                      "as_of": "2026-12-01T02:00:00+00:00"}
    assert 2_700 <= at_s002["100001|S001"]["distance_m"] <= 2_900
    assert "100001|S001" in nearby(hq_service, "S003")
    assert not any(k.endswith("|S001") for k in nearby(hq_service, "S006"))  # 30 km away: not a neighbour
    assert not any(k.endswith("|S001") for k in nearby(hq_service, "S001"))  # never its own neighbour
    sell(hq_service, "S001", 2, ("100001", -3, "sale"))
    assert nearby(hq_service, "S002")["100001|S001"]["on_hand"] == 9
    assert feed_keys(hq_service, "S002").count("100001|S001") == 1


def test_a_crash_between_publishing_and_clearing_publishes_again_once_per_key(
        hq_service: HQService, monkeypatch: pytest.MonkeyPatch) -> None:
    city(hq_service)
    real_clear = stock_publish._clear

    def crash(*_a: object) -> None:
        raise RuntimeError("power cut after publishing")

    monkeypatch.setattr(stock_publish, "_clear", crash)
    sell(hq_service, "S001", 1, ("100001", 5, "receipt"))  # the ingest commits; publishing fails after
    with hq_service.engine.connect() as conn:
        assert conn.scalar(select(hq_stock.stock.c.dirty).where(hq_stock.stock.c.store_id == "S001")) is True
    assert nearby(hq_service, "S002")["100001|S001"]["on_hand"] == 5  # published before the "crash"
    monkeypatch.setattr(stock_publish, "_clear", real_clear)
    restarted = HQService(hq_service.engine)  # start-up publishes what is still marked
    with restarted.engine.connect() as conn:
        assert conn.scalar(select(hq_stock.stock.c.dirty).where(hq_stock.stock.c.store_id == "S001")) is False
    assert nearby(restarted, "S002")["100001|S001"]["on_hand"] == 5
    assert feed_keys(restarted, "S002").count("100001|S001") == 1
    assert hq_stock.publish_dirty(restarted) == 0  # nothing left: published exactly once more, not forever


def test_a_move_during_publishing_is_published_after_it(hq_service: HQService,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The dirty mark is cleared only where the position did not move meanwhile."""
    city(hq_service)
    sell(hq_service, "S001", 1, ("100001", 5, "receipt"))
    real = hq_service.publish_many
    moved_once: list[bool] = []

    def publish_while_a_sale_lands(dataset: str, rows: list, *, scope: str = "*") -> int:
        high = real(dataset, rows, scope=scope)
        if dataset == "stock_nearby" and not moved_once:
            moved_once.append(True)
            with hq_service.engine.begin() as conn:  # another terminal's sale commits right now
                hq_stock._move(conn, "S001", [("100001", -2, "2026-12-01T02:05:00+00:00")])
        return high

    with hq_service.engine.begin() as conn:
        hq_stock._move(conn, "S001", [("100001", 1, "2026-12-01T02:01:00+00:00")])
    monkeypatch.setattr(hq_service, "publish_many", publish_while_a_sale_lands)
    hq_stock.publish_dirty(hq_service)
    assert moved_once
    assert nearby(hq_service, "S002")["100001|S001"]["on_hand"] == 4
    assert levels(hq_service, "S001")["100001"] == 4


def test_a_new_neighbour_is_backfilled_in_batches_and_a_lost_one_emptied(hq_service: HQService) -> None:
    seed_demo(hq_service, "S001")
    register(hq_service, "S001")
    sell(hq_service, "S001", 1, *[(sku, n + 1, "receipt") for n, sku in
                                  enumerate(("100001", "100002", "100003", "200001", "200002"))])
    assert nearby(hq_service, "S002") == {}
    with hq_service.engine.begin() as conn:
        hq_sites.register(conn, hq_sites.Site("S002", "store", "静安寺店", *PLACES["S002"]))
    assert stock_publish.backfill(hq_service, batch=2, max_batches=1) == 2  # bounded: one batch
    assert sorted(nearby(hq_service, "S002")) == ["100001|S001", "100002|S001"]
    assert stock_publish.backfill(hq_service, batch=2) == 3  # the rest, from where it stopped
    assert {k: r["on_hand"] for k, r in nearby(hq_service, "S002").items()} == {
        "100001|S001": 1, "100002|S001": 2, "100003|S001": 3, "200001|S001": 4, "200002|S001": 5}
    # S001 sees S002 too now, though S002 has no stock yet: nothing to send
    with hq_service.engine.connect() as conn:
        assert {r.state for r in conn.execute(select(hq_sites.neighbours))} == {"ok"}
    # S002 moves out of town: S001's rows leave its feed, in batches too
    with hq_service.engine.begin() as conn:
        hq_sites.register(conn, hq_sites.Site("S002", "store", "静安寺店", *PLACES["S006"]))
    assert stock_publish.backfill(hq_service, batch=2) == 5
    assert nearby(hq_service, "S002") == {}
    with hq_service.engine.connect() as conn:
        assert conn.execute(select(hq_sites.neighbours)).all() == []


def test_a_renamed_site_is_sent_again_with_its_new_name(hq_service: HQService) -> None:
    city(hq_service)
    sell(hq_service, "S001", 1, ("100001", 5, "receipt"))
    register(hq_service, "S001", name="人民广场旗舰店")
    stock_publish.backfill(hq_service)
    assert nearby(hq_service, "S002")["100001|S001"]["name"] == "人民广场旗舰店"


def test_the_warehouses_stock_is_set_through_its_validator_and_reaches_every_store(hq_service: HQService) -> None:
    city(hq_service)
    hq_service.issue_token("S007", "T01")  # a store HQ knows, with no coordinates: sees the warehouse only
    assert warehouse.apply(hq_service, "W01", [("100001", "2400"), ("300001", "150000")], receiving=False) == 2
    for store in ("S001", "S002", "S006", "S007"):
        row = nearby(hq_service, store)["100001|W01"]
        assert (row["kind"], row["name"], row["on_hand"]) == ("warehouse", "嘉定仓", 2400)
    assert nearby(hq_service, "S007")["100001|W01"]["distance_m"] is None
    assert 20_000 < nearby(hq_service, "S001")["100001|W01"]["distance_m"] < 30_000
    assert [k for k in nearby(hq_service, "S007") if not k.endswith("|W01")] == []
    assert levels(hq_service, "W01") == {}  # a warehouse has no tills: no stock_levels of its own
    warehouse.apply(hq_service, "W01", [("100001", "600")], receiving=True)  # goods received
    assert nearby(hq_service, "S002")["100001|W01"]["on_hand"] == 3000
    assert warehouse.apply(hq_service, "W01", warehouse.read_csv("sku,on_hand\n100001,0\n"), receiving=False) == 1
    assert nearby(hq_service, "S002")["100001|W01"]["on_hand"] == 0


@pytest.mark.parametrize(("site", "lines", "receiving", "why"), [
    ("W01", [("999999", "5")], False, "not in the catalog"),
    ("W01", [("100001", "-5")], False, "whole number"),
    ("W01", [("100001", "5.5")], False, "whole number"),
    ("W01", [("100001", "0")], True, "whole number from 1"),
    ("W01", [("100001", "10000000000")], False, "whole number"),
    ("W01", [("100001", "5"), ("100001", "6")], False, "twice"),
    ("W01", [], False, "no lines"),
    ("S001", [("100001", "5")], False, "not a registered warehouse"),
    ("W09", [("100001", "5")], False, "not a registered warehouse"),
])
def test_bad_warehouse_input_is_refused_whole(hq_service: HQService, site: str, lines: list, receiving: bool,
                                              why: str) -> None:
    city(hq_service)
    good = [("100002", "7")]  # a good line beside the bad one is not applied either
    with pytest.raises(warehouse.WarehouseError, match=why):
        warehouse.apply(hq_service, site, good + lines if lines else lines, receiving=receiving)
    with hq_service.engine.connect() as conn:
        assert conn.execute(select(hq_stock.stock).where(hq_stock.stock.c.store_id == site)).all() == []


def test_an_hq_database_from_before_sites_gains_them_at_start(hq_service: HQService) -> None:
    hq_service.issue_token("S001", "T01")
    with hq_service.engine.begin() as conn:
        hq_sites.neighbours.drop(conn)
        hq_sites.sites.drop(conn)
    reopened = HQService(hq_service.engine)
    with reopened.engine.begin() as conn:
        assert hq_sites.neighbours_of(conn, "S001") == []
        hq_sites.register(conn, hq_sites.Site("W01", "warehouse", "嘉定仓", None, None))
        assert hq_sites.neighbours_of(conn, "S001") == [("W01", None)]


def test_a_till_clock_ahead_or_a_time_that_is_not_one_never_pins_the_figure(hq_service: HQService) -> None:
    """HQ's figure carries the movement's time, never a time after HQ's own clock; text that
    is not a time with its offset is refused by the event's validator (compared as text, it
    would stay "newest" for good)."""
    from datetime import UTC, datetime, timedelta

    city(hq_service)
    before = datetime.now(UTC)
    sell(hq_service, "S001", 1, ("100001", 12, "receipt"))
    ahead = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    who = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    body = moved("S001", "T01", ("100001", -1, "sale"))
    body["movements"][0]["at"] = ahead  # a till whose clock runs three days ahead
    result = hq_service.ingest(who, {"events": [envelope(2, "stock.moved", body)]})
    assert result["results"][0]["status"] == "accepted", result
    shown = datetime.fromisoformat(nearby(hq_service, "S002")["100001|S001"]["as_of"])
    assert before <= shown <= datetime.now(UTC)
    for seq, at in ((3, "zzzz"), (4, "2026-12-01T10:00:00")):  # garbage, naive: refused by the validator
        body = moved("S001", "T01", ("100001", -1, "sale"))
        body["movements"][0]["at"] = at
        result = hq_service.ingest(who, {"events": [envelope(seq, "stock.moved", body)]})
        assert result["results"][0]["status"] == "rejected" and "'at'" in result["results"][0]["reason"], result
    assert nearby(hq_service, "S002")["100001|S001"]["on_hand"] == 11  # only the accepted sale moved it
    # HQ's own guard stays for what passed the validator: a time is kept, garbage never pins
    assert hq_stock.as_of("zzzz", before) == before.isoformat(timespec="microseconds")
    assert hq_stock.as_of("2026-12-01T02:00:00+00:00", datetime.now(UTC)) == "2026-12-01T02:00:00+00:00"
