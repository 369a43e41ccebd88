"""Fusion style plus a QSS theme from ``resources/themes``."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from store_client.ui.resources_path import THEMES_DIR

DEFAULT_THEME = "light"

#: Tones used by status messages and the status bar's sync slot.
TONES = {"neutral": "#5b6472", "ok": "#1b7f3b", "warn": "#a35c00", "error": "#b3261e"}


def theme_path(name: str = DEFAULT_THEME):
    return THEMES_DIR / f"{name}.qss"


def apply_theme(app: QApplication, name: str = DEFAULT_THEME) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#f4f6f9"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#1a1f29"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#eef2f7"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#1a1f29"))
    palette.setColor(QPalette.ColorRole.Button, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor("#1a1f29"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#0b5cad"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    app.setPalette(palette)
    app.setStyleSheet(theme_path(name).read_text(encoding="utf-8"))
