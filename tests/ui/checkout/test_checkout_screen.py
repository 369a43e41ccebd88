"""The checkout screen's own behaviour against the contract (a small fake backend):
scans from anywhere, modal dialogs shield the cart, errors, approvals, function keys."""

from __future__ import annotations

from checkout_fake import FakeCheckout
from checkout_helpers import burst, column, open_checkout, refocus, selected_row
from tests.ui.conftest import demo_operator
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from store_client.ui.approval_dialog import ApprovalDialog


def fake(shell):  # type: ignore[no-untyped-def]
    return FakeCheckout(shell.window.services.catalog, shell.window.services.authorizer)


def products(shell, n: int):  # type: ignore[no-untyped-def]
    found = [p for p in shell.window.services.catalog.search("a", limit=200)
             if p.barcodes and not p.weighed]
    assert len(found) >= n
    return found[:n]


def test_a_scan_burst_adds_a_line_selects_it_and_updates_totals(make_shell, qtbot) -> None:
    shell, screen = open_checkout(make_shell, qtbot, service=fake)
    first, second = products(shell, 2)
    burst(first.barcodes[0])
    shell.settle()
    burst(second.barcodes[0])
    shell.settle()
    assert shell.window.services.checkout.calls == [f"scan {first.barcodes[0]}", f"scan {second.barcodes[0]}"]
    assert column(screen, "name") == [first.name_en, second.name_en]
    assert selected_row(screen) == 1
    assert screen.entry.text() == ""  # the burst never landed in the box as text
    total = first.price.minor + second.price.minor
    assert screen.side.total.text() == first.price.__class__(total).format("en")
    assert screen.message.text() == ""


def test_typing_a_code_by_hand_and_enter_scans_it(make_shell, qtbot) -> None:
    shell, screen = open_checkout(make_shell, qtbot, service=fake)
    (product,) = products(shell, 1)
    screen.entry.setText(product.sku)
    qtbot.keyClick(screen.entry, Qt.Key.Key_Return)
    shell.settle()
    assert column(screen, "name") == [product.name_en]


def test_a_burst_while_a_dialog_is_open_never_reaches_the_cart(make_shell, qtbot) -> None:
    shell, screen = open_checkout(make_shell, qtbot, service=fake)
    (product,) = products(shell, 1)
    qtbot.keyClick(screen.entry, Qt.Key.Key_F5)  # member dialog
    dialog = screen.dialog
    assert dialog is not None and dialog.objectName() == "checkout.memberEntry.dialog"
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog, timeout=3000)
    dialog.ok.setFocus()  # not a text field: the wedge filter catches the burst
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.ok, timeout=3000)
    burst(product.barcodes[0])
    shell.settle()
    assert screen.router.ignored == [product.barcodes[0]]
    assert shell.window.services.checkout.calls == [] and screen.model.rowCount() == 0
    dialog.reject()
    qtbot.waitUntil(lambda: screen.dialog is None, timeout=3000)
    refocus(shell, screen, qtbot)
    burst(product.barcodes[0])  # dialog gone: the same scan sells
    shell.settle()
    assert screen.model.rowCount() == 1


def test_unknown_barcode_is_a_clear_message_that_offers_search(make_shell, qtbot) -> None:
    shell, screen = open_checkout(make_shell, qtbot, service=fake)
    burst("6999999999990")
    shell.settle()
    assert "6999999999990" in screen.message.text()
    assert screen.message.property("kind") == "error"
    assert screen.search_offer.isVisible()
    assert screen.model.rowCount() == 0
    qtbot.mouseClick(screen.search_offer, Qt.MouseButton.LeftButton)
    dialog = screen.dialog
    assert dialog is not None and dialog.query.text() == "6999999999990"
    (product,) = products(shell, 1)
    dialog.query.setText(product.sku)
    qtbot.waitUntil(lambda: dialog.model.rowCount() >= 1, timeout=5000)
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    shell.settle()
    assert column(screen, "name") == [product.name_en]
    assert not screen.search_offer.isVisible() and screen.message.text() == ""


