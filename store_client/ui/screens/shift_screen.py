"""交班 Shift and cash: open with a counted float, pay in / pay out, X report, blind close.

Every service call is a shift operation (:mod:`store_client.ui.operations.shifts`). The close is blind: the
count page never shows the expected cash; over/short appears only after the count was
submitted. While events wait for HQ (or were rejected), closing needs the "close anyway"
box ticked (issue 5). Actions that need a manager (above the cash limit, an over/short
beyond the tolerance, a cashier's X report) ask for the approval and are sent again.

Keys (docs/keyboard.md): F2 open, F3 pay in, F4 pay out, F5 X report, F6 close, F7
refresh; on the count and cash pages Enter goes to the next field, F11 confirms and
Esc cancels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer
from PySide6.QtGui import QIntValidator, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from store_client.domain.money import Money
from store_client.domain.shifts import DENOMINATIONS_FEN, MAX_PIECES, MAX_REASON
from store_client.ui import keymap
from store_client.ui.automation import named
from store_client.ui.checkout.formatting import money_text
from store_client.ui.i18n import money_locale
from store_client.ui.login_messages import local_hhmm
from store_client.ui.operations import Changes, Op
from store_client.ui.page import page_layout, page_title
from store_client.ui.screen_spec import ScreenContext, ScreenSpec, register
from store_client.ui.service_messages import service_error_text

if TYPE_CHECKING:
    from store_client.services.errors import ApprovalRequired
    from store_client.services.shifts import MovementDone, ShiftReportResult, ShiftView, UnsyncedEvents
    from store_client.ui.operations.shifts import ShiftState

T = TypeVar("T")
REPORT_PAGE, COUNT_PAGE, CASH_PAGE = 0, 1, 2


class ShiftScreen(QWidget):
    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shift.screen")
        self._ctx = ctx
        self.ops = ctx.ops.shifts
        self.current: ShiftView | None = None
        self._mode = ""  # "open" | "close" on the count page, "pay_in" | "pay_out" on the cash page
        self._warning: UnsyncedEvents | None = None
        self.dialog: QDialog | None = None  # the approval dialog while it is open

        self.open_button = self._button("shift.open", self.tr("Open shift"),
                                        self.tr("Open a shift with a counted float"))
        self.pay_in_button = self._button("shift.payIn", self.tr("Pay in"),
                                          self.tr("Pay cash into the drawer"))
        self.pay_out_button = self._button("shift.payOut", self.tr("Pay out"),
                                           self.tr("Pay cash out of the drawer"))
        self.x_button = self._button("shift.xReport", self.tr("X report"),
                                     self.tr("Print the mid-shift X report"))
        self.close_button = self._button("shift.close", self.tr("Close shift"),
                                         self.tr("Close the shift with a blind count"))
        self.refresh_button = self._button("shift.refresh", self.tr("Refresh"),
                                           self.tr("Refresh the shift state"))
        self.state = QLabel(self.tr("Loading…"), self)
        self.state.setObjectName("shift.state")
        self.state.setWordWrap(True)
        self.message = QLabel("", self)
        self.message.setObjectName("shift.message")
        self.message.setWordWrap(True)

        self.stack = QStackedWidget(self)
        self.stack.setObjectName("shift.pages")
        self.report_text = ""  # the last X/Z report as printed (text)
        self.report_image = QLabel(self.tr("X and Z reports appear here."), self.stack)
        self.report_image.setObjectName("shift.reportImage")
        self.report_image.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.report = named(QScrollArea(self.stack), "shift.report", self.tr("Last shift report"))
        self.report.setWidget(self.report_image)
        self.report.setWidgetResizable(True)
        named(self.report.verticalScrollBar(), "shift.reportScrollV",
              self.tr("Scroll the report"))
        named(self.report.horizontalScrollBar(), "shift.reportScrollH",
              self.tr("Scroll the report sideways"))
        self.stack.addWidget(self.report)
        self.stack.addWidget(self._count_page())
        self.stack.addWidget(self._cash_page())

        page_layout(self, page_title(self, self.tr("Shift and cash"), "shift.title"),
                    (self.open_button, self.pay_in_button, self.pay_out_button, self.x_button,
                     self.close_button, self.refresh_button),
                    (self.state, self.message, (self.stack, 1)), keyed=False)
        keymap.keyed_buttons(self, [(f"F{n}", button) for n, button in enumerate(
            (self.open_button, self.pay_in_button, self.pay_out_button, self.x_button,
             self.close_button, self.refresh_button), start=2)], extra=(
            keymap.KeyAction(("F11",), self.tr("Confirm the count or the cash movement"),
                             self._confirm_page),
            keymap.KeyAction(("Esc",), self.tr("Cancel the count or the cash movement"),
                             self._cancel_page)))
        self.open_button.clicked.connect(lambda: self._show_count("open"))
        self.close_button.clicked.connect(self.start_close)
        self.pay_in_button.clicked.connect(lambda: self._show_cash("pay_in"))
        self.pay_out_button.clicked.connect(lambda: self._show_cash("pay_out"))
        self.x_button.clicked.connect(self.x_report)
        self.refresh_button.clicked.connect(self.refresh)
        self._set_buttons()
        self.open_button.setEnabled(False)  # until the state is known
        ctx.ops.hub.changed.connect(self._changed)
        self.refresh()

    # -- building -----------------------------------------------------------------------------
    def _button(self, name: str, text: str, accessible: str) -> QPushButton:
        return named(QPushButton(text, self), name, accessible)

    def _count_page(self) -> QWidget:
        page = QWidget(self.stack)
        self.count_title = QLabel("", page)
        self.count_title.setObjectName("shift.countTitle")
        self.count_title.setProperty("kind", "title")
        self.warning_box = QFrame(page)
        self.warning_box.setObjectName("shift.warningBox")
        self.warning_text = QLabel("", self.warning_box)
        self.warning_text.setObjectName("shift.syncWarning")
        self.warning_text.setWordWrap(True)
        self.warning_text.setProperty("kind", "error")
        self.confirm_unsynced = named(
            QCheckBox(self.tr("Close anyway: I know these have not reached HQ yet"),
                      self.warning_box), "shift.confirmUnsynced",
            self.tr("Close the shift although events have not reached HQ"))
        box = QVBoxLayout(self.warning_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.warning_text)
        box.addWidget(self.confirm_unsynced)

        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        self.pieces: dict[int, QLineEdit] = {}
        self.subtotals: dict[int, QLabel] = {}
        for i, fen in enumerate(DENOMINATIONS_FEN):
            label = self._denomination(fen)
            spin = named(QLineEdit(page), f"shift.count.{fen}",
                         self.tr("Number of %1").replace("%1", label))
            spin.setValidator(QIntValidator(0, MAX_PIECES, spin))  # no sign, no decimals
            spin.setMaxLength(len(str(MAX_PIECES)))
            spin.setPlaceholderText("0")
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
            spin.setMinimumWidth(110)
            spin.textChanged.connect(self._update_total)
            spin.returnPressed.connect(lambda w=spin: self._next_field(w))
            subtotal = QLabel("", page)
            subtotal.setObjectName(f"shift.subtotal.{fen}")
            subtotal.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            subtotal.setMinimumWidth(130)
            row, col = i % 4, (i // 4) * 4
            grid.addWidget(QLabel(label, page), row, col)
            grid.addWidget(spin, row, col + 1)
            grid.addWidget(subtotal, row, col + 2)
            self.pieces[fen], self.subtotals[fen] = spin, subtotal
        grid.setColumnMinimumWidth(3, 48)  # a gap between the two columns of notes
        grid.setColumnStretch(7, 1)
        self.count_total = QLabel("", page)
        self.count_total.setObjectName("shift.countTotal")
        self.count_total.setProperty("kind", "title")
        self.variance_text = QLabel("", page)
        self.variance_text.setObjectName("shift.variance")
        self.variance_text.setWordWrap(True)
        self.variance_reason = named(QLineEdit(page), "shift.varianceReason",
                                     self.tr("Reason for the over/short"))
        self.variance_reason.setMaxLength(MAX_REASON)
        self.variance_reason.setPlaceholderText(self.tr("Why is the drawer over or short?"))
        self.count_confirm = named(QPushButton(self.tr("Confirm count"), page),
                                   "shift.countConfirm", self.tr("Confirm the count"))
        self.count_confirm.setProperty("primary", True)
        self.count_cancel = named(QPushButton(self.tr("Cancel"), page), "shift.countCancel",
                                  self.tr("Cancel the count"))
        self.count_confirm.clicked.connect(self.confirm_count)
        self.variance_reason.returnPressed.connect(lambda: self.count_confirm.setFocus())
        self.count_cancel.clicked.connect(self._back)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.count_cancel)
        buttons.addWidget(self.count_confirm)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.count_title, self.warning_box):
            layout.addWidget(widget)
        layout.addLayout(grid)
        for widget in (self.count_total, self.variance_text, self.variance_reason):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addLayout(buttons)
        return page

    def _cash_page(self) -> QWidget:
        page = QWidget(self.stack)
        self.cash_title = QLabel("", page)
        self.cash_title.setObjectName("shift.cashTitle")
        self.cash_title.setProperty("kind", "title")
        self.cash_amount = named(QLineEdit(page), "shift.cashAmount", self.tr("Amount"))
        self.cash_amount.setPlaceholderText("0.00")
        self.cash_reason = named(QLineEdit(page), "shift.cashReason", self.tr("Reason"))
        self.cash_reason.setMaxLength(MAX_REASON)
        self.cash_reason.setPlaceholderText(self.tr("e.g. float top-up, petty cash"))
        self.cash_confirm = named(QPushButton(self.tr("Confirm"), page), "shift.cashConfirm",
                                  self.tr("Confirm the cash movement"))
        self.cash_confirm.setProperty("primary", True)
        self.cash_cancel = named(QPushButton(self.tr("Cancel"), page), "shift.cashCancel",
                                 self.tr("Cancel the cash movement"))
        self.cash_confirm.clicked.connect(self.confirm_cash)
        self.cash_cancel.clicked.connect(self._back)
        self.cash_reason.returnPressed.connect(self.confirm_cash)
        self.cash_amount.returnPressed.connect(lambda: self.cash_reason.setFocus())
        form = QGridLayout()
        form.addWidget(QLabel(self.tr("Amount (yuan)"), page), 0, 0)
        form.addWidget(self.cash_amount, 0, 1)
        form.addWidget(QLabel(self.tr("Reason"), page), 1, 0)
        form.addWidget(self.cash_reason, 1, 1)
        form.setColumnStretch(1, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cash_cancel)
        buttons.addWidget(self.cash_confirm)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.cash_title)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(buttons)
        return page

    def _next_field(self, field: QLineEdit) -> None:
        """Enter in a count field: on to the next denomination, then the confirm button."""
        fields = list(self.pieces.values())
        index = fields.index(field)
        if index + 1 < len(fields):
            fields[index + 1].setFocus()
            fields[index + 1].selectAll()
        elif self.variance_reason.isVisible():
            self.variance_reason.setFocus()
        else:
            self.count_confirm.setFocus()

    def _denomination(self, fen: int) -> str:
        if fen >= 100:
            return self.tr("%1 yuan").replace("%1", str(fen // 100))
        return self.tr("%1 jiao").replace("%1", str(fen // 10))

    def _money(self, fen: int) -> str:
        return money_text(fen, self._ctx.config.currency, money_locale(self._ctx.locale))

    # -- state ----------------------------------------------------------------------------------
    def activated(self) -> None:
        self.refresh()

    def _changed(self, changes: Changes, initiator: object) -> None:
        """A sale or a return moved cash, or another screen opened or closed the shift."""
        if (changes.shift and initiator is not self and self.isVisible()
                and self.stack.currentIndex() == REPORT_PAGE):
            self.refresh()

    def refresh(self) -> None:
        self._run(self.ops.state(), self._refreshed)

    def _refreshed(self, result: ShiftState) -> None:
        available, view = result
        if not available:
            self.state.setText(self.tr("Shifts are not available on this terminal."))
            self.open_button.setEnabled(False)
            return
        self._show_state(view)

    def _show_state(self, view: ShiftView | None) -> None:
        self.current = view
        if view is None:
            self.state.setText(self.tr("No shift is open on this terminal."))
        else:
            self.state.setText(
                self.tr("Shift %1 open since %2 (opened by %3), float %4.")
                .replace("%1", view.shift_no).replace("%2", local_hhmm(view.opened_at))
                .replace("%3", view.opened_by).replace("%4", self._money(view.opening_float_fen)))
        self._set_buttons()

    def _set_buttons(self) -> None:
        is_open = self.current is not None
        self.open_button.setEnabled(not is_open)
        for button in (self.pay_in_button, self.pay_out_button, self.x_button, self.close_button):
            button.setEnabled(is_open)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setProperty("kind", "error" if error else "")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    def _confirm_page(self) -> None:
        page = self.stack.currentIndex()
        button = {COUNT_PAGE: self.count_confirm, CASH_PAGE: self.cash_confirm}.get(page)
        if button is not None and button.isEnabled():
            button.click()

    def _cancel_page(self) -> None:
        if self.stack.currentIndex() in (COUNT_PAGE, CASH_PAGE):
            self._back()
            self._say("")

    def _back(self) -> None:
        self.stack.setCurrentIndex(REPORT_PAGE)
        self._mode = ""
        QTimer.singleShot(0, self, self._focus_actions)  # after the caller updated the buttons

    def _focus_actions(self) -> None:
        """Back from a page: the focus on the first action that can be used now."""
        if self.stack.currentIndex() != REPORT_PAGE or not self.isVisible():
            return
        for button in (self.open_button, self.pay_in_button, self.x_button, self.refresh_button):
            if button.isEnabled():
                button.setFocus()
                return

    # -- running service calls --------------------------------------------------------------------
    def _run(self, op: Op[T], on_done: Callable[[T], object],
             on_error: Callable[[BaseException], object] | None = None) -> None:
        """Run a shift op; one that needs a manager asks for the approval and runs again."""
        op.run(self, success=on_done, failure=on_error or self._failed, on_dialog=self._set_dialog)

    def _set_dialog(self, dialog: QDialog | None) -> None:
        self.dialog = dialog

    def _failed(self, error: BaseException) -> None:
        self._say(service_error_text(error), error=True)
        self.count_confirm.setEnabled(True)
        self.cash_confirm.setEnabled(True)

    # -- counting (open and blind close) ------------------------------------------------------------
    def _show_count(self, mode: str, warning: UnsyncedEvents | None = None) -> None:
        self._mode, self._warning = mode, warning
        for spin in self.pieces.values():
            spin.clear()
        self.count_title.setText(self.tr("Count the opening float") if mode == "open"
                                 else self.tr("Count the drawer (blind count)"))
        self.warning_box.setVisible(warning is not None)
        if warning is not None:
            self.warning_text.setText(self._warning_text(warning))
        self.confirm_unsynced.setChecked(False)
        self.variance_text.setText("")
        self.variance_reason.clear()
        self.variance_reason.setVisible(False)
        self._update_total()
        self._say("")
        self.stack.setCurrentIndex(COUNT_PAGE)
        self.pieces[DENOMINATIONS_FEN[0]].setFocus()

    def _warning_text(self, warning: UnsyncedEvents) -> str:
        return (self.tr("Not everything has reached HQ: %1 event(s) waiting, %2 rejected. "
                        "Sales of this shift may be missing at HQ.")
                .replace("%1", str(warning.pending)).replace("%2", str(warning.rejected)))

    def counted_pieces(self) -> dict[int, int]:
        counted = {fen: int(edit.text()) if edit.text().isdigit() else 0
                   for fen, edit in self.pieces.items()}
        return {fen: n for fen, n in counted.items() if n}

    def _update_total(self) -> None:
        counted = self.counted_pieces()
        for fen, label in self.subtotals.items():
            label.setText(self._money(fen * counted[fen]) if fen in counted else "")
        total = sum(fen * n for fen, n in counted.items())
        self.count_total.setText(self.tr("Counted: %1").replace("%1", self._money(total)))

    def start_close(self) -> None:
        """Check sync first (issue 5), then show the blind count."""
        self._run(self.ops.close_warning(), lambda warning: self._show_count("close", warning))

    def confirm_count(self) -> None:
        pieces = self.counted_pieces()
        if self._mode == "open":
            self.count_confirm.setEnabled(False)
            self._run(self.ops.open_shift(pieces=pieces, total_fen=0 if not pieces else None),
                      self._opened)
            return
        if self.warning_box.isVisible() and not self.confirm_unsynced.isChecked():
            self._say(self.tr("Tick \u201cClose anyway\u201d to close while events have not "
                              "reached HQ."), error=True)
            return
        reason = self.variance_reason.text().strip() or None
        confirm = self.confirm_unsynced.isChecked()
        self.count_confirm.setEnabled(False)
        self._run(self.ops.close_shift(pieces=pieces, total_fen=0 if not pieces else None,
                                       reason=reason, confirm_unsynced=confirm,
                                       action_text=self._variance_action),
                  self._closed, self._close_failed)

    def _variance_action(self, error: ApprovalRequired) -> str:
        """What the approving manager accepts: the figures (the manager is at the till now)."""
        off = getattr(error, "params", {}).get("variance_fen")
        counted = getattr(error, "params", {}).get("counted_fen")
        if not isinstance(off, int) or not isinstance(counted, int):
            return self.tr("accept the over/short of the drawer count")
        if off == 0:
            text = self.tr("close the shift after a refused count: it now matches (counted %1)")
        elif off > 0:
            text = self.tr("accept a drawer over by %2 (counted %1)")
        else:
            text = self.tr("accept a drawer short by %2 (counted %1)")
        return text.replace("%1", self._money(counted)).replace("%2", self._money(abs(off)))

    def _opened(self, view: ShiftView) -> None:
        self.count_confirm.setEnabled(True)
        self._back()
        self._say(self.tr("Shift %1 opened with a float of %2.")
                  .replace("%1", view.shift_no).replace("%2", self._money(view.opening_float_fen)))
        self._show_state(view)

    def _close_failed(self, error: BaseException) -> None:
        from store_client.services.shifts import UnsyncedEvents, VarianceNeedsReason

        self.count_confirm.setEnabled(True)
        if isinstance(error, UnsyncedEvents):
            self._warning = error
            self.warning_box.setVisible(True)
            self.warning_text.setText(self._warning_text(error))
            self._say(self.tr("Events still wait for HQ: tick \u201cClose anyway\u201d to close."),
                      error=True)
            return
        if isinstance(error, VarianceNeedsReason):
            # Blind: neither the amount nor over/short (else the cashier recounts to fit).
            self.variance_text.setText(
                self.tr("The count does not match what the drawer should hold (off by more than "
                        "%1). Count again; if it still does not match, enter the reason: a "
                        "manager approves it.").replace("%1", self._money(error.tolerance_fen)))
            self.variance_reason.setVisible(True)
            self.variance_reason.setFocus()
            self._say("")
            return
        self._failed(error)

    def _show_report(self, result: ShiftReportResult) -> None:
        """The report as it prints: its text at once, its picture painted off the UI thread."""
        self.report_text = result.text
        self.report_image.setAccessibleDescription(result.text)
        if result.document is None:
            self.report_image.setText(result.text)
            return
        self.ops.render_report(document=result.document).run(
            self, success=self._show_picture,
            failure=lambda _error: self.report_image.setText(result.text))

    def _show_picture(self, png: bytes) -> None:
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        self.report_image.setPixmap(pixmap)

    def _closed(self, result: ShiftReportResult) -> None:
        self.count_confirm.setEnabled(True)
        self._back()
        self._show_report(result)
        off = result.figures.variance_fen or 0
        if off == 0:
            self._say(self.tr("Shift closed. The drawer balances."))
        else:
            text = (self.tr("Shift closed. The drawer is over by %1.") if off > 0
                    else self.tr("Shift closed. The drawer is short by %1."))
            self._say(text.replace("%1", self._money(abs(off))), error=True)
        self._show_state(None)

    # -- pay in / pay out -----------------------------------------------------------------------------
    def _show_cash(self, mode: str) -> None:
        self._mode = mode
        self.cash_title.setText(self.tr("Pay cash into the drawer") if mode == "pay_in"
                                else self.tr("Pay cash out of the drawer"))
        self.cash_amount.clear()
        self.cash_reason.clear()
        self._say("")
        self.stack.setCurrentIndex(CASH_PAGE)
        self.cash_amount.setFocus()

    def confirm_cash(self) -> None:
        currency = self._ctx.config.currency
        try:
            amount = Money.parse(self.cash_amount.text(), currency).minor
        except ValueError:
            self._say(self.tr("Enter the amount in yuan, e.g. 200 or 12.50."), error=True)
            self.cash_amount.setFocus()
            return
        reason = self.cash_reason.text().strip()
        if not reason:
            self._say(self.tr("Enter the reason."), error=True)
            self.cash_reason.setFocus()
            return
        self.cash_confirm.setEnabled(False)
        action = (self.tr("pay %1 into the drawer") if self._mode == "pay_in"
                  else self.tr("pay %1 out of the drawer"))
        self._run(self.ops.move_cash(pay_in=self._mode == "pay_in", amount_fen=amount, reason=reason,
                                     action_text=action.replace("%1", self._money(amount))),
                  self._moved)

    def _moved(self, done: MovementDone) -> None:
        self.cash_confirm.setEnabled(True)
        self._back()
        text = (self.tr("Paid in %1.") if done.kind == "pay_in" else self.tr("Paid out %1."))
        self._say(text.replace("%1", self._money(done.amount_fen)))
        self.refresh()

    # -- X report ------------------------------------------------------------------------------------
    def x_report(self) -> None:
        self._run(self.ops.x_report(action_text=self.tr("see the X report (expected cash)")),
                  self._x_done)

    def _x_done(self, result: ShiftReportResult) -> None:
        self._back()
        self._show_report(result)
        self._say(self.tr("X report printed.") if result.print_job_id is not None
                  else self.tr("X report ready (no printer)."))


register(ScreenSpec("shift", QT_TRANSLATE_NOOP("Screens", "Shift"), ShiftScreen, "shift.open",
                    icon="shift.svg", order=15))
