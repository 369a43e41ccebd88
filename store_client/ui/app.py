"""QApplication set-up (fonts, theme, translations) and the running shell."""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QMessageLogContext,
    QObject,
    QTimer,
    QtMsgType,
    Signal,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication, QWidget

from store_client import heap
from store_client.ui.fonts import apply_app_font, load_bundled_fonts
from store_client.ui.i18n import Translations
from store_client.ui.theme import apply_theme

if TYPE_CHECKING:
    from printers.queue import PrintQueue
    from store_client.bootstrap import InstanceLock, Terminal
    from store_client.config import Config
    from store_client.demo.operators import DemoOperator
    from store_client.ui.main_window import MainWindow
    from store_client.ui.sync_indicator import SyncIndicator
    from sync.terminal.session import SyncStart

APP_NAME = "store-client"
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


def _check_setup(window: MainWindow) -> None:
    """An unprovisioned till says on its sign-in window what is missing (checked off the UI
    thread: it reads the database and the token store)."""
    window.session.missing_setup().run(
        window.login, success=window.login.show_setup_notice,
        failure=lambda exc: log.warning("setup check failed: %s", exc))


def run_shell(config: Config, lock: InstanceLock, *, exit_when_ready: bool = False,
              started_at: float | None = None,
              demo_operators: list[DemoOperator] | None = None) -> int:
    """Show the sign-in window, open the terminal behind it, run until the window closes.

    The window comes first: Qt, the theme and the sign-in page paint in well under the
    time SQLAlchemy, the models, the migration check and the services take to load. Those
    load on the database thread once the window has painted (the cashier is typing their
    id and PIN meanwhile) while the screens are imported on the pool, then the print queue
    is built; a PIN typed before the terminal is open is checked as soon as it is. The
    caller holds the one-instance ``lock`` (a second till stops before any window).
    """
    from store_client.clock import SystemClock
    from store_client.ui.main_window import MainWindow
    from store_client.ui.tasks import TaskManager, favour_the_ui_thread

    faulthandler.enable()  # a native crash (Qt, a driver) leaves a Python traceback on stderr
    heap.limit_arenas()  # before any worker thread allocates (store_client/heap.py)
    favour_the_ui_thread()
    ensure_platform(offscreen=False)
    runtime = setup_application(config.locale)
    tasks = TaskManager()
    window = MainWindow(config=config, clock=SystemClock(), tasks=tasks,
                        demo_operators=demo_operators)
    start_up = StartUp(window, lock, runtime.app)
    if exit_when_ready:
        from store_client.ui.ready_probe import ReadyProbe

        probe = ReadyProbe(window.login.pin, started_at or 0.0, runtime.app)
        start_up.finished.connect(probe.loaded)
    start_up.begin()  # first on the database thread: any op the window asks for runs after it
    on_first_paint(window.login.pin, start_up.painted)
    show_window(window, fullscreen=config["ui.fullscreen"])
    try:
        code = runtime.app.exec()
    finally:
        start_up.stop()
        window.shutdown()
        tasks.shutdown(wait=True)
        start_up.close()
        window.deleteLater()
        teardown(runtime)
    if start_up.error is not None:
        raise start_up.error  # the command line words it (a damaged database: exit 3)
    return code


