"""The cart table's own cell painting: the theme's colours, alignment, elision, no tofu."""

from __future__ import annotations

import pytest

from store_client.services.checkout_views import LineView

LONG = "超长商品名称" * 12


def _line(n: int, name: str, discount: int = 0) -> LineView:
    gross = 1000 * n
    return LineView(str(n), f"SKU{n}", name, f"Item {n}", "each", 1, gross, gross, discount,
                    gross - discount, (("promotion", "9 折", discount),) if discount else (), False)


@pytest.fixture
def table(qtbot):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QAbstractItemView, QTableView

    from store_client.ui.app import setup_application, teardown
    from store_client.ui.checkout.cart_delegate import CartDelegate
    from store_client.ui.checkout.cart_model import CartTableModel

    runtime = setup_application("zh_CN")
    model = CartTableModel("zh_CN")
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegate(CartDelegate(model, view))
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(44)
    for column, width in enumerate((40, 200, 80, 110, 110, 120)):
        view.setColumnWidth(column, width)
    view.resize(700, 300)
    model.set_lines([_line(1, "洗发水"), _line(2, "香皂", discount=150), _line(3, LONG)])
    view.selectRow(0)
    view.show()
    qtbot.waitExposed(view)
    yield view, model
    teardown(runtime)


def _cell_image(view, row: int, column: int):  # type: ignore[no-untyped-def]
    rect = view.visualRect(view.model().index(row, column))
    return view.viewport().grab(rect).toImage(), rect


def _pixels(image):  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QColor
    return [[QColor(image.pixel(x, y)) for x in range(image.width())]
            for y in range(image.height())]


def _inked_columns(image, background) -> list[int]:  # type: ignore[no-untyped-def]
    """x positions where some pixel differs clearly from ``background`` (text was drawn)."""
    xs = set()
    for row in _pixels(image):
        for x, colour in enumerate(row):
            if abs(colour.red() - background.red()) + abs(colour.green() - background.green()) \
                    + abs(colour.blue() - background.blue()) > 120:
                xs.add(x)
    return sorted(xs)


def test_theme_colours_selection_and_alternate_rows(table):  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QColor

    view, _model = table
    palette = view.palette()
    selected, _ = _cell_image(view, 0, 3)
    assert QColor(selected.pixel(1, 1)) == palette.highlight().color()
    odd, _ = _cell_image(view, 1, 3)
    assert QColor(odd.pixel(1, 1)) == palette.alternateBase().color()
    even, _ = _cell_image(view, 2, 3)
    assert QColor(even.pixel(1, 1)) != palette.alternateBase().color()


def test_amounts_are_right_aligned_and_names_left_aligned(table):  # type: ignore[no-untyped-def]
    view, _model = table
    base = view.palette().base().color()
    amount, rect = _cell_image(view, 2, 5)
    inked = _inked_columns(amount, base)
    assert inked and inked[0] > rect.width() // 3 and inked[-1] >= rect.width() - 8 - 3
    name, rect = _cell_image(view, 2, 1)
    inked = _inked_columns(name, base)
    # Elided to the column, inside the padding on both sides: nothing drawn past the cell.
    assert inked and 8 <= inked[0] <= 12 and inked[-1] <= rect.width() - 8


def test_a_discount_is_painted_in_the_alert_colour(table):  # type: ignore[no-untyped-def]
    from store_client.ui.checkout.cart_model import _DISCOUNT_COLOUR

    view, model = table
    assert model.cell(1, 4)[2] == _DISCOUNT_COLOUR and model.cell(0, 4)[2] is None
    image, _ = _cell_image(view, 1, 4)
    reds = [c for row in _pixels(image) for c in row
            if c.red() > 150 and c.green() < 110 and c.blue() < 110]
    assert len(reds) > 5


def test_long_names_are_elided_and_chinese_has_glyphs(table):  # type: ignore[no-untyped-def]
    view, _model = table
    delegate = view.itemDelegate()
    texts = [static.text() for static, _w, _h in delegate._texts.values()]
    assert any(t.endswith("…") and t.startswith("超长") for t in texts)
    from PySide6.QtGui import QFontMetrics

    metrics = QFontMetrics(view.font())
    assert all(metrics.inFontUcs4(ord(ch)) for t in texts for ch in t if not ch.isspace())
