"""盘点 Stock counts: plan a count, count it blind by scans, review, recount, approve and post.

The counter sees what was counted, never what was expected (docs/stock.md). Every scan is
its own op with its own scan id, queued in order on the database thread; the tally moves by
the service's answers, one row per answer, so ten fast scans of one code show 10 — never
fewer, never merged. A refused scan counts nothing and says why, with its own sound (two
beeps) and a red message. A manager's review shows expected, counted, variance and value;
posting above the value limit asks a second manager through the approval dialog. Other
tills' counts and plans show as the sync pulls them, with no key (stock_count_live.py).

Keys: F2 create the count typed in the form · F3 count the selected plan (the scan field) ·
F4 quantity for the next scan · F5 submit for review · F6 review · F7 send flagged lines to
recount · F8 approve and post · F9 export CSV · F10 print the summary · F11 refresh ·
Enter in the scan field counts the code typed.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from store_client.domain.roles import Decision, Permission, decide
from store_client.ui import keymap
from store_client.ui.automation import named
from store_client.ui.checkout.dialogs import PromptDialog, reason_of
from store_client.ui.checkout.formatting import money_text
from store_client.ui.i18n import money_locale
from store_client.ui.screen_spec import ScreenContext, ScreenSpec, register
from store_client.ui.screens.stock_count_live import CountLive
from store_client.ui.screens.stock_count_widgets import (PlansModel, ReviewModel, TallyModel, review_summary,
                                                         scope_text, state_text, when_text)
from store_client.ui.service_messages import service_error_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from store_client.services.stock_count_views import CounterSheet, PlanSummary, ReviewSheet
    from store_client.services.stock_counts import ScanResult

MAX_QUANTITY = 100_000  # the service refuses more in one scan; the field says so first
REFUSED_BEEP_MS = 140  # the second beep of a refused scan


class StockCountScreen(QWidget):
    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stockCount.screen")
        self.ops = ctx.ops.stock_counts
        self._catalog = ctx.ops.catalog
        self.lang = ctx.locale
        self.currency = ctx.config.currency
        self._money_locale = money_locale(ctx.locale)
        self.exports = ctx.config.data_dir / "exports"
        self.manager = decide(str(ctx.actor.role), Permission.STOCK_ADJUST) is Decision.ALLOW
        self.plan: PlanSummary | None = None  # the plan picked for counting or review
        self.dialog: QDialog | None = None  # the cancel's reason, while it is asked (scans wait)
        self.review_sheet: ReviewSheet | None = None
        self.others_as_of: datetime | None = None  # the other tills' counts HQ sent, as of
        self.pending = 0  # scans sent and not answered yet
        self.answered = 0  # scans the service counted for this plan since it was picked
        self.painted: list[float] = []  # benchmarks: perf_counter when each answer was painted
        self._categories: list[tuple[str, str, str]] = []

        title = QLabel(self.tr("Stock counts"), self)
        title.setProperty("kind", "title")
        title.setObjectName("stockCount.title")

        # -- open counts, and a new one ----------------------------------------------------------
        self.plans_model = PlansModel(self)
        self.plans_table = self._table(QTableView(self), self.plans_model, "stockCount.plans",
                                       self.tr("Open stock counts"), stretch=0)
        self.plans_table.selectionModel().selectionChanged.connect(lambda *_: self._plan_selected())
        self.scope = named(QComboBox(self), "stockCount.scope", self.tr("What the new count covers"))
        for value in ("category", "zone", "cycle"):
            self.scope.addItem(scope_text(value), value)
        self.scope.currentIndexChanged.connect(lambda _i: self._scope_changed())
        self.category = named(QComboBox(self), "stockCount.category", self.tr("Category to count"))
        self.label = named(QLineEdit(self), "stockCount.label", self.tr("Name of the new count"))
        self.label.setPlaceholderText(self.tr("e.g. Aisle 3, shelf A"))
        self.label.setMaxLength(80)
        self.codes = named(QLineEdit(self), "stockCount.codes",
                           self.tr("Items of the zone or cycle list: codes separated by spaces"))
        self.codes.setPlaceholderText(self.tr("Scan or type codes, separated by spaces"))
        self.codes.returnPressed.connect(self.create_plan)
        self.label.returnPressed.connect(self.create_plan)

        # -- counting ----------------------------------------------------------------------------
        self.scan_input = named(QLineEdit(self), "stockCount.scanInput", self.tr("Scan or type an item code"))
        self.scan_input.setPlaceholderText(self.tr("Scan an item, or type its code and press Enter"))
        self.scan_input.returnPressed.connect(self._scan_entered)
        self.quantity = named(QLineEdit(self), "stockCount.quantity",
                              self.tr("Quantity for the next scan (pieces, or grams of a weighed item)"))
        self.quantity.setPlaceholderText("1")
        self.quantity.setMaxLength(7)
        self.quantity.setMaximumWidth(90)
        self.quantity.returnPressed.connect(self.scan_input.setFocus)
        self.plan_label = named(QLabel(self), "stockCount.plan", self.tr("The count picked"))
        self.plan_label.setWordWrap(True)
        self.tally_label = named(QLabel(self), "stockCount.tally", self.tr("What was counted so far"))
        self.message = named(QLabel(self), "stockCount.message", self.tr("Message"))
        self.message.setWordWrap(True)

        self.tally_model = TallyModel(self.name_of, self)
        self.tally_table = self._table(QTableView(self), self.tally_model, "stockCount.tallyTable",
                                       self.tr("Counted so far, per item"), stretch=1)
        self.review_model = ReviewModel(self.name_of, self.money, self)
        self.review_table = self._table(QTableView(self), self.review_model, "stockCount.review",
                                        self.tr("Review: expected, counted and variance per item"), stretch=1)
        self.review_table.selectionModel().selectionChanged.connect(lambda *_: self._review_buttons())
        self.review_summary = named(QLabel(self), "stockCount.reviewSummary", self.tr("Review summary"))
        self.review_summary.setWordWrap(True)
        review_page = QWidget(self)
        review_layout = QVBoxLayout(review_page)
        review_layout.setContentsMargins(0, 0, 0, 0)
        review_layout.addWidget(self.review_summary)
        review_layout.addWidget(self.review_table, 1)
        self.pages = QStackedWidget(self)
        self.pages.setObjectName("stockCount.pages")
        self.pages.addWidget(self.tally_table)
        self.pages.addWidget(review_page)

        # -- the screen's keys (docs/keyboard.md) ---------------------------------------------
        keyed: list[tuple[str, QPushButton]] = []

        def button(name: str, text: str, spoken: str, slot: Callable[[], object], key: str) -> QPushButton:
            b = named(QPushButton(text, self), f"stockCount.{name}", spoken)
            b.clicked.connect(slot)
            keyed.append((key, b))
            return b

        self.create_button = button("create", self.tr("Create"), self.tr("Create the count described"),
                                    self.create_plan, "F2")
        self.count_button = button("count", self.tr("Count"), self.tr("Count the selected plan: scan items"),
                                   self.start_counting, "F3")
        self.quantity_button = button("quantityKey", self.tr("Quantity"),
                                      self.tr("Type a quantity for the next scan"), self.enter_quantity, "F4")
        self.submit_button = button("submit", self.tr("Submit"), self.tr("Submit the count for review"),
                                    self.submit, "F5")
        self.review_button = button("reviewKey", self.tr("Review"), self.tr("Review the submitted count"),
                                    self.show_review, "F6")
        self.recount_button = button("recount", self.tr("Recount"),
                                     self.tr("Send the flagged lines back to be counted again"), self.recount, "F7")
        self.post_button = button("post", self.tr("Approve"), self.tr("Approve and post the stock adjustment"),
                                  self.approve, "F8")
        self.export_button = button("export", self.tr("Export CSV"), self.tr("Export the review as a CSV file"),
                                    self.export_csv, "F9")
        self.print_button = button("print", self.tr("Print"), self.tr("Print the count summary"),
                                   self.print_summary, "F10")
        self.refresh_button = button("refresh", self.tr("Refresh"), self.tr("Read the open counts again"),
                                     self.refresh, "F11")
        self.cancel_button = button("cancelCount", self.tr("Cancel count"),
                                    self.tr("Cancel the selected count without changing stock (asks a reason)"),
                                    self.cancel_count, "Shift+F5")
        keymap.keyed_buttons(self, keyed)

        form = QFormLayout()
        form.addRow(self.tr("Covers"), self.scope)
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Name"), self.label)
        form.addRow(self.tr("Items"), self.codes)
        form.addRow(self.create_button)
        top = QHBoxLayout()
        top.addWidget(self.plans_table, 3)
        top.addLayout(form, 2)
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.scan_input, 1)
        scan_row.addWidget(self.quantity)
        counting_keys = QHBoxLayout()
        for b in (self.count_button, self.quantity_button, self.submit_button, self.refresh_button,
                  self.cancel_button):
            counting_keys.addWidget(b)
        counting_keys.addStretch(1)
        review_keys = QHBoxLayout()
        for b in (self.review_button, self.recount_button, self.post_button, self.export_button,
                  self.print_button):
            review_keys.addWidget(b)
        review_keys.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(top, 2)
        layout.addWidget(self.plan_label)
        layout.addLayout(scan_row)
        layout.addLayout(counting_keys)
        layout.addWidget(self.tally_label)
        layout.addWidget(self.message)
        layout.addWidget(self.pages, 3)
        layout.addLayout(review_keys)

        self.live = CountLive(self, ctx.ops.hub)  # other tills' counts show as HQ sends them
        self._scope_changed()
        self._show_plan(None)
        self._catalog.categories().run(self, success=self._show_categories, failure=self._error)
        self.refresh()

    # -- helpers ---------------------------------------------------------------------------------
    def _table(self, view: QTableView, model: object, name: str, spoken: str, stretch: int) -> QTableView:
        table = named(view, name, spoken)
        table.setModel(model)  # type: ignore[arg-type]
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = table.horizontalHeader()
        header.setResizeContentsPrecision(0)  # the visible rows only
        for column in range(model.columnCount()):  # type: ignore[attr-defined]
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == stretch
                                        else QHeaderView.ResizeMode.ResizeToContents)
        return table

    def name_of(self, name_zh: str, name_en: str) -> str:
        return (name_zh or name_en) if self.lang.startswith("zh") else (name_en or name_zh)

    def money(self, fen: int) -> str:
        return money_text(fen, self.currency, self._money_locale)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("kind", "error" if error else "")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def _error(self, error: BaseException) -> None:
        self._say(service_error_text(error, self.money), error=True)

    def _refused_sound(self) -> None:
        """Two short beeps: a refused scan sounds unlike a counted one (one beep)."""
        QApplication.beep()
        QTimer.singleShot(REFUSED_BEEP_MS, self, QApplication.beep)

    def activated(self) -> None:
        self.refresh()
        if self.plan is not None and self.plan.state in ("counting", "recount"):
            self.scan_input.setFocus()
        else:
            self.plans_table.setFocus()

    # -- the list of open counts -----------------------------------------------------------------
    def refresh(self) -> None:
        self.ops.open_plans().run(self, success=self._show_plans, failure=self._error)

    def _show_plans(self, plans: list[PlanSummary], select: str | None = None) -> None:
        keep = select or (self.plan.plan_id if self.plan is not None else None)
        selection = self.plans_table.selectionModel()
        selection.blockSignals(True)
        self.plans_model.set_rows(plans)
        row = self.plans_model.row_of(keep) if keep is not None else None
        if row is not None:
            self.plans_table.selectRow(row)
        selection.blockSignals(False)
        if row is None and plans and self.plan is None:
            self.plans_table.selectRow(0)  # loads it
        elif row is not None:  # read again: other tills' counts may have arrived (F11)
            self._plan_selected()
        elif row is None and self.plan is not None:
            self._show_plan(None)  # it was posted or cancelled
        if not plans:
            self.plan_label.setText(self.tr("No count is open: describe one on the right and press F2."))

    def _selected_plan(self) -> PlanSummary | None:
        rows = self.plans_table.selectionModel().selectedRows()
        return self.plans_model.plan(rows[0].row()) if rows else None

    def _plan_selected(self) -> None:
        plan = self._selected_plan()
        if plan is None:
            return
        if self.plan is None or plan.plan_id != self.plan.plan_id:
            self.answered = 0
        self._show_plan(plan)
        if plan.state == "review":
            if self.manager:
                self.show_review()
        else:
            self.ops.sheet(plan_id=plan.plan_id).run(self, success=self._show_sheet, failure=self._error)

    def _show_plan(self, plan: PlanSummary | None) -> None:
        self.plan = plan
        counting = plan is not None and plan.state in ("counting", "recount")
        reviewing = plan is not None and plan.state == "review"
        if plan is None:
            self.plan_label.setText(self.tr("Pick a count in the list (Up / Down), or create one."))
            self.tally_model.set_lines([])
            self.review_model.set_rows([])
        else:
            text = self.tr("%1 · %2 · %3").replace("%1", plan.label).replace(
                "%2", scope_text(plan.scope)).replace("%3", state_text(plan.state))
            if plan.owner_terminal is not None:
                text += " · " + self.tr("counted with till %1, reviewed there").replace("%1", plan.owner_terminal)
            if plan.state == "recount":
                text += " · " + self.tr("count again from zero: %1").replace("%1", ", ".join(plan.recount))
            elif reviewing and not self.manager:
                text += " · " + self.tr("submitted: a manager reviews it")
            self.plan_label.setText(text)
        self.pages.setCurrentIndex(1 if reviewing and self.manager else 0)
        if not reviewing or (self.review_sheet is not None and self.review_sheet.plan.plan_id != plan.plan_id):
            self.review_sheet = None  # never act on another plan's review
            self.review_model.set_rows([])
        for b in (self.count_button, self.quantity_button):
            b.setEnabled(counting)
        self.submit_button.setEnabled(counting and plan.owner_terminal is None)
        self.scan_input.setEnabled(counting)
        self.quantity.setEnabled(counting)
        for b in (self.review_button, self.export_button, self.print_button):
            b.setEnabled(reviewing and self.manager)
        self.cancel_button.setEnabled(self.manager and (counting or reviewing) and plan.owner_terminal is None)
        self._review_buttons()
        self._tally_text()

    def _review_buttons(self) -> None:
        sheet = self.review_sheet
        ready = sheet is not None and self.plan is not None and self.plan.state == "review"
        self.recount_button.setEnabled(ready and bool(sheet.flagged or self._selected_review_line()))
        self.post_button.setEnabled(ready and not self.live.holding)

    def _tally_text(self) -> None:
        plan = self.plan
        if plan is None or plan.state not in ("counting", "recount"):
            self.tally_label.setText("")
            return
        lines = self.tally_model.lines_counted()
        text = self.tr("Counted so far: %1 items of %2 · %3 scans counted here").replace(
            "%1", str(lines)).replace("%2", str(plan.skus)).replace("%3", str(self.answered))
        if self.pending:
            text += " · " + self.tr("%1 waiting").replace("%1", str(self.pending))
        if self.others_as_of is not None:
            text += " · " + self.tr("other tills' counts included, as of %1").replace("%1", self._when(self.others_as_of))
        self.tally_label.setText(text)

    def _when(self, moment: datetime) -> str:
        return when_text(moment, self.plan.snapshot_at if self.plan is not None else moment)

    def _show_sheet(self, sheet: CounterSheet) -> None:
        if self.plan is None or sheet.plan.plan_id != self.plan.plan_id:
            return  # another plan was picked meanwhile
        self.others_as_of = sheet.others_as_of
        self._show_plan(sheet.plan)
        self.tally_model.set_lines(sheet.lines)
        self._tally_text()

    # -- a new count -----------------------------------------------------------------------------
    def _show_categories(self, categories: list[tuple[str, str, str]]) -> None:
        self._categories = categories
        self.category.clear()
        for code, zh, en in categories:
            self.category.addItem(self.name_of(zh, en), code)

    def _scope_changed(self) -> None:
        by_category = self.scope.currentData() == "category"
        self.category.setEnabled(by_category)
        self.codes.setEnabled(not by_category)

    def create_plan(self) -> None:
        scope = str(self.scope.currentData())
        category = self.category.currentData() if scope == "category" else None
        codes = [c for c in self.codes.text().replace(",", " ").split() if c] if scope != "category" else []
        if scope == "category" and not category:
            self._say(self.tr("Choose the category to count."), error=True)
            self.category.setFocus()
            return
        if scope != "category" and not codes:
            self._say(self.tr("Scan or type the codes of the items to count, separated by spaces."), error=True)
            self.codes.setFocus()
            return
        label = self.label.text().strip()
        if not label:
            label = self.category.currentText() if scope == "category" else scope_text(scope)
        self.ops.create_plan(scope=scope, label=label, codes=codes, category=category).run(
            self, success=self._created, failure=self._error, busy=(self.create_button,))

    def _created(self, plan_id: str) -> None:
        self.label.clear()
        self.codes.clear()
        self.plan = None
        self._say(self.tr("Count created: scan the items (blind: the expected figures stay hidden)."))
        self.ops.open_plans().run(self, success=lambda plans: self._created_listed(plans, plan_id),
                                  failure=self._error)

    def _created_listed(self, plans: list[PlanSummary], plan_id: str) -> None:
        self._show_plans(plans, select=plan_id)
        self.scan_input.setFocus()

    # -- counting --------------------------------------------------------------------------------
    def start_counting(self) -> None:
        if self.plan is not None and self.plan.state in ("counting", "recount"):
            self.scan_input.setFocus()

    def enter_quantity(self) -> None:
        if self.quantity.isEnabled():
            self.quantity.setFocus()
            self.quantity.selectAll()

    def _scan_entered(self) -> None:
        text = self.scan_input.text().strip()
        self.scan_input.clear()
        if text:
            self.handle_scan(text)

    def handle_scan(self, code: str) -> None:
        """A scanner burst (the app's wedge filter) or a code typed into the scan field and
        Enter: one op with its own scan id. The quantity field applies to this one scan."""
        plan = self.plan
        if self.dialog is not None:
            return  # a scan while the cancel's reason is asked counts nothing
        if plan is None or plan.state not in ("counting", "recount"):
            self._refused_sound()
            self._say(self.live.closed_text(plan) or self.tr("Pick a count that is being counted before scanning."),
                      error=True)
            return
        typed = self.quantity.text().strip()
        quantity = 1
        if typed:
            try:
                quantity = int(typed)
            except ValueError:
                quantity = 0
            if quantity == 0 or abs(quantity) > MAX_QUANTITY:
                self._refused_sound()
                self._say(self.tr("Type a whole number from 1 to 100,000 (a minus sign corrects a slip)."),
                          error=True)
                self.quantity.setFocus()
                self.quantity.selectAll()
                return
            self.quantity.clear()
        self.pending += 1
        plan_id = plan.plan_id
        self.ops.scan(plan_id=plan_id, code=code, quantity=quantity).run(
            self, success=lambda result: self._scanned(plan_id, result),
            failure=lambda error: self._scan_refused(plan_id, code, error))
        self._tally_text()

    def _scanned(self, plan_id: str, result: ScanResult) -> None:
        """One answered scan: its line's new total, highlighted; one beep."""
        self.pending -= 1
        if self.plan is None or plan_id != self.plan.plan_id:
            return  # the counter picked another plan meanwhile: that scan is counted there
        self.answered += 1
        row = self.tally_model.update(result)  # the answer carries the line's new total
        self.tally_table.selectRow(row)
        self.tally_table.scrollTo(self.tally_model.index(row, 0))
        QApplication.beep()
        name = self.name_of(result.name_zh, result.name_en) or result.sku
        self._say(self.tr("%1: %2 counted").replace("%1", name).replace(
            "%2", f"{result.counted} g" if result.unit == "kg" else str(result.counted)))
        self._tally_text()

    def _scan_refused(self, plan_id: str, code: str, error: BaseException) -> None:
        self.pending -= 1
        self._refused_sound()
        self._say(service_error_text(error, self.money), error=True)
        self._tally_text()
        if getattr(error, "code", None) in ("count.plan_not_counting", "count.closed_meanwhile"):
            self.refresh()  # closed at another till: the list shows its state now

    def submit(self) -> None:
        plan = self.plan
        if plan is None or plan.state not in ("counting", "recount"):
            return
        if self.pending:
            self._say(self.tr("Wait until every scan is counted, then submit."), error=True)
            return
        self.ops.submit(plan_id=plan.plan_id).run(self, success=lambda _none: self._submitted(plan.plan_id),
                                                  failure=self._scan_refused_or_error,
                                                  busy=(self.submit_button,))

    def _scan_refused_or_error(self, error: BaseException) -> None:
        self._error(error)
        self.refresh()

    def _submitted(self, plan_id: str) -> None:
        self._say(self.tr("Submitted for review.") if self.manager
                  else self.tr("Submitted: a manager reviews the count and posts it."))
        self.plan = None
        self.ops.open_plans().run(self, success=lambda plans: self._show_plans(plans, select=plan_id),
                                  failure=self._error)

    # -- review ----------------------------------------------------------------------------------
    def show_review(self) -> None:
        plan = self.plan
        if plan is None or plan.state != "review":
            return
        self.ops.review(plan_id=plan.plan_id).run(self, success=self._show_review, failure=self._error)

    def _show_review(self, sheet: ReviewSheet) -> None:
        if self.plan is None or sheet.plan.plan_id != self.plan.plan_id:
            return
        self.review_sheet = sheet
        self.review_model.set_rows(list(sheet.lines))
        self.pages.setCurrentIndex(1)
        self.review_summary.setText(review_summary(sheet, self.money, self._when))
        self._review_buttons()
        self.review_table.setFocus()
        if sheet.lines:
            self.review_table.selectRow(0)

    def _selected_review_line(self) -> str | None:
        rows = self.review_table.selectionModel().selectedRows()
        line = self.review_model.line(rows[0].row()) if rows else None
        return line.sku if line is not None else None

    def recount(self) -> None:
        """The flagged lines go back to be counted again (the selected line when none is)."""
        sheet, plan = self.review_sheet, self.plan
        if sheet is None or plan is None:
            return
        skus = list(sheet.flagged) or [s for s in (self._selected_review_line(),) if s]
        if not skus:
            return
        self.ops.send_to_recount(plan_id=plan.plan_id, skus=skus,
                                 action_text=self.tr("send %1 lines of the count back to be counted again")
                                 .replace("%1", str(len(skus)))).run(
            self, success=lambda _none: self._sent_back(plan.plan_id, skus), failure=self._error,
            busy=(self.recount_button,))

    def _sent_back(self, plan_id: str, skus: list[str]) -> None:
        self._say(self.tr("Sent back to be counted again: %1.").replace("%1", ", ".join(skus)))
        self.plan = None
        self.ops.open_plans().run(self, success=lambda plans: self._show_plans(plans, select=plan_id),
                                  failure=self._error)

    def approve(self) -> None:
        sheet, plan = self.review_sheet, self.plan
        if sheet is None or plan is None:
            return
        text = self.tr("post the stock count %1: adjustments worth %2").replace("%1", plan.label).replace(
            "%2", self.money(sheet.exposure_fen))
        self.ops.approve_and_post(plan_id=plan.plan_id, action_text=text, seen=sheet.fingerprint).run(
            self, success=self._posted, failure=self._approve_refused, busy=(self.post_button,))

    def _approve_refused(self, error: BaseException) -> None:
        """Other tills' counts arrived since the review was read: show the new totals to approve."""
        self._error(error)
        if getattr(error, "code", None) == "count.totals_changed" and self.plan is not None:
            self.ops.review(plan_id=self.plan.plan_id).run(self, success=self._show_review, failure=self._error)

    def _posted(self, adjustments: list[tuple[str, int]]) -> None:
        self._say(self.tr("Posted: %1 items adjusted.").replace("%1", str(len(adjustments))))
        self.plan = None
        self.review_sheet = None
        self._show_plan(None)
        self.refresh()

    def cancel_count(self) -> None:
        """Shift+F5: a manager closes the count without adjusting stock, for a reason."""
        plan = self.plan
        if plan is None or self.dialog is not None or not self.cancel_button.isEnabled():
            return
        dialog = PromptDialog("stockCount.cancel", self.tr("Cancel the count %1").replace("%1", plan.label),
                              self.tr("Reason"), parse=reason_of(self.tr("Give a reason (at least 3 characters).")),
                              ok_text=self.tr("Cancel count"), parent=self)
        self.dialog = dialog
        dialog.accepted_value.connect(lambda reason: self.ops.cancel(plan_id=plan.plan_id, reason=str(reason)).run(
            self, success=lambda _none: self._cancelled(plan), failure=self._error, busy=(self.cancel_button,)))

        def finished(_code: int) -> None:
            self.dialog = None
            dialog.deleteLater()
            self.plans_table.setFocus()

        dialog.finished.connect(finished)
        dialog.open()

    def _cancelled(self, plan: PlanSummary) -> None:
        self._say(self.tr("Count %1 cancelled: stock was not changed.").replace("%1", plan.label))
        self.plan = None
        self.review_sheet = None
        self._show_plan(None)
        self.refresh()

    def export_csv(self) -> None:
        if self.plan is None or self.plan.state != "review":
            return
        self.ops.export_csv(plan_id=self.plan.plan_id, folder=self.exports).run(
            self, success=lambda path: self._say(self.tr("Review saved as %1").replace("%1", str(path))),
            failure=self._error, busy=(self.export_button,))

    def print_summary(self) -> None:
        if self.plan is None or self.plan.state != "review":
            return
        self.ops.print_summary(plan_id=self.plan.plan_id).run(
            self, success=lambda _job: self._say(self.tr("Count summary sent to the printer.")),
            failure=self._error, busy=(self.print_button,))


def create_stock_count_screen(ctx: ScreenContext) -> StockCountScreen:
    return StockCountScreen(ctx)


register(ScreenSpec("stockCount", QT_TRANSLATE_NOOP("Screens", "Stock counts"), create_stock_count_screen,
                    "stock.count", icon="stock_count.svg", order=16))
