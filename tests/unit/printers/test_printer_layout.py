"""Column layout: CJK counts two cells, wrapping never loses characters, prices never truncated."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printers.layout import cell_width, pad, row, wrap

texts = st.text(alphabet=st.sampled_from(list("abc xyz  中文可乐¥1.0-")), max_size=80)


def test_cjk_counts_two_cells():
    assert cell_width("可乐") == 4
    assert cell_width("Cola") == 4
    assert cell_width("可乐 Cola") == 9
    assert cell_width("ｱ") == 1  # half-width katakana is narrow
    assert cell_width("ＡＢ") == 4  # full-width latin is wide


@settings(max_examples=200, deadline=None)
@given(texts, st.integers(min_value=2, max_value=48))
def test_wrap_keeps_every_non_space_character_and_fits(text, width):
    lines = wrap(text, width)
    assert all(cell_width(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_wrap_prefers_word_breaks_for_english():
    assert wrap("Fresh whole milk 1L", 10) == ["Fresh", "whole milk", "1L"]


def test_wrap_never_splits_a_wide_character():
    assert wrap("可口可乐", 3) == ["可", "口", "可", "乐"]


@settings(max_examples=200, deadline=None)
@given(texts, st.integers(min_value=0, max_value=10**9), st.sampled_from([32, 48]))
def test_row_never_truncates_the_price(name, fen, width):
    price = f"{fen // 100:,}.{fen % 100:02d}"
    lines = row((name, price), width)
    assert all(cell_width(line) <= width for line in lines)
    assert any(line.rstrip().endswith(price) for line in lines)
    assert "".join(lines).replace(" ", "") == (name + price).replace(" ", "")


def test_three_columns_line_up_with_chinese_and_english_names():
    a = row(("可口可乐 330ml", "12", "36.00"), 32, (0, 4, 8))
    b = row(("Coca-Cola 330ml", "12", "36.00"), 32, (0, 4, 8))
    assert len(a) == len(b) == 1
    assert cell_width(a[0]) == cell_width(b[0]) == 32
    # the quantity column ends at the same cell in both
    assert a[0].endswith("  12    36.00") and b[0].endswith("  12    36.00")


def test_long_name_wraps_and_figures_stay_whole_on_the_last_line():
    lines = row(("五常大米 5kg 东北特产 非常长的商品名称需要换行显示", "1", "1,234.50"), 32, (0, 4, 10))
    assert len(lines) >= 2
    assert lines[-1].endswith("1,234.50")
    assert all(cell_width(line) <= 32 for line in lines)


def test_figures_wider_than_paper_go_one_per_line():
    huge = "9" * 40
    lines = row(("x", huge), 32)
    assert "".join(lines).replace(" ", "") == "x" + huge


@pytest.mark.parametrize("align, expected", [("left", "可乐  "), ("right", "  可乐"), ("center", " 可乐 ")])
def test_pad(align, expected):
    assert pad("可乐", 6, align) == expected
