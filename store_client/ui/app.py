"""QApplication set-up (fonts, theme, translations) and the running shell."""

from __future__ import annotations

import faulthandler
import gc
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMessageLogContext, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QWidget

from store_client import heap
from store_client.ui.fonts import apply_app_font, load_bundled_fonts
from store_client.ui.i18n import Translations
from store_client.ui.theme import apply_theme

if TYPE_CHECKING:
    from printers.queue import PrintQueue
    from store_client.bootstrap import Terminal
    from store_client.demo.operators import DemoOperator
    from store_client.ui.main_window import MainWindow

APP_NAME = "store-client"
SCREENS_WAIT_S = 10.0  # the print queue is built after the screens' import, or after this
log = logging.getLogger(__name__)


@dataclass
class UiRuntime:
    app: QApplication
    translations: Translations
    font_family: str


#: Qt messages that say nothing to a user (the offscreen platform cannot size real windows).
QUIET_MESSAGES = ("This plugin does not support propagateSizeHints()",)


def _qt_message(_kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    if message not in QUIET_MESSAGES:
        print(message, file=sys.stderr)


def ensure_platform(offscreen: bool) -> None:
    """Headless runs (tour, CI, no $DISPLAY) use Qt's offscreen platform."""
    if offscreen or (sys.platform.startswith("linux") and not os.environ.get("DISPLAY")
                     and not os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen" and QApplication.instance() is None:
        qInstallMessageHandler(_qt_message)  # not inside a host app (pytest-qt has its own)


def setup_application(locale: str, argv: list[str] | None = None) -> UiRuntime:
    """Create (or reuse) the QApplication and give it the fonts, theme and language."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("Store client")
    family = load_bundled_fonts()
    apply_app_font(app, family)
    apply_theme(app)
    translations = Translations(locale).install(app)
    return UiRuntime(app=app, translations=translations, font_family=family)


def teardown(runtime: UiRuntime) -> None:
    runtime.translations.remove(runtime.app)


def _check_setup(window: Any) -> None:
    """An unprovisioned till says on its sign-in window what is missing (checked off the UI
    thread: it reads the database and the token store)."""
    window.session.missing_setup().run(
        window.login, success=window.login.show_setup_notice,
        failure=lambda exc: log.warning("setup check failed: %s", exc))


def run_shell(terminal: Terminal, *, exit_when_ready: bool = False, started_at: float | None = None,
              demo_operators: list[DemoOperator] | None = None) -> int:
    """Show the sign-in window and run the event loop until the window closes."""
    from store_client.bootstrap import build_services
    from store_client.ui.main_window import MainWindow
    from store_client.ui.operations.sync import SyncOps
    from store_client.ui.sync_indicator import SyncIndicator
    from store_client.ui.tasks import TaskManager
    from sync.terminal.session import start_sync

    faulthandler.enable()  # a native crash (Qt, a driver) leaves a Python traceback on stderr
    heap.limit_arenas()  # before any worker thread allocates (store_client/heap.py)
    ensure_platform(offscreen=False)
    runtime = setup_application(terminal.config.locale)
    tasks = TaskManager()
    # The print queue (escpos, imaging) is built off the UI thread; its worker then resumes
    # any job left waiting before the last stop. The checkout asks for it on first use.
    # It waits for the screens' import (below): both compete with the sign-in window for
    # the interpreter, and the screens are what signing in needs first.
    screens_loaded = threading.Event()
    queue_future = tasks.run(
        lambda: (screens_loaded.wait(SCREENS_WAIT_S), _build_print_queue(terminal))[1])
    sync = start_sync(terminal)  # a background thread; None when HQ is not configured
    payments = None
    if terminal.config.demo and sync.runner is not None:
        from store_client.services.payments import SimulatorAdapter

        runner = sync.runner  # the simulated provider is unreachable whenever HQ is
        payments = SimulatorAdapter(online=lambda: runner.phase != "offline")
    services = build_services(terminal, print_queue=lambda: _print_queue(queue_future),
                              payments=payments)
    services.sync_runner = sync.runner
    if sync.problem:
        print(f"store-client: working offline: {sync.problem}", file=sys.stderr)
    window = MainWindow(terminal=terminal, services=services, tasks=tasks,
                        demo_operators=demo_operators)
    queue_future.add_done_callback(
        lambda _f: QTimer.singleShot(0, window, lambda: _attach_print_banner(window, queue_future)))
    indicator = SyncIndicator(window.status, SyncOps(window.backend, None), window.hub, sync.problem)
    _check_setup(window)
    show_window(window, fullscreen=terminal.config["ui.fullscreen"])
    # The screens (checkout, pricing, sync, printing UI) are not needed to sign in:
    # import them off the UI thread while the cashier types their id and PIN.
    from store_client.ui.screen_registry import load_builtin_screens

    def load_screens() -> None:
        try:
            load_builtin_screens()
        finally:
            screens_loaded.set()

    def settle_later(_result: object = None) -> None:
        QTimer.singleShot(SETTLE_DELAY_MS, window, _settle_start_up)

    if exit_when_ready:
        from store_client.ui.ready_probe import ReadyProbe

        def ready() -> None:
            elapsed = time.perf_counter() - (started_at or 0.0)
            print(f"ready {elapsed:.3f}", flush=True)
            runtime.app.quit()

        ReadyProbe(window.login.pin, tasks, load_screens, ready)
    else:
        tasks.run(load_screens, settle_later)
    try:
        return runtime.app.exec()
    finally:
        indicator.stop()
        if sync.runner is not None:
            sync.runner.stop()
        window.shutdown()
        from printers.setup import shutdown_print_queue

        shutdown_print_queue(_print_queue(queue_future))
        tasks.shutdown(wait=True)
        window.deleteLater()
        teardown(runtime)


SETTLE_DELAY_MS = 200


def _settle_start_up() -> None:
    """Once the sign-in window is up and the screens are imported: move the start-up objects
    (every module, the window) out of the cyclic collector's way, so a full collection never
    stalls a scan (measured 60+ ms), and hand the start-up burst's free pages back. Done after
    the window paints, off its path: the one ~50 ms collection lands while a PIN is typed.
    On the GUI thread: a collection may free Qt objects, whose destructors must run there (a
    collection on a worker thread crashed the process at exit)."""
    gc.collect()
    gc.freeze()
    heap.release_free_heap()


#: The window's size on a screen with room for it; a smaller screen gets its whole work area.
PREFERRED_SIZE = (1280, 800)


def show_window(window: QWidget, *, fullscreen: bool) -> None:
    """Full screen at the counter (``ui.fullscreen``, the kiosk setting); otherwise a window
    that fits the screen's work area (never below the task bar), maximized when it is small."""
    if fullscreen:
        window.showFullScreen()
        return
    screen = window.screen() or QApplication.primaryScreen()
    area = screen.availableGeometry() if screen is not None else None
    width, height = PREFERRED_SIZE
    if area is not None and (area.width() < width + 40 or area.height() < height + 60):
        window.showMaximized()  # a 1366×768 or 1024×768 panel: all of it (the status bar stays)
        return
    window.resize(width, height)
    if area is not None:
        window.move(area.center() - window.rect().center())
    window.show()


def _build_print_queue(terminal: Terminal) -> PrintQueue | None:
    from printers.setup import build_print_queue

    return build_print_queue(terminal)


def _print_queue(future: Future[PrintQueue | None]) -> PrintQueue | None:
    """The started queue, or None when there is no printer or its settings are wrong."""
    try:
        return future.result()
    except Exception:  # noqa: BLE001 - the reason is shown by _attach_print_banner
        return None


def _attach_print_banner(window: MainWindow, future: Future[PrintQueue | None]) -> None:
    """On the UI thread once the queue is built: the banner, or the reason there is none."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMessageBox

    from store_client.ui.operations.printing import PrintingOps
    from store_client.ui.print_banner import PrintBanner

    try:
        queue = future.result()
    except Exception as exc:  # noqa: BLE001 - e.g. ConfigError: a printer setting is wrong
        print(f"store-client: printing is off: {exc}", file=sys.stderr)
        text = QCoreApplication.translate("PrintSetup", "Printing is off: %1")
        box = QMessageBox(QMessageBox.Icon.Critical,
                          QCoreApplication.translate("PrintSetup", "Printer"),
                          text.replace("%1", str(exc)), QMessageBox.StandardButton.Ok, window)
        box.setObjectName("printer.configError")
        box.setAccessibleName(QCoreApplication.translate("PrintSetup", "Printer settings error"))
        box.show()  # not modal: the till still works, store IT fixes the setting
        return
    banner = PrintBanner(PrintingOps(window.backend, None, queue), window.hub, window)
    window.setMenuWidget(banner)  # hidden unless printing needs help
