"""store_client.heap: glibc's free pages handed back to the OS."""
from __future__ import annotations

import subprocess
import textwrap
import sys
from pathlib import Path

import pytest

from store_client import heap

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
from pathlib import Path
from store_client import heap

def rss():
    fields = dict(l.split(":", 1) for l in Path("/proc/self/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]) // 1024

keep = []
blocks = [bytes(1500) + bytes([i % 256]) for i in range(60_000)]  # ~90 MB through malloc
for i in range(0, len(blocks), 100):
    keep.append(blocks[i])  # a few survivors pin the heap's top: free() alone returns nothing
del blocks
before = rss()
trimmed = heap.release_free_heap()
print(before, rss(), trimmed)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_freed_memory_goes_back_to_the_os() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, check=True).stdout.split()
    before, after, trimmed = int(out[0]), int(out[1]), out[2] == "True"
    assert trimmed and before - after >= 50, (before, after)


def test_both_calls_are_harmless_to_repeat() -> None:
    assert heap.limit_arenas() in (True, False)
    assert heap.release_free_heap() in (True, False)
    assert heap.release_free_heap() in (True, False)


def test_the_source_lines_pyside_reads_at_every_import_are_dropped() -> None:
    """PySide6 reads the source of every module imported after it into ``linecache``
    (~10 MB in the till); the heap release drops them."""
    probe = textwrap.dedent("""
        import linecache
        import PySide6.QtCore  # noqa: F401 - its import hook is what reads the sources
        import calendar  # noqa: F401 - not imported before
        cached = [k for k, v in linecache.cache.items() if k.endswith("calendar.py") and len(v) > 2]
        from store_client import heap
        heap.release_free_heap()
        left = [k for k, v in linecache.cache.items() if len(v) > 2]
        print(len(cached), len(left))
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    cached, left = map(int, done.stdout.split())
    assert left == 0
    # the reason for the drop; if PySide6 stops reading sources, this line says so
    assert cached == 1


def test_the_collector_is_settled_as_the_benchmarks_assume() -> None:
    """Start-up's objects frozen out of the collector's way and its thresholds raised (in a
    fresh process: the test process keeps its own collector)."""
    probe = textwrap.dedent("""
        import gc
        from store_client import heap
        heap.settle_collector()
        print(gc.get_freeze_count() > 1000, gc.get_threshold() == heap.COLLECTOR_THRESHOLDS)
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]
