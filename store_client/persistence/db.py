"""Opening the terminal database: pragmas, corruption checks, transactions.

SQLite is the terminal's source of truth, so it is opened in WAL mode with
``synchronous=FULL`` (a committed sale survives power loss), foreign keys on
and a busy timeout. A file that is not a readable SQLite database is reported,
never recreated: :class:`DatabaseCorrupt` tells store IT which backup to use.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from store_client.persistence import search_grams

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


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


def create_sqlite_engine(path: Path) -> Engine:
    """An engine whose connections carry the terminal pragmas and explicit BEGIN handling."""
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        search_grams.register(dbapi_connection)  # the Chinese-character index's triggers call it
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        # Unit-of-work writers ask for IMMEDIATE: the write lock up front, so two
        # writers never deadlock upgrading a read lock. Plain reads stay DEFERRED.
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


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


def probe(engine: Engine, path: Path) -> None:
    """Touch the schema so that a damaged file is detected at start-up, not mid-sale."""
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA schema_version").scalar()
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
    except Exception as exc:  # sqlalchemy wraps sqlite3 errors
        problem = classify(exc, path)
        if problem is not None:
            raise problem from None
        raise


class Database:
    """The terminal database: sessions are units of work (commit or roll back)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        check_file(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_sqlite_engine(path)
        probe(self.engine, path)
        self._writer = sessionmaker(
            self.engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False
        )
        self._reader = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write transaction: everything inside commits together or not at all."""
        with self._writer() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only snapshot (deferred BEGIN, never takes the write lock)."""
        with self._reader() as session, session.begin():
            yield session
            session.rollback()

    def close(self) -> None:
        self.engine.dispose()
