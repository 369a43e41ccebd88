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
from store_client.persistence.errors import (  # noqa: F401 - re-exported
    DatabaseCorrupt,
    DatabaseError,
    check_file,
    classify,
    list_backups,
)

BUSY_TIMEOUT_MS = 5000


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


def driver(session: Session) -> sqlite3.Connection:
    """The sqlite3 connection under ``session``'s transaction (begun if it was not): a hot
    path (a scan) runs its few fixed statements on it, without the ORM's per-statement
    compile and result machinery, inside the same transaction as the rest of the change."""
    return session.connection().connection.driver_connection  # type: ignore[return-value]


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
