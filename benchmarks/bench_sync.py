"""Sync throughput: draining queued sales to the reference HQ, price deltas, catalog bootstrap.

HQ runs in its own process (``store-client hq serve``) on 127.0.0.1, as in a
store; every drain starts from a fresh HQ database. The baseline posts the
same batches with a bare httpx loop (no outbox reads, no acknowledgement
writes), so the ratio is the cost of the terminal-side bookkeeping.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import text

from benchmarks import report
from store_client.bootstrap import open_terminal
from store_client.config import from_mapping
from sync.hq.demo_data import catalog_row
from sync.hq.service import HQService, make_engine
from sync.puller import Puller
from sync.sale_events import record_sale_event
from sync.soak import make_sale
from sync.transport import HQClient
from sync.uploader import Uploader


class HQProcess:
    def __init__(self, db: Path) -> None:
        cmd = [sys.executable, "-m", "store_client", "hq", "--db", str(db)]
        self.token = subprocess.run(cmd + ["issue-token", "S001", "T01"], capture_output=True, text=True,
                                    check=True).stdout.strip()
        self.proc = subprocess.Popen(cmd + ["serve", "--port", "0"], stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url = re.search(r"http://127\.0\.0\.1:\d+", self.proc.stdout.readline()).group(0)  # type: ignore[union-attr]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)
        if self.proc.stdout:
            self.proc.stdout.close()


def _terminal(work: Path):  # type: ignore[no-untyped-def]
    return open_terminal(from_mapping({"store": {"store_id": "S001", "terminal_id": "T01"},
                                       "data": {"dir": str(work / "terminal")}}))


def _queue_sales(terminal, n: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(42)
    with terminal.db.transaction() as session:
        for _ in range(n):
            record_sale_event(session, make_sale(rng))


def drain_once(n: int) -> tuple[float, float]:
    """(uploader seconds, bare httpx seconds) for ``n`` sales, each against a fresh HQ."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        terminal = _terminal(work)
        _queue_sales(terminal, n)
        with terminal.db.read() as s:
            rows = s.execute(text("SELECT event_id, seq, kind, schema_version, created_at, payload "
                                  "FROM outbox ORDER BY seq")).all()
        bodies = []
        for start in range(0, len(rows), 500):
            events = [{"event_id": r[0], "seq": r[1], "kind": r[2], "schema_version": r[3],
                       "created_at": r[4], "payload": json.loads(r[5])} for r in rows[start:start + 500]]
            bodies.append(json.dumps({"events": events}, separators=(",", ":")).encode())
        hq = HQProcess(work / "hq1.sqlite3")
        try:
            started = time.perf_counter()
            with HQClient(hq.url, hq.token, timeout=60) as client:
                result = Uploader(terminal.db, client, batch_size=500).upload_pending()
            uploader_s = time.perf_counter() - started
            assert result.delivered == n, result
        finally:
            hq.stop()
            terminal.close()
        hq = HQProcess(work / "hq2.sqlite3")
        try:
            started = time.perf_counter()
            with httpx.Client(base_url=hq.url, timeout=60,
                              headers={"Authorization": f"Bearer {hq.token}",
                                       "content-type": "application/json"}) as http:
                for body in bodies:
                    http.post("/v1/events", content=body).raise_for_status()
            bare_s = time.perf_counter() - started
        finally:
            hq.stop()
    return uploader_s, bare_s


def price_delta(n_products: int, changes: int, repeats: int) -> list[float]:
    """Seconds to pull and apply ``changes`` price changes, per repeat."""
    from sync.hq.embedded import HQServer

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        service = HQService(make_engine(f"sqlite:///{work / 'hq.sqlite3'}"))
        skus = [f"{i:08d}" for i in range(n_products)]
        service.publish_many("catalog", [(s, catalog_row(s, f"商品{s}", f"Item {s}", "SNACK", "each", 100,
                                                         1300, [f"69{s}"])) for s in skus])
        token = service.issue_token("S001", "T01")
        server = HQServer(service).start()
        terminal = _terminal(work)
        samples = []
        try:
            with HQClient(server.url, token, timeout=60) as client:
                puller = Puller(terminal.db, client, datasets=["catalog", "prices"], page_limit=5000)
                puller.pull_all()
                rng = random.Random(1)
                for r in range(repeats):
                    chosen = rng.sample(skus, changes)
                    service.publish_many("prices", [(s, {"sku": s, "price_minor": 1000 + r}) for s in chosen])
                    started = time.perf_counter()
                    outcome = puller.pull("prices")
                    samples.append(time.perf_counter() - started)
                    assert outcome.applied == changes and outcome.error is None
        finally:
            server.stop()
            terminal.close()
    return samples


