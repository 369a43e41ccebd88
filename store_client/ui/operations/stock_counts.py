"""Stock count operations: plans, blind count scans, the manager's review and posting
(docs/stock.md, "Stock counts while the store trades").

Every scan op carries its own scan id, made when the op is made (on the GUI thread), so a
retry of that op counts once and two scans of the same code are two. The ops run in order
on the one database thread: ten fast scans reach the service as ten, in the order scanned.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from store_client.ui.operations.base import Area, Backend, need
from store_client.ui.operations.changes import NOTHING, Changes
from store_client.ui.operations.pulled import watch_pulls
from store_client.ui.operations.runner import Op

if TYPE_CHECKING:
    from store_client.services.auth import Actor
    from store_client.services.stock_count_views import CounterSheet, PlanSummary, ReviewSheet
    from store_client.services.stock_counts import ScanResult, StockCountService

#: Plans, reviews and postings are audited and write outbox events. A scan writes an outbox
#: event too but announces nothing, like the checkout's scan: the status bar's sync indicator
#: would read the outbox once per scan, behind the scans, while someone scans fast.
SCANNED = NOTHING
STEP = Changes(sync=True, audit=True)


class LiveView(NamedTuple):
    """The open counts and, for the plan picked, what the screen shows of it now."""

    plans: list[PlanSummary]
    sheet: CounterSheet | None  # the picked plan being counted, or closed meanwhile (its state)
    review: ReviewSheet | None  # the picked plan in review, for a manager


class StockCountOps(Area):
    def __init__(self, backend: Backend, actor: Actor) -> None:
        super().__init__(backend, actor)
        watch_pulls(backend)  # other tills' counts and plans announce ``stock_counts``

    def _service(self) -> StockCountService:
        return need(self._services.stock_counts, "Stock counts are not available on this till.")

    def open_plans(self) -> Op[list[PlanSummary]]:
        actor = self._actor
        return self._runner.op(lambda _g: self._service().open_plans(actor), changes=NOTHING)

    def create_plan(self, *, scope: str, label: str, codes: Sequence[str] = (),
                    category: str | None = None) -> Op[str]:
        """A blind plan over ``codes`` (barcodes or SKUs: a zone or a cycle list) or a whole
        ``category``; the new plan's id. A code the catalog does not know is passed on as typed,
        so the service names it in its refusal."""
        from store_client.domain.stock_count import PlanScope

        actor, typed = self._actor, tuple(codes)
        catalog = self._services.catalog

        def work(_grant: object) -> str:
            skus = []
            for code in typed:
                product = catalog.by_code(code)
                skus.append(product.sku if product is not None else code)
            return self._service().create_plan(actor, scope=PlanScope(scope), label=label, skus=skus,
                                               category=category)

        return self._runner.op(work, changes=Changes(audit=True))

    def live(self, *, plan_id: str | None, review: bool) -> Op[LiveView]:
        """One read for a refresh the pulls caused: the list and the picked plan's figures
        (its review when ``review``: a manager's), so the screen paints once per refresh."""
        actor = self._actor

        def work(_grant: object) -> LiveView:
            service = self._service()
            plans = service.open_plans(actor)
            picked = next((p for p in plans if p.plan_id == plan_id), None)
            if plan_id is None:
                return LiveView(plans, None, None)
            if picked is not None and picked.state == "review":
                return LiveView(plans, None, service.review_sheet(actor, plan_id) if review else None)
            return LiveView(plans, service.counter_sheet(actor, plan_id), None)  # gone: closed meanwhile

        return self._runner.op(work, changes=NOTHING)

    def sheet(self, *, plan_id: str) -> Op[CounterSheet]:
        actor = self._actor
        return self._runner.op(lambda _g: self._service().counter_sheet(actor, plan_id), changes=NOTHING)

    def scan(self, *, plan_id: str, code: str, quantity: int = 1) -> Op[ScanResult]:
        """One count scan with its own id (made now: a retry of this op counts once)."""
        actor, scan_id = self._actor, str(uuid.uuid4())
        return self._runner.op(lambda _g: self._service().scan_code(actor, plan_id, code, quantity,
                                                                     scan_id=scan_id), changes=SCANNED)

    def submit(self, *, plan_id: str) -> Op[None]:
        """Close counting: the plan goes to the manager's review."""
        actor = self._actor

        def work(_grant: object) -> None:
            self._service().submit(actor, plan_id)

        return self._runner.op(work, changes=STEP)

    def review(self, *, plan_id: str) -> Op[ReviewSheet]:
        actor = self._actor
        return self._runner.op(lambda _g: self._service().review_sheet(actor, plan_id), changes=NOTHING)

    def send_to_recount(self, *, plan_id: str, skus: Sequence[str],
                        action_text: str = "") -> Op[None]:
        actor, chosen = self._actor, tuple(skus)
        return self._runner.op(lambda grant: self._service().send_to_recount(actor, plan_id, chosen, grant),
                               changes=STEP, requester=actor, action_text=action_text,
                               approval_context={"plan_id": plan_id, "recount": len(chosen)})

    def approve_and_post(self, *, plan_id: str, action_text: str = "",
                         seen: str | None = None) -> Op[list[tuple[str, int]]]:
        """Approve and post the adjustment; when the service asks for a second manager (above
        the value limit) the runner opens the approval dialog and posts with that grant.
        ``seen``: the review's fingerprint (refused when other tills' counts arrived since)."""
        actor = self._actor
        return self._runner.op(lambda grant: self._service().approve_and_post(actor, plan_id, grant, seen=seen),
                               changes=STEP, requester=actor, action_text=action_text,
                               approval_context={"plan_id": plan_id})

    def cancel(self, *, plan_id: str, reason: str) -> Op[None]:
        actor = self._actor
        return self._runner.op(lambda _grant: self._service().cancel(actor, plan_id, reason),
                               changes=STEP, requester=actor)

    def export_csv(self, *, plan_id: str, folder: Path) -> Op[Path]:
        """The review as CSV, written on the database thread (the file is small; the UI
        thread never touches the disk) to ``folder``; the file's path."""
        actor = self._actor
        clock = self._backend.clock

        def work(_grant: object) -> Path:
            text = self._service().export_csv(actor, plan_id)
            folder.mkdir(parents=True, exist_ok=True)
            stamp = clock.now().strftime("%Y%m%d-%H%M%S")
            path = folder / f"stock-count-{plan_id[:8]}-{stamp}.csv"
            tmp = path.with_suffix(".csv.tmp")
            tmp.write_text(text, encoding="utf-8-sig")  # Excel opens UTF-8 with its BOM
            tmp.replace(path)
            return path

        return self._runner.op(work, changes=NOTHING)

    def print_summary(self, *, plan_id: str) -> Op[int]:
        actor = self._actor
        return self._runner.op(lambda _g: self._service().print_summary(actor, plan_id),
                               changes=Changes(print_queue=True))
