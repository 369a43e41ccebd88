"""The payment dialog's store credit page in the Chinese till at 1024x768 and 1366x768: the page
open, and a note applied with the rest still due. Nothing may be cut (fit_check); the pictures
go to docs/screenshots/store-credit-*.png with UPDATE_SCREENSHOTS=1."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_checkout_end_to_end import real_checkout, shop_items
from test_keyboard_workflows import open_shift_by_service
from test_store_credit_keys import own_note

from store_client.services.store_credit import StoreCreditPayments
from store_client.ui.fit_check import problems
from tests.ui.conftest import demo_operator

SIZES = ((1024, 768), (1366, 768))
DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def test_the_store_credit_page_fits_at_counter_sizes(make_shell, qtbot, tmp_path) -> None:
    shell = make_shell(locale="zh_CN")
    service = real_checkout([])(shell)
    service.store_credit = StoreCreditPayments(shell.terminal.db, shell.terminal.clock, shell.window.services.audit,
                                               client=None)
    shell.window.services.checkout = service
    open_shift_by_service(shell)
    op = demo_operator("cashier")
    shell.sign_in(op.id, op.pin)
    window = shell.window
    codes, _prices, _plu, _ = shop_items(shell)
    checkout = window.screens["checkout"]
    shots: list[Path] = []
    cut: list[str] = []

    def save(state: str, size: tuple[int, int], widget) -> None:  # type: ignore[no-untyped-def]
        QApplication.processEvents()
        path = tmp_path / f"store-credit-{state}-{size[0]}x{size[1]}.png"
        assert widget.grab().toImage().save(str(path), "PNG")
        shots.append(path)
        cut.extend(f"{state} {size}: {p}" for p in problems(widget))

    for size in SIZES:
        window.resize(*size)
        code = own_note(shell, 1000)
        checkout.handle_scan(codes[0])
        qtbot.waitUntil(lambda: checkout.model.rowCount() == 1, timeout=5000)
        shell.settle()
        QTest.keyClick(checkout.entry, Qt.Key.Key_F11)
        qtbot.waitUntil(lambda: checkout.dialog is not None and checkout.dialog.isVisible(), timeout=5000)
        dialog = checkout.dialog
        shell.settle()
        QTest.keyClick(dialog, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
        shell.settle()
        save("page", size, dialog)
        dialog.credit_code.setText(code)
        QTest.keyClick(dialog.credit_code, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda d=dialog: d.tenders.count() == 1, timeout=5000)
        shell.settle()
        save("applied", size, dialog)
        QTest.keyClick(dialog, Qt.Key.Key_F6)  # the rest in exact cash: the next size starts afresh
        QTest.keyClick(dialog, Qt.Key.Key_F2)
        qtbot.waitUntil(lambda: checkout.dialog is None or not checkout.dialog.isVisible(), timeout=5000)
        shell.settle()
    assert cut == []
    if os.environ.get("UPDATE_SCREENSHOTS"):
        for path in shots:
            shutil.copy(path, DOCS / path.name)
