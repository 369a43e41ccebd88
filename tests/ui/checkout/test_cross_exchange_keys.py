"""An exchange of another store's sale by key events only, in the Chinese till, against the
reference HQ on 127.0.0.1 (docs/returns.md, "Exchanges"): store S002's receipt scanned at the
checkout opens Returns with the sale found at HQ, F6 and + take one unit, F7 and Down the
reason, F9 carries its value to the checkout, the new item is scanned, F11 puts the credit
first and F2 pays the rest in exact cash. HQ holds the returned unit; the till wrote the new
sale, the return and their link together."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select
from test_checkout_end_to_end import real_checkout
from test_exchange_keys import chinese_only
from test_keyboard_workflows import Keyboard, open_shift_by_service, wait_focus_in

from store_client.persistence.models import Barcode, CrossExchange, CrossReturn, Product, SaleTender
from sync.hq import cross_returns as hq_cross
from sync.hq.embedded import HQServer
from sync.hq.returnables import ReturnablesService
from sync.hq.service import HQService, make_engine
from sync.terminal.runner import SyncRunner
from sync.terminal.transport import HQClient
from tests.integration.sync.online_returns_world import store_b_sale

K = Qt.Key


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HQServer]:
    service = HQService(make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}"))
    server = HQServer(service).start()
    yield server
    server.stop()
    service.engine.dispose()


def dearer_item(shell, above_fen: int) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """A barcode of the demo store's catalog that costs more than ``above_fen`` (and its price)."""
    with shell.terminal.db.read() as s:
        code, price = s.execute(select(Barcode.code, Product.price_minor).join(Product, Barcode.product_id == Product.id)
                                .where(Product.unit == "each", Product.active.is_(True),
                                       Product.price_minor > above_fen, Product.price_minor < above_fen + 5000)
                                .order_by(Product.price_minor).limit(1)).one()
    return code, price


@pytest.mark.serial
def test_another_stores_sale_exchanged_for_a_dearer_item_by_keys_in_chinese(make_shell, qtbot, hq) -> None:
    shell = make_shell(locale="zh_CN")
    config = shell.terminal.config
    token = hq.service.issue_token(config.store_id, config.terminal_id)
    services = shell.window.services
    services.checkout = real_checkout([])(shell)
    services.sync_runner = SyncRunner(shell.terminal.db, lambda: HQClient(hq.url, token, timeout=5))  # not started
    open_shift_by_service(shell)
    sale, _qr = store_b_sale(hq.service, seed=9)  # line 1: three at 12.90 each
    shell.window.activateWindow()
    wait_focus_in(qtbot, shell.window.login.operator_id)
    keys = Keyboard(qtbot)
    keys.sign_in(shell, "manager")
    checkout = shell.window.screens["checkout"]
    wait_focus_in(qtbot, checkout.entry)

    keys.scan(sale["receipt_no"])  # another store's receipt: Returns opens and finds it at HQ
    shell.settle()
    returns = shell.window.screens["returns"]
    qtbot.waitUntil(lambda: returns.original is not None, timeout=10_000)
    assert returns.original.store_id == "S002" and chinese_only(returns.sale_info.text()), returns.sale_info.text()
    wait_focus_in(qtbot, returns.table)
    keys.press(K.Key_F6)
    keys.press(K.Key_Plus)  # one unit of line 1
    qtbot.waitUntil(lambda: returns.selection() == ((1, 1),), timeout=2_000)
    keys.press(K.Key_F7)
    keys.press(K.Key_Down)  # the first reason
    keys.press(K.Key_F9)  # its value goes to the checkout as an exchange credit (nothing written yet)
    shell.settle()
    qtbot.waitUntil(lambda: shell.window.stack.currentWidget() is checkout, timeout=5_000)
    bar = checkout.exchange_bar
    qtbot.waitUntil(bar.isVisible, timeout=3_000)
    assert sale["receipt_no"] in bar.text() and chinese_only(bar.text()), bar.text()
    credit = 1290
    assert "12.90" in bar.text()
    wait_focus_in(qtbot, checkout.entry)

    code, price = dearer_item(shell, credit)
    keys.scan(code)
    shell.settle()
    qtbot.waitUntil(lambda: checkout.model.rowCount() == 1, timeout=3_000)
    keys.press(K.Key_F11)  # the credit first, then the payment dialog for the rest
    shell.settle()
    qtbot.waitUntil(lambda: checkout.dialog is not None and checkout.dialog.isVisible(), timeout=5_000)
    dialog = checkout.dialog
    wait_focus_in(qtbot, dialog)
    assert dialog.cart.due_fen == price - credit and "换货" in dialog.tenders.item(0).text()
    assert chinese_only(bar.text()), bar.text()
    keys.press(K.Key_F2)  # exact cash: the exchange is reserved at HQ and written here
    shell.settle()
    shell.settle()
    qtbot.waitUntil(lambda: checkout.done_banner.isVisible() and "换货" in checkout.done_banner.text(),
                    timeout=10_000)
    assert chinese_only(checkout.done_banner.text()), checkout.done_banner.text()
    assert not bar.isVisible()
    with shell.terminal.db.read() as s:
        link = s.scalars(select(CrossExchange)).one()
        ret = s.get(CrossReturn, link.return_id)
        assert (link.credit_fen, link.due_fen, link.refund_fen) == (credit, price - credit, 0)
        assert ret.original_ref == f"sale:{sale['sale_id']}" and ret.reserved_at_hq
        assert sorted((t.kind, t.amount_fen) for t in s.scalars(
            select(SaleTender).where(SaleTender.sale_id == link.sale_id))) == [
            ("cash", price - credit), ("exchange", credit)]
        assert s.scalar(select(func.count()).select_from(CrossReturn)) == 1
    _original, lines, _tenders = ReturnablesService(hq.service.engine, hq_cross.load_original).status(
        f"sale:{sale['sale_id']}")
    assert lines[1].returned == 1  # HQ holds the unit: no other store can return it again
    wait_focus_in(qtbot, checkout.entry)  # the keyboard goes on working


