"""Refund rules of a return: what each returned line gives back and to which tender.

Qt-free and database-free. Amounts are int fen.

* A line refunds what was paid for it: its ``net_fen`` (after every allocated
  discount). Part of a line refunds by *cumulative* rounding: after ``n`` of its
  ``qty`` units have been returned in total, ``round_half_up(net * n, qty)`` has
  been refunded, so several partial returns always sum exactly to ``net_fen`` and
  never exceed it. A weighed line (grams) is returned whole or not at all.
* The refund goes back to the sale's tenders in a fixed order, each tender at most
  what it paid minus what earlier returns refunded to it: points first, then card,
  then mobile, then cash last (cash never replaces an electronic payment). Within
  a kind, the order of the tenders in the sale. Cash paid is net of the change given.
* A points tender gives back points in proportion to the money it refunds, again
  cumulatively (all its points once all its value is refunded).
* Points the sale earned are reversed in proportion to the *money* (non-points)
  refunded, cumulatively; all of them once all the money is refunded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from store_client.domain.money import round_half_up

#: The order in which a refund is spread over the sale's tenders.
TENDER_ORDER = ("points", "card", "mobile", "cash")


class RefundErrorCode(Enum):
    NOTHING_SELECTED = "nothing_selected"
    UNKNOWN_LINE = "unknown_line"
    BAD_QUANTITY = "bad_quantity"
    ABOVE_RETURNABLE = "above_returnable"
    WEIGHED_PARTIAL = "weighed_partial"
    FULLY_RETURNED = "fully_returned"
    DUPLICATE_LINE = "duplicate_line"
    TENDERS_SHORT = "tenders_short"


class RefundError(ValueError):
    def __init__(self, code: RefundErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class SoldLine:
    line_no: int
    quantity: int  # units, or grams for a weighed line
    net_fen: int  # what the whole line was paid (after discounts)
    weighed: bool = False
    returned_quantity: int = 0  # by earlier returns

    @property
    def returnable(self) -> int:
        return max(0, self.quantity - self.returned_quantity)

    @property
    def refunded_fen(self) -> int:
        """What earlier returns of this line refunded (cumulative rounding)."""
        return cumulative_refund(self.net_fen, self.quantity, self.returned_quantity)


@dataclass(frozen=True, slots=True)
class PaidTender:
    seq: int
    kind: str  # cash | card | mobile | points
    paid_fen: int  # what it paid (cash: net of change)
    refunded_fen: int = 0  # by earlier returns
    points: int = 0  # a points tender: the points it spent
    points_refunded: int = 0  # by earlier returns
    reference: str | None = None

    @property
    def remaining_fen(self) -> int:
        return max(0, self.paid_fen - self.refunded_fen)


@dataclass(frozen=True, slots=True)
class LineRefund:
    line_no: int
    quantity: int
    refund_fen: int


@dataclass(frozen=True, slots=True)
class TenderRefund:
    seq: int  # the original tender's seq in the sale
    kind: str
    amount_fen: int
    points: int = 0  # points given back (points tender)
    original_reference: str | None = None


@dataclass(frozen=True, slots=True)
class RefundPlan:
    lines: tuple[LineRefund, ...]
    tenders: tuple[TenderRefund, ...]
    total_fen: int
    points_refunded: int  # points given back through points tenders
    points_reversed: int  # earned points taken back


def cumulative_refund(net_fen: int, quantity: int, returned: int) -> int:
    """What returning ``returned`` of ``quantity`` units of a line paid ``net_fen`` refunds in all."""
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    if not 0 <= returned <= quantity:
        raise ValueError("returned must be between 0 and quantity")
    return round_half_up(net_fen * returned, quantity)


def line_refund(line: SoldLine, quantity: int) -> int:
    """This return's refund for ``quantity`` more units of ``line`` (cumulative rounding)."""
    before = line.returned_quantity
    return (cumulative_refund(line.net_fen, line.quantity, before + quantity)
            - cumulative_refund(line.net_fen, line.quantity, before))


