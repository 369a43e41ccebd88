"""Checkout screen: scan event -> the new line painted, on a 200-line cart (issue 3: p99 <= 16 ms).

The real main window (offscreen), the real checkout backend on a demo store
(``BENCH_SCAN_PAINT_SKUS`` SKUs, default 100,000; 1,000,000 works, ~1 min to build;
``--quick`` 5,000). A "scan event" is what the wedge filter delivers: the screen's
``handle_scan(code)``; the clock stops when the cart table's viewport has finished
painting with the new row. Each measured scan adds line 201 to the same 200-line cart,
which is then put back as it was stored (not measured). Rows, each with a ratio to the
bare baseline:

* bare: a plain QTableView over a trivial 200-row model, append a row, paint (baseline);
* UI only: the screen shows a backend CartView with one more line and paints;
* backend only: ``CheckoutService.scan`` on the same cart (price + persist);
* scan -> painted: the whole path, through the task manager's database thread.
"""

from __future__ import annotations

import os
import random
import sqlite3
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks import report

TARGET_MS = 16.0
CART_LINES = 200


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000


def _row(name: str, samples: list[float], base: float | None) -> list[str]:
    return [name, f"{report.median(samples):.2f}", f"{report.percentile(samples, 95):.2f}",
            f"{report.percentile(samples, 99):.2f}", str(len(samples)),
            f"{report.median(samples) / base:.1f}x" if base else "1x"]


def _codes(db_path: Path, n: int, rnd: random.Random) -> list[str]:
    conn = sqlite3.connect(db_path)
    try:  # one barcode per product, so every scan is a new line
        rows = conn.execute(
            "SELECT MIN(b.code) FROM barcodes b JOIN products p ON p.id = b.product_id "
            "WHERE p.active AND p.unit = 'each' AND p.price_minor > 0 GROUP BY p.id "
            "ORDER BY p.id LIMIT ?", (n * 5,)).fetchall()
    finally:
        conn.close()
    return rnd.sample([c for (c,) in rows], n)


class PaintProbe:
    """Times the end of the next paint of a view's viewport (its paint runs inside the filter)."""

    def __init__(self, view: Any) -> None:
        from PySide6.QtCore import QEvent, QObject

        probe = self

        class Filter(QObject):
            def eventFilter(self, watched: Any, event: Any) -> bool:
                if event.type() == QEvent.Type.Paint and watched is view.viewport():
                    view.viewportEvent(event)
                    probe.painted_at = time.perf_counter()
                    probe.rows_painted = view.model().rowCount()
                    return True
                return False

        self.painted_at = 0.0
        self.rows_painted = -1
        self._filter = Filter()
        view.viewport().installEventFilter(self._filter)

    def wait(self, app: Any, rows: int, since: float, timeout_s: float = 5.0) -> float:
        """Run the event loop until a paint showed ``rows`` rows; returns ms since ``since``.

        The loop sleeps between events like the app's own (a busy ``processEvents`` spin would
        fight the database thread for the GIL and inflate the figures); a 50 ms timer keeps
        the timeout check alive.
        """
        from PySide6.QtCore import QEventLoop, QTimer

        flags = QEventLoop.ProcessEventsFlag.WaitForMoreEvents
        deadline = time.perf_counter() + timeout_s
        tick = QTimer()
        tick.start(50)
        try:
            while not (self.painted_at > since and self.rows_painted == rows):
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"no paint with {rows} rows within {timeout_s} s")
                app.processEvents(flags)
        finally:
            tick.stop()
        return (self.painted_at - since) * 1000


def _bare(app: Any, n: int) -> list[float]:
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QTableView

    class Model(QAbstractTableModel):
        def __init__(self) -> None:
            super().__init__()
            self.rows = [f"item {i}" for i in range(CART_LINES)]

        def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return len(self.rows)

        def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return 6

        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            return self.rows[index.row()] if role == Qt.ItemDataRole.DisplayRole else None

    model, view = Model(), QTableView()
    view.setModel(model)
    view.resize(720, 600)
    view.show()
    probe = PaintProbe(view)
    samples = []
    for i in range(n):
        t = time.perf_counter()
        model.beginInsertRows(QModelIndex(), len(model.rows), len(model.rows))
        model.rows.append(f"new {i}")
        model.endInsertRows()
        view.scrollToBottom()
        view.selectRow(len(model.rows) - 1)
        samples.append(probe.wait(app, len(model.rows), t))
        model.beginRemoveRows(QModelIndex(), len(model.rows) - 1, len(model.rows) - 1)
        model.rows.pop()
        model.endRemoveRows()
        probe.wait(app, len(model.rows), time.perf_counter())
    view.close()
    view.deleteLater()
    return samples


