"""Stock counts screen: a count scan to its tally row painted, with 10, 200 and 500 lines counted.

What a counter feels per scan. The real screen (offscreen, 1280x800, zh_CN, the app's style
sheet) on the real services and a real terminal database of 600 SKUs (one plan over all of
them), the collector set as the app sets it. Two figures per size, each over 60 scans
alternating a SKU already counted (its row changes) and a new one (a row is appended):

* UI work: the scan's answer handled on the GUI thread (``_scanned``: the tally row, the
  selection, the message, the tally line) and the table, tally line and message painted
  (``repaint()``, synchronous). Target: 16 ms.
* whole path: ``handle_scan(code)`` (what the wedge filter or the scan field's Enter calls)
  to the same paint, through the database thread (the service's insert, outbox event and
  commit with fsync included).

Command: ``python -m benchmarks stock_count_screen``.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import common, report

TARGET_MS = 16.0
SIZES = (10, 200, 500)
SCANS = 200
WARM_UP = 5  # scans after each size's plan is opened, not counted: first use of text layouts
SKUS = 800  # the 500-line plan gets 103 more lines while measured


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000


def _stats(samples: list[float]) -> list[str]:
    return [f"{report.median(samples):.2f}", f"{report.percentile(samples, 95):.2f}",
            f"{report.percentile(samples, 99):.2f}"]


def _wait(app: Any, done: Any, timeout_s: float = 10.0) -> None:
    deadline = time.perf_counter() + timeout_s
    while not done():
        if time.perf_counter() > deadline:
            raise RuntimeError("the screen did not answer in time")
        app.processEvents()
        time.sleep(0.0002)  # as the app idles: the database thread gets the GIL


def run(args) -> None:  # type: ignore[no-untyped-def]
    from benchmarks.bench_stock_count import _setup
    from store_client.bootstrap import build_services
    from store_client.domain.stock_count import PlanScope
    from store_client.ui.app import ensure_platform, setup_application, teardown
    from store_client.ui.operations import Backend, Operations
    from store_client.ui.screen_spec import ScreenContext
    from store_client.ui.screens.stock_count_screen import StockCountScreen
    from store_client.ui.tasks import TaskManager

    ensure_platform(offscreen=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        terminal, service, manager = _setup(Path(tmp), SKUS)
        runtime = setup_application("zh_CN")
        app = runtime.app
        tasks = TaskManager()
        services = build_services(terminal)
        counts = services.stock_counts
        assert counts is not None
        plan = counts.create_plan(manager, scope=PlanScope.CATEGORY, label="bench", category="food")
        ops = Operations(Backend.create(terminal=terminal, services=services, tasks=tasks), manager)
        screen = StockCountScreen(ScreenContext(ops=ops, actor=manager, locale="zh_CN", config=terminal.config))
        screen.resize(1280, 800)
        screen.show()
        _wait(app, lambda: tasks.pending == 0 and screen.plan is not None)
        common.runtime_as_in_the_app()
        handled = screen._scanned
        ui: list[float] = []

        def timed(plan_id: str, result: Any) -> None:
            started = time.perf_counter()
            handled(plan_id, result)
            for widget in (screen.tally_table.viewport(), screen.tally_label, screen.message):
                widget.repaint()
            ui.append(_ms(started))

        screen._scanned = timed  # type: ignore[method-assign]
        counted = 0
        for size in SIZES:
            for i in range(counted, size - 1):  # the tally holds size - 1 lines
                counts.scan(manager, plan, f"S{i:06d}", 1)
            counted = size - 1
            screen._plan_selected()
            _wait(app, lambda: tasks.pending == 0)
            whole: list[float] = []
            for n in range(-WARM_UP, SCANS):
                if n == 0:
                    ui.clear()
                    whole.clear()
                new = n % 2 == 1
                code = f"S{counted:06d}" if new else f"S{abs(n) % max(1, counted):06d}"
                answered = screen.answered
                started = time.perf_counter()
                screen.handle_scan(code)
                _wait(app, lambda answered=answered: screen.answered > answered)
                whole.append(_ms(started))
                counted += new
            assert screen.tally_model.rowCount() == counted
            rows.append([f"{size}", *_stats(ui), *_stats(whole)])
        screen.close()
        tasks.shutdown(wait=True)
        teardown(runtime)
        terminal.close()
    load = os.getloadavg()
    body = (report.table(["lines counted", "UI median ms", "UI p95", "UI p99", "whole median ms",
                          "whole p95", "whole p99"], rows)
            + f"\n\nTarget: UI work ≤ {TARGET_MS:.0f} ms per scan. {SCANS} scans per size, half of them a "
            f"new line, after {WARM_UP} uncounted scans once the plan is opened. Load average at the end: " f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (a 2-core "
            "machine shared with other work).\n\nCommand: `python -m benchmarks stock_count_screen`.")
    report.write_section("stock_count_screen", "Stock counts screen: scan to tally painted", body)
    print(body)
