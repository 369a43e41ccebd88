"""An exchange by key events only, in the Chinese till: the receipt scanned, the line
chosen, F9 on Returns, the new item scanned, F11 and F2 (the difference in exact cash).
And the refusals on the way: nothing selected, an exchange cancelled with Shift+F9."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select
from test_checkout_end_to_end import real_checkout, shop_items
from test_keyboard_workflows import Keyboard, open_shift_by_service, wait_focus_in

from store_client.persistence.models import Exchange, OutboxEvent, Return, Sale, SaleTender

K = Qt.Key
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"[A-Za-z]{3,}")  # a word of English (receipt numbers are S001-T01-…)


@pytest.fixture
def zh_till(make_shell, qtbot):  # type: ignore[no-untyped-def]
    shell = make_shell(locale="zh_CN")
    shell.window.services.checkout = real_checkout([])(shell)
    open_shift_by_service(shell)
    shell.window.activateWindow()
    wait_focus_in(qtbot, shell.window.login.operator_id)
    keys = Keyboard(qtbot)
    keys.sign_in(shell, "manager")
    return shell, keys


def counts(shell) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    with shell.terminal.db.read() as s:
        return (s.scalar(select(func.count()).select_from(Return)),
                s.scalar(select(func.count()).select_from(Sale)),
                s.scalar(select(func.count()).select_from(Exchange)),
                s.scalar(select(func.count()).select_from(OutboxEvent)))


def chinese_only(text: str) -> bool:
    return bool(CJK.search(text)) and not ENGLISH.search(text.replace("Shift", "").replace("F9", ""))


def sell_by_keys(shell, keys, qtbot, code):  # type: ignore[no-untyped-def]
    screen = shell.window.screens["checkout"]
    wait_focus_in(qtbot, screen.entry)
    keys.scan(code)
    shell.settle()
    keys.press(K.Key_F11)
    shell.settle()
    wait_focus_in(qtbot, screen.dialog)
    keys.press(K.Key_F2)  # exact cash
    shell.settle()
    shell.settle()
    qtbot.waitUntil(lambda: screen.last_sale is not None, timeout=5000)
    wait_focus_in(qtbot, screen.entry)
    return screen, screen.last_sale


def to_returns(shell, keys, qtbot, receipt_no):  # type: ignore[no-untyped-def]
    keys.scan(receipt_no)  # the receipt scanned at the till opens Returns with the sale
    shell.settle()
    returns = shell.window.screens["returns"]
    qtbot.waitUntil(lambda: returns.sale is not None, timeout=5000)
    wait_focus_in(qtbot, returns)
    return returns


def test_a_swap_for_a_dearer_item_by_keys_in_chinese(zh_till, qtbot) -> None:
    shell, keys = zh_till
    codes, prices, _plu, _ = shop_items(shell)
    cheap, dear = sorted(zip(prices, codes, strict=True))
    screen, original = sell_by_keys(shell, keys, qtbot, cheap[1])
    returns = to_returns(shell, keys, qtbot, original.receipt_no)

    keys.press(K.Key_F9)  # nothing selected: refused on the screen, in Chinese, nothing written
    shell.settle()
    before = counts(shell)
    assert chinese_only(returns.message.text()), returns.message.text()
    keys.press(K.Key_F6)
    keys.press(K.Key_Plus)  # one of the line
    qtbot.waitUntil(lambda: returns.selection() != (), timeout=2000)
    keys.press(K.Key_F9)  # no reason yet: refused
    shell.settle()
    assert chinese_only(returns.message.text()) and counts(shell) == before
    keys.press(K.Key_F7)
    keys.press(K.Key_Down)  # the first reason
    keys.press(K.Key_F9)  # the exchange: its value goes to the checkout as credit
    shell.settle()
    qtbot.waitUntil(lambda: shell.window.stack.currentWidget() is screen, timeout=5000)
    bar = screen.exchange_bar
    qtbot.waitUntil(bar.isVisible, timeout=3000)
    assert original.receipt_no in bar.text() and chinese_only(bar.text()), bar.text()
    assert counts(shell) == before  # nothing written yet
    wait_focus_in(qtbot, screen.entry)

    keys.scan(dear[1])  # the other size / colour: the second scan
    shell.settle()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=3000)
    keys.press(K.Key_F11)  # the credit first, then the payment dialog for the difference
    shell.settle()
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.isVisible(), timeout=5000)
    dialog = screen.dialog
    wait_focus_in(qtbot, dialog)
    assert dialog.cart.due_fen == dear[0] - cheap[0]
    assert chinese_only(bar.text()) and "换货" in dialog.tenders.item(0).text()
    keys.press(K.Key_F2)  # exact cash for the difference: the exchange completes
    shell.settle()
    shell.settle()
    qtbot.waitUntil(lambda: screen.done_banner.isVisible() and "换货" in screen.done_banner.text(), timeout=5000)
    assert chinese_only(screen.done_banner.text()), screen.done_banner.text()
    assert not bar.isVisible()
    returned, sold, exchanged, _events = counts(shell)
    assert (returned, sold, exchanged) == (before[0] + 1, before[1] + 1, 1)
    with shell.terminal.db.read() as s:
        link = s.scalars(select(Exchange)).one()
        assert (link.credit_fen, link.due_fen, link.refund_fen) == (cheap[0], dear[0] - cheap[0], 0)
        assert sorted((t.kind, t.amount_fen) for t in s.scalars(
            select(SaleTender).where(SaleTender.sale_id == link.sale_id))) == [
            ("cash", dear[0] - cheap[0]), ("exchange", cheap[0])]
    wait_focus_in(qtbot, screen.entry)  # the keyboard goes on working


def test_an_exchange_cancelled_with_shift_f9_writes_nothing(zh_till, qtbot) -> None:
    shell, keys = zh_till
    codes, _prices, _plu, _ = shop_items(shell)
    screen, original = sell_by_keys(shell, keys, qtbot, codes[0])
    returns = to_returns(shell, keys, qtbot, original.receipt_no)
    keys.press(K.Key_F3)  # everything
    keys.press(K.Key_F7)
    keys.press(K.Key_Down)
    keys.press(K.Key_F9)
    shell.settle()
    qtbot.waitUntil(lambda: screen.exchange_bar.isVisible(), timeout=5000)
    wait_focus_in(qtbot, screen.entry)
    keys.press(K.Key_F11)  # the new sale is empty: refused in Chinese
    shell.settle()
    qtbot.waitUntil(lambda: bool(screen.message.text()), timeout=3000)
    assert chinese_only(screen.message.text()), screen.message.text()
    before = counts(shell)
    keys.scan(codes[0])
    shell.settle()
    keys.press(K.Key_F9, Qt.KeyboardModifier.ShiftModifier)  # cancel the exchange
    shell.settle()
    qtbot.waitUntil(lambda: not screen.exchange_bar.isVisible(), timeout=3000)
    assert chinese_only(screen.message.text()), screen.message.text()
    assert counts(shell)[:3] == before[:3] and screen.model.rowCount() == 1  # the item stays: a sale
    assert returns.sale is None or returns.sale.receipt_no == original.receipt_no
