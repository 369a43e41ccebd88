"""Online coupons as this terminal knows them offline: HQ's ``coupons`` dataset.

Row shape (key = the code)::

    {"code": "ONLINE-100-20", "title": "满100减20", "amount_off_fen": 2000,
     "percent_off_bp": null, "max_discount_fen": null, "every_fen": null,
     "min_spend_fen": 10000, "valid_from": "2026-01-01T00:00:00+08:00",
     "valid_until": "2026-12-31T16:00:00+00:00", "single_use": true,
     "once_per_member": false, "member_id": null,
     "scope": {"skus": [], "categories": [], "exclude_skus": []}}

A single-use code counts as used once a sale on this terminal redeemed it
(``sale_coupons``); HQ marks it used everywhere after the sale is synced.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store_client.domain.coupons import Coupon, CouponError
from store_client.domain.promotions import Scope
from store_client.persistence.db import driver
from store_client.persistence.models import SaleCoupon

DATASET = "coupons"


def scope_from(raw: Any) -> Scope:
    if not isinstance(raw, dict):
        return Scope()
    return Scope(frozenset(raw.get("skus") or ()), frozenset(raw.get("categories") or ()),
                 frozenset(raw.get("exclude_skus") or ()))


def moment(raw: Any) -> datetime | None:
    return datetime.fromisoformat(raw) if isinstance(raw, str) and raw else None


def coupon_from(data: dict[str, Any]) -> Coupon:
    """A domain coupon from its row; a malformed row raises CouponError / ValueError."""
    return Coupon(
        code=data["code"], amount_off_fen=data.get("amount_off_fen"),
        percent_off_bp=data.get("percent_off_bp"), max_discount_fen=data.get("max_discount_fen"),
        every_fen=data.get("every_fen"), min_spend_fen=data.get("min_spend_fen") or 0,
        valid_from=moment(data.get("valid_from")), valid_until=moment(data.get("valid_until")),
        single_use=bool(data.get("single_use", True)),
        once_per_member=bool(data.get("once_per_member", False)),
        member_id=data.get("member_id"), scope=scope_from(data.get("scope")),
        name=str(data.get("title") or data["code"]))


# (code, its row as stored) -> the coupon, or None for a row that is not one: a sale with a
# coupon reads it at every scan, and parsing it again each time cost more than the read.
_PARSED: dict[tuple[str, str], Coupon | None] = {}
_PARSED_LIMIT = 512


def load(session: Session, codes: tuple[str, ...]) -> dict[str, Coupon]:
    """The known, well-formed coupons among ``codes`` (unknown ones are simply absent).
    Read at every scan of a sale with coupons: on the driver connection, in one statement,
    and a row parsed before (the same text) is not parsed again."""
    if not codes:
        return {}
    marks = ",".join("?" * len(codes))
    rows = dict(driver(session).execute(
        f"SELECT key, data FROM sync_rows WHERE dataset = ? AND key IN ({marks})",
        (DATASET, *codes)).fetchall())
    found: dict[str, Coupon] = {}
    for code in codes:
        data = rows.get(code)
        if data is None:
            continue
        key = (code, data)
        if key in _PARSED:
            coupon = _PARSED[key]
        else:
            try:
                coupon = coupon_from(json.loads(data))
            except (CouponError, ValueError, KeyError, TypeError):
                coupon = None  # a broken row from HQ reads as "not known on this till"
            if len(_PARSED) >= _PARSED_LIMIT:
                _PARSED.clear()
            _PARSED[key] = coupon
        if coupon is not None:
            found[code] = coupon
    return found


def used(session: Session, codes: tuple[str, ...]) -> tuple[set[str], set[tuple[str, str]]]:
    """Codes used on this terminal, and (code, member) pairs, among ``codes``."""
    if not codes:
        return set(), set()
    rows = session.execute(select(SaleCoupon.code, SaleCoupon.member_id).where(
        SaleCoupon.code.in_(codes))).all()
    return {code for code, _m in rows}, {(code, m) for code, m in rows if m}
