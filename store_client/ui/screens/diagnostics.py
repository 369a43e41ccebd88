"""诊断 Diagnostics: versions, paths, schema revision, catalog size, outbox backlog."""

from __future__ import annotations

import platform
import sys
from typing import Any

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
from store_client.ui.approval_dialog import run_guarded
from store_client.ui.automation import named
from store_client.ui.page import page_layout, page_title
from store_client.ui.screen_registry import ScreenContext, ScreenSpec, register
from store_client.ui.service_messages import service_error_text

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


def gather(ctx: ScreenContext) -> dict[str, str]:
    """Collect the facts (database work: runs on the task manager's db thread)."""
    import PySide6

    from store_client.persistence import migrate
    from sync.terminal.outbox import pending_count

    terminal = ctx.terminal
    config = terminal.config
    with terminal.db.read() as session:
        outbox = pending_count(session)
    head = migrate.head_revision()
    current = migrate.current_revision(terminal.db.engine) or "-"
    return {
        "version": __version__,
        "config": str(config.path or "-"),
        "data_dir": str(config.data_dir),
        "database": str(config.database_path),
        "schema": current if current == head else f"{current} (head {head})",
        "catalog": f"{ctx.services.catalog.count():,}",
        "outbox": str(outbox),
        "hq": config["hq.url"] or QCoreApplication.translate("Diagnostics", "none (offline)"),
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
        self.refresh_button.setEnabled(False)
        ctx = self._ctx
        run_guarded(ctx, self, "diagnostics.view", self.tr("view diagnostics"),
                    lambda: gather(ctx), self._show, self._failed)

    def _show(self, facts: dict[str, Any]) -> None:
        self.refresh_button.setEnabled(True)
        self.facts = dict(facts)
        for key, value in facts.items():
            self.values[key].setText(str(value))
        self.status.setText("")

    def _failed(self, error: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        self.status.setText(service_error_text(error))

    def copy(self) -> None:
        lines = [f"{QCoreApplication.translate('Diagnostics', label)}: {self.facts.get(key, '')}"
                 for key, label in FIELDS]
        QApplication.clipboard().setText("\n".join(lines))
        self.status.setText(self.tr("Copied."))


register(ScreenSpec("diagnostics", QT_TRANSLATE_NOOP("Screens", "Diagnostics"), DiagnosticsScreen,
                    "diagnostics.view", icon="diagnostics.svg", order=40))
