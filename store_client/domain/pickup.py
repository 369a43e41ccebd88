"""Online orders picked up in store: the state machine, picking rules and refund sums.

Plain Python shared by HQ (which enforces the states) and the till (which checks a
change before it writes one). An order moves::

    placed -> accepted -> picking -> ready -> collected | partially_collected
       any open state -> cancelled (HQ);   ready -> not_collected (hold period over, HQ)

Quantities are whole units, or grams for products sold by the kg. A line's ``net_fen``
is what the customer paid for it after online promotions, coupons and points (HQ spreads
each discount over the lines by gross); a part of the line is worth
``round_half_up(net * part, qty)``, so refunds in several steps (:func:`short_refund` when
the order is made ready, :func:`refused_refund` at the hand-over) add up to exactly what a
single refund of the same part would be.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from store_client.domain.money import allocate, round_half_up

PLACED, ACCEPTED, PICKING, READY = "placed", "accepted", "picking", "ready"
COLLECTED, PARTIALLY_COLLECTED = "collected", "partially_collected"
CANCELLED, NOT_COLLECTED = "cancelled", "not_collected"
STATES = (PLACED, ACCEPTED, PICKING, READY, COLLECTED, PARTIALLY_COLLECTED, CANCELLED,
          NOT_COLLECTED)
OPEN = frozenset({PLACED, ACCEPTED, PICKING, READY})
FINAL = frozenset({COLLECTED, PARTIALLY_COLLECTED, CANCELLED, NOT_COLLECTED})
# Progress order of the open states (a later one is further along).
RANK = {PLACED: 0, ACCEPTED: 1, PICKING: 2, READY: 3, COLLECTED: 4, PARTIALLY_COLLECTED: 4,
        CANCELLED: 4, NOT_COLLECTED: 4}

# (from, to) -> who may make the change: "hq" or "store".
TRANSITIONS: dict[tuple[str, str], str] = {
    (PLACED, ACCEPTED): "hq",
    (ACCEPTED, PICKING): "store",
    (PICKING, READY): "store",
    (READY, COLLECTED): "store",
    (READY, PARTIALLY_COLLECTED): "store",
    (READY, NOT_COLLECTED): "hq",
    **{(s, CANCELLED): "hq" for s in (PLACED, ACCEPTED, PICKING, READY)},
}

SHORT_REASONS = ("out_of_stock", "damaged")
REFUSAL_REASONS = ("damaged", "not_wanted", "wrong_item")
WEIGHT_TOLERANCE_BP = 1000  # a weighed line may be picked up to 10 % above the ordered weight
DEFAULT_PROMISE_MINUTES = 60
DEFAULT_HOLD_HOURS = 48
DUE_SOON_MINUTES = 15


STILL_TO_PICK = (ACCEPTED, PICKING)  # the orders whose promise the till counts down


def urgency(promised_at: datetime, now: datetime) -> tuple[bool, bool]:
    """(due soon, overdue) of an order still to pick: its promise within DUE_SOON_MINUTES,
    or past."""
    left = promised_at - now
    return timedelta(0) <= left <= timedelta(minutes=DUE_SOON_MINUTES), left < timedelta(0)


class PickupRuleError(ValueError):
    """A change the rules refuse; ``code`` is the reason HQ and the till both name."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def check_transition(current: str, target: str, actor: str) -> None:
    """Raise :class:`PickupRuleError` unless ``actor`` ("hq" or "store") may move the order."""
    if target not in STATES:
        raise PickupRuleError("pickup.unknown_state", f"unknown state {target!r}")
    if current in (COLLECTED, PARTIALLY_COLLECTED):
        raise PickupRuleError("pickup.already_collected", "the order was already handed over")
    if current == CANCELLED:
        raise PickupRuleError("pickup.cancelled", "the order was cancelled")
    if current == NOT_COLLECTED:
        raise PickupRuleError("pickup.not_collected", "the hold period is over")
    who = TRANSITIONS.get((current, target))
    if who is None:
        raise PickupRuleError("pickup.illegal_transition",
                              f"an order that is {current} cannot become {target}")
    if who != actor:
        raise PickupRuleError("pickup.illegal_transition",
                              f"only {'HQ' if who == 'hq' else 'the store'} moves an order "
                              f"from {current} to {target}")


@dataclass(frozen=True)
class PriceLine:
    """An order line as the online shop priced it, before the order's discounts."""

    sku: str
    qty: int
    unit: str  # "each" | "kg"
    unit_price_fen: int  # per unit, or per kg

    @property
    def gross_fen(self) -> int:
        return round_half_up(self.unit_price_fen * self.qty, 1000) if self.unit == "kg" \
            else self.unit_price_fen * self.qty


