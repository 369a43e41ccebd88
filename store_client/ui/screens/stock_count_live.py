"""The Stock counts screen keeps itself current while it shows (docs/stock.md, "Counted on
several tills").

When a pull brings the store's shared plans or the other tills' totals, the sync runner's
announcement (``Changes.stock_counts``) reaches :class:`CountLive`, which reads the list and
the picked plan's figures in one op off the UI thread: one read in flight, at most one more
queued behind it however many pulls announce meanwhile. Hidden, it only notes that it is
behind and reads when shown again. Nothing the counter is doing moves: the scan field keeps
its text and focus, the list keeps the plan picked, the tally and the review keep the row
selected, and the tally changes only the rows whose figure moved.

A plan posted or cancelled at its own till shows its state at once and its scan field takes
no more scans. New totals under a manager's review are shown with a notice, and Approve
waits :data:`SETTLE_MS` so that what is approved is what was on screen long enough to see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QObject, QTimer

from store_client.services.errors import ServiceError
from store_client.ui.screens.stock_count_widgets import review_summary, state_text, tr
from store_client.ui.service_messages import service_error_text

if TYPE_CHECKING:
    from store_client.services.stock_count_views import CounterSheet, PlanSummary, ReviewSheet
    from store_client.ui.operations import ChangeHub, Changes
    from store_client.ui.operations.stock_counts import LiveView

SETTLE_MS = 3000  # Approve waits this long after new totals reached the review on screen
CLOSED_STATES = ("approved", "posted", "cancelled")
CLOSED = QT_TRANSLATE_NOOP("StockCountScreen", "The count %1 was closed at another till (%2): it takes no more scans.")
UPDATED = QT_TRANSLATE_NOOP("StockCountScreen", "Other tills' counts were updated: the review shows the new "
                            "figures. Check them before approving.")


class CountLive(QObject):
    def __init__(self, screen: Any, hub: ChangeHub) -> None:
        """``screen``: the StockCountScreen (not imported: it imports this module)."""
        super().__init__(screen)
        self.setObjectName("stockCount.live")
        self._screen = screen
        self._running = self._queued = False
        self.behind = False  # an announcement came while hidden: read when shown
        self.reads = 0  # live reads started (tests count the coalescing)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(screen._review_buttons)
        self.hub = hub
        hub.changed.connect(self._changed)
        screen.installEventFilter(self)

    @property
    def holding(self) -> bool:
        """New totals reached the review a moment ago: Approve waits."""
        return self._settle.isActive()

    def closed_text(self, plan: PlanSummary | None) -> str:
        """Why a scan of ``plan`` is refused when it was closed meanwhile ("" when it was not)."""
        if plan is None or plan.state not in CLOSED_STATES:
            return ""
        return service_error_text(ServiceError("closed", code="count.plan_not_counting"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self._screen and event.type() == QEvent.Type.Show and self.behind:
            self.request()
        return False

    def _changed(self, changes: Changes, _initiator: object) -> None:
        if not changes.stock_counts:
            return
        if not self._screen.isVisible():
            self.behind = True
            return
        self.request()

    def request(self) -> None:
        """Read again now, or right after the read in flight (bursts become one more read)."""
        self.behind = False
        if self._running:
            self._queued = True
            return
        self._running = True
        self.reads += 1
        screen = self._screen
        plan_id = screen.plan.plan_id if screen.plan is not None else None
        try:
            screen.ops.live(plan_id=plan_id, review=screen.manager).run(
                self, success=self._arrived, failure=self._failed)
        except RuntimeError:  # the task manager is shut down: the app is closing
            self._running = False

    def _failed(self, error: BaseException) -> None:
        self._screen._error(error)
        self._done()

    def _done(self) -> None:
        self._running = False
        if self._queued:
            self._queued = False
            if self._screen.isVisible():
                self.request()
            else:
                self.behind = True

    def _arrived(self, view: LiveView) -> None:
        try:
            self._show(view)
        finally:
            self._done()

    def _show(self, view: LiveView) -> None:
        screen = self._screen
        if screen.plan is None:
            if view.plans != screen.plans_model.plans():
                screen._show_plans(view.plans)  # a plan shared meanwhile: listed (and picked, as on F11)
            return
        self._list(view.plans)
        plan_id = screen.plan.plan_id
        if view.sheet is not None and view.sheet.plan.plan_id == plan_id:
            self._sheet(view.sheet)
        elif view.review is not None and view.review.plan.plan_id == plan_id:
            self._review(view.review)

    def _list(self, plans: list[PlanSummary]) -> None:
        """The list, the picked plan still selected (quietly: it is not picked again)."""
        screen = self._screen
        table, model = screen.plans_table, screen.plans_model
        if plans == model.plans():
            return
        selection = table.selectionModel()
        selection.blockSignals(True)
        try:
            model.set_rows(plans)
            row = model.row_of(screen.plan.plan_id) if screen.plan is not None else None
            if row is not None:
                table.selectRow(row)
        finally:
            selection.blockSignals(False)
        table.viewport().update()

    def _sheet(self, sheet: CounterSheet) -> None:
        screen = self._screen
        was = screen.plan
        screen.others_as_of = sheet.others_as_of
        if sheet.plan != was:
            typing = screen.scan_input.hasFocus()
            screen._show_plan(sheet.plan)  # its buttons; a closed plan's scan field takes nothing
            if sheet.plan.state in CLOSED_STATES and (was is None or was.state not in CLOSED_STATES):
                screen._say(tr(CLOSED).replace("%1", sheet.plan.label).replace("%2", state_text(sheet.plan.state)),
                            error=True)
                if typing:
                    screen.plans_table.setFocus()  # pick another count with Up / Down
        if not screen.tally_model.merge(sheet.lines):
            self._keep_row(screen.tally_table, lambda: screen.tally_model.set_lines(sheet.lines))
        screen._tally_text()

    def _review(self, sheet: ReviewSheet) -> None:
        screen = self._screen
        shown = screen.review_sheet
        if shown is None or shown.plan.plan_id != sheet.plan.plan_id:
            return  # no review on screen yet: the one being read shows these figures
        if shown.fingerprint == sheet.fingerprint and shown.others_as_of == sheet.others_as_of:
            return
        screen.review_sheet = sheet
        self._keep_row(screen.review_table, lambda: screen.review_model.set_rows(list(sheet.lines)))
        screen.review_summary.setText(review_summary(sheet, screen.money, screen._when))
        if shown.fingerprint != sheet.fingerprint:
            screen._say(tr(UPDATED), error=True)
            self._settle.start()
        screen._review_buttons()

    @staticmethod
    def _keep_row(table, refill) -> None:  # type: ignore[no-untyped-def]
        """Refill ``table``'s model and select again the item (first column) selected before."""
        model = table.model()
        rows = table.selectionModel().selectedRows()
        item = model.index(rows[0].row(), 0).data() if rows else None
        refill()
        for row in range(model.rowCount()):
            if item is not None and model.index(row, 0).data() == item:
                table.selectRow(row)
                break
