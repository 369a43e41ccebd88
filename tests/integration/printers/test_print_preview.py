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

    assert "Noto" in preview.bundled_font_family()
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
