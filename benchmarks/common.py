"""What several suites share: the reused demo store, the collector set up as in the app,
the load average beside every figure, and sampling codes from the whole catalog."""

from __future__ import annotations

import os
import random
import sqlite3
import time
from pathlib import Path


def load_average() -> str:
    """``1-min/5-min/15-min`` load average now (the machine is shared: every figure says it)."""
    try:
        one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    except (OSError, ValueError):
        return "unknown"
    return f"{one}/{five}/{fifteen}"


def runtime_as_in_the_app() -> None:
    """What ``ui.app.run_shell`` sets up: the GIL switch interval that favours the UI thread
    (``ui.tasks.favour_the_ui_thread``) and, once start-up is done, the collector
    (``heap.settle_collector``: collect, freeze every object alive so far, its thresholds)."""
    from store_client import heap
    from store_client.ui.tasks import favour_the_ui_thread

    favour_the_ui_thread()
    heap.settle_collector()


def demo_store(skus: int, fallback_dir: Path) -> Path:
    """The config of a demo store of ``skus`` SKUs: ``BENCH_STORE_DIR/skus-N`` when that
    variable names a directory (built there once, then reused: a 1M-SKU store takes half a
    minute or more to build), else a fresh one in ``fallback_dir``."""
    from store_client.demo.store import create_demo_store

    base = os.environ.get("BENCH_STORE_DIR")
    target = (Path(base) / f"skus-{skus}") if base else fallback_dir / f"skus-{skus}"
    config = target / "config.toml"
    if config.exists():
        _migrate(config)  # a store built by an older revision: upgraded now, not during a clock
        return config
    started = time.perf_counter()
    create_demo_store(target, skus=skus, seed=42, locale="zh_CN")
    print(f"  built a {skus:,}-SKU demo store in {time.perf_counter() - started:.0f} s "
          f"({target})", flush=True)
    return config


def _migrate(config: Path) -> None:
    from store_client import config as cfg
    from store_client.bootstrap import open_terminal

    open_terminal(cfg.load(config)).close()


def codes_across_the_catalog(db_path: Path, n: int, rnd: random.Random) -> list[str]:
    """``n`` barcodes of distinct active products sold by the unit, drawn uniformly from the
    whole catalog (not its first rows: pages the page cache has not seen count too)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        top = conn.execute("SELECT max(id) FROM products").fetchone()[0]
        found: dict[int, str] = {}
        while len(found) < n:
            ids = rnd.sample(range(1, top + 1), min(top, 4 * (n - len(found)) + 10))
            marks = ",".join("?" * len(ids))
            for product_id, code in conn.execute(
                    f"SELECT p.id, min(b.code) FROM products p JOIN barcodes b "
                    f"ON b.product_id = p.id WHERE p.id IN ({marks}) AND p.active "
                    "AND p.unit = 'each' AND p.price_minor > 0 GROUP BY p.id", ids):
                if len(found) < n:
                    found[product_id] = code
    finally:
        conn.close()
    codes = list(found.values())
    rnd.shuffle(codes)
    return codes
