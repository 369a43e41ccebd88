"""Tenders and settlement: how a sale is paid, in any mix.

Rules: only cash gives change, so card, mobile and points together may never
exceed the amount due (no over-tender); the cash in one sale may not exceed a
configured maximum; card and mobile need their authorisation/transaction
reference; a points tender must be worth exactly what its points buy.
:func:`settle` checks a whole list; :func:`check_new_tender` checks one more
tender against those already accepted, so the UI can refuse it before adding it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from store_client.domain.money import Money
from store_client.domain.points import PointsConfig, points_value_fen


class TenderKind(Enum):
    CASH = "cash"
    CARD = "card"
    MOBILE = "mobile"
    POINTS = "points"
    EXCHANGE = "exchange"  # an exchange's credit: the returned goods' value (domain/exchanges.py)
    STORE_CREDIT = "store_credit"  # a store credit note (services/store_credit.py); no change


@dataclass(frozen=True, slots=True)
class TenderConfig:
    cash_max_fen: int = 5_000_000  # 50,000 CNY of cash in one sale
    points: PointsConfig = field(default_factory=PointsConfig)

    def __post_init__(self) -> None:
        if isinstance(self.cash_max_fen, bool) or not isinstance(self.cash_max_fen, int) \
                or self.cash_max_fen <= 0:
            raise ValueError("cash_max_fen must be a positive integer")


@dataclass(frozen=True, slots=True)
class Tender:
    kind: TenderKind
    amount_fen: int
    reference: str | None = None  # card authorisation / mobile transaction id
    points: int | None = None  # for POINTS


class TenderErrorCode(Enum):
    NOT_POSITIVE = "not_positive"
    CASH_ABOVE_MAXIMUM = "cash_above_maximum"
    OVER_TENDER = "over_tender"
    REFERENCE_REQUIRED = "reference_required"
    POINTS_MISMATCH = "points_mismatch"
    NOTHING_DUE = "nothing_due"


@dataclass(frozen=True, slots=True)
class TenderError:
    index: int  # position of the offending tender in the list
    code: TenderErrorCode
    message: str


@dataclass(frozen=True, slots=True)
class Settlement:
    due_fen: int
    tendered_fen: int
    remaining_fen: int  # still to pay
    change_fen: int  # cash to hand back
    errors: tuple[TenderError, ...]

    @property
    def complete(self) -> bool:
        return not self.errors and self.remaining_fen == 0


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _own_errors(index: int, tender: Tender, config: TenderConfig) -> list[TenderError]:
    errors = []
    if not _is_int(tender.amount_fen) or tender.amount_fen <= 0:
        return [TenderError(index, TenderErrorCode.NOT_POSITIVE, "A payment must be above zero.")]
    if tender.kind in (TenderKind.CARD, TenderKind.MOBILE) and not (
            tender.reference and tender.reference.strip()):
        what = "authorisation reference" if tender.kind is TenderKind.CARD else "transaction id"
        errors.append(TenderError(index, TenderErrorCode.REFERENCE_REQUIRED,
                                  f"A {tender.kind.value} payment needs its {what}."))
    if tender.kind is TenderKind.POINTS and (
            not isinstance(tender.points, int) or isinstance(tender.points, bool) or tender.points <= 0
            or points_value_fen(tender.points, config.points) != tender.amount_fen):
        errors.append(TenderError(index, TenderErrorCode.POINTS_MISMATCH,
                                  "The points tender does not match its points."))
    return errors


def settle(due_fen: int, tenders: Sequence[Tender],
           config: TenderConfig = TenderConfig()) -> Settlement:
    """What is left to pay, the change, and every rule the tenders break."""
    if not _is_int(due_fen) or due_fen < 0:
        raise ValueError("due_fen must be a non-negative int")
    errors: list[TenderError] = []
    non_cash = cash = 0
    for index, tender in enumerate(tenders):
        own = _own_errors(index, tender, config)
        errors += own
        if own and own[0].code is TenderErrorCode.NOT_POSITIVE:
            continue
        if tender.kind is TenderKind.CASH:
            cash += tender.amount_fen
            if cash > config.cash_max_fen:
                errors.append(TenderError(
                    index, TenderErrorCode.CASH_ABOVE_MAXIMUM,
                    f"Cash above {Money(config.cash_max_fen)} in one sale is not accepted."))
        else:
            non_cash += tender.amount_fen
            if non_cash > due_fen:
                errors.append(TenderError(
                    index, TenderErrorCode.OVER_TENDER,
                    f"{tender.kind.value.capitalize()} payments cannot exceed the amount due; "
                    "only cash gives change."))
    if due_fen == 0 and tenders:
        errors.append(TenderError(0, TenderErrorCode.NOTHING_DUE, "Nothing is due."))
    tendered = cash + non_cash
    change = max(0, tendered - due_fen) if non_cash <= due_fen else 0
    change = min(change, cash)
    return Settlement(due_fen, tendered, max(0, due_fen - tendered), change, tuple(errors))


def check_new_tender(due_fen: int, accepted: Sequence[Tender], new: Tender,
                     config: TenderConfig = TenderConfig()) -> TenderError | None:
    """The first error adding ``new`` would cause, or None; refuses anything once paid in full."""
    before = settle(due_fen, accepted, config)
    if before.remaining_fen == 0 and accepted:
        return TenderError(len(accepted), TenderErrorCode.OVER_TENDER, "The sale is already paid.")
    after = settle(due_fen, [*accepted, new], config)
    fresh = [e for e in after.errors if e.index == len(accepted)]
    return fresh[0] if fresh else None