def bootstrap(n: int) -> tuple[float, float]:
    """(HQ publish seconds, terminal bootstrap seconds) for an ``n``-SKU catalog."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        service = HQService(make_engine(f"sqlite:///{work / 'hq.sqlite3'}"))
        started = time.perf_counter()
        for start in range(0, n, 20_000):
            service.publish_many("catalog", [
                (f"{i:08d}", catalog_row(f"{i:08d}", f"商品{i}", f"Item {i}", f"C{i % 50}", "each",
                                         100 + i % 5000, 1300, [f"69{i:011d}"]))
                for i in range(start, min(n, start + 20_000))])
        publish_s = time.perf_counter() - started
        service.engine.dispose()
        hq = HQProcess(work / "hq.sqlite3")
        terminal = _terminal(work)
        try:
            with HQClient(hq.url, hq.token, timeout=120) as client:
                started = time.perf_counter()
                outcome = Puller(terminal.db, client, datasets=["catalog"], page_limit=5000).pull("catalog")
                boot_s = time.perf_counter() - started
            assert outcome.applied == n and outcome.error is None, outcome
        finally:
            hq.stop()
            terminal.close()
    return publish_s, boot_s


def run(args) -> None:  # type: ignore[no-untyped-def]
    quick = getattr(args, "quick", False)
    n_sales = 2_000 if quick else 20_000
    runs = 1 if quick else 3
    drains = [drain_once(n_sales) for _ in range(runs)]
    up = [d[0] for d in drains]
    bare = [d[1] for d in drains]
    rate = [n_sales / s for s in up]
    print(f"drain: {report.median(up):.2f}s ({report.median(rate):.0f} sales/s), bare {report.median(bare):.2f}s")
    deltas = price_delta(2_000 if quick else 20_000, 1_000, 3 if quick else 10)
    print(f"1,000 price changes: median {report.median(deltas) * 1000:.0f} ms")
    boot_n = 20_000 if quick else int(getattr(args, "bootstrap_skus", 0) or 1_000_000)
    publish_s, boot_s = bootstrap(boot_n)
    print(f"bootstrap {boot_n}: {boot_s:.1f}s (HQ publish {publish_s:.1f}s)")
    rows = [
        [f"drain {n_sales:,} queued sales (uploader, batches of 500)", f"{report.median(up):.2f} s",
         f"{report.percentile(up, 95):.2f} s", f"{report.median(rate):,.0f} sales/s",
         f"{report.median(up) / report.median(bare):.2f}x bare httpx"],
        ["same payloads, bare httpx loop (baseline)", f"{report.median(bare):.2f} s",
         f"{report.percentile(bare, 95):.2f} s", f"{n_sales / report.median(bare):,.0f} sales/s", "1.00x"],
        ["1,000 price changes pulled + applied", f"{report.median(deltas) * 1000:.0f} ms",
         f"{report.percentile(deltas, 95) * 1000:.0f} ms", f"{len(deltas)} runs", "target <= 1 s"],
        [f"bootstrap {boot_n:,}-SKU catalog into an empty terminal", f"{boot_s:.1f} s", "1 run",
         f"{boot_n / boot_s:,.0f} SKU/s", "target <= 60 s (1M)"],
    ]
    body = (f"{runs} drain run(s) of {n_sales:,} sales; HQ in its own process on 127.0.0.1 (SQLite), "
            "fresh database per run. Price deltas: HQ in-process. Bootstrap: HQ in its own process, "
            "5,000 rows per page, next page fetched while the current one is applied.\n\n"
            + report.table(["what", "median", "p95", "rate", "ratio / target"], rows))
    report.write_section("sync", "Sync: outbox drain, price deltas, catalog bootstrap", body)
