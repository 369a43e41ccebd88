"""Chinese renders with the bundled font (no tofu), and touch targets are at least 44 px."""

from __future__ import annotations

from tests.ui.conftest import demo_operator
from PySide6.QtGui import QFontDatabase, QFontInfo, QRawFont
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit

from tools import translation_tools as tt
from store_client.ui.fonts import load_bundled_fonts
from store_client.ui.i18n import ts_path

MIN_TOUCH_PX = 44


def test_app_font_is_the_bundled_cjk_font(make_shell) -> None:
    make_shell(locale="zh_CN")
    family = load_bundled_fonts()
    assert family in QFontDatabase.families()
    assert QFontInfo(QApplication.font()).family() == family


def test_every_ui_character_is_in_the_bundled_font_itself(make_shell) -> None:
    """Checked against the font file's own glyphs, not system fallbacks a Windows PC may lack."""
    from store_client.demo.operators import DEMO_OPERATORS

    shell = make_shell(locale="zh_CN")
    raw = QRawFont.fromFont(QApplication.font())
    assert raw.isValid() and raw.supportsCharacter(ord("查"))
    messages = tt.read_ts(ts_path("zh_CN"))
    text = "".join(m.translation + m.source for m in messages)
    text += "".join(op.name for op in DEMO_OPERATORS)
    text += "".join(w.text() for w in shell.window.findChildren(QAbstractButton))  # symbols too
    text += shell.window.status.sync.text() + shell.window.windowTitle()
    missing = sorted({ch for ch in text if not ch.isspace() and not raw.supportsCharacter(ord(ch))})
    assert missing == []
    assert not raw.supportsCharacter(0x20000)  # the check can fail: Ext-B is not in the subset


def test_touch_targets_are_large_enough(make_shell) -> None:
    shell = make_shell(locale="zh_CN")
    window = shell.window
    small = []

    def check(widgets) -> None:  # type: ignore[no-untyped-def]
        for w in widgets:
            if (w.isVisible() and isinstance(w, (QAbstractButton, QLineEdit)) and w.objectName()
                    and w.width() > 0  # collapsed (e.g. a table corner button beside a hidden header)
                    and (w.height() < MIN_TOUCH_PX or w.width() < MIN_TOUCH_PX)):
                small.append((w.objectName(), w.width(), w.height()))

    check(window.login.findChildren(QAbstractButton) + window.login.findChildren(QLineEdit))
    manager = demo_operator("manager")
    shell.sign_in(manager.id, manager.pin)
    for key in list(window.screens):
        window.open_screen(key)
        shell.settle()
        check(window.findChildren(QAbstractButton) + window.findChildren(QLineEdit))
    window.lock()
    shell.qtbot.waitUntil(window.lock_overlay.isVisible)
    check(window.lock_overlay.findChildren(QAbstractButton) + window.lock_overlay.findChildren(QLineEdit))
    assert small == []
