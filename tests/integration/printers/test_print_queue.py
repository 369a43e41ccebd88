"""The persistent print queue against a fake network printer on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from printers.connectors import ConnectorSettings, PrinterStatus, connection_factory
from printers.document import DocumentBuilder
from tools.fake_network_printer import FakeNetworkPrinter
from printers.profile import PrinterProfile
from printers.queue import JobStateError, PrintQueue
from store_client.persistence.models import PrintJob

PROFILE = PrinterProfile("TM-T88V", 80, "gb18030")
ROOT = Path(__file__).resolve().parents[3]


def job_bytes(i: int) -> bytes:
    return f"<<JOB-{i:03d}>>".encode() + b"\n"


def count(fake: FakeNetworkPrinter, i: int) -> int:
    return fake.received.count(job_bytes(i))


class Target:
    """A connection factory whose printer address the test can change (printer moved / came back)."""

    def __init__(self, port: int, timeout: float = 2.0) -> None:
        self.port, self.timeout = port, timeout

    def __call__(self):
        return connection_factory(ConnectorSettings("network", "TM-T88V", "127.0.0.1", self.port,
                                                    timeout=self.timeout))()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


@pytest.fixture
def make_queue(terminal):
    queues: list[PrintQueue] = []

    def make(factory, **kwargs) -> PrintQueue:
        kwargs.setdefault("profile", PROFILE)
        kwargs.setdefault("retry_interval", 0.2)
        q = PrintQueue(terminal.db, factory, terminal.clock, **kwargs)
        queues.append(q)
        q.start()
        return q

    yield make
    for q in queues:
        q.stop()


def test_jobs_print_once_in_order_with_the_drawer_kick(make_queue):
    with FakeNetworkPrinter() as fake:
        q = make_queue(Target(fake.port))
        ids = [q.submit("sale", job_bytes(i)) for i in range(5)]
        doc = DocumentBuilder().text("现金 Cash ¥10.00").cut().drawer_kick().build()
        ids.append(q.submit("sale", doc))
        assert q.wait_idle(10)
        assert wait_for(lambda: len(fake.connections) == 6 and fake.connections[-1].endswith(b"\x1bp\x0022"))
        assert [bytes(c) for c in fake.connections[:5]] == [job_bytes(i) for i in range(5)]
        assert "￥10.00".encode("gbk") in fake.connections[5]
        assert fake.status_queries == 12  # DLE EOT 1 and 4 before each job
        assert [j.state for j in q.jobs()] == ["printed"] * 6
        assert all(j.printer_status == "ok" and j.attempts == 1 for j in q.jobs())


def test_offline_printer_holds_the_queue_in_order_until_it_is_back(make_queue, terminal):
    target = Target(free_port())  # nothing listens there: connection refused
    events = []
    q = make_queue(target)
    q.add_listener(events.append)
    first = q.submit("sale", job_bytes(1))
    assert wait_for(lambda: q.job(first).state == "held")
    second = q.submit("sale", job_bytes(2))
    time.sleep(0.3)
    assert q.job(first).state == "held" and q.job(second).state in ("queued", "held")
    assert "Could not open socket" in (q.job(first).last_error or "")
    assert any(e.needs_attention >= 1 and e.printer_status == "offline" for e in events)
    with FakeNetworkPrinter() as fake:
        target.port = fake.port  # the printer is back (auto-retry, no button pressed)
        assert wait_for(lambda: q.job(second).state == "printed", 5)
        assert fake.received == job_bytes(1) + job_bytes(2)
        assert q.job(first).attempts == 1  # counted only when bytes were sent
    assert q.summary().needs_attention == 0


def test_paper_out_is_reported_and_nothing_is_sent(make_queue):
    with FakeNetworkPrinter(mode="paper_out") as fake:
        q = make_queue(Target(fake.port), retry_interval=30)
        job = q.submit("sale", job_bytes(1))
        assert wait_for(lambda: q.job(job).state == "held")
        info = q.job(job)
        assert info.printer_status == PrinterStatus.PAPER_OUT.value
        assert "paper" in info.last_error
        assert fake.received == b""
        fake.mode = "ok"  # roll replaced
        q.retry(job)
        assert wait_for(lambda: q.job(job).state == "printed")
        assert count(fake, 1) == 1


def test_printer_without_status_prints_with_status_unknown(make_queue):
    with FakeNetworkPrinter(mode="no_status") as fake:
        q = make_queue(Target(fake.port))
        job = q.submit("sale", job_bytes(1))
        assert wait_for(lambda: q.job(job).state == "printed", 5)
        assert q.job(job).printer_status == "unknown"
        assert count(fake, 1) == 1


def test_connection_dropped_mid_job_is_uncertain_and_never_auto_reprinted(make_queue):
    with FakeNetworkPrinter(mode="drop", drop_after=1000) as fake:
        q = make_queue(Target(fake.port))
        big = job_bytes(1) + b"x" * 8_000_000  # more than any socket buffers hold
        job = q.submit("sale", big)
        later = q.submit("sale", job_bytes(2))
        assert wait_for(lambda: q.job(job).state == "uncertain", 8)
        assert "check the printout" in q.job(job).last_error
        fake.mode = "ok"
        assert wait_for(lambda: q.job(later).state == "printed", 5)  # the queue goes on
        time.sleep(0.5)  # several retry intervals: the uncertain job is left alone
        assert q.job(job).state == "uncertain" and count(fake, 1) == 1
        q.retry(job)  # a person decided to print it again
        assert wait_for(lambda: q.job(job).state == "printed", 8)
        assert count(fake, 1) == 2


def test_silent_printer_times_out_within_seconds(make_queue):
    with FakeNetworkPrinter(mode="silent") as fake:
        q = make_queue(Target(fake.port, timeout=1.0))
        started = time.monotonic()
        job = q.submit("sale", job_bytes(1) + b"y" * 8_000_000)
        assert wait_for(lambda: q.job(job).state in ("uncertain", "held"), 8)
        assert time.monotonic() - started < 6
        assert q.job(job).state == "uncertain"  # bytes went into the socket: maybe printed


def test_cancel_and_reprint(make_queue, terminal):
    target = Target(free_port())
    q = make_queue(target, retry_interval=30)
    doomed = q.submit("sale", job_bytes(1))
    assert wait_for(lambda: q.job(doomed).state == "held")
    q.cancel(doomed)
    with pytest.raises(JobStateError):
        q.retry(doomed)
    with FakeNetworkPrinter() as fake:
        target.port = fake.port
        doc = DocumentBuilder().text("原件 ORIGINAL").drawer_kick().build()
        original = q.submit("sale", doc)
        assert wait_for(lambda: q.job(original).state == "printed")
        copy = q.reprint(original)
        assert wait_for(lambda: q.job(copy).state == "printed")
        assert q.job(copy).reprint_of == original
        assert wait_for(lambda: len(fake.connections) == 2)
        first, second = (bytes(c) for c in fake.connections)
        assert first.endswith(b"\x1bp\x0022")  # drawer opened with the original
        assert b"\x1bp" not in second  # ...never with the reprint
        assert "重印 / REPRINT".encode("gbk") in second and "原件 ORIGINAL".encode("gbk") in second
        assert job_bytes(1) not in fake.received
    with pytest.raises(JobStateError):
        q.cancel(original)


def test_submit_returns_fast_and_the_ui_thread_never_waits_for_the_printer(make_queue):
    target = Target(free_port())
    q = make_queue(target)
    started = time.perf_counter()
    for i in range(20):
        q.submit("sale", job_bytes(i))
    assert time.perf_counter() - started < 2.0  # no network on the caller's thread
    assert threading.current_thread() is threading.main_thread()


def test_job_found_sending_after_a_kill_is_uncertain_and_the_rest_resume(terminal):
    """kill -9 of the process printing: jobs before print once, the one mid-send waits for a person."""
    with FakeNetworkPrinter(stall_connection=3, drop_after=1000, lifetime=30) as jammed:
        q = PrintQueue(terminal.db, Target(jammed.port), terminal.clock, profile=PROFILE)
        ids = [q.submit("sale", job_bytes(i) + (b"z" * 4_000_000 if i == 2 else b"")) for i in range(5)]
        child = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("print_queue_child.py")),
             str(terminal.db.path), str(jammed.port)],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL)
        try:
            assert wait_for(lambda: q.job(ids[2]).state == "sending", 15)
            child.send_signal(signal.SIGKILL)
            child.wait(10)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait(5)
        assert [count(jammed, i) for i in range(2)] == [1, 1]
    with terminal.db.read() as s:
        assert s.scalar(select(PrintJob.state).where(PrintJob.id == ids[2])) == "sending"
    with FakeNetworkPrinter() as fresh:
        restarted = PrintQueue(terminal.db, Target(fresh.port), terminal.clock, profile=PROFILE,
                               retry_interval=0.2)
        assert restarted.recovered == [ids[2]]
        restarted.start()
        try:
            assert wait_for(lambda: all(restarted.job(i).state == "printed" for i in ids[3:]), 10)
            time.sleep(0.3)
            states = [restarted.job(i).state for i in ids]
            assert states == ["printed", "printed", "uncertain", "printed", "printed"]
            assert [count(fresh, i) for i in range(5)] == [0, 0, 0, 1, 1]
        finally:
            restarted.stop()


class ScriptedConnection:
    """A connection whose behaviour the test scripts: fails, or blocks until released."""

    def __init__(self, log: list, gate: threading.Event | None = None, fail: Exception | None = None):
        self.log, self.gate, self.fail = log, gate, fail

    def status(self):
        if self.gate is not None:
            self.gate.wait(5)
        return PrinterStatus.UNKNOWN

    def send(self, data: bytes) -> None:
        if self.fail is not None:
            raise self.fail
        self.log.append(data)

    def confirm(self, timeout: float) -> bool:
        return True

    def close(self) -> None:
        pass


def test_cancel_while_the_worker_checks_the_printer_wins(make_queue):
    printed: list[bytes] = []
    gate = threading.Event()
    q = make_queue(lambda: ScriptedConnection(printed, gate))
    job = q.submit("sale", job_bytes(1))
    time.sleep(0.1)  # the worker is now waiting in status()
    q.cancel(job)
    gate.set()
    time.sleep(0.2)
    assert q.job(job).state == "cancelled" and printed == []


def test_unexpected_error_mid_send_is_uncertain_not_lost(make_queue):
    q = make_queue(lambda: ScriptedConnection([], fail=RuntimeError("driver bug")))
    job = q.submit("sale", job_bytes(1))
    assert wait_for(lambda: q.job(job).state == "uncertain")
    assert "internal error" in q.job(job).last_error


def test_reprint_only_of_jobs_that_are_done(make_queue):
    q = make_queue(Target(free_port()), retry_interval=30)
    job = q.submit("sale", job_bytes(1))
    with pytest.raises(JobStateError, match="no reprint needed"):
        q.reprint(job)
