"""Returns through the real UI: a receipt scanned at the checkout opens Returns with the sale."""

from __future__ import annotations

import json

from checkout_helpers import burst, open_checkout
from PySide6.QtWidgets import QApplication, QCheckBox, QToolButton
from sqlalchemy import func, select

from store_client.domain.money import Money, round_half_up
from store_client.persistence.models import OutboxEvent, Product, Return, ReturnLine
from store_client.ui.approval_dialog import ApprovalDialog
from store_client.ui.screens.returns_screen import QuantityEdit
from tests.ui.conftest import demo_operator


def make_sale(shell, quantities=(3, 1)):  # type: ignore[no-untyped-def]
    """A cash sale of two products sold by the piece, through the terminal's checkout service."""
    services, actor = shell.window.services, shell.window.actor
    with shell.terminal.db.read() as s:
        skus = list(s.scalars(select(Product.sku).where(Product.unit == "each",
                                                        Product.active.is_(True))
                              .order_by(Product.id).limit(len(quantities))))
    co = services.checkout
    view = None
    for sku, quantity in zip(skus, quantities, strict=True):
        view = co.add_product(actor, sku, 1)
        if quantity > 1:
            view = co.set_quantity(actor, view.lines[-1].line_id, quantity)
    view = co.add_tender(actor, "cash", view.due_fen + 1000)
    return co.complete(actor, cart_id=view.cart_id)


def returns_written(shell) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with shell.terminal.db.read() as s:
        return (s.scalar(select(func.count()).select_from(Return)),
                s.scalar(select(func.count()).select_from(OutboxEvent)
                         .where(OutboxEvent.kind == "return.completed")))


def scan_at_checkout(shell, qtbot, checkout, receipt_no):  # type: ignore[no-untyped-def]
    checkout.entry.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is checkout.entry, timeout=3000)
    burst(receipt_no)
    shell.settle()
    returns = shell.window.screens["returns"]
    qtbot.waitUntil(lambda: returns.sale is not None, timeout=5000)
    return returns


def test_scanned_receipt_opens_returns_and_one_line_is_refunded(make_shell, qtbot) -> None:
    shell, checkout = open_checkout(make_shell, qtbot, role="manager")
    sale = make_sale(shell)
    returns = scan_at_checkout(shell, qtbot, checkout, sale.receipt_no)
    assert shell.window.stack.currentWidget() is returns
    assert returns.sale.receipt_no == sale.receipt_no and returns.table.rowCount() == 2
    assert sale.receipt_no in returns.sale_info.text()
    first = returns.sale.lines[0]
    editor = returns.table.cellWidget(0, 5).findChild(QuantityEdit, f"returns.qty.{first.line_no}")
    assert editor is not None and editor.maximum() == first.sold.quantity == 3
    assert not returns.refund_button.isEnabled()  # nothing selected yet
    more = returns.findChild(QToolButton, f"returns.more.{first.line_no}")
    more.click()
    more.click()
    assert editor.value() == 2
    returns.findChild(QToolButton, f"returns.less.{first.line_no}").click()
    assert editor.value() == 1
    expected = round_half_up(first.sold.net_fen, 3)
    assert returns.total.text() == Money(expected).format("en")
    assert returns.refund_button.isEnabled()
    returns.refund_button.click()  # no reason chosen: refused on the screen, nothing written
    shell.settle()
    assert "reason" in returns.message.text().lower() and returns_written(shell) == (0, 0)
    returns.reason.setCurrentIndex(returns.reason.findData("damaged"))
    returns.refund_button.click()
    returns.refund_button.click()  # a double click: the button is off while the refund runs
    shell.settle()
    qtbot.waitUntil(lambda: returns.last_return is not None, timeout=5000)
    done = returns.last_return
    assert done.refund_fen == expected and not done.repeated
    assert returns.done_banner.isVisible() and done.return_no in returns.done_banner.text()
    assert Money(expected).format("en") in returns.done_banner.text()
    assert returns_written(shell) == (1, 1)
    with shell.terminal.db.read() as s:
        row = s.scalars(select(Return)).one()
        assert (row.receipt_no, row.refund_fen, row.reason_code) == (sale.receipt_no, expected, "damaged")
        assert [(r.line_no, r.quantity) for r in s.scalars(select(ReturnLine))] == [(first.line_no, 1)]
        event = s.scalars(select(OutboxEvent).where(OutboxEvent.kind == "return.completed")).one()
        assert json.loads(event.payload)["return_id"] == row.id
    qtbot.waitUntil(lambda: returns.sale is not None and returns.sale.lines[0].sold.returned_quantity == 1,
                    timeout=5000)  # reloaded: what is left, under a new request id
    assert returns.table.item(0, 2).text() == "1"


