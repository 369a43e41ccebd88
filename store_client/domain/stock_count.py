"""Stock counts while the store keeps trading: plans, idempotent count scans, variances.

Qt-free and database-free. The rules that make a count trustworthy:

- **Every scan is its own event** with its own id. Ten fast scans are ten scans; the same
  scan delivered twice (a retry, two tills syncing) counts once. A repeated id with
  different content is refused: it is a bug or a forgery, never a count.
- **The count is blind**: what a counter sees is what was counted (:meth:`Tally.counter_view`),
  never the expected figure.
- **The store keeps trading**: a SKU's expected figure is the snapshot plus the movements
  between the snapshot and the moment that SKU was last counted. A sale after the SKU was
  counted took goods that were already counted, so it is not part of the comparison.
- A variance above the plan's rule goes to a recount; an adjustment whose value is above the
  limit needs a second person (see :func:`approval_needed`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from store_client.domain.money import BASIS_POINTS, round_half_up
from store_client.domain.stock import Movement, StockError

#: One scan may say at most this many (pieces, or grams of a weighed item).
MAX_SCAN_QUANTITY = 100_000
#: A plan larger than this is split: a count of one zone or category stays manageable.
MAX_PLAN_SKUS = 50_000


class PlanScope(StrEnum):
    ZONE = "zone"
    CATEGORY = "category"
    CYCLE = "cycle"  # a list of SKUs chosen for this cycle


class PlanState(StrEnum):
    COUNTING = "counting"
    REVIEW = "review"  # submitted; variances computed, waiting for a manager
    RECOUNT = "recount"  # some lines sent back to be counted again
    APPROVED = "approved"
    POSTED = "posted"  # the adjustment reached the stock ledger (exactly once)
    CANCELLED = "cancelled"


#: The transitions a plan may take; anything else is refused.
_NEXT: dict[PlanState, frozenset[PlanState]] = {
    PlanState.COUNTING: frozenset({PlanState.REVIEW, PlanState.CANCELLED}),
    PlanState.REVIEW: frozenset({PlanState.RECOUNT, PlanState.APPROVED, PlanState.CANCELLED}),
    PlanState.RECOUNT: frozenset({PlanState.REVIEW, PlanState.CANCELLED}),
    PlanState.APPROVED: frozenset({PlanState.POSTED}),
    PlanState.POSTED: frozenset(),
    PlanState.CANCELLED: frozenset(),
}


def check_transition(current: PlanState, target: PlanState) -> None:
    if target not in _NEXT[current]:
        raise StockError("count.bad_transition", f"a count plan cannot go from {current} to {target}")


@dataclass(frozen=True, slots=True)
class CountPlan:
    """What is counted (``skus``), against which snapshot, and whether counting is blind."""

    plan_id: str
    scope: PlanScope
    skus: frozenset[str]
    snapshot: Mapping[str, int]
    snapshot_at: datetime
    blind: bool = True
    state: PlanState = PlanState.COUNTING
    #: SKUs sent back for a recount: while recounting, only these take scans.
    recount: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.skus:
            raise StockError("count.empty_plan", "a count plan needs at least one SKU")
        if len(self.skus) > MAX_PLAN_SKUS:
            raise StockError("count.plan_too_large", f"{len(self.skus)} SKUs; split the plan (max {MAX_PLAN_SKUS})")
        missing = self.skus - self.snapshot.keys()
        if missing:
            raise StockError("count.snapshot_incomplete", f"no snapshot figure for {sorted(missing)[:5]}")
        if self.snapshot_at.tzinfo is None:
            raise StockError("stock.naive_time", "the snapshot time must be an aware UTC datetime")
        if not self.recount <= self.skus:
            raise StockError("count.sku_not_in_plan", "a recount names SKUs outside the plan")

    def accepts_scans_for(self, sku: str) -> bool:
        if self.state is PlanState.COUNTING:
            return sku in self.skus
        if self.state is PlanState.RECOUNT:
            return sku in self.recount
        return False


@dataclass(frozen=True, slots=True)
class CountScan:
    """One count event: ``quantity`` more of ``sku`` (negative: a correction of a slip)."""

    scan_id: str
    plan_id: str
    sku: str
    quantity: int
    counter_id: str
    terminal_id: str
    at: datetime

    def __post_init__(self) -> None:
        if not self.scan_id:
            raise StockError("count.scan_id_missing", "every count scan carries its own id")
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int) or self.quantity == 0:
            raise StockError("count.bad_quantity", f"count quantity must be a non-zero int, got {self.quantity!r}")
        if abs(self.quantity) > MAX_SCAN_QUANTITY:
            raise StockError("count.absurd_quantity", f"{self.quantity} in one scan (max {MAX_SCAN_QUANTITY})")
        if self.at.tzinfo is None:
            raise StockError("stock.naive_time", "scan times are aware UTC datetimes")


@dataclass
class Tally:
    """The running count of one plan, built from scans in any order, each counted once.

    Recounted SKUs start again from zero: the recount replaces the first count, it does not
    add to it (``round`` says which count a scan belongs to).
    """

    plan: CountPlan
    _scans: dict[str, CountScan] = field(default_factory=dict)
    _counted: dict[str, int] = field(default_factory=dict)
    _last_at: dict[str, datetime] = field(default_factory=dict)

    def add(self, scan: CountScan) -> bool:
        """Count ``scan``; False when this very scan was counted already (a retry).

        Refused (nothing changes): another plan's scan, a SKU the plan does not take now, the
        same id with other content, and a correction below zero.
        """
        if scan.plan_id != self.plan.plan_id:
            raise StockError("count.other_plan", f"scan {scan.scan_id} belongs to plan {scan.plan_id}")
        seen = self._scans.get(scan.scan_id)
        if seen is not None:
            if seen != scan:
                raise StockError("count.scan_id_reused", f"scan id {scan.scan_id} was used for other content")
            return False
        if not self.plan.accepts_scans_for(scan.sku):
            code = "count.sku_not_in_plan" if scan.sku not in self.plan.skus else "count.plan_not_counting"
            raise StockError(code, f"plan {self.plan.plan_id} ({self.plan.state}) takes no scan of {scan.sku}")
        total = self._counted.get(scan.sku, 0) + scan.quantity
        if total < 0:
            raise StockError("count.below_zero", f"correction takes {scan.sku} below zero ({total})")
        self._scans[scan.scan_id] = scan
        self._counted[scan.sku] = total
        if scan.sku not in self._last_at or scan.at > self._last_at[scan.sku]:
            self._last_at[scan.sku] = scan.at
        return True

    def add_elsewhere(self, sku: str, quantity: int, at: datetime) -> None:
        """Add what another till counted of ``sku`` (its total, as HQ received it) to this
        till's own scans. Call it once per other till: it carries no scan ids to dedupe."""
        if sku not in self.plan.skus:
            raise StockError("count.sku_not_in_plan", f"plan {self.plan.plan_id} has no {sku}")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            raise StockError("count.below_zero", f"another till's count of {sku} must be >= 0, got {quantity!r}")
        if at.tzinfo is None:
            raise StockError("stock.naive_time", "count times are aware UTC datetimes")
        self._counted[sku] = self._counted.get(sku, 0) + quantity  # zero too: counted, then corrected
        if sku not in self._last_at or at > self._last_at[sku]:
            self._last_at[sku] = at

    def add_all(self, scans: Iterable[CountScan]) -> int:
        return sum(1 for scan in scans if self.add(scan))

    def counted(self, sku: str) -> int | None:
        """What was counted of ``sku``; None when it was never scanned."""
        return self._counted.get(sku)

    def last_counted_at(self, sku: str) -> datetime | None:
        return self._last_at.get(sku)

    def counter_view(self) -> dict[str, int]:
        """What a counter may see: the counted figures only, never the expected ones."""
        return dict(self._counted)

    @property
    def scan_count(self) -> int:
        return len(self._scans)

    def restart(self, plan: CountPlan) -> Tally:
        """A tally for the recount round of ``plan``: the recounted SKUs start from zero."""
        if plan.plan_id != self.plan.plan_id or plan.state is not PlanState.RECOUNT:
            raise StockError("count.bad_transition", "restart a tally only for its own plan's recount")
        kept = Tally(plan)
        for scan in self._scans.values():
            if scan.sku not in plan.recount:
                kept._scans[scan.scan_id] = scan
                kept._counted[scan.sku] = kept._counted.get(scan.sku, 0) + scan.quantity
                if scan.sku not in kept._last_at or scan.at > kept._last_at[scan.sku]:
                    kept._last_at[scan.sku] = scan.at
        return kept


