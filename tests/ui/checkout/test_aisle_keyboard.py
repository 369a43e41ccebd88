"""Endless aisle by keys only, in Chinese: F3 finds an item out here, F5 orders it from the
nearby store, the customer pays, and the receipt says where it comes from and when, with
the pick-up code. A refusal (more than the store has) is said in Chinese in the dialog."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from test_keyboard_workflows import Keyboard, open_shift_by_service, wait_focus_in
from PySide6.QtCore import Qt
from sqlalchemy import text

from store_client import store_time
from store_client.clock import iso
from store_client.ui.checkout.aisle_dialog import AisleDialog

K = Qt.Key
PHONE = "13912348000"


def put_elsewhere(shell, sku: str) -> None:  # type: ignore[no-untyped-def]
    """Nothing of ``sku`` on this till; 3 in 静安寺店 (2.8 km), 40 in the warehouse."""
    now = shell.terminal.clock.now()
    with shell.terminal.db.transaction() as s:
        for site, name, kind, on_hand, metres in (("S002", "静安寺店", "store", 3, 2_800),
                                                  ("W01", "嘉定仓", "warehouse", 40, 25_500)):
            row = {"sku": sku, "site_id": site, "name": name, "kind": kind, "distance_m": metres,
                   "on_hand": on_hand, "as_of": iso(now - timedelta(minutes=2))}
            s.execute(text("INSERT OR REPLACE INTO sync_rows (dataset, key, data) VALUES ('stock_nearby', :k, :d)"),
                      {"k": f"{sku}|{site}", "d": json.dumps(row, ensure_ascii=False)})


@pytest.mark.serial
def test_order_from_a_nearby_store_and_pay_by_keys_in_chinese(make_shell, qtbot) -> None:
    shell = make_shell(locale="zh_CN")
    open_shift_by_service(shell)
    product = next(p for p in shell.window.services.catalog.search("HOM", limit=20) if p.unit == "each")
    put_elsewhere(shell, product.sku)
    shell.window.activateWindow()
    wait_focus_in(qtbot, shell.window.login.operator_id)
    keys = Keyboard(qtbot)
    keys.sign_in(shell, "cashier")
    screen = shell.window.screens["checkout"]
    wait_focus_in(qtbot, screen.entry)

    keys.press(K.Key_F3)  # find the item
    search = screen.dialog
    wait_focus_in(qtbot, search.query)
    keys.type(product.sku)
    qtbot.waitUntil(lambda: search.model.rowCount() >= 1 and not search._search.waiting, timeout=5000)
    keys.press(K.Key_F5)  # order it from elsewhere
    qtbot.waitUntil(lambda: isinstance(screen.dialog, AisleDialog), timeout=5000)
    dialog = screen.dialog
    wait_focus_in(qtbot, dialog.table)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=5000)
    assert dialog.table.item(0, 0).text() == "静安寺店 · 2.8 公里" and dialog.table.item(0, 1).text() == "3"
    assert "仓库" in dialog.table.item(1, 0).text()
    assert dialog.selected().site_id == "S002"  # the nearest with stock, chosen already

    keys.press(K.Key_Tab)  # quantity
    keys.press(K.Key_Up)
    keys.press(K.Key_Up)
    keys.press(K.Key_Up)  # 4: more than the store has
    keys.press(K.Key_Tab)  # fulfilment: pick up here
    keys.press(K.Key_Tab)  # mobile
    keys.type(PHONE)
    keys.press(K.Key_Return)
    qtbot.waitUntil(lambda: "库存" in dialog.message.text(), timeout=5000)
    assert dialog.isVisible() and re.search(r"[A-Za-z]{3,}", dialog.message.text()) is None, dialog.message.text()

    keys.press(K.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    keys.press(K.Key_Tab, Qt.KeyboardModifier.ShiftModifier)  # back to the quantity
    keys.press(K.Key_Down)
    keys.press(K.Key_Down)  # 2
    keys.press(K.Key_Tab)
    keys.press(K.Key_Tab)
    keys.press(K.Key_Return)
    qtbot.waitUntil(lambda: screen.dialog is None and screen.model.rowCount() == 1, timeout=5000)
    wait_focus_in(qtbot, screen.entry)

    keys.press(K.Key_Space)  # pay
    qtbot.waitUntil(lambda: screen.dialog is not None, timeout=5000)
    wait_focus_in(qtbot, screen.dialog)
    keys.press(K.Key_F2)  # exact cash
    qtbot.waitUntil(lambda: screen.last_sale is not None, timeout=5000)
    receipt = screen.last_sale.receipt_text
    day = store_time.to_store(shell.terminal.clock.now() + timedelta(days=1))
    assert f"订货：静安寺店（门店）调货，预计{day.month}月{day.day}日到店自提" in receipt
    assert re.search(r"到店自提取货码 \d{6}（凭手机尾号 8000）", receipt)
    assert PHONE not in receipt
