"""The Printer screen: jobs listed, retry / cancel, reprint with preview and confirmation, test page."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt

from printers.document import DocumentBuilder
from tools.fake_network_printer import FakeNetworkPrinter
from printers.queue import PrintQueue
from printers.setup import build_print_queue, shutdown_print_queue
from store_client.bootstrap import build_services, open_terminal
from store_client.clock import FakeClock
from store_client.services.audit import AuditLog
from store_client.ui.automation import unnamed_interactive
from store_client.ui.screen_registry import registered
from store_client.ui.screens.print_jobs import PrintJobsScreen, create_print_jobs_screen
from store_client.ui.tasks import TaskManager
from tests.conftest import make_config
from tests.ui.conftest import printing_for, screen_context
from tests.ui.test_print_banner import PROFILE, Target, free_port


@dataclass
class Actor:
    operator_id: str = "M01"
    name: str = "王经理"
    role: str = "manager"


def receipt(tag: str):
    return DocumentBuilder().text(tag).text("合计 ￥12.30").cut().build()


@pytest.fixture
def fake():
    with FakeNetworkPrinter(lifetime=30) as printer:
        yield printer


@pytest.fixture
def rig(terminal, fake, qtbot):
    """(queue, screen, target): a shown screen on a queue printing to the fake printer."""
    target = Target(fake.port)
    queue = PrintQueue(terminal.db, target, terminal.clock, profile=PROFILE, retry_interval=30)
    tasks = TaskManager()
    screen = PrintJobsScreen(*printing_for(terminal, tasks, queue, Actor()),
                             printer_text="network 127.0.0.1 profile TM-T88V")
    qtbot.addWidget(screen)
    screen.show()
    queue.start()
    yield queue, screen, target
    queue.stop()
    tasks.shutdown(wait=True)


def rows(screen) -> dict[int, list[str]]:
    table = screen.table
    return {int(table.item(r, 0).text()): [table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())}


def settle(qtbot, screen, predicate, timeout: int = 8000) -> None:
    def ok() -> bool:
        if not screen._busy:
            screen.refresh()
        return predicate()

    qtbot.waitUntil(ok, timeout=timeout)


def test_lists_jobs_newest_first_with_their_facts(rig, qtbot) -> None:
    queue, screen, _target = rig
    ids = [queue.submit("sale", receipt(f"LIST-{i}"), title=f"sale R-{i}") for i in range(3)]
    assert queue.wait_idle(5)
    settle(qtbot, screen, lambda: len(rows(screen)) == 3 and all(r[3] == "printed" for r in rows(screen).values()))
    table = rows(screen)
    assert [int(screen.table.item(r, 0).text()) for r in range(3)] == sorted(ids, reverse=True)
    for i, job_id in enumerate(ids):
        no, kind, title, state, attempts, status, error, created, printed = table[job_id]
        assert (no, state) == (str(job_id), "printed")
        assert (kind, title, attempts, error) == ("sale receipt", f"sale R-{i}", "1", "")
        assert status == "ready" and created and printed
    assert "waiting: 0" in screen.summary_label.text()
    assert "127.0.0.1" in screen.printer_label.text()
    assert unnamed_interactive(screen) == []


def test_buttons_follow_the_selected_jobs_state(rig, qtbot) -> None:
    queue, screen, target = rig
    target.port = free_port()
    held = queue.submit("sale", receipt("HELD"))
    settle(qtbot, screen, lambda: rows(screen).get(held, [""] * 4)[3].startswith("held"))
    assert screen.select_job(held)
    assert screen.retry_button.isEnabled() and screen.cancel_button.isEnabled()
    assert not screen.reprint_button.isEnabled()  # it will print: a reprint would print it twice
    screen.table.clearSelection()
    assert not (screen.retry_button.isEnabled() or screen.cancel_button.isEnabled()
                or screen.reprint_button.isEnabled())


def test_retry_after_the_printer_is_back_prints_once_and_cancel_never_prints(rig, fake, qtbot) -> None:
    queue, screen, target = rig
    target.port = free_port()
    first = queue.submit("sale", receipt("RETRIED"))
    settle(qtbot, screen, lambda: rows(screen).get(first, [""] * 4)[3].startswith("held"))
    assert screen.select_job(first) and screen.retry_button.isEnabled()
    target.port = fake.port
    qtbot.mouseClick(screen.retry_button, Qt.MouseButton.LeftButton)
    settle(qtbot, screen, lambda: rows(screen)[first][3] == "printed")
    assert "queued again" in screen.message.text()
    assert fake.received.count(b"RETRIED") == 1

    target.port = free_port()
    doomed = queue.submit("sale", receipt("CANCELLED"))
    settle(qtbot, screen, lambda: rows(screen).get(doomed, [""] * 4)[3].startswith("held"))
    assert screen.select_job(doomed) and screen.cancel_button.isEnabled()
    qtbot.mouseClick(screen.cancel_button, Qt.MouseButton.LeftButton)
    settle(qtbot, screen, lambda: rows(screen)[doomed][3] == "cancelled")
    target.port = fake.port
    queue.retry_interval = 0.1
    later = queue.submit("sale", receipt("AFTER"))
    assert queue.wait_idle(5) and queue.job(later).state == "printed"
    assert b"CANCELLED" not in fake.received


def test_reprint_shows_the_preview_asks_and_queues_a_marked_copy(rig, fake, qtbot, terminal) -> None:
    queue, screen, _target = rig
    original = queue.submit("sale", DocumentBuilder().text("REPRINT-ME").drawer_kick().build(),
                            title="sale R-9")
    assert queue.wait_idle(5)
    settle(qtbot, screen, lambda: rows(screen).get(original, [""] * 4)[3] == "printed")
    screen.select_job(original)

    qtbot.mouseClick(screen.reprint_button, Qt.MouseButton.LeftButton)  # first: look, then close
    qtbot.waitUntil(lambda: screen.preview is not None and screen.preview.isVisible(), timeout=8000)
    assert screen.preview.image.pixmap().width() > 200
    assert unnamed_interactive(screen.preview) == []
    qtbot.mouseClick(screen.preview.reject_button, Qt.MouseButton.LeftButton)
    assert screen.preview is None
    qtbot.wait(100)
    assert len(queue.jobs()) == 1  # closing the preview prints nothing

    screen.select_job(original)
    qtbot.mouseClick(screen.reprint_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.preview is not None and screen.preview.isVisible(), timeout=8000)
    qtbot.mouseClick(screen.preview.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(queue.jobs()) == 2, timeout=5000)
    copy = next(j for j in queue.jobs() if j.id != original)
    assert copy.reprint_of == original and copy.preview_text.startswith("*** 重印 / REPRINT ***")
    assert queue.wait_idle(5)
    settle(qtbot, screen, lambda: rows(screen).get(copy.id, [""] * 4)[3] == "printed")
    assert f"job {copy.id}" in screen.message.text()
    assert fake.received.count(b"REPRINT-ME") == 2
    assert "重印".encode("gbk") in fake.received
    assert fake.received.count(b"\x1bp") == 1  # the drawer opened for the sale only, not the copy
    audit = AuditLog(terminal.clock).recent(terminal.db, 10, action="print.reprint")
    assert [(a.operator_id, a.target) for a in audit] == [("M01", str(original))]


def test_screen_from_the_registry_prints_the_test_page(tmp_path, qtbot) -> None:
    spec = next(s for s in registered() if s.key == "printJobs")
    assert (spec.permission, spec.order, spec.icon) == ("printer.manage", 38, "printer.svg")
    terminal = open_terminal(make_config(tmp_path, printer={"kind": "dummy"}), clock=FakeClock())
    queue = build_print_queue(terminal, retry_interval=0.2)
    tasks = TaskManager()
    try:
        services = build_services(terminal, print_queue=queue)
        screen = create_print_jobs_screen(screen_context(terminal, tasks, Actor(), services=services))
        qtbot.addWidget(screen)
        screen.show()
        assert "dummy" in screen.printer_label.text() and screen.test_button.isEnabled()
        qtbot.mouseClick(screen.test_button, Qt.MouseButton.LeftButton)
        settle(qtbot, screen, lambda: any(r[1] == "test page" and r[3] == "printed" for r in rows(screen).values()))
        assert b"TM-T88V" in queue.printer_factory().printer.output
    finally:
        shutdown_print_queue(queue)
        tasks.shutdown(wait=True)
        terminal.close()


def test_without_a_printer_the_screen_says_so(terminal, qtbot) -> None:
    tasks = TaskManager()
    screen = PrintJobsScreen(*printing_for(terminal, tasks, None), printer_text="none")
    qtbot.addWidget(screen)
    screen.show()
    assert "No print queue is running" in screen.summary_label.text()
    assert not any(b.isEnabled() for b in (screen.test_button, screen.retry_button,
                                           screen.cancel_button, screen.reprint_button))
    assert tasks.pending == 0
    tasks.shutdown(wait=True)
