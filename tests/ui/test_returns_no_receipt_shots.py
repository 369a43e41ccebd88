"""The Returns screen's "no receipt" mode in the Chinese till, at 1024x768 and 1366x768, on the
demo store: items scanned (one with a markdown in the last 90 days, so its refund is below
today's price), a refusal, and the store credit note issued. Nothing may be cut (fit_check);
the pictures go to docs/screenshots/returns-no-receipt-*.png with UPDATE_SCREENSHOTS=1."""

from __future__ import annotations

import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from store_client.clock import iso

from store_client.ui.fit_check import problems
from store_client.demo.operators import DEMO_OPERATORS
from tests.ui.conftest import demo_operator
from tests.ui.conftest import type_text as ime

SIZES = ((1024, 768), (1366, 768))
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def press(qtbot, widget, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    qtbot.wait(60)
    QTest.keyClick(widget, key, modifier)


def typed(qtbot, widget, text_: str) -> None:  # type: ignore[no-untyped-def]
    for char in text_:
        qtbot.wait(40)  # a person's pace: not a scanner burst
        QTest.keyClicks(widget, char)


@pytest.mark.serial
def test_no_receipt_mode_fits_at_counter_sizes(make_shell, qtbot, tmp_path) -> None:
    shell = make_shell(locale="zh_CN")
    op = demo_operator("manager")
    shell.sign_in(op.id, op.pin)
    window = shell.window
    now = shell.terminal.clock.now()  # the test's clock, not the demo's creation time
    with shell.terminal.db.transaction() as s:  # two items never changed; the first had a markdown
        rows = s.execute(text("SELECT b.code, p.sku, p.price_minor FROM products p JOIN barcodes b "
                              "ON b.product_id = p.id WHERE p.unit = 'each' AND p.price_minor < 3000 "
                              "AND p.sku NOT IN (SELECT sku FROM price_history) GROUP BY p.id ORDER BY p.id LIMIT 2")).all()
        (marked, sku, price), (plain, _sku, _price) = rows
        s.execute(text("INSERT INTO price_history(sku, since, price_minor) VALUES (:s, '', :p), (:s, :a, :low), "
                       "(:s, :b, :p)"), {"s": sku, "p": price, "low": price * 80 // 100,
                                         "a": iso(now - timedelta(days=40)), "b": iso(now - timedelta(days=25))})
    assert marked and plain
    window.open_screen("returns")
    returns = window.screens["returns"]
    shots: list[Path] = []
    cut: list[str] = []

    def save(widget, state: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
        QApplication.processEvents()
        path = tmp_path / f"returns-no-receipt-{state}-{size[0]}x{size[1]}.png"
        assert widget.grab().toImage().save(str(path), "PNG")
        shots.append(path)
        cut.extend(f"{state} {size}: {p}" for p in problems(widget))

    for size in SIZES:
        window.resize(*size)
        QApplication.processEvents()
        save(window, "screen", size)
        press(qtbot, returns.receipt, Qt.Key.Key_F2, Qt.KeyboardModifier.ShiftModifier)
        qtbot.waitUntil(lambda: returns.no_receipt is not None and returns.no_receipt.policy is not None,
                        timeout=5_000)
        dialog = returns.no_receipt
        for code in (marked, plain, plain):
            typed(qtbot, dialog.code, code)
            press(qtbot, dialog.code, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: dialog.code.text() == "", timeout=5_000)
        typed(qtbot, dialog.code, "6900000000000")
        press(qtbot, dialog.code, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.message.property("kind") == "error", timeout=5_000)
        assert [q for _i, q in dialog.items] == [1, 2] and dialog.items[0][0].unit_fen < dialog.items[0][0].current_fen
        save(dialog, "items", size)
        press(qtbot, dialog.code, Qt.Key.Key_F7)
        press(qtbot, dialog.reason, Qt.Key.Key_Down)
        press(qtbot, dialog.reason, Qt.Key.Key_F11)
        qtbot.waitUntil(lambda: dialog.approval is not None and dialog.approval.isVisible(), timeout=5_000)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.approval.manager_id, timeout=5_000)
        second = next(o for o in DEMO_OPERATORS if o.role == "manager" and o.id != op.id)  # a second person
        for field, value in ((dialog.approval.manager_id, second.id), (dialog.approval.pin, second.pin)):
            typed(qtbot, field, value)
            press(qtbot, field, Qt.Key.Key_Return)
        ime(dialog.approval.reason, "顾客无小票")
        press(qtbot, dialog.approval.reason, Qt.Key.Key_Return)
        qtbot.waitUntil(dialog.done_banner.isVisible, timeout=10_000)
        save(dialog, "issued", size)
        press(qtbot, dialog, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: returns.no_receipt is None, timeout=5_000)
    assert cut == []
    if os.environ.get("UPDATE_SCREENSHOTS"):
        for path in shots:
            shutil.copy(path, DOCS / path.name)
