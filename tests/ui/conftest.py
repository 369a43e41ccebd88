"""UI fixtures: a real demo store on a temp folder, the main window on it, offscreen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from store_client import config as cfg
from store_client.bootstrap import Terminal, build_services, open_terminal
from store_client.clock import FakeClock
from store_client.demo.operators import DEMO_OPERATORS
from store_client.ui.app import setup_application, teardown
from store_client.ui.main_window import MainWindow
from store_client.ui.tasks import TaskManager

SMALL_STORE_SKUS = 300


def demo_operator(role: str):  # type: ignore[no-untyped-def]
    """The first demo operator with ``role``."""
    return next(op for op in DEMO_OPERATORS if op.role == role)


def wrong_pin_for(pin: str) -> str:
    """A PIN of the same length that differs in every digit."""
    return "".join(str((int(d) + 1) % 10) for d in pin)


@pytest.fixture
def demo_store(tmp_path: Path, fast_pins: None) -> Path:
    """Config file of a small, freshly generated demo store."""
    from store_client.demo.store import create_demo_store

    return create_demo_store(tmp_path / "store", skus=SMALL_STORE_SKUS)


@dataclass
class Shell:
    window: MainWindow
    tasks: TaskManager
    terminal: Terminal
    qtbot: object

    def settle(self, timeout: int = 10_000) -> None:
        """Wait until every background task has delivered its result."""
        self.qtbot.waitUntil(lambda: self.tasks.pending == 0, timeout=timeout)

    def sign_in(self, operator_id: str, pin: str) -> None:
        """Type into the real form and press Enter, as a cashier would."""
        login = self.window.login
        login.operator_id.clear()
        login.pin.clear()
        self.qtbot.keyClicks(login.operator_id, operator_id)
        self.qtbot.keyClicks(login.pin, pin)
        self.qtbot.keyClick(login.pin, Qt.Key.Key_Return)
        self.settle()

    def audit_actions(self) -> list[str]:
        from store_client.services.audit import AuditLog

        return [row.action for row in reversed(AuditLog(FakeClock()).recent(self.terminal.db, 1000))]


@pytest.fixture
def make_shell(qtbot, demo_store: Path, clock: FakeClock) -> Iterator[Callable[..., Shell]]:  # type: ignore[no-untyped-def]
    """``make_shell(locale="en", idle_ms=None, demo=True)`` -> a shown main window."""
    made: list[tuple[Shell, object]] = []

    def make(locale: str = "en", idle_ms: int | None = None, demo: bool = True) -> Shell:
        base = cfg.load(demo_store)
        values = dict(base.values)
        values["ui.locale"] = locale
        values["demo.enabled"] = demo
        # the first shell holds the one-instance lock; a second one in a test shares the store
        terminal = open_terminal(cfg.Config(path=base.path, values=values), clock=clock,
                                 exclusive=not made)
        runtime = setup_application(locale)
        tasks = TaskManager()
        window = MainWindow(terminal=terminal, services=build_services(terminal), tasks=tasks,
                            demo_operators=list(DEMO_OPERATORS), idle_ms=idle_ms)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        shell = Shell(window, tasks, terminal, qtbot)
        made.append((shell, runtime))
        return shell

    yield make
    for shell, runtime in made:
        shell.window.shutdown()
        shell.tasks.shutdown(wait=True)
        shell.window.close()
        QApplication.processEvents()
        teardown(runtime)
        shell.terminal.close()


@pytest.fixture
def tasks() -> Iterator[TaskManager]:
    """A task manager for a screen tested alone (shut down after the test)."""
    manager = TaskManager()
    yield manager
    manager.shutdown()


def type_text(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Key events carrying ``text`` (QTest.keyClicks only knows ASCII; this is what an IME sends)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, char))


def backend_for(terminal: Terminal, tasks: TaskManager, services=None):  # type: ignore[no-untyped-def]
    """The operations layer's backend on ``terminal`` (the services built if not given)."""
    from store_client.ui.operations import Backend

    return Backend.create(terminal=terminal, services=services or build_services(terminal),
                          tasks=tasks)


def screen_context(terminal: Terminal, tasks: TaskManager, actor, locale: str = "en",  # type: ignore[no-untyped-def]
                   services=None):
    """What the main window gives a screen at sign-in, for a screen built on its own."""
    from store_client.ui.operations import Operations
    from store_client.ui.screen_registry import ScreenContext

    ops = Operations(backend_for(terminal, tasks, services), actor)
    return ScreenContext(ops=ops, actor=actor, locale=locale, config=terminal.config)


def printing_for(terminal: Terminal, tasks: TaskManager, queue, actor=None):  # type: ignore[no-untyped-def]
    """(PrintingOps on ``queue``, the hub its changes go to): what the banner and screen take."""
    from store_client.ui.operations.printing import PrintingOps

    backend = backend_for(terminal, tasks)
    return PrintingOps(backend, actor, queue), backend.runner.hub


def close_demo_shift(shell) -> None:  # type: ignore[no-untyped-def]
    """The demo store opens with a shift; a test that opens one by keys closes it first
    (set-up: the drawer holds exactly its float, so the close balances)."""
    services = shell.window.services
    current = services.shifts.current()
    if current is None:
        return
    op = demo_operator("manager")
    actor = services.auth.login(op.id, op.pin)
    services.shifts.close_shift(actor, total_fen=current.opening_float_fen, confirm_unsynced=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """UI tests wait on paints and timers with short budgets: they run with the serial tests,
    never beside parallel workers competing for the CPU (scripts/dev.sh test)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.serial)
