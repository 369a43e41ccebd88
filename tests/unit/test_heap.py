"""store_client.heap: glibc's free pages handed back to the OS."""
from __future__ import annotations

import subprocess
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
