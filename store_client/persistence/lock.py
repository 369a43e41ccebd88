"""One running store-client per data directory.

An OS file lock (``flock`` on POSIX, ``msvcrt.locking`` on Windows) is released by the
kernel when the process dies, so a crash never leaves a stale lock behind. The standard
library's calls rather than the ``filelock`` package here: this lock is taken on the way to
the sign-in window, and importing ``filelock`` (it brings asyncio) cost ~40 ms of that.
The lock file is the one ``filelock`` used (the same ``flock``), so versions exclude each other.
"""

from __future__ import annotations

import os
from pathlib import Path

if os.name == "nt":  # pragma: no cover - exercised on Windows counter PCs
    import msvcrt

    def _try_lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class AlreadyRunning(Exception):
    pass


class InstanceLock:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._lock_file = data_dir / "store-client.lock"
        self._pid_file = data_dir / "store-client.pid"
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._lock_file, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _try_lock(fd)
        except OSError:
            os.close(fd)
            holder = self._pid_file.read_text().strip() if self._pid_file.exists() else "unknown"
            raise AlreadyRunning(
                f"store-client is already running on data directory {self.data_dir} "
                f"(process {holder}). Switch to that window, or close it before starting again."
            ) from None
        self._fd = fd
        self._pid_file.write_text(str(os.getpid()))

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        self._pid_file.unlink(missing_ok=True)
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()
