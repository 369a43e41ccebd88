"""The print-status banner against a fake network printer that goes silent, runs out of paper or drops."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QWidget
from pytestqt.exceptions import TimeoutError as QtWaitTimeout

from printers.connectors import ConnectorSettings, connection_factory
from printers.document import DocumentBuilder
from tools.fake_network_printer import FakeNetworkPrinter
from printers.profile import PrinterProfile
from printers.queue import PrintQueue
from store_client.ui.automation import unnamed_interactive
from store_client.ui.print_banner import PrintBanner
from store_client.ui.operations.printing import PrintingOps
from store_client.ui.tasks import TaskManager
from tests.ui.conftest import printing_for

PROFILE = PrinterProfile("TM-T88V", 80, "gb18030")


def receipt(tag: str):
    return DocumentBuilder().text(tag).cut().build()


def big_job(tag: str) -> bytes:
    """More than any socket buffer holds: a printer that stops reading breaks it mid-stream."""
    return tag.encode() + b"\n" + b"x" * 8_000_000


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Target:
    """Connection factory whose printer address the test changes (printer unplugged / back)."""

    def __init__(self, port: int) -> None:
        self.port = port

    def __call__(self):
        return connection_factory(ConnectorSettings("network", "TM-T88V", "127.0.0.1", self.port,
                                                    timeout=1.0))()


@pytest.fixture
def fake():
    with FakeNetworkPrinter(lifetime=30) as printer:
        yield printer


@pytest.fixture
def rig(terminal, fake, qtbot):
    """(queue, tasks, banner): the worker's own auto-retry is slow, so only the banner's Retry helps."""
    target = Target(fake.port)
    queue = PrintQueue(terminal.db, target, terminal.clock, profile=PROFILE, retry_interval=30)
    queue.target = target
    tasks = TaskManager()
    banner = PrintBanner(*printing_for(terminal, tasks, queue))
    qtbot.addWidget(banner)
    banner.show()
    queue.start()
    yield queue, tasks, banner
    queue.stop()
    tasks.shutdown(wait=True)


def wait_shown(qtbot, banner, visible: bool, timeout: int = 8000) -> None:
    try:
        qtbot.waitUntil(lambda: banner.state is not None and banner.state.visible == visible
                        and banner.isVisible() == visible and not banner._busy, timeout=timeout)
    except QtWaitTimeout as exc:
        raise AssertionError(f"banner state {banner.state}, busy {banner._busy}, "
                             f"detail {banner.detail.text()!r}") from exc


@pytest.mark.serial  # waits on real retry timers
def test_unreachable_printer_shows_offline_and_retry_prints_once(rig, fake, qtbot) -> None:
    queue, _tasks, banner = rig
    wait_shown(qtbot, banner, False)
    queue.target.port = free_port()  # printer switched off: nothing answers
    job_id = queue.submit("sale", receipt("SILENT-1"), title="sale R-0001")
    wait_shown(qtbot, banner, True)
    assert banner.message.text() == "Printer offline"
    assert "R-0001" in banner.detail.text() and str(job_id) in banner.detail.text()
    assert queue.job(job_id).state == "held"
    assert banner.retry_button.isEnabled() and banner.cancel_button.isEnabled()
    queue.target.port = fake.port  # back on
    qtbot.mouseClick(banner.retry_button, Qt.MouseButton.LeftButton)
    wait_shown(qtbot, banner, False)  # queued again: nothing for a person to do
    assert queue.wait_idle(5) and queue.job(job_id).state == "printed"
    assert fake.received.count(b"SILENT-1") == 1


def test_paper_out_shows_and_cancel_drops_the_job(rig, fake, qtbot) -> None:
    queue, _tasks, banner = rig
    fake.mode = "paper_out"
    job_id = queue.submit("sale", receipt("NO-PAPER"))
    wait_shown(qtbot, banner, True)
    assert banner.message.text() == "Printer out of paper"
    assert banner.property("tone") == "error"
    qtbot.mouseClick(banner.cancel_button, Qt.MouseButton.LeftButton)
    wait_shown(qtbot, banner, False)
    assert queue.job(job_id).state == "cancelled"
    fake.mode = "ok"
    later = queue.submit("sale", receipt("NEXT-ONE"))
    assert queue.wait_idle(5)
    assert queue.job(later).state == "printed"
    assert b"NO-PAPER" not in fake.received and fake.received.count(b"NEXT-ONE") == 1


@pytest.mark.parametrize("mode", ["silent", "drop"])
def test_printer_going_silent_mid_job_is_uncertain_and_offers_print_again(rig, fake, qtbot, mode) -> None:
    queue, _tasks, banner = rig
    fake.mode = mode
    job_id = queue.submit("sale", big_job("HALF-PRINTED"))
    wait_shown(qtbot, banner, True)
    assert queue.job(job_id).state == "uncertain"
    assert banner.message.text().startswith("Print result uncertain")
    assert banner.retry_button.text() == "Print again"
    assert banner.cancel_button.text() == "Do not print again"
    fake.mode = "ok"
    qtbot.mouseClick(banner.retry_button, Qt.MouseButton.LeftButton)
    wait_shown(qtbot, banner, False)  # queued again: nothing for a person to do
    assert queue.wait_idle(15)
    assert queue.job(job_id).state == "printed"
    assert fake.received.count(b"HALF-PRINTED") == (2 if mode == "drop" else 1)


def test_updates_arrive_on_the_ui_thread(rig, fake, qtbot) -> None:
    queue, _tasks, banner = rig
    threads: list[threading.Thread] = []
    banner.ops._backend.runner.hub.changed.connect(
        lambda changes, _who: threads.append(threading.current_thread()) if changes.print_queue else None)
    fake.mode = "paper_out"
    queue.submit("sale", receipt("THREADS"))
    wait_shown(qtbot, banner, True)
    assert threads and all(t is threading.main_thread() for t in threads)


def test_actions_follow_the_window_sign_in_and_screens(terminal, qtbot) -> None:
    class Window(QMainWindow):
        def __init__(self) -> None:
            super().__init__()
            self.actor = None
            self.screens: dict[str, QWidget] = {}
            self.opened: list[str] = []

        def open_screen(self, key: str) -> None:
            self.opened.append(key)

    from printers.queue import HELD
    from store_client.persistence.models import PrintJob

    with terminal.db.transaction() as s:  # a held job, as a dead printer leaves it
        s.add(PrintJob(kind="sale", title="held one", payload=b"x", trailer=b"", preview_text="",
                       state=HELD, attempts=1, printer_status="offline", created_at="2026-01-01T00:00:00Z",
                       updated_at="2026-01-01T00:00:00Z", last_error="printer offline"))
    queue = PrintQueue(terminal.db, lambda: None, terminal.clock, profile=PROFILE)  # worker not started
    tasks = TaskManager()
    window = Window()
    qtbot.addWidget(window)
    banner = PrintBanner(*printing_for(terminal, tasks, queue), window)
    window.setMenuWidget(banner)
    window.show()
    try:
        wait_shown(qtbot, banner, True)
        assert not banner.retry_button.isEnabled() and not banner.cancel_button.isEnabled()
        assert banner.open_button.isHidden()  # the signed-in role lacks the printer screen
        window.actor = object()
        window.screens["printJobs"] = QWidget()
        banner.refresh()
        qtbot.waitUntil(lambda: banner.retry_button.isEnabled(), timeout=5000)
        assert not banner.open_button.isHidden()
        qtbot.mouseClick(banner.open_button, Qt.MouseButton.LeftButton)
        assert window.opened == ["printJobs"]
        assert unnamed_interactive(banner) == []
    finally:
        tasks.shutdown(wait=True)


def test_no_printer_means_no_banner(terminal, qtbot) -> None:
    tasks = TaskManager()
    banner = PrintBanner(*printing_for(terminal, tasks, None))
    qtbot.addWidget(banner)
    banner.show()
    banner.hide()
    banner.refresh()
    assert tasks.pending == 0 and banner.state is None
    tasks.shutdown(wait=True)


def insert_held_job(db) -> int:
    from store_client.persistence.models import PrintJob

    with db.transaction() as s:  # a held job, as a switched-off printer leaves it
        job = PrintJob(kind="sale", title="sale R-7", payload=b"x", trailer=b"", preview_text="",
                       state="held", attempts=1, printer_status="paper_out",
                       created_at="2026-01-01T00:00:00Z", updated_at="2026-01-01T00:00:00Z",
                       last_error="printer out of paper")
        s.add(job)
        s.flush()
        return job.id


def test_in_the_real_main_window_in_chinese(make_shell, qtbot) -> None:
    from tests.ui.conftest import demo_operator

    shell = make_shell(locale="zh_CN")
    window = shell.window
    job_id = insert_held_job(shell.terminal.db)
    queue = PrintQueue(shell.terminal.db, lambda: None, shell.terminal.clock, profile=PROFILE)  # not started
    banner = PrintBanner(PrintingOps(window.backend, None, queue), window.hub, window)
    window.setMenuWidget(banner)  # the one line the integrator adds
    wait_shown(qtbot, banner, True)
    assert banner.message.text() == "打印机缺纸"
    assert banner.detail.text().startswith(f"任务 {job_id}：sale R-7 · 1 个任务等待中")
    assert not banner.retry_button.isEnabled()  # signed out: nobody to act
    cashier = demo_operator("cashier")
    shell.sign_in(cashier.id, cashier.pin)
    qtbot.waitUntil(banner.retry_button.isEnabled, timeout=3000)  # no queue event needed
    assert banner.open_button.isHidden()  # a cashier has no printer screen
    window.lock()
    qtbot.waitUntil(lambda: not banner.retry_button.isEnabled(), timeout=3000)  # locked: hands off
    window.sign_out()  # "switch operator" from the lock screen
    manager = demo_operator("manager")
    shell.sign_in(manager.id, manager.pin)
    qtbot.waitUntil(lambda: not banner.open_button.isHidden(), timeout=3000)
    qtbot.mouseClick(banner.open_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.screens["printJobs"]
    qtbot.mouseClick(banner.cancel_button, Qt.MouseButton.LeftButton)
    wait_shown(qtbot, banner, False)
    assert queue.job(job_id).state == "cancelled"
    assert unnamed_interactive(window) == []


def test_an_action_on_a_job_changed_meanwhile_is_refused_and_the_banner_catches_up(terminal, qtbot) -> None:
    job_id = insert_held_job(terminal.db)
    queue = PrintQueue(terminal.db, lambda: None, terminal.clock, profile=PROFILE)  # not started
    tasks = TaskManager()
    banner = PrintBanner(*printing_for(terminal, tasks, queue))
    qtbot.addWidget(banner)
    banner.show()
    try:
        wait_shown(qtbot, banner, True)
        other = PrintQueue(terminal.db, lambda: None, terminal.clock)  # e.g. the printer screen
        other.cancel(job_id)  # no event reaches this banner's queue
        qtbot.mouseClick(banner.retry_button, Qt.MouseButton.LeftButton)
        wait_shown(qtbot, banner, False)
        assert queue.job(job_id).state == "cancelled"  # the retry did not revive it
    finally:
        tasks.shutdown(wait=True)


def test_a_closed_banner_stops_listening_and_the_worker_does_not_stumble(terminal, fake, qtbot, caplog) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from store_client.ui.operations import alive

    queue = PrintQueue(terminal.db, Target(fake.port), terminal.clock, profile=PROFILE)
    tasks = TaskManager()
    banner = PrintBanner(*printing_for(terminal, tasks, queue))
    qtbot.waitUntil(lambda: tasks.pending == 0)
    banner.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)  # deleted now
    assert not alive(banner)
    queue.start()
    try:
        job_id = queue.submit("sale", receipt("AFTER-CLOSE"))
        assert queue.wait_idle(5) and queue.job(job_id).state == "printed"
        QApplication.processEvents()
        assert "listener failed" not in caplog.text
        assert tasks.pending == 0  # nothing was asked of the task manager after the close
    finally:
        queue.stop()
        tasks.shutdown(wait=True)
