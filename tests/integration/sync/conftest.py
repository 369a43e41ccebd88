"""Sync fixtures: an HQ on SQLite or on a throwaway PostgreSQL cluster, a terminal, a keyring.

The PostgreSQL cluster is created once per session with ``initdb`` in a temp
folder, listens on 127.0.0.1 on a free port, and is stopped at the end. When
the binaries are missing the PostgreSQL variants are skipped with the reason.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from store_client.bootstrap import Terminal, open_terminal
from sync.hq.embedded import HQServer
from sync.hq.service import HQService, make_engine
from sync.terminal.memory_keyring import MemoryKeyring

PG_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _pg_bin(name: str) -> str | None:
    for d in PG_DIRS:
        if (d / name).exists():
            return str(d / name)
    return shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    def __init__(self, base: Path) -> None:
        self.initdb, self.pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
        self.base = base
        self.data = base / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0  # initdb refuses root: run the cluster as 'postgres'
        self._counter = itertools.count()

    def _run(self, *cmd: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        subprocess.run(prefix + list(cmd), check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(self.base, "postgres")
        self._run(self.initdb, "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--no-sync")
        opts = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.base} "
                "-c fsync=off -c max_connections=60")
        self._run(self.pg_ctl, "-D", str(self.data), "-o", opts, "-l", str(self.base / "log"), "-w",
                  "-t", "30", "start")

    def stop(self) -> None:
        self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def new_database(self) -> str:
        import psycopg

        name = f"hq_{os.getpid()}_{next(self._counter)}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgCluster]:
    if not (_pg_bin("initdb") and _pg_bin("pg_ctl")):
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not found; install the 'postgresql' package")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg (v3) is not installed")
    base = Path("/tmp") / f"sc-pg-{os.getpid()}-{time.monotonic_ns()}"  # short: unix socket path limit
    cluster = PgCluster(base)
    try:
        cluster.start()
    except (subprocess.CalledProcessError, OSError) as exc:
        pytest.skip(f"could not start a PostgreSQL cluster: {exc}")
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def hq_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hq.sqlite3'}"
    return request.getfixturevalue("pg_cluster").new_database()


@pytest.fixture
def hq_service(hq_db_url: str) -> Iterator[HQService]:
    service = HQService(make_engine(hq_db_url))
    yield service
    service.engine.dispose()


@pytest.fixture
def sqlite_hq(tmp_path: Path) -> Iterator[HQService]:
    """HQ on SQLite only, for the client-side tests (the HQ tests cover PostgreSQL)."""
    service = HQService(make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}"))
    yield service
    service.engine.dispose()


@pytest.fixture
def hq_server(sqlite_hq: HQService) -> Iterator[HQServer]:
    from sync.hq.demo_data import seed_demo

    seed_demo(sqlite_hq)
    server = HQServer(sqlite_hq).start()
    yield server
    server.stop()


@pytest.fixture
def hq_token(sqlite_hq: HQService) -> str:
    return sqlite_hq.issue_token("S001", "T01")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def term(terminal: Terminal) -> Terminal:
    return terminal


def reopen(terminal: Terminal) -> Terminal:
    return open_terminal(terminal.config, exclusive=False)
