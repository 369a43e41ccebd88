"""The board's return conflicts and credit overdrafts (F6 on the board, managers only).

HQ publishes them for the store (docs/returns.md, "Conflicts and overdrafts"); the dialog
lists the open ones, oldest first, each with its sale, its lines, the stores involved, the
money at stake and when HQ found it (store time). The manager types a reason and resolves
the selected one: F7 the loss is accepted, F8 the money was recovered from the customer.
Keys: Up / Down choose, Tab goes to the reason, F5 reads the list again, Esc closes.
Reads and the resolution run through the board's operations, off the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from store_client import store_time
from store_client.ui.automation import named
from store_client.ui.keymap import key_caption
from store_client.ui.screens.board_drill import ListModel, word
from store_client.ui.service_messages import service_error_text
from sync.protocol.return_issues import MAX_REASON

if TYPE_CHECKING:
    from store_client.services.return_issues import Resolution, ReturnIssue
    from store_client.ui.operations import Operations

STALE = ("return_issue.unknown", "return_issue.already_resolved")
KINDS = {"conflict": QT_TRANSLATE_NOOP("BoardWords", "Returned twice"),
         "overdraft": QT_TRANSLATE_NOOP("BoardWords", "Credit note overdrawn")}


class ReturnIssuesDialog(QDialog):
    """Opened with ``open()``; the table takes the focus (arrows move in it)."""

    def __init__(self, ops: Operations, money: Callable[[int], str], locale: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.ops, self.money, self.chinese = ops, money, locale.startswith("zh")
        self.issues: list[ReturnIssue] = []
        self.resolved: list[Resolution] = []  # what this dialog resolved (tests read it)
        self._busy = False
        self._outcome = ""  # the last resolution's words, kept above the list read after it
        title = self.tr("Return conflicts and credit overdrafts")
        named(self, "board.issues", title)
        self.setWindowTitle(title)
        heading = QLabel(title, self)
        heading.setObjectName("board.issues.title")
        heading.setProperty("kind", "heading")
        self.status = named(QLabel(self.tr("Loading…"), self), "board.issues.status", self.tr("List status"))
        self.status.setWordWrap(True)
        self.model = ListModel([self.tr("Problem"), self.tr("Receipt"), self.tr("Line"), self.tr("Stores"),
                                self.tr("At stake"), self.tr("Found")], {4}, self)
        self.table = named(QTableView(self), "board.issues.table", title)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list for the reason
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        reason_label = QLabel(self.tr("Reason:"), self)
        self.reason = named(QLineEdit(self), "board.issues.reason",
                            self.tr("Reason for the resolution (required)"))
        self.reason.setMaxLength(MAX_REASON)
        self.reason.setPlaceholderText(self.tr("what was agreed with the customer, or why the loss is accepted"))
        reason_label.setBuddy(self.reason)
        self.accept_button = named(QPushButton(key_caption("F7", self.tr("Accept the loss")), self),
                                   "board.issues.acceptLoss", self.tr("Accept the loss of the selected one"))
        self.recovered_button = named(QPushButton(key_caption("F8", self.tr("Recovered from the customer")), self),
                                      "board.issues.recovered",
                                      self.tr("The money of the selected one was recovered from the customer"))
        self.refresh_button = named(QPushButton(key_caption("F5", self.tr("Refresh")), self),
                                    "board.issues.refresh", self.tr("Read the list again"))
        self.close_button = named(QPushButton(self.tr("Close (Esc)"), self), "board.issues.close",
                                  self.tr("Close the list"))
        self.accept_button.clicked.connect(lambda: self.resolve("loss_accepted"))
        self.recovered_button.clicked.connect(lambda: self.resolve("recovered"))
        self.refresh_button.clicked.connect(self.load)
        self.close_button.clicked.connect(self.reject)
        for button in (self.accept_button, self.recovered_button, self.refresh_button, self.close_button):
            button.setAutoDefault(False)  # Enter in the reason must not close or resolve
        for key, button in (("F5", self.refresh_button), ("F7", self.accept_button), ("F8", self.recovered_button)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(button.click)  # a disabled button's key does nothing
        reason_row = QHBoxLayout()
        reason_row.addWidget(reason_label)
        reason_row.addWidget(self.reason, 1)
        buttons = QHBoxLayout()
        for button in (self.accept_button, self.recovered_button, self.refresh_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addLayout(reason_row)
        layout.addLayout(buttons)
        QWidget.setTabOrder(self.table, self.reason)
        QWidget.setTabOrder(self.reason, self.accept_button)
        window = parent.window()  # the whole till's width: the rail beside the board is not needed here
        self.resize(min(1000, window.width() - 16), min(560, window.height() - 40))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._enable()
        self.load()

    # -- the list -----------------------------------------------------------------------------
    def load(self) -> None:
        self.ops.board.return_issues().run(self, success=self.show_issues, failure=self._failed)

    def show_issues(self, issues: list[ReturnIssue]) -> None:
        self.issues = list(issues)
        self.model.set_rows([self.row(i) for i in self.issues])
        listed = (self.tr("Nothing open: HQ has found no conflict or overdraft for this store.")
                  if not self.issues else self.tr("%1 open. Choose one (Up / Down), Tab to the reason, then F7 or F8.")
                  .replace("%1", str(len(self.issues))))
        self._say(f"{self._outcome} {listed}" if self._outcome else listed)
        self._outcome = ""
        if self.issues:
            self.table.selectRow(0)
        self._enable()
        self.table.setFocus()

    def row(self, issue: ReturnIssue) -> list[str]:
        if issue.kind == "conflict":
            lines = ", ".join(self.tr("line %1: %2 × %3").replace("%1", str(x.line_no))
                              .replace("%2", (x.name_zh if self.chinese else x.name_en) or x.sku)
                              .replace("%3", str(x.qty)) for x in issue.lines)
        else:
            lines = self.tr("credit note …%1").replace("%1", issue.code_tail or "")
        return [word(KINDS.get(issue.kind, KINDS["conflict"])), issue.receipt_no or issue.sale_id[:8], lines, " · ".join(issue.stores),
                self.money(issue.amount_fen), store_time.minutes(issue.at)]

    def selected(self) -> ReturnIssue | None:
        rows = self.table.selectionModel().selectedRows()
        return self.issues[rows[0].row()] if rows and rows[0].row() < len(self.issues) else None

    # -- resolving ----------------------------------------------------------------------------
    def resolve(self, resolution: str) -> None:
        issue = self.selected()
        if issue is None or self._busy:
            return
        if not self.reason.text().strip():
            self._say(self.tr("Type the reason first (what was agreed with the customer, or why the loss is "
                              "accepted)."), error=True)
            self.reason.setFocus()
            return
        self._busy = True
        self._enable()
        self.ops.board.resolve_issue(issue_id=issue.issue_id, resolution=resolution,
                                     reason=self.reason.text()).run(
            self, success=lambda done: self._resolved(issue, done), failure=self._failed)

    def _resolved(self, issue: ReturnIssue, done: Resolution) -> None:
        self._busy = False
        self.resolved.append(done)
        self.reason.clear()
        self._outcome = (self.tr("Sale %1: the loss of %2 is accepted.") if done.resolution == "loss_accepted"
                         else self.tr("Sale %1: %2 recovered from the customer.")) \
            .replace("%1", issue.receipt_no or issue.sale_id[:8]).replace("%2", self.money(issue.amount_fen))
        self.load()

    def _failed(self, error: BaseException) -> None:
        self._busy = False
        self._enable()
        self._say(service_error_text(error, self.money), error=True)
        if getattr(error, "code", None) in STALE:  # resolved (or gone) meanwhile: the list as it is now
            self._outcome = self.status.text()
            self.load()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setProperty("kind", "error" if error else "")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.status.setText(text)

    def _enable(self) -> None:
        live = bool(self.issues) and not self._busy
        self.accept_button.setEnabled(live)
        self.recovered_button.setEnabled(live)
