"""The lock that orders every stock publisher of one HQ database, across threads and processes.

Two publishers that read the same position at different moments could publish the older
figure last (docs/stock.md, "At HQ"). Within a process a re-entrant thread lock orders them;
between processes that share the database:

* PostgreSQL: a session advisory lock (``pg_advisory_lock``) on a connection held for the
  duration; the server drops it when the process or its connection dies;
* SQLite (one machine by nature): an OS file lock (``flock`` / ``msvcrt.locking``) on a file
  beside the database, which the kernel drops when the process dies.

So a crashed publisher never leaves a lock behind. The lock is re-entrant in a thread (a
backfill that publishes calls the publisher again).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

#: The advisory lock's key: "STKPUB" in ASCII, so it names itself in pg_locks.
ADVISORY_KEY = 0x53544B505542

_thread_lock = threading.RLock()
_held = threading.local()

if sys.platform == "win32":  # pragma: no cover - HQ runs on Linux; kept for a demo on Windows
    import msvcrt
    import time

    def _lock_file(fd: int) -> None:
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                return
            except OSError:
                time.sleep(0.05)

    def _unlock_file(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock_file(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock_file(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def lock_path(engine: Engine) -> str | None:
    """The lock file of a SQLite database (None: in memory, no other process can share it)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return f"{database}.publish.lock"


@contextmanager
def _across_processes(engine: Engine) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        conn = engine.connect()
        try:
            conn.exec_driver_sql(f"SELECT pg_advisory_lock({ADVISORY_KEY})")
            conn.commit()  # a session lock: no transaction stays open while it is held
            yield
        finally:
            try:
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({ADVISORY_KEY})")
                conn.commit()
            except Exception:  # noqa: BLE001 - the connection is dropped: the server frees the lock
                conn.invalidate()
            conn.close()
        return
    path = lock_path(engine)
    if path is None:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _lock_file(fd)
        try:
            yield
        finally:
            _unlock_file(fd)
    finally:
        os.close(fd)


@contextmanager
def publish_lock(engine: Engine) -> Iterator[None]:
    """Hold the publish lock of ``engine``'s database (re-entrant within a thread)."""
    with _thread_lock:
        if getattr(_held, "depth", 0):
            _held.depth += 1
            try:
                yield
            finally:
                _held.depth -= 1
            return
        with _across_processes(engine):
            _held.depth = 1
            try:
                yield
            finally:
                _held.depth = 0
