"""员工 Operators: who may sign in here, who is locked out, and lifting a lockout early.

The listing and the unlock both go through OperatorService, which checks
``operator.unlock`` and writes the audit entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from store_client.ui.automation import named
from store_client.ui.i18n import role_label
from store_client.ui.login_messages import local_hhmm
from store_client.ui.operations import Changes
from store_client.ui.page import page_layout, page_title
from store_client.ui.screen_spec import ScreenContext, ScreenSpec, register
from store_client.ui.service_messages import service_error_text
from store_client.ui.table_model import RowsTableModel

if TYPE_CHECKING:
    from store_client.services.operators import OperatorInfo

_Index = QModelIndex | QPersistentModelIndex


class OperatorTableModel(RowsTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = [self.tr("ID"), self.tr("Name"), self.tr("Role"), self.tr("Status"),
                         self.tr("Wrong PINs")]

    def operator(self, row: int) -> OperatorInfo:
        return self._rows[row]

    def status(self, op: OperatorInfo) -> str:
        if not op.active:
            return self.tr("Deactivated")
        if op.locked_until is not None:
            return self.tr("Locked until %1").replace("%1", local_hhmm(op.locked_until))
        return self.tr("Active")

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        op = self._rows[index.row()]
        return (op.operator_id, op.name, role_label(op.role), self.status(op),
                str(op.failed_attempts))[index.column()]


class OperatorsScreen(QWidget):
    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen.operators")
        self._ctx = ctx
        self.ops = ctx.ops.operators
        title = page_title(self, self.tr("Operators"), "operators.title")
        self.refresh_button = named(QPushButton(self.tr("Refresh"), self), "operators.refresh",
                                    self.tr("Refresh the operator list"))
        self.unlock_button = named(QPushButton(self.tr("Unlock selected operator"), self),
                                   "operators.unlock", self.tr("Unlock the selected operator"))
        self.unlock_button.setProperty("primary", True)
        self.unlock_button.setEnabled(False)
        self.status = QLabel("", self)
        self.status.setObjectName("operators.status")
        self.status.setWordWrap(True)
        self.model = OperatorTableModel(self)
        self.table = named(QTableView(self), "operators.list", self.tr("Operators"))
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(40)
        for column, width in enumerate((100, 160, 160, 200)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())

        page_layout(self, title, (self.refresh_button, self.unlock_button),
                    (self.status, (self.table, 1)))
        self.refresh_button.clicked.connect(self.refresh)
        self.unlock_button.clicked.connect(self.unlock_selected)
        ctx.ops.hub.changed.connect(self._changed)

    def activated(self) -> None:
        self.refresh()

    def _changed(self, changes: Changes, initiator: object) -> None:
        if changes.operators and initiator is not self and self.isVisible():
            self.refresh()

    def selected(self) -> OperatorInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.operator(rows[0].row()) if rows else None

    def _selection_changed(self) -> None:
        op = self.selected()
        self.unlock_button.setEnabled(
            op is not None and op.active and (op.locked_until is not None or op.failed_attempts > 0))

    def refresh(self) -> None:
        self.ops.list().run(self, success=self._loaded, failure=self._failed,
                            busy=(self.refresh_button,))

    def _loaded(self, rows: list[OperatorInfo]) -> None:
        self.model.set_rows(rows)
        self._selection_changed()

    def unlock_selected(self) -> None:
        op = self.selected()
        if op is None:
            return
        self.unlock_button.setEnabled(False)
        self.ops.unlock(operator_id=op.operator_id).run(
            self, success=lambda _r: self._unlocked(op), failure=self._failed)

    def _unlocked(self, op: OperatorInfo) -> None:
        self.status.setText(self.tr("%1 (%2) can sign in again.")
                            .replace("%1", op.name).replace("%2", op.operator_id))
        self.refresh()

    def _failed(self, error: BaseException) -> None:
        self._selection_changed()
        self.status.setText(service_error_text(error))


register(ScreenSpec("operators", QT_TRANSLATE_NOOP("Screens", "Operators"), OperatorsScreen,
                    "operator.unlock", icon="operators.svg", order=20))