@dataclass(frozen=True, slots=True)
class VarianceLine:
    sku: str
    expected: int  # snapshot + movements up to the SKU's count
    counted: int
    uncounted: bool  # never scanned: counted as zero, shown to the manager as such
    value_fen: int  # the variance's value at cost (signed)

    @property
    def variance(self) -> int:
        return self.counted - self.expected


def expected_at_count(plan: CountPlan, sku: str, movements: Iterable[Movement], cutoff: datetime) -> int:
    """Snapshot plus the movements of ``sku`` after the snapshot, up to and including ``cutoff``."""
    total = plan.snapshot[sku]
    for movement in movements:
        if movement.sku == sku and plan.snapshot_at < movement.at <= cutoff:
            total += movement.delta
    return total


def variances(plan: CountPlan, tally: Tally, movements: Iterable[Movement], *, submitted_at: datetime,
              value_of: Callable[[str, int], int]) -> list[VarianceLine]:
    """One line per SKU of the plan, sorted by SKU.

    A SKU never scanned is compared as counted zero up to ``submitted_at``; ``value_of(sku,
    quantity)`` prices a quantity at cost in fen (the service knows units and weights).
    """
    by_sku: dict[str, list[Movement]] = {}
    for movement in movements:
        if movement.sku in plan.skus:
            by_sku.setdefault(movement.sku, []).append(movement)
    lines = []
    for sku in sorted(plan.skus):
        counted = tally.counted(sku)
        cutoff = tally.last_counted_at(sku) or submitted_at
        expected = expected_at_count(plan, sku, by_sku.get(sku, ()), cutoff)
        got = counted if counted is not None else 0
        lines.append(VarianceLine(sku, expected, got, counted is None, value_of(sku, got - expected)))
    return lines


