"""Smoke test of the self-contained bundle (``bash packaging/build_bundle.sh``).

Runs only when the bundle has been built (``dist/store-client``, or ``$STORE_CLIENT_BUNDLE``
naming its executable): building it takes minutes of CPU, so the suite does not. Every
command runs with an empty PATH, no PYTHONPATH and outside the source tree, so nothing can
come from a Python installation.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from store_client import __version__
from store_client import config as cfg

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = Path(os.environ.get("STORE_CLIENT_BUNDLE") or ROOT / "dist" / "store-client" / "store-client")

pytestmark = pytest.mark.skipif(not BUNDLE.is_file(), reason=f"no bundle at {BUNDLE} (build it "
                                "with: bash packaging/build_bundle.sh)")


def _run(tmp_path: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    empty_bin = tmp_path / "empty-bin"
    empty_bin.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(PATH=str(empty_bin), QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "home"),
               STORE_CLIENT_LOG_DIR=str(tmp_path / "logs"))
    return subprocess.run([str(BUNDLE), *args], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=timeout)


def test_version_without_python(tmp_path) -> None:
    done = _run(tmp_path, "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"store-client {__version__}"


def test_doctor_json_finds_its_fonts_and_translations(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(cfg.template("S001", "T01", **{"data.dir": str(tmp_path / "data")}))
    assert _run(tmp_path, "--config", str(path), "db", "migrate").returncode == 0
    done = _run(tmp_path, "--config", str(path), "doctor", "--json")
    assert done.returncode in (0, 1), done.stdout + done.stderr  # printer/scanner may warn
    report = json.loads(done.stdout)
    checks = {c["check"]: c for c in report["checks"]}
    assert checks["fonts"]["status"] == "ok", checks["fonts"]
    assert Path(checks["fonts"]["facts"]["fonts_dir"]).is_relative_to(BUNDLE.parent)
    assert checks["database"]["status"] == "ok"
    assert (tmp_path / "logs" / "store-client.log").is_file()


def test_starts_offscreen_to_the_sign_in_window(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(cfg.template("S001", "T01", **{"data.dir": str(tmp_path / "data")}))
    done = _run(tmp_path, "--config", str(path), "run", "--exit-when-ready")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("painted ") and "\nready " in done.stdout, done.stdout
    assert "Traceback" not in done.stderr
