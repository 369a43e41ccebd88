"""诊断 Diagnostics: versions, paths, schema revision, catalog size, outbox backlog."""

from __future__ import annotations

import platform
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, qVersion
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFormLayout,
    QFrame,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from store_client import __version__
from store_client.ui.automation import named
from store_client.ui.page import page_layout, page_title
from store_client.ui.screen_spec import ScreenContext, ScreenSpec, register
from store_client.ui.service_messages import service_error_text

if TYPE_CHECKING:
    from store_client.doctor.runner import Report
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
        self.checks_button = named(QPushButton(self.tr("Run checks"), self), "diagnostics.runChecks",
                                   self.tr("Run the doctor's checks"))
        self.checks = named(QTableWidget(0, 3, self), "diagnostics.checks", self.tr("Check results"))
        self.checks.setHorizontalHeaderLabels([self.tr("Check"), self.tr("Result"),
                                               self.tr("What to do")])
        self.checks.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.checks.verticalHeader().setVisible(False)
        self.checks.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.report_text = ""  # the doctor's own English report, for the clipboard
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
        page_layout(self, title, (self.refresh_button, self.checks_button, self.copy_button),
                    (panel, (self.checks, 1), self.status))
        self.refresh_button.clicked.connect(self.refresh)
        self.checks_button.clicked.connect(self.run_checks)
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

    def run_checks(self) -> None:
        """The same checks as ``store-client doctor`` (HQ and devices: a few seconds at most)."""
        self.status.setText(self.tr("Checking…"))
        self._ctx.ops.diagnostics.doctor(action_text=self.tr("view diagnostics")).run(
            self, success=self._show_report, failure=self._failed, busy=(self.checks_button,))

    def _show_report(self, report: Report) -> None:
        from store_client.ui.doctor_labels import action_text, check_name, result_label

        self.report_text = report.to_text()
        self.checks.setRowCount(len(report.results))
        for row, result in enumerate(report.results):
            status = result.status.label
            for column, text in enumerate((check_name(result.check), result_label(status),
                                           action_text(result.check, status))):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, (result.check, status))
                self.checks.setItem(row, column, item)
        self.checks.resizeColumnsToContents()
        self.status.setText("")

    def _failed(self, error: BaseException) -> None:
        self.status.setText(service_error_text(error))

    def copy(self) -> None:
        lines = [f"{QCoreApplication.translate('Diagnostics', label)}: {self.facts.get(key, '')}"
                 for key, label in FIELDS]
        if self.report_text:
            lines += ["", self.report_text]
        QApplication.clipboard().setText("\n".join(lines))
        self.status.setText(self.tr("Copied."))


register(ScreenSpec("diagnostics", QT_TRANSLATE_NOOP("Screens", "Diagnostics"), DiagnosticsScreen,
                    "diagnostics.view", icon="diagnostics.svg", order=40))
