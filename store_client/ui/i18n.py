"""Qt translations: English source strings, ``store_client_<locale>.qm`` per language.

The .ts sources in ``resources/translations`` are updated with
``pyside6-lupdate`` and compiled with ``pyside6-lrelease`` (commands in
docs/ui-automation.md); the compiled .qm files are committed so a fresh install
needs no Qt tools. tests/ui/test_translations.py fails when a string in the
code has no finished zh_CN translation.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from store_client.ui.resources_path import TRANSLATIONS_DIR

log = logging.getLogger(__name__)

SOURCE_LOCALE = "en"
TS_STEM = "store_client"


def qm_path(locale: str):
    return TRANSLATIONS_DIR / f"{TS_STEM}_{locale}.qm"


def ts_path(locale: str):
    return TRANSLATIONS_DIR / f"{TS_STEM}_{locale}.ts"


class Translations:
    """The translators installed for one locale; ``remove()`` undoes them."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self._installed: list[QTranslator] = []
        self._ours: QTranslator | None = None

    def install(self, app: QCoreApplication) -> Translations:
        QLocale.setDefault(QLocale(self.locale))
        if self.locale == SOURCE_LOCALE:
            return self
        qt_own = QTranslator(app)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt_own.load(f"qtbase_{self.locale}", qt_dir):
            app.installTranslator(qt_own)
            self._installed.append(qt_own)
        ours = QTranslator(app)
        if not ours.load(str(qm_path(self.locale))):
            # A till that starts in English beats one that does not start; IT sees the log.
            log.warning("translation %s is missing or unreadable; showing English",
                        qm_path(self.locale))
            return self
        app.installTranslator(ours)
        self._installed.append(ours)
        self._ours = ours
        return self

    @property
    def active(self) -> bool:
        """True when the UI shows this locale (our translation installed, or the source language)."""
        return self.locale == SOURCE_LOCALE or self._ours is not None

    def remove(self, app: QCoreApplication) -> None:
        for translator in self._installed:
            app.removeTranslator(translator)
        self._installed.clear()
        self._ours = None
        QLocale.setDefault(QLocale(SOURCE_LOCALE))


def money_locale(locale: str) -> str:
    """Babel locale for Money.format."""
    return "zh_CN" if locale == "zh_CN" else "en"


def role_label(role: object) -> str:
    """The role's name in the current UI language (from the domain's bilingual labels)."""
    from store_client.domain.roles import label

    return label(str(getattr(role, "value", role)), QLocale().name())
