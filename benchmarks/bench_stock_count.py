"""Stock counts: a count scan, and submitting a whole count for review, by plan size.

What a counter and a manager feel: one scan through the service (authorization, one insert,
its outbox event, one commit with fsync), and the submit that compares every line with
snapshot + movements. The baseline is the same comparison in bare sqlite3 (one grouped
query, no ORM), on the same tuned database.
"""

from __future__ import annotations

import gc
import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks import common, report

SIZES = (1_000, 5_000, 20_000)
QUICK_SIZES = (500, 2_000)


def _setup(folder: Path, skus: int):  # type: ignore[no-untyped-def]
    from store_client.bootstrap import open_terminal
    from store_client.clock import SystemClock
    from store_client.config import from_mapping
    from store_client.domain import pins
    from store_client.domain.roles import Role
    from store_client.persistence.models import Category, Operator, Product
    from store_client.services.audit import AuditLog
    from store_client.services.auth import Actor
    from store_client.services.authorization import Authorizer
    from store_client.services.stock_counts import StockCountService

    config = from_mapping({"store": {"store_id": "S001", "terminal_id": "T01"}, "data": {"dir": str(folder)}},
                          folder / "config.toml")
    terminal = open_terminal(config, clock=SystemClock())
    with terminal.db.transaction() as s:
        s.add(Category(code="food", name_zh="食品", name_en="Food"))
        s.add(Operator(id="m1", name="m1", role="manager", pin_hash=pins.hash_pin("2468"), active=True,
                       failed_attempts=0))
        s.flush()
        s.execute(Product.__table__.insert(), [
            {"id": i + 1, "sku": f"S{i:06d}", "name_zh": "x", "name_en": "x", "category_code": "food", "unit": "each",
             "price_minor": 100 + i % 900, "tax_rate_bp": 1300, "active": True, "pinyin_initials": ""}
            for i in range(skus)])
    audit = AuditLog(terminal.clock)
    service = StockCountService(terminal.db, terminal.clock, audit, Authorizer(terminal.db, audit, terminal.clock),
                                store_id="S001", terminal_id="T01")
    return terminal, service, Actor("m1", "m1", Role.MANAGER)


def _bare_review(path: Path, plan_id: str) -> float:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA cache_size=-65536")
    started = time.perf_counter()
    conn.execute(
        "SELECT l.sku, l.snapshot_qty, coalesce(c.counted, 0) - l.snapshot_qty - coalesce(m.moved, 0) "
        "FROM count_plan_lines l "
        "LEFT JOIN (SELECT sku, sum(qty) counted FROM count_scans WHERE plan_id = ? GROUP BY sku) c USING (sku) "
        "LEFT JOIN (SELECT sku, sum(delta) moved FROM stock_movements GROUP BY sku) m USING (sku) "
        "WHERE l.plan_id = ?", (plan_id, plan_id)).fetchall()
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def run(args) -> None:  # type: ignore[no-untyped-def]
    from store_client.domain.stock_count import PlanScope

    rows = []
    for skus in QUICK_SIZES if args.quick else SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            terminal, service, manager = _setup(Path(tmp), skus)
            plan = service.create_plan(manager, scope=PlanScope.CATEGORY, label="all", category="food")
            common.runtime_as_in_the_app()  # as the app does after start-up
            scan_ms = []
            for i in range(0, skus, max(1, skus // 400)):
                started = time.perf_counter()
                service.scan(manager, plan, f"S{i:06d}", 1 + i % 3)
                scan_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            review = service.submit(manager, plan)
            submit_s = time.perf_counter() - started
            bare_s = _bare_review(terminal.config.database_path, plan)
            gc.unfreeze()
            terminal.close()
            assert len(review.lines) == skus
            rows.append([f"{skus:,}", f"{statistics.median(scan_ms):.2f}", f"{report.percentile(scan_ms, 99):.2f}",
                         f"{submit_s * 1000:.0f}", f"{bare_s * 1000:.1f}", f"{submit_s / bare_s:.0f}×"])
    load = os.getloadavg()
    body = (report.table(["plan lines", "scan median ms", "scan p99 ms", "submit ms", "bare SQL ms",
                          "submit vs bare"], rows)
            + f"\n\nLoad average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}. A scan is the service "
            "call (authorization, insert, outbox event, commit with fsync), about 400 per plan. The submit "
            "builds the domain tally and variance lines (with values at retail price) for every line; the "
            "bare baseline computes counted − snapshot − movements in one grouped query. Target: 5,000 lines "
            "submitted in under 5 s.\n\nCommand: `python -m benchmarks stock_count`.")
    report.write_section("stock_count", "Stock counts: scan and submit by plan size", body)
    print(body)
