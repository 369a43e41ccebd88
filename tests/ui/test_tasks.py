"""The task manager: work off the UI thread, results and errors back on it, db work in order."""

from __future__ import annotations

import threading
import time

import pytest

from store_client.ui.tasks import TaskManager


@pytest.fixture
def tasks(qapp):  # type: ignore[no-untyped-def]
    manager = TaskManager()
    yield manager
    manager.shutdown(wait=True)


def test_results_come_back_on_the_gui_thread(tasks, qtbot) -> None:
    worker: list[threading.Thread] = []
    delivered: list[tuple[int, threading.Thread]] = []

    def work() -> int:
        worker.append(threading.current_thread())
        return 41 + 1

    tasks.run(work, lambda v: delivered.append((v, threading.current_thread())))
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=5000)
    assert worker[0] is not threading.main_thread()
    assert delivered == [(42, threading.main_thread())]


def test_errors_go_to_on_error_not_on_done(tasks, qtbot) -> None:
    done: list[object] = []
    failed: list[BaseException] = []

    def boom() -> None:
        raise ValueError("bad scan")

    tasks.run_db(boom, done.append, failed.append)
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=5000)
    assert done == [] and [str(e) for e in failed] == ["bad scan"]
    assert threading.current_thread() is threading.main_thread()


def test_database_work_runs_one_at_a_time_in_submission_order(tasks, qtbot) -> None:
    running = 0
    overlap = False
    order: list[int] = []
    lock = threading.Lock()

    def job(n: int):  # type: ignore[no-untyped-def]
        def run() -> int:
            nonlocal running, overlap
            with lock:
                running += 1
                overlap = overlap or running > 1
            time.sleep(0.01)
            with lock:
                running -= 1
            order.append(n)
            return n
        return run

    results: list[int] = []
    for n in range(8):
        tasks.run_db(job(n), results.append)
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=5000)
    assert not overlap
    assert order == list(range(8)) and results == list(range(8))


def test_the_ui_thread_is_not_blocked_by_slow_work(tasks, qtbot) -> None:
    release = threading.Event()
    tasks.run_db(lambda: release.wait(5))
    started = time.monotonic()
    qtbot.wait(50)  # the event loop keeps turning while the job waits
    assert time.monotonic() - started < 1.0
    release.set()
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=5000)


def test_no_work_accepted_after_shutdown(qapp) -> None:
    manager = TaskManager()
    manager.shutdown(wait=True)
    with pytest.raises(RuntimeError):
        manager.run(lambda: 1)
