"""Stock positions and movements: on hand, reserved, available, and how fresh a figure is.

Qt-free and database-free. Quantities are integers in the SKU's base unit: pieces for
``each`` items, grams for weighed items, so nothing passes through ``float``. Every
change of stock is a signed :class:`Movement` with the business event that caused it
(a sale, a return, a pick-up hand-over, a count adjustment, goods received), so a
position can always be explained as a snapshot plus the movements after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

#: A figure older than this is shown greyed: the retailer's bar for stock reaching other
#: channels is 10 minutes.
FRESH_FOR = timedelta(minutes=10)
#: Largest quantity one movement may carry (pieces, or grams of a weighed item): more is a
#: typing or data slip, not a delivery.
MAX_MOVEMENT = 1_000_000


class StockError(ValueError):
    """A stock rule refused the input; ``code`` names the rule, the text is for the log."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class MovementReason(StrEnum):
    SALE = "sale"  # out
    RETURN = "return"  # in: whatever a return takes back (see domain/return_policy.movements)
    PICKUP = "pickup"  # out: an online order handed over at the counter
    RECEIPT = "receipt"  # in: goods received from the warehouse or a vendor
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    COUNT_ADJUSTMENT = "count_adjustment"  # either sign, after an approved count
    DAMAGE = "damage"  # out: written off (also a returned item that is not sellable)
    RETURN_TO_VENDOR = "return_to_vendor"  # out: a returned item kept for the vendor, not sellable


#: The sign each reason's quantity must have (None: either).
_SIGN: dict[MovementReason, int | None] = {
    MovementReason.SALE: -1,
    MovementReason.RETURN: 1,
    MovementReason.PICKUP: -1,
    MovementReason.RECEIPT: 1,
    MovementReason.TRANSFER_OUT: -1,
    MovementReason.TRANSFER_IN: 1,
    MovementReason.COUNT_ADJUSTMENT: None,
    MovementReason.DAMAGE: -1,
    MovementReason.RETURN_TO_VENDOR: -1,
}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class Movement:
    """One signed change of one SKU's stock, caused by ``reason`` (``ref`` names the event)."""

    sku: str
    delta: int
    reason: MovementReason
    ref: str
    at: datetime

    def __post_init__(self) -> None:
        if not self.sku:
            raise StockError("stock.sku_missing", "a movement needs a SKU")
        if not _is_int(self.delta) or self.delta == 0:
            raise StockError("stock.bad_quantity", f"movement quantity must be a non-zero int, got {self.delta!r}")
        if abs(self.delta) > MAX_MOVEMENT:
            raise StockError("stock.absurd_quantity", f"movement of {self.delta} exceeds {MAX_MOVEMENT}")
        sign = _SIGN[MovementReason(self.reason)]
        if sign is not None and (self.delta > 0) != (sign > 0):
            raise StockError("stock.wrong_sign", f"a {self.reason} movement cannot be {self.delta:+d}")
        if self.at.tzinfo is None:
            raise StockError("stock.naive_time", "movement times are aware UTC datetimes")


@dataclass(frozen=True, slots=True)
class Position:
    """One SKU's stock at one location as of a time.

    ``reserved`` is held for pick-up orders that are not handed over yet; ``available`` is
    what can still be sold or promised. On hand may go negative (sold before the delivery
    was booked): that is reported, never hidden, but nothing negative is *available*.
    """

    sku: str
    on_hand: int
    reserved: int
    as_of: datetime

    @property
    def available(self) -> int:
        return max(self.on_hand - self.reserved, 0)

    def is_fresh(self, now: datetime, fresh_for: timedelta = FRESH_FOR) -> bool:
        return now - self.as_of <= fresh_for

    def age(self, now: datetime) -> timedelta:
        return max(now - self.as_of, timedelta(0))


def apply_movements(position: Position, movements: Iterable[Movement]) -> Position:
    """The position after ``movements`` of its SKU; ``as_of`` moves to the latest one applied.

    Movements of another SKU, or older than the position itself (already in it), are refused:
    applying them would count a change twice.
    """
    on_hand, as_of = position.on_hand, position.as_of
    for movement in movements:
        if movement.sku != position.sku:
            raise StockError("stock.other_sku", f"movement of {movement.sku} applied to {position.sku}")
        if movement.at < position.as_of:
            raise StockError("stock.before_position",
                             f"movement {movement.ref} at {movement.at} predates the position ({position.as_of})")
        on_hand += movement.delta
        as_of = max(as_of, movement.at)
    return Position(position.sku, on_hand, position.reserved, as_of)


def _positive(quantity: object) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise StockError("stock.bad_quantity", f"a reservation moves a positive int, got {quantity!r}")


def reserve(position: Position, quantity: int) -> Position:
    """Hold ``quantity`` for a pick-up order; refused beyond what is available."""
    _positive(quantity)
    if quantity > position.available:
        raise StockError("stock.not_available",
                         f"{quantity} of {position.sku} asked, {position.available} available")
    return Position(position.sku, position.on_hand, position.reserved + quantity, position.as_of)


def release(position: Position, quantity: int) -> Position:
    """Give back ``quantity`` of a reservation (order collected, cancelled or short-picked)."""
    _positive(quantity)
    if quantity > position.reserved:
        raise StockError("stock.over_release",
                         f"{quantity} of {position.sku} released, only {position.reserved} reserved")
    return Position(position.sku, position.on_hand, position.reserved - quantity, position.as_of)
