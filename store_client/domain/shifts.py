"""Shifts and the cash drawer: counts, expected cash, over/short and the shift's rules.

Qt-free and database-free. A shift belongs to one terminal: it opens with a counted
float, takes cash pay-ins and pay-outs while open, and closes with a *blind* count
(the cashier counts before seeing what the drawer should hold). Once closed it never
changes again.

Expected cash is the sum of signed :class:`CashFlow` items (into the drawer positive,
out of it negative). The services turn every source of drawer money into flows: the
opening float, cash tendered in sales, change given, pay-ins and pay-outs; another
source (cash refunds of returns) is one more list of flows, with no change here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from store_client.domain.money import Money

#: Notes and coins a cashier counts, in fen: 100/50/20/10/5/1 yuan, 5/1 jiao.
DENOMINATIONS_FEN: tuple[int, ...] = (10000, 5000, 2000, 1000, 500, 100, 50, 10)
MAX_PIECES = 10_000  # of one denomination in one drawer; more is a typing slip
MAX_DRAWER_FEN = 100_000_000  # 1,000,000 CNY: no counter drawer holds more
MAX_REASON = 200


class ShiftStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class FlowSource(StrEnum):
    """Where drawer money comes from or goes to; ``CASH_REFUND`` is for returns."""

    FLOAT = "float"
    CASH_TENDERED = "cash_tendered"
    CHANGE_GIVEN = "change_given"
    PAY_IN = "pay_in"
    PAY_OUT = "pay_out"
    CASH_REFUND = "cash_refund"


class MovementKind(StrEnum):
    PAY_IN = "pay_in"
    PAY_OUT = "pay_out"


class ShiftError(ValueError):
    """A shift rule refused the request; ``code`` names the rule, the text is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_amount(amount_fen: object, what: str, *, allow_zero: bool = False) -> int:
    """An amount of drawer cash in fen: an int, not negative (or zero), not absurd."""
    if not _is_int(amount_fen):
        raise ShiftError("not_an_amount", f"The {what} must be a whole number of fen.")
    assert isinstance(amount_fen, int)
    if amount_fen < 0 or (amount_fen == 0 and not allow_zero):
        raise ShiftError("not_positive", f"The {what} must be above zero."
                         if not allow_zero else f"The {what} cannot be negative.")
    if amount_fen > MAX_DRAWER_FEN:
        raise ShiftError("too_large", f"The {what} of {Money(amount_fen)} is more than a drawer "
                         f"holds ({Money(MAX_DRAWER_FEN)}); check the amount.")
    return amount_fen


def denomination_label(fen: int) -> str:
    """``100 元`` / ``5 角`` as printed on the note or coin."""
    return f"{fen // 100} 元" if fen >= 100 else f"{fen // 10} 角"


@dataclass(frozen=True)
class CashCount:
    """A drawer count: pieces per denomination, or (``loose_fen``) a counted total only."""

    pieces: tuple[tuple[int, int], ...] = ()  # (denomination fen, pieces), in DENOMINATIONS order
    loose_fen: int = 0

    @property
    def total_fen(self) -> int:
        return sum(d * n for d, n in self.pieces) + self.loose_fen

    def as_dict(self) -> dict[str, int]:
        """For payloads and audit: {"10000": 3, ..., "loose": 0}; str keys (JSON)."""
        out = {str(d): n for d, n in self.pieces}
        if self.loose_fen:
            out["loose"] = self.loose_fen
        return out


def make_count(pieces: Mapping[int, int] | None = None, *, total_fen: int | None = None) -> CashCount:
    """Validate a count typed at the till: per denomination, or a total when not counted by piece.

    Unknown denominations, negative or absurd piece counts, and a drawer above
    :data:`MAX_DRAWER_FEN` are refused with a message naming the problem.
    """
    pieces = dict(pieces or {})
    if pieces and total_fen is not None:
        raise ShiftError("count_twice", "Give either the pieces per note and coin or a total, "
                         "not both.")
    for denomination, count in pieces.items():
        if not _is_int(denomination) or denomination not in DENOMINATIONS_FEN:
            raise ShiftError("unknown_denomination",
                             f"{denomination!r} is not a note or coin this drawer counts.")
        if not _is_int(count) or count < 0:
            raise ShiftError("bad_pieces", f"The count of {denomination_label(denomination)} "
                             "must be a whole number, zero or more.")
        if count > MAX_PIECES:
            raise ShiftError("too_many_pieces", f"{count} × {denomination_label(denomination)} "
                             f"is more than a drawer holds (at most {MAX_PIECES}); check the count.")
    ordered = tuple((d, pieces[d]) for d in DENOMINATIONS_FEN if pieces.get(d))
    loose = check_amount(total_fen, "counted total", allow_zero=True) if total_fen is not None else 0
    counted = CashCount(ordered, loose)
    if counted.total_fen > MAX_DRAWER_FEN:
        raise ShiftError("too_large", f"The count comes to {Money(counted.total_fen)}, more than a "
                         "drawer holds; check the pieces.")
    return counted


