"""The bundled Noto Sans SC subset becomes the application font.

The subset is renamed "Store Client Sans SC" (resources/fonts; the OFL asks a modified
font not to keep the original's name): under its original family name a PC with the full
Noto Sans CJK installed used that instead (14 MB more resident, and not the glyphs tested).

Counter PCs are often fresh Linux installs without CJK fonts, or Windows
machines whose default UI font renders Chinese poorly; loading the font from
``resources/fonts`` and making it the app font means Chinese never shows tofu.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from store_client.ui.resources_path import FONTS_DIR

FALLBACK_FAMILY = "Sans Serif"
BASE_POINT_SIZE = 12


class FontMissing(RuntimeError):
    pass


_loaded_family: str | None = None


def load_bundled_fonts() -> str:
    """Register every bundled font (once per process); returns the regular face's family."""
    global _loaded_family
    if _loaded_family is not None:
        return _loaded_family
    families: list[str] = []
    for path in sorted(FONTS_DIR.glob("*.[ot]tf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            raise FontMissing(f"cannot load font {path}")
        families.extend(QFontDatabase.applicationFontFamilies(font_id))
    if not families:
        raise FontMissing(f"no fonts in {FONTS_DIR}")
    _loaded_family = families[0]
    return _loaded_family


def apply_app_font(app: QApplication, family: str, point_size: int = BASE_POINT_SIZE) -> QFont:
    font = QFont(family)
    font.setFamilies([family, FALLBACK_FAMILY])
    font.setPointSize(point_size)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    app.setFont(font)
    return font
