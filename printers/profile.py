"""What the renderer must know about the printer: paper, capabilities, character set.

Always built from an explicit python-escpos capability profile (never the
library's "default"), the paper width from config and the text encoding.

Geometry comes from the profile: its printable width in dots and the columns of
its Font A (the TM-T88V, TM-T88IV and T-1 print 42 columns at 512/504 dots, not
48 at 576); narrower paper holds as many of those 12-dot cells as fit (32 at 58 mm).
A profile that does not know its width falls back to the paper (58 mm: 384 dots,
32 columns; 80 mm: 576, 48). ``printer.columns`` / ``printer.dots`` override both.

Characters:

* ``gb18030`` (or ``gbk`` / ``gb2312``): a Chinese printer. Text is sent in
  Chinese mode (FS & ... FS .) as GB bytes. Printers' Chinese fonts cover
  GBK, not all of GB18030, so anything outside GBK is replaced by ``?``;
  the half-width ``¥`` (4 bytes in GB18030, missing from most printer fonts)
  is printed as the full-width ``￥`` (GB2312 A3A4).
* a code page (``cp437``, ``cp858``, ...): a Western printer; the page must be
  one the escpos profile lists. Characters no listed page has are replaced by
  ``?``; ``¥`` prints from a page that has it (CP437 does) or as a visible ``Y``.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from functools import cached_property

from escpos.capabilities import CAPABILITIES, get_profile
from escpos.codepages import CodePages

from printers.layout import Cells

CHINESE_ENCODINGS = ("gb18030", "gbk", "gb2312")
PAPER = {58: (384, 32), 80: (576, 48)}  # mm -> (dots, columns of font A)
REPLACEMENT = "?"


class ProfileError(ValueError):
    """The printer configuration cannot work (unknown profile, code page...)."""


def known_profiles() -> list[str]:
    return sorted(CAPABILITIES["profiles"])


@dataclass(frozen=True)
class PrinterProfile:
    escpos_profile: str
    paper_mm: int = 80
    encoding: str = "gb18030"
    drawer_pin: int = 2
    columns_override: int = 0  # 0: from the profile
    dots_override: int = 0

    def __post_init__(self) -> None:
        if self.escpos_profile not in CAPABILITIES["profiles"]:
            raise ProfileError(
                f"unknown printer profile {self.escpos_profile!r}; "
                f"known: {', '.join(known_profiles())}")
        if self.paper_mm not in PAPER:
            raise ProfileError(f"paper width must be 58 or 80 mm, not {self.paper_mm}")
        if self.drawer_pin not in (2, 5):
            raise ProfileError(f"drawer pin must be 2 or 5, not {self.drawer_pin}")
        if self.columns_override and not 16 <= self.columns_override <= 80:
            raise ProfileError(f"columns must be 16 to 80, not {self.columns_override}")
        if self.dots_override and not 128 <= self.dots_override <= 1024:
            raise ProfileError(f"dots must be 128 to 1024, not {self.dots_override}")
        if not self.chinese:
            try:
                codecs.lookup(self.codec)
            except LookupError:
                raise ProfileError(f"unknown encoding {self.encoding!r}") from None
            if self.codec_page_name not in self.code_pages:
                raise ProfileError(
                    f"code page {self.encoding!r} is not supported by profile "
                    f"{self.escpos_profile}; it has: {', '.join(sorted(self.code_pages))}")

    @classmethod
    def from_config(cls, config) -> PrinterProfile:  # store_client.config.Config
        return cls(escpos_profile=config["printer.profile"], paper_mm=config["printer.paper_mm"],
                   encoding=config["printer.encoding"].lower(),
                   drawer_pin=config["printer.drawer_pin"],
                   columns_override=config["printer.columns"], dots_override=config["printer.dots"])

    # -- paper ----------------------------------------------------------------
    @cached_property
    def _profile_geometry(self) -> tuple[int, int] | None:
        """(dots, Font A columns) as the escpos profile states them, if it does."""
        try:
            dots = int(self.capabilities["media"]["width"]["pixels"])
            columns = int(self.capabilities["fonts"]["0"]["columns"])
        except (KeyError, TypeError, ValueError):
            return None
        return (dots, columns) if dots > 0 and columns > 0 else None

    @cached_property
    def dots(self) -> int:
        """Printable width in dots: the paper's, or the profile's if that is narrower."""
        if self.dots_override:
            return self.dots_override
        paper = PAPER[self.paper_mm][0]
        geometry = self._profile_geometry
        return min(paper, geometry[0]) if geometry else paper

    @cached_property
    def columns(self) -> int:
        """Font A columns: the profile's, or as many of its cells as narrower paper holds."""
        if self.columns_override:
            return self.columns_override
        geometry = self._profile_geometry
        if geometry is None:
            return PAPER[self.paper_mm][1]
        dots, columns = geometry
        return max(16, min(columns, self.dots // (dots // columns)))  # whole Font A cells

    @cached_property
    def cells(self) -> Cells:
        """Column widths as this printer prints them (GBK byte width on a Chinese printer)."""
        return Cells(self.codec)

    # -- capabilities ---------------------------------------------------------
    @cached_property
    def capabilities(self) -> dict:
        return CAPABILITIES["profiles"][self.escpos_profile]

    def supports(self, feature: str) -> bool:
        return bool(self.capabilities.get("features", {}).get(feature))

    @property
    def native_qr(self) -> bool:
        return self.supports("qrCode")

    @property
    def hardware_barcode(self) -> bool:
        return self.supports("barcodeB")

    def escpos(self):
        return get_profile(self.escpos_profile)

    # -- characters -----------------------------------------------------------
    @property
    def chinese(self) -> bool:
        return self.encoding in CHINESE_ENCODINGS

    @property
    def codec(self) -> str:
        return "gbk" if self.chinese else codecs.lookup(self.encoding).name

    @property
    def codec_page_name(self) -> str:
        return self.codec.upper().replace("CP", "CP")

    @cached_property
    def code_pages(self) -> dict[str, int]:
        """Code page name -> ESC t number, for pages Python can encode."""
        pages: dict[str, int] = {}
        for number, name in self.capabilities.get("codePages", {}).items():
            try:
                python = CodePages.get_encoding(name).get("python_encode")
            except (KeyError, LookupError, ValueError):  # names unknown to python-escpos
                python = None
            if python:
                pages.setdefault(codecs.lookup(python).name.upper(), int(number))
        return pages

    @cached_property
    def _yen(self) -> str:
        if self.chinese:
            return "￥"
        try:
            "¥".encode(self.codec)
            return "¥"
        except UnicodeEncodeError:
            return "Y"

    def printable(self, text: str) -> str:
        """``text`` with every character the printer cannot print replaced visibly.

        Applied before layout, so column widths are those of what gets printed.
        """
        if text.isascii():
            return text
        text = text.replace("¥", self._yen).replace("￥", self._yen)
        try:
            text.encode(self.codec)
            return text
        except UnicodeEncodeError:
            pass
        out = []
        for ch in text:
            try:
                ch.encode(self.codec)
                out.append(ch)
            except UnicodeEncodeError:
                out.append(REPLACEMENT)
        return "".join(out)

    def encode(self, text: str) -> bytes:
        """Bytes of already-:meth:`printable` text in the printer's encoding."""
        return text.encode(self.codec, errors="replace")
