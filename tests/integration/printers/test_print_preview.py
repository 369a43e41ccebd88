"""The PNG preview: bundled font, Chinese glyphs (not tofu), paper width, images scaled."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "unit" / "printers"))
import receipt_samples as samples

from printers import templates
from printers.document import DocumentBuilder
from printers.profile import PrinterProfile

PROFILE = PrinterProfile("TM-T88V", 80, "gb18030")


@pytest.fixture
def preview(qapp):
    from printers import preview as module

    return module


def glyph(preview, ch: str) -> bytes:
    image = preview.render_image(DocumentBuilder().text(ch).build(), PROFILE)
    return bytes(image.constBits())


def test_bundled_font_covers_every_character_of_the_templates(preview):
    from printers.text_render import render

    assert preview.bundled_font_family() == "Store Client Sans SC"  # the bundled subset, renamed
    text = "".join(render(build()) for build in (
        lambda: templates.sale_receipt(samples.sale(training=True, reprint=True)),
        lambda: templates.return_receipt(samples.return_receipt()),
        lambda: templates.pickup_slip(samples.pickup()),
        lambda: templates.shift_report(samples.shift("Z")),
        lambda: templates.stock_count_summary(samples.stock_count()),
        lambda: templates.test_page(samples.test_page())))
    assert len({c for c in text if "\u4e00" <= c <= "\u9fff"}) > 100
    assert preview.missing_glyphs(text) == set()
    assert preview.missing_glyphs("中\ue000") == {"\ue000"}  # the check can fail


def test_chinese_glyphs_differ_from_each_other_and_from_tofu(preview):
    blank = glyph(preview, " ")
    images = {ch: glyph(preview, ch) for ch in "永和九年"}
    assert len(set(images.values())) == 4  # tofu boxes would all be identical
    assert all(img != blank for img in images.values())  # and something was drawn
    missing = glyph(preview, "\ue000")  # replaced by the printer profile with '?', drawn as '?'
    assert missing == glyph(preview, "?")


@pytest.mark.parametrize("paper, width", [(80, 576), (58, 384)])
def test_png_has_the_paper_width_and_grows_with_the_receipt(preview, paper, width):
    profile = PrinterProfile("TM-T88V" if paper == 80 else "POS-5890", paper, "gb18030")
    short = Image.open(io.BytesIO(preview.render_png(templates.sale_receipt(samples.sale(lines=2)), profile)))
    long = Image.open(io.BytesIO(preview.render_png(templates.sale_receipt(samples.sale(lines=12)), profile)))
    assert short.width == long.width == min(width, profile.dots) + 2 * 8
    assert long.height > short.height


def test_wide_logo_is_scaled_to_the_paper(preview):
    logo = Image.new("L", (2000, 200), 0)
    buf = io.BytesIO()
    logo.save(buf, "PNG")
    image = preview.render_image(DocumentBuilder().image(buf.getvalue()).build(), PROFILE)
    assert image.width() == PROFILE.dots + 16
    # the black logo spans the whole printable width at the scaled height (512 / 2000 * 200)
    assert image.pixelColor(8 + PROFILE.dots - 1, 8 + 10).black() > 200


def _region(image, x0: int, x1: int) -> bytes:
    """Pixels of columns [x0, x1) of every row (QImage, RGB32)."""
    out = bytearray()
    for y in range(image.height()):
        out.extend(image.pixelColor(x, y).black() for x in range(x0, x1))
    return bytes(out)


def test_preview_has_the_printers_geometry(preview):
    painter = preview.PreviewPainter(PROFILE)
    assert (painter.columns, painter.width) == (42, 512)  # TM-T88V: 42 columns of Font A, 512 dots
    full = preview.render_image(DocumentBuilder().text("X" * 42).build(), PROFILE)
    wrapped = preview.render_image(DocumentBuilder().text("X" * 43).build(), PROFILE)
    assert full.width() == 512 + 16 and wrapped.height() > full.height()  # 43 columns do not fit
    last = _region(full, 8 + int(41 * 512 / 42), 8 + 512)
    assert any(last), "the 42nd column is drawn at the right edge"
    wide = PrinterProfile("TM-T88V", 80, "gb18030", columns_override=48, dots_override=576)
    assert preview.render_image(DocumentBuilder().text("X").build(), wide).width() == 576 + 16


def test_preview_measures_ambiguous_characters_as_the_printer(preview):
    cell = PROFILE.dots / PROFILE.columns
    times = preview.render_image(DocumentBuilder().text("×A").build(), PROFILE)
    spaces = preview.render_image(DocumentBuilder().text("  A").build(), PROFILE)
    start = 8 + int(2 * cell)  # 'A' is in the third column: '×' took two, as on paper
    assert _region(times, start, start + 3 * int(cell)) == _region(spaces, start, start + 3 * int(cell))
    assert _region(times, 8, start) != _region(spaces, 8, start)


def test_preview_bolds_only_what_the_printer_bolds(preview):
    from printers.document import Run

    def total(bold_amount: bool):
        doc = DocumentBuilder().runs(Run("合计 TOTAL "), Run("￥52.80", bold=bold_amount), align="right").build()
        return preview.render_image(doc, PROFILE)

    plain, bold = total(False), total(True)
    cell = PROFILE.dots / PROFILE.columns
    label_end = 8 + int((42 - 7) * cell)  # '￥52.80' is the last 7 columns ('￥' takes two)
    assert _region(plain, 0, label_end) == _region(bold, 0, label_end)  # the label is not bold
    assert _region(plain, label_end, 8 + 512) != _region(bold, label_end, 8 + 512)
