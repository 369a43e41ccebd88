"""An exchange's screens in the Chinese till at 1024x768 and 1366x768: Returns with the line
chosen (the Exchange key), the checkout holding the credit with the new item scanned, the
payment dialog after the credit was applied, and the exchange done. Nothing may be cut
(fit_check); the pictures go to docs/screenshots/exchange-*.png with UPDATE_SCREENSHOTS=1."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_checkout_end_to_end import real_checkout, shop_items
from test_keyboard_workflows import open_shift_by_service

from store_client.ui.fit_check import problems
from tests.ui.conftest import demo_operator

SIZES = ((1024, 768), (1366, 768))
DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def press(qtbot, widget, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    qtbot.wait(60)  # a person's pace: closer keys would read as a scan
    QTest.keyClick(widget, key, modifier)


def test_exchange_screens_fit_at_counter_sizes(make_shell, qtbot, tmp_path) -> None:
    shell = make_shell(locale="zh_CN")
    shell.window.services.checkout = real_checkout([])(shell)
    open_shift_by_service(shell)
    op = demo_operator("manager")
    shell.sign_in(op.id, op.pin)
    window = shell.window
    services, actor = window.services, window.actor
    codes, prices, _plu, _ = shop_items(shell)
    (_cheap, cheap_code), (_dear, dear_code) = sorted(zip(prices, codes, strict=True))
    checkout = window.screens["checkout"]
    shots: list[Path] = []
    cut: list[str] = []

    def save(state: str, size: tuple[int, int], widget=None) -> None:  # type: ignore[no-untyped-def]
        QApplication.processEvents()
        target = widget or window
        path = tmp_path / f"exchange-{state}-{size[0]}x{size[1]}.png"
        assert target.grab().toImage().save(str(path), "PNG")
        shots.append(path)
        cut.extend(f"{state} {size}: {p}" for p in problems(target))

    for size in SIZES:
        window.resize(*size)
        co = services.checkout
        view = co.scan(actor, dear_code).cart  # the original: the dearer item, two of it, cash
        view = co.scan(actor, dear_code).cart
        view = co.add_tender(actor, "cash", view.due_fen)
        original = co.complete(actor, cart_id=view.cart_id)
        window.open_screen("returns")
        returns = window.screens["returns"]
        returns.load_receipt(original.receipt_no)
        qtbot.waitUntil(lambda r=returns, o=original: r.sale is not None and r.sale.receipt_no == o.receipt_no,
                        timeout=5000)
        press(qtbot, returns, Qt.Key.Key_F6)
        press(qtbot, returns.table, Qt.Key.Key_Plus)
        press(qtbot, returns.table, Qt.Key.Key_F7)
        press(qtbot, returns.reason, Qt.Key.Key_Down)
        save("returns", size)
        press(qtbot, returns.reason, Qt.Key.Key_F9)
        qtbot.waitUntil(checkout.exchange_bar.isVisible, timeout=5000)
        shell.settle()
        checkout.handle_scan(cheap_code)  # a smaller size: the customer gets money back
        qtbot.waitUntil(lambda: checkout.model.rowCount() == 1, timeout=5000)
        shell.settle()
        save("credit", size)
        press(qtbot, checkout.entry, Qt.Key.Key_F11)
        qtbot.waitUntil(lambda: checkout.dialog is not None and checkout.dialog.isVisible(), timeout=5000)
        shell.settle()
        save("checkout", size)
        save("payment", size, checkout.dialog)
        press(qtbot, checkout.dialog, Qt.Key.Key_F11)
        qtbot.waitUntil(lambda: "换货" in checkout.done_banner.text() and checkout.done_banner.isVisible(),
                        timeout=5000)
        shell.settle()
        save("done", size)
    assert cut == []
    if os.environ.get("UPDATE_SCREENSHOTS"):
        for path in shots:
            shutil.copy(path, DOCS / path.name)