def test_cashier_refund_needs_approval_and_scans_wait_while_it_is_open(make_shell, qtbot) -> None:
    shell, checkout = open_checkout(make_shell, qtbot, role="cashier")
    sale = make_sale(shell, quantities=(1, 1))
    other = make_sale(shell, quantities=(1, 1))
    returns = scan_at_checkout(shell, qtbot, checkout, sale.receipt_no)
    returns.select_all()
    assert returns.total.text() == Money(sale.total_fen).format("en")
    returns.reason.setCurrentIndex(returns.reason.findData("other"))
    returns.refund_button.click()
    assert "describe" in returns.message.text().lower()
    returns.reason_text.setText("gift, duplicate")
    returns.refund_button.click()
    shell.settle()
    qtbot.waitUntil(lambda: isinstance(returns.dialog, ApprovalDialog), timeout=5000)
    approval = returns.dialog
    burst(other.receipt_no)  # a scan burst while the approval dialog is open loads nothing
    returns.handle_scan(other.receipt_no)  # nor does one from a serial scanner
    shell.settle()
    assert approval.isVisible() and returns.dialog is approval
    assert returns.sale.receipt_no == sale.receipt_no and returns_written(shell) == (0, 0)
    manager = demo_operator("manager")
    approval.manager_id.setText(manager.id)
    approval.pin.setText(manager.pin)
    approval.reason.setText("customer returns a gift")
    approval.attempt()
    shell.settle()
    qtbot.waitUntil(lambda: returns.last_return is not None, timeout=5000)
    assert returns.last_return.refund_fen == sale.total_fen
    assert returns_written(shell) == (1, 1)
    with shell.terminal.db.read() as s:
        row = s.scalars(select(Return)).one()
        assert (row.operator_id, row.approved_by, row.reason_text) == (
            demo_operator("cashier").id, manager.id, "gift, duplicate")
    qtbot.waitUntil(lambda: returns.sale is not None and returns.sale.fully_returned, timeout=5000)
    assert "already been returned" in returns.message.text()
    assert not any(isinstance(w, (QuantityEdit, QCheckBox)) and w.isEnabled()
                   for w in returns._editors.values())


def test_unknown_receipt_is_asked_of_hq_and_offline_says_so(make_shell, qtbot) -> None:
    """Not sold here: another till's receipt is found through HQ; a till without HQ says why not."""
    shell, _checkout = open_checkout(make_shell, qtbot, role="manager")
    shell.window.open_screen("returns")
    returns = shell.window.screens["returns"]
    store, terminal = shell.terminal.config.store_id, shell.terminal.config.terminal_id
    returns.load_receipt(f"{store}-{terminal}-999999")
    shell.settle()
    qtbot.waitUntil(lambda: "HQ cannot be reached" in returns.message.text(), timeout=5000)
    assert returns.sale is None and returns.table.rowCount() == 0
    assert returns_written(shell) == (0, 0)


def test_a_cashiers_refund_approved_with_enter_refunds_once(make_shell, qtbot) -> None:
    """The reported bug: Enter recorded the approval, then the refund was refused."""
    from PySide6.QtCore import Qt

    shell, checkout = open_checkout(make_shell, qtbot, role="cashier")
    sale = make_sale(shell, quantities=(1, 1))
    returns = scan_at_checkout(shell, qtbot, checkout, sale.receipt_no)
    returns.select_all()
    returns.reason.setCurrentIndex(returns.reason.findData("damaged"))
    returns.refund_button.click()
    shell.settle()
    qtbot.waitUntil(lambda: isinstance(returns.dialog, ApprovalDialog), timeout=5000)
    approval = returns.dialog
    manager = demo_operator("manager")
    qtbot.keyClicks(approval.manager_id, manager.id)
    qtbot.keyClick(approval.manager_id, Qt.Key.Key_Return)
    qtbot.keyClicks(approval.pin, manager.pin)
    qtbot.keyClick(approval.pin, Qt.Key.Key_Return)
    qtbot.keyClicks(approval.reason, "box crushed in transport")
    qtbot.keyClick(approval.reason, Qt.Key.Key_Return)
    shell.settle()
    qtbot.waitUntil(lambda: returns.last_return is not None, timeout=5000)
    assert returns.last_return.refund_fen == sale.total_fen and not returns.last_return.repeated
    assert returns_written(shell) == (1, 1)
    actions = shell.audit_actions()
    assert actions.count("approval.granted") == 1 and actions.count("approval.used") == 1
    assert actions.count("return.completed") == 1
    assert "approval" not in returns.message.text().lower()
