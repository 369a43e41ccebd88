"""An exchange of an online order in the Chinese till at 1024x768 and 1366x768, against the
reference HQ on 127.0.0.1: Returns with the order's line chosen, the checkout holding its
credit with a cheaper item scanned (the difference goes back to the online payment), the
payment dialog and the exchange done. Nothing may be cut (fit_check); the pictures go to
docs/screenshots/exchange-cross-*.png with UPDATE_SCREENSHOTS=1."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select
from test_checkout_end_to_end import real_checkout
from test_exchange_shots import DOCS, SIZES, press
from test_keyboard_workflows import open_shift_by_service

from store_client.persistence.models import Barcode, Product
from store_client.ui.fit_check import problems
from sync.hq.embedded import HQServer
from sync.hq.service import HQService, make_engine
from sync.terminal.runner import SyncRunner
from sync.terminal.transport import HQClient
from tests.integration.sync.online_returns_world import collected_order, member
from tests.ui.conftest import demo_operator


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HQServer]:
    service = HQService(make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}"))
    server = HQServer(service).start()
    yield server
    server.stop()
    service.engine.dispose()


@pytest.mark.serial
def test_cross_exchange_screens_fit_at_counter_sizes(make_shell, qtbot, tmp_path, hq) -> None:
    shell = make_shell(locale="zh_CN")
    window, config = shell.window, shell.terminal.config
    token = hq.service.issue_token(config.store_id, config.terminal_id)
    window.services.checkout = real_checkout([])(shell)
    window.services.sync_runner = SyncRunner(shell.terminal.db, lambda: HQClient(hq.url, token, timeout=5))
    open_shift_by_service(shell)
    op = demo_operator("manager")
    shell.sign_in(op.id, op.pin)
    with shell.terminal.db.read() as s:  # a new item cheaper than the three items coming back (38.70)
        cheap = s.scalar(select(Barcode.code).join(Product, Barcode.product_id == Product.id).where(
            Product.unit == "each", Product.active.is_(True), Product.price_minor.between(500, 3000))
            .order_by(Product.price_minor).limit(1))
    checkout, returns = window.screens["checkout"], window.screens["returns"]
    fan = member(hq.service)
    shots: list[Path] = []
    cut: list[str] = []

    def save(state: str, size: tuple[int, int], widget=None) -> None:  # type: ignore[no-untyped-def]
        QApplication.processEvents()
        target = widget or window
        path = tmp_path / f"exchange-cross-{state}-{size[0]}x{size[1]}.png"
        assert target.grab().toImage().save(str(path), "PNG")
        shots.append(path)
        cut.extend(f"{state} {size}: {p}" for p in problems(target))

    for size in SIZES:
        window.resize(*size)
        placed = collected_order(hq.service, fan, [{"sku": "200002", "qty": 3}], discounts={})
        window.open_screen("returns")
        returns.load_receipt(placed.order_no)
        qtbot.waitUntil(lambda r=returns, p=placed: r.original is not None and r.original.receipt_no == p.order_no,
                        timeout=10_000)
        press(qtbot, returns, Qt.Key.Key_F6)
        press(qtbot, returns.table, Qt.Key.Key_Space)  # the whole line
        press(qtbot, returns.table, Qt.Key.Key_F7)
        press(qtbot, returns.reason, Qt.Key.Key_Down)
        save("returns", size)
        press(qtbot, returns.reason, Qt.Key.Key_F9)
        qtbot.waitUntil(checkout.exchange_bar.isVisible, timeout=5000)
        shell.settle()
        checkout.handle_scan(cheap)
        qtbot.waitUntil(lambda: checkout.model.rowCount() == 1, timeout=5000)
        shell.settle()
        save("credit", size)
        press(qtbot, checkout.entry, Qt.Key.Key_F11)
        qtbot.waitUntil(lambda: checkout.dialog is not None and checkout.dialog.isVisible(), timeout=5000)
        shell.settle()
        assert "线上原路退回" in checkout.exchange_bar.text(), checkout.exchange_bar.text()
        save("checkout", size)
        save("payment", size, checkout.dialog)
        press(qtbot, checkout.dialog, Qt.Key.Key_F11)
        qtbot.waitUntil(lambda: "换货" in checkout.done_banner.text() and checkout.done_banner.isVisible(),
                        timeout=10_000)
        shell.settle()
        assert "线上原路退回" in checkout.done_banner.text(), checkout.done_banner.text()
        save("done", size)
    assert cut == []
    if os.environ.get("UPDATE_SCREENSHOTS"):
        for path in shots:
            shutil.copy(path, DOCS / path.name)
