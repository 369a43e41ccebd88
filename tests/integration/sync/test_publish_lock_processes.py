"""The stock publish lock across two HQ processes sharing one database (SQLite and
PostgreSQL): while another process holds it, this one waits; it gets it when the other lets
go, and when the other is killed holding it (the OS or the server drops the lock)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sync.hq.publish_lock import publish_lock
from sync.hq.service import HQService

ROOT = Path(__file__).resolve().parents[3]
CHILD = """
import sys
from sync.hq.publish_lock import publish_lock
from sync.hq.service import make_engine
engine = make_engine(sys.argv[1])
with publish_lock(engine):
    print("held", flush=True)
    sys.stdin.readline()  # hold until told (or killed)
print("released", flush=True)
"""


def start_holder(url: str) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", CHILD, url], cwd=ROOT, text=True, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "held"
    return child


def stop(child: subprocess.Popen[str]) -> None:
    if child.poll() is None:
        os.kill(child.pid, signal.SIGKILL)  # only the child this test started
    child.wait(10)
    for pipe in (child.stdin, child.stdout):
        if pipe is not None:
            pipe.close()


def try_to_take(service: HQService) -> tuple[threading.Event, threading.Thread]:
    got = threading.Event()

    def take() -> None:
        with publish_lock(service.engine):
            got.set()

    thread = threading.Thread(target=take, daemon=True)
    thread.start()
    return got, thread


def url_of(service: HQService) -> str:
    return service.engine.url.render_as_string(hide_password=False)


def test_a_second_process_waits_for_the_first_to_let_go(hq_service: HQService) -> None:
    hq_service.engine.dispose()
    child = start_holder(url_of(hq_service))
    try:
        got, thread = try_to_take(hq_service)
        assert not got.wait(1.0)  # the other process holds it
        assert child.stdin is not None
        child.stdin.write("\n")
        child.stdin.flush()
        assert got.wait(10.0)  # let go: ours now
        thread.join(5)
        assert child.wait(10) == 0
    finally:
        stop(child)


def test_a_process_killed_holding_the_lock_leaves_none_behind(hq_service: HQService) -> None:
    hq_service.engine.dispose()
    child = start_holder(url_of(hq_service))
    got, thread = try_to_take(hq_service)
    assert not got.wait(0.5)
    stop(child)  # killed while publishing
    started = time.monotonic()
    assert got.wait(15.0), "the lock of a killed process was not released"
    assert time.monotonic() - started < 15
    thread.join(5)


def test_the_lock_is_reentrant_in_a_thread(hq_service: HQService) -> None:
    with publish_lock(hq_service.engine), publish_lock(hq_service.engine):
        pass  # a backfill that publishes calls the publisher again: no deadlock
    got, thread = try_to_take(hq_service)
    assert got.wait(5.0)  # and it is free afterwards
    thread.join(5)
