"""The manager's board by keyboard only, on the demo store with sales and returns made through
the services: the figures on screen against sums computed directly from the rows, the lists
under the tiles, the day as CSV and the board as PNG, a refresh computed off the UI thread,
and a zh_CN board in one language."""

from __future__ import annotations

import csv
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from store_client import store_time
from store_client.domain.money import round_half_up
from store_client.domain.roles import Role
from store_client.services.auth import Actor
from store_client.services.board import day_bounds
from store_client.services.return_views import ReturnRequest
from store_client.ui.automation import unnamed_interactive
from store_client.ui.checkout.formatting import money_text
from store_client.ui.screen_registry import screens_for
from store_client.ui.screens.board_screen import BoardScreen
from tests.ui.conftest import demo_operator
from tests.ui.test_one_language import Data, leaks

PAYCODE = "134567890123456789"


def sell_a_day(shell: Any, clock: Any) -> None:
    """Five sales in three hours today (cash with change, mobile, card), one the same weekday
    last week, two returns."""
    services = shell.window.services
    cashier = Actor("1001", "王芳", Role.CASHIER)
    manager = Actor("8001", "陈静", Role.MANAGER)
    with shell.terminal.db.read() as s:
        skus = list(s.execute(text("SELECT sku FROM products WHERE unit = 'each' AND active = 1 "
                                   "AND price_minor > 0 ORDER BY sku LIMIT 6")).scalars())
    co = services.checkout

    def sale(items: list[tuple[str, int]], kind: str) -> Any:
        view = None
        for sku, qty in items:
            view = co.add_product(cashier, sku, qty)
        extra = {"payment_code": PAYCODE} if kind == "mobile" else {"reference": "AUTH1"} if kind == "card" else {}
        due = view.due_fen
        view = co.add_tender(cashier, kind, due + (500 if kind == "cash" else 0), **extra)  # cash: change due
        return co.complete(cashier, cart_id=view.cart_id)

    clock.advance(days=-7)
    sale([(skus[0], 1)], "cash")  # the same weekday last week
    clock.advance(days=7, hours=-6)
    first = sale([(skus[0], 2), (skus[1], 1)], "cash")
    sale([(skus[2], 1)], "mobile")
    clock.advance(hours=3)
    sale([(skus[3], 3)], "card")
    clock.advance(hours=2)
    second = sale([(skus[4], 1), (skus[5], 1)], "mobile")
    for done in (first, second):
        found = services.returns.find_sale(manager, done.receipt_no)
        services.returns.refund(manager, ReturnRequest(found.request_id, found.sale_id, ((1, 1),), "damaged"))
    clock.advance(minutes=30)


def open_board(shell: Any, qtbot: Any) -> BoardScreen:
    manager = demo_operator("manager")
    shell.sign_in(manager.id, manager.pin)
    key = dict((spec.key, nav) for spec, nav in screens_for(Role.MANAGER))["board"]
    assert key is not None
    QTest.keyClick(shell.window, getattr(Qt.Key, f"Key_{key.removeprefix('Ctrl+')}"),
                   Qt.KeyboardModifier.ControlModifier)
    screen = shell.window.screens["board"]
    assert isinstance(screen, BoardScreen)
    qtbot.waitUntil(lambda: screen.refreshes >= 1, timeout=10_000)
    shell.settle()
    return screen


def direct(shell: Any, sql: str, **params: Any) -> Any:
    with shell.terminal.db.read() as s:
        return s.execute(text(sql), params).all()


