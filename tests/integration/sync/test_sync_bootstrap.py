"""Catalog bootstrap from a real HQ on 127.0.0.1: the set-based search-index path.

Large catalog pages keep ``product_search`` in step set-wise (triggers dropped and
recreated inside each page's transaction). These tests hold it to the per-row trigger
path: same tables, same search results, an index that passes FTS5's content check,
triggers present after every commit -- also after a bootstrap stopped or SIGKILLed
between pages and resumed, after deltas and after a reset-and-refetch.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from store_client.bootstrap import Terminal, open_terminal
from store_client.services.catalog import CatalogService
from sync.terminal import catalog_apply
from sync.hq import schema as t
from sync.hq.demo_data import catalog_row
from sync.hq.embedded import HQServer
from sync.hq.service import HQService
from sync.terminal.puller import Puller
from sync.terminal.transport import HQClient, TransientError
from tests.conftest import make_config
from tests.integration.grams_check import assert_grams_sound

ZH = ["矿泉水", "绿茶", "巧克力", "薯片", "牛奶", "苹果", "酸奶", "面包"]
EN = ["Mineral water", "Green tea", "Chocolate", "Potato chips", "Milk", "Apples", "Yogurt", "Bread"]
QUERIES = ["巧克力", "Green", "milk", "0000123", "Yogurt 14", "sp", "面包 3", "Renamed", "改名1"]


def product_row(i: int, *, renamed: bool = False) -> tuple[str, dict]:
    sku = f"{i:07d}"
    zh = f"{ZH[i % len(ZH)]}{i}" if not renamed else f"改名{i}"
    en = f"{EN[i % len(EN)]} {i}" if not renamed else f"Renamed {i}"
    codes = [f"69{i:011d}", f"48{i:011d}"][: i % 3]
    return sku, catalog_row(sku, zh, en, f"C{i % 5}", "kg" if i % 11 == 0 else "each",
                            100 + i % 997, 900 if i % 7 == 0 else 1300, codes)


def publish(service: HQService, ids: range | list[int], **kw: bool) -> None:
    service.publish_many("catalog", [product_row(i, **kw) for i in ids])


def q(terminal: Terminal, sql: str, params: tuple = ()) -> list[tuple]:
    with terminal.db.read() as s:
        return [tuple(r) for r in s.connection().exec_driver_sql(sql, params)]


def schema_version(terminal: Terminal) -> int:
    return q(terminal, "PRAGMA schema_version")[0][0]


def tables(terminal: Terminal, *, with_ids: bool = True) -> dict[str, list[tuple]]:
    pid = "p.id, " if with_ids else ""
    return {
        "products": q(terminal, f"SELECT {pid}p.sku, name_zh, name_en, category_code, unit, price_minor, "
                                "tax_rate_bp, active, pinyin_initials FROM products p ORDER BY p.sku"),
        "barcodes": q(terminal, "SELECT b.code, p.sku FROM barcodes b JOIN products p ON p.id = b.product_id "
                                "ORDER BY b.code"),
        "categories": q(terminal, "SELECT code, name_zh, name_en FROM categories ORDER BY code"),
    }


def search_state(terminal: Terminal) -> dict[str, list]:
    """Raw FTS matches and what the catalog service answers, per query."""
    service = CatalogService(terminal.db)
    try:
        result: dict[str, list] = {}
        for query in QUERIES:
            phrase = '"' + query.replace('"', '""') + '"'
            result[f"fts:{query}"] = q(terminal, "SELECT p.sku FROM product_search s JOIN products p "
                                                 "ON p.id = s.rowid WHERE product_search MATCH ? ORDER BY p.sku",
                                       (phrase,))
            result[f"service:{query}"] = [(p.sku, p.name_zh, p.active) for p in service.search(query, 200)]
        return result
    finally:
        service.close()


def assert_index_sound(terminal: Terminal) -> None:
    """Triggers present and the FTS index matching the products table exactly."""
    names = {n for (n,) in q(terminal, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert set(catalog_apply.SEARCH_TRIGGERS) <= names
    with terminal.db.transaction() as s:  # raises 'database disk image is malformed' on any mismatch
        s.connection().exec_driver_sql(
            "INSERT INTO product_search(product_search, rank) VALUES ('integrity-check', 1)")
    assert_grams_sound(terminal.db)


def second_terminal(base: Path, name: str) -> Terminal:
    return open_terminal(make_config(base / name))


def bootstrap(terminal: Terminal, server: HQServer, token: str, page: int) -> None:
    with HQClient(server.url, token) as client:
        outcome = Puller(terminal.db, client, datasets=["prices", "catalog"], page_limit=page).pull_all()
    assert all(o.error is None for o in outcome.values()), outcome


@pytest.fixture
def hq(sqlite_hq: HQService) -> Iterator[HQServer]:
    server = HQServer(sqlite_hq).start()
    yield server
    server.stop()


@pytest.fixture
def ref(tmp_path: Path) -> Iterator[Terminal]:
    term = second_terminal(tmp_path, "ref")
    yield term
    term.close()


def test_set_based_bootstrap_equals_the_per_row_path(terminal, ref, hq, hq_token, monkeypatch) -> None:
    service = hq.service
    service.publish_many("prices", [(f"{i:07d}", {"sku": f"{i:07d}", "price_minor": 7000 + i})
                                    for i in range(0, 3000, 97)])  # prices that arrive before products
    publish(service, range(3000))
    publish(service, range(100, 160), renamed=True)  # moved to later change numbers
    for i in range(500, 530):
        service.publish("catalog", f"{i:07d}", None)  # old tombstones: not part of a snapshot
    before = schema_version(terminal)
    bootstrap(terminal, hq, hq_token, page=700)
    assert schema_version(terminal) > before  # the set-based path ran (it recreates triggers)
    monkeypatch.setattr(catalog_apply, "SET_BASED_SEARCH_MIN", 10**9)
    before = schema_version(ref)
    bootstrap(ref, hq, hq_token, page=700)
    assert schema_version(ref) == before  # the per-row trigger path ran

    got, want = tables(terminal), tables(ref)
    assert got == want
    live = [i for i in range(3000) if not 500 <= i < 530]
    assert len(got["products"]) == len(live)
    assert len(got["barcodes"]) == sum(len(product_row(i)[1]["barcodes"]) for i in live) > 0
    assert ("0000097", 7097) in [(r[1], r[6]) for r in got["products"]]  # the early price won
    got_search, want_search = search_state(terminal), search_state(ref)
    assert got_search == want_search
    assert got_search["fts:巧克力"] and got_search["service:Renamed"] and got_search["fts:0000123"]
    assert "0000161" in [sku for (sku,) in got_search["fts:Green"]]
    assert "0000105" not in [sku for (sku,) in got_search["fts:Green"]]  # renamed away
    assert_index_sound(terminal)
    assert_index_sound(ref)


class StopsAfter(HQClient):
    """A client whose link goes down after ``pages`` page requests."""

    def __init__(self, url: str, token: str, pages: int) -> None:
        super().__init__(url, token)
        self.left = pages

    def get_changes(self, dataset: str, cursor: str | None, limit: int):  # type: ignore[no-untyped-def]
        if self.left <= 0:
            raise TransientError("link down")
        self.left -= 1
        return super().get_changes(dataset, cursor, limit)


def test_bootstrap_stopped_between_pages_is_searchable_and_resumes(terminal, ref, hq, hq_token) -> None:
    publish(hq.service, range(3000))
    with StopsAfter(hq.url, hq_token, 2) as client, pytest.raises(TransientError):
        Puller(terminal.db, client, datasets=["catalog"], page_limit=500).pull("catalog")
    # Two pages committed (the third request failed while the second was being applied).
    assert q(terminal, "SELECT count(*) FROM products") == [(1000,)]
    assert_index_sound(terminal)
    service = CatalogService(terminal.db)
    try:
        found = service.search("巧克力2", 50)
        assert "0000002" in [p.sku for p in found] and all("巧克力2" in p.name_zh for p in found)
        assert service.search("Chocolate 2002", 5) == []  # page 5: not there yet
    finally:
        service.close()
    with HQClient(hq.url, hq_token) as client:
        outcome = Puller(terminal.db, client, datasets=["catalog"], page_limit=500).pull("catalog")
    assert outcome.error is None and outcome.pages == 4 and outcome.applied == 2000
    bootstrap(ref, hq, hq_token, page=500)
    assert tables(terminal) == tables(ref)
    assert search_state(terminal) == search_state(ref)
    assert_index_sound(terminal)


def slow_hq(service: HQService, delay: float) -> Starlette:
    """The real changes feed, each page answered ``delay`` seconds late."""

    def changes(request: Request) -> Response:
        time.sleep(delay)
        who = service.authenticate(request.headers["authorization"][7:])
        body = service.changes_json(who, request.path_params["name"], request.query_params.get("cursor"),
                                    int(request.query_params["limit"]))
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route("/v1/datasets/{name}/changes", changes)])


CHILD = textwrap.dedent("""
    import sys
    from store_client.bootstrap import open_terminal
    from store_client.config import from_mapping
    from sync.terminal.puller import Puller
    from sync.terminal.transport import HQClient
    data_dir, url, token = sys.argv[1:4]
    term = open_terminal(from_mapping({"store": {"store_id": "S001", "terminal_id": "T01"},
                                       "data": {"dir": data_dir}}))
    with HQClient(url, token) as client:
        Puller(term.db, client, datasets=["catalog"], page_limit=500).pull("catalog")
    print("finished")
