"""Cold start: process launch to a sign-in window that can take a PIN, warm and cold cache.

Each sample is a fresh ``python -m store_client run --exit-when-ready`` on a demo store
(config load, instance lock, database open and migration check, fonts, theme,
translations, window). The clock runs from ``Popen`` until the process prints its
``ready`` line, which it does once the PIN field has finished its first paint AND the
screens signing in opens have been imported (``ui/ready_probe.py``). The baseline is a
bare PySide6 script that prints after the first paint of a QLabel. Both run on Qt's
offscreen platform (no display on the bench machine), so neither pays for a window server.

Warm: the files are in the OS page cache (a launch before the samples). Cold: before each
sample ``sync; echo 3 > /proc/sys/vm/drop_caches`` (needs root; the report says when it
could not be done) -- Python, Qt, the fonts and the database all come from disk.
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
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
w = QLabel("ready")
def ready():
    print(f"ready {time.perf_counter() - t0:.3f}", flush=True)
    app.quit()
class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, ready)  # runs once this paint has finished
        return False
probe = FirstPaint()
w.installEventFilter(probe)
w.show()
app.exec()
"""


def _drop_caches() -> bool:
    """Empty the OS file cache (root only); False when that is not allowed here."""
    try:
        subprocess.run(["sync"], check=True, timeout=60)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except (OSError, subprocess.SubprocessError):
        return False


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
    from benchmarks import common

    runs = 5 if args.quick else 20
    cold_runs = 2 if args.quick else 6
    skus = 2_000 if args.quick else 5_000
    work = Path(tempfile.mkdtemp(prefix="bench-cold-start-"))
    cold_ok = True
    try:
        config = common.demo_store(skus, work)
        ours_cmd = [sys.executable, "-m", "store_client", "--config", str(config), "run",
                    "--exit-when-ready"]
        bare_cmd = [sys.executable, "-c", BARE]
        _time_to_ready(ours_cmd)  # warm the OS file cache once
        _time_to_ready(bare_cmd)
        warm_load = common.load_average()
        ours, ours_inner, bare = [], [], []
        for i in range(runs):  # interleaved, so machine noise hits both alike
            wall, inner = _time_to_ready(ours_cmd)
            ours.append(wall)
            ours_inner.append(inner)
            bare.append(_time_to_ready(bare_cmd)[0])
            print(f"  warm {i + 1}/{runs}: store-client {wall:.3f} s, bare {bare[-1]:.3f} s",
                  flush=True)
        warm_load += f" → {common.load_average()}"
        cold_load = common.load_average()
        cold, cold_bare = [], []
        for i in range(cold_runs):
            cold_ok = cold_ok and _drop_caches()
            cold.append(_time_to_ready(ours_cmd)[0])
            cold_ok = cold_ok and _drop_caches()
            cold_bare.append(_time_to_ready(bare_cmd)[0])
            print(f"  cold {i + 1}/{cold_runs}: store-client {cold[-1]:.3f} s, "
                  f"bare {cold_bare[-1]:.3f} s", flush=True)
        cold_load += f" → {common.load_average()}"
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def row(name: str, samples: list[float], base: list[float]) -> list[str]:
        return [name, str(len(samples)), f"{report.median(samples):.3f}",
                f"{report.percentile(samples, 95):.3f}", f"{max(samples):.3f}",
                f"{report.median(samples) / report.median(base):.1f}x"]

    med = report.median(ours)
    verdict = "meets" if med <= TARGET_S else "misses"
    cold_note = ("" if cold_ok else " **The file cache could not be dropped here (not root?): "
                 "these 'cold' runs were warm.**")
    body = "\n\n".join([
        (f"Demo store of {skus:,} SKUs (start-up never scans the catalog), offscreen platform. "
         "Ready = the PIN field's first paint has finished and the screens that signing in "
         "opens are imported. Seconds from launch."),
        report.table(["launch to a sign-in window that takes a PIN", "n", "median s", "p95 s",
                      "max s", "vs bare"], [
            row(f"store-client run, warm cache (load {warm_load})", ours, bare),
            row("  (measured inside the process, from package import)", ours_inner, bare),
            row("bare PySide6 QLabel, first paint, warm cache", bare, bare),
            row(f"store-client run, cold cache (load {cold_load})", cold, cold_bare),
            row("bare PySide6 QLabel, first paint, cold cache", cold_bare, cold_bare),
        ]) + cold_note,
        f"Target: median <= {TARGET_S} s warm: **{verdict}** ({med:.3f} s).",
        "Command: `python -m benchmarks cold_start` (`--quick` for 5 launches).",
    ])
    report.write_section("cold_start", "Cold start to a sign-in window that takes a PIN", body)
    print(body)
