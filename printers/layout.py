"""Column layout in printer cells, measured as the printer prints.

Receipts line prices up in fixed columns, so every width here is counted in
cells, never with ``len``. A :class:`Cells` measures for one printer: on a
Chinese (GB18030/GBK) printer a character takes as many columns as it has bytes
in GBK, so ``×``, ``·``, ``—``, ``①`` and ``°`` (East Asian "ambiguous", two
bytes) take two, as they do on paper; on a code-page printer every character is
one byte, one column. The module-level functions measure by Unicode East Asian
width (plain-text renderings: logs, the e-receipt). Text wider than the paper
wraps; nothing is ever cut off (a price that does not fit moves to a line of its own).
"""

from __future__ import annotations

import codecs
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def unicode_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


class Cells:
    """Widths, wrapping and rows in the columns of one printer (``codec`` None: Unicode widths)."""

    def __init__(self, codec: str | None = None) -> None:
        self.codec = codecs.lookup(codec).name if codec else None
        self._widths: dict[str, int] = {}

    def char_width(self, ch: str) -> int:
        if ch.isascii():
            return 1
        width = self._widths.get(ch)
        if width is None:
            width = unicode_width(ch)
            if self.codec is not None and width:
                try:
                    width = len(ch.encode(self.codec))
                except UnicodeEncodeError:
                    pass  # printable() replaces it before layout; Unicode width meanwhile
            self._widths[ch] = width
        return width

    def width(self, text: str) -> int:
        if text.isascii():
            return len(text)
        return sum(self.char_width(c) for c in text)

    def wrap(self, text: str, width: int) -> list[str]:
        return wrap(text, width, self)

    def pad(self, text: str, width: int, align: str = "left") -> str:
        return pad(text, width, align, self)

    def row(self, cells: tuple[str, ...], width: int, min_widths: tuple[int, ...] = ()) -> list[str]:
        return row(cells, width, min_widths, self)


UNICODE = Cells()


def char_width(ch: str) -> int:
    return UNICODE.char_width(ch)


def cell_width(text: str) -> int:
    return UNICODE.width(text)


def wrap(text: str, width: int, cells: Cells = UNICODE) -> list[str]:
    """Split ``text`` into lines of at most ``width`` cells.

    Breaks at the last space before a Latin word or figure (words and prices
    stay whole), otherwise between any two characters (Chinese has no spaces).
    Never drops a character; an empty text gives one empty line.
    """
    width = max(width, 2)  # a wide character must always fit
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_one(paragraph, width, cells))
    return lines


def _wrap_one(text: str, width: int, cells: Cells) -> list[str]:
    if cells.width(text) <= width:
        return [text]
    lines: list[str] = []
    current: list[str] = []
    used = 0
    for ch in text:
        w = cells.char_width(ch)
        if used + w > width:
            line = "".join(current)
            cut = line.rfind(" ")
            # Keep a Latin word or a figure whole ("52.80" never splits); CJK breaks anywhere.
            if ch != " " and not _cjk_letter(ch) and cut > 0 and not any(map(_cjk_letter, line[cut + 1:])):
                lines.append(line[:cut])
                current = list(line[cut + 1:])
            else:
                lines.append(line.rstrip(" ") or line)
                current = []
            used = cells.width("".join(current))
            if ch == " " and not current:
                continue
        current.append(ch)
        used += w
    lines.append("".join(current))
    return lines


@lru_cache(maxsize=4096)
def _cjk_letter(ch: str) -> bool:
    """A wide letter (hanzi, kana, hangul): text may break before or after it."""
    return unicode_width(ch) == 2 and unicodedata.category(ch).startswith("L")


def pad(text: str, width: int, align: str = "left", cells: Cells = UNICODE) -> str:
    gap = max(0, width - cells.width(text))
    if align == "right":
        return " " * gap + text
    if align == "center":
        return " " * (gap // 2) + text + " " * (gap - gap // 2)
    return text + " " * gap


def row(cells: tuple[str, ...], width: int, min_widths: tuple[int, ...] = (),
        measure: Cells = UNICODE) -> list[str]:
    """Lay out a receipt row: the first cell flows left, the others are right-aligned columns.

    Two-column rows put the amount flush right; three-column rows (name, qty,
    amount) keep the trailing columns at fixed widths so figures line up. When
    the name does not fit beside the figures it wraps onto lines of its own and
    the figures follow on the next line, whole.
    """
    if not cells:
        return [""]
    first, rest = cells[0], cells[1:]
    if not rest:
        return wrap(first, width, measure)
    widths = [max(measure.width(c), min_widths[i + 1] if i + 1 < len(min_widths) else 0)
              for i, c in enumerate(rest)]
    right = " ".join(pad(c, w, "right", measure) for c, w in zip(rest, widths))
    right_w = measure.width(right)
    if right_w > width:  # figures alone are too wide: one per line, never truncated
        lines = wrap(first, width, measure) if first else []
        for c in rest:
            lines.extend(pad(part, width, "right", measure) for part in wrap(c, width, measure))
        return lines
    room = width - right_w - 1
    if room >= 1 and measure.width(first) <= room:
        return [pad(first, room, "left", measure) + " " + right]
    lines = wrap(first, width, measure) if first else []
    if lines and measure.width(lines[-1]) <= room:
        last = lines.pop()
        lines.append(pad(last, room, "left", measure) + " " + right)
    else:
        lines.append(pad(right, width, "right", measure))
    return lines
