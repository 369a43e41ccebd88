"""审计日志 Audit log: recent entries and a verification of the hash chain."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
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

from store_client import store_time
from store_client.ui.automation import named
from store_client.ui.page import page_layout, page_title
from store_client.ui.screen_spec import ScreenContext, ScreenSpec, register
from store_client.ui.service_messages import service_error_text
from store_client.ui.table_model import RowsTableModel

if TYPE_CHECKING:
    from store_client.domain.audit_chain import ChainReport
    from store_client.services.audit import AuditRow

# What each audit action is called on screen (the code stays in the tooltip and the CLI).
# tests/ui/test_audit_action_labels.py finds every action the services write and fails
# when one has no label here.
ACTION_LABELS = {
    "approval.granted": QT_TRANSLATE_NOOP("AuditActions", "Approval granted"),
    "approval.refused": QT_TRANSLATE_NOOP("AuditActions", "Approval refused"),
    "approval.used": QT_TRANSLATE_NOOP("AuditActions", "Approval used"),
    "auth.locked_out": QT_TRANSLATE_NOOP("AuditActions", "Locked out after wrong PINs"),
    "auth.login": QT_TRANSLATE_NOOP("AuditActions", "Signed in"),
    "auth.login_failed": QT_TRANSLATE_NOOP("AuditActions", "Sign-in failed"),
    "auth.logout": QT_TRANSLATE_NOOP("AuditActions", "Signed out"),
    "auth.unlock": QT_TRANSLATE_NOOP("AuditActions", "Unlocked the till"),
    "auth.unlock_failed": QT_TRANSLATE_NOOP("AuditActions", "Unlock failed"),
    "drawer.no_sale": QT_TRANSLATE_NOOP("AuditActions", "Drawer opened without a sale"),
    "operator.created": QT_TRANSLATE_NOOP("AuditActions", "Operator created"),
    "operator.deactivated": QT_TRANSLATE_NOOP("AuditActions", "Operator deactivated"),
    "operator.pin_set": QT_TRANSLATE_NOOP("AuditActions", "PIN set"),
    "operator.unlocked": QT_TRANSLATE_NOOP("AuditActions", "Operator unlocked"),
    "permission.approval_required": QT_TRANSLATE_NOOP("AuditActions", "Manager approval needed"),
    "permission.denied": QT_TRANSLATE_NOOP("AuditActions", "Permission denied"),
    "print.reprint": QT_TRANSLATE_NOOP("AuditActions", "Reprinted"),
    "return.completed": QT_TRANSLATE_NOOP("AuditActions", "Return refunded"),
    "exchange.completed": QT_TRANSLATE_NOOP("AuditActions", "Exchange (return and new sale)"),
    "aisle.line_added": QT_TRANSLATE_NOOP("AuditActions", "Item ordered from another site added to the sale"),
    "aisle.ordered": QT_TRANSLATE_NOOP("AuditActions", "Order from another site sent with the sale"),
    "aisle.refused": QT_TRANSLATE_NOOP("AuditActions", "Order from another site refused"),
    "aisle.resourced": QT_TRANSLATE_NOOP("AuditActions", "Flagged order from another site re-sourced"),
    "aisle.cancelled": QT_TRANSLATE_NOOP("AuditActions", "Flagged order from another site cancelled and refunded"),
    "return.reprinted": QT_TRANSLATE_NOOP("AuditActions", "Return slip reprinted"),
    "return.cancelled": QT_TRANSLATE_NOOP("AuditActions", "Return cancelled (mobile refund declined)"),
    "return.refused": QT_TRANSLATE_NOOP("AuditActions", "Return refused"),
    "return_issue.resolved": QT_TRANSLATE_NOOP("AuditActions", "Return conflict or overdraft resolved"),
    "return_issue.refused": QT_TRANSLATE_NOOP("AuditActions", "Return conflict or overdraft: resolution refused"),
    "sale.credit_refused": QT_TRANSLATE_NOOP("AuditActions", "Store credit note refused"),
    "sale.discount_cart": QT_TRANSLATE_NOOP("AuditActions", "Discount on the sale"),
    "sale.discount_line": QT_TRANSLATE_NOOP("AuditActions", "Discount on a line"),
    "sale.price_override": QT_TRANSLATE_NOOP("AuditActions", "Price overridden"),
    "sale.tender_removed": QT_TRANSLATE_NOOP("AuditActions", "Payment removed"),
    "sale.voided": QT_TRANSLATE_NOOP("AuditActions", "Sale voided"),
    "sale.parked_for_owner": QT_TRANSLATE_NOOP("AuditActions", "Another operator's sale parked for them"),
    "sale.handed_over": QT_TRANSLATE_NOOP("AuditActions", "Sale taken over from another operator"),
    "shift.closed": QT_TRANSLATE_NOOP("AuditActions", "Shift closed"),
    "shift.count_off": QT_TRANSLATE_NOOP("AuditActions", "Cash count off by more than the tolerance"),
    "shift.opened": QT_TRANSLATE_NOOP("AuditActions", "Shift opened"),
    "shift.pay_in": QT_TRANSLATE_NOOP("AuditActions", "Cash paid in"),
    "shift.pay_out": QT_TRANSLATE_NOOP("AuditActions", "Cash paid out"),
    "shift.pay_out_refused": QT_TRANSLATE_NOOP("AuditActions", "Pay-out refused: more than the drawer holds"),
    "shift.x_report": QT_TRANSLATE_NOOP("AuditActions", "X report viewed"),
    "pickup.conflict": QT_TRANSLATE_NOOP("AuditActions", "Pick-up step refused by HQ (on the manager's list)"),
    "pickup.conflict_resolved": QT_TRANSLATE_NOOP("AuditActions", "Pick-up conflict resolved"),
    "pickup.refused": QT_TRANSLATE_NOOP("AuditActions", "Pick-up step refused at the till"),
    "member.profile_opened": QT_TRANSLATE_NOOP("AuditActions", "Member profile opened"),
    "member.enrolled": QT_TRANSLATE_NOOP("AuditActions", "New member enrolled by the associate's QR"),
    "member.revealed": QT_TRANSLATE_NOOP("AuditActions", "Member's full phone number, birthday or address revealed"),
    "member.name_searched": QT_TRANSLATE_NOOP("AuditActions", "Members searched by name"),
    "member.reveal_refused": QT_TRANSLATE_NOOP("AuditActions", "Reveal of a member's phone number, birthday or address refused"),
    "member.browsing_confirmed": QT_TRANSLATE_NOOP("AuditActions", "Member agreed on the customer display to show their online browsing"),
    "member.browsing_withheld": QT_TRANSLATE_NOOP("AuditActions", "Member's online browsing withheld (declined, no answer or no customer display)"),
    "stock.count_planned": QT_TRANSLATE_NOOP("AuditActions", "Stock count planned"),
    "stock.count_submitted": QT_TRANSLATE_NOOP("AuditActions", "Stock count submitted for review"),
    "stock.count_recount": QT_TRANSLATE_NOOP("AuditActions", "Stock count sent to a recount"),
    "stock.count_posted": QT_TRANSLATE_NOOP("AuditActions", "Stock count adjustment posted"),
    "stock.count_cancelled": QT_TRANSLATE_NOOP("AuditActions", "Stock count cancelled"),
}


def action_label(action: str) -> str:
    """The action in the UI language; an action this build does not know shows its code."""
    label = ACTION_LABELS.get(action)
    return QCoreApplication.translate("AuditActions", label) if label else action

_Index = QModelIndex | QPersistentModelIndex


def local_time(moment: datetime | str) -> str:
    """Stored UTC time shown in the store's time zone, to the second."""
    try:
        return store_time.date_time(moment)
    except (AttributeError, TypeError, ValueError):
        return str(moment)


