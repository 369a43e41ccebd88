"""The op runner and the change hub on their own: threads, liveness, busy widgets, errors,
what changed, approval only when the op names who asks."""

from __future__ import annotations

import logging
import threading

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from store_client.services.errors import ApprovalRequired, InvalidInput
from store_client.ui.operations import NOTHING, ChangeHub, Changes, OpRunner, alive
from store_client.ui.tasks import TaskManager


@pytest.fixture
def runner(qapp):  # type: ignore[no-untyped-def]
    tasks = TaskManager()
    yield OpRunner(tasks, ChangeHub())
    tasks.shutdown(wait=True)


def settle(qtbot, runner: OpRunner) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=5000)


def heard(hub: ChangeHub) -> list[tuple[Changes, object]]:
    seen: list[tuple[Changes, object]] = []
    hub.changed.connect(lambda changes, who: seen.append((changes, who)))
    return seen


def test_changes_combine_and_are_false_when_empty() -> None:
    both = Changes(cart=True) | Changes(print_queue=True)
    assert both == Changes(cart=True, print_queue=True) and both.cart and not both.shift
    assert not NOTHING and not (NOTHING | NOTHING) and bool(Changes(audit=True))


def test_work_runs_off_the_gui_thread_and_the_result_and_changes_come_back_on_it(runner, qtbot) -> None:
    owner = QWidget()
    seen = heard(runner.hub)
    where: list[threading.Thread] = []
    got: list[tuple[int, threading.Thread]] = []
    runner.op(lambda grant: where.append(threading.current_thread()) or 7,
              changes=lambda n: Changes(cart=n == 7)).run(
        owner, success=lambda n: got.append((n, threading.current_thread())))
    settle(qtbot, runner)
    assert where[0] is not threading.main_thread()
    assert got == [(7, threading.main_thread())]
    assert seen == [(Changes(cart=True), owner)]  # after success, naming who made it


def test_a_deleted_caller_gets_no_callback_but_the_change_is_still_announced(runner, qtbot) -> None:
    owner = QWidget()
    gate = threading.Event()
    seen = heard(runner.hub)
    called: list[str] = []
    runner.op(lambda grant: gate.wait(5) and "done", changes=Changes(sale=True)).run(
        owner, success=lambda _r: called.append("success"), failure=lambda _e: called.append("failure"))
    owner.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert not alive(owner)
    gate.set()
    settle(qtbot, runner)
    assert called == [] and seen == [(Changes(sale=True), None)]


def test_busy_widgets_are_off_while_the_op_runs_and_on_before_the_callback(runner, qtbot) -> None:
    owner = QWidget()
    button = QPushButton(owner)
    gate = threading.Event()
    during: list[bool] = []
    runner.op(lambda grant: gate.wait(5)).run(owner, busy=(button,),
                                              success=lambda _r: during.append(button.isEnabled()))
    assert not button.isEnabled()
    gate.set()
    settle(qtbot, runner)
    assert during == [True] and button.isEnabled()


def test_errors_reach_failure_and_only_unexpected_ones_are_logged(runner, qtbot, caplog) -> None:
    owner = QWidget()
    errors: list[BaseException] = []

    def crash(_grant: object) -> None:
        raise KeyError("bug")

    def refuse(_grant: object) -> None:
        raise InvalidInput("quantity", "bad quantity", code="cart.quantity_not_positive")

    with caplog.at_level(logging.ERROR):
        runner.op(crash).run(owner, failure=errors.append)
        runner.op(refuse).run(owner, failure=errors.append)
        settle(qtbot, runner)
    assert [type(e) for e in errors] == [KeyError, InvalidInput]
    logged = [r.exc_info[1] for r in caplog.records if r.exc_info and r.exc_info[1] in errors]
    assert logged == [errors[0]]  # the bug, once; the refusal is the screen's to show


def test_an_approval_is_not_asked_when_the_op_names_no_requester(runner, qtbot) -> None:
    owner = QWidget()
    errors: list[BaseException] = []
    dialogs: list[object] = []
    runner.op(lambda grant: (_ for _ in ()).throw(ApprovalRequired("sale.void_line", "needs a manager"))).run(
        owner, failure=errors.append, on_dialog=dialogs.append)
    settle(qtbot, runner)
    assert dialogs == [] and isinstance(errors[0], ApprovalRequired)


def test_a_background_source_announces_once_per_source_and_on_the_gui_thread(runner, qtbot) -> None:
    listeners: list = []
    source = QObject()
    hub = runner.hub
    seen = heard(hub)
    where: list[threading.Thread] = []
    hub.changed.connect(lambda *_a: where.append(threading.current_thread()))
    hub.listen(source, listeners.append, Changes(print_queue=True))
    hub.listen(source, listeners.append, Changes(print_queue=True))  # the same source again
    assert len(listeners) == 1
    worker = threading.Thread(target=lambda: listeners[0]("job printed"))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == [(Changes(print_queue=True), None)] and where == [threading.main_thread()]


def test_a_deleted_hub_drops_a_sources_events_without_touching_qt(qapp) -> None:
    listeners: list = []
    hub = ChangeHub()
    hub.listen(object(), listeners.append, Changes(print_queue=True))
    hub.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    worker = threading.Thread(target=lambda: listeners[0]("event"))
    worker.start()
    worker.join()  # no RuntimeError on the worker thread
