"""The process heap on glibc (the counter PCs' Linux): fewer malloc arenas, freed memory
handed back to the OS.

glibc gives each thread that allocates its own arena (up to 8 per core) and keeps what is
freed in them; a Qt app with a task pool, a sync thread and a print worker keeps tens of MB
it no longer uses. Two arenas are plenty for a till, and ``malloc_trim`` after the
start-up burst and a sign-in returns the free pages. Elsewhere (Windows, musl) both calls
do nothing.

Before that, the source lines Python keeps for tracebacks go: PySide6's import hook reads
the whole source of every module imported after it (``inspect.getsource``, to look for
"PySide6"; PYSIDE-2029), so ``linecache`` ends up holding every module of the app, SQLAlchemy
and the standard library: ~10 MB for the till. A traceback reads the lines it needs again.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import linecache
import sys

M_ARENA_MAX = -8  # from glibc's malloc.h
#: The cyclic collector after start-up: a young generation of 10,000 allocations, not 700.
#: A scan on a long cart allocates a few thousand short-lived objects (views, priced
#: lines); at 700 every scan ran several young collections, promoted the cart's objects and
#: every few scans set off a full collection of all of them: the 500-line scan's slow tail
#: (p99 19.8 -> 14.0 ms whole path, docs/BENCHMARKS.md). The till makes few cycles, so
#: collecting them less often costs little memory (docs/BENCHMARKS.md, "Memory").
COLLECTOR_THRESHOLDS = (10_000, 10, 10)
_libc: ctypes.CDLL | None = None


def _glibc() -> ctypes.CDLL | None:
    global _libc
    if _libc is None and sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt"):
                _libc = libc
        except OSError:
            return None
    return _libc


def limit_arenas(arenas: int = 2) -> bool:
    """Call before the worker threads start; True if glibc took it."""
    libc = _glibc()
    return bool(libc and libc.mallopt(M_ARENA_MAX, arenas) == 1)


def release_free_heap() -> bool:
    """Drop the cached source lines, then hand the free pages of every arena back to the
    OS; True if any were."""
    linecache.clearcache()
    libc = _glibc()
    return bool(libc and libc.malloc_trim(0))


def settle_collector() -> None:
    """Once start-up is done: collect, move every object alive so far (modules, the window)
    out of the collector's way for good (``gc.freeze``: a full collection never walks them
    again), and the thresholds above. The app and the benchmarks both call this."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