def test_the_board_shows_the_sums_of_the_rows_and_drills_down_and_exports_by_keys(
        make_shell, qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    shell = make_shell("en")
    sell_a_day(shell, clock)
    screen = open_board(shell, qtbot)
    assert unnamed_interactive(screen) == []
    day = store_time.to_store(clock.now()).date()
    start, end = day_bounds(day, store_time.zone(store_time.configured()))
    window = {"start": start, "end": end}
    money = lambda fen: money_text(fen, "CNY", "en")  # noqa: E731

    (count, total, change), = direct(shell, "SELECT count(*), sum(total_fen), sum(change_fen) FROM sales "
                                            "WHERE completed_at >= :start AND completed_at < :end", **window)
    assert count == 4
    assert screen.tiles["sales"].value.text() == money(total)
    assert screen.tiles["basket"].value.text() == money(round_half_up(total, count))
    (returns, refunded), = direct(shell, "SELECT count(*), sum(refund_fen) FROM returns WHERE status = 'completed' "
                                         "AND completed_at >= :start AND completed_at < :end", **window)
    assert returns == 2 and screen.tiles["returns"].value.text() == money(refunded)
    assert screen.tiles["returns"].detail.text().startswith(f"{returns} returns")
    tenders = dict(direct(shell, "SELECT t.kind, sum(t.amount_fen) FROM sale_tenders t "
                                 "JOIN sales s ON s.id = t.sale_id "
                                 "WHERE s.completed_at >= :start AND s.completed_at < :end GROUP BY t.kind", **window))
    tenders["cash"] -= change
    assert dict(screen.payments.shown) == tenders and sum(tenders.values()) == total
    hours = dict(direct(shell, "SELECT CAST(strftime('%H', completed_at, '+8 hours') AS INTEGER), sum(total_fen) "
                               "FROM sales WHERE completed_at >= :start AND completed_at < :end GROUP BY 1", **window))
    assert {h: fen for h, fen in enumerate(screen.hourly.values[0]) if fen} == hours
    (last_week,), = direct(shell, "SELECT sum(total_fen) FROM sales WHERE completed_at < :start", **window)
    assert sum(screen.hourly.values[1]) == last_week
    (waiting,), = direct(shell, "SELECT count(*) FROM outbox WHERE status = 'pending'")
    assert screen.tiles["sync"].value.text() == f"{waiting} waiting"

    # drill down: the focused tile and Enter; Esc closes; the next tile by Tab
    assert screen.tiles["sales"].hasFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.model.rowCount() == count, timeout=5_000)
    receipts = {screen.dialog.model.index(r, 0).data() for r in range(count)}
    assert receipts == {r for (r,) in direct(shell, "SELECT receipt_no FROM sales WHERE completed_at >= :start "
                                                    "AND completed_at < :end", **window)}
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: screen.dialog is None and screen.tiles["sales"].hasFocus(), timeout=2_000)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert screen.tiles["returns"].hasFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.model.rowCount() == returns, timeout=5_000)
    assert {screen.dialog.model.index(r, 4).data() for r in range(returns)} == {
        money(fen) for (fen,) in direct(shell, "SELECT refund_fen FROM returns WHERE status = 'completed'")}
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Enter closes the list too
    qtbot.waitUntil(lambda: screen.dialog is None and screen.tiles["returns"].hasFocus(), timeout=2_000)

    # F2: the day as CSV, F3: the board as PNG, both written off the UI thread
    folder = Path(shell.terminal.config.data_dir) / "exports"
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: screen.saved is not None and screen.saved.suffix == ".csv", timeout=5_000)
    with screen.saved.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][0] == "Kind" and len(rows) == 1 + count + returns
    assert sum(round(float(row[5]) * 100) for row in rows[1:]) == total - refunded
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: screen.saved is not None and screen.saved.suffix == ".png", timeout=5_000)
    image = QImage(str(screen.saved))
    assert not image.isNull() and image.width() == screen.width() and screen.saved.parent == folder
    assert "Saved:" in screen.message.text()


def test_a_refresh_is_computed_off_the_ui_thread_and_redraws_only_what_changed(
        make_shell, qtbot, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from store_client.services import board as board_service

    shell = make_shell("en")
    sell_a_day(shell, clock)
    screen = open_board(shell, qtbot)
    where: list[str] = []
    real = board_service.compute

    def slow(*args: Any, **kwargs: Any) -> Any:
        where.append(threading.current_thread().name)
        time.sleep(0.4)  # a big store's board
        return real(*args, **kwargs)

    monkeypatch.setattr(board_service, "compute", slow)
    before = screen.refreshes
    ticks: list[float] = []
    timer_started = time.perf_counter()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_F5)
    pressed = time.perf_counter() - timer_started
    while screen.refreshes == before and time.perf_counter() - timer_started < 5:
        QApplication.processEvents()  # the UI keeps turning while the board is computed
        ticks.append(time.perf_counter())
        time.sleep(0.01)
    assert screen.refreshes == before + 1
    assert where and all(name.startswith("ui-db") for name in where)
    assert pressed < 0.2 and len(ticks) > 10  # F5 returned at once; the loop ran during the compute
    # nothing changed: no bar moved, no slice was rebuilt
    shown_bars, shown_mix = [list(v) for v in screen.hourly.values], screen.payments.shown
    assert screen.hourly.show_hours(screen.hourly.values[0][:], screen.hourly.values[1][:], 100) == 0
    assert screen.payments.shown == shown_mix and [list(v) for v in screen.hourly.values] == shown_bars
    assert screen.tiles["sales"].show_figure(screen.tiles["sales"].value.text(),
                                             screen.tiles["sales"].detail.text()) is False


