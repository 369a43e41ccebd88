"""Online-issued coupons, checked offline against the terminal's local copy.

:func:`check_coupon` decides the static refusals (window, already used, member);
the pricing engine adds the ones that depend on the cart (not applicable, below
threshold) because they need each line's price after promotions.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from store_client.domain.money import BASIS_POINTS, round_half_up
from store_client.domain.promotions import Scope


class CouponError(ValueError):
    """A coupon definition received from HQ is unusable."""


class RefusalReason(Enum):
    UNKNOWN = "unknown"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    ALREADY_USED = "already_used"
    WRONG_MEMBER = "wrong_member"
    NOT_APPLICABLE = "not_applicable"
    BELOW_THRESHOLD = "below_threshold"


@dataclass(frozen=True, slots=True)
class CouponRefusal:
    code: str
    reason: RefusalReason
    message: str


@dataclass(frozen=True, kw_only=True)
class Coupon:
    """One coupon: ``amount_off_fen`` or ``percent_off_bp`` on the covered lines.

    ``member_id`` set means only that member may redeem it; ``single_use`` means a
    code in the used set is refused; ``once_per_member`` (with ``single_use`` off) means
    any member may use it once: it needs a member, and (code, member) pairs already used
    are refused. ``every_fen`` turns an amount coupon into
    "amount off every every_fen spent" (满100减20 per 100).
    """

    code: str
    amount_off_fen: int | None = None
    percent_off_bp: int | None = None
    max_discount_fen: int | None = None  # cap for percentage coupons
    every_fen: int | None = None
    min_spend_fen: int = 0
    valid_from: datetime | None = None  # inclusive
    valid_until: datetime | None = None  # exclusive
    single_use: bool = True
    once_per_member: bool = False
    member_id: str | None = None
    scope: Scope = field(default_factory=Scope)
    name: str = ""

    def __post_init__(self) -> None:
        def positive(name: str, value: object) -> None:
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise CouponError(f"coupon {self.code}: {name} must be a positive integer")

        if not isinstance(self.code, str) or not self.code.strip():
            raise CouponError("a coupon needs a code")
        if (self.amount_off_fen is None) == (self.percent_off_bp is None):
            raise CouponError(f"coupon {self.code}: give an amount or a percentage, not both")
        if self.amount_off_fen is not None:
            positive("amount_off_fen", self.amount_off_fen)
        if self.percent_off_bp is not None:
            positive("percent_off_bp", self.percent_off_bp)
            if self.percent_off_bp > BASIS_POINTS:
                raise CouponError(f"coupon {self.code}: more than 100 % off")
        if self.every_fen is not None:
            positive("every_fen", self.every_fen)
            if self.amount_off_fen is None:
                raise CouponError(f"coupon {self.code}: every_fen needs an amount")
        if self.max_discount_fen is not None:
            positive("max_discount_fen", self.max_discount_fen)
        if isinstance(self.min_spend_fen, bool) or not isinstance(self.min_spend_fen, int) \
                or self.min_spend_fen < 0:
            raise CouponError(f"coupon {self.code}: min_spend_fen must be >= 0")
        if self.once_per_member and self.single_use:
            raise CouponError(f"coupon {self.code}: once per member excludes single use")
        for moment in (self.valid_from, self.valid_until):
            if moment is not None and moment.tzinfo is None:
                raise CouponError(f"coupon {self.code}: validity times must carry a time zone")
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise CouponError(f"coupon {self.code}: valid_until is before valid_from")

    def discount_on(self, eligible_fen: int) -> int:
        """The discount on a covered subtotal, never more than it (0 below the minimum spend)."""
        if eligible_fen <= 0 or eligible_fen < self.min_spend_fen:
            return 0
        if self.amount_off_fen is not None:
            times = eligible_fen // self.every_fen if self.every_fen else 1
            return min(self.amount_off_fen * times, eligible_fen)
        amount = round_half_up(eligible_fen * self.percent_off_bp, BASIS_POINTS)  # type: ignore[operator]
        if self.max_discount_fen is not None:
            amount = min(amount, self.max_discount_fen)
        return min(amount, eligible_fen)


def check_coupon(coupon: Coupon, *, now: datetime, member_id: str | None,
                 used_codes: Collection[str],
                 used_by_members: Collection[tuple[str, str]] = ()) -> CouponRefusal | None:
    """Refusals that do not depend on the cart's lines, or None when the coupon may be tried."""
    code = coupon.code
    if coupon.valid_from is not None and now < coupon.valid_from:
        return CouponRefusal(code, RefusalReason.NOT_YET_VALID,
                             f"Coupon {code} is valid from {coupon.valid_from:%Y-%m-%d %H:%M}.")
    if coupon.valid_until is not None and now >= coupon.valid_until:
        return CouponRefusal(code, RefusalReason.EXPIRED,
                             f"Coupon {code} expired on {coupon.valid_until:%Y-%m-%d %H:%M}.")
    if coupon.single_use and code in used_codes:
        return CouponRefusal(code, RefusalReason.ALREADY_USED, f"Coupon {code} was already used.")
    if coupon.once_per_member:
        if member_id is None:
            return CouponRefusal(code, RefusalReason.WRONG_MEMBER,
                                 f"Coupon {code} is for members; attach the member first.")
        if (code, member_id) in used_by_members:
            return CouponRefusal(code, RefusalReason.ALREADY_USED,
                                 f"This member already used coupon {code}.")
    if coupon.member_id is not None and coupon.member_id != member_id:
        message = (f"Coupon {code} belongs to a member; attach that member first."
                   if member_id is None else f"Coupon {code} belongs to another member.")
        return CouponRefusal(code, RefusalReason.WRONG_MEMBER, message)
    return None
