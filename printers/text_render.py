"""Plain-text rendering of a document: logs, the e-receipt and the on-screen preview.

Uses the same layout as the printer (CJK counts two columns), in Unicode, with
no character substitution: ``¥`` stays ``¥``. Graphics become short markers;
double-size text is shown at normal size (the PNG preview shows sizes).
"""

from __future__ import annotations

from printers import document as d
from printers.layout import UNICODE, Cells


def render_lines(document: d.Document, columns: int = 48, cells: Cells = UNICODE) -> list[str]:
    """``cells``: the printer's measure (``profile.cells``) when the text stands for a printout."""
    wrap, pad, row, cell_width = cells.wrap, cells.pad, cells.row, cells.width
    lines: list[str] = []
    for block in document.blocks:
        if isinstance(block, d.Text):
            # Double size is a printer effect; in plain text the words matter, at full width.
            text = "".join(r.text for r in block.runs)
            for line in wrap(text, columns):
                lines.append(pad(line, columns, block.align).rstrip() if block.align != "left" else line)
        elif isinstance(block, d.Row):
            lines.extend(line.rstrip() for line in row(block.cells, columns, block.min_widths))
        elif isinstance(block, d.Separator):
            char = block.char[:1] or "-"
            lines.append(char * (columns // cell_width(char)))
        elif isinstance(block, d.Barcode):
            lines.append(pad(f"||| {block.data} |||", columns, "center").rstrip())
        elif isinstance(block, d.QRCode):
            lines.extend(pad(part, columns, "center").rstrip() for part in wrap(f"[QR] {block.data}", columns))
        elif isinstance(block, d.Image):
            lines.append(pad("[logo]", columns, "center").rstrip())
        elif isinstance(block, d.Feed):
            lines.extend([""] * block.lines)
        elif isinstance(block, d.Cut):
            lines.append("")
        elif isinstance(block, d.DrawerKick):
            continue
        else:  # pragma: no cover
            raise TypeError(f"no text rendering for {type(block).__name__}")
    while lines and not lines[-1]:
        lines.pop()
    return lines


def render(document: d.Document, columns: int = 48, cells: Cells = UNICODE) -> str:
    return "\n".join(render_lines(document, columns, cells)) + "\n"