class AuditTableModel(RowsTableModel):
    FIELDS = ("seq", "at", "operator_id", "action", "target", "details")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = [self.tr("No."), self.tr("Time"), self.tr("Operator"), self.tr("Action"),
                         self.tr("Target"), self.tr("Details")]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole,
                                               Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._rows[index.row()]
        field = self.FIELDS[index.column()]
        value = row[field] if isinstance(row, dict) else getattr(row, field, "")
        if field == "at":
            return local_time(value)
        if field == "action" and role == Qt.ItemDataRole.DisplayRole:
            return action_label(str(value))
        if field == "details" and not isinstance(value, str):
            import json

            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        return "" if value is None else str(value)


class AuditScreen(QWidget):
    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen.auditLog")
        self._ctx = ctx
        self.ops = ctx.ops.audit
        title = page_title(self, self.tr("Audit log"), "audit.title")
        self.refresh_button = named(QPushButton(self.tr("Refresh"), self), "audit.refresh",
                                    self.tr("Refresh the audit log"))
        self.verify_button = named(QPushButton(self.tr("Verify chain"), self), "audit.verify",
                                   self.tr("Verify the audit hash chain"))
        self.verify_button.setProperty("primary", True)
        self.result = QLabel(self.tr("The chain has not been verified in this session."), self)
        self.result.setObjectName("audit.verifyResult")
        self.result.setAccessibleName(self.tr("Verification result"))
        self.result.setWordWrap(True)
        self.model = AuditTableModel(self)
        self.entries = named(QTableView(self), "audit.entries", self.tr("Audit entries"))
        self.entries.setModel(self.model)
        self.entries.setAlternatingRowColors(True)
        self.entries.setWordWrap(False)
        self.entries.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.entries.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.entries.verticalHeader().hide()
        self.entries.verticalHeader().setDefaultSectionSize(36)
        for column, width in enumerate((70, 190, 100, 200, 160)):
            self.entries.setColumnWidth(column, width)
        self.entries.horizontalHeader().setStretchLastSection(True)
        self.entries.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)

        page_layout(self, title, (self.refresh_button, self.verify_button),
                    (self.result, (self.entries, 1)))
        self.refresh_button.clicked.connect(self.refresh)
        self.verify_button.clicked.connect(self.verify)

    def activated(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.ops.recent(action_text=self.tr("view the audit log")).run(
            self, success=self._loaded, failure=self._failed, busy=(self.refresh_button,))

    def _loaded(self, rows: list[AuditRow]) -> None:
        self.model.set_rows(rows)

    def verify(self) -> None:
        self._set_result(self.tr("Verifying…"), "subtle")
        self.ops.verify(action_text=self.tr("verify the audit log")).run(
            self, success=self._verified, failure=self._failed, busy=(self.verify_button,))

    def _verified(self, report: ChainReport) -> None:
        if report.ok:
            self._set_result(self.tr("Chain intact: %1 entries checked.")
                             .replace("%1", str(report.entries_checked)), "ok")
        else:
            self._set_result(
                self.tr("Chain BROKEN at entry %1: %2 (%3 entries checked).")
                .replace("%1", str(report.first_broken_seq)).replace("%2", str(report.problem))
                .replace("%3", str(report.entries_checked)), "error")
        self.refresh()

    def _failed(self, error: BaseException) -> None:
        self._set_result(service_error_text(error), "error")

    def _set_result(self, text: str, kind: str) -> None:
        self.result.setText(text)
        self.result.setProperty("kind", kind)
        self.result.style().unpolish(self.result)
        self.result.style().polish(self.result)


register(ScreenSpec("auditLog", QT_TRANSLATE_NOOP("Screens", "Audit log"), AuditScreen, "audit.view",
                    icon="audit.svg", order=30))