def run(args) -> None:  # type: ignore[no-untyped-def]
    from store_client import config as cfg
    from store_client.bootstrap import build_services, open_terminal
    from store_client.demo.store import create_demo_store
    from store_client.persistence.models import CartRow
    from store_client.services.payments import SimulatorAdapter
    from store_client.ui.app import ensure_platform, setup_application, teardown
    from store_client.ui.demo_operators import demo_operators
    from store_client.ui.main_window import MainWindow
    from store_client.ui.tasks import TaskManager

    quick = getattr(args, "quick", False)
    skus = 5_000 if quick else int(os.environ.get("BENCH_SCAN_PAINT_SKUS", "100000"))
    n = 60 if quick else 300
    rnd = random.Random(20261122)
    # Offscreen Qt paints on a 5 ms timer (QPlatformWindow::requestUpdate); a real screen
    # paints at the next vsync. Without this every row below would carry up to 5 ms of idle wait.
    os.environ.setdefault("QT_QPA_UPDATE_IDLE_TIME", "0")
    ensure_platform(offscreen=True)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        config_path = create_demo_store(Path(tmp) / "store", skus=skus, seed=42, locale="zh_CN")
        build_s = time.perf_counter() - started
        terminal = open_terminal(cfg.load(config_path))
        runtime = setup_application("zh_CN")
        tasks = TaskManager()
        services = build_services(terminal, payments=SimulatorAdapter(True))
        window = MainWindow(terminal=terminal, services=services, tasks=tasks,
                            idle_ms=24 * 3600 * 1000)
        app = runtime.app
        try:
            window.resize(1280, 800)
            window.show()
            manager = next(op for op in demo_operators() if op[2] == "manager")
            actor = services.auth.login(manager[0], manager[3])
            window.sign_in(actor)
            screen = window.screens["checkout"]
            co = services.checkout
            codes = _codes(terminal.config.database_path, CART_LINES + n, rnd)
            for code in codes[:CART_LINES]:
                co.scan(actor, code)
            screen.refresh()
            while tasks.pending or screen.model.rowCount() != CART_LINES:
                app.processEvents()
            assert screen.model.rowCount() == CART_LINES
            probe = PaintProbe(screen.table)
            cart_id = co.current_cart(actor).cart_id
            original = co._state  # the service's in-memory copy of the stored cart
            with terminal.db.read() as s:
                saved = s.get(CartRow, cart_id).data

            def restore() -> None:
                """Put the 200-line cart back (a void would leave a voided line behind, and
                hundreds of them would no longer be a 200-line cart): the stored row and the
                service's copy of it, as they were after the 200th scan."""
                with terminal.db.transaction() as s:
                    row = s.get(CartRow, cart_id)
                    row.data, row.version = saved, row.version + 1
                    version = row.version
                co._state = replace(original, version=version)
                screen.show_cart(co.current_cart(actor))
                probe.wait(app, CART_LINES, time.perf_counter())

            bare = _bare(app, n)
            backend, ui_only, whole = [], [], []
            for code in codes[CART_LINES:]:
                t = time.perf_counter()
                out = co.scan(actor, code)
                backend.append(_ms(t))
                t = time.perf_counter()
                screen.show_cart(out.cart)
                ui_only.append(probe.wait(app, CART_LINES + 1, t))
                restore()
                t = time.perf_counter()
                screen.handle_scan(code)  # what the wedge filter calls on a burst
                whole.append(probe.wait(app, CART_LINES + 1, t))
                while tasks.pending:
                    app.processEvents()
                restore()
        finally:
            window.shutdown()
            tasks.shutdown(wait=True)
            window.close()
            window.deleteLater()
            app.processEvents()
            teardown(runtime)
            terminal.close()

    base = report.median(bare)
    rows = [_row("bare QTableView: append a row, paint (baseline)", bare, None),
            _row("UI only: CartView with line 201 -> painted", ui_only, base),
            _row("backend only: CheckoutService.scan, 200-line cart", backend, base),
            _row("scan event -> line 201 painted (whole path)", whole, base)]
    verdict = "meets" if report.percentile(whole, 99) <= TARGET_MS else "misses"
    body = (
        f"Demo store with {skus:,} SKUs (built in {build_s:.0f} s), its demo promotions; the real "
        f"main window offscreen at 1280x800, zh_CN. Each measured scan adds line {CART_LINES + 1} "
        f"to the same {CART_LINES}-line cart (put back as stored after each scan, not measured); "
        f"{n} scans. Times in ms, "
        "from `handle_scan(code)` (what the keyboard-wedge filter calls) to the end of the cart "
        "table's paint with the new row, through the task manager's database thread. "
        "`QT_QPA_UPDATE_IDLE_TIME=0`: offscreen Qt otherwise delays every paint by 5 ms.\n\n"
        + report.table(["path", "median", "p95", "p99", "n", "vs bare"], rows)
        + f"\n\nTarget p99 <= {TARGET_MS:.0f} ms: **{verdict}** "
        f"(p99 {report.percentile(whole, 99):.2f} ms). The whole path is the backend row "
        "(classify, look up, re-price the whole cart with every promotion, write it in its own "
        "committed transaction) plus the UI row plus the hand-off from the database thread. "
        "The UI row is below the bare baseline because the cart table repaints only the new "
        "row and the strip that scrolled into view (ui/checkout/cart_table.py), where a plain "
        "QTableView repaints its whole viewport after every insert. Run it again with "
        "`BENCH_SCAN_PAINT_SKUS=1000000 python -m benchmarks scan_to_paint`.\n")
    report.write_section("scan_to_paint", "Checkout screen: scan to painted line", body)
    print(body)