@pytest.mark.parametrize("locale", ["zh_CN"])
def test_the_zh_cn_board_speaks_one_language(make_shell, qtbot, clock, locale) -> None:  # type: ignore[no-untyped-def]
    shell = make_shell(locale)
    sell_a_day(shell, clock)
    screen = open_board(shell, qtbot)
    data = Data(shell)
    bad = leaks(locale, data, "board")
    hourly = screen.hourly.chart()
    chart_words = [hourly.title(), screen.payments.chart().title(),
                   *(m.label() for s in hourly.series() for m in hourly.legend().markers(s)),
                   *(m.label() for m in screen.payments.chart().legend().markers())]
    bad += [w for w in chart_words if not any("\u4e00" <= c <= "\u9fff" for c in w)]
    for opener in (screen.open_sales, screen.open_returns, screen.open_pickup, screen.open_members,
                   screen.open_stock, screen.open_sync):
        opener()
        shell.settle()
        bad += leaks(locale, data, opener.__name__)
        screen.dialog.reject()
        qtbot.waitUntil(lambda: screen.dialog is None, timeout=2_000)
    assert bad == []
    assert "¥" in screen.tiles["sales"].value.text()
    assert timedelta(0) <= clock.now() - screen.board.now <= timedelta(minutes=1)


def test_the_sync_tile_lists_every_till_of_the_store_by_keys(make_shell, qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    """HQ's rows of the store's other tills (as pulled) beside this till's own queue: a till
    with an event waiting 20 minutes is behind, one heard a minute ago is in touch; a member
    who joined through another till's receipt counts under its associate."""
    import json

    from store_client.clock import iso
    from store_client.persistence.models import SyncRow

    shell = make_shell("en")
    now = clock.now()
    with shell.terminal.db.transaction() as s:
        s.merge(SyncRow(dataset="store_tills", key="T02", data=json.dumps({
            "terminal_id": "T02", "last_contact_at": iso(now - timedelta(minutes=1)), "waiting": 4,
            "oldest_waiting_at": iso(now - timedelta(minutes=20))})))
        s.merge(SyncRow(dataset="store_tills", key="T03", data=json.dumps({
            "terminal_id": "T03", "last_contact_at": iso(now - timedelta(minutes=1)), "waiting": 0,
            "oldest_waiting_at": None})))
        s.merge(SyncRow(dataset="store_enrollments", key="M000042", data=json.dumps({
            "member_id": "M000042", "terminal_id": "T02", "associate_id": "1001", "via": "receipt",
            "linked_existing": False, "at": iso(now)})))
    screen = open_board(shell, qtbot)
    tile = screen.tiles["sync"]
    assert tile.detail.text().endswith("2 of 3 tills behind")  # T02, and this till that never reached HQ
    assert tile.detail.property("kind") == "error"
    assert screen.tiles["members"].value.text() == "1"
    for _ in range(len(screen.tiles)):
        if tile.hasFocus():
            break
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert tile.hasFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.model.rowCount() == 3, timeout=5_000)
    rows = [[screen.dialog.model.index(r, c).data() for c in range(5)] for r in range(3)]
    this_till = shell.terminal.config.terminal_id
    assert rows[0][0] == f"{this_till} (this till)" and rows[0][3] == "never" and rows[0][4] == "behind"
    assert rows[1][:2] == ["T02", "4"] and rows[1][4] == "behind"
    assert rows[2][:3] == ["T03", "0", "—"] and rows[2][4] == "in touch"
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: screen.dialog is None and tile.hasFocus(), timeout=2_000)