def test_function_keys_belong_to_the_checkout_not_the_rail(make_shell, qtbot) -> None:
    shell, screen = open_checkout(make_shell, qtbot, service=fake)
    first, second = products(shell, 2)
    for p in (first, second):
        burst(p.barcodes[0])
        shell.settle()
    qtbot.keyClick(screen.entry, Qt.Key.Key_F3)
    assert shell.window.stack.currentWidget() is screen  # F3 did not open the second screen
    assert screen.dialog is not None and screen.dialog.objectName() == "checkout.search.dialog"
    screen.dialog.reject()
    qtbot.waitUntil(lambda: screen.dialog is None, timeout=3000)
    screen.select_row(0)
    qtbot.keyClick(screen.entry, Qt.Key.Key_F4)
    dialog = screen.dialog
    dialog.input.setText("0")
    dialog.attempt()
    assert dialog.isVisible() and dialog.message.text()  # 0 is refused in the dialog
    dialog.input.setText("3")
    qtbot.keyClick(dialog.input, Qt.Key.Key_Return)
    shell.settle()
    assert column(screen, "quantity") == ["3", "1"]
    assert selected_row(screen) == 0
    qtbot.keyClick(screen.entry, Qt.Key.Key_F8)  # void the selected (first) line: it asks first
    confirm = screen.dialog
    assert confirm is not None and confirm.objectName() == "checkout.voidLine.dialog"
    assert first.name_en in confirm.question.text() and screen.model.rowCount() == 2
    qtbot.keyClick(confirm, Qt.Key.Key_Escape)  # Esc keeps the line
    qtbot.waitUntil(lambda: screen.dialog is None, timeout=3000)
    shell.settle()
    assert column(screen, "name") == [first.name_en, second.name_en]
    refocus(shell, screen, qtbot)
    qtbot.keyClick(screen.entry, Qt.Key.Key_F8)
    confirm = screen.dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is confirm.ok, timeout=3000)
    qtbot.keyClick(confirm.ok, Qt.Key.Key_Return)  # Enter: the default, "Void line"
    shell.settle()
    assert column(screen, "name") == [second.name_en]
    assert shell.window.services.checkout.calls[-2:] == ["qty 1 3", "void 1"]
    qtbot.keyClick(screen.entry, Qt.Key.Key_Plus)  # empty entry: + means pay
    shell.settle()
    assert screen.dialog is not None and screen.dialog.objectName() == "checkout.tender.dialog"


def test_voiding_the_sale_asks_a_manager_then_retries_with_the_grant(make_shell, qtbot) -> None:
    shell, screen = open_checkout(make_shell, qtbot, service=fake)
    (product,) = products(shell, 1)
    burst(product.barcodes[0])
    shell.settle()
    qtbot.keyClick(screen.entry, Qt.Key.Key_F9)
    prompt = screen.dialog
    prompt.input.setText("customer left")
    prompt.attempt()
    shell.settle()
    approval = screen.dialog
    assert isinstance(approval, ApprovalDialog) and approval.isVisible()
    assert screen.model.rowCount() == 1  # nothing voided without the manager
    burst_target = screen.model.rowCount()
    manager = demo_operator("manager")
    approval.manager_id.setText(manager.id)
    approval.pin.setText(manager.pin)
    approval.reason.setText("customer left the store")
    approval.attempt()
    shell.settle()
    shell.settle()
    assert screen.model.rowCount() == 0 < burst_target
    assert shell.window.services.checkout.calls[-1] == "void cart customer left"
    assert screen.dialog is None
    assert "approval.granted" in shell.audit_actions()


def test_a_refused_approval_leaves_the_sale_alone_and_says_why(make_shell, qtbot) -> None:
    shell, screen = open_checkout(make_shell, qtbot, service=fake)
    (product,) = products(shell, 1)
    burst(product.barcodes[0])
    shell.settle()
    qtbot.keyClick(screen.entry, Qt.Key.Key_F9)
    screen.dialog.input.setText("customer left")
    screen.dialog.attempt()
    shell.settle()
    screen.dialog.reject()
    shell.settle()
    assert screen.model.rowCount() == 1
    assert screen.message.property("kind") == "error" and screen.message.text()


