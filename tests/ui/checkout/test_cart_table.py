"""The cart table's own cell painting: the theme's colours, alignment, elision, no tofu."""

from __future__ import annotations

from itertools import pairwise

import pytest

from store_client.services.checkout_views import LineView

LONG = "超长商品名称" * 12


def _line(n: int, name: str, discount: int = 0) -> LineView:
    gross = 1000 * n
    return LineView(str(n), f"SKU{n}", name, f"Item {n}", "each", 1, gross, gross, discount,
                    gross - discount, ((("promotion", "P9", "9 折"), discount),) if discount else (), False)


@pytest.fixture
def table(qtbot):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QAbstractItemView, QTableView

    from store_client.ui.app import setup_application, teardown
    from store_client.ui.checkout.cart_model import CartTableModel
    from store_client.ui.checkout.cart_table import CartDelegate

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


def _on_screen(view):  # type: ignore[no-untyped-def]
    """What the window's backing store holds now (offscreen: what a screen would show)."""
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.primaryScreen().grabWindow(view.winId()).toImage()


def _settle(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    for _ in range(5):
        QApplication.processEvents()
        qtbot.wait(5)


@pytest.fixture
def long_table(qtbot):  # type: ignore[no-untyped-def]
    from store_client.ui.app import setup_application, teardown
    from store_client.ui.checkout.cart_model import CartTableModel
    from store_client.ui.checkout.cart_table import CartDelegate, CartTableView

    runtime = setup_application("zh_CN")
    model = CartTableModel("zh_CN")
    view = CartTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegate(CartDelegate(model, view))
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(44)
    view.resize(700, 330)
    view.show()
    qtbot.waitExposed(view)
    yield view, model
    teardown(runtime)


@pytest.mark.parametrize("height", [120, 330, 353, 401])
def test_appending_paints_exactly_what_a_full_repaint_would(long_table, qtbot, height):  # type: ignore[no-untyped-def]
    """The view repaints only the new rows and lets Qt move the rest: the screen must still
    end up identical to a full repaint, scan after scan, from an empty cart to a scrolled
    one, with discounts, selection, and a row cut by the top edge at any table height."""
    view, model = long_table
    view.resize(700, height)
    lines: list[LineView] = []
    model.set_lines(lines)
    _settle(qtbot)
    for n in range(1, 13):
        lines.append(_line(n, f"新商品{n}", discount=n % 2 * 25))
        model.set_lines(lines)
        view.scrollToBottom()
        view.selectRow(len(lines) - 1)
        _settle(qtbot)
        incremental = _on_screen(view)
        view.viewport().repaint()  # everything, the slow way
        assert _on_screen(view) == incremental, f"after appending line {n}"
    view.selectRow(3)  # the cashier walked up the cart; the next scan goes to the end again
    _settle(qtbot)
    lines.append(_line(13, "新商品13"))
    model.set_lines(lines)
    view.scrollToBottom()
    view.selectRow(len(lines) - 1)
    _settle(qtbot)
    incremental = _on_screen(view)
    view.viewport().repaint()
    assert _on_screen(view) == incremental


def test_a_short_cart_leaves_the_rest_of_the_table_blank(long_table, qtbot):  # type: ignore[no-untyped-def]
    """The viewport paints its own background (it is opaque, for fast scrolling): no stale
    rows may remain below the last line after lines are voided."""
    from PySide6.QtGui import QColor

    view, model = long_table
    model.set_lines([_line(n, f"商品{n}") for n in range(1, 10)])
    _settle(qtbot)
    model.set_lines([_line(1, "商品1")])
    _settle(qtbot)
    image = _on_screen(view)
    base = view.viewport().palette().base().color()
    origin = view.viewport().mapTo(view, view.viewport().rect().topLeft())
    below = origin.y() + 44 + 20
    for x in (origin.x() + 10, origin.x() + 300, origin.x() + 600):
        for y in (below, below + 100, origin.y() + view.viewport().height() - 5):
            assert QColor(image.pixel(x, y)) == base


def test_voids_quantity_changes_and_scans_in_one_go_still_paint_right(long_table, qtbot):  # type: ignore[no-untyped-def]
    """A void (rows move up) or a changed line followed by a scan before the view has laid
    out: the append-only shortcut must not be taken when anything else changed."""

    view, model = long_table
    lines = [_line(n, f"商品{n}") for n in range(1, 25)]
    model.set_lines(lines)
    view.scrollToBottom()
    _settle(qtbot)
    steps = [
        lambda ls: ls[1:],  # a void at the top: every row moves
        lambda ls: [*ls, _line(100, "新商品100")],
        lambda ls: [*ls[:-1], ls[-1]._replace(quantity=3, net_fen=9)],  # a changed line
        lambda ls: [*ls, _line(101, "新商品101"), _line(102, "新商品102")],
    ]
    for first, second in pairwise(steps):
        lines = first(lines)
        model.set_lines(lines)  # no event loop between the two changes
        lines = second(lines)
        model.set_lines(lines)
        view.scrollToBottom()
        view.selectRow(len(lines) - 1)
        _settle(qtbot)
        incremental = _on_screen(view)
        view.viewport().repaint()
        assert _on_screen(view) == incremental


def test_a_spread_over_every_line_repaints_only_the_rows_on_screen(long_table, qtbot):  # type: ignore[no-untyped-def]
    """A storewide threshold moves every line's discount at each scan: the table must end up
    as a full repaint would have it, having repainted only the discount and amount cells of
    the rows it shows (and the new row), not one region per changed line off screen."""
    from PySide6.QtCore import QEvent, QObject

    view, model = long_table
    lines = [_line(n, f"商品{n}") for n in range(1, 201)]
    model.set_lines(lines)
    view.scrollToBottom()
    view.selectRow(len(lines) - 1)
    _settle(qtbot)
    painted: list = []

    class Regions(QObject):
        def eventFilter(self, watched, event) -> bool:  # type: ignore[no-untyped-def]  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                painted.extend(event.region())
            return False

    recorder = Regions()
    view.viewport().installEventFilter(recorder)
    for scan in range(201, 204):
        lines = [line._replace(discount_fen=scan % 7 + 1, net_fen=line.gross_fen - scan % 7 - 1)
                 for line in lines] + [_line(scan, f"新商品{scan}")]
        painted.clear()
        model.set_lines(lines)
        view.scrollToBottom()
        view.selectRow(len(lines) - 1)
        _settle(qtbot)
        incremental = _on_screen(view)
        # The discount and amount cells on screen; whole rows only for the new row, the row
        # that lost the selection and the row cut by the top edge, a row high each at most.
        discount_x = view.columnViewportPosition(4)
        assert any(r.x() == discount_x and r.height() > 44 for r in painted), painted
        strips = [r for r in painted if r.x() < discount_x]
        assert len(strips) <= 3 and all(r.height() <= 44 for r in strips), painted
        view.viewport().repaint()
        assert _on_screen(view) == incremental, f"after scan {scan}"
    view.viewport().removeEventFilter(recorder)
    assert model.cell(0, 4)[0] == f"-¥0.0{203 % 7 + 1}"
    view.scrollToTop()  # the rows that were off screen show the new split too
    _settle(qtbot)
    incremental = _on_screen(view)
    view.viewport().repaint()
    assert _on_screen(view) == incremental


def test_a_change_before_the_layout_of_an_append_still_paints(long_table, qtbot):  # type: ignore[no-untyped-def]
    """A line appended and then every line's discount changed before the view laid out: the
    append-only layout must not leave the changed rows' old figures on screen."""
    view, model = long_table
    lines = [_line(n, f"商品{n}") for n in range(1, 30)]
    model.set_lines(lines)
    view.scrollToBottom()
    _settle(qtbot)
    lines = [*lines, _line(30, "新商品30")]
    model.set_lines(lines)  # no event loop between the two changes
    lines = [line._replace(discount_fen=9, net_fen=line.gross_fen - 9) for line in lines]
    model.set_lines(lines)
    view.scrollToBottom()
    _settle(qtbot)
    incremental = _on_screen(view)
    view.viewport().repaint()
    assert _on_screen(view) == incremental


def test_a_scan_leaves_the_column_header_unpainted(long_table, qtbot):  # type: ignore[no-untyped-def]
    """Selecting the new row (every scan does) spans all columns; the header shows no
    selection, so it must not repaint for it (it cost ~0.8 ms of style sheet a scan)."""
    from PySide6.QtCore import QEvent, QObject

    view, model = long_table
    lines = [_line(n, f"商品{n}") for n in range(1, 30)]
    model.set_lines(lines)
    view.selectRow(len(lines) - 1)
    _settle(qtbot)
    painted: list[int] = []

    class Count(QObject):
        def eventFilter(self, watched, event) -> bool:  # type: ignore[no-untyped-def]  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                painted.append(1)
            return False

    counter = Count()
    header = view.horizontalHeader().viewport()
    header.installEventFilter(counter)
    for n in range(30, 34):
        lines.append(_line(n, f"新商品{n}"))
        model.set_lines(lines)
        view.scrollToBottom()
        view.selectRow(len(lines) - 1)
        _settle(qtbot)
    assert painted == []
    assert [model.headerData(c, view.horizontalHeader().orientation()) for c in range(6)] == \
        ["序号", "商品", "数量", "单价", "优惠", "金额"]
    header.update()  # a real repaint still paints it
    _settle(qtbot)
    assert painted
    header.removeEventFilter(counter)


def test_set_lines_signals_only_what_changed(qtbot):  # type: ignore[no-untyped-def]
    """The same line objects ahead of a new one: one insert and no change signal; an
    earlier line replaced by an equal copy: nothing; by a different one: its row only."""

    from store_client.ui.app import setup_application, teardown
    from store_client.ui.checkout.cart_model import CartTableModel

    runtime = setup_application("zh_CN")
    try:
        model = CartTableModel("zh_CN")
        changed: list[tuple[int, int]] = []
        inserted: list[tuple[int, int]] = []
        model.dataChanged.connect(lambda a, b, *_: changed.append((a.row(), b.row())))
        columns: list[tuple[int, int]] = []
        model.dataChanged.connect(lambda a, b, *_: columns.append((a.column(), b.column())))
        model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
        lines = [_line(n, f"商品{n}") for n in range(1, 6)]
        model.set_lines(lines)
        changed.clear()
        inserted.clear()
        assert model.set_lines([*lines, _line(6, "新")]) == 5
        assert (changed, inserted) == ([], [(5, 5)])
        lines = [*lines, _line(6, "新")]
        assert model.set_lines([line._replace() for line in lines]) is None
        assert changed == []
        lines[2] = lines[2]._replace(quantity=4, net_fen=7)
        assert model.set_lines(lines) == 2
        assert (changed, columns) == ([(2, 2)], [(1, 5)])
        assert model.cell(2, 2)[0].startswith("4")
        # A storewide threshold's split moved: rows 1, 3 and 4 get new discounts and amounts
        # while a line is added. One signal over those rows' two columns, and the insert.
        changed.clear(), columns.clear(), inserted.clear()
        spread = [line._replace(discount_fen=30, net_fen=line.gross_fen - 30) if row in (1, 3, 4)
                  else line for row, line in enumerate(lines)]
        assert model.set_lines([*spread, _line(7, "新")]) == 6
        assert (changed, columns, inserted) == ([(1, 4)], [(4, 5)], [(6, 6)])
        assert model.cell(3, 4)[0] == "-¥0.30" and model.cell(2, 4)[0] == ""
    finally:
        teardown(runtime)


@pytest.mark.parametrize("case", ["top", "scrolled_mid_row", "disabled", "narrow", "short_cart"])
def test_the_rows_paint_pixel_for_pixel_as_the_item_view_paints_them(qtbot, case):  # type: ignore[no-untyped-def]
    """CartTableView paints its rows in one loop instead of QTableView's per-cell work: side
    by side with a plain QTableView on the same model and delegate, the pixels must match
    (selection, alternate rows, the alert colour, elision, the grid, a row cut by the top
    edge, a disabled view, a column too narrow for its padding, the blank below the rows)."""
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QAbstractItemView, QTableView

    from store_client.ui.app import setup_application, teardown
    from store_client.ui.checkout.cart_model import CartTableModel
    from store_client.ui.checkout.cart_table import CartDelegate, CartTableView

    runtime = setup_application("zh_CN")
    try:
        model = CartTableModel("zh_CN")
        count = 3 if case == "short_cart" else 40
        model.set_lines([_line(n, LONG if n % 7 == 3 else f"商品{n}", discount=n % 3 * 40)
                         for n in range(1, count + 1)])
        views = []
        for kind in (CartTableView, QTableView):
            view = kind()
            qtbot.addWidget(view)
            view.setModel(model)
            view.setItemDelegate(CartDelegate(model, view))
            view.setAlternatingRowColors(True)
            view.setWordWrap(False)
            view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
            view.verticalHeader().hide()
            view.verticalHeader().setDefaultSectionSize(44)
            widths = (40, 14, 80, 110, 110, 120) if case == "narrow" else (40, 200, 80, 110, 110, 120)
            for column, width in enumerate(widths):
                view.setColumnWidth(column, width)
            view.resize(700, 330)
            view.selectRow(min(5, count - 1))
            view.show()
            qtbot.waitExposed(view)
            if case == "scrolled_mid_row":
                view.verticalScrollBar().setValue(44 * 9 + 17)
            if case == "disabled":
                view.setEnabled(False)
            views.append(view)
        _settle(qtbot)
        direct, itemview = (v.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
                            for v in views)
        assert direct.size() == itemview.size()
        differ = [(x, y) for y in range(direct.height()) for x in range(direct.width())
                  if direct.pixel(x, y) != itemview.pixel(x, y)]
        assert not differ, f"{case}: {len(differ)} pixels differ, first {differ[:8]}"
    finally:
        teardown(runtime)
