"""Render a :class:`~printers.document.Document` to ESC/POS bytes with python-escpos.

python-escpos writes the commands (styles, QR, barcode, raster images, cut,
drawer) into its :class:`~escpos.printer.Dummy`; text is laid out here (CJK
counts as many columns as it has bytes on a Chinese printer) and encoded here, because the library neither enters a
Chinese printer's Chinese mode nor counts wide characters. The bytes are then
sent, unchanged, by whichever connector the terminal uses, so what is stored in
the print queue is exactly what the printer receives.
"""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image as PILImage

from printers import document as d
from printers.layout import char_width
from printers.profile import PrinterProfile


def _dummy(profile: PrinterProfile):  # type: ignore[no-untyped-def]
    # escpos.printer imports every connector (CUPS, USB, serial ...): ~40 ms that start-up
    # need not pay; the first render (on the print worker) does.
    from escpos.printer import Dummy

    return Dummy(profile=profile.escpos_profile)

ESC, GS, FS = b"\x1b", b"\x1d", b"\x1c"
INIT = ESC + b"@"
CHINESE_ON = FS + b"&"
CHINESE_OFF = FS + b"."
ALIGN = {"left": ESC + b"a\x00", "center": ESC + b"a\x01", "right": ESC + b"a\x02"}
BOLD = {False: ESC + b"E\x00", True: ESC + b"E\x01"}
SIZE = {False: GS + b"!\x00", True: GS + b"!\x11"}
LF = b"\n"


