"""One running store-client per data directory.

An OS file lock (``filelock``: fcntl on POSIX, msvcrt on Windows) is released by
the kernel when the process dies, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from filelock import FileLock, Timeout


class AlreadyRunning(Exception):
    pass


class InstanceLock:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._lock = FileLock(str(data_dir / "store-client.lock"))
        self._pid_file = data_dir / "store-client.pid"

    def acquire(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            holder = self._pid_file.read_text().strip() if self._pid_file.exists() else "unknown"
            raise AlreadyRunning(
                f"store-client is already running on data directory {self.data_dir} "
                f"(process {holder}). Switch to that window, or close it before starting again."
            ) from None
        self._pid_file.write_text(str(os.getpid()))

    def release(self) -> None:
        if self._lock.is_locked:
            self._pid_file.unlink(missing_ok=True)
            self._lock.release()

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()
