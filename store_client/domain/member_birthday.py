"""The birthday benefit: in the member's birthday month, a coupon from HQ by tier.

One membership, "birthday and tier benefits everywhere" (the retailer's rules): the benefit
is a coupon in the member's wallet, issued by HQ once per member and year (its code is the
key: ``BDAY-<year>-<member id>``), usable in every channel during the birthday month, once.
The month is the store's (its time zone), not UTC: a member born in May is in their month
from 1 May 00:00 Shanghai time, which is 30 April 16:00 UTC.

A till never issues it: it shows the month on the profile (from HQ, or from its member cache
offline) and the coupon once HQ's ``coupons`` dataset brought it; the checkout's coupon rules
apply it (bound to the member, single use). Qt-free and database-free.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

#: Fen off a spend of at least five times as much, by tier (the tiers of docs/members.md).
AMOUNT_BY_TIER = {"regular": 1_000, "silver": 2_000, "gold": 3_000, "platinum": 5_000}
MIN_SPEND_FACTOR = 5
PREFIX = "BDAY-"


@dataclass(frozen=True)
class BirthdayCoupon:
    code: str
    title: str
    amount_off_fen: int
    min_spend_fen: int
    valid_from: datetime  # UTC: the month's first moment in the store's zone
    valid_until: datetime  # UTC: the month's last moment

    def row(self, member_id: str) -> dict[str, object]:
        """The ``coupons`` dataset row (services/coupons_local.py shape)."""
        return {"code": self.code, "title": self.title, "amount_off_fen": self.amount_off_fen,
                "percent_off_bp": None, "max_discount_fen": None, "every_fen": None,
                "min_spend_fen": self.min_spend_fen, "valid_from": self.valid_from.isoformat(),
                "valid_until": self.valid_until.isoformat(), "single_use": True, "once_per_member": False,
                "member_id": member_id, "scope": {"skus": [], "categories": [], "exclude_skus": []}}


def in_birthday_month(month: int | None, now: datetime, zone: ZoneInfo) -> bool:
    """Whether ``now`` falls in the birthday ``month`` in the store's ``zone``."""
    return month is not None and 1 <= month <= 12 and now.astimezone(zone).month == month


def code_for(member_id: str, year: int) -> str:
    return f"{PREFIX}{year}-{member_id}"


def is_birthday_code(code: str) -> bool:
    return isinstance(code, str) and code.startswith(PREFIX)


def coupon_for(member_id: str, tier: str, month: int, now: datetime, zone: ZoneInfo) -> BirthdayCoupon | None:
    """The coupon due to the member now, or None outside their birthday month."""
    if not in_birthday_month(month, now, zone):
        return None
    local = now.astimezone(zone)
    first = datetime(local.year, month, 1, tzinfo=zone)
    last = datetime(local.year, month, monthrange(local.year, month)[1], 23, 59, 59, tzinfo=zone)
    amount = AMOUNT_BY_TIER.get(tier, AMOUNT_BY_TIER["regular"])
    return BirthdayCoupon(code_for(member_id, local.year), f"生日券 满{amount * MIN_SPEND_FACTOR // 100}减{amount // 100}",
                          amount, amount * MIN_SPEND_FACTOR, first.astimezone(UTC), last.astimezone(UTC))