class StartUp(QObject):
    """What the till opens behind its sign-in window, as ops of the window's runner: the
    terminal (database, migration, services, sync) on the database thread, submitted before
    the window shows so that it runs before any work the window asks for (a sign-in typed
    early waits behind it, never in front of it); the screens' import on the pool meanwhile;
    then the print queue. Both wait for the window's first paint (``painted``), so they do
    not compete with it for the interpreter. ``finished`` once both are done (signing in
    needs nothing more); ``error`` holds what stopped the start-up."""

    finished = Signal()

    def __init__(self, window: MainWindow, lock: InstanceLock, app: QApplication) -> None:
        super().__init__(window)
        self._window, self._lock, self._app = window, lock, app
        self._runner = window.backend.runner
        self.error: BaseException | None = None
        self._terminal: Terminal | None = None
        self._sync: SyncStart | None = None
        self._indicator: SyncIndicator | None = None
        self._queue: Future[PrintQueue | None] = Future()
        self._begun = False
        self._done: set[str] = set()
        self._painted = threading.Event()

    def begin(self) -> None:
        if self._begun:
            return
        self._begun = True
        self._runner.op(self._open).run(self, success=self._opened, failure=self._failed)
        # The screens do not need the database: their import overlaps the terminal's opening
        # (which waits on the disk at times).
        self._runner.op(self._load_screens, pool=True).run(
            self, success=lambda _r: self._step("screens"), failure=self._failed)

    def painted(self) -> None:
        """The sign-in window has painted: the loading may start."""
        self._painted.set()

    def _load_screens(self, _grant: object) -> None:
        from store_client.ui.screen_registry import load_builtin_screens

        self._painted.wait(PAINT_WAIT_S)
        load_builtin_screens()

    def _open(self, _grant: object) -> None:
        from store_client.bootstrap import build_services, open_terminal
        from sync.terminal.session import start_sync

        self._painted.wait(PAINT_WAIT_S)  # a window that never paints (minimised) still opens
        backend = self._window.backend
        try:
            terminal = self._terminal = open_terminal(backend.config, lock=self._lock,
                                                      clock=backend.clock)
            sync = self._sync = start_sync(terminal)  # a thread; None when HQ is not set up
            payments = None
            if terminal.config.demo and sync.runner is not None:
                from store_client.services.payments import SimulatorAdapter

                runner = sync.runner  # the simulated provider is unreachable whenever HQ is
                payments = SimulatorAdapter(online=lambda: runner.phase != "offline")
            services = build_services(terminal, print_queue=lambda: _print_queue(self._queue),
                                      payments=payments)
            services.sync_runner = sync.runner
        except BaseException as exc:
            backend.fail(exc)
            raise
        backend.attach(terminal, services)

    def _opened(self, _result: object) -> None:
        from store_client.ui.operations.sync import SyncOps
        from store_client.ui.sync_indicator import SyncIndicator

        window, sync = self._window, self._sync
        assert sync is not None
        if sync.problem:
            print(f"store-client: working offline: {sync.problem}", file=sys.stderr)
        self._indicator = SyncIndicator(window.status, SyncOps(window.backend, None), window.hub,
                                        sync.problem)
        _check_setup(window)
        self._step("terminal")

    def _failed(self, error: BaseException) -> None:
        log.error("the till could not start: %s", error)
        if self.error is None:
            self.error = error
        self._queue.cancel()
        self._app.quit()

    def _step(self, done: str) -> None:
        self._done.add(done)
        if self._done == {"terminal", "screens"}:
            self._loaded()

    def _loaded(self) -> None:
        self.finished.emit()
        QTimer.singleShot(SETTLE_DELAY_MS, self, _settle_start_up)
        # The print queue (escpos, imaging) is built off the UI thread; its worker then
        # resumes any job left waiting before the last stop. The checkout asks for it on
        # first use (and waits for it then).
        terminal, window, queue = self._terminal, self._window, self._queue

        def build(_grant: object) -> tuple[PrintQueue | None, BaseException | None]:
            try:
                return _build_print_queue(terminal), None
            except Exception as exc:  # noqa: BLE001 - e.g. a printer setting is wrong: said below
                return None, exc

        def built(result: tuple[PrintQueue | None, BaseException | None]) -> None:
            made, problem = result
            if queue.done():  # cancelled: the till is closing
                return
            if problem is None:
                queue.set_result(made)
            else:
                queue.set_exception(problem)
            _attach_print_banner(window, queue)

        self._runner.op(build, pool=True).run(self, success=built,
                                              failure=queue.set_exception)

    def stop(self) -> None:
        """Before the window shuts down: the sync thread and the status bar's poller."""
        if self._indicator is not None:
            self._indicator.stop()
        if self._sync is not None and self._sync.runner is not None:
            self._sync.runner.stop()

    def close(self) -> None:
        """After the task manager has stopped: the print queue, then the database."""
        if self._queue.done() and not self._queue.cancelled():
            from printers.setup import shutdown_print_queue

            shutdown_print_queue(_print_queue(self._queue))
        elif not self._queue.done():
            self._queue.cancel()  # the checkout waiting for it gets no printer
        if self._terminal is not None:
            self._terminal.db.close()


def on_first_paint(widget: QWidget, then: Callable[[], object]) -> None:
    """``then()`` once ``widget`` has finished its first paint (a timer posted from the
    paint event runs after it and the window's paint)."""
    watcher = _FirstPaint(widget, then)
    widget.installEventFilter(watcher)


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, then: Callable[[], object]) -> None:
        super().__init__(widget)
        self._widget, self._then = widget, then

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            QTimer.singleShot(0, self, self._then)
        return False


SETTLE_DELAY_MS = 200
PAINT_WAIT_S = 5.0  # the start-up's loading waits this long at most for the window's first paint


def _settle_start_up() -> None:
    """Once the sign-in window is up and the screens are imported: the collector settled
    (``heap.settle_collector``: every start-up object frozen out of its way, so a full
    collection never stalls a scan, measured 60+ ms; and its thresholds), and the start-up
    burst's free pages handed back. Done after the window paints, off its path: the one
    ~50 ms collection lands while a PIN is typed. On the GUI thread: a collection may free
    Qt objects, whose destructors must run there (a collection on a worker thread crashed
    the process at exit)."""
    heap.settle_collector()
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