def spread_discounts(discounts: Mapping[str, int], gross: Sequence[int]) -> list[tuple[dict[str, int], int]]:
    """An online order's discounts (fen per source: promotion, coupon, points) over its lines:
    each source in turn spread by what the lines still cost after the sources before it, with
    the largest remainder, to the fen; per line its discounts by source (the zero ones left
    out) and its net paid. The nets sum to the gross less every discount and none is below 0.
    (Spreading every source by the gross instead let two sources round their odd fen onto the
    same 1-fen line: a net of -1.) A negative discount, or more discount than the order, is a
    ValueError."""
    if any(amount < 0 for amount in discounts.values()):
        raise ValueError("a discount is a non-negative amount")
    if sum(discounts.values()) > sum(gross):
        raise ValueError("the discounts are more than the order")
    nets = list(gross)
    parts: list[dict[str, int]] = [{} for _ in nets]
    for source, amount in discounts.items():
        if not amount:
            continue
        for index, share in enumerate(allocate(amount, nets)):
            if share:
                parts[index][source] = share
                nets[index] -= share
    return list(zip(parts, nets, strict=True))


def part_value(net_fen: int, qty: int, part: int) -> int:
    """What ``part`` of a line of ``qty`` paid ``net_fen`` is worth (``part`` capped at qty)."""
    if qty <= 0:
        return 0
    return round_half_up(net_fen * min(max(part, 0), qty), qty)


def short_refund(lines: Mapping[int, tuple[int, int]], picked: Mapping[int, int]) -> int:
    """What an order made ready refunds for its short lines: per line ``(qty, net_fen)``,
    the net of the part not picked (a line missing from ``picked`` was not picked at all;
    weight picked above the ordered weight costs nothing and refunds nothing)."""
    return sum(net - part_value(net, qty, picked.get(n, 0)) for n, (qty, net) in lines.items())


def refused_refund(lines: Mapping[int, tuple[int, int]], picked: Mapping[int, int],
                   handed: Mapping[int, int]) -> int:
    """What the hand-over refunds for what the customer refused at the counter: per line,
    the value of what was picked (at most the ordered quantity; the short part was refunded
    when the order was made ready) less the value of what was handed over."""
    return sum(part_value(net, qty, picked.get(n, 0)) - part_value(net, qty, handed.get(n, 0))
               for n, (qty, net) in lines.items())


def max_pick(qty: int, unit: str) -> int:
    """The most that may be picked for a line: the quantity, or 10 % more weight."""
    return qty + qty * WEIGHT_TOLERANCE_BP // 10_000 if unit == "kg" else qty


def check_pick(qty: int, unit: str, already: int, adding: int) -> int:
    """The new picked quantity, or :class:`PickupRuleError` when it would exceed the line."""
    if adding <= 0:
        raise PickupRuleError("pickup.bad_quantity", "a picked quantity must be above zero")
    total = already + adding
    if total > max_pick(qty, unit):
        raise PickupRuleError("pickup.quantity_above_ordered",
                              f"{total} is more than the {qty} ordered")
    return total


@dataclass(frozen=True)
class LinePick:
    """What the store picked for one line (``picked`` capped at the ordered quantity for
    the money: an over-weight within tolerance is the store's gift, never charged)."""

    line_no: int
    picked: int
    short_reason: str | None = None
    substitute_sku: str | None = None


def check_ready(lines: Mapping[int, int], picks: Mapping[int, LinePick]) -> None:
    """Every line is picked in full, or short with a reason; nothing else may be ready."""
    for line_no, qty in lines.items():
        pick = picks.get(line_no)
        picked = pick.picked if pick else 0
        if picked < qty and not (pick and pick.short_reason in SHORT_REASONS):
            raise PickupRuleError("pickup.not_fully_picked",
                                  f"line {line_no}: {picked} of {qty} picked and no short reason")
    if not any(p.picked > 0 for p in picks.values()):
        raise PickupRuleError("pickup.nothing_picked",
                              "nothing was picked: the order cannot be made ready")


def handed_quantities(lines: Mapping[int, int], picks: Mapping[int, int],
                      refused: Mapping[int, int]) -> dict[int, int]:
    """Per line, what the customer takes: the picked quantity (at most the ordered one)
    minus what was refused at the counter."""
    out = {}
    for line_no, qty in lines.items():
        picked = min(picks.get(line_no, 0), qty)
        no = refused.get(line_no, 0)
        if no < 0 or no > picked:
            raise PickupRuleError("pickup.quantity_above_ordered",
                                  f"line {line_no}: {no} refused of {picked} handed over")
        out[line_no] = picked - no
    return out


def final_state(lines: Mapping[int, int], handed: Mapping[int, int]) -> str:
    return COLLECTED if all(handed.get(n, 0) >= q for n, q in lines.items()) \
        else PARTIALLY_COLLECTED
