"""Where the bundled resources (fonts, themes, translations, icons) live."""

from __future__ import annotations

from pathlib import Path

import resources

RESOURCES_DIR = Path(resources.__file__).resolve().parent
FONTS_DIR = RESOURCES_DIR / "fonts"
THEMES_DIR = RESOURCES_DIR / "themes"
TRANSLATIONS_DIR = RESOURCES_DIR / "translations"
ICONS_DIR = RESOURCES_DIR / "icons"
