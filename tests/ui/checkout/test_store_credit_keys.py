"""Paying part of a sale with a store credit note by key events only, in the Chinese till:
F11, Shift+F8 (the note's page), the note scanned, F6 and F2 for the rest in exact cash. A forged
code and an empty one are refused on the dialog in Chinese, and nothing is taken."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select
from test_checkout_end_to_end import real_checkout, shop_items
from test_keyboard_workflows import Keyboard, open_shift_by_service, wait_focus_in

from store_client.persistence.models import SaleTender
from store_client.persistence.no_receipt_models import CreditNote
from store_client.services.store_credit import StoreCreditPayments
from sync.protocol import credit_codes

K = Qt.Key
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"[A-Za-z]{3,}")


@pytest.fixture
def zh_till(make_shell, qtbot):  # type: ignore[no-untyped-def]
    shell = make_shell(locale="zh_CN")
    service = real_checkout([])(shell)
    service.store_credit = StoreCreditPayments(shell.terminal.db, shell.terminal.clock, shell.window.services.audit,
                                               client=None)  # HQ not reached: this till's own notes only
    shell.window.services.checkout = service
    open_shift_by_service(shell)
    shell.window.activateWindow()
    wait_focus_in(qtbot, shell.window.login.operator_id)
    keys = Keyboard(qtbot)
    keys.sign_in(shell, "cashier")
    return shell, keys


def own_note(shell, amount: int) -> str:  # type: ignore[no-untyped-def]
    code = credit_codes.new_credit_code()
    with shell.terminal.db.transaction() as s:
        s.add(CreditNote(code=code, amount_fen=amount, remaining_fen=amount, return_id="r-" + code,
                         issued_at="2026-06-01T10:00:00+00:00"))
    return code


def test_a_note_pays_part_of_a_sale_and_exact_cash_the_rest_by_keys_in_chinese(zh_till, qtbot) -> None:
    shell, keys = zh_till
    codes, prices, _plu, _ = shop_items(shell)
    code = own_note(shell, 300)
    screen = shell.window.screens["checkout"]
    wait_focus_in(qtbot, screen.entry)
    keys.scan(codes[0])
    shell.settle()
    keys.press(K.Key_F11)
    shell.settle()
    dialog = screen.dialog
    wait_focus_in(qtbot, dialog)
    keys.press(K.Key_F8, Qt.KeyboardModifier.ShiftModifier)  # the store credit page
    shell.settle()
    assert QApplication.focusWidget() is dialog.credit_code
    assert CJK.search(dialog.tabs.tabText(4)) and "Shift+F8" in dialog.tabs.tabText(4)

    keys.press(K.Key_Return)  # nothing scanned yet: said on the dialog
    shell.settle()
    assert CJK.search(dialog.message.text()) and not ENGLISH.search(dialog.message.text())
    keys.scan("CN" + "0" * 14)  # check digits wrong
    shell.settle()
    qtbot.waitUntil(lambda: bool(dialog.message.text()) and not dialog.busy, timeout=5000)
    assert CJK.search(dialog.message.text()) and not ENGLISH.search(dialog.message.text())
    assert dialog.tenders.count() == 0

    wait_focus_in(qtbot, dialog.credit_code)  # back in the field, the refused code selected
    keys.scan(code)
    shell.settle()
    qtbot.waitUntil(lambda: dialog.tenders.count() == 1 or bool(dialog.message.text() and not dialog.busy), timeout=5000)
    assert dialog.tenders.count() == 1, (dialog.message.text(), QApplication.focusWidget())
    row = dialog.tenders.item(0).text()
    assert code[-4:] in row and code not in row and CJK.search(row)
    assert dialog.cart.due_fen == prices[0] - 300
    keys.press(K.Key_F6)  # back to the cash page (its quick amounts work only while it is shown)
    shell.settle()
    keys.press(K.Key_F2)  # the rest in exact cash: the sale completes
    shell.settle()
    qtbot.waitUntil(lambda: screen.last_sale is not None or bool(dialog.message.text() and not dialog.busy), timeout=5000)
    assert screen.last_sale is not None, (dialog.message.text(), QApplication.focusWidget(), dialog.tenders.count())
    with shell.terminal.db.read() as s:
        tenders = s.execute(select(SaleTender.kind, SaleTender.amount_fen).order_by(SaleTender.seq)).all()
        assert s.get(CreditNote, code).remaining_fen == 0
    assert [tuple(t) for t in tenders] == [("store_credit", 300), ("cash", prices[0] - 300)]
