"""诊断 Diagnostics: versions, paths, schema revision, catalog size, outbox backlog."""

from __future__ import annotations

import platform
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, qVersion
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QFrame,
    QLabel,
    QPushButton,
    QWidget,
)

from store_client import __version__
from store_client.ui.automation import named
from store_client.ui.page import page_layout, page_title
from store_client.ui.screen_spec import ScreenContext, ScreenSpec, register
from store_client.ui.service_messages import service_error_text

if TYPE_CHECKING:
    from store_client.services.diagnostics import StoreFacts

#: (key, label source text); the order of the rows on screen.
FIELDS = (
    ("version", QT_TRANSLATE_NOOP("Diagnostics", "store-client version")),
    ("config", QT_TRANSLATE_NOOP("Diagnostics", "Configuration file")),
    ("data_dir", QT_TRANSLATE_NOOP("Diagnostics", "Data folder")),
    ("database", QT_TRANSLATE_NOOP("Diagnostics", "Database file")),
    ("schema", QT_TRANSLATE_NOOP("Diagnostics", "Schema revision")),
    ("catalog", QT_TRANSLATE_NOOP("Diagnostics", "Products in catalog")),
    ("outbox", QT_TRANSLATE_NOOP("Diagnostics", "Events waiting for HQ")),
    ("hq", QT_TRANSLATE_NOOP("Diagnostics", "HQ server")),
    ("qt", QT_TRANSLATE_NOOP("Diagnostics", "Qt / PySide6")),
    ("python", QT_TRANSLATE_NOOP("Diagnostics", "Python")),
)


def facts(store: StoreFacts) -> dict[str, str]:
    """The rows of the screen: the store's facts (read by the op) and this program's."""
    import PySide6

    return {
        "version": __version__,
        "config": store.config_path,
        "data_dir": store.data_dir,
        "database": store.database_path,
        "schema": store.schema,
        "catalog": f"{store.catalog_size:,}",
        "outbox": str(store.outbox_pending),
        "hq": store.hq_url or QCoreApplication.translate("Diagnostics", "none (offline)"),
        "qt": f"{qVersion()} / {PySide6.__version__}",
        "python": f"{platform.python_version()} ({sys.platform})",
    }


class DiagnosticsScreen(QWidget):
    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen.diagnostics")
        self._ctx = ctx
        self.facts: dict[str, str] = {}
        title = page_title(self, self.tr("Diagnostics"), "diagnostics.title")
        self.refresh_button = named(QPushButton(self.tr("Refresh"), self), "diagnostics.refresh",
                                    self.tr("Refresh diagnostics"))
        self.copy_button = named(QPushButton(self.tr("Copy to clipboard"), self), "diagnostics.copy",
                                 self.tr("Copy diagnostics to the clipboard"))
        self.status = QLabel("", self)
        self.status.setObjectName("diagnostics.status")
        self.status.setWordWrap(True)
        panel = QFrame(self)
        panel.setProperty("kind", "panel")
        form = QFormLayout(panel)
        form.setContentsMargins(20, 16, 20, 16)
        form.setVerticalSpacing(10)
        form.setHorizontalSpacing(24)
        self.values: dict[str, QLabel] = {}
        for key, label in FIELDS:
            value = QLabel("…", panel)
            value.setObjectName(f"diagnostics.{key}")
            value.setAccessibleName(QCoreApplication.translate("Diagnostics", label))
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.values[key] = value
            form.addRow(QCoreApplication.translate("Diagnostics", label), value)
        page_layout(self, title, (self.refresh_button, self.copy_button),
                    (panel, self.status)).addStretch(1)
        self.refresh_button.clicked.connect(self.refresh)
        self.copy_button.clicked.connect(self.copy)

    def activated(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        self._ctx.ops.diagnostics.store_facts(action_text=self.tr("view diagnostics")).run(
            self, success=self._show, failure=self._failed, busy=(self.refresh_button,))

    def _show(self, store: StoreFacts) -> None:
        self.facts = facts(store)
        for key, value in self.facts.items():
            self.values[key].setText(str(value))
        self.status.setText("")

    def _failed(self, error: BaseException) -> None:
        self.status.setText(service_error_text(error))

    def copy(self) -> None:
        lines = [f"{QCoreApplication.translate('Diagnostics', label)}: {self.facts.get(key, '')}"
                 for key, label in FIELDS]
        QApplication.clipboard().setText("\n".join(lines))
        self.status.setText(self.tr("Copied."))


register(ScreenSpec("diagnostics", QT_TRANSLATE_NOOP("Screens", "Diagnostics"), DiagnosticsScreen,
                    "diagnostics.view", icon="diagnostics.svg", order=40))