@dataclass(frozen=True, slots=True)
class RecountRule:
    """Recount a line whose variance is above ``units`` *and* above ``share_bp`` of expected."""

    units: int = 2
    share_bp: int = 500  # 5 %

    def needs_recount(self, line: VarianceLine) -> bool:
        if line.variance == 0:
            return False
        share = round_half_up(abs(line.expected) * self.share_bp, BASIS_POINTS)
        return abs(line.variance) > max(self.units, share)


class Approval(StrEnum):
    NONE = "none"  # nothing to adjust
    MANAGER = "manager"
    TWO_PEOPLE = "two_people"  # a manager and a second approver: above the value limit


def approval_needed(lines: Iterable[VarianceLine], value_limit_fen: int) -> Approval:
    """Who must approve the adjustment: judged on the sum of absolute values, so a large
    loss cannot hide behind an equally large gain elsewhere."""
    if value_limit_fen < 0:
        raise StockError("count.bad_limit", "the value limit cannot be negative")
    moving = [line for line in lines if line.variance]
    if not moving:
        return Approval.NONE
    exposure = sum(abs(line.value_fen) for line in moving)
    return Approval.TWO_PEOPLE if exposure > value_limit_fen else Approval.MANAGER


def adjustments(lines: Iterable[VarianceLine]) -> list[tuple[str, int]]:
    """The (sku, delta) movements that make stock equal to the count, zero lines left out."""
    return [(line.sku, line.variance) for line in lines if line.variance]
