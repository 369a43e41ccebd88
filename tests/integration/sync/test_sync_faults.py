"""Network faults between terminal and HQ, through a fault-injecting TCP proxy on 127.0.0.1.

End check every time: HQ holds exactly the sales the terminal committed, in
order, none lost, none duplicated, totals equal to the fen.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator

import pytest
from sync_fault_proxy import FaultProxy

from store_client.bootstrap import Terminal
from sync.terminal.backoff import Backoff
from sync.hq.embedded import HQServer
from sync.hq.service import HQService
from sync.terminal.sale_events import record_sale_event
from tools.soak import check_exactly_once, make_sale
from sync.terminal.transport import HQClient, TransientError
from sync.terminal.uploader import Uploader

FAST = {"base": 0.01, "cap": 0.1}


def sell(terminal: Terminal, n: int, seed: int) -> None:
    rng = random.Random(seed)
    with terminal.db.transaction() as session:
        for _ in range(n):
            record_sale_event(session, make_sale(rng))


@pytest.fixture
def proxy(hq_server: HQServer) -> Iterator[FaultProxy]:
    p = FaultProxy(hq_server.port)
    yield p
    p.stop()


def drain(terminal: Terminal, url: str, token: str, *, timeout: float = 1.0, batch: int = 10,
          seconds: float = 30) -> None:
    with HQClient(url, token, timeout=timeout) as client:
        Uploader(terminal.db, client, batch_size=batch).drain(
            backoff=Backoff(rng=random.Random(7), **FAST), deadline=time.monotonic() + seconds)


def test_every_fault_kind_in_turn_delivers_exactly_once(terminal, hq_server, hq_token, proxy) -> None:
    sell(terminal, 80, seed=1)
    proxy.plan = ["reset_request", "lose_response", "slow", "lose_response", "blackhole",
                  "reset_request", "lose_response", "slow"]
    drain(terminal, proxy.url, hq_token)
    for mode in ("reset_request", "lose_response", "slow", "blackhole"):
        assert proxy.seen[mode] >= 1, mode
    assert check_exactly_once(terminal.db, hq_server.service.list_sales()) == []


def test_connection_refused_then_back(terminal, hq_server, hq_token, proxy) -> None:
    sell(terminal, 20, seed=2)
    proxy.refuse()
    with HQClient(proxy.url, hq_token, timeout=1) as client, pytest.raises(TransientError):
        Uploader(terminal.db, client).upload_pending()
    threading.Timer(0.3, proxy.listen).start()
    drain(terminal, proxy.url, hq_token)
    assert check_exactly_once(terminal.db, hq_server.service.list_sales()) == []


def test_lost_responses_only_give_duplicates_never_double_sales(terminal, hq_server, hq_token,
                                                               proxy) -> None:
    sell(terminal, 30, seed=3)
    proxy.plan = ["lose_response"] * 6
    drain(terminal, proxy.url, hq_token, batch=5)
    assert proxy.seen["lose_response"] == 6
    assert check_exactly_once(terminal.db, hq_server.service.list_sales()) == []


def test_hq_restarted_mid_batch(terminal, sqlite_hq: HQService, hq_token) -> None:
    """HQ goes down and comes back (same database, new process-like server) while batches fly."""
    sell(terminal, 400, seed=4)
    server = HQServer(sqlite_hq).start()
    proxy = FaultProxy(server.port)
    stop = threading.Event()

    def restart_a_few_times() -> None:
        nonlocal server
        for _ in range(3):
            if stop.wait(0.15):
                return
            server.server.force_exit = True  # abrupt: in-flight requests are cut off
            server.stop()
            time.sleep(0.1)
            server = HQServer(sqlite_hq).start()
            proxy.upstream_port = server.port

    restarter = threading.Thread(target=restart_a_few_times)
    restarter.start()
    try:
        drain(terminal, proxy.url, hq_token, batch=4, seconds=40)
    finally:
        stop.set()
        restarter.join()
        proxy.stop()
        drain(terminal, server.url, hq_token)
        server.stop()
    assert check_exactly_once(terminal.db, sqlite_hq.list_sales()) == []


def test_slow_hq_beyond_the_timeout_is_retried_not_lost(terminal, hq_server, hq_token) -> None:
    sell(terminal, 10, seed=5)
    proxy = FaultProxy(hq_server.port, slow_delay=1.5)
    try:
        proxy.plan = ["slow", "slow"]
        drain(terminal, proxy.url, hq_token, timeout=0.5)
        assert proxy.seen["slow"] == 2
    finally:
        proxy.stop()
    assert check_exactly_once(terminal.db, hq_server.service.list_sales()) == []
