"""A PNG preview of a document, painted with Qt exactly on the printer's column grid.

Shown before a reprint. Uses the bundled Noto Sans SC (resources/fonts), so
Chinese renders on counter PCs without Chinese system fonts. Needs a
QGuiApplication (one is created, offscreen-capable, if none exists); call it
off the UI thread only with QImage (as here), never with widgets.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image as PILImage
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QImage, QPainter, QPen

from printers import document as d
from printers.escpos_render import _barcode_image, _wrap_runs, fit_image, qr_box, qr_image
from printers.profile import PrinterProfile

FONT_DIR = Path(__file__).resolve().parent.parent / "resources" / "fonts"
MARGIN = 8
_families: list[str] = []


def ensure_app() -> QGuiApplication:
    app = QGuiApplication.instance()
    if app is None:
        app = QGuiApplication([])
    return app  # type: ignore[return-value]


def bundled_font_family() -> str:
    """Register the bundled fonts once; returns the Chinese family name."""
    ensure_app()
    if not _families:
        for path in sorted(FONT_DIR.glob("*.otf")):
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id >= 0:
                _families.extend(QFontDatabase.applicationFontFamilies(font_id))
        if not _families:
            raise RuntimeError(f"no usable font in {FONT_DIR}")
    return _families[0]


def missing_glyphs(text: str, family: str | None = None) -> set[str]:
    """Characters of ``text`` the bundled font has no glyph for (they would show as tofu).

    Checks the cmap through glyph indexes: ``QFontMetrics.inFont`` relies on
    the font's declared Unicode ranges and wrongly reports some hanzi of the
    subset font (e.g. 王, 米) as missing.
    """
    from PySide6.QtGui import QRawFont

    raw = QRawFont.fromFont(QFont(family or bundled_font_family()))
    chars = sorted({c for c in text if not c.isspace()})
    indexes = raw.glyphIndexesForString("".join(chars))
    return {c for c, index in zip(chars, indexes) if index == 0}


class PreviewPainter:
    def __init__(self, profile: PrinterProfile, family: str | None = None) -> None:
        self.profile = profile
        self.columns = profile.columns  # the printer's geometry (profile.py), as the renderer uses
        self.width = profile.dots
        self.cells = profile.cells  # widths as printed: GBK bytes on a Chinese printer
        self.cell = self.width / self.columns  # dots per column: 12.2 on a TM-T88V, 12 at 58 mm
        self.line_height = int(self.cell * 2.1)
        self.family = family or bundled_font_family()
        self._fonts: dict[tuple[bool, bool, int], QFont] = {}
        self._current_font: QFont | None = None

    def render(self, document: d.Document) -> QImage:
        ops: list[tuple] = []
        y = MARGIN
        for block in document.blocks:
            y = self._layout(block, y, ops)
        image = QImage(self.width + 2 * MARGIN, y + MARGIN, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setPen(QColor("black"))
        self._current_font = None
        try:
            for op in ops:
                op[0](painter, *op[1:])
        finally:
            painter.end()
        return image

    # -- layout: every block becomes drawing operations at a y position -----------
    def _layout(self, block: d.Block, y: int, ops: list) -> int:
        p = self.profile
        if isinstance(block, d.Text):
            scale = 2 if block.double else 1
            width = self.columns // scale
            # The same lines and bold pieces as the printer gets (only a bold run prints bold).
            for pieces in _wrap_runs(block.runs, width, p):
                gap = width - sum(self.cells.width(text) for text, _ in pieces)
                col = {"left": 0, "center": gap // 2, "right": gap}.get(block.align, 0)
                for text, bold in pieces:
                    ops.append((self._text, text, y, bold, scale, col))
                    col += self.cells.width(text)
                y += self.line_height * scale
        elif isinstance(block, d.Row):
            cells = tuple(p.printable(c) for c in block.cells)
            for line in self.cells.row(cells, self.columns, block.min_widths):
                ops.append((self._text, line, y, block.bold, 1, 0))
                y += self.line_height
        elif isinstance(block, d.Separator):
            char = p.printable(block.char[:1] or "-")
            ops.append((self._text, char * (self.columns // self.cells.width(char)), y, False, 1, 0))
            y += self.line_height
        elif isinstance(block, (d.Barcode, d.QRCode, d.Image)):
            if isinstance(block, d.Barcode):
                pil = _barcode_image(block.data)
            elif isinstance(block, d.QRCode):
                pil = qr_image(block.data, qr_box(block.data, block.size, self.width))
            else:
                pil = PILImage.open(io.BytesIO(block.png))
            img = _to_qimage(fit_image(pil, self.width, getattr(block, "align", "center")))
            ops.append((self._image, img, y))
            y += img.height() + 4
            if isinstance(block, d.Barcode):
                ops.append((self._text, self.cells.pad(block.data, self.columns, "center"), y, False, 1, 0))
                y += self.line_height
        elif isinstance(block, d.Feed):
            y += self.line_height * block.lines
        elif isinstance(block, d.Cut):
            ops.append((self._cut, y + self.line_height // 2))
            y += self.line_height
        elif isinstance(block, d.DrawerKick):
            pass
        return y

    # -- painting --------------------------------------------------------------------
    def _font(self, wide: bool, bold: bool, scale: int) -> QFont:
        key = (wide, bold, scale)
        font = self._fonts.get(key)
        if font is None:
            font = QFont(self.family)
            # Latin glyphs are drawn smaller so that they fit one column, like the printer's.
            font.setPixelSize(int(self.cell * (1.7 if wide else 1.45) * scale))
            font.setBold(bold)
            self._fonts[key] = font
        return font

    def _text(self, painter: QPainter, line: str, y: int, bold: bool, scale: int, col: int) -> None:
        """``line`` from column ``col`` (in columns of this text's size)."""
        # Few Qt setter calls on purpose: see docs/printing.md (PySide6 6.12 None refcount).
        flags = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextDontClip)
        height = self.line_height * scale
        for ch in line:
            w = self.cells.char_width(ch)
            if ch != " ":
                font = self._font(w == 2, bold, scale)
                if font is not self._current_font:
                    painter.setFont(font)
                    self._current_font = font
                x = MARGIN + int(col * self.cell * scale)
                painter.drawText(QRect(x, y, int(w * self.cell * scale), height), flags, ch)
            col += w

    def _image(self, painter: QPainter, image: QImage, y: int) -> None:
        painter.drawImage(QPoint(MARGIN, y), image)

    def _cut(self, painter: QPainter, y: int) -> None:
        painter.setPen(QPen(QColor("gray"), 1, Qt.PenStyle.DashLine))
        painter.drawLine(0, y, self.width + 2 * MARGIN, y)
        painter.setPen(QColor("black"))


def _to_qimage(img: PILImage.Image) -> QImage:
    gray = img.convert("L")
    data = gray.tobytes()
    qimg = QImage(data, gray.width, gray.height, gray.width, QImage.Format.Format_Grayscale8)
    return qimg.copy()  # own the pixels: ``data`` goes away


def render_image(document: d.Document, profile: PrinterProfile) -> QImage:
    return PreviewPainter(profile).render(document)


def render_png(document: d.Document, profile: PrinterProfile) -> bytes:
    image = render_image(document, profile)
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(array.data())
