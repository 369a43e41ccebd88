"""Stock counts while the store trades: plan, blind scans, review, recount, approve, post.

The rules live in :mod:`store_client.domain.stock_count`; this service keeps them true on
disk. A scan is one insert keyed by its own id (a retry counts once) and its own outbox
event, so HQ can total a plan counted on several tills. Posting writes the adjustment as
stock movements keyed by the plan, with one ``stock.count_posted`` event: exactly once,
however often it is retried. The expected figures are never returned to a counter; the
review (:meth:`StockCountService.submit`) is for the manager.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import datetime
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select

from store_client.clock import Clock, iso, parse_iso
from store_client.domain.money import round_half_up
from store_client.domain.roles import Permission
from store_client.domain.stock import Movement, MovementReason, StockError
from store_client.domain.stock_count import (Approval, CountPlan, CountScan, PlanScope, PlanState, RecountRule,
                                             Tally, VarianceLine, approval_needed, check_transition, variances)
from store_client.persistence.db import Database
from store_client.persistence.models import (CountPlanLine, CountPlanRow, CountScanRow, Product, StockMovement)
from store_client.services import stock
from store_client.services import stock_count_sharing as sharing
from store_client.services.approvals import ApprovalGrant
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer, DeferredGrant, GrantGone
from store_client.services.errors import ServiceError
from store_client.services.stock_count_views import CounterSheet, PlanSummary, ReviewLine, ReviewSheet, TallyLine
from sync.terminal import outbox

if TYPE_CHECKING:
    from store_client.services.catalog import CatalogService

SCAN_EVENT = "stock.count_scanned"
POSTED_EVENT = "stock.count_posted"
#: Adjustments whose absolute value at cost passes this need a second manager.
DEFAULT_VALUE_LIMIT_FEN = 100_000
#: The counts the screen lists: not yet posted or cancelled.
OPEN_STATES = (PlanState.COUNTING.value, PlanState.REVIEW.value, PlanState.RECOUNT.value)


def fingerprint(lines: Sequence[VarianceLine]) -> str:
    """What a manager approves: every line's count and expected figure, as one short text."""
    import hashlib

    body = ";".join(f"{line.sku}:{line.counted}:{line.expected}:{int(line.uncounted)}" for line in lines)
    return hashlib.sha256(body.encode()).hexdigest()[:16]


class CountRefused(ServiceError):
    """A count rule refused the request: ``code`` (with ``params``) for the translated message."""

    def __init__(self, code: str, message: str, params: dict[str, object] | None = None) -> None:
        super().__init__(message, code=code, params=params)


@dataclass(frozen=True)
class ScanResult:
    sku: str
    counted: int  # the counter's running tally of this SKU (never the expected figure)
    duplicate: bool  # this very scan was counted before (a retry)
    name_zh: str = ""  # filled by scan_code, which looked the product up
    name_en: str = ""
    unit: str = "each"


@dataclass(frozen=True)
class Review:
    plan_id: str
    lines: tuple[VarianceLine, ...]
    recount: tuple[str, ...]  # SKUs the rule sends back
    approval: Approval


def _may_move(plan: CountPlan, target: PlanState) -> None:
    """Refuse a step the plan cannot take now (another till moved it on meanwhile)."""
    try:
        check_transition(plan.state, target)
    except StockError as exc:
        raise CountRefused("count.closed_meanwhile", str(exc)) from None


def _owned(row: CountPlanRow | None) -> None:
    """Refuse to review, recount, post or cancel a plan of another till (shared with this one
    to count): its own till approves the total of every till, once."""
    if row is not None and row.owner_terminal is not None:
        raise CountRefused("count.other_till", f"the count is reviewed at till {row.owner_terminal}",
                           {"till": row.owner_terminal})


def _rounds(row: CountPlanRow) -> list[list[str]]:
    """The SKUs sent to each recount, in order (round n is the n-th recount)."""
    return [list(skus) for skus in json.loads(row.recount or "[]")]


