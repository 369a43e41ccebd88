"""The checkout says when no shift is open and offers the Shift screen; the next operator
to sign in is told the previous one's sale was parked for them, and is not handed it."""

from __future__ import annotations

from checkout_helpers import open_checkout
from sqlalchemy import select

from store_client.domain.roles import Role
from store_client.persistence.models import Product, Sale
from store_client.services.auth import Actor
from tests.ui.conftest import demo_operator


def a_barcode(shell) -> str:  # type: ignore[no-untyped-def]
    with shell.terminal.db.read() as s:
        sku = s.scalar(select(Product.sku).where(Product.active, Product.unit == "each")
                       .order_by(Product.id).limit(1))
    return shell.window.services.catalog.by_code(sku).barcodes[0]


def close_the_shift(shell) -> None:  # type: ignore[no-untyped-def]
    shifts = shell.window.services.shifts
    manager = demo_operator("manager")
    actor = Actor(manager.id, manager.name, Role.MANAGER)
    expected = shifts.x_report(actor, print_it=False).figures.expected_cash_fen
    shifts.close_shift(actor, total_fen=expected, confirm_unsynced=True)


def test_no_shift_open_refuses_the_first_item_and_offers_the_shift_screen(
        make_shell, qtbot) -> None:  # type: ignore[no-untyped-def]
    shell, screen = open_checkout(make_shell, qtbot, role="manager", locale="zh_CN")
    close_the_shift(shell)
    screen.handle_scan(a_barcode(shell))
    shell.settle()
    assert screen.model.rowCount() == 0
    assert "开班" in screen.message.text() and screen.message.property("kind") == "error"
    assert screen.action_offer.isVisible() and screen.action_offer.text() == "开班"
    screen.action_offer.click()
    shell.settle()
    assert shell.window.stack.currentWidget() is shell.window.screens["shift"]
    with shell.terminal.db.read() as s:
        assert s.scalar(select(Sale.id).limit(1)) is None


def test_the_next_operator_is_told_the_sale_was_parked_for_its_owner(
        make_shell, qtbot) -> None:  # type: ignore[no-untyped-def]
    shell, screen = open_checkout(make_shell, qtbot, role="cashier", locale="en")
    screen.handle_scan(a_barcode(shell))
    shell.settle()
    assert screen.model.rowCount() == 1
    first = demo_operator("cashier")
    shell.window.sign_out()
    manager = demo_operator("manager")
    shell.sign_in(manager.id, manager.pin)
    screen = shell.window.screens["checkout"]
    shell.settle()
    assert screen.model.rowCount() == 0  # not inherited
    assert first.id in screen.message.text() and "parked" in screen.message.text()
    parked = shell.window.services.checkout.parked_carts()
    assert [p.operator_id for p in parked] == [first.id]


def test_a_refund_with_no_shift_open_is_refused_and_offers_the_shift_screen(
        make_shell, qtbot) -> None:  # type: ignore[no-untyped-def]
    shell, screen = open_checkout(make_shell, qtbot, role="manager", locale="zh_CN")
    services, actor = shell.window.services, shell.window.actor
    services.checkout.add_product(actor, services.catalog.by_code(a_barcode(shell)).sku)
    view = services.checkout.add_tender(actor, "cash", services.checkout.current_cart(actor).due_fen)
    done = services.checkout.complete(actor, cart_id=view.cart_id)
    close_the_shift(shell)
    shell.window.open_screen("returns")
    returns = shell.window.screens["returns"]
    returns.load_receipt(done.receipt_no)
    shell.settle()
    returns.select_all()
    returns.reason.setCurrentIndex(returns.reason.findData("changed_mind"))
    returns.refund()
    shell.settle()
    assert "开班" in returns.message.text() and returns.open_shift_button.isVisible()
    returns.open_shift_button.click()
    shell.settle()
    assert shell.window.stack.currentWidget() is shell.window.screens["shift"]
