"""Two stores' tills and the reference HQ on 127.0.0.1: stock received and sold in store A
shows in store B's Product lookup figures after B's pull, with the warehouse beside it."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from store_client.bootstrap import Terminal, open_terminal
from store_client.clock import FakeClock
from store_client.domain.stock import Movement, MovementReason
from store_client.services import stock
from sync.hq.demo_data import seed_demo, seed_demo_sites
from sync.hq.embedded import HQServer
from sync.hq.service import HQService
from sync.terminal import outbox
from sync.terminal.puller import Puller
from sync.terminal.transport import HQClient
from sync.terminal.uploader import Uploader
from tests.conftest import make_config
from tools.soak import make_sale


@pytest.fixture
def world(sqlite_hq: HQService, tmp_path: Path) -> Iterator[tuple[HQServer, dict[str, tuple[Terminal, str]]]]:
    seed_demo(sqlite_hq, "S001")
    seed_demo_sites(sqlite_hq)  # S001 and S002 are 2.8 km apart; the warehouse W01 holds stock
    server = HQServer(sqlite_hq).start()
    clock = FakeClock()
    tills: dict[str, tuple[Terminal, str]] = {}
    for store in ("S001", "S002"):
        config = make_config(tmp_path / store, store={"store_id": store, "terminal_id": "T01"})
        tills[store] = (open_terminal(config, clock=clock), sqlite_hq.issue_token(store, "T01"))
    try:
        yield server, tills
    finally:
        for term, _ in tills.values():
            term.close()
        server.stop()


def upload(server: HQServer, till: tuple[Terminal, str]) -> None:
    term, token = till
    with HQClient(server.url, token) as client:
        assert Uploader(term.db, client).upload_pending().rejected == 0


def pull(server: HQServer, till: tuple[Terminal, str]) -> None:
    term, token = till
    with HQClient(server.url, token) as client:
        for name, outcome in Puller(term.db, client, datasets=["catalog", "stock_levels", "stock_nearby"]
                                    ).pull_all().items():
            assert outcome.error is None, (name, outcome.error)


def seen_at_b(till: tuple[Terminal, str], sku: str) -> stock.StockOverview:
    term, _ = till
    return stock.overview(term.db, sku, clock=term.clock, store_id="S002")


def test_a_sale_in_store_a_shows_in_store_bs_lookup_after_bs_pull(world) -> None:  # type: ignore[no-untyped-def]
    server, tills = world
    a, b = tills["S001"], tills["S002"]
    term_a = a[0]
    with term_a.db.transaction() as s:  # goods received in store A
        stock.record(s, [Movement("100001", 20, MovementReason.RECEIPT, "delivery-1", term_a.clock.now())],
                     store_id="S001", terminal_id="T01", clock=term_a.clock)
    upload(server, a)
    pull(server, b)
    first = seen_at_b(b, "100001")
    assert [(e.site_id, e.name, e.figure.on_hand, e.figure.fresh) for e in first.nearby] == [
        ("S001", "静安店", 20, True)]
    assert 2_700 <= (first.nearby[0].distance_m or 0) <= 2_900
    assert [(e.site_id, e.figure.on_hand) for e in first.warehouses] == [("W01", 2400)]

    sale = make_sale(random.Random(3), store_id="S001", terminal_id="T01")  # as a till sends it
    sold: dict[str, int] = {}
    for line in sale["lines"]:
        sold[line["sku"]] = sold.get(line["sku"], 0) + line["qty"]
    with term_a.db.transaction() as s:
        outbox.enqueue(s, "sale.completed", sale, schema_version=3, clock=term_a.clock)
    upload(server, a)
    assert seen_at_b(b, "100001").nearby[0].figure.on_hand == 20  # not pulled yet: B still has the old figure
    pull(server, b)
    for sku, qty in sold.items():
        after = {e.site_id: e.figure.on_hand for e in seen_at_b(b, sku).nearby}
        assert after["S001"] == (20 if sku == "100001" else 0) - qty
    assert not any(e.site_id == "S002" for e in seen_at_b(b, "100001").nearby)  # B never sees itself
