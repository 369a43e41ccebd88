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
import linecache
import sys

M_ARENA_MAX = -8  # from glibc's malloc.h
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
