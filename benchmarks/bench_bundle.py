"""The self-contained bundle: its size, and cold start to the sign-in window beside the
source install (issue 15: within 1.5x).

Needs the built bundle (``bash packaging/build_bundle.sh``; ``$STORE_CLIENT_BUNDLE`` names
another executable). Both launch ``run --exit-when-ready`` on the same demo store, offscreen,
interleaved; the bundle runs with an empty PATH and no PYTHON* variables.
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

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = Path(os.environ.get("STORE_CLIENT_BUNDLE") or ROOT / "dist" / "store-client" / "store-client")
TARGET_RATIO = 1.5


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _launch(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=cwd)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - started
    _out, err = proc.communicate(timeout=120)
    if proc.returncode != 0 or not line.startswith("painted "):
        raise RuntimeError(f"{cmd[:3]} failed ({proc.returncode}): {line!r} {err[-800:]}")
    return elapsed


def run(args) -> None:  # type: ignore[no-untyped-def]
    from store_client.demo.store import create_demo_store

    if not BUNDLE.is_file():
        raise SystemExit(f"no bundle at {BUNDLE}: build it with bash packaging/build_bundle.sh")
    runs = 3 if args.quick else 9
    work = Path(tempfile.mkdtemp(prefix="bench-bundle-"))
    try:
        config = create_demo_store(work / "store", skus=2_000)
        empty = work / "empty-bin"
        empty.mkdir()
        base = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        base.update(QT_QPA_PLATFORM="offscreen", STORE_CLIENT_LOG_DIR=str(work / "logs"))
        base.pop("STORE_CLIENT_CONFIG", None)
        bundle_cmd = [str(BUNDLE), "--config", str(config), "run", "--exit-when-ready"]
        source_cmd = [sys.executable, "-m", "store_client", "--config", str(config), "run",
                      "--exit-when-ready"]
        bundle_env = {**base, "PATH": str(empty)}
        source_env = {**base, "PYTHONPATH": str(ROOT)}
        _launch(bundle_cmd, bundle_env, work)  # warm the file cache once each
        _launch(source_cmd, source_env, ROOT)
        load_start = os.getloadavg()[0]
        bundle, source = [], []
        for i in range(runs):
            bundle.append(_launch(bundle_cmd, bundle_env, work))
            source.append(_launch(source_cmd, source_env, ROOT))
            print(f"  run {i + 1}/{runs}: bundle {bundle[-1]:.2f} s, source {source[-1]:.2f} s",
                  flush=True)
        load_end = os.getloadavg()[0]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    folder = _size(BUNDLE.parent)
    debs = sorted(BUNDLE.parent.parent.glob("store-client_*.deb"))
    ratio = report.median(bundle) / report.median(source)
    verdict = "pass" if ratio <= TARGET_RATIO else "**FAIL**"
    rows = [["bundle folder (PyInstaller one-folder)", f"{folder / 2**20:.0f} MB", "", "", ""]]
    if debs:
        rows.append([f".deb ({debs[-1].name})", f"{debs[-1].stat().st_size / 2**20:.0f} MB", "", "", ""])
    rows += [["cold start, bundle (no Python on PATH)", "", f"{report.median(bundle):.2f} s",
              f"{report.percentile(bundle, 95):.2f} s", f"{ratio:.2f}x"],
             ["cold start, source install (`python -m store_client`)", "",
              f"{report.median(source):.2f} s", f"{report.percentile(source, 95):.2f} s", "1.00x"]]
    body = (f"{runs} launches each, interleaved, of `run --exit-when-ready` on a 2,000-SKU demo "
            "store, offscreen: process start until the sign-in window is shown. 1-minute load "
            f"average {load_start:.1f} at the start and {load_end:.1f} at the end (2 cores, "
            "shared).\n\n" + report.table(["what", "size", "median", "p95", "vs source"], rows)
            + f"\n\nTarget: bundle within {TARGET_RATIO}x of the source install: {verdict} "
            f"({ratio:.2f}x). Build: `bash packaging/build_bundle.sh`; measure: "
            "`python -m benchmarks bundle`.")
    print(body)
    report.write_section("bundle", "Self-contained bundle: size and cold start (issue 15)", body)