@dataclass(frozen=True)
class CashFlow:
    source: FlowSource
    amount_fen: int  # signed: into the drawer positive, out of it negative

    def __post_init__(self) -> None:
        if not _is_int(self.amount_fen):
            raise TypeError("a cash flow is an int of fen")


def expected_cash(flows: Iterable[CashFlow]) -> int:
    """What the drawer should hold: the sum of every flow in and out of it."""
    return sum(flow.amount_fen for flow in flows)


def flows_by_source(flows: Iterable[CashFlow]) -> dict[FlowSource, int]:
    """Totals per source (signed), for the report's breakdown of expected cash."""
    totals: dict[FlowSource, int] = {}
    for flow in flows:
        totals[flow.source] = totals.get(flow.source, 0) + flow.amount_fen
    return totals


def sales_flows(cash_tendered_fen: int, change_given_fen: int) -> list[CashFlow]:
    """The two drawer flows of the shift's sales: cash taken in, change handed back."""
    return [CashFlow(FlowSource.CASH_TENDERED, cash_tendered_fen),
            CashFlow(FlowSource.CHANGE_GIVEN, -change_given_fen)]


def movement_flow(kind: MovementKind | str, amount_fen: int) -> CashFlow:
    kind = MovementKind(kind)
    if kind is MovementKind.PAY_IN:
        return CashFlow(FlowSource.PAY_IN, amount_fen)
    return CashFlow(FlowSource.PAY_OUT, -amount_fen)


def variance(counted_fen: int, expected_fen: int) -> int:
    """Over (positive) or short (negative): counted minus expected."""
    return counted_fen - expected_fen


def variance_kind(variance_fen: int) -> str:
    return "balanced" if variance_fen == 0 else ("over" if variance_fen > 0 else "short")


def beyond_tolerance(variance_fen: int, tolerance_fen: int) -> bool:
    """True when over/short is larger than the tolerance either way (it then needs a reason)."""
    if tolerance_fen < 0:
        raise ValueError("tolerance must not be negative")
    return abs(variance_fen) > tolerance_fen


def check_reason(reason: object, what: str) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise ShiftError("reason_required", f"Enter the reason for the {what}.")
    return reason.strip()[:MAX_REASON]


@dataclass(frozen=True)
class ShiftFacts:
    """What the rules need to know about a shift."""

    shift_id: str
    status: ShiftStatus

    def require_open(self, action: str) -> None:
        if self.status is not ShiftStatus.OPEN:
            raise ShiftError("shift_closed", f"The shift is closed: it cannot {action}. "
                             "A closed shift never changes; open a new one.")


def check_can_open(current: ShiftFacts | None) -> None:
    """One open shift per terminal at a time."""
    if current is not None and current.status is ShiftStatus.OPEN:
        raise ShiftError("already_open", "A shift is already open on this terminal; close it "
                         "before opening another.")


def check_movement(shift: ShiftFacts | None, kind: MovementKind | str, amount_fen: object,
                   expected_fen: int) -> int:
    """A pay-in or pay-out on ``shift``; a pay-out may not take more than the drawer should hold."""
    if shift is None:
        raise ShiftError("no_open_shift", "No shift is open on this terminal; open one first.")
    kind = MovementKind(kind)
    shift.require_open("take a pay-in or pay-out")
    amount = check_amount(amount_fen, "pay-in" if kind is MovementKind.PAY_IN else "pay-out")
    if kind is MovementKind.PAY_OUT and amount > expected_fen:
        # The expected figure is not shown: the close is a blind count.
        raise ShiftError("more_than_drawer", f"A pay-out of {Money(amount)} is more than the "
                         "cash the drawer should hold; check the amount.")
    return amount


def check_can_close(shift: ShiftFacts | None) -> ShiftFacts:
    if shift is None:
        raise ShiftError("no_open_shift", "No shift is open on this terminal; there is nothing "
                         "to close.")
    shift.require_open("be closed again")
    return shift
