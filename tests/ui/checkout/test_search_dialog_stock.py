"""The checkout's search (F3) shows the selected product's stock as Product lookup does: by
keys only, the figures follow the selection; the dialog fits a 1024x768 till in Chinese."""

from __future__ import annotations

import pytest
from checkout_helpers import open_checkout
from PySide6.QtCore import Qt

from tests.ui.test_product_lookup_stock import put_stock


@pytest.mark.serial
def test_f3_shows_the_stock_of_the_selected_product(make_shell, qtbot, clock) -> None:
    shell, screen = open_checkout(make_shell, qtbot)
    found = [p for p in shell.window.services.catalog.search("HOM", limit=20) if p.unit == "each"]
    product, other = found[0], found[1]
    put_stock(shell, clock, product.sku)
    qtbot.keyClick(screen.entry, Qt.Key.Key_F3)
    dialog = screen.dialog
    assert dialog is not None and dialog.objectName() == "checkout.search.dialog"
    qtbot.keyClicks(dialog.query, product.sku)
    qtbot.waitUntil(lambda: dialog.model.rowCount() >= 1 and not dialog._search.waiting, timeout=5000)
    shell.settle()
    stock = dialog.stock
    assert stock.objectName() == "checkout.search.stock"
    qtbot.waitUntil(lambda: stock.title.text() == f"Stock of {product.sku} {product.name_en}",
                    timeout=5000)
    assert [cell.text() for cell in stock.rows["here"]] == ["This till", "10", "3", "7", "16:58"]
    # another product by keys: the figures follow (none here: dashes, never the last one's)
    dialog.query.selectAll()
    qtbot.keyClicks(dialog.query, other.sku)
    qtbot.waitUntil(lambda: stock.title.text() == f"Stock of {other.sku} {other.name_en}",
                    timeout=5000)
    assert [cell.text() for cell in stock.rows["here"]][1:4] != ["10", "3", "7"]
    qtbot.keyClick(dialog.query, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: screen.dialog is None, timeout=3000)


def test_the_search_dialog_fits_a_small_till_in_chinese(make_shell, qtbot) -> None:
    shell, screen = open_checkout(make_shell, qtbot, locale="zh_CN")
    shell.window.resize(1024, 768)
    qtbot.keyClick(screen.entry, Qt.Key.Key_F3)
    dialog = screen.dialog
    assert dialog.minimumSizeHint().height() <= 768 - 40 and dialog.minimumSize().width() <= 1024
    assert all(label.objectName().startswith("checkout.search.stock")
               for label in dialog.stock.findChildren(type(dialog.stock.title)))
    qtbot.keyClick(dialog.query, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: screen.dialog is None, timeout=3000)
