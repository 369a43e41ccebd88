"""Stable names for UI automation and accessibility.

Every interactive widget gets an ``objectName`` (stable, English, dotted:
``screen.widget``) and a localized accessible name. :func:`collect` walks a live
widget tree and lists them; docs/ui-automation.md is generated from it and a
test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

W = TypeVar("W", bound=QWidget)

#: Widget classes a person (or a test robot) can operate.
INTERACTIVE = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QAbstractSpinBox,
               QAbstractSlider, QPlainTextEdit, QTextEdit)


def named(widget: W, object_name: str, accessible_name: str, description: str = "") -> W:
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible_name)
    if description:
        widget.setAccessibleDescription(description)
    return widget


@dataclass(frozen=True)
class WidgetInfo:
    object_name: str
    accessible_name: str
    class_name: str
    interactive: bool


def _is_internal(widget: QWidget) -> bool:
    """Qt's own children (scroll bars, viewports, header sections) are not ours to name."""
    name = widget.objectName()
    return name.startswith("qt_") or (not name and not isinstance(widget, INTERACTIVE))


def _inside_composite(widget: QWidget) -> bool:
    """Children that Qt creates inside a composite widget (a table's headers, a combo's view)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, (QAbstractItemView, QComboBox, QAbstractSpinBox, QLineEdit)):
            return True
        parent = parent.parentWidget()
    return False


def collect(root: QWidget, *, include_labels: bool = True) -> list[WidgetInfo]:
    """Named widgets under ``root`` (itself included), in tree order."""
    found: list[WidgetInfo] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if _inside_composite(widget):
            continue
        interactive = isinstance(widget, INTERACTIVE)
        if not interactive and not (include_labels and isinstance(widget, QLabel)):
            continue
        if _is_internal(widget):
            continue
        name = widget.accessibleName()
        if isinstance(widget, QLabel) and name == widget.text():
            name = ""  # it speaks its text (a FigureLabel's accessible name is its figure)
        found.append(WidgetInfo(widget.objectName(), name, type(widget).__name__, interactive))
    return found


def unnamed_interactive(root: QWidget) -> list[str]:
    """Interactive widgets that lack an objectName or accessible name (should be none)."""
    problems = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or _inside_composite(widget):
            continue
        if widget.objectName().startswith("qt_"):
            continue
        if not widget.objectName() or not widget.accessibleName():
            problems.append(f"{type(widget).__name__} objectName={widget.objectName()!r} "
                            f"accessibleName={widget.accessibleName()!r} "
                            f"text={getattr(widget, 'text', lambda: '')()!r}")
    return problems


def markdown_table(rows: list[WidgetInfo]) -> str:
    lines = ["| objectName | class | accessible name |", "|---|---|---|"]
    seen: set[str] = set()
    for row in rows:
        if not row.object_name or row.object_name in seen:
            continue
        seen.add(row.object_name)
        spoken = row.accessible_name or ("_(its text)_" if not row.interactive else "")
        lines.append(f"| `{row.object_name}` | {row.class_name} | {spoken} |")
    return "\n".join(lines)
