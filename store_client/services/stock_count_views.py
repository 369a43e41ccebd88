"""What the stock-count service hands to the count screen: plain, immutable values.

Counted figures are the plan's totals across the store's tills (this till's own scans and
what HQ sent of the others', docs/stock.md). Two kinds, kept apart on purpose: what a counter may see (:class:`PlanSummary`,
:class:`CounterSheet`: counted figures only, never the expected ones) and the manager's
review (:class:`ReviewSheet`), which shows expected figures and values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PlanSummary:
    """One plan in the list of open counts."""

    plan_id: str
    label: str
    scope: str  # "zone" | "category" | "cycle"
    state: str  # a PlanState value
    skus: int  # lines in the plan
    counted: int  # lines with at least one scan
    scans: int
    snapshot_at: datetime
    recount: tuple[str, ...] = ()  # the SKUs of the current recount (state "recount")
    owner_terminal: str | None = None  # another till's plan, counted here too (None: this till's)


@dataclass(frozen=True)
class TallyLine:
    """What was counted of one SKU so far (a counter's view: no expected figure)."""

    sku: str
    name_zh: str
    name_en: str
    unit: str  # "each" | "kg" (grams)
    counted: int


@dataclass(frozen=True)
class CounterSheet:
    plan: PlanSummary
    lines: tuple[TallyLine, ...]  # SKUs counted so far, and in a recount the SKUs to recount
    others_as_of: datetime | None = None  # the other tills' latest count HQ sent (None: none)


@dataclass(frozen=True)
class ReviewLine:
    sku: str
    name_zh: str
    name_en: str
    unit: str
    expected: int
    counted: int
    variance: int
    value_fen: int  # the variance at retail price, signed
    uncounted: bool  # never scanned: compared as zero
    flagged: bool  # the recount rule sends it back


@dataclass(frozen=True)
class ReviewSheet:
    plan: PlanSummary
    lines: tuple[ReviewLine, ...]
    approval: str  # an Approval value: "none" | "manager" | "two_people"
    exposure_fen: int  # sum of the absolute values (what the approval is judged on)
    value_limit_fen: int
    others_as_of: datetime | None = None  # the other tills' counts included, as of (None: none)
    fingerprint: str = ""  # what the manager approves (StockCountService.approve_and_post ``seen``)

    @property
    def flagged(self) -> tuple[str, ...]:
        return tuple(line.sku for line in self.lines if line.flagged)
