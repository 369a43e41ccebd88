"""``store-client tour``: every screen rendered offscreen with demo data, one PNG each.

Used for the README screenshots and to look at the UI without a display. A
temporary demo store is generated, an operator whose role sees every screen
signs in through the real login form, and each screen is grabbed.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from store_client.ui.demo_operators import demo_operators
from store_client.ui.screen_registry import registered, screens_for

if TYPE_CHECKING:
    from store_client.ui.approval_dialog import ApprovalDialog
    from store_client.ui.main_window import MainWindow
    from store_client.ui.tasks import TaskManager

WINDOW_SIZE = (1280, 800)
TASK_TIMEOUT_S = 30.0


class TourFailed(RuntimeError):
    pass


def wait_for(condition: Callable[[], bool], timeout: float = TASK_TIMEOUT_S) -> None:
    app = QApplication.instance()
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TourFailed("timed out waiting for the UI")
        app.processEvents()
        time.sleep(0.002)
    app.processEvents()


def is_blank(image: QImage) -> bool:
    """Empty, or a single colour everywhere we sample (a failed render)."""
    if image.isNull() or image.width() == 0 or image.height() == 0:
        return True
    first = image.pixel(0, 0)
    step_x, step_y = max(1, image.width() // 40), max(1, image.height() // 40)
    return all(image.pixel(x, y) == first
               for x in range(0, image.width(), step_x) for y in range(0, image.height(), step_y))


def _save(widget: QWidget, path: Path, saved: list[Path]) -> None:
    QApplication.instance().processEvents()
    image = widget.grab().toImage()
    if is_blank(image):
        raise TourFailed(f"{path.name}: the rendered image is empty")
    if not image.save(str(path), "PNG") or path.stat().st_size == 0:
        raise TourFailed(f"{path.name}: could not write the PNG")
    saved.append(path)


def best_operator(operators: list[tuple[str, str, str, str]]) -> tuple[str, str, str, str]:
    """The demo operator whose role sees the most screens (ties: first listed)."""
    return max(operators, key=lambda op: len(screens_for(op[2])))


def sample_query(window: MainWindow, tasks: TaskManager) -> str:
    """The brand of the first product, in the UI language, so the lookup shot shows results."""
    assert window.ops is not None
    found: list[list[tuple[str, str, str]]] = []
    window.ops.catalog.samples(limit=1).run(window, success=found.append)
    wait_for(lambda: tasks.pending == 0)
    rows = found[0] if found else []
    english = window.terminal.config.locale.startswith("en")
    name = (rows[0][2] if english else rows[0][1]) if rows else ""
    return name.split()[0] if name.split() else ""


@contextmanager
def demo_shell(locale: str, skus: int, prepare: Callable[[Path], object] | None = None,
               ) -> Iterator[tuple[MainWindow, TaskManager, list[tuple[str, str, str, str]]]]:
    """A temporary demo store with the main window on it: yields (window, tasks, operators).
    ``prepare(config_path)`` runs on the new store before the window opens it."""
    from store_client import config as cfg
    from store_client.bootstrap import build_services, open_terminal
    from store_client.demo.store import create_demo_store
    from store_client.ui.app import ensure_platform, setup_application, teardown
    from store_client.ui.main_window import MainWindow
    from store_client.ui.tasks import TaskManager

    ensure_platform(offscreen=True)
    with tempfile.TemporaryDirectory(prefix="store-client-tour-") as tmp:
        config_path = create_demo_store(Path(tmp) / "demo", skus=skus, locale=locale, stock_figures=True)
        if prepare is not None:
            prepare(config_path)
        terminal = open_terminal(cfg.load(config_path))
        runtime = setup_application(locale)
        tasks = TaskManager()
        operators = demo_operators()
        window = MainWindow(terminal=terminal, services=build_services(terminal), tasks=tasks,
                            demo_operators=operators, idle_ms=24 * 3600 * 1000)
        try:
            window.resize(*WINDOW_SIZE)
            window.show()
            wait_for(window.isVisible)
            yield window, tasks, operators
        finally:
            window.shutdown()
            tasks.shutdown(wait=True)
            window.close()
            window.deleteLater()
            QApplication.instance().processEvents()
            teardown(runtime)
            terminal.close()


def sign_in(window: MainWindow, tasks: TaskManager, operator_id: str, pin: str) -> None:
    """Through the real login form, as a person would."""
    window.login.operator_id.setText(operator_id)
    window.login.pin.setText(pin)
    window.login.attempt()
    wait_for(lambda: tasks.pending == 0)


def approval_dialog(window: MainWindow) -> ApprovalDialog:
    from store_client.ui.approval_dialog import ApprovalDialog

    dialog = ApprovalDialog(requester_name=window.actor.name if window.actor else "",
                            action_text=dialog_action_text(), parent=window)
    dialog.reason.setText(dialog_reason_text())
    return dialog


def lock_out_a_cashier(window: MainWindow, tasks: TaskManager, operators: list[tuple[str, str, str, str]]) -> None:
    from store_client.services.auth import MAX_FAILED_PINS

    cashier = next((op for op in operators if op[2] == "cashier"), None)
    if cashier is None:
        return
    wrong = "".join(str((int(d) + 1) % 10) for d in cashier[3])
    for _ in range(MAX_FAILED_PINS):
        sign_in(window, tasks, cashier[0], wrong)


def count_in_progress(window: MainWindow, tasks: TaskManager) -> None:
    """Two stock counts for the Stock counts shots: one submitted for review, and one being
    counted (the newest, shown first) with a few items scanned, one of them by a quantity."""
    if window.ops is None or "stockCount" not in window.screens:
        return
    ops = window.ops
    found: list[list[tuple[str, str, str]]] = []
    ops.catalog.samples(unit="each", limit=8).run(window, success=found.append)
    wait_for(lambda: tasks.pending == 0)
    skus = [sku for sku, _zh, _en in (found[0] if found else [])]
    if len(skus) < 8:
        return
    plans: list[str] = []
    aisle = QCoreApplication.translate("Tour", "Aisle %1")
    ops.stock_counts.create_plan(scope="zone", label=aisle.replace("%1", "2"), codes=skus[4:]).run(
        window, success=plans.append)
    wait_for(lambda: tasks.pending == 0)
    for sku in skus[4:7]:
        ops.stock_counts.scan(plan_id=plans[0], code=sku).run(window)
    ops.stock_counts.submit(plan_id=plans[0]).run(window)
    wait_for(lambda: tasks.pending == 0)
    time.sleep(0.01)  # the newer plan's snapshot time sorts it first
    ops.stock_counts.create_plan(scope="cycle", label=aisle.replace("%1", "1"), codes=skus[:4]).run(
        window, success=plans.append)
    wait_for(lambda: tasks.pending == 0)
    for sku, quantity in ((skus[0], 1), (skus[0], 1), (skus[1], 12), (skus[2], 1)):
        ops.stock_counts.scan(plan_id=plans[-1], code=sku, quantity=quantity).run(window)
    wait_for(lambda: tasks.pending == 0)


def member_profile(window: MainWindow, tasks: TaskManager, out_dir: Path, number: int,
                   saved: list[Path]) -> int:
    """The Members screen with the demo member's profile open (found in this till's cache:
    the tour has no HQ); returns the next picture number."""
    from store_client.demo.checkout_data import DEMO_MEMBER

    screen = window.screens.get("members")
    if screen is None:
        return number
    window.open_screen("members")
    screen.handle_scan(DEMO_MEMBER)
    wait_for(lambda: tasks.pending == 0 and screen.profile is not None)
    _save(window, out_dir / f"{number:02d}-member-profile.png", saved)
    screen.close_profile()
    wait_for(lambda: tasks.pending == 0)
    return number + 1


def board_issues(window: MainWindow, tasks: TaskManager, out_dir: Path, number: int, saved: list[Path]) -> int:
    """The board's return conflicts and credit overdrafts (F6), with the demo rows HQ would
    publish; returns the next picture number."""
    screen = window.screens.get("board")
    if screen is None:
        return number
    window.open_screen("board")
    screen.open_issues()
    dialog = screen.issues
    wait_for(lambda: tasks.pending == 0 and dialog.model.rowCount() > 0)
    _save(dialog, out_dir / f"{number:02d}-board-return-issues.png", saved)
    dialog.reject()
    wait_for(lambda: tasks.pending == 0)
    return number + 1


def render_sizes(window: Any, tasks: Any, out_dir: Path, saved: list[Path]) -> None:
    """Every screen at each counter size, windowed and full screen: ``<screen>-<w>x<h>.png``
    (full screen) and ``<screen>-<w>x<h>-windowed.png``; raises TourFailed on anything cut."""
    from store_client.ui.checkout.tour_shots import fill_cart
    from store_client.ui.fit_check import WINDOW_CHROME_PX, problems, window_sizes

    out_dir.mkdir(parents=True, exist_ok=True)
    fill_cart(window, tasks, wait_for)  # the checkout as a cashier sees it, with a few lines
    found: list[str] = []
    for mode, width, height in window_sizes():
        window.resize(width, height)
        for key in list(window.screens):
            window.open_screen(key)
            wait_for(lambda: tasks.pending == 0)
            QApplication.instance().processEvents()
            if (window.width(), window.height()) != (width, height):
                found.append(f"{key} at {width}x{height}: the window grew to "
                             f"{window.width()}x{window.height()}")
            found += [f"{key} at {width}x{height} ({mode}): {p}" for p in problems(window)]
            name = (f"{key}-{width}x{height}" if mode == "fullscreen"  # named by the screen's size
                    else f"{key}-{width}x{height + WINDOW_CHROME_PX}-windowed")
            _save(window, out_dir / f"{name}.png", saved)
    window.resize(*WINDOW_SIZE)
    if found:
        raise TourFailed("does not fit:\n" + "\n".join(found))


def render_tour(out_dir: Path, *, locale: str = "zh_CN", skus: int = 2000,
                printer: Callable[[str], object] = print, sizes: bool = False) -> list[Path]:
    """Render every screen to ``out_dir``; returns the PNG paths (raises TourFailed)."""
    from store_client.ui.screens.product_lookup import ProductLookupScreen

    out_dir.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with demo_shell(locale, skus, prepare=trading_history) as (window, tasks, operators):
        _save(window, out_dir / "01-login.png", saved)
        op_id, _name, _role, pin = best_operator(operators)
        sign_in(window, tasks, op_id, "0000" if pin != "0000" else "1111")
        _save(window, out_dir / "02-login-error.png", saved)
        lock_out_a_cashier(window, tasks, operators)  # so the operators screen shows a lockout
        sign_in(window, tasks, op_id, pin)
        if window.actor is None:
            raise TourFailed(f"demo operator {op_id} could not sign in: {window.login.message.text()}")
        count_in_progress(window, tasks)
        number = 3
        for spec in registered():
            if spec.key not in window.screens:
                continue
            window.open_screen(spec.key)
            screen = window.screens[spec.key]
            if isinstance(screen, ProductLookupScreen):
                screen.query.setText(sample_query(window, tasks))
                screen.search_now()
            wait_for(lambda: tasks.pending == 0)
            _save(window, out_dir / f"{number:02d}-screen-{spec.key}.png", saved)
            number += 1
        number = member_profile(window, tasks, out_dir, number, saved)
        number = board_issues(window, tasks, out_dir, number, saved)
        from store_client.ui.checkout.tour_shots import render_checkout, save_to

        number = render_checkout(window, tasks, wait_for, save_to(out_dir, number, saved, _save), number)
        if sizes:
            render_sizes(window, tasks, out_dir / "sizes", saved)
        window.show_help()
        _save(window, out_dir / f"{number:02d}-help.png", saved)
        window.show_help()
        window.lock()
        _save(window, out_dir / f"{number + 1:02d}-idle-lock.png", saved)
        dialog = approval_dialog(window)
        dialog.show()
        wait_for(dialog.isVisible)
        _save(dialog, out_dir / f"{number + 2:02d}-approval-dialog.png", saved)
        dialog.close()
    for path in saved:
        printer(str(path))
    return saved


def trading_history(config_path: Path) -> None:
    """Today and the same weekday last week sold on the demo store, so the board shows real
    charts (store_client/demo/board_history.py)."""
    from datetime import datetime

    from store_client import config as cfg
    from store_client import store_time
    from store_client.bootstrap import build_services, open_terminal
    from store_client.demo.board_history import HistoryClock, sell_history

    clock = HistoryClock(datetime.now().astimezone())
    terminal = open_terminal(cfg.load(config_path), clock=clock)  # type: ignore[arg-type]
    try:
        tz = store_time.zone(store_time.configured())
        sell_history(build_services(terminal), clock, tz=tz, today=store_time.to_store(datetime.now().astimezone()).date())
        from store_client.demo.return_issues import seed_return_issues

        with terminal.db.transaction() as session:  # HQ's rows for the board's return conflicts (F6)
            seed_return_issues(session, clock.now())
    finally:
        terminal.close()


def dialog_action_text() -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("Tour", "unlock a cashier locked after too many wrong PINs")


def dialog_reason_text() -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("Tour", "Forgot PIN, identity checked")
