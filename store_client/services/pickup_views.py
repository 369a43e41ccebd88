"""What the pick-up service hands to the screen: plain, immutable values (no session)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class PickLine:
    line_no: int
    sku: str
    name_zh: str
    name_en: str
    category: str
    unit: str  # "each" | "kg" (quantities in grams)
    qty: int
    picked: int
    net_fen: int
    short_reason: str | None
    substitute_sku: str | None

    @property
    def done(self) -> bool:
        return self.picked >= self.qty or self.short_reason is not None


@dataclass(frozen=True)
class OrderView:
    order_id: str
    order_no: str
    state: str  # the effective state: HQ's, or this till's step if HQ has not seen it yet
    hq_state: str
    member_name: str
    ordered_at: datetime
    accepted_at: datetime | None
    promised_at: datetime
    hold_until: datetime
    allow_substitution: bool
    paid_fen: int
    refunded_fen: int
    lines: tuple[PickLine, ...]
    pending_hq: bool  # this till's last step is not yet confirmed by HQ
    aisle_problem: str | None = None  # endless aisle: HQ's flag (source_short), shown instead of the state
    aisle_refusal: str | None = None  # ... and HQ refused this till's resolution of it (services/aisle_state.py)

    def time_left(self, now: datetime) -> timedelta:
        return self.promised_at - now


AISLE_SHORT = "aisle_short"  # a queue row's state: an endless-aisle order its source could not supply


@dataclass(frozen=True)
class QueueItem:
    order_id: str
    order_no: str
    state: str
    member_name: str
    promised_at: datetime
    lines: int
    picked_lines: int
    due_soon: bool
    overdue: bool
    refusal: str | None = None  # a flagged aisle order: HQ refused how this till resolved it (its code)


@dataclass(frozen=True)
class PickResult:
    order: OrderView
    line_no: int
    added: int  # units, or grams


@dataclass(frozen=True)
class ConflictView:
    event_id: str
    order_id: str
    order_no: str
    kind: str
    code: str  # HQ's reason code: what happened and so what to do (ui/service_messages.py)
    reason: str
    found_at: datetime


@dataclass(frozen=True)
class PickupFigures:
    """The store's pick-up figures for the manager's board (orders accepted in the window)."""

    orders: int
    ready: int
    ready_within_promise: int
    median_order_to_ready: timedelta | None
    collected: int
    not_collected: int
    median_counter_wait: timedelta | None = None  # the proof shown at the counter -> handed over

    @property
    def share_ready_within_promise(self) -> float | None:
        return self.ready_within_promise / self.ready if self.ready else None

    @property
    def collection_rate(self) -> float | None:
        closed = self.collected + self.not_collected
        return self.collected / closed if closed else None
