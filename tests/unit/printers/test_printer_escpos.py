"""ESC/POS bytes: golden files per template and paper width, read back with a strict decoder.

Regenerate the golden files only on purpose: ``UPDATE_GOLDEN=1 pytest tests/unit/printers``.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
import receipt_samples as samples
from escpos_decoder import decode
from PIL import Image

from printers import templates
from printers.document import DocumentBuilder, Run
from printers.escpos_render import render
from printers.layout import cell_width
from printers.profile import PrinterProfile, ProfileError

GOLDEN = Path(__file__).with_name("golden")
PROFILES = {80: PrinterProfile("TM-T88V", 80, "gb18030"), 58: PrinterProfile("POS-5890", 58, "gb18030")}
TEMPLATES = {
    "sale": lambda: templates.sale_receipt(samples.sale()),
    "sale_reprint": lambda: templates.sale_receipt(samples.sale(reprint=True)),
    "sale_training": lambda: templates.sale_receipt(samples.sale(training=True)),
    "return": lambda: templates.return_receipt(samples.return_receipt()),
    "pickup": lambda: templates.pickup_slip(samples.pickup()),
    "x_report": lambda: templates.shift_report(samples.shift("X")),
    "z_report": lambda: templates.shift_report(samples.shift("Z")),
    "stock_count": lambda: templates.stock_count_summary(samples.stock_count()),
    "test_page": lambda: templates.test_page(samples.test_page()),
}


@pytest.mark.parametrize("paper", [80, 58])
@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_golden_bytes(name, paper):
    data = render(TEMPLATES[name](), PROFILES[paper])
    path = GOLDEN / f"{name}_{paper}.bin"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(data)
    assert path.exists(), f"missing golden file {path.name}; run with UPDATE_GOLDEN=1 once"
    assert data == path.read_bytes(), f"{name} at {paper} mm differs from {path.name}"


@pytest.mark.parametrize("paper", [80, 58])
@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_every_template_decodes_in_chinese_mode_and_fits_the_paper(name, paper):
    profile = PROFILES[paper]
    out = decode(render(TEMPLATES[name](), profile))
    assert out.events[0] == ("init",)
    assert out.chinese_mode_entered == 1 and out.chinese_mode_left == 1
    assert out.events[-1] == ("chinese", False)
    for line, double in zip(out.lines, out.double_lines):  # printed width: GBK bytes
        assert len(line.encode("gbk")) <= (profile.columns // 2 if double else profile.columns), line
    assert out.cuts == (["full"] if profile.supports("paperFullCut") else [])  # POS-5890 has no cutter
    assert all(w <= profile.dots for w, _ in out.images)
    assert "华联超市 徐汇店" in out.text


@pytest.mark.parametrize("paper", [80, 58])
def test_sale_receipt_content_reads_back(paper):
    sale = samples.sale()
    out = decode(render(templates.sale_receipt(sale), PROFILES[paper]))
    text = out.text
    total = templates.money(sale.total_fen)
    assert f"￥{total}" in text  # full-width yen: printable on GB2312 printer fonts
    assert "¥" not in text
    assert "五常大米 5kg 东北特产 非常长的商品名称需要换行显示" in text.replace("\n", "")  # wrapped, whole
    assert "S001-T01-000123" in text or paper == 80  # 58 mm prints the software barcode's text
    for line in sale.lines:
        assert any(templates.money(line.amount_fen) in t for t in out.lines)
    if PROFILES[paper].native_qr:
        assert out.qr_payloads == [sale.return_proof, sale.e_receipt_url]
        assert out.barcodes == [(73, b"{BS001-T01-000123")]
    else:  # no GS ( k on this printer: QR and barcode are raster images
        assert out.qr_payloads == [] and out.barcodes == []
        assert len(out.images) == 3
    assert out.drawer_kicks == [(2, 50, 50)]
    assert out.events.index(("drawer", 0)) > max(i for i, e in enumerate(out.events) if e[0] == "text")


def test_prices_line_up_in_one_column_for_chinese_and_english_names():
    out = decode(render(templates.sale_receipt(samples.sale(lines=8)), PROFILES[80]))
    ends = {len(line.encode("gbk")) for line in out.lines
            if line.rstrip().endswith((".00", ".50", ".80")) and "  " in line and "@" not in line}
    assert ends == {42}  # a TM-T88V prints 42 columns of Font A


@pytest.mark.parametrize("overrides", [{"reprint": True}, {"training": True}])
def test_reprints_and_training_never_open_the_drawer_and_are_marked(overrides):
    out = decode(render(templates.sale_receipt(samples.sale(**overrides)), PROFILES[80]))
    assert out.drawer_kicks == []
    marker = "重印 / REPRINT" if "reprint" in overrides else "培训模式 TRAINING"
    assert sum(marker in line for line in out.lines) == 2  # top and bottom


def test_non_cash_sale_does_not_open_the_drawer_and_cash_return_does():
    assert decode(render(templates.sale_receipt(samples.sale(cash=False)), PROFILES[80])).drawer_kicks == []
    assert decode(render(templates.return_receipt(samples.return_receipt()), PROFILES[80])).drawer_kicks


def test_drawer_pin_5_from_config():
    profile = PrinterProfile("TM-T88V", 80, "gb18030", drawer_pin=5)
    assert decode(render(templates.no_sale(samples.header()), profile)).drawer_kicks == [(5, 50, 50)]


def test_code_page_printer_prints_yen_and_replaces_chinese_visibly():
    profile = PrinterProfile("TM-T88V", 80, "cp858")
    doc = DocumentBuilder().text("Total ¥12.50 café").text("可乐 Cola €1").build()
    data = render(doc, profile)
    out = decode(data)
    assert b"\x1c&" not in data
    assert ("codepage", 19) in out.events
    assert out.lines == ["Total ¥12.50 café", "?? Cola €1"]


def test_code_page_without_yen_substitutes_a_visible_y():
    profile = PrinterProfile("TM-T88V", 80, "cp866")
    assert profile.printable("¥12") == "Y12"


def test_characters_outside_the_printer_font_are_replaced_not_crashing():
    out = decode(render(DocumentBuilder().text("笑😀 naïve 𠀀").build(), PROFILES[80]))
    assert out.lines == ["笑? na?ve ?"]  # GBK printer fonts have neither emoji, ï nor CJK Ext. B


def test_mixed_bold_runs_wrap_and_keep_their_weight():
    doc = DocumentBuilder().runs(Run("合计 TOTAL "), Run("¥123,456.00", bold=True), double=True).build()
    out = decode(render(doc, PROFILES[58]))
    assert "".join(out.lines).replace(" ", "") == "合计TOTAL￥123,456.00"
    assert ("bold", 1) in out.events and out.double_lines[0]


def test_image_wider_than_the_paper_is_scaled_down():
    wide = Image.new("L", (1200, 100), 0)
    buf = io.BytesIO()
    wide.save(buf, "PNG")
    for profile in PROFILES.values():
        out = decode(render(DocumentBuilder().image(buf.getvalue()).build(), profile))
        (width, height), = out.images
        assert width == profile.dots
        assert height == round(100 * profile.dots / 1200)


def test_empty_qr_is_skipped_and_bad_barcode_data_is_refused():
    assert DocumentBuilder().qr("").build().blocks == ()
    with pytest.raises(ValueError):
        DocumentBuilder().barcode("收据1")


@pytest.mark.parametrize("kwargs, fragment", [
    ({"escpos_profile": "NoSuchPrinter"}, "unknown printer profile"),
    ({"escpos_profile": "TM-T88V", "paper_mm": 76}, "58 or 80"),
    ({"escpos_profile": "TM-T88V", "encoding": "cp1125"}, "not supported by profile"),
    ({"escpos_profile": "TM-T88V", "encoding": "klingon"}, "unknown encoding"),
    ({"escpos_profile": "TM-T88V", "drawer_pin": 3}, "drawer pin"),
])
def test_bad_profiles_are_explained(kwargs, fragment):
    with pytest.raises(ProfileError, match=fragment):
        PrinterProfile(**kwargs)


def test_qr_image_matches_the_qrcode_library_rendering():
    import qrcode

    from printers.escpos_render import qr_image

    payload = "https://r.example.cn/e/7d1c6f1e"
    code = qrcode.QRCode(box_size=6, border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    reference = code.make_image().get_image().convert("L")
    assert qr_image(payload, 6).tobytes() == reference.tobytes()


def test_software_barcode_bars_follow_the_code128_modules():
    import barcode

    from printers.escpos_render import _barcode_image

    img = _barcode_image("S001-T01-000123", module=2, height=10)
    modules = barcode.get("code128", "S001-T01-000123").build()[0]
    row = img.tobytes()[: img.width]
    assert img.width == (len(modules) + 20) * 2
    assert "".join("1" if row[20 + 2 * i] == 0 else "0" for i in range(len(modules))) == modules


AMBIGUOUS = "维达超韧抽纸 3层130抽×6包 · 温度≤40° —①"


@pytest.mark.parametrize("paper", [80, 58])
def test_ambiguous_width_characters_count_as_printed(paper):
    """× · — ① ° are two bytes in GBK and two columns on a Chinese printer: lines still fit."""
    profile = PROFILES[paper]
    assert profile.cells.width("×·—①°") == 10 and cell_width("×·—①°") == 5
    doc = (DocumentBuilder().row(AMBIGUOUS, "2", "99.80", min_widths=(0, 4, 8))
           .row("纸巾×6", "¥12.00").text(AMBIGUOUS * 2).text(AMBIGUOUS, align="right").build())
    out = decode(render(doc, profile))
    assert out.lines
    for line in out.lines:
        assert len(line.encode("gbk")) <= profile.columns, line
    assert (AMBIGUOUS * 3).replace(" ", "") in "".join(out.lines).replace(" ", "")  # nothing lost
    priced = [line for line in out.lines if line.endswith("99.80")]
    assert len(priced) == 1 and len(priced[0].encode("gbk")) == profile.columns  # flush right


def test_a_code_page_printer_counts_one_column_per_character():
    profile = PrinterProfile("TM-T88V", 80, "cp858")
    assert profile.cells.width("×·°") == 3


@pytest.mark.parametrize(("name", "paper", "columns", "dots"), [
    ("TM-T88V", 80, 42, 512), ("TM-T88IV", 80, 42, 512), ("T-1", 80, 42, 504),
    ("TM-T20II", 80, 48, 576), ("POS-5890", 58, 32, 384), ("TM-T88V", 58, 32, 384),
    ("default", 80, 48, 576), ("default", 58, 32, 384)])
def test_columns_and_dots_come_from_the_printer_profile(name, paper, columns, dots):
    profile = PrinterProfile(name, paper, "gb18030")
    assert (profile.columns, profile.dots) == (columns, dots)


def test_columns_and_dots_can_be_overridden():
    profile = PrinterProfile("TM-T88V", 80, "gb18030", columns_override=48, dots_override=576)
    assert (profile.columns, profile.dots) == (48, 576)
    out = decode(render(templates.sale_receipt(samples.sale()), profile))
    assert max(len(line.encode("gbk")) for line in out.lines) == 48
    with pytest.raises(ProfileError):
        PrinterProfile("TM-T88V", 80, "gb18030", columns_override=5)
