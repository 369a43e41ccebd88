"""A job is printed only when the printer took all of it: fake printers on 127.0.0.1 that stop
reading or reset mid-receipt, although the whole job fits in the socket buffers."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "unit" / "printers"))
import receipt_samples as samples

from printers import escpos_render, templates
from printers.connectors import ConnectorSettings, connection_factory
from printers.profile import PrinterProfile
from printers.queue import PrintQueue
from store_client.persistence.models import PrintJob
from tools.fake_network_printer import FakeNetworkPrinter

PROFILE = PrinterProfile("TM-T88V", 80, "gb18030")
KICK = escpos_render.drawer_kick_bytes(PROFILE)
REPRINT = "重印 / REPRINT".encode("gbk")


def wait_for(predicate, timeout: float = 8.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def network(port: int):
    return connection_factory(ConnectorSettings("network", "TM-T88V", "127.0.0.1", port, timeout=2.0))


@pytest.fixture
def queues(terminal):
    made: list[PrintQueue] = []

    def make(factory, **kwargs) -> PrintQueue:
        q = PrintQueue(terminal.db, factory, terminal.clock, profile=PROFILE, retry_interval=0.2,
                       confirm_timeout=1.0, **kwargs)
        made.append(q)
        q.start()
        return q

    yield make
    for q in made:
        q.stop()


def sale_receipt():
    doc = templates.sale_receipt(samples.sale())
    assert doc.has_drawer_kick()
    return doc


@pytest.mark.parametrize("mode", ["stop", "reset"])
def test_a_job_cut_off_mid_way_is_uncertain_and_keeps_its_drawer_kick(queues, mode):
    with FakeNetworkPrinter(mode=mode, drop_after=1024) as fake:
        q = queues(network(fake.port))
        job = q.submit("sale", sale_receipt())
        size = len(_payload(q, job))
        assert 1024 < size < 8192  # fits the printer's socket buffer: send() alone succeeds
        assert wait_for(lambda: q.job(job).state == "uncertain")
        assert "check the printout" in (q.job(job).last_error or "")
        assert len(fake.connections[0]) == 1024 and KICK not in fake.received
        time.sleep(0.6)  # several retry intervals: never resent by itself
        assert q.job(job).state == "uncertain" and len(fake.connections) == 1
        assert _trailer(q, job) == KICK  # the drawer never opened: a retry may open it
        fake.mode = "ok"
        q.retry(job)
        assert wait_for(lambda: q.job(job).state == "printed")
        second = bytes(fake.connections[-1])
        assert REPRINT in second and second.count(KICK) == 1  # marked on paper, the kick once
        assert q.job(job).preview_text.startswith("*** 重印 / REPRINT ***")


def test_a_whole_job_is_confirmed_then_the_drawer_kicks(queues):
    with FakeNetworkPrinter() as fake:
        q = queues(network(fake.port))
        job = q.submit("sale", sale_receipt())
        assert wait_for(lambda: q.job(job).state == "printed")
        assert fake.confirm_queries == 1
        assert fake.received == _payload(q, job) + KICK  # the query is not part of the receipt
        assert fake.received.count(REPRINT) == 0
        assert _trailer(q, job) == b""  # sent: never again


def test_a_printer_without_status_is_confirmed_by_the_transmit_signal(queues):
    with FakeNetworkPrinter(mode="no_status") as fake:
        q = queues(network(fake.port))
        job = q.submit("sale", sale_receipt())
        assert wait_for(lambda: q.job(job).state == "printed")
        assert fake.confirm_queries == 0 and fake.received.endswith(KICK)


def test_a_kick_that_went_out_is_not_sent_again_after_a_crash(terminal, queues):
    """The terminal dies while the kick is being sent: the job is uncertain at start-up; printing it
    again says REPRINT and does not open the drawer a second time."""
    gate, kicking = threading.Event(), threading.Event()

    class KickBlocks:
        def __init__(self, inner) -> None:
            self.inner = inner

        def __getattr__(self, name):
            return getattr(self.inner, name)

        def send(self, data: bytes) -> None:
            self.inner.send(data)
            if data == KICK:
                kicking.set()
                gate.wait(10)  # "killed" here

    with FakeNetworkPrinter() as fake:
        factory = network(fake.port)
        first = queues(lambda: KickBlocks(factory()))
        job = first.submit("sale", sale_receipt())
        try:
            assert kicking.wait(8)
            restarted = PrintQueue(terminal.db, factory, terminal.clock, profile=PROFILE,
                                   retry_interval=0.2, confirm_timeout=1.0)
            assert restarted.recovered == [job] and restarted.job(job).state == "uncertain"
            before = len(fake.connections)
            restarted.start()
            restarted.retry(job)
            assert wait_for(lambda: restarted.job(job).state == "printed")
            again = bytes(fake.connections[before])
            assert REPRINT in again and KICK not in again
            restarted.stop()
        finally:
            gate.set()


def _payload(q: PrintQueue, job_id: int) -> bytes:
    with q.db.read() as s:
        return s.get(PrintJob, job_id).payload


def _trailer(q: PrintQueue, job_id: int) -> bytes:
    with q.db.read() as s:
        return s.get(PrintJob, job_id).trailer or b""
