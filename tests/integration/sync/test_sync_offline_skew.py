"""A week offline (20,000 sales) then reconnect; terminal clocks a day off."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from store_client.clock import FakeClock
from store_client.services.sync_status import read_status
from sync.terminal.sale_events import record_sale_event
from tools.soak import check_exactly_once, make_sale
from sync.terminal.transport import HQClient, TransientError
from sync.terminal.uploader import Uploader


def test_twenty_thousand_offline_sales_delivered_in_order_exactly_once(terminal, hq_server, hq_token) -> None:
    rng = random.Random(7)
    for day in range(7):  # a week of trading, committed in chunks as a till would
        with terminal.db.transaction() as session:
            for _ in range(20_000 // 7 + (1 if day < 20_000 % 7 else 0)):
                record_sale_event(session, make_sale(rng), clock=terminal.clock)
        terminal.clock.advance(days=1)
    with HQClient("http://127.0.0.1:9", hq_token, timeout=1) as offline, pytest.raises(TransientError):
        Uploader(terminal.db, offline).upload_pending()
    status = read_status(terminal.db, terminal.clock, phase="offline")
    assert status.pending == 20_000 and status.oldest_pending_age >= timedelta(days=7)
    started = time.monotonic()
    with HQClient(hq_server.url, hq_token, timeout=30) as client:
        result = Uploader(terminal.db, client).drain(deadline=time.monotonic() + 120)
    assert result.delivered == 20_000, f"after {time.monotonic() - started:.1f}s"
    sales = hq_server.service.list_sales()
    assert [s["seq"] for s in sales] == list(range(1, 20_001))
    assert check_exactly_once(terminal.db, sales) == []
    assert read_status(terminal.db, terminal.clock, phase="online").pending == 0


@pytest.mark.parametrize("offset", [timedelta(days=1), timedelta(days=-1)])
def test_terminal_clock_a_day_off_loses_and_reorders_nothing(offset, terminal, hq_server, hq_token) -> None:
    skewed = FakeClock(datetime.now(UTC) + offset)
    rng = random.Random(11)
    for i in range(30):
        with terminal.db.transaction() as session:
            record_sale_event(session, make_sale(rng), clock=skewed)
        # the clock jumps around (NTP fix, manual change): ordering must not care
        skewed.advance(hours=-5 if i % 3 == 0 else 2)
    skewed = FakeClock(datetime.now(UTC) + offset)
    with HQClient(hq_server.url, hq_token, clock=skewed) as client:
        Uploader(terminal.db, client, batch_size=7, clock=skewed).upload_pending()
    sales = hq_server.service.list_sales()
    assert [s["seq"] for s in sales] == list(range(1, 31))
    assert check_exactly_once(terminal.db, sales) == []
    status = read_status(terminal.db, skewed, phase="online")
    assert status.skew is not None and abs(status.skew + offset) < timedelta(minutes=1)
    assert status.skew_is_large
    with terminal.db.read() as s:
        created = [r for r in s.execute(text("SELECT created_at FROM outbox ORDER BY seq")).scalars()]
    assert created != sorted(created)  # the terminal's clock really was out of order
