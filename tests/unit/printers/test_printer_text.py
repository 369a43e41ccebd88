"""Plain-text rendering (logs, e-receipt, preview) and template data rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import receipt_samples as samples

from printers import receipt_data as r
from printers import templates
from printers.layout import cell_width
from printers.text_render import render, render_lines


@pytest.mark.parametrize("columns", [32, 48])
def test_text_receipt_fits_and_keeps_the_original_yen(columns):
    sale = samples.sale(lines=6)
    lines = render_lines(templates.sale_receipt(sale), columns)
    assert all(cell_width(line) <= columns for line in lines)
    text = "\n".join(lines)
    assert f"¥{templates.money(sale.total_fen)}" in text
    assert "https://r.example.cn/e/7d1c6f1e" in [line.strip() for line in lines] or \
        "[QR] https://r.example.cn/e/7d1c6f1e" in [line.strip() for line in lines]  # URL never split
    assert "S001-T01-000123" in text


def test_amounts_are_exact_and_grouped():
    assert templates.money(123456789) == "1,234,567.89"
    assert templates.money(-5) == "-0.05"
    assert templates.yen(-100) == "-¥1.00"
    assert templates.yen(0, "EUR") == "€0.00"


def test_weighed_quantities_print_in_kilograms_without_floats():
    assert templates.quantity(1250, 1000, "kg") == "1.250kg"
    assert templates.quantity(5, 1000, "kg") == "0.005kg"
    assert templates.quantity(3) == "3"


def test_times_print_in_store_local_time():
    assert templates.local(datetime(2026, 3, 14, 16, 0, tzinfo=UTC)) == "2026-03-15 00:00:00"


def test_x_report_has_no_counted_cash_and_z_report_shows_the_difference():
    x = render(templates.shift_report(samples.shift("X")))
    z = render(templates.shift_report(samples.shift("Z")))
    assert "X REPORT" in x and "Counted" not in x
    assert "Z REPORT" in z and "-¥5.00" in z  # 12,840.00 counted vs 12,845.00 expected


def test_shift_report_kind_is_checked():
    with pytest.raises(ValueError):
        samples.shift("Y")


def test_stock_count_counts_lines_with_a_difference():
    text = render(templates.stock_count_summary(samples.stock_count()))
    assert "-1" in text and "+0" in text
    assert next(line for line in text.splitlines() if "With difference" in line).endswith("1")


def test_drawer_only_for_cash():
    assert samples.sale(cash=True).opens_drawer and not samples.sale(cash=False).opens_drawer
    ret = samples.return_receipt()
    assert ret.opens_drawer
    card_return = r.ReturnReceipt(ret.header, "R2", "S1", ret.lines, 350, (r.Tender("card", "Card", 350),))
    assert not card_return.opens_drawer
    assert not templates.return_receipt(card_return).has_drawer_kick()
