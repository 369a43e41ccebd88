"""Promotion rules as plain values; :mod:`pricing` applies them (see docs/pricing.md).

Every rule has an id, a priority (lower applies first), an ``exclusive`` flag, an
optional member-only flag and date window, and a :class:`Scope` saying which
products it covers. Amounts are integer fen, rates basis points.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum

from store_client.domain.money import BASIS_POINTS


class PromotionError(ValueError):
    """A promotion definition is unusable (bad amount, empty window ...)."""


class Stage(IntEnum):
    """Promotions are applied stage by stage, in this order."""

    PRICE = 1  # member prices
    ITEM = 2  # percent / amount off each covered line
    MULTI_BUY = 3  # buy X get Y
    ORDER = 4  # threshold discounts on the covered subtotal


@dataclass(frozen=True, slots=True)
class Scope:
    """Which products a rule covers: listed SKUs or categories; neither means all."""

    skus: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    exclude_skus: frozenset[str] = frozenset()

    @property
    def everything(self) -> bool:
        return not self.skus and not self.categories

    def covers(self, sku: str, category: str) -> bool:
        if sku in self.exclude_skus:
            return False
        return self.everything or sku in self.skus or category in self.categories


def _positive_int(name: str, value: object, *, upper: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise PromotionError(f"{name} must be a positive integer, got {value!r}")
    if upper is not None and value > upper:
        raise PromotionError(f"{name} must be at most {upper}, got {value}")


@dataclass(frozen=True, kw_only=True)
class Promotion:
    id: str
    name: str = ""
    priority: int = 100
    exclusive: bool = False
    member_only: bool = False
    starts: datetime | None = None  # inclusive
    ends: datetime | None = None  # exclusive
    scope: Scope = field(default_factory=Scope)

    stage = Stage.ITEM  # overridden per kind (class attribute, not a field)

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise PromotionError("a promotion needs an id")
        for moment in (self.starts, self.ends):
            if moment is not None and moment.tzinfo is None:
                raise PromotionError(f"promotion {self.id}: window times must carry a time zone")
        if self.starts and self.ends and self.ends <= self.starts:
            raise PromotionError(f"promotion {self.id}: ends before it starts")

    def active(self, now: datetime, member: bool) -> bool:
        if self.member_only and not member:
            return False
        if self.starts is not None and now < self.starts:
            return False
        return self.ends is None or now < self.ends


@dataclass(frozen=True, kw_only=True)
class PercentOff(Promotion):
    """``percent_bp`` off each covered line (1000 = 10 % off), rounded half-up per line."""

    percent_bp: int

    def __post_init__(self) -> None:
        super().__post_init__()
        _positive_int("percent_bp", self.percent_bp, upper=BASIS_POINTS)


@dataclass(frozen=True, kw_only=True)
class AmountOff(Promotion):
    """``amount_fen`` off each unit (each kg, rounded half-up, for weighed lines)."""

    amount_fen: int

    def __post_init__(self) -> None:
        super().__post_init__()
        _positive_int("amount_fen", self.amount_fen)


@dataclass(frozen=True, kw_only=True)
class MemberPrice(Promotion):
    """Member-only unit prices by SKU (per kg for weighed products); always member-only."""

    prices: Mapping[str, int]
    member_only: bool = True
    stage = Stage.PRICE

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.member_only:
            raise PromotionError(f"promotion {self.id}: a member price is member-only")
        for sku, price in self.prices.items():
            _positive_int(f"member price of {sku}", price)


@dataclass(frozen=True, kw_only=True)
class BuyXGetY(Promotion):
    """Among covered units (not weighed), of every ``buy + get`` the cheapest ``get`` are free."""

    buy: int
    get: int
    stage = Stage.MULTI_BUY

    def __post_init__(self) -> None:
        super().__post_init__()
        _positive_int("buy", self.buy)
        _positive_int("get", self.get)


@dataclass(frozen=True, kw_only=True)
class Threshold(Promotion):
    """满X减Y: ``amount_fen`` off when the covered subtotal reaches ``threshold_fen``;
    with ``repeat`` once per full ``threshold_fen`` (capped by ``max_times`` if set)."""

    threshold_fen: int
    amount_fen: int
    repeat: bool = False
    max_times: int | None = None
    stage = Stage.ORDER

    def __post_init__(self) -> None:
        super().__post_init__()
        _positive_int("threshold_fen", self.threshold_fen)
        _positive_int("amount_fen", self.amount_fen)
        if self.max_times is not None:
            _positive_int("max_times", self.max_times)

    def times(self, subtotal_fen: int) -> int:
        if subtotal_fen < self.threshold_fen:
            return 0
        times = subtotal_fen // self.threshold_fen if self.repeat else 1
        return min(times, self.max_times) if self.max_times is not None else times
