"""What can be wrong with the terminal database, in words store IT can act on.

Apart from :mod:`store_client.persistence.db` (and SQLAlchemy), so the command line and
the start-up path can name these failures without loading the database layer.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"


class DatabaseError(Exception):
    """The terminal database cannot be used; the message says what to do."""


class DatabaseCorrupt(DatabaseError):
    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        backups = list_backups(path)
        if backups:
            hint = (
                f"The newest backup is {backups[-1]}. To restore it: stop store-client, move "
                f"{path.name} (and any {path.name}-wal / -shm) aside, copy the backup to {path}, "
                "and start again. Sales not yet synced to HQ since that backup must be re-entered."
            )
        else:
            hint = (
                "No backup was found next to it. Keep this file for recovery (do not delete it), "
                "and contact store IT support."
            )
        super().__init__(f"The terminal database {path} is damaged or not a database ({detail}). {hint}")


def list_backups(path: Path) -> list[Path]:
    """Backups taken before migrations, oldest first (the names sort by time)."""
    return sorted(path.parent.glob(f"{path.name}.backup-*"), key=lambda p: p.name.rsplit("-", 1)[-1])


def check_file(path: Path) -> None:
    """Refuse a file that exists but is not an SQLite database; cheap, runs at every start."""
    if not path.exists():
        return
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseError(f"The terminal database {path} cannot be read: {exc.strerror}.") from None
    if header and header != SQLITE_HEADER:
        raise DatabaseCorrupt(path, "the file header is not SQLite's")


def classify(exc: BaseException, path: Path) -> DatabaseError | None:
    """Turn a low-level SQLite failure into the message store IT needs, or None if it is not one."""
    original = getattr(exc, "orig", exc)
    if not isinstance(original, sqlite3.DatabaseError):
        return None
    text = str(original)
    if "locked" in text or "busy" in text:
        return DatabaseError(
            f"The terminal database {path} is busy (another program holds it: {text}). "
            "Close other store-client windows or tools and try again."
        )
    if "unable to open" in text:
        return DatabaseError(
            f"The terminal database {path} cannot be opened ({text}). Check that the data "
            "directory exists, is a folder, and that this user may write to it."
        )
    if isinstance(original, sqlite3.OperationalError) and "malformed" not in text:
        return None
    return DatabaseCorrupt(path, text)
