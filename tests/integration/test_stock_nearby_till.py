"""Other sites' stock on the till: HQ's ``stock_nearby`` rows pulled (a bad row skipped and
logged, never the page), and ``services/stock.overview`` giving the nearby stores nearest
first and the warehouses apart, each fresh for exactly 10 minutes."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from sqlalchemy import text

from store_client.clock import iso
from store_client.domain.stock import FRESH_FOR
from store_client.services import stock
from sync.hq.demo_data import PRODUCTS, catalog_row
from sync.terminal.puller import Puller


def site_row(sku: str, site: str, name: str, distance: int | None, on_hand: int, as_of: str,
             kind: str = "store") -> dict:
    return {"sku": sku, "site_id": site, "name": name, "kind": kind, "distance_m": distance,
            "on_hand": on_hand, "as_of": as_of}


def put(terminal, rows: list[dict], *, raw: dict[str, str] | None = None) -> None:  # type: ignore[no-untyped-def]
    with terminal.db.transaction() as s:
        for row in rows:
            s.execute(text("INSERT OR REPLACE INTO sync_rows (dataset, key, data) VALUES ('stock_nearby', :k, :d)"),
                      {"k": f"{row['sku']}|{row['site_id']}", "d": json.dumps(row)})
        for key, data in (raw or {}).items():
            s.execute(text("INSERT OR REPLACE INTO sync_rows (dataset, key, data) VALUES ('stock_nearby', :k, :d)"),
                      {"k": key, "d": data})


def test_nearby_stores_nearest_first_and_the_warehouse_apart(terminal, clock) -> None:
    now = iso(clock.now())
    put(terminal, [site_row("A", "S004", "徐家汇店", 5_300, 2, now),
                   site_row("A", "S003", "陆家嘴店", 2_700, 0, now),
                   site_row("A", "W01", "嘉定仓", 25_500, 2_400, now, kind="warehouse"),
                   site_row("A", "S002", "静安寺店", 2_800, 7, now),
                   site_row("A", "S009", "无坐标店", None, 1, now),  # distance unknown: last
                   site_row("AB", "S002", "静安寺店", 2_800, 99, now)])  # another SKU sharing the prefix
    seen = stock.overview(terminal.db, "A", clock=clock, store_id="S001")
    assert [(e.site_id, e.distance_m, e.figure.on_hand) for e in seen.nearby] == [
        ("S003", 2_700, 0), ("S002", 2_800, 7), ("S004", 5_300, 2), ("S009", None, 1)]
    assert [(e.site_id, e.name, e.kind, e.figure.on_hand) for e in seen.warehouses] == [
        ("W01", "嘉定仓", "warehouse", 2_400)]
    assert all(e.figure.reserved is None and e.figure.fresh for e in seen.nearby + seen.warehouses)
    assert stock.overview(terminal.db, "C", clock=clock, store_id="S001").nearby == ()


def test_each_site_is_fresh_for_exactly_ten_minutes_from_its_own_as_of(terminal, clock) -> None:
    old = clock.now() - FRESH_FOR
    put(terminal, [site_row("A", "S002", "静安寺店", 2_800, 7, iso(old)),
                   site_row("A", "S003", "陆家嘴店", 2_700, 3, iso(old - timedelta(seconds=1))),
                   site_row("A", "W01", "嘉定仓", 25_500, 2_400, iso(old + timedelta(seconds=1)), kind="warehouse")])
    seen = stock.overview(terminal.db, "A", clock=clock, store_id="S001")
    assert {e.site_id: e.figure.fresh for e in seen.nearby + seen.warehouses} == {
        "S002": True, "S003": False, "W01": True}  # exactly 10 min is still fresh; a second more is not
    clock.advance(seconds=1)
    seen = stock.overview(terminal.db, "A", clock=clock, store_id="S001")
    assert {e.site_id: e.figure.fresh for e in seen.nearby + seen.warehouses} == {
        "S002": False, "S003": False, "W01": True}
    assert seen.nearby[1].figure.as_of == old


def test_a_row_naming_this_store_or_broken_is_left_out_and_logged(terminal, clock, caplog) -> None:
    now = iso(clock.now())
    put(terminal, [site_row("A", "S001", "人民广场店", 0, 5, now),  # this store as its own neighbour
                   site_row("A", "S002", "静安寺店", 2_800, 7, now),
                   site_row("A", "S003", "陆家嘴店", 2_700, 7, "yesterday")],  # no usable time: stale
        raw={"A|S004": "{not json", "A|S005": json.dumps(site_row("A", "S005", "x", -5, 1, now)),
             "A|S006": json.dumps(site_row("A", "S007", "x", 5, 1, now))})  # key and row disagree
    with caplog.at_level(logging.WARNING, logger="store_client.services.stock"):
        seen = stock.overview(terminal.db, "A", clock=clock, store_id="S001")
    assert [(e.site_id, e.figure.fresh, e.figure.as_of) for e in seen.nearby] == [
        ("S003", False, None), ("S002", True, clock.now())]
    logged = " ".join(r.getMessage() for r in caplog.records)
    for key in ("A|S001", "A|S004", "A|S005", "A|S006"):
        assert key in logged


class FeedOf:
    """An HQ client that answers one crafted ``stock_nearby`` page."""

    skew = None

    def __init__(self, changes: list[dict]) -> None:
        self.changes = changes

    def get_changes(self, dataset: str, cursor: str | None, limit: int) -> dict:
        return {"dataset": dataset, "reset": False, "cursor": "0.0:99:0", "has_more": False,
                "changes": self.changes if cursor is None else []}


def test_bad_rows_from_hq_are_skipped_and_logged_and_the_rest_applied(terminal, clock, caplog) -> None:
    now = iso(clock.now())
    water = catalog_row(*PRODUCTS[0])
    Puller(terminal.db, FeedOf([{"seq": 1, "key": water["sku"], "op": "upsert", "data": water}]),  # type: ignore[arg-type]
           clock=clock).pull("catalog")
    good = site_row("100001", "S002", "静安寺店", 2_800, 7, now)
    changes = [
        {"seq": 1, "key": "100001|S002", "op": "upsert", "data": good},
        {"seq": 2, "key": "100001|S003", "op": "upsert", "data": site_row("100001", "S003", "陆", 9, "7", now)},
        {"seq": 3, "key": "100001|S004", "op": "upsert", "data": site_row("100001", "S004", "徐", -1, 7, now)},
        {"seq": 4, "key": "100001|W01", "op": "upsert", "data": site_row("100001", "W01", "仓", 9, 7, now, "depot")},
        {"seq": 5, "key": "100001|S005", "op": "upsert", "data": site_row("100001", "S006", "x", 9, 7, now)},
        {"seq": 6, "key": "999999|S002", "op": "upsert", "data": site_row("999999", "S002", "静安寺店", 2_800, 3, now)},
    ]
    with caplog.at_level(logging.INFO):
        outcome = Puller(terminal.db, FeedOf(changes), clock=clock).pull("stock_nearby")  # type: ignore[arg-type]
    assert outcome.error is None and outcome.applied == 2
    with terminal.db.read() as s:
        keys = sorted(s.execute(text("SELECT key FROM sync_rows WHERE dataset = 'stock_nearby'")).scalars())
        cursor = s.execute(text("SELECT cursor FROM sync_cursors WHERE dataset = 'stock_nearby'")).scalar()
    assert keys == ["100001|S002", "999999|S002"]  # a SKU not in the catalog yet is kept (and logged)
    assert cursor == "0.0:99:0"  # the feed went on past the bad rows
    logged = " ".join(r.getMessage() for r in caplog.records)
    for key in ("100001|S003", "100001|S004", "100001|W01", "100001|S005", "999999"):
        assert key in logged
    seen = stock.overview(terminal.db, "100001", clock=clock, store_id="S001")
    assert [(e.site_id, e.figure.on_hand) for e in seen.nearby] == [("S002", 7)]


def test_a_bad_row_in_another_dataset_still_refuses_its_page(terminal, clock) -> None:
    outcome = Puller(terminal.db, FeedOf([{"seq": 1, "key": "1", "op": "upsert", "data": {"sku": "1"}}]),  # type: ignore[arg-type]
                     clock=clock).pull("prices")
    assert outcome.error is not None and "price_minor" in outcome.error and outcome.applied == 0
