"""The common frame of a main-window screen: a title, a row of buttons, then the body.

One place for the margins and spacing every screen shares, so screens look alike
and stay short. The buttons of the row get the screen's keys F2, F3, … in order
(:mod:`store_client.ui.keymap`) unless the screen gives its keys itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QAbstractButton, QHBoxLayout, QLabel, QLayout, QVBoxLayout, QWidget

from store_client.ui import keymap


def page_title(parent: QWidget, text: str, object_name: str) -> QLabel:
    title = QLabel(text, parent)
    title.setObjectName(object_name)
    title.setProperty("kind", "title")
    return title


def page_layout(page: QWidget, title: QLabel, buttons: Sequence[QWidget],
                body: Sequence[QWidget | QLayout | tuple[QWidget, int]], *,
                keyed: bool = True) -> QVBoxLayout:
    """Lay ``page`` out; a ``(widget, stretch)`` body item takes the spare height.

    ``keyed``: the row's buttons get F2, F3, … (False: the screen registers its own keys).
    """
    if keyed:
        keymap.keyed_buttons(page, [(f"F{n}", button) for n, button in enumerate(buttons, start=2)
                                    if isinstance(button, QAbstractButton)])
    bar = QHBoxLayout()
    for button in buttons:
        button.setProperty("kind", button.property("kind") or "bar")  # narrower padding: fits 1024 px
        bar.addWidget(button)
    bar.addStretch(1)
    layout = QVBoxLayout(page)
    layout.setContentsMargins(24, 20, 24, 12)
    layout.setSpacing(12)
    layout.addWidget(title)
    layout.addLayout(bar)
    for item in body:
        if isinstance(item, tuple):
            layout.addWidget(item[0], item[1])
        elif isinstance(item, QLayout):
            layout.addLayout(item)
        else:
            layout.addWidget(item)
    return layout
