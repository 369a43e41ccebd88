"""The running app's print queue built from config: every kind, bad settings, restart, shutdown."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select, update

from printers.document import DocumentBuilder
from tools.fake_network_printer import FakeNetworkPrinter
from printers.queue import PRINTED, QUEUED, SENDING, UNCERTAIN, PrintQueue
from printers.setup import build_print_queue, describe_printer, shutdown_print_queue
from store_client.bootstrap import open_terminal
from store_client.clock import FakeClock
from store_client.config import ConfigError
from store_client.persistence.models import PrintJob
from tests.conftest import make_config


@pytest.fixture
def open_with(tmp_path: Path):
    """``open_with(**printer_settings)`` -> a terminal; queues built by the test are stopped after."""
    opened, queues = [], []

    def open_(**printer) -> object:
        term = open_terminal(make_config(tmp_path, printer=printer), clock=FakeClock())
        opened.append(term)
        return term

    open_.queues = queues
    yield open_
    for q in queues:
        shutdown_print_queue(q)
    for term in opened:
        term.close()


def build(open_with, **printer) -> PrintQueue:
    queue = build_print_queue(open_with(**printer), retry_interval=0.2, timeout=1.0)
    assert queue is not None
    open_with.queues.append(queue)
    return queue


def receipt(text: str):
    return DocumentBuilder().text(text).cut().build()


def test_kind_none_builds_no_queue(open_with) -> None:
    terminal = open_with(kind="none")
    assert build_print_queue(terminal) is None
    assert "not printed" in describe_printer(terminal.config)


def test_dummy_prints_through_the_queue_and_keeps_the_bytes(open_with) -> None:
    queue = build(open_with, kind="dummy", paper_mm=58)
    job_id = queue.submit("sale", receipt("DUMMY-RECEIPT 收银"), title="sale R1")
    assert queue.wait_idle(5)
    info = queue.job(job_id)
    assert (info.state, info.attempts) == (PRINTED, 1)
    sink = queue.printer_factory().printer  # the dummy's shared in-memory sink
    assert sink.output.count(b"DUMMY-RECEIPT") == 1
    assert "收银".encode("gbk") in sink.output
    assert queue.profile.paper_mm == 58 and queue.profile.columns == 32


def test_network_printer_from_config_gets_the_job(open_with) -> None:
    with FakeNetworkPrinter(lifetime=15) as fake:
        queue = build(open_with, kind="network", host="127.0.0.1", port=fake.port)
        job_id = queue.submit("sale", receipt("NET-RECEIPT-1"))
        assert queue.wait_idle(5)
        assert queue.job(job_id).state == PRINTED
        assert fake.received.count(b"NET-RECEIPT-1") == 1


def test_file_printer_writes_the_device_file(open_with, tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    device.write_bytes(b"")
    queue = build(open_with, kind="file", device=str(device))
    queue.submit("sale", receipt("FILE-RECEIPT"))
    assert queue.wait_idle(5)
    deadline = time.monotonic() + 3
    while b"FILE-RECEIPT" not in device.read_bytes() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert device.read_bytes().count(b"FILE-RECEIPT") == 1


@pytest.mark.parametrize(("printer", "expected"), [
    ({"kind": "network"}, "printer.host is empty"),
    ({"kind": "file"}, "printer.device is empty"),
    ({"kind": "serial", "device": "/dev/ttyS0"}, "serial"),
    ({"kind": "usb", "usb_vendor_id": 0x04B8, "usb_product_id": 0x0202}, "usb"),
    ({"kind": "dummy", "profile": "NO-SUCH-PRINTER"}, "unknown printer profile 'NO-SUCH-PRINTER'"),
    ({"kind": "dummy", "encoding": "cp_nonsense"}, "unknown encoding"),
    ({"kind": "dummy", "profile": "TM-T88V", "encoding": "koi8-r"}, "not supported by profile TM-T88V"),
])
def test_bad_settings_fail_with_a_clear_config_error(open_with, printer, expected) -> None:
    terminal = open_with(**printer)
    with pytest.raises(ConfigError) as caught:
        build_print_queue(terminal)
    assert expected.lower() in caught.value.problem.lower()  # the problem, not the file path
    assert caught.value.problem.startswith("printer settings: ")
    assert str(terminal.config.path) in str(caught.value)


def test_unreachable_network_printer_does_not_fail_the_start_the_job_waits(open_with) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here after the with-block
    queue = build(open_with, kind="network", host="127.0.0.1", port=port)
    job_id = queue.submit("sale", receipt("WAITS"))
    deadline = time.monotonic() + 5
    while queue.job(job_id).state == QUEUED and time.monotonic() < deadline:
        time.sleep(0.02)
    info = queue.job(job_id)
    assert info.state == "held" and info.last_error


def test_a_job_caught_mid_send_is_uncertain_after_restart_and_not_resent(open_with) -> None:
    terminal = open_with(kind="dummy")
    first = build_print_queue(terminal, start=False)
    job_id = first.submit("sale", receipt("CRASHED-MID-SEND"))
    with terminal.db.transaction() as s:  # what a kill -9 during the send leaves behind
        s.execute(update(PrintJob).where(PrintJob.id == job_id).values(state=SENDING, attempts=1))
    queue = build_print_queue(terminal, retry_interval=0.2)
    open_with.queues.append(queue)
    assert queue.recovered == [job_id]
    later = queue.submit("sale", receipt("AFTER-RESTART"))
    assert queue.wait_idle(5)
    output = queue.printer_factory().printer.output
    assert b"CRASHED-MID-SEND" not in output and output.count(b"AFTER-RESTART") == 1
    assert queue.job(job_id).state == UNCERTAIN and queue.job(later).state == PRINTED


def test_shutdown_stops_the_worker_and_leaves_new_jobs_stored(open_with) -> None:
    terminal = open_with(kind="dummy")
    queue = build_print_queue(terminal)
    shutdown_print_queue(queue)
    shutdown_print_queue(None)  # no printer configured: nothing to stop
    job_id = queue.submit("sale", receipt("AFTER-STOP"))
    time.sleep(0.3)
    with terminal.db.read() as s:
        assert s.scalar(select(PrintJob.state).where(PrintJob.id == job_id)) == QUEUED
    assert b"AFTER-STOP" not in queue.printer_factory().printer.output


def test_describe_names_where_and_how(open_with) -> None:
    config = open_with(kind="network", host="10.0.0.7", port=9101, paper_mm=58, drawer_pin=5).config
    text = describe_printer(config)
    for part in ("network", "10.0.0.7:9101", "TM-T88V", "58 mm", "gb18030", "drawer pin 5"):
        assert part in text
