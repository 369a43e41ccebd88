"""Resident memory of the running app: Qt, the main window, the services, a 1M-SKU catalog
and a 500-line cart on screen (target <= 150 MB).

A fresh process (``python -c``, nothing of the benchmark harness imported) assembles the
app as ``ui.app.run_shell`` does (offscreen: there is no display on the bench machine),
with the screens imported and the collector frozen as the app freezes it, signed in as
a cashier (``BENCH_MEMORY_ROLE``: a manager gets every screen), and reports
VmRSS (and the peak, VmHWM) from /proc/self/status at each step: at the sign-in window,
signed in on the checkout (a screen is built when first opened: the checkout and the
screens that watch for the status bar are built at sign-in), after 500 scans of codes from
the whole catalog with the cart on screen, after 100 searches, and then with every screen
of the role opened once. The catalog is ``BENCH_MEMORY_SKUS`` (default
1,000,000; ``--quick`` 5,000), reused from ``BENCH_STORE_DIR`` when set.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks import common, report

TARGET_MB = 150.0
LINES = 500

_PROBE = r"""
import gc, json, sys
from pathlib import Path

def rss():
    fields = dict(l.split(":", 1) for l in Path("/proc/self/status").read_text().splitlines())
    return {k: round(int(fields[k].split()[0]) / 1024, 1)
            for k in ("VmRSS", "VmHWM", "RssAnon", "RssFile")}

from store_client import config as cfg
from store_client.bootstrap import build_services, open_terminal
from store_client.ui.app import ensure_platform, setup_application
from store_client.ui.demo_operators import demo_operators
from store_client.ui.main_window import MainWindow
from store_client.ui.screen_registry import load_builtin_screens
from store_client.ui.tasks import TaskManager

from store_client import heap

heap.limit_arenas()  # as run_shell does, before any thread
config_path, codes = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text())
ensure_platform(offscreen=True)
terminal = open_terminal(cfg.load(config_path))
runtime = setup_application(terminal.config.locale)
tasks = TaskManager()
from store_client.ui.app import _build_print_queue
queue = _build_print_queue(terminal)  # run_shell builds it on a worker at start-up
services = build_services(terminal, print_queue=lambda: queue)
window = MainWindow(terminal=terminal, services=services, tasks=tasks)
load_builtin_screens()
heap.release_free_heap()  # run_shell does once the screens are imported
heap.settle_collector()  # as the app does once start-up is done
window.resize(1280, 800); window.show()
app = runtime.app
for _ in range(20):
    app.processEvents()
result = {"sign-in window shown": rss()}
manager = next(op for op in demo_operators() if op[2] == "manager")
manager = services.auth.login(manager[0], manager[3])  # voids the cart before and after
operator = next(op for op in demo_operators() if op[2] == sys.argv[3])
actor = services.auth.login(operator[0], operator[3])
heap.release_free_heap()  # what the sign-in operation does after the login (ui/operations/session.py)
co = services.checkout
if co.current_cart(manager).lines:
    co.void_cart(manager, "memory benchmark start")
window.sign_in(actor)
screen = window.screens["checkout"]
for _ in range(20):
    app.processEvents()
result["signed in, checkout open"] = rss()
for code in codes:
    screen.show_cart(co.scan(actor, code).cart)
    app.processEvents()
for _ in range(20):
    app.processEvents()
assert screen.model.rowCount() == len(codes), screen.model.rowCount()
result[f"{len(codes)}-line cart on screen"] = rss()
for query in ["洗发水", "面霜", "a", "xfs", "shampoo", "6901", "悦诗 面霜", "面霜 薰衣草香", "qz", "霜"] * 10:
    services.catalog.search_page(query, 100)
result["after 100 searches"] = rss()
for key in list(window.screens):  # each screen is built when first opened
    window.open_screen(key)
    for _ in range(10):
        app.processEvents()
window.open_screen("checkout")
for _ in range(20):
    app.processEvents()
result["then every screen of the role opened once"] = rss()
co.void_cart(manager, "memory benchmark end")
from printers.setup import shutdown_print_queue
window.shutdown(); shutdown_print_queue(queue); tasks.shutdown(wait=True); terminal.close()
result["modules"] = {m: m in sys.modules for m in ("sqlalchemy.orm", "escpos", "PIL", "httpx", "babel",
                                                    "pypinyin", "alembic")}
print(json.dumps(result, ensure_ascii=False))
"""


def _import_costs() -> dict[str, float]:
    """RSS an import adds to a bare interpreter: where the app's memory goes."""
    costs = {}
    for module in ("PySide6.QtWidgets", "sqlalchemy.orm", "escpos.printer"):
        code = ("from pathlib import Path\nimport importlib\n"
                "def rss():\n    f = dict(l.split(':', 1) for l in "
                "Path('/proc/self/status').read_text().splitlines())\n"
                "    return int(f['VmRSS'].split()[0]) / 1024\n"
                f"b = rss(); importlib.import_module({module!r}); print(rss() - b)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=120)
        if out.returncode == 0:
            costs[module] = float(out.stdout.strip())
    return costs


def run(args) -> None:  # type: ignore[no-untyped-def]
    quick = getattr(args, "quick", False)
    skus = 5_000 if quick else int(os.environ.get("BENCH_MEMORY_SKUS", "1000000"))
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        config = common.demo_store(skus, Path(tmp))
        from store_client import config as cfg

        codes = common.codes_across_the_catalog(cfg.load(config).database_path, LINES,
                                                random.Random(20261202))
        codes_file = Path(tmp) / "codes.json"
        codes_file.write_text(json.dumps(codes))
        before = common.load_average()
        out = subprocess.run([sys.executable, "-c", _PROBE, str(config), str(codes_file),
                              os.environ.get("BENCH_MEMORY_ROLE", "cashier")],
                             capture_output=True, text=True, timeout=900, cwd=root,
                             env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
        if out.returncode != 0:
            raise RuntimeError(out.stderr[-2000:])
        steps = json.loads(out.stdout.strip().splitlines()[-1])
    modules = steps.pop("modules")
    cart_rss = steps[f"{LINES}-line cart on screen"]["VmRSS"]
    peak = max(s["VmHWM"] for s in steps.values())
    rows = [[step, f"{s['VmRSS']:.0f}", f"{s['VmHWM']:.0f}", f"{s['RssAnon']:.0f}",
             f"{s['RssFile']:.0f}"] for step, s in steps.items()]
    body = "\n\n".join([
        (f"One fresh process: the app assembled as `run_shell` does (offscreen), demo store of "
         f"{skus:,} SKUs, the collector frozen as in the app; load average "
         f"{before} → {common.load_average()}. MB from /proc/self/status."),
        report.table(["step", "VmRSS MB", "VmHWM (peak) MB", "of which anonymous MB",
                      "of which files MB (libraries, fonts)"], rows),
        ("Loaded in the process: " + ", ".join(f"{m} {'yes' if v else 'no'}"
                                                 for m, v in modules.items())
         + ". What importing alone costs, each in a bare interpreter (RSS MB): "
         + ", ".join(f"{m} {mb:.0f}" for m, mb in _import_costs().items()) + "."),
        (f"Target: RSS with a {LINES}-line cart on a 1M-SKU catalog <= {TARGET_MB:.0f} MB: "
         f"**{'meets' if cart_rss <= TARGET_MB else 'misses'}** ({cart_rss:.0f} MB; peak "
         f"{peak:.0f} MB). Run: `BENCH_STORE_DIR=/some/dir python -m benchmarks memory`."),
    ])
    report.write_section("memory", "Memory of the running app: 1M SKUs, a 500-line cart", body)
    print(body)