class StockCountService:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog, authorizer: Authorizer, *, store_id: str,
                 terminal_id: str, rule: RecountRule | None = None,
                 value_limit_fen: int = DEFAULT_VALUE_LIMIT_FEN, catalog: CatalogService | None = None,
                 print_queue: Any = None, store_name: str = "") -> None:
        """``catalog`` turns a scanned barcode into its SKU (:meth:`scan_code`); ``print_queue``
        is a queue, None, or a callable returning one (:meth:`print_summary`)."""
        self.db, self.clock, self.audit, self.authorizer = db, clock, audit, authorizer
        self.store_id, self.terminal_id = store_id, terminal_id
        self.rule = rule or RecountRule()
        self.value_limit_fen = value_limit_fen
        self.catalog, self._print_queue, self.store_name = catalog, print_queue, store_name

    # -- plans -----------------------------------------------------------------------------------
    def create_plan(self, actor: Actor, *, scope: PlanScope, label: str, skus: Sequence[str] = (),
                    category: str | None = None, blind: bool = True) -> str:
        """A plan over ``skus`` (a cycle list or a zone) or every active product of ``category``;
        the snapshot is this store's on-hand now."""
        self.authorizer.require(actor, Permission.STOCK_COUNT)
        now = self.clock.now()
        plan_id = str(uuid.uuid4())
        with self.db.transaction() as s:
            chosen = list(dict.fromkeys(skus))
            if category is not None:
                chosen += [sku for sku in s.scalars(select(Product.sku).where(
                    Product.category_code == category, Product.active.is_(True))) if sku not in chosen]
            known = set(s.scalars(select(Product.sku).where(Product.sku.in_(chosen)))) if chosen else set()
            unknown = [sku for sku in chosen if sku not in known]
            if unknown:
                raise CountRefused("count.unknown_sku", f"not in the catalog: {', '.join(unknown[:5])}",
                                   {"item": ", ".join(unknown[:5])})
            snapshot = {sku: p.on_hand for sku, p in stock.positions(s, chosen, default_as_of=now).items()}
            try:
                CountPlan(plan_id, PlanScope(scope), frozenset(chosen), snapshot, now, blind)
            except StockError as exc:
                raise CountRefused(exc.code, str(exc)) from None
            row = CountPlanRow(plan_id=plan_id, scope=str(scope), label=label[:80], state=PlanState.COUNTING.value,
                               blind=blind, snapshot_at=iso(now), created_by=actor.operator_id, recount="[]")
            s.add(row)
            s.flush()
            s.execute(insert(CountPlanLine), [
                {"plan_id": plan_id, "sku": sku, "snapshot_qty": qty} for sku, qty in snapshot.items()])
            sharing.send_plan(s, row, snapshot, store_id=self.store_id, terminal_id=self.terminal_id,
                              clock=self.clock)
            self.audit.append(s, operator_id=actor.operator_id, action="stock.count_planned", target=plan_id,
                              details={"scope": str(scope), "skus": len(chosen), "blind": blind})
        return plan_id

    def _plan(self, s, plan_id: str) -> CountPlan:  # type: ignore[no-untyped-def]
        row = s.get(CountPlanRow, plan_id)
        if row is None:
            raise CountRefused("count.unknown_plan", f"no count plan {plan_id}")
        snapshot = {line.sku: line.snapshot_qty for line in s.scalars(
            select(CountPlanLine).where(CountPlanLine.plan_id == plan_id))}
        rounds = _rounds(row)
        current = frozenset(rounds[-1]) if rounds and row.state == PlanState.RECOUNT.value else frozenset()
        return CountPlan(row.plan_id, PlanScope(row.scope), frozenset(snapshot), snapshot,
                         parse_iso(row.snapshot_at), row.blind, PlanState(row.state), current)

    # -- scans -----------------------------------------------------------------------------------
    def scan(self, actor: Actor, plan_id: str, sku: str, quantity: int, *, scan_id: str | None = None) -> ScanResult:
        """Count ``quantity`` more of ``sku`` (negative: correct a slip). One insert and one
        event; the plan's other scans are not read, so a scan costs the same at 5 or 5,000."""
        self.authorizer.require(actor, Permission.STOCK_COUNT)
        scan_id = scan_id or str(uuid.uuid4())
        now = self.clock.now()
        try:
            CountScan(scan_id, plan_id, sku, quantity, actor.operator_id, self.terminal_id, now)
        except StockError as exc:
            raise CountRefused(exc.code, str(exc)) from None
        with self.db.transaction() as s:
            row = s.get(CountPlanRow, plan_id)
            if row is None:
                raise CountRefused("count.unknown_plan", f"no count plan {plan_id}")
            seen = s.get(CountScanRow, scan_id)
            if seen is not None:
                if (seen.plan_id, seen.sku, seen.qty) != (plan_id, sku, quantity):
                    raise CountRefused("count.scan_id_reused", f"scan id {scan_id} was used for other content")
                return ScanResult(sku, self._counted(s, plan_id, sku, seen.round), True)
            rounds = _rounds(row)
            state = PlanState(row.state)
            recount = set(rounds[-1]) if rounds and state is PlanState.RECOUNT else set()
            in_plan = s.get(CountPlanLine, (plan_id, sku)) is not None
            if not in_plan:
                raise CountRefused("count.sku_not_in_plan", f"{sku} is not in this count", {"item": sku})
            if not (state is PlanState.COUNTING or (state is PlanState.RECOUNT and sku in recount)):
                raise CountRefused("count.plan_not_counting", f"the count is {state}, not taking scans of {sku}")
            round_no = len(rounds) if state is PlanState.RECOUNT else 0
            total = self._counted(s, plan_id, sku, round_no) + quantity
            if total < 0:
                raise CountRefused("count.below_zero", f"the correction takes {sku} below zero")
            s.add(CountScanRow(scan_id=scan_id, plan_id=plan_id, sku=sku, qty=quantity, counter_id=actor.operator_id,
                               terminal_id=self.terminal_id, at=iso(now), round=round_no))
            outbox.enqueue(s, SCAN_EVENT, {"scan_id": scan_id, "plan_id": plan_id, "sku": sku, "qty": quantity,
                                           "round": round_no, "counter_id": actor.operator_id,
                                           "store_id": self.store_id, "terminal_id": self.terminal_id,
                                           "at": iso(now)}, clock=self.clock)
            elsewhere = sharing.elsewhere(s, plan_id, self.terminal_id, sku).get(sku)
        if elsewhere is not None and elsewhere.round == round_no:
            total += elsewhere.counted  # the plan's total as far as this till knows it
        return ScanResult(sku, total, False)

    @staticmethod
    def _counted(s, plan_id: str, sku: str, round_no: int) -> int:  # type: ignore[no-untyped-def]
        return int(s.scalar(select(func.coalesce(func.sum(CountScanRow.qty), 0)).where(
            CountScanRow.plan_id == plan_id, CountScanRow.sku == sku, CountScanRow.round == round_no)) or 0)

    def counter_view(self, actor: Actor, plan_id: str) -> dict[str, int]:
        """What was counted so far, per SKU: all a counter sees of a blind count."""
        self.authorizer.require(actor, Permission.STOCK_COUNT)
        with self.db.read() as s:
            plan = self._plan(s, plan_id)
            return self._tally(s, plan).counter_view()

    def _tally(self, s, plan: CountPlan) -> Tally:  # type: ignore[no-untyped-def]
        """The plan's tally from its scans: a SKU sent to recount counts from its latest
        recount only (the recount replaces the count, it does not add to it)."""
        tally = Tally(replace(plan, state=PlanState.COUNTING, recount=frozenset()))
        row = s.get(CountPlanRow, plan.plan_id)
        effective: dict[str, int] = {}
        for number, skus in enumerate(_rounds(row), start=1):
            for sku in skus:
                effective[sku] = number
        others = {sku: e for sku, e in sharing.elsewhere(s, plan.plan_id, self.terminal_id).items()
                  if sku in plan.skus}
        for sku, other in others.items():  # a later round counted elsewhere replaces this till's
            effective[sku] = max(effective.get(sku, 0), other.round)
        scans = s.execute(select(CountScanRow).where(CountScanRow.plan_id == plan.plan_id)
                          .order_by(CountScanRow.at, CountScanRow.scan_id)).scalars()
        for row in scans:
            if row.round == effective.get(row.sku, 0):
                tally.add(CountScan(row.scan_id, row.plan_id, row.sku, row.qty, row.counter_id, row.terminal_id,
                                    parse_iso(row.at)))
        for sku, other in others.items():
            if other.round == effective[sku]:
                tally.add_elsewhere(sku, other.counted, other.last_at)
        return tally

    def _others_as_of(self, s, plan_id: str) -> datetime | None:  # type: ignore[no-untyped-def]
        """When the latest of the other tills' counts HQ sent was counted (None: none yet)."""
        found = sharing.elsewhere(s, plan_id, self.terminal_id)
        return max((e.last_at for e in found.values()), default=None)

    # -- review ----------------------------------------------------------------------------------
    def submit(self, actor: Actor, plan_id: str) -> Review:
        """Close counting and compare: counted − (snapshot + movements up to each SKU's count)."""
        self.authorizer.require(actor, Permission.STOCK_COUNT)
        now = self.clock.now()
        with self.db.transaction() as s:
            _owned(s.get(CountPlanRow, plan_id))
            plan = self._plan(s, plan_id)
            _may_move(plan, PlanState.REVIEW)
            review = self._review(s, plan, now)
            row = s.get(CountPlanRow, plan_id)
            assert row is not None
            row.state, row.submitted_at = PlanState.REVIEW.value, iso(now)
            self.audit.append(s, operator_id=actor.operator_id, action="stock.count_submitted", target=plan_id,
                              details={"lines": len(review.lines), "recount": len(review.recount),
                                       "approval": str(review.approval)})
        return review

    def _review(self, s, plan: CountPlan, now) -> Review:  # type: ignore[no-untyped-def]
        tally = self._tally(s, plan)
        moves = [Movement(m.sku, m.delta, MovementReason(m.reason), m.ref, parse_iso(m.at))
                 for m in s.scalars(select(StockMovement).where(StockMovement.at > iso(plan.snapshot_at)))
                 if m.sku in plan.skus]
        prices = {sku: (price, unit) for sku, price, unit in s.execute(
            select(Product.sku, Product.price_minor, Product.unit).where(Product.sku.in_(list(plan.skus))))}

        def value_of(sku: str, qty: int) -> int:
            """At retail price (the catalog has no cost): pieces, or grams of a per-kg price."""
            price, unit = prices.get(sku, (0, "each"))
            return round_half_up(qty * price, 1000) if unit == "kg" else qty * price

        lines = variances(plan, tally, moves, submitted_at=now, value_of=value_of)
        return Review(plan.plan_id, tuple(lines), tuple(line.sku for line in lines if self.rule.needs_recount(line)),
                      approval_needed(lines, self.value_limit_fen))

    @staticmethod
    def _submitted_at(s, plan_id: str) -> datetime:  # type: ignore[no-untyped-def]
        row = s.get(CountPlanRow, plan_id)
        if row is None or row.submitted_at is None:
            raise CountRefused("count.not_reviewed", "submit the count first")
        return parse_iso(row.submitted_at)

    def send_to_recount(self, actor: Actor, plan_id: str, skus: Sequence[str],
                        grant: ApprovalGrant | None = None) -> None:
        """Send ``skus`` back to be counted again from zero (a manager, or with one's ``grant``)."""
        self.authorizer.require(actor, Permission.STOCK_ADJUST, grant)
        with self.db.transaction() as s:
            _owned(s.get(CountPlanRow, plan_id))
            plan = self._plan(s, plan_id)
            _may_move(plan, PlanState.RECOUNT)
            outside = set(skus) - plan.skus
            if not skus or outside:
                raise CountRefused("count.sku_not_in_plan", f"recount names SKUs outside the plan: {sorted(outside)[:5]}")
            row = s.get(CountPlanRow, plan_id)
            assert row is not None
            row.state, row.recount = PlanState.RECOUNT.value, json.dumps([*_rounds(row), sorted(set(skus))])
            self.audit.append(s, operator_id=actor.operator_id, action="stock.count_recount", target=plan_id,
                              details={"skus": len(set(skus))})

    def approve_and_post(self, actor: Actor, plan_id: str, grant: ApprovalGrant | None = None, *,
                         seen: str | None = None) -> list[tuple[str, int]]:
        """Approve the reviewed count and post its adjustment, exactly once.

        A manager approves alone up to the value limit; above it a second manager's approval
        (``grant``) is needed too. Posting again returns the same adjustment and moves nothing.
        ``seen`` is the :attr:`ReviewSheet.fingerprint` the manager looked at: when another
        till's counts arrived since, the approval is refused (``count.totals_changed``) so
        what is posted is exactly the total approved.
        """
        now = self.clock.now()
        with self.db.read() as s:
            _owned(s.get(CountPlanRow, plan_id))
            plan = self._plan(s, plan_id)
            if plan.state is PlanState.POSTED:
                posted = s.execute(select(StockMovement.sku, StockMovement.delta).where(
                    StockMovement.ref == f"count:{plan_id}").order_by(StockMovement.sku))
                return [(sku, delta) for sku, delta in posted]
            if plan.state is not PlanState.REVIEW:
                raise CountRefused("count.not_reviewed", f"the count is {plan.state}: submit it first")
            review = self._review(s, plan, self._submitted_at(s, plan_id))
        if seen is not None and seen != fingerprint(review.lines):
            raise CountRefused("count.totals_changed", "other tills' counts arrived since the review was read")
        # The grant is checked now and used up in the posting's own transaction: a posting that
        # fails (closed meanwhile, the disk) leaves the manager's approval for the retry.
        if review.approval is Approval.TWO_PEOPLE:
            deferred = self.authorizer.require_second_person(actor, Permission.STOCK_ADJUST, grant, defer=True)
        else:
            deferred = self.authorizer.require(actor, Permission.STOCK_ADJUST, grant, defer=True)
        adjustments = [(line.sku, line.variance) for line in review.lines if line.variance]
        try:
            self._post(actor, plan_id, grant, deferred, review, adjustments, now)
        except GrantGone as gone:  # used by another action meanwhile: nothing was posted
            self.authorizer.refuse_gone(gone)
        return sorted(adjustments)

    def _post(self, actor: Actor, plan_id: str, grant: ApprovalGrant | None, deferred: DeferredGrant | None,
              review, adjustments: list[tuple[str, int]], now) -> None:  # type: ignore[no-untyped-def]
        with self.db.transaction() as s:
            self.authorizer.consume_in(s, deferred)
            row = s.get(CountPlanRow, plan_id)
            assert row is not None
            if row.state != PlanState.REVIEW.value:
                raise CountRefused("count.closed_meanwhile", f"the count became {row.state} meanwhile")
            stock.record(s, [Movement(sku, delta, MovementReason.COUNT_ADJUSTMENT, f"count:{plan_id}", now)
                             for sku, delta in adjustments],
                         store_id=self.store_id, terminal_id=self.terminal_id, clock=self.clock)
            row.state, row.posted_at, row.approved_by = PlanState.POSTED.value, iso(now), actor.operator_id
            row.second_approver = grant.approved_by if grant is not None else None
            outbox.enqueue(s, POSTED_EVENT, {
                "plan_id": plan_id, "store_id": self.store_id, "terminal_id": self.terminal_id,
                "approved_by": actor.operator_id, "second_approver": row.second_approver, "at": iso(now),
                "adjustments": [{"sku": sku, "delta": delta} for sku, delta in adjustments]}, clock=self.clock)
            self.audit.append(s, operator_id=actor.operator_id, action="stock.count_posted", target=plan_id,
                              details={"adjusted": len(adjustments), "approval": str(review.approval),
                                       "value_fen": sum(abs(line.value_fen) for line in review.lines)})

    def cancel(self, actor: Actor, plan_id: str, reason: str) -> None:
        """Close a count without touching stock (the wrong area, a count started by mistake):
        a manager's decision, audited with its reason. Its scans stay as they were. A count
        already cancelled stays so (two managers at once); one approved or posted cannot be."""
        self.authorizer.require(actor, Permission.STOCK_ADJUST)
        reason = " ".join(reason.split())
        if not 3 <= len(reason) <= 200:
            raise CountRefused("count.bad_reason", f"a cancel needs a reason of 3 to 200 characters, got {len(reason)}")
        with self.db.transaction() as s:
            _owned(s.get(CountPlanRow, plan_id))
            plan = self._plan(s, plan_id)
            if plan.state is PlanState.CANCELLED:
                return
            if plan.state in (PlanState.APPROVED, PlanState.POSTED):
                raise CountRefused("count.posted_no_cancel", f"the count is {plan.state}: it stays")
            _may_move(plan, PlanState.CANCELLED)
            row = s.get(CountPlanRow, plan_id)
            assert row is not None
            row.state = PlanState.CANCELLED.value
            sharing.send_cancel(s, plan_id, reason, store_id=self.store_id, terminal_id=self.terminal_id,
                                clock=self.clock)
            self.audit.append(s, operator_id=actor.operator_id, action="stock.count_cancelled", target=plan_id,
                              details={"reason": reason, "was": str(plan.state)})

    def export_csv(self, actor: Actor, plan_id: str) -> str:
        """The review as CSV for the back office (managers only: it shows expected figures)."""
        self.authorizer.require(actor, Permission.STOCK_ADJUST)
        with self.db.read() as s:
            plan = self._plan(s, plan_id)
            if plan.state not in (PlanState.REVIEW, PlanState.POSTED, PlanState.APPROVED):
                raise CountRefused("count.not_reviewed", "submit the count first")
            review = self._review(s, replace(plan, state=PlanState.REVIEW), self._submitted_at(s, plan_id))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["sku", "expected", "counted", "variance", "value_fen", "not_counted"])
        for line in review.lines:
            writer.writerow([line.sku, line.expected, line.counted, line.variance, line.value_fen,
                             "yes" if line.uncounted else ""])
        return out.getvalue()

    # -- what the count screen shows -------------------------------------------------------------
    def open_plans(self, actor: Actor) -> list[PlanSummary]:
        """The counts not yet posted or cancelled, newest first (no expected figures)."""
        self.authorizer.require(actor, Permission.STOCK_COUNT)
        with self.db.read() as s:
            pending = sharing.pending_plans(s, self.terminal_id)
        if pending:  # the store's other tills planned (or closed) a count: take it in first
            with self.db.transaction() as s:
                sharing.adopt(s, self.terminal_id)
        with self.db.read() as s:
            rows = list(s.scalars(select(CountPlanRow).where(CountPlanRow.state.in_(OPEN_STATES))
                                  .order_by(CountPlanRow.snapshot_at.desc(), CountPlanRow.plan_id)))
            return [self._summary(s, row) for row in rows]

    @staticmethod
    def _summary(s, row: CountPlanRow) -> PlanSummary:  # type: ignore[no-untyped-def]
        lines = s.scalar(select(func.count()).select_from(CountPlanLine)
                         .where(CountPlanLine.plan_id == row.plan_id)) or 0
        counted, scans = s.execute(select(func.count(func.distinct(CountScanRow.sku)), func.count())
                                   .where(CountScanRow.plan_id == row.plan_id)).one()
        rounds = _rounds(row)
        recount = tuple(rounds[-1]) if rounds and row.state == PlanState.RECOUNT.value else ()
        return PlanSummary(row.plan_id, row.label, row.scope, row.state, int(lines), int(counted or 0),
                           int(scans or 0), parse_iso(row.snapshot_at), recount, row.owner_terminal)

    def scan_code(self, actor: Actor, plan_id: str, code: str, quantity: int, *,
                  scan_id: str | None = None) -> ScanResult:
        """:meth:`scan` for a scanned or typed barcode (or SKU), with the product's names."""
        product = self.catalog.by_code(code) if self.catalog is not None else None
        if product is None:
            self.authorizer.require(actor, Permission.STOCK_COUNT)  # a refused role learns nothing
            raise CountRefused("count.unknown_code", f"no product with code {code!r}", {"code": code[:40]})
        try:
            result = self.scan(actor, plan_id, product.sku, quantity, scan_id=scan_id)
        except CountRefused as exc:
            if exc.code != "count.sku_not_in_plan":
                raise
            raise CountRefused(exc.code, str(exc), {"item": code[:40]}) from None
        return replace(result, name_zh=product.name_zh, name_en=product.name_en, unit=str(product.unit))

    def counter_sheet(self, actor: Actor, plan_id: str) -> CounterSheet:
        """The plan and what was counted so far per SKU; in a recount, the SKUs to count again
        (from zero). Never the expected figures."""
        self.authorizer.require(actor, Permission.STOCK_COUNT)
        with self.db.read() as s:
            plan = self._plan(s, plan_id)
            counted = self._tally(s, plan).counter_view()
            row = s.get(CountPlanRow, plan_id)
            assert row is not None
            summary = self._summary(s, row)
            skus = set(counted) | set(summary.recount)
            names = self._names(s, skus)
            others_as_of = self._others_as_of(s, plan_id)
        lines = tuple(TallyLine(sku, *names.get(sku, ("", "", "each")), counted.get(sku, 0)) for sku in sorted(skus))
        return CounterSheet(summary, lines, others_as_of)

    @staticmethod
    def _names(s, skus: set[str] | frozenset[str]) -> dict[str, tuple[str, str, str]]:  # type: ignore[no-untyped-def]
        if not skus:
            return {}
        return {sku: (zh, en, unit) for sku, zh, en, unit in s.execute(
            select(Product.sku, Product.name_zh, Product.name_en, Product.unit).where(Product.sku.in_(list(skus))))}

    def review_sheet(self, actor: Actor, plan_id: str) -> ReviewSheet:
        """The manager's review of a submitted count: expected, counted, variance, value, and
        the lines the recount rule flags (managers only: it shows expected figures)."""
        self.authorizer.require(actor, Permission.STOCK_ADJUST)
        with self.db.read() as s:
            return self._review_sheet(s, plan_id)

    def _review_sheet(self, s, plan_id: str) -> ReviewSheet:  # type: ignore[no-untyped-def]
        plan = self._plan(s, plan_id)
        if plan.state not in (PlanState.REVIEW, PlanState.POSTED, PlanState.APPROVED):
            raise CountRefused("count.not_reviewed", "submit the count first")
        review = self._review(s, replace(plan, state=PlanState.REVIEW), self._submitted_at(s, plan_id))
        row = s.get(CountPlanRow, plan_id)
        names = self._names(s, plan.skus)
        flagged = set(review.recount)
        lines = tuple(ReviewLine(line.sku, *names.get(line.sku, ("", "", "each")), line.expected, line.counted,
                                 line.variance, line.value_fen, line.uncounted, line.sku in flagged)
                      for line in review.lines)
        exposure = sum(abs(line.value_fen) for line in review.lines if line.variance)
        return ReviewSheet(self._summary(s, row), lines, str(review.approval), exposure, self.value_limit_fen,
                           self._others_as_of(s, plan_id), fingerprint(review.lines))

    def print_summary(self, actor: Actor, plan_id: str) -> int:
        """Queue the count's summary (expected / counted per line) on the receipt printer;
        the job's id. Managers only, like the review it prints."""
        from printers import receipt_data as rd
        from printers.templates import stock_count_summary

        self.authorizer.require(actor, Permission.STOCK_ADJUST)
        queue = self._print_queue() if callable(self._print_queue) else self._print_queue
        if queue is None or getattr(queue, "profile", None) is None:
            raise CountRefused("count.no_printer", "no receipt printer is set up on this till")
        with self.db.read() as s:
            sheet = self._review_sheet(s, plan_id)
        header = rd.Header(store_name=self.store_name, store_id=self.store_id, terminal_id=self.terminal_id,
                           operator=f"{actor.name} ({actor.operator_id})", when=self.clock.now())
        document = stock_count_summary(rd.StockCountSummary(
            header=header, count_no=plan_id[:8].upper(), area=sheet.plan.label,
            lines=tuple(rd.CountLine(line.sku, line.name_zh or line.name_en, line.expected, line.counted)
                        for line in sheet.lines)))
        return int(queue.submit("stock.count_summary", document, title=f"count {plan_id[:8]}"))
