"""python-escpos's capabilities cache, shared between processes that start together."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def start(cache_home: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "ESCPOS_CAPABILITIES_PICKLE_DIR"}
    env["XDG_CACHE_HOME"] = str(cache_home)
    return subprocess.Popen([sys.executable, "-c", "import printers.profile"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_processes_starting_together_on_an_empty_cache_all_load_it(tmp_path) -> None:
    """escpos writes its pickle in place; one process reading another's half-written file
    failed with EOFError when the test workers started together on a fresh machine."""
    for _round in range(2):  # the first round writes the cache, the second reads it
        procs = [start(tmp_path) for _ in range(6)]
        outputs = [(p.communicate(timeout=60)[0].decode(), p.returncode) for p in procs]
        assert all(code == 0 for _, code in outputs), outputs
    folder = tmp_path / "store-client" / "escpos"
    assert [p.name for p in folder.iterdir()] == [f"{sys.version.split()[0]}.capabilities.pickle"]
