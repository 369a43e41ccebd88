"""Pulling datasets from a real HQ on 127.0.0.1, including an HQ that sends bad pages."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from store_client.bootstrap import Terminal
from sync.hq.demo_data import PRODUCTS, catalog_row
from sync.hq.embedded import HQServer
from sync.hq.service import HQService
from sync.terminal.puller import Puller
from sync.terminal.transport import HQClient


def q(terminal: Terminal, sql: str) -> list[tuple]:
    with terminal.db.read() as s:
        return [tuple(r) for r in s.execute(text(sql))]


def cursors(terminal: Terminal) -> dict[str, str | None]:
    return dict(q(terminal, "SELECT dataset, cursor FROM sync_cursors"))


class BadHQ:
    """The real HQ, except that chosen datasets answer with a crafted body."""

    def __init__(self, service: HQService) -> None:
        self.service = service
        self.overrides: dict[str, bytes | dict] = {}

        def changes(request: Request) -> Response:
            name = request.path_params["name"]
            if name in self.overrides:
                body = self.overrides[name]
                return Response(body, media_type="application/json") if isinstance(body, bytes) \
                    else JSONResponse(body)
            who = service.authenticate(request.headers["authorization"][7:])
            try:
                page = service.changes(who, name, request.query_params.get("cursor"),
                                       int(request.query_params.get("limit", 500)))
            except KeyError:
                return JSONResponse({"error": "unknown_dataset", "message": name}, status_code=404)
            return JSONResponse(page)

        self.app = Starlette(routes=[Route("/v1/datasets/{name}/changes", changes)])


@pytest.fixture
def bad_hq(sqlite_hq: HQService) -> Iterator[tuple[BadHQ, HQServer]]:
    from sync.hq.demo_data import seed_demo

    seed_demo(sqlite_hq)
    bad = BadHQ(sqlite_hq)
    server = HQServer(sqlite_hq, app=bad.app).start()
    yield bad, server
    server.stop()


def test_bootstrap_applies_catalog_prices_and_search(terminal, hq_server, hq_token) -> None:
    with HQClient(hq_server.url, hq_token) as client:
        outcomes = Puller(terminal.db, client, page_limit=3).pull_all()
    assert all(o.error is None for o in outcomes.values())
    assert outcomes["catalog"].pages == 3
    products = q(terminal, "SELECT sku, price_minor, active FROM products ORDER BY sku")
    assert products == sorted((p[0], p[5], 1) for p in PRODUCTS)
    assert q(terminal, "SELECT p.sku FROM barcodes b JOIN products p ON p.id = b.product_id "
                       "WHERE b.code = '6901234567908'") == [("100002",)]
    assert q(terminal, "SELECT sku FROM product_search WHERE product_search MATCH 'Chocolate'") == [("200002",)]
    assert q(terminal, "SELECT pinyin_initials FROM products WHERE sku = '300001'") == [("pg",)]
    assert json.loads(q(terminal, "SELECT data FROM sync_rows WHERE dataset = 'store_settings'")[0][0])[
        "footer"] == "谢谢惠顾"


def test_deltas_tombstones_and_reset(terminal, hq_server, hq_token) -> None:
    service = hq_server.service
    with HQClient(hq_server.url, hq_token) as client:
        puller = Puller(terminal.db, client)
        puller.pull_all()
        service.publish("prices", "100001", {"sku": "100001", "price_minor": 215})
        service.publish("catalog", "200001", None)
        service.publish("store_settings", "receipt", None, scope="S001")
        row = catalog_row("400001", "牛奶", "Milk", "FRESH", "each", 599, 900, ["6909999999990"])
        service.publish("catalog", "400001", row)
        puller.pull_all()
        assert q(terminal, "SELECT price_minor FROM products WHERE sku = '100001'") == [(215,)]
        assert q(terminal, "SELECT active FROM products WHERE sku = '200001'") == [(0,)]
        assert q(terminal, "SELECT count(*) FROM barcodes b JOIN products p ON p.id = b.product_id "
                           "WHERE p.sku = '200001'") == [(0,)]
        assert q(terminal, "SELECT count(*) FROM sync_rows WHERE dataset = 'store_settings'") == [(0,)]
        assert q(terminal, "SELECT price_minor FROM products WHERE sku = '400001'") == [(599,)]
        # HQ loses a product without a tombstone, then orders a refetch of the catalog.
        from sync.hq import schema as t
        with service.engine.begin() as conn:
            conn.execute(t.dataset_rows.delete().where(t.dataset_rows.c.key == "100003"))
        service.reset_dataset("catalog")
        outcome = puller.pull("catalog")
        assert outcome.resets == 1 and outcome.error is None
    assert q(terminal, "SELECT active FROM products WHERE sku = '100003'") == [(0,)]
    assert q(terminal, "SELECT active FROM products WHERE sku = '100002'") == [(1,)]
    assert q(terminal, "SELECT price_minor FROM products WHERE sku = '100001'") == [(215,)]  # prices win
    assert q(terminal, "SELECT count(*) FROM sync_reset_seen") == [(0,)]
    assert q(terminal, "SELECT resetting FROM sync_cursors WHERE dataset = 'catalog'") == [(0,)]


def test_a_thousand_price_changes_apply_in_one_delta(terminal, hq_server, hq_token) -> None:
    service = hq_server.service
    rows = [(f"9{i:05d}", catalog_row(f"9{i:05d}", f"商品{i}", f"Item {i}", "SNACK", "each", 100 + i, 1300, []))
            for i in range(1000)]
    service.publish_many("catalog", rows)
    with HQClient(hq_server.url, hq_token) as client:
        puller = Puller(terminal.db, client, datasets=["catalog", "prices"])
        puller.pull_all()
        service.publish_many("prices", [(sku, {"sku": sku, "price_minor": 5000 + i})
                                        for i, (sku, _) in enumerate(rows)])
        assert puller.pull("prices").applied == 1000
    got = dict(q(terminal, "SELECT sku, price_minor FROM products WHERE sku LIKE '9%'"))
    assert got == {sku: 5000 + i for i, (sku, _) in enumerate(rows)}


BAD_PAGES = {
    "wrong type": {"dataset": "prices", "reset": False, "has_more": False, "cursor": "0.0:99:0",
                   "changes": [{"seq": 1, "key": "100001", "op": "upsert",
                                "data": {"sku": "100001", "price_minor": 1}},
                               {"seq": 2, "key": "100002", "op": "upsert",
                                "data": {"sku": "100002", "price_minor": "350"}}]},
    "float money": {"dataset": "prices", "reset": False, "has_more": False, "cursor": "0.0:99:0",
                    "changes": [{"seq": 1, "key": "100001", "op": "upsert",
                                 "data": {"sku": "100001", "price_minor": 1.5}}]},
    "missing field": {"dataset": "prices", "reset": False, "has_more": False, "cursor": "0.0:99:0",
                      "changes": [{"seq": 1, "key": "100001", "op": "upsert", "data": {"sku": "100001"}}]},
    "no cursor": {"dataset": "prices", "reset": False, "has_more": False, "changes": []},
    "oversized": {"dataset": "prices", "reset": False, "has_more": False, "cursor": "0.0:99:0",
                  "changes": [{"seq": i + 1, "key": f"k{i}", "op": "delete"} for i in range(51)]},
    "other dataset": {"dataset": "promotions", "reset": False, "has_more": False, "cursor": "0.0:9:0",
                      "changes": []},
    "seq not increasing": {"dataset": "prices", "reset": False, "has_more": False, "cursor": "0.0:99:0",
                           "changes": [{"seq": 5, "key": "a", "op": "delete"},
                                       {"seq": 5, "key": "b", "op": "delete"}]},
    "not json": b"<html>proxy error</html>",
    "not an object": b"[1, 2, 3]",
}


@pytest.mark.parametrize("case", sorted(BAD_PAGES))
def test_bad_page_is_refused_whole_and_other_datasets_continue(case, terminal, bad_hq, hq_token,
                                                               caplog) -> None:
    bad, server = bad_hq
    with HQClient(server.url, hq_token) as client:
        puller = Puller(terminal.db, client, page_limit=50)
        puller.pull_all()  # a good first sync
        before_prices = q(terminal, "SELECT sku, price_minor FROM products ORDER BY sku")
        before_cursor = cursors(terminal)["prices"]
        bad.overrides["prices"] = BAD_PAGES[case]
        bad.service.publish("store_settings", "till", {"drawer": "on"}, scope="S001")
        with caplog.at_level(logging.WARNING, logger="sync.terminal.puller"):
            outcomes = puller.pull_all()
    assert outcomes["prices"].error, case
    assert any("prices" in r.getMessage() for r in caplog.records)
    assert q(terminal, "SELECT sku, price_minor FROM products ORDER BY sku") == before_prices
    assert cursors(terminal)["prices"] == before_cursor
    assert q(terminal, "SELECT last_error FROM sync_cursors WHERE dataset = 'prices'")[0][0]
    assert outcomes["store_settings"].error is None and outcomes["store_settings"].applied == 1
    assert q(terminal, "SELECT key FROM sync_rows WHERE dataset = 'store_settings' AND key = 'till'")


def test_unknown_dataset_is_refused(terminal, bad_hq, hq_token) -> None:
    _, server = bad_hq
    with HQClient(server.url, hq_token) as client:
        outcome = Puller(terminal.db, client, datasets=["bogus", "catalog"]).pull_all()
    assert "unknown dataset" in (outcome["bogus"].error or "")
    assert outcome["catalog"].error is None and outcome["catalog"].applied == len(PRODUCTS)


def test_local_failure_mid_page_leaves_nothing_half_applied(terminal, hq_server, hq_token) -> None:
    service = hq_server.service
    service.publish_many("promotions", [(f"m{i}", {"points": i}) for i in range(10)])
    with terminal.db.transaction() as s:
        s.execute(text("CREATE TRIGGER boom BEFORE INSERT ON sync_rows WHEN new.key = 'm7' "
                       "BEGIN SELECT RAISE(ABORT, 'disk says no'); END"))
    with HQClient(hq_server.url, hq_token) as client:
        puller = Puller(terminal.db, client, datasets=["promotions", "catalog"])
        outcome = puller.pull_all()
        assert "disk says no" in (outcome["promotions"].error or "")
        assert outcome["catalog"].error is None
        assert q(terminal, "SELECT count(*) FROM sync_rows WHERE dataset = 'promotions'") == [(0,)]
        assert cursors(terminal).get("promotions") is None
        with terminal.db.transaction() as s:
            s.execute(text("DROP TRIGGER boom"))
        assert puller.pull("promotions").applied == 10
