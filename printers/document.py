"""The device-independent receipt document.

A :class:`Document` is an ordered tuple of blocks; renderers (ESC/POS bytes,
plain text, PNG preview) walk the same blocks, so what the cashier previews is
what the printer gets. Blocks are frozen dataclasses: a document can be built
once and rendered for any paper width or printer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "center", "right"]


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of text with its own weight; runs of one :class:`Text` share a line."""

    text: str
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Text:
    runs: tuple[Run, ...]
    align: Align = "left"
    double: bool = False  # double width and height: half the columns


@dataclass(frozen=True, slots=True)
class Row:
    """Two or three columns: a flowing label, then right-aligned figures."""

    cells: tuple[str, ...]
    bold: bool = False
    min_widths: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Separator:
    char: str = "-"


@dataclass(frozen=True, slots=True)
class Barcode:
    """CODE128 of ASCII data (the receipt number, for returns look-up)."""

    data: str
    height: int = 64


@dataclass(frozen=True, slots=True)
class QRCode:
    data: str
    size: int = 6  # module size in dots (1-16)


@dataclass(frozen=True, slots=True)
class Image:
    """A logo or picture: PNG bytes (kept as bytes so documents stay plain data)."""

    png: bytes
    align: Align = "center"


@dataclass(frozen=True, slots=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True, slots=True)
class Cut:
    partial: bool = False


@dataclass(frozen=True, slots=True)
class DrawerKick:
    """Open the cash drawer; the pin comes from the printer profile (config)."""


Block = Text | Row | Separator | Barcode | QRCode | Image | Feed | Cut | DrawerKick


@dataclass(frozen=True)
class Document:
    blocks: tuple[Block, ...]
    title: str = ""

    def has_drawer_kick(self) -> bool:
        return any(isinstance(b, DrawerKick) for b in self.blocks)


@dataclass
class DocumentBuilder:
    """Fluent construction of a :class:`Document`."""

    title: str = ""
    blocks: list[Block] = field(default_factory=list)

    def text(self, text: str, *, bold: bool = False, align: Align = "left",
             double: bool = False) -> DocumentBuilder:
        self.blocks.append(Text((Run(text, bold),), align, double))
        return self

    def runs(self, *runs: Run, align: Align = "left", double: bool = False) -> DocumentBuilder:
        self.blocks.append(Text(tuple(runs), align, double))
        return self

    def row(self, *cells: str, bold: bool = False, min_widths: tuple[int, ...] = ()) -> DocumentBuilder:
        if not 1 <= len(cells) <= 3:
            raise ValueError("a row has one to three cells")
        self.blocks.append(Row(tuple(cells), bold, min_widths))
        return self

    def separator(self, char: str = "-") -> DocumentBuilder:
        self.blocks.append(Separator(char))
        return self

    def barcode(self, data: str) -> DocumentBuilder:
        if not data or not data.isascii() or not data.isprintable():
            raise ValueError(f"CODE128 needs printable ASCII, got {data!r}")
        self.blocks.append(Barcode(data))
        return self

    def qr(self, data: str, size: int = 6) -> DocumentBuilder:
        if data:
            self.blocks.append(QRCode(data, size))
        return self

    def image(self, png: bytes, align: Align = "center") -> DocumentBuilder:
        self.blocks.append(Image(png, align))
        return self

    def feed(self, lines: int = 1) -> DocumentBuilder:
        self.blocks.append(Feed(lines))
        return self

    def cut(self, partial: bool = False) -> DocumentBuilder:
        self.blocks.append(Cut(partial))
        return self

    def drawer_kick(self) -> DocumentBuilder:
        self.blocks.append(DrawerKick())
        return self

    def build(self) -> Document:
        return Document(tuple(self.blocks), self.title)
