"""The uploader against a real HQ on 127.0.0.1: order, batches, rejections, lock, retries."""

from __future__ import annotations

import json
import random
import threading
import time

import pytest
from sqlalchemy import text

from store_client.bootstrap import Terminal
from store_client.services.sync_status import list_events, read_status, shift_close_warning
from sync.terminal.backoff import Backoff
from sync.terminal.credentials import CredentialsMissing, load_token, save_token
from sync.protocol.events import PayloadError
from sync.terminal.sale_events import record_sale_event
from tools.soak import check_exactly_once, make_sale
from sync.terminal.transport import HQClient, TransientError
from sync.terminal.uploader import Uploader, UploaderBusy, retry_rejected


def sell(terminal: Terminal, n: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    with terminal.db.transaction() as session:
        for _ in range(n):
            record_sale_event(session, make_sale(rng), clock=terminal.clock)


def statuses(terminal: Terminal) -> list[tuple[int, str]]:
    with terminal.db.read() as s:
        return [tuple(r) for r in s.execute(text("SELECT seq, status FROM outbox ORDER BY seq"))]


def test_drains_in_order_in_batches_exactly_once(terminal, hq_server, hq_token) -> None:
    sell(terminal, 57)
    with HQClient(hq_server.url, hq_token) as client:
        result = Uploader(terminal.db, client, batch_size=10).upload_pending()
    assert (result.delivered, result.rejected, result.batches) == (57, 0, 6)
    sales = hq_server.service.list_sales()
    assert [s["seq"] for s in sales] == list(range(1, 58))
    assert check_exactly_once(terminal.db, sales) == []
    status = read_status(terminal.db, terminal.clock, phase="online")
    assert status.pending == 0 and status.last_success is not None and status.skew is not None
    assert shift_close_warning(status) is None


def test_rejected_event_needs_attention_and_does_not_block(terminal, hq_server, hq_token) -> None:
    sell(terminal, 3, seed=1)
    bad = make_sale(random.Random(2), store_id="S777")  # valid shape, wrong store: HQ business rule
    with terminal.db.transaction() as session:
        record_sale_event(session, bad)
    sell(terminal, 3, seed=3)
    with HQClient(hq_server.url, hq_token) as client:
        result = Uploader(terminal.db, client, batch_size=2).upload_pending()
    assert (result.delivered, result.rejected) == (6, 1)
    assert [st for _, st in statuses(terminal)] == ["delivered"] * 3 + ["rejected"] + ["delivered"] * 3
    attention = list_events(terminal.db, "rejected")
    assert len(attention) == 1 and "S777" in (attention[0].last_error or "")
    status = read_status(terminal.db, terminal.clock, phase="online")
    assert status.needs_attention == 1
    assert "need attention" in (shift_close_warning(status) or "")
    # Retry after "HQ fixed it": still wrong here, so it comes back rejected, nothing duplicated.
    assert retry_rejected(terminal.db) == 1
    with HQClient(hq_server.url, hq_token) as client:
        Uploader(terminal.db, client).upload_pending()
    assert statuses(terminal)[3][1] == "rejected"
    assert len(hq_server.service.list_sales()) == 6
    assert retry_rejected(terminal.db, []) == 0


def test_sale_that_breaks_the_schema_is_refused_at_the_till(terminal) -> None:
    sale = make_sale(random.Random(4))
    sale["total_minor"] = 12.5
    with pytest.raises(PayloadError), terminal.db.transaction() as session:
        record_sale_event(session, sale)
    assert statuses(terminal) == []


def test_second_uploader_cannot_start(terminal, hq_server, hq_token) -> None:
    with HQClient(hq_server.url, hq_token) as client:
        first = Uploader(terminal.db, client)
        second = Uploader(terminal.db, client)
        with first:
            with pytest.raises(UploaderBusy):
                second.upload_pending()
            with pytest.raises(UploaderBusy), second:
                pass
        sell(terminal, 2)
        assert second.upload_pending().delivered == 2  # free again once the first is done


def test_transient_failures_are_retried_with_backoff_and_nothing_is_dropped(terminal, hq_server,
                                                                         hq_token) -> None:
    sell(terminal, 5)
    waits: list[float] = []
    port = hq_server.port
    with HQClient(f"http://127.0.0.1:{port + 0}", "wrong-token", timeout=2) as client:
        uploader = Uploader(terminal.db, client)
        result = uploader.drain(backoff=Backoff(base=0.01, cap=0.05, rng=random.Random(1)),
                                deadline=time.monotonic() + 0.5, sleep=lambda s: (waits.append(s), time.sleep(s)))
    assert result.delivered == 0 and len(waits) >= 3 and max(waits) <= 0.05
    assert {st for _, st in statuses(terminal)} == {"pending"}
    with terminal.db.read() as s:
        attempts, error = s.execute(text("SELECT min(attempts), max(last_error) FROM outbox")).one()
    assert attempts >= 3 and "401" in error
    with HQClient(hq_server.url, hq_token) as client:
        assert Uploader(terminal.db, client).drain().delivered == 5


def test_unreachable_hq_is_transient(terminal) -> None:
    sell(terminal, 1)
    with HQClient("http://127.0.0.1:9", "t", timeout=1) as client, pytest.raises(TransientError):
        Uploader(terminal.db, client).upload_pending()
    status = read_status(terminal.db, terminal.clock, phase="offline")
    assert status.pending == 1 and status.last_error
    assert "not yet delivered" in (shift_close_warning(status) or "")


def test_token_lives_in_the_keyring_not_the_config(memory_keyring, terminal) -> None:
    with pytest.raises(CredentialsMissing):
        load_token("S001", "T01")
    save_token("S001", "T01", "secret-token-123")
    assert load_token("S001", "T01") == "secret-token-123"
    assert memory_keyring.get_password("store-client-hq", "S001/T01") == "secret-token-123"
    with pytest.raises(ValueError):
        save_token("S001", "T01", "two words")
    config_text = terminal.config.path.read_text() if terminal.config.path.exists() else ""
    assert "secret-token-123" not in config_text


def count(terminal: Terminal) -> int:
    with terminal.db.read() as s:
        return s.execute(text("SELECT count(*) FROM outbox")).scalar_one()


def test_uploads_while_sales_keep_coming(terminal, hq_server, hq_token) -> None:
    """Sales committed during an upload are picked up; none are skipped or sent twice."""
    stop = threading.Event()

    def keep_selling() -> None:
        seed = 100
        while not stop.wait(0.005):
            sell(terminal, 3, seed=seed)
            seed += 1

    seller = threading.Thread(target=keep_selling)
    seller.start()
    try:
        with HQClient(hq_server.url, hq_token) as client:
            uploader = Uploader(terminal.db, client, batch_size=7)
            deadline = time.monotonic() + 15
            passes = 0
            while (passes < 10 or count(terminal) < 60) and time.monotonic() < deadline:
                uploader.upload_pending(max_batches=5)
                passes += 1
    finally:
        stop.set()
        seller.join()
    with HQClient(hq_server.url, hq_token) as client:
        Uploader(terminal.db, client).upload_pending()
    assert check_exactly_once(terminal.db, hq_server.service.list_sales()) == []
    with terminal.db.read() as s:
        payloads = [json.loads(p) for p in s.execute(text("SELECT payload FROM outbox")).scalars()]
    assert len(payloads) >= 60
