"""Money as integer minor units (fen for CNY), with explicit rounding.

Amounts never pass through ``float``. Percentages are expressed in basis points
(1/100 of a percent) so that rates such as 13% VAT or 8.5% off stay integers;
the only place a fraction of a fen can appear is :func:`round_half_up`, which
every percentage computation goes through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import compress, islice
from typing import Iterable, Sequence

_PLAIN_DECIMAL = re.compile(r"-?(\d+(\.\d*)?|\.\d+)")

#: Minor units per major unit, per ISO 4217 currency this client supports.
MINOR_UNITS: dict[str, int] = {"CNY": 100, "HKD": 100, "USD": 100, "EUR": 100}

BASIS_POINTS = 10_000  # 100.00 %


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined."""


def round_half_up(numerator: int, denominator: int) -> int:
    """Divide two integers and round half away from zero (commercial rounding).

    >>> round_half_up(5, 2), round_half_up(-5, 2), round_half_up(4, 3)
    (3, -3, 1)
    """
    if denominator < 0:  # a zero denominator fails in divmod: ZeroDivisionError
        numerator, denominator = -numerator, -denominator
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder * 2 >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` minor units over ``weights`` by the largest-remainder method.

    The parts always sum exactly to ``total``; ties go to the earlier weight, so
    the result is deterministic. Used to spread a discount over cart lines.
    """
    if not weights:
        if total:
            raise ValueError("cannot allocate a non-zero amount over no weights")
        return []
    if min(weights) < 0:
        raise ValueError("weights must not be negative")
    weight_sum = sum(weights)
    if weight_sum == 0:
        raise ValueError("weights must not all be zero")
    magnitude = abs(total)
    # A spread over a 500-line cart runs at every scan: comprehensions and plain loops (on
    # Python 3.11 they beat map() over operators and bound methods), the picks in C.
    products = [magnitude * weight for weight in weights]
    floors = [product // weight_sum for product in products]
    leftover = magnitude - sum(floors)  # fewer than len(weights)
    if leftover:
        remainders = [product % weight_sum for product in products]
        # The leftover units go to the largest remainders, ties to the earlier weight: every
        # remainder above the cut (the leftover-th largest), then the first ones equal to it.
        cut = sorted(remainders, reverse=True)[leftover - 1]
        positions = range(len(weights))
        up = list(compress(positions, map(cut.__lt__, remainders)))
        up += islice(compress(positions, map(cut.__eq__, remainders)), leftover - len(up))
        for i in up:
            floors[i] += 1
    return floors if total >= 0 else [-part for part in floors]


@dataclass(frozen=True, slots=True, order=False)
class Money:
    """An amount in minor units of one currency."""

    minor: int
    currency: str = "CNY"

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise TypeError(f"Money needs an int of minor units, got {type(self.minor).__name__}")
        if self.currency not in MINOR_UNITS:
            raise ValueError(f"unsupported currency {self.currency!r}")

    # -- construction -------------------------------------------------------
    @classmethod
    def zero(cls, currency: str = "CNY") -> Money:
        return cls(0, currency)

    @classmethod
    def parse(cls, text: str, currency: str = "CNY") -> Money:
        """Parse a decimal string typed by a person ("12", "12.5", "12.50").

        More decimals than the currency has is an error, never a silent rounding.
        """
        cleaned = text.strip().replace(",", "").replace("¥", "").replace("￥", "").strip()
        if not _PLAIN_DECIMAL.fullmatch(cleaned):  # Decimal alone takes "1e3", "NaN", "1_000"
            raise ValueError(f"not an amount: {text!r}")
        scaled = Decimal(cleaned) * MINOR_UNITS[currency]  # digits only: always finite
        if scaled != scaled.to_integral_value():
            raise ValueError(f"too many decimals for {currency}: {text!r}")
        return cls(int(scaled), currency)

    # -- arithmetic ---------------------------------------------------------
    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} vs {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def percent(self, basis_points: int) -> Money:
        """This amount times ``basis_points``/10000, rounded half-up to the minor unit."""
        return Money(round_half_up(self.minor * basis_points, BASIS_POINTS), self.currency)

    def allocate(self, weights: Sequence[int]) -> list[Money]:
        return [Money(part, self.currency) for part in allocate(self.minor, weights)]

    @staticmethod
    def sum(amounts: Iterable[Money], currency: str = "CNY") -> Money:
        total = Money.zero(currency)
        for amount in amounts:
            total = total + amount
        return total

    # -- presentation -------------------------------------------------------
    def to_decimal(self) -> Decimal:
        """Exact decimal value in major units (for display and interchange only)."""
        return Decimal(self.minor).scaleb(0) / MINOR_UNITS[self.currency]

    def format(self, locale: str = "zh_CN") -> str:
        """Locale-aware display, e.g. ``¥1,234.50`` (zh_CN) or ``CN¥1,234.50`` (en)."""
        from babel.numbers import format_currency

        return format_currency(self.to_decimal(), self.currency, locale=locale)

    def __str__(self) -> str:
        major, minor = divmod(abs(self.minor), MINOR_UNITS[self.currency])
        sign = "-" if self.minor < 0 else ""
        return f"{sign}{major}.{minor:02d} {self.currency}"


def vat_included(gross: Money, rate_basis_points: int) -> Money:
    """The VAT contained in a VAT-inclusive amount: gross * r / (1 + r), half-up."""
    return Money(
        round_half_up(gross.minor * rate_basis_points, BASIS_POINTS + rate_basis_points),
        gross.currency,
    )
