"""Amount, percentage and quantity entry at the till, and the cart model's minimal updates."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from store_client.services.checkout_views import LineView
from store_client.ui.checkout.formatting import (
    money_text,
    parse_amount,
    parse_percent,
    parse_quantity,
    quantity_text,
    quick_cash_amounts,
)


@given(st.integers(min_value=1, max_value=10**9))
def test_amounts_typed_as_yuan_come_back_as_exact_fen(fen: int) -> None:
    assert parse_amount(f"{fen // 100}.{fen % 100:02d}") == fen
    if fen % 100 == 0:
        assert parse_amount(str(fen // 100)) == fen


@pytest.mark.parametrize("text", ["", "abc", "0", "0.00", "-5", "1.234", "nan", "inf", "1e400"])
def test_amounts_that_are_not_a_positive_whole_fen_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text)


@pytest.mark.parametrize(("text", "bp"), [("10", 1000), ("12.5", 1250), ("12.5%", 1250), ("100", 10000),
                                          ("0.01", 1)])
def test_percentages_become_basis_points(text: str, bp: int) -> None:
    assert parse_percent(text) == bp


@pytest.mark.parametrize("text", ["0", "100.01", "-3", "1.234", "x", "", "nan"])
def test_bad_percentages_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_percent(text)


@pytest.mark.parametrize("text", ["0", "-1", "1.5", "10000", "", "３", "1e3"])
def test_bad_quantities_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_quantity(text)


def test_quantities_and_weights_read_as_a_cashier_expects() -> None:
    assert parse_quantity(" 12 ") == 12
    assert quantity_text(3, "each") == "3"
    assert quantity_text(523, "kg") == "0.523 kg"
    assert quantity_text(12050, "kg", "千克") == "12.050 千克"


@given(st.integers(min_value=1, max_value=10**8))
def test_quick_cash_amounts_cover_the_due_and_never_repeat(due: int) -> None:
    amounts = quick_cash_amounts(due)
    assert amounts[0] == due
    assert len(amounts) == len(set(amounts)) <= 4
    assert all(a >= due for a in amounts) and amounts == sorted(amounts)
    for step in (1000, 5000, 10000):
        assert -(-due // step) * step in amounts  # each note size's round-up is offered


def test_nothing_due_offers_no_quick_cash() -> None:
    assert quick_cash_amounts(0) == [] and quick_cash_amounts(-5) == []


def _line(n: int, qty: int = 1) -> LineView:
    return LineView(str(n), f"SKU{n}", f"商品{n}", f"Item {n}", "each", qty, 100 * n, 100 * n * qty,
                    0, 100 * n * qty, (), False)


def test_cart_model_appends_changes_or_resets_as_little_as_it_can(qapp) -> None:
    from store_client.ui.checkout.cart_model import CartTableModel

    model = CartTableModel("en")
    events: list[str] = []
    model.rowsInserted.connect(lambda *_a: events.append("insert"))
    model.modelReset.connect(lambda: events.append("reset"))
    model.dataChanged.connect(lambda top, _bottom, _roles=(): events.append(f"changed {top.row()}"))
    lines = [_line(i) for i in range(1, 201)]
    assert model.set_lines(lines) == 199 and events == ["insert"]  # from empty: rows appended
    events.clear()
    assert model.set_lines([*lines, _line(201)]) == 200 and events == ["insert"]
    events.clear()
    bumped = [*lines, _line(201)._replace(quantity=2, net_fen=40200)]
    assert model.set_lines(bumped) == 200 and events == ["changed 200"]
    assert model.index(200, 2).data() == "2"
    events.clear()
    assert model.set_lines(bumped) is None and events == []  # the same view: nothing to repaint
    assert model.set_lines(bumped[1:]) == 199 and events == ["reset"]  # a void at the top
    assert model.rowCount() == 200 and model.index(0, 0).data() == "1"
    assert model.index(0, 1).data() == "Item 2"
    assert model.set_lines([]) is None and model.rowCount() == 0


@settings(max_examples=400, deadline=None)
@given(fen=st.integers(min_value=-10**13, max_value=10**13),
       locale=st.sampled_from(["zh_CN", "en", "en_US", "de_DE", "fr_FR", "ja_JP", "en_IN"]))
@example(fen=0, locale="zh_CN")
@example(fen=-1, locale="en")
@example(fen=-123456789, locale="de_DE")
def test_the_fast_money_text_writes_exactly_what_babel_writes(fen: int, locale: str) -> None:
    from store_client.domain.money import Money

    assert money_text(fen, "CNY", locale) == Money(fen, "CNY").format(locale)


def test_a_locale_grouping_otherwise_is_left_to_babel() -> None:
    from store_client.ui.checkout.formatting import _money_shape

    assert _money_shape("CNY", "zh_CN") == ("¥", "-¥", "", ",", ".", 2)
    assert _money_shape("CNY", "en_IN") is None  # 12,34,567.89: lakh grouping


def test_the_written_out_money_shapes_are_babels_for_every_currency_and_language() -> None:
    """The till formats money without loading Babel for its own currencies and languages;
    what it writes is still Babel's."""
    from store_client.config import LOCALES
    from store_client.domain.money import MINOR_UNITS, Money
    from store_client.ui.checkout.formatting import KNOWN_SHAPES, _babel_shape
    from store_client.ui.i18n import money_locale

    wanted = {(currency, money_locale(locale)) for currency in MINOR_UNITS for locale in LOCALES}
    assert wanted <= set(KNOWN_SHAPES)
    for (currency, locale), shape in KNOWN_SHAPES.items():
        assert _babel_shape(currency, locale) == shape, (currency, locale)
        for fen in (0, 5, -5, 123_456_789, -100_000_000_000):
            assert money_text(fen, currency, locale) == Money(fen, currency).format(locale)


def test_formatting_the_tills_own_money_does_not_load_babel() -> None:
    from tests.loaded_modules import loaded_by

    code = ("from store_client.ui.checkout.formatting import money_text\n"
            "money_text(123456, 'CNY', 'zh_CN'); money_text(-5, 'USD', 'en')")
    assert loaded_by(code, ("babel",)) == []
