"""The return policy on the Returns screen of a Chinese till, by keys only: a cashier chooses
where each line goes with F10, a non-returnable line's refund asks a manager's override in the
approval dialog (typed and confirmed with Enter), Shift+F7 gives a line its own reason, and the screen is drawn at 1024x768 and
1366x768 with the sale loaded (docs/screenshots/returns-policy-*.png with UPDATE_SCREENSHOTS=1)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from sqlalchemy import select
from test_returns_screen import make_sale, scan_at_checkout

from checkout_helpers import open_checkout
from store_client.persistence.models import AuditEntry, Product, Return, ReturnLine, SaleLine
from store_client.ui.fit_check import problems
from tests.ui.conftest import demo_operator
from tests.ui.test_one_language import ENGLISH_SENTENCE, texts_of

SIZES = ((1024, 768), (1366, 768))
DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
K = Qt.Key


def press(qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    """A key at the focused widget, at a person's pace (closer keys would read as a scan)."""
    qtbot.wait(60)
    QTest.keyClick(QApplication.focusWidget(), key, modifier)


def type_text(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Key events at a person's pace; a Chinese character comes as the input method sends it
    (a key event with its text and no key code: QTest.keyClicks takes Latin-1 only)."""
    for char in text:
        qtbot.wait(40)
        if char.isascii():
            QTest.keyClicks(QApplication.focusWidget(), char)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(QApplication.focusWidget(), QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


@pytest.mark.serial
def test_a_cashier_sends_one_line_to_the_vendor_and_a_manager_overrides_the_other_by_keys(
        make_shell, qtbot, tmp_path) -> None:
    shell, checkout = open_checkout(make_shell, qtbot, role="cashier", locale="zh_CN")
    sale = make_sale(shell, quantities=(2, 1))
    with shell.terminal.db.read() as s:
        lines = {r.line_no: r.sku for r in s.scalars(select(SaleLine).where(SaleLine.sale_id == sale.sale_id))}
        category = {sku: s.scalar(select(Product.category_code).where(Product.sku == sku)) for sku in lines.values()}
    first, second = sorted(lines)
    assert category[lines[first]] != category[lines[second]], "the demo's first two products share a category"
    shell.terminal.config.values["returns.non_returnable"] = [category[lines[second]]]
    returns = scan_at_checkout(shell, qtbot, checkout, sale.receipt_no)  # the receipt scanned: Returns opens
    window = shell.window
    assert returns.sale.verdicts[second].non_returnable
    assert f"第 {second} 行：不可退货" in returns.sale_info.text()  # said before the line is chosen

    press(qtbot, K.Key_F6)  # the items
    assert QApplication.focusWidget() is returns.table and returns.table.currentRow() == 0
    press(qtbot, K.Key_Space)  # all of the first line
    press(qtbot, K.Key_F10)  # first line: back to stock -> damaged
    press(qtbot, K.Key_F10)  # -> return to vendor
    press(qtbot, K.Key_F7, Qt.KeyboardModifier.ShiftModifier)  # its own reason: damaged (the rest follow the return's)
    press(qtbot, K.Key_Down)
    press(qtbot, K.Key_Plus)  # one of the second (non-returnable) line
    press(qtbot, K.Key_F10)  # -> damaged
    qtbot.waitUntil(lambda: returns.selection() == ((first, 2), (second, 1)), timeout=2000)
    goes = {n: returns.findChild(type(returns._goes[n]), f"returns.disposition.{n}") for n in (first, second)}  # noqa: SLF001
    assert (goes[first].disposition(), goes[second].disposition()) == ("vendor", "damaged")
    assert goes[first].currentText() == "退供应商" and goes[second].currentText() == "损坏"
    press(qtbot, K.Key_F7)  # the reason
    press(qtbot, K.Key_Down)  # 商品损坏: lines already chosen keep their disposition
    press(qtbot, K.Key_Down)  # 商品不符
    assert returns.reason.currentData() == "wrong_item"
    assert (goes[first].disposition(), goes[second].disposition()) == ("vendor", "damaged")
    assert "特批" in returns.summary.text()
    assert f"第 {first} 行原因：商品损坏" in returns.summary.text()

    shots: list[Path] = []
    cut: list[str] = []
    for size in SIZES:  # the loaded sale, as the cashier sees it
        window.resize(*size)
        QApplication.processEvents()
        path = tmp_path / f"returns-policy-{size[0]}x{size[1]}.png"
        assert window.grab().toImage().save(str(path), "PNG")
        shots.append(path)
        cut.extend(f"{size}: {p}" for p in problems(window))
    english = [t for w in [returns, *returns.findChildren(QWidget)]
               if w.isVisible() for t in texts_of(w) if t and ENGLISH_SENTENCE.search(t)]
    assert cut == [] and english == []

    press(qtbot, K.Key_F11)  # refund: the cashier's approval is the manager's override
    qtbot.waitUntil(lambda: returns.dialog is not None and returns.dialog.isVisible(), timeout=10_000)
    asks = returns.dialog.findChild(QLabel, "approval.action").text()
    assert f"特批第 {second} 行" in asks and sale.receipt_no in asks  # what the manager overrides
    dialog, manager = returns.dialog, demo_operator("manager")
    for field, text in ((dialog.manager_id, manager.id), (dialog.pin, manager.pin), (dialog.reason, "包装已拆但质量问题")):
        qtbot.waitUntil(lambda field=field: QApplication.focusWidget() is field, timeout=5_000)
        type_text(qtbot, text)
        press(qtbot, K.Key_Return)  # the next field; from the reason: approve
    qtbot.waitUntil(lambda: returns.done_banner.isVisible(), timeout=10_000)
    assert "退款" in returns.done_banner.text()
    with shell.terminal.db.read() as s:
        approved_by = s.scalars(select(Return)).one().approved_by
        kept = {r.line_no: r.disposition for r in s.scalars(select(ReturnLine))}
        reasons = {r.line_no: r.reason_code for r in s.scalars(select(ReturnLine))}
        audit = json.loads(s.scalars(select(AuditEntry.details).where(AuditEntry.action == "return.completed")).one())
    assert kept == {first: "vendor", second: "damaged"} and approved_by == manager.id
    assert reasons == {first: "damaged", second: "wrong_item"}
    assert audit["override"]["reason"] == "包装已拆但质量问题" and audit["override"]["lines"][0][0] == second
    if os.environ.get("UPDATE_SCREENSHOTS"):
        for path in shots:
            shutil.copy(path, DOCS / path.name)
