"""The puller and uploader against an HQ on 127.0.0.1 that misbehaves in ways the protocol
forbids: feeds that go backwards or never advance, one dataset answering 500, a barcode on
two products, and an event HQ always fails on."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from store_client.bootstrap import Terminal
from sync.hq.app import create_app
from sync.hq.demo_data import catalog_row
from sync.hq.embedded import HQServer
from sync.hq.service import HQService
from sync.protocol.datasets import DATASETS
from sync.terminal.puller import Puller
from sync.terminal.runner import SyncRunner
from sync.terminal.sale_events import record_sale_event
from sync.terminal.transport import HQClient
from sync.terminal.uploader import QUARANTINE_AFTER, Uploader, retry_rejected
from tools.soak import make_sale

Script = Callable[[Request, int], Response | dict | None]


class ScriptedHQ:
    """The real HQ, except that a dataset with a script answers from it (``None``: the real
    feed). Each script gets the request and how many times that dataset was asked before."""

    def __init__(self, service: HQService) -> None:
        self.scripts: dict[str, Script] = {}
        self.calls: dict[str, list[str | None]] = {}
        self.event_posts = 0
        real = create_app(service)

        async def changes(request: Request) -> Response:
            name = request.path_params["name"]
            calls = self.calls.setdefault(name, [])
            calls.append(request.query_params.get("cursor"))
            script = self.scripts.get(name)
            answer = script(request, len(calls) - 1) if script else None
            if answer is None:
                return await real_changes(request)
            return answer if isinstance(answer, Response) else JSONResponse(answer)

        async def real_changes(request: Request) -> Response:
            response: list[Response] = []
            scope = dict(request.scope)

            async def send(message: dict) -> None:
                response.append(message)  # type: ignore[arg-type]

            await real(scope, request.receive, send)
            start, body = response[0], b"".join(m.get("body", b"") for m in response[1:])
            return Response(body, status_code=start["status"], media_type="application/json")

        self.app = Starlette(routes=[Route("/v1/datasets/{name}/changes", changes), Mount("/", real)])

    def script(self, name: str, script: Script) -> None:
        self.scripts[name] = script
        self.calls[name] = []


@pytest.fixture
def scripted(sqlite_hq: HQService) -> Iterator[tuple[ScriptedHQ, HQServer]]:
    from sync.hq.demo_data import seed_demo

    seed_demo(sqlite_hq)
    hq = ScriptedHQ(sqlite_hq)
    server = HQServer(sqlite_hq, app=hq.app).start()
    yield hq, server
    server.stop()


def q(terminal: Terminal, sql: str) -> list[tuple]:
    with terminal.db.read() as s:
        return [tuple(r) for r in s.execute(text(sql))]


def price_page(seq: int, price: int, cursor: str, has_more: bool) -> dict:
    return {"dataset": "prices", "reset": False, "cursor": cursor, "has_more": has_more,
            "changes": [{"seq": seq, "key": "100001", "op": "upsert",
                         "data": {"sku": "100001", "price_minor": price}}]}


def test_a_page_that_goes_backwards_is_refused(terminal, scripted, hq_token) -> None:
    hq, server = scripted
    with HQClient(server.url, hq_token) as client:
        Puller(terminal.db, client).pull_all()
        pages = [price_page(900, 999, "0.0:900:0", True), price_page(400, 111, "0.0:400:0", False)]
        hq.script("prices", lambda _r, n: pages[n] if n < len(pages) else None)
        outcome = Puller(terminal.db, client, datasets=["prices"]).pull("prices")
        assert "backwards" in (outcome.error or "")
        assert q(terminal, "SELECT price_minor FROM products WHERE sku = '100001'") == [(999,)]
        assert q(terminal, "SELECT cursor FROM sync_cursors WHERE dataset = 'prices'") == [("0.0:900:0",)]
        # A later pull whose first change is older than what was applied is refused too.
        hq.script("prices", lambda _r, _n: price_page(900, 111, "0.0:901:0", False))
        assert "backwards" in (Puller(terminal.db, client).pull("prices").error or "")
    assert q(terminal, "SELECT price_minor FROM products WHERE sku = '100001'") == [(999,)]


def test_a_reset_starts_the_sequence_again(terminal, scripted, hq_token) -> None:
    hq, server = scripted
    with HQClient(server.url, hq_token) as client:
        Puller(terminal.db, client, datasets=["prices"]).pull_all()
        server.service.reset_dataset("prices")  # HQ restored: change sequences start low again
        outcome = Puller(terminal.db, client, datasets=["prices"]).pull("prices")
    assert outcome.resets == 1 and outcome.error is None and outcome.applied > 0


def test_a_cursor_that_never_advances_is_stopped_at_once(terminal, scripted, hq_token) -> None:
    hq, server = scripted
    stuck = {"dataset": "promotions", "reset": False, "cursor": "0.0:5:0", "has_more": True, "changes": []}
    hq.script("promotions", lambda _r, _n: stuck)
    hq.script("coupons", lambda _r, n: {**stuck, "dataset": "coupons", "cursor": f"0.0:{n + 6}:0"})
    with HQClient(server.url, hq_token) as client:
        started = time.monotonic()
        outcomes = Puller(terminal.db, client).pull_all()
    assert time.monotonic() - started < 10
    assert "does not advance" in (outcomes["promotions"].error or "") or \
        "no progress" in (outcomes["promotions"].error or "")
    assert len(hq.calls["promotions"]) <= 3
    assert "no progress" in (outcomes["coupons"].error or "")  # moving cursor, nothing in the pages
    assert len(hq.calls["coupons"]) <= 3
    assert outcomes["catalog"].error is None and outcomes["store_settings"].error is None


def test_a_pass_is_bounded_in_time(terminal, scripted, hq_token) -> None:
    hq, server = scripted

    def endless(_request: Request, n: int) -> dict:
        time.sleep(0.05)
        return price_page(10_000 + n, 500 + n, f"0.0:{10_000 + n}:0", True)

    hq.script("prices", endless)
    with HQClient(server.url, hq_token) as client:
        puller = Puller(terminal.db, client, datasets=["prices", "promotions"], pass_seconds=1.0)
        started = time.monotonic()
        outcomes = puller.pull_all()
    assert time.monotonic() - started < 5
    assert outcomes["prices"].deferred and outcomes["prices"].error is None
    assert outcomes["prices"].pages >= 3
    assert outcomes["promotions"].deferred  # its turn comes next pass, from its cursor
    applied = q(terminal, "SELECT json_extract(data, '$.price_minor') FROM sync_rows "
                          "WHERE dataset = 'prices' AND key = '100001'")[0][0]
    assert applied == 500 + outcomes["prices"].pages - 1
    with HQClient(server.url, hq_token) as client:  # next pass: the one kept waiting goes first
        again = Puller(terminal.db, client, datasets=["prices", "promotions"], pass_seconds=1.0).pull_all()
    assert list(again) == ["promotions", "prices"]
    assert again["promotions"].error is None and not again["promotions"].deferred


def test_one_dataset_answering_500_fails_alone(terminal, scripted, hq_token) -> None:
    hq, server = scripted
    hq.script("catalog", lambda _r, _n: Response(b'{"error":"boom"}', status_code=500))
    with HQClient(server.url, hq_token) as client:
        outcomes = Puller(terminal.db, client).pull_all()
    assert "500" in (outcomes["catalog"].error or "")
    others = {name: o for name, o in outcomes.items() if name != "catalog"}
    assert len(others) == len(DATASETS) - 1 and all(o.error is None for o in others.values())
    assert outcomes["prices"].applied > 0 and outcomes["store_settings"].applied > 0
    assert "500" in q(terminal, "SELECT last_error FROM sync_cursors WHERE dataset = 'catalog'")[0][0]


def test_a_barcode_on_two_products_in_one_page_is_refused(terminal, scripted, hq_token) -> None:
    hq, server = scripted
    with HQClient(server.url, hq_token) as client:
        Puller(terminal.db, client).pull_all()
        before = q(terminal, "SELECT b.code, p.sku FROM barcodes b JOIN products p ON p.id = b.product_id "
                             "ORDER BY b.code")
        code = "6901234567908"  # 100002's
        hq.service = server.service
        server.service.publish_many("catalog", [
            ("500001", catalog_row("500001", "甲", "A", "SNACK", "each", 100, 1300, [code])),
            ("500002", catalog_row("500002", "乙", "B", "SNACK", "each", 100, 1300, ["6900000000017", code])),
        ])
        outcome = Puller(terminal.db, client).pull("catalog")
    assert "two products" in (outcome.error or "") and code in (outcome.error or "")
    after = q(terminal, "SELECT b.code, p.sku FROM barcodes b JOIN products p ON p.id = b.product_id "
                        "ORDER BY b.code")
    assert after == before
    assert q(terminal, "SELECT count(*) FROM products WHERE sku LIKE '5%'") == [(0,)]


def test_pulls_never_hold_up_uploads(terminal, scripted, hq_token) -> None:
    """A slow, long pull is running; a sale made meanwhile reaches HQ before the pull ends."""
    hq, server = scripted
    pulling = threading.Event()

    def slow(_request: Request, n: int) -> dict:
        pulling.set()
        time.sleep(0.1)
        return price_page(10_000 + n, 500 + n, f"0.0:{10_000 + n}:0", n < 40)

    hq.script("prices", slow)
    runner = SyncRunner(terminal.db, lambda: HQClient(server.url, hq_token), interval=3600)
    done = threading.Event()
    thread = threading.Thread(target=lambda: (runner.run_pass(), done.set()), daemon=True)
    thread.start()
    assert pulling.wait(10)
    sale = make_sale(random.Random(5))
    with terminal.db.transaction() as session:
        record_sale_event(session, sale, clock=terminal.clock)
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and not server.service.list_sales():
        time.sleep(0.05)
    assert [s["sale_id"] for s in server.service.list_sales()] == [sale["sale_id"]]
    assert not done.is_set(), "the sale should arrive while the pull still runs"
    thread.join(15)
    assert done.is_set() and runner.last_error is None


def test_an_event_hq_always_fails_on_is_set_aside_not_dropped(terminal, scripted, hq_token) -> None:
    hq, server = scripted
    real_ingest = server.service.ingest
    poison = make_sale(random.Random(9))
    calls = {"poison": 0}

    def ingest(who, batch):  # type: ignore[no-untyped-def]
        if any(e.get("payload", {}).get("sale_id") == poison["sale_id"] for e in batch["events"]):
            calls["poison"] += 1
            raise RuntimeError("HQ bug on this one event")
        return real_ingest(who, batch)

    server.service.ingest = ingest  # type: ignore[method-assign]
    rng = random.Random(1)
    with terminal.db.transaction() as session:
        for _ in range(3):
            record_sale_event(session, make_sale(rng), clock=terminal.clock)
        record_sale_event(session, poison, clock=terminal.clock)
        for _ in range(3):
            record_sale_event(session, make_sale(rng), clock=terminal.clock)
    with HQClient(server.url, hq_token) as client:
        result = Uploader(terminal.db, client, batch_size=4).upload_pending()
    assert (result.delivered, result.rejected) == (6, 1)
    assert calls["poison"] <= 3 + QUARANTINE_AFTER  # bisecting a batch of 4, then alone
    rows = q(terminal, "SELECT status, last_error FROM outbox ORDER BY seq")
    assert [r[0] for r in rows] == ["delivered"] * 3 + ["rejected"] + ["delivered"] * 3
    assert "HQ answered 500" in rows[3][1] and "set aside" in rows[3][1]
    # Not dropped: once HQ is fixed, Retry delivers it.
    server.service.ingest = real_ingest  # type: ignore[method-assign]
    assert retry_rejected(terminal.db) == 1
    with HQClient(server.url, hq_token) as client:
        assert Uploader(terminal.db, client).upload_pending().delivered == 1
    assert poison["sale_id"] in {s["sale_id"] for s in server.service.list_sales()}


def test_hq_failing_on_everything_sets_nothing_aside(terminal, scripted, hq_token) -> None:
    hq, server = scripted

    def broken(who, batch):  # type: ignore[no-untyped-def]
        raise RuntimeError("HQ database down")

    server.service.ingest = broken  # type: ignore[method-assign]
    with terminal.db.transaction() as session:
        record_sale_event(session, make_sale(random.Random(1)), clock=terminal.clock)
    from sync.terminal.transport import TransientError
    with HQClient(server.url, hq_token) as client:
        for _ in range(QUARANTINE_AFTER + 2):
            with pytest.raises(TransientError):
                Uploader(terminal.db, client).upload_pending()
    assert q(terminal, "SELECT status FROM outbox") == [("pending",)]
