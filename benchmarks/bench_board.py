"""The manager's board: computing today's figures from a till holding 100,000 sales.

The board runs off the UI thread; what matters is that a refresh is quick enough to do
every few seconds. Baseline: bare sqlite3 summing the same day's sales in one query.
"""

from __future__ import annotations

import gc
import os
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks import common, report

TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 12, 1)


def _fill(path: Path, sales: int, days: int) -> None:
    conn = sqlite3.connect(path)
    rng = random.Random(3)
    start = datetime(2026, 12, 1, 16, tzinfo=UTC) - timedelta(days=days)
    sale_rows, line_rows, tender_rows = [], [], []
    for i in range(sales):
        sale_id = str(uuid.UUID(int=rng.getrandbits(128)))
        at = (start + timedelta(seconds=rng.randrange(days * 86_400))).isoformat(timespec="microseconds")
        fen = rng.randrange(100, 50_000)
        sale_rows.append((sale_id, f"R{i}", i + 1, "S001", "T01", "c1", None, sale_id, 1, at, fen, 0, fen, fen, 0,
                          0, fen // 100, 0, sale_id, None))
        line_rows.append((sale_id, 1, "X", "x", "x", "each", 1 + i % 4, 0, 0, 0, 0, 0, 0, 0))
        tender_rows.append((sale_id, 1, ("cash", "card", "mobile")[i % 3], fen, None, None))
    conn.executemany("INSERT INTO sales VALUES (" + ",".join("?" * 20) + ")", sale_rows)
    conn.executemany("INSERT INTO sale_lines VALUES (" + ",".join("?" * 14) + ")", line_rows)
    conn.executemany("INSERT INTO sale_tenders VALUES (?,?,?,?,?,?)", tender_rows)
    conn.commit()
    conn.close()


def run(args) -> None:  # type: ignore[no-untyped-def]
    from store_client.bootstrap import open_terminal
    from store_client.config import from_mapping
    from store_client.services.board import compute, day_bounds

    sizes = (10_000, 100_000) if args.quick else (10_000, 100_000, 300_000)
    rows = []
    for sales in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            config = from_mapping({"store": {"store_id": "S001", "terminal_id": "T01"}, "data": {"dir": tmp}},
                                  folder / "config.toml")
            terminal = open_terminal(config)
            _fill(config.database_path, sales, days=60)
            common.collector_as_in_the_app()  # as the app does after start-up
            board_ms = []
            for _ in range(15):
                started = time.perf_counter()
                board = compute(terminal.db, day=DAY, tz=TZ)
                board_ms.append((time.perf_counter() - started) * 1000)
            gc.unfreeze()
            terminal.close()
            start, end = day_bounds(DAY, TZ)
            conn = sqlite3.connect(config.database_path)
            bare_ms = []
            for _ in range(15):
                started = time.perf_counter()
                conn.execute("SELECT count(*), sum(total_fen) FROM sales WHERE completed_at >= ? AND completed_at < ?",
                             (start, end)).fetchone()
                bare_ms.append((time.perf_counter() - started) * 1000)
            conn.close()
            rows.append([f"{sales:,}", f"{board.sales:,}", f"{statistics.median(board_ms):.1f}",
                         f"{max(board_ms):.1f}", f"{statistics.median(bare_ms):.2f}"])
    load = os.getloadavg()
    body = (report.table(["sales held", "sales today", "board median ms", "board max ms", "bare day sum ms"], rows)
            + f"\n\nLoad average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}. Sales spread over 60 days; "
            "the board is every figure of the day (hours against last week, basket, payment mix, returns, points, "
            "sync health) in eight indexed queries. Target: <= 200 ms from 100,000 sales, off the UI thread.\n\n"
            "Command: `python -m benchmarks board`.")
    report.write_section("board", "Manager's board: today's figures by sales held", body)
    print(body)