@pytest.mark.serial
def test_cash_instead_is_refused_for_an_exchange_in_chinese_and_nothing_is_written(make_shell, qtbot, hq) -> None:
    from tests.integration.sync.online_returns_world import collected_order, member

    shell = make_shell(locale="zh_CN")
    config = shell.terminal.config
    token = hq.service.issue_token(config.store_id, config.terminal_id)
    shell.window.services.checkout = real_checkout([])(shell)
    shell.window.services.sync_runner = SyncRunner(shell.terminal.db, lambda: HQClient(hq.url, token, timeout=5))
    open_shift_by_service(shell)
    placed = collected_order(hq.service, member(hq.service))
    shell.window.activateWindow()
    wait_focus_in(qtbot, shell.window.login.operator_id)
    keys = Keyboard(qtbot)
    keys.sign_in(shell, "manager")
    keys.press(K.Key_4, Qt.KeyboardModifier.ControlModifier)  # Returns (the rail's fourth screen)
    returns = shell.window.screens["returns"]
    qtbot.waitUntil(lambda: shell.window.stack.currentWidget() is returns, timeout=5_000)
    wait_focus_in(qtbot, returns.receipt)
    keys.type(placed.order_no)
    keys.press(K.Key_Return)
    shell.settle()
    qtbot.waitUntil(lambda: returns.original is not None, timeout=10_000)
    wait_focus_in(qtbot, returns.table)
    keys.press(K.Key_F6)
    keys.press(K.Key_Plus)
    qtbot.waitUntil(lambda: returns.selection() == ((1, 1),), timeout=2_000)
    keys.press(K.Key_F8)  # cash instead of the online payment
    assert returns.cash_instead.isChecked()
    keys.press(K.Key_F7)
    keys.press(K.Key_Down)
    keys.press(K.Key_F9)
    shell.settle()
    qtbot.waitUntil(lambda: "F8" in returns.message.text(), timeout=5_000)
    assert chinese_only(returns.message.text()) and "现金" in returns.message.text(), returns.message.text()
    assert shell.window.stack.currentWidget() is returns and not shell.window.screens["checkout"].exchange_bar.active
    with shell.terminal.db.read() as s:
        assert s.scalar(select(func.count()).select_from(CrossReturn)) == 0
    keys.press(K.Key_F8)  # cash instead off: the exchange goes ahead
    keys.press(K.Key_F9)
    shell.settle()
    checkout = shell.window.screens["checkout"]
    qtbot.waitUntil(lambda: checkout.exchange_bar.isVisible(), timeout=5_000)
    assert placed.order_no in checkout.exchange_bar.text()
