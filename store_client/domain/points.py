"""Member points: earning on what was paid, and redeeming points as a tender.

Earning floors (a customer never gets a point for part of a yuan); redeeming
floors the value (a fraction of a fen is never paid out) and refuses more points
than the member can spend on this terminal: the last balance HQ sent minus the
redemptions this terminal has queued but HQ has not yet confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class PointsConfigError(ValueError):
    pass


def _positive(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise PointsConfigError(f"{name} must be a positive integer, got {value!r}")


@dataclass(frozen=True, slots=True)
class PointsConfig:
    earn_fen_per_point: int = 100  # 1 point per 1 CNY paid
    redeem_points: int = 100  # this many points ...
    redeem_value_fen: int = 100  # ... are worth this many fen (100 points = 1 CNY)
    min_redeem_points: int = 1

    def __post_init__(self) -> None:
        _positive("earn_fen_per_point", self.earn_fen_per_point)
        _positive("redeem_points", self.redeem_points)
        _positive("redeem_value_fen", self.redeem_value_fen)
        _positive("min_redeem_points", self.min_redeem_points)


def points_earned(paid_fen: int, config: PointsConfig = PointsConfig()) -> int:
    """Points for ``paid_fen`` paid with money (exclude the part paid with points)."""
    if isinstance(paid_fen, bool) or not isinstance(paid_fen, int):
        raise TypeError("paid_fen must be an int")
    return max(0, paid_fen) // config.earn_fen_per_point


def points_value_fen(points: int, config: PointsConfig = PointsConfig()) -> int:
    """What ``points`` are worth, floored to the fen."""
    return points * config.redeem_value_fen // config.redeem_points


def points_for_value(value_fen: int, config: PointsConfig = PointsConfig()) -> int:
    """The fewest points worth at least ``value_fen``."""
    return -(-value_fen * config.redeem_points // config.redeem_value_fen)


class RedemptionRefusal(Enum):
    NOT_POSITIVE = "not_positive"
    BELOW_MINIMUM = "below_minimum"
    BEYOND_BALANCE = "beyond_balance"
    BEYOND_DUE = "beyond_due"
    WORTHLESS = "worthless"


@dataclass(frozen=True, slots=True)
class Redemption:
    points: int
    value_fen: int


@dataclass(frozen=True, slots=True)
class RedemptionRefused:
    reason: RedemptionRefusal
    message: str


def available_points(last_known_balance: int, pending_redemptions: int) -> int:
    """Points this terminal may still spend for the member (never negative)."""
    return max(0, last_known_balance - max(0, pending_redemptions))


def max_redemption(*, last_known_balance: int, pending_redemptions: int, due_fen: int,
                   config: PointsConfig = PointsConfig()) -> Redemption:
    """The largest redemption allowed now (points 0 when none is)."""
    available = available_points(last_known_balance, pending_redemptions)
    value = min(points_value_fen(available, config), max(0, due_fen))
    points = min(points_for_value(value, config), available)
    if points_value_fen(points, config) > value:  # a point worth several fen overshoots
        points -= 1
    worth = points_value_fen(points, config)
    if points < config.min_redeem_points or worth <= 0:
        return Redemption(0, 0)
    return Redemption(points, worth)


def redeem(points: int, *, last_known_balance: int, pending_redemptions: int, due_fen: int,
           config: PointsConfig = PointsConfig()) -> Redemption | RedemptionRefused:
    """Check a request to pay with ``points``; returns the points and their value, or why not."""
    if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
        return RedemptionRefused(RedemptionRefusal.NOT_POSITIVE,
                                 "Enter a number of points above zero.")
    if points < config.min_redeem_points:
        return RedemptionRefused(RedemptionRefusal.BELOW_MINIMUM,
                                 f"At least {config.min_redeem_points} points must be redeemed.")
    available = available_points(last_known_balance, pending_redemptions)
    if points > available:
        return RedemptionRefused(RedemptionRefusal.BEYOND_BALANCE,
                                 f"The member can use at most {available} points.")
    value = points_value_fen(points, config)
    if value <= 0:
        return RedemptionRefused(RedemptionRefusal.WORTHLESS,
                                 f"{points} points are worth less than 0.01.")
    if value > due_fen:
        most = max_redemption(last_known_balance=last_known_balance,
                              pending_redemptions=pending_redemptions, due_fen=due_fen,
                              config=config)
        return RedemptionRefused(RedemptionRefusal.BEYOND_DUE,
                                 f"That is more than is due; at most {most.points} points.")
    return Redemption(points, value)