def test_every_checkout_dialog_names_its_widgets_for_automation(make_shell, qtbot) -> None:
    from store_client.ui.automation import collect, unnamed_interactive

    shell, screen = open_checkout(make_shell, qtbot, locale="zh_CN", service=fake)
    (product,) = products(shell, 1)
    burst(product.barcodes[0])
    shell.settle()
    assert unnamed_interactive(screen) == []
    seen = []
    for key in (Qt.Key.Key_F3, Qt.Key.Key_F4, Qt.Key.Key_F5, Qt.Key.Key_F6, Qt.Key.Key_F9,
                Qt.Key.Key_F10, Qt.Key.Key_F11):
        refocus(shell, screen, qtbot)
        qtbot.keyClick(screen.entry, key)
        shell.settle()
        dialog = screen.dialog
        assert dialog is not None, key
        assert unnamed_interactive(dialog) == [], dialog.objectName()
        names = [w.object_name for w in collect(dialog) if w.object_name]
        assert len(names) == len(set(names))
        seen.append(dialog.objectName())
        dialog.reject()
        qtbot.waitUntil(lambda: screen.dialog is None, timeout=3000)
    assert seen == ["checkout.search.dialog", "checkout.quantity.dialog", "checkout.memberEntry.dialog",
                    "checkout.couponEntry.dialog", "checkout.voidSale.dialog",
                    "checkout.override.dialog", "checkout.tender.dialog"]


def test_arrow_keys_walk_the_cart_and_locking_closes_an_open_dialog(make_shell, qtbot) -> None:
    shell, screen = open_checkout(make_shell, qtbot, service=fake)
    for p in products(shell, 3):
        burst(p.barcodes[0])
        shell.settle()
    assert selected_row(screen) == 2
    qtbot.keyClick(screen.entry, Qt.Key.Key_Up)
    qtbot.keyClick(screen.entry, Qt.Key.Key_Up)
    qtbot.keyClick(screen.entry, Qt.Key.Key_Up)  # stops at the first line
    assert selected_row(screen) == 0
    qtbot.keyClick(screen.entry, Qt.Key.Key_Down)
    assert selected_row(screen) == 1
    qtbot.keyClick(screen.entry, Qt.Key.Key_F6)
    dialog = screen.dialog
    assert dialog is not None and dialog.isVisible()
    shell.window.lock()
    qtbot.waitUntil(lambda: screen.dialog is None, timeout=3000)
    assert shell.window.locked and screen.model.rowCount() == 3


def test_the_search_dialog_says_when_its_list_is_cut_short_and_shows_the_rest(
        make_shell, qtbot, monkeypatch) -> None:
    shell, screen = open_checkout(make_shell, qtbot, service=fake)
    from store_client.ui.checkout import search_dialog  # after the screens (import order)

    monkeypatch.setattr(search_dialog, "RESULT_LIMIT", 30)
    qtbot.keyClick(screen.entry, Qt.Key.Key_F3)
    dialog = screen.dialog
    dialog.query.setText("ea")
    dialog.search_now()
    shell.settle()
    everything = shell.window.services.catalog.search_page("ea", limit=1000)
    assert not everything.more and len(everything.products) > 60
    assert dialog.model.rowCount() == 30 and dialog.more.button.isVisible()
    assert dialog.status.text() == "30 products shown; more match (Show more)."
    dialog.more.button.click()
    shell.settle()
    assert dialog.model.rowCount() == 60
    shown = [dialog.model.product(r).id for r in range(dialog.model.rowCount())]
    assert len(set(shown)) == 60 and set(shown) <= {p.id for p in everything.products}
    dialog.query.setText("ea 鑫")  # nothing: no button, and the list says so
    dialog.search_now()
    shell.settle()
    assert dialog.model.rowCount() == 0 and not dialog.more.button.isVisible()
    assert dialog.status.text() == "Nothing found for “ea 鑫”."
    dialog.reject()


def test_the_customer_display_gets_the_last_lines_and_the_count_not_the_whole_sale(
        make_shell, qtbot) -> None:
    """A 500-line basket must not rebuild the customer's list at every scan."""
    from store_client.ui.screens.checkout import CUSTOMER_DISPLAY_LINES

    shell, screen = open_checkout(make_shell, qtbot, service=fake)
    shown: list = []

    class Display:
        def show_sale(self, lines, total_fen, count=None, whole_sale_fen=0):  # type: ignore[no-untyped-def]
            shown.append((lines, total_fen, count, whole_sale_fen))

    screen._display_checked, screen._customer_display = True, Display()
    items = products(shell, CUSTOMER_DISPLAY_LINES + 3)
    for product in items:
        burst(product.barcodes[0])
        shell.settle()
    lines, total, count, whole_sale = shown[-1]
    assert count == len(items) and len(lines) == CUSTOMER_DISPLAY_LINES and whole_sale == 0
    assert [line.name for line in lines] == [p.name_zh for p in items[3:]]
    assert total == sum(p.price.minor for p in items)
