"""Every screen at every counter size, windowed and full-screen: nothing clipped or cut,
the status bar (offline badge, clock, operator) always on screen."""

from __future__ import annotations

import pytest
from tests.ui.conftest import demo_operator
from PySide6.QtWidgets import QApplication

from store_client.ui.fit_check import problems, window_sizes


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
@pytest.mark.parametrize(("mode", "width", "height"), window_sizes(),
                         ids=[f"{m}-{w}x{h}" for m, w, h in window_sizes()])
def test_every_screen_fits(make_shell, mode: str, width: int, height: int, locale: str) -> None:
    shell = make_shell(locale=locale)
    window = shell.window
    window.resize(width, height)
    QApplication.processEvents()
    assert (window.width(), window.height()) == (width, height), "a layout is wider than the screen"
    assert problems(window) == [], "sign-in page"
    op = demo_operator("manager")  # sees the checkout, returns and shift screens
    shell.sign_in(op.id, op.pin)
    found = {}
    for key in list(window.screens):
        window.open_screen(key)
        shell.settle()
        QApplication.processEvents()
        assert (window.width(), window.height()) == (width, height), key
        issues = problems(window)
        window.show_help()  # F1 over this screen fits too
        QApplication.processEvents()
        issues += [f"help: {p}" for p in problems(window)]
        window.show_help()
        if issues:
            found[key] = issues
    assert found == {}


def test_the_check_finds_a_cut_caption_and_a_clipped_label(qtbot) -> None:
    from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    button = QPushButton("Return everything that is still returnable", host)
    button.setFixedWidth(80)
    label = QLabel("A label far too long for forty pixels", host)
    label.setFixedWidth(40)
    layout.addWidget(button)
    layout.addWidget(label)
    host.show()
    qtbot.waitExposed(host)
    found = problems(host)
    assert any("button caption" in f for f in found) and any("label text" in f for f in found)
    label.setWordWrap(True)  # a wrapping label is not clipped, it wraps
    button.setFixedWidth(600)
    host.resize(800, 300)
    QApplication.processEvents()
    assert problems(host) == []


@pytest.mark.parametrize("fullscreen", [True, False])
def test_the_window_is_shown_full_screen_or_fitted_to_the_screen(make_shell, fullscreen: bool) -> None:
    from PySide6.QtCore import Qt

    from store_client.ui.app import PREFERRED_SIZE, show_window

    window = make_shell().window
    window.showNormal()
    show_window(window, fullscreen=fullscreen)
    QApplication.processEvents()
    area = window.screen().availableGeometry()
    if fullscreen:
        assert window.isFullScreen()
    elif area.width() < PREFERRED_SIZE[0] + 40 or area.height() < PREFERRED_SIZE[1] + 60:
        assert window.windowState() & Qt.WindowState.WindowMaximized  # a small panel: all of it
    else:
        assert (window.width(), window.height()) == PREFERRED_SIZE
    assert window.statusBar().isVisible()