def paid_by_tender(amounts: Sequence[tuple[str, int]], change_fen: int) -> list[int]:
    """What each tender really paid: cash amounts less the change, taken from the last cash first."""
    paid = [amount for _kind, amount in amounts]
    left = max(0, change_fen)
    for i in reversed(range(len(paid))):
        if left and amounts[i][0] == "cash":
            take = min(left, paid[i])
            paid[i] -= take
            left -= take
    return paid


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def refund_lines(lines: Sequence[SoldLine], request: Sequence[tuple[int, int]]) -> tuple[LineRefund, ...]:
    """Check a selection of (line_no, quantity) and price it; raises :class:`RefundError`."""
    by_no = {line.line_no: line for line in lines}
    if lines and all(line.returnable == 0 for line in lines):
        raise RefundError(RefundErrorCode.FULLY_RETURNED,
                          "Everything on this receipt has already been returned.")
    chosen = [(no, qty) for no, qty in request if not (_is_int(qty) and qty == 0)]
    if not chosen:
        raise RefundError(RefundErrorCode.NOTHING_SELECTED, "Select at least one item to return.")
    seen: set[int] = set()
    out = []
    for no, qty in chosen:
        line = by_no.get(no) if _is_int(no) else None
        if line is None:
            raise RefundError(RefundErrorCode.UNKNOWN_LINE, f"The receipt has no line {no}.")
        if no in seen:
            raise RefundError(RefundErrorCode.DUPLICATE_LINE, f"Line {no} is selected twice.")
        seen.add(no)
        if not _is_int(qty) or qty < 0:
            raise RefundError(RefundErrorCode.BAD_QUANTITY,
                              f"Line {no}: the quantity to return must be a whole number above zero.")
        if line.returnable == 0:
            raise RefundError(RefundErrorCode.ABOVE_RETURNABLE, f"Line {no} was already returned.")
        if qty > line.returnable:
            raise RefundError(RefundErrorCode.ABOVE_RETURNABLE,
                              f"Line {no}: at most {line.returnable} can still be returned.")
        if line.weighed and qty != line.quantity:
            raise RefundError(RefundErrorCode.WEIGHED_PARTIAL,
                              f"Line {no} was sold by weight: return the whole line or nothing.")
        out.append(LineRefund(no, qty, line_refund(line, qty)))
    return tuple(out)


def spread_over_tenders(amount_fen: int, tenders: Sequence[PaidTender]) -> tuple[TenderRefund, ...]:
    """Put ``amount_fen`` on the tenders in :data:`TENDER_ORDER`, each at most its remainder."""
    if amount_fen < 0:
        raise ValueError("a refund is never negative")
    rank = {kind: i for i, kind in enumerate(TENDER_ORDER)}
    ordered = sorted(tenders, key=lambda t: (rank.get(t.kind, len(rank)), t.seq))
    left = amount_fen
    out = []
    for t in ordered:
        if not left:
            break
        take = min(left, t.remaining_fen)
        if take <= 0:
            continue
        left -= take
        points = 0
        if t.kind == "points":  # take > 0, so it paid something
            points = (round_half_up(t.points * (t.refunded_fen + take), t.paid_fen)
                      - round_half_up(t.points * t.refunded_fen, t.paid_fen))
        out.append(TenderRefund(t.seq, t.kind, take, points, t.reference))
    if left:
        raise RefundError(RefundErrorCode.TENDERS_SHORT,
                          "The refund is more than the sale's payments have left to refund.")
    return tuple(sorted(out, key=lambda r: r.seq))


def reversed_points(points_earned: int, money_paid_fen: int, money_refunded_before: int,
                    money_refunded_now: int) -> int:
    """Earned points this return takes back (cumulative, proportional to the money refunded)."""
    if points_earned <= 0 or money_paid_fen <= 0:
        return 0
    after = min(money_paid_fen, money_refunded_before + money_refunded_now)
    before = min(money_paid_fen, money_refunded_before)
    return (round_half_up(points_earned * after, money_paid_fen)
            - round_half_up(points_earned * before, money_paid_fen))


def plan_refund(lines: Sequence[SoldLine], tenders: Sequence[PaidTender],
                request: Sequence[tuple[int, int]], *, points_earned: int = 0) -> RefundPlan:
    """The whole refund of one return: lines, tenders, points back and points reversed."""
    line_refunds = refund_lines(lines, request)
    total = sum(r.refund_fen for r in line_refunds)
    tender_refunds = spread_over_tenders(total, tenders)
    money_paid = sum(t.paid_fen for t in tenders if t.kind != "points")
    money_before = sum(t.refunded_fen for t in tenders if t.kind != "points")
    money_now = sum(r.amount_fen for r in tender_refunds if r.kind != "points")
    return RefundPlan(
        lines=line_refunds, tenders=tender_refunds, total_fen=total,
        points_refunded=sum(r.points for r in tender_refunds),
        points_reversed=reversed_points(points_earned, money_paid, money_before, money_now))