class EscposRenderer:
    """Bytes for one printer profile; cheap to create, not shared between threads."""

    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile

    def render(self, document: d.Document) -> bytes:
        out = _Out(self.profile)
        out.raw(INIT)
        if self.profile.chinese:
            out.raw(CHINESE_ON)
        else:
            out.raw(ESC + b"t" + bytes((self.profile.code_pages[self.profile.codec_page_name],)))
        for block in document.blocks:
            self._block(out, block)
        if self.profile.chinese:
            out.raw(CHINESE_OFF)
        return out.getvalue()

    # -- blocks ---------------------------------------------------------------
    def _block(self, out: _Out, block: d.Block) -> None:
        p = self.profile
        if isinstance(block, d.Text):
            width = p.columns // 2 if block.double else p.columns
            out.style(align=block.align, double=block.double)
            for line in _wrap_runs(block.runs, width, p):
                for text, bold in line:
                    out.style(bold=bold)
                    out.raw(p.encode(text))
                out.raw(LF)
            out.style(align="left", double=False, bold=False)
        elif isinstance(block, d.Row):
            out.style(align="left", bold=block.bold, double=False)
            cells = tuple(p.printable(c) for c in block.cells)
            for line in p.cells.row(cells, p.columns, block.min_widths):
                out.raw(p.encode(line.rstrip(" ")) + LF)
            out.style(bold=False)
        elif isinstance(block, d.Separator):
            out.style(align="left", double=False)
            char = p.printable(block.char[:1] or "-")
            out.raw(p.encode(char * (p.columns // p.cells.width(char))) + LF)
        elif isinstance(block, d.Barcode):
            self._barcode(out, block)
        elif isinstance(block, d.QRCode):
            self._qr(out, block)
        elif isinstance(block, d.Image):
            img = PILImage.open(io.BytesIO(block.png))
            out.style(align="left")
            out.printer.image(fit_image(img, p.dots, block.align), impl="bitImageRaster")
        elif isinstance(block, d.Feed):
            out.raw(ESC + b"d" + bytes((max(0, min(block.lines, 255)),)))
        elif isinstance(block, d.Cut):
            out.printer.cut(mode="PART" if block.partial else "FULL")
        elif isinstance(block, d.DrawerKick):
            out.printer.cashdraw(p.drawer_pin)
        else:  # pragma: no cover - a new block type without a renderer
            raise TypeError(f"no ESC/POS rendering for {type(block).__name__}")

    def _barcode(self, out: _Out, block: d.Barcode) -> None:
        if self.profile.hardware_barcode:  # python-escpos sends the centring itself
            # Function B, with the "{B" code-set prefix python-escpos expects for CODE128.
            out.printer._hw_barcode("{B" + block.data, "CODE128", height=block.height, width=2,
                                    pos="BELOW", font="A", align_ct=True, function_type="B")
            out.state["align"] = "center"
        else:
            out.style(align="left")
            out.printer.image(fit_image(_barcode_image(block.data), self.profile.dots, "center"),
                              impl="bitImageRaster")
            out.style(align="center")
            out.raw(self.profile.encode(block.data) + LF)
        out.style(align="left")

    def _qr(self, out: _Out, block: d.QRCode) -> None:
        payload = block.data
        if self.profile.native_qr:
            out.style(align="center")
            out.printer.qr(payload, size=qr_box(payload, block.size, self.profile.dots), native=True)
            out.raw(LF)
        else:
            out.style(align="left")
            out.printer.image(fit_image(qr_image(payload, qr_box(payload, block.size, self.profile.dots)),
                                        self.profile.dots, "center"),
                              impl="bitImageRaster")
        out.style(align="left")


class _Out:
    """The escpos Dummy plus the style the printer is in, so styles are sent only on change."""

    def __init__(self, profile: PrinterProfile) -> None:
        self.printer = _dummy(profile)
        self.state = {"align": "left", "bold": False, "double": False}

    def raw(self, data: bytes) -> None:
        self.printer._raw(data)

    def style(self, *, align: str | None = None, bold: bool | None = None,
              double: bool | None = None) -> None:
        for key, value, table in (("align", align, ALIGN), ("bold", bold, BOLD), ("double", double, SIZE)):
            if value is not None and self.state[key] != value:
                self.state[key] = value
                self.raw(table[value])

    def getvalue(self) -> bytes:
        return self.printer.output


def _wrap_runs(runs: tuple[d.Run, ...], width: int, profile: PrinterProfile) -> list[list[tuple[str, bool]]]:
    """Wrap styled runs as one text; each line is a list of (text, bold) pieces."""
    texts = [profile.printable(r.text) for r in runs]
    whole = "".join(texts)
    owner: list[bool] = []
    for text, r in zip(texts, runs):
        owner.extend([r.bold] * len(text))
    lines: list[list[tuple[str, bool]]] = []
    pos = 0
    for line in profile.cells.wrap(whole, width):
        # wrap() only drops spaces at breaks; find the line again from pos.
        start = whole.find(line, pos) if line else pos
        start = pos if start < 0 else start
        pieces: list[tuple[str, bool]] = []
        for i, ch in enumerate(line):
            bold = owner[start + i] if start + i < len(owner) else False
            if pieces and pieces[-1][1] == bold:
                pieces[-1] = (pieces[-1][0] + ch, bold)
            else:
                pieces.append((ch, bold))
        lines.append(pieces or [("", False)])
        pos = start + len(line)
    return lines


def fit_image(img: PILImage.Image, max_width: int, align: str = "center") -> PILImage.Image:
    """Scale an image down to the printable width (never up) and place it on a full-width strip."""
    img = img.convert("L")
    if img.width > max_width:
        height = max(1, round(img.height * max_width / img.width))
        img = img.resize((max_width, height), PILImage.Resampling.LANCZOS)
    if align == "left" or img.width == max_width:
        return img.convert("1")
    canvas = PILImage.new("L", (max_width, img.height), 255)
    x = (max_width - img.width) // 2 if align == "center" else max_width - img.width
    canvas.paste(img, (x, 0))
    return canvas.convert("1")


def qr_image(payload: str, box_size: int = 6) -> PILImage.Image:
    """The QR code as a grayscale image, drawn from the module matrix (qrcode's PIL writer is slow)."""
    return _modules_image([list(row) for row in _qr_matrix(payload)], box_size, box_size)


def qr_box(payload: str, size: int, dots: int) -> int:
    """The module size in dots: ``size``, or less so the whole code fits the paper at a whole
    number of dots per module (a code scaled down by a fraction blurs its modules and no
    longer scans). A long payload, such as a signed receipt proof, gets smaller modules."""
    return max(1, min(size, dots // len(_qr_matrix(payload))))


@lru_cache(maxsize=32)
def _qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """qrcode's matrix with its best mask (most of the cost: ~10 ms in pure Python); cached, so the
    preview and the print of one receipt compute it once."""
    import qrcode

    code = qrcode.QRCode(box_size=1, border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    code.make(fit=True)
    return tuple(tuple(bool(m) for m in row) for row in code.get_matrix())


def _barcode_image(data: str, module: int = 2, height: int = 64) -> PILImage.Image:
    """CODE128 (python-barcode's encoder) drawn as bars, with a 10-module quiet zone."""
    import barcode

    modules = "0" * 10 + barcode.get("code128", data).build()[0] + "0" * 10
    return _modules_image([[m == "1" for m in modules]], module, height)


def _modules_image(matrix: list[list[bool]], x_scale: int, y_scale: int) -> PILImage.Image:
    rows, cols = len(matrix), len(matrix[0])
    raw = bytes(0 if dark else 255 for row in matrix for dark in row)
    small = PILImage.frombytes("L", (cols, rows), raw)
    return small.resize((cols * x_scale, rows * y_scale), PILImage.Resampling.NEAREST)


def render(document: d.Document, profile: PrinterProfile) -> bytes:
    return EscposRenderer(profile).render(document)


def drawer_kick_bytes(profile: PrinterProfile) -> bytes:
    """Just the ESC p pulse for the configured pin (python-escpos's CD_KICK_2 / CD_KICK_5)."""
    printer = _dummy(profile)
    printer.cashdraw(profile.drawer_pin)
    return printer.output


__all__ = ["EscposRenderer", "char_width", "fit_image", "qr_box", "qr_image", "render"]
