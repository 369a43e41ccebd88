"""Cold start: process launch to the sign-in window shown, against a bare PySide6 window.

Each sample is a fresh ``python -m store_client run --exit-when-ready`` on a demo
store (config load, instance lock, database open and migration check, fonts,
theme, translations, window): the clock runs from ``Popen`` until the process
prints its ``ready`` line, which it does from the first event-loop turn after
the window is shown. The baseline is a bare PySide6 script that shows a QLabel
the same way. Both run on Qt's offscreen platform (no display on the bench
machine), so neither pays for a window server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import report

TARGET_S = 0.8
ROOT = Path(__file__).resolve().parent.parent

BARE = """
import time
t0 = time.perf_counter()
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
w = QLabel("ready")
w.show()
def ready():
    print(f"ready {time.perf_counter() - t0:.3f}", flush=True)
    app.quit()
QTimer.singleShot(0, ready)
app.exec()
"""


def _env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("STORE_CLIENT_CONFIG", None)
    return env


def _time_to_ready(cmd: list[str]) -> tuple[float, float]:
    """(seconds from launch to the 'ready' line, the process's own in-process figure)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_env(), cwd=ROOT)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - started
    _out, err = proc.communicate(timeout=60)
    if proc.returncode != 0 or not line.startswith("ready "):
        raise RuntimeError(f"{cmd[:4]} failed ({proc.returncode}): {line!r} {err[-500:]}")
    return elapsed, float(line.split()[1])


def run(args) -> None:  # type: ignore[no-untyped-def]
    from store_client.demo.store import create_demo_store

    runs = 5 if args.quick else 25
    skus = 2_000 if args.quick else 5_000
    work = Path(tempfile.mkdtemp(prefix="bench-cold-start-"))
    try:
        config = create_demo_store(work / "store", skus=skus)
        ours_cmd = [sys.executable, "-m", "store_client", "--config", str(config), "run",
                    "--exit-when-ready"]
        bare_cmd = [sys.executable, "-c", BARE]
        _time_to_ready(ours_cmd)  # warm the OS file cache once: "cold" means a new process
        _time_to_ready(bare_cmd)
        ours, ours_inner, bare = [], [], []
        for i in range(runs):  # interleaved, so machine noise hits both alike
            wall, inner = _time_to_ready(ours_cmd)
            ours.append(wall)
            ours_inner.append(inner)
            bare.append(_time_to_ready(bare_cmd)[0])
            print(f"  run {i + 1}/{runs}: store-client {wall:.3f} s, bare {bare[-1]:.3f} s",
                  flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def row(name: str, samples: list[float]) -> list[str]:
        return [name, f"{report.median(samples):.3f}", f"{report.percentile(samples, 95):.3f}",
                f"{report.percentile(samples, 99):.3f}",
                f"{report.median(samples) / report.median(bare):.1f}x"]

    med = report.median(ours)
    verdict = "pass" if med <= TARGET_S else "**FAIL**"
    body = "\n\n".join([
        (f"{runs} launches each, interleaved, offscreen platform, demo store of {skus:,} SKUs "
         "(the database size barely matters: start-up never scans the catalog)."),
        report.table(["Launch to sign-in window shown", "median s", "p95 s", "p99 s", "vs bare"], [
            row("store-client run", ours),
            row("  (measured inside the process, from package import)", ours_inner),
            row("bare PySide6 QLabel window", bare),
        ]),
        f"Target: median <= {TARGET_S} s: {verdict} ({med:.3f} s).",
        "Command: `python -m benchmarks cold_start` (`--quick` for 5 launches).",
    ])
    report.write_section("cold_start", "Cold start to the sign-in window", body)
    print(body)