""")


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
def test_bootstrap_sigkilled_mid_way_resumes_with_a_sound_index(tmp_path, sqlite_hq, hq_token, ref) -> None:
    publish(sqlite_hq, range(8000))
    server = HQServer(sqlite_hq, app=slow_hq(sqlite_hq, 0.05)).start()
    data_dir = tmp_path / "killed"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(data_dir), server.url, hq_token],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=Path(__file__).parents[3],
                             env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[3])})
    seen = 0
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and child.poll() is None:
            try:
                probe = sqlite3.connect(f"file:{data_dir / 'terminal.sqlite3'}?mode=ro", uri=True)
                try:
                    seen = probe.execute("SELECT count(*) FROM products").fetchone()[0]
                finally:
                    probe.close()
            except sqlite3.Error:
                seen = 0  # not created or not migrated yet
            if seen >= 1500:
                break
            time.sleep(0.005)
        assert child.poll() is None, child.communicate()
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
        child.stdout.close()  # type: ignore[union-attr]
        child.stderr.close()  # type: ignore[union-attr]
        server.stop()
    assert 1500 <= seen < 8000
    term = open_terminal(make_config(data_dir))
    try:
        committed = q(term, "SELECT count(*) FROM products")[0][0]
        assert committed % 500 == 0 and 1500 <= committed < 8000  # whole pages only
        assert_index_sound(term)
        service = CatalogService(term.db)
        try:
            assert "0000003" in [p.sku for p in service.search("Potato chips 3", 50)]
        finally:
            service.close()
        server = HQServer(sqlite_hq).start()
        try:
            with HQClient(server.url, hq_token) as client:
                outcome = Puller(term.db, client, datasets=["catalog"], page_limit=500).pull("catalog")
            assert outcome.error is None and outcome.applied == 8000 - committed
            bootstrap(ref, server, hq_token, page=500)
        finally:
            server.stop()
        assert tables(term) == tables(ref)
        assert search_state(term) == search_state(ref)
        assert_index_sound(term)
    finally:
        term.close()


def test_deltas_after_a_bootstrap_go_through_the_triggers(terminal, hq, hq_token) -> None:
    service = hq.service
    publish(service, range(1200))
    bootstrap(terminal, hq, hq_token, page=500)
    before = schema_version(terminal)
    publish(service, [5], renamed=True)
    service.publish("prices", "0000006", {"sku": "0000006", "price_minor": 4321})
    service.publish("catalog", "0000007", None)
    service.publish("catalog", "0001500", catalog_row("0001500", "新品", "New item", "C1", "each", 990, 1300,
                                                      ["6900000001500"]))
    bootstrap(terminal, hq, hq_token, page=500)
    assert schema_version(terminal) == before  # small pages: per-row triggers, no DDL
    service_ = CatalogService(terminal.db)
    try:
        assert [p.sku for p in service_.search("Renamed 5", 10)] == ["0000005"]
        assert [p.sku for p in service_.search("改名5", 10)] == ["0000005"]
        old_name = service_.search("Apples 5", 50)
        assert old_name and "0000005" not in [p.sku for p in old_name]  # its old name left the index
        assert [p.sku for p in service_.search("New item", 10)] == ["0001500"]
        assert [p.sku for p in service_.search("新品", 10)] == ["0001500"]
    finally:
        service_.close()
    assert q(terminal, "SELECT price_minor FROM products WHERE sku = '0000006'") == [(4321,)]
    assert q(terminal, "SELECT active FROM products WHERE sku = '0000007'") == [(0,)]
    assert q(terminal, "SELECT count(*) FROM barcodes b JOIN products p ON p.id = b.product_id "
                       "WHERE p.sku = '0000007'") == [(0,)]
    assert_index_sound(terminal)


def test_reset_refetch_into_a_full_catalog_uses_the_set_path_correctly(terminal, ref, hq, hq_token) -> None:
    service = hq.service
    publish(service, range(1500))
    bootstrap(terminal, hq, hq_token, page=500)
    publish(service, range(200, 900), renamed=True)  # 700 renamed: set-based pages over existing rows
    publish(service, range(1500, 1800))
    with service.engine.begin() as conn:  # HQ loses rows without tombstones, then orders a refetch
        conn.execute(t.dataset_rows.delete().where(t.dataset_rows.c.key.in_([f"{i:07d}" for i in range(40, 50)])))
    service.reset_dataset("catalog")
    before = schema_version(terminal)
    with HQClient(hq.url, hq_token) as client:
        outcome = Puller(terminal.db, client, datasets=["catalog"], page_limit=500).pull("catalog")
    assert outcome.error is None and outcome.resets == 1
    assert schema_version(terminal) > before
    assert_index_sound(terminal)
    bootstrap(ref, hq, hq_token, page=500)
    got = tables(terminal, with_ids=False)
    lost = {f"{i:07d}" for i in range(40, 50)}
    assert [r for r in got["products"] if r[0] not in lost] == tables(ref, with_ids=False)["products"]
    assert {r[0] for r in got["products"] if r[7] == 0} == lost
    assert got["barcodes"] == tables(ref, with_ids=False)["barcodes"]
    found = search_state(terminal)
    assert "0000300" in [r[0] for r in found["fts:Renamed"]]
    assert all(r[0] not in {f"{i:07d}" for i in range(200, 900)} for r in found["fts:Green"])
    assert found["fts:Renamed"] == search_state(ref)["fts:Renamed"]


class RecordsLimits(HQClient):
    def __init__(self, url: str, token: str) -> None:
        super().__init__(url, token)
        self.limits: dict[str, set[int]] = {}

    def get_changes(self, dataset: str, cursor: str | None, limit: int):  # type: ignore[no-untyped-def]
        self.limits.setdefault(dataset, set()).add(limit)
        return super().get_changes(dataset, cursor, limit)


def test_catalog_and_prices_are_pulled_in_large_pages_by_default(terminal, hq, hq_token) -> None:
    publish(hq.service, range(6000))
    with RecordsLimits(hq.url, hq_token) as client:
        outcomes = Puller(terminal.db, client).pull_all()
    assert outcomes["catalog"].pages == 2 and outcomes["catalog"].applied == 6000
    assert client.limits["catalog"] == client.limits["prices"] == {5000}
    assert client.limits["promotions"] == client.limits["store_settings"] == {500}
    assert_index_sound(terminal)
