"""Bad input and approvals through the UI on the real backend: a clear message, nothing lost."""

from __future__ import annotations

from checkout_helpers import burst, column, open_checkout, refocus
from PySide6.QtCore import Qt
from test_checkout_end_to_end import real_checkout, shop_items

from store_client.domain.money import Money
from store_client.services.checkout import CheckoutService
from store_client.services.payments import SimulatorAdapter
from store_client.ui.approval_dialog import ApprovalDialog


def test_bad_check_digit_and_unknown_codes_are_explained_and_change_nothing(make_shell, qtbot) -> None:
    shell, screen = open_checkout(make_shell, qtbot, service=real_checkout([]))
    codes, _prices, _plu, _apple = shop_items(shell)
    burst(codes[0])
    shell.settle()
    before = screen.cart
    bad = codes[0][:-1] + str((int(codes[0][-1]) + 1) % 10)
    burst(bad)
    shell.settle()
    assert screen.message.property("kind") == "error" and "check digit" in screen.message.text().lower()
    assert screen.cart == before and screen.model.rowCount() == 1
    burst("6900000000000" if codes[0] != "6900000000000" else "6900000000017")
    shell.settle()
    assert screen.search_offer.isVisible() and screen.cart == before
    burst("R001-T01-000123")  # a receipt: the Returns screen takes it, the cart is untouched
    shell.settle()
    returns = shell.window.screens["returns"]
    assert shell.window.stack.currentWidget() is returns
    # not a sale of this till, and no HQ to ask (none configured here): said so, nothing loaded
    qtbot.waitUntil(lambda: "HQ cannot be reached" in returns.message.text(), timeout=5000)
    assert returns.receipt.text() == "R001-T01-000123" and returns.sale is None
    assert screen.cart == before and screen.model.rowCount() == 1
    shell.window.open_screen("checkout")
    burst("PK12345678")  # a pick-up code, longer than this store's: Pick-up says so
    shell.settle()
    pickup = shell.window.screens["pickup"]
    assert shell.window.stack.currentWidget() is pickup
    assert "12345678 is not a pick-up code" in pickup.message.text() and pickup.code_input.text() == ""
    assert screen.cart == before


def test_quantity_over_the_maximum_is_refused_by_the_backend(make_shell, qtbot) -> None:
    shell, screen = open_checkout(make_shell, qtbot, service=real_checkout([]))
    codes, *_ = shop_items(shell)
    burst(codes[0])
    shell.settle()
    qtbot.keyClick(screen.entry, Qt.Key.Key_F4)
    screen.dialog.input.setText("5000")
    screen.dialog.attempt()
    shell.settle()
    assert screen.message.property("kind") == "error" and screen.message.text()
    assert column(screen, "quantity") == ["1"]


def test_price_override_needs_a_manager_and_is_marked_on_the_line(make_shell, qtbot) -> None:
    from tests.ui.conftest import demo_operator

    shell, screen = open_checkout(make_shell, qtbot, service=real_checkout([]))
    codes, prices, *_ = shop_items(shell)
    burst(codes[0])
    shell.settle()
    qtbot.keyClick(screen.entry, Qt.Key.Key_F10)
    dialog = screen.dialog
    assert dialog.mode.currentData() == "price"
    new_price = max(1, prices[0] // 2)
    dialog.value.setText(f"{new_price // 100}.{new_price % 100:02d}")
    dialog.attempt()
    assert dialog.isVisible() and dialog.message.text()  # no reason given yet
    dialog.reason.setCurrentIndex(0)
    dialog.attempt()
    shell.settle()
    approval = screen.dialog
    assert isinstance(approval, ApprovalDialog)
    assert screen.cart.lines[0].unit_price_fen == prices[0]
    manager = demo_operator("manager")
    approval.manager_id.setText(manager.id)
    approval.pin.setText(manager.pin)
    approval.reason.setText("price match with the flyer")
    approval.attempt()
    shell.settle()
    shell.settle()
    assert screen.cart.lines[0].unit_price_fen == new_price and screen.cart.lines[0].overridden
    assert column(screen, "name")[0].endswith(" *")
    assert column(screen, "unit_price") == [Money(new_price).format("en")]
    assert "sale.price_override" in shell.audit_actions()


def test_suspend_then_resume_brings_the_same_lines_back(make_shell, qtbot) -> None:
    shell, screen = open_checkout(make_shell, qtbot, service=real_checkout([]))
    codes, *_ = shop_items(shell)
    for code in codes:
        burst(code)
        shell.settle()
    names = column(screen, "name")
    qtbot.keyClick(screen.entry, Qt.Key.Key_F7)
    shell.settle()
    assert screen.model.rowCount() == 0 and "F7" in screen.message.text()
    qtbot.keyClick(screen.entry, Qt.Key.Key_F7)
    shell.settle()
    dialog = screen.dialog
    assert dialog.list.count() == 1 and "2" in dialog.list.item(0).text()
    dialog.attempt()
    shell.settle()
    assert column(screen, "name") == names
    refocus(shell, screen, qtbot)


def test_mobile_payment_is_shown_unavailable_offline(make_shell, qtbot) -> None:
    def offline(shell):  # type: ignore[no-untyped-def]
        services = shell.window.services
        return CheckoutService(shell.terminal.db, shell.terminal.clock, services.audit, services.authorizer,
                               services.catalog, config=shell.terminal.config,
                               payments=SimulatorAdapter(online=False))

    shell, screen = open_checkout(make_shell, qtbot, service=offline)
    codes, *_ = shop_items(shell)
    burst(codes[0])
    shell.settle()
    qtbot.keyClick(screen.entry, Qt.Key.Key_F11)
    shell.settle()
    dialog = screen.dialog
    assert not dialog.mobile_available and not dialog.mobile_button.isEnabled()
    assert dialog.mobile_state.text()
    assert not dialog.points_button.isEnabled()  # no member: no points
    qtbot.mouseClick(dialog.quick_buttons[0], Qt.MouseButton.LeftButton)  # exact cash
    shell.settle()
    shell.settle()
    assert screen.last_sale is not None and screen.last_sale.change_fen == 0
    assert screen.last_sale.paid_fen == screen.last_sale.total_fen > 0


def test_a_restarted_till_shows_the_cart_in_progress(make_shell, qtbot) -> None:
    shell, screen = open_checkout(make_shell, qtbot, service=real_checkout([]))
    codes, *_ = shop_items(shell)
    for code in codes:
        burst(code)
        shell.settle()
    names, cart_id = column(screen, "name"), screen.cart.cart_id
    # a second till process on the same database (as after a crash): a fresh service and screen
    _again, restored = open_checkout(make_shell, qtbot, service=real_checkout([]))
    assert restored is not screen and _again.window.services.checkout is not shell.window.services.checkout
    assert restored.cart.cart_id == cart_id and column(restored, "name") == names
    assert restored.side.total.text() == screen.side.total.text()
    assert restored.restored_banner.isVisible() and "restored" in restored.restored_banner.text()
    assert not screen.restored_banner.isVisible()  # the till that was never stopped says nothing
    burst(codes[0])  # the next scan: the cashier has seen it
    _again.settle()
    assert not restored.restored_banner.isVisible()
