"""Screens and paper agree on the time: both in the store's zone, with the PC's zone set
apart (the shift screen once said "since 06:59" beside a report saying "Opened 14:59")."""

from __future__ import annotations

import re

from PySide6.QtTest import QTest

from store_client import store_time
from store_client.bootstrap import build_services
from store_client.clock import iso
from store_client.domain.roles import Role
from store_client.services.auth import Actor
from store_client.ui.screens.audit_screen import local_time
from store_client.ui.screens.print_jobs import _short_time
from store_client.ui.screens.shift_screen import ShiftScreen
from store_client.ui.status_bar import StatusBar
from tests.ui.conftest import screen_context

MANAGER = Actor("m1", "张经理", Role.MANAGER)


def test_the_shift_screen_and_its_x_report_show_the_same_store_time(
        qtbot, machine_zone, terminal, add_operator, tasks,  # type: ignore[no-untyped-def]
        clock) -> None:
    add_operator("m1", "manager", "2468", name="张经理")
    clock.advance(minutes=59)  # 09:59 UTC: 17:59 in Shanghai, 04:59 on this PC
    screen = ShiftScreen(screen_context(terminal, tasks, MANAGER, "en",
                                        services=build_services(terminal)))
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)
    screen.open_button.click()
    QTest.keyClicks(screen.pieces[10000], "2")
    screen.count_confirm.click()
    qtbot.waitUntil(lambda: screen.current is not None, timeout=10_000)
    clock.advance(hours=3)
    screen.x_button.click()
    qtbot.waitUntil(lambda: bool(screen.report_text), timeout=10_000)

    since = re.search(r"since (\d\d:\d\d)", screen.state.text())
    opened = re.search(r"Opened\s+\d{4}-\d\d-\d\d (\d\d:\d\d)", screen.report_text)
    assert since and opened, (screen.state.text(), screen.report_text)
    assert since.group(1) == opened.group(1) == "17:59"
    assert "2026-01-01 20:59" in screen.report_text  # the report's own time, printed now


def test_status_bar_lists_and_audit_rows_use_the_store_zone(  # type: ignore[no-untyped-def]
        qtbot, machine_zone, clock) -> None:
    bar = StatusBar(clock=clock, store_id="S001", store_name="", terminal_id="T01")
    qtbot.addWidget(bar)
    bar.tick()
    assert bar.clock.text() == "2026-01-01 17:00:00"  # 09:00 UTC; this PC says 04:00
    stored = iso(clock.now())
    assert _short_time(stored) == "01-01 17:00:00"
    assert local_time(stored) == "2026-01-01 17:00:00"


def test_another_configured_store_zone_moves_screen_and_paper_together(
        qtbot, machine_zone, clock) -> None:  # type: ignore[no-untyped-def]
    from printers import templates

    store_time.configure("Europe/Berlin")
    try:
        bar = StatusBar(clock=clock, store_id="S001", store_name="", terminal_id="T01")
        qtbot.addWidget(bar)
        bar.tick()
        assert bar.clock.text() == templates.local(clock.now()) == "2026-01-01 10:00:00"
    finally:
        store_time.configure(store_time.DEFAULT_ZONE)


def test_the_returns_screen_shows_the_sale_time_its_receipt_printed(
        make_shell, qtbot, machine_zone) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from store_client.persistence.models import Product
    from tests.ui.conftest import demo_operator

    shell = make_shell(locale="en")
    op = demo_operator("manager")
    shell.sign_in(op.id, op.pin)
    services, actor = shell.window.services, shell.window.actor
    with shell.terminal.db.read() as s:
        sku = s.scalar(select(Product.sku).where(Product.active, Product.unit == "each").limit(1))
    services.checkout.add_product(actor, sku)
    view = services.checkout.add_tender(actor, "cash", services.checkout.current_cart(actor).due_fen)
    done = services.checkout.complete(actor, cart_id=view.cart_id)
    printed = re.search(r"Time\s+(\d{4}-\d\d-\d\d \d\d:\d\d)", done.receipt_text)
    shell.window.open_screen("returns")
    returns = shell.window.screens["returns"]
    returns.load_receipt(done.receipt_no)
    shell.settle()
    assert printed and printed.group(1) in returns.sale_info.text(), (
        done.receipt_text, returns.sale_info.text())
