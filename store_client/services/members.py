"""Members as this terminal knows them offline: the member cache (``member_cache``).

HQ holds the members; a till asks HQ when it serves one (``member_lookup``) and keeps only
what it needs to serve that member again while HQ cannot be reached: member id (also the
code printed on the card, e.g. ``M0012345678``), card number, the masked phone, a keyed
digest of the phone (HMAC-SHA256 under this till's own secret, so the number is found
again without being stored), tier, the points balance as HQ last gave it and when
(``balance_as_of``), and when the member was last served here. No name, no phone number,
no browsing. A member not served here for ``members.cache_days`` days (default 180) is
dropped, and the cache never holds more than ``members.cache_max`` members (default
1,000,000: the oldest served go first); :func:`purge` runs at start-up and daily.

``points_balance`` is the last balance HQ sent, as of ``balance_as_of``; this
terminal's redemptions in sales completed after that moment are still *pending*
(HQ's balance does not include them yet) and are subtracted before redeeming more.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import Session

from store_client.clock import iso, parse_iso
from store_client.persistence.models import MemberCache, Return, Sale, TerminalSetting

CACHE_DAYS = 180  # the setting members.cache_days
CACHE_MAX = 1_000_000  # the setting members.cache_max
_PHONE = re.compile(r"1\d{10}")
#: This till's secret for the phone digests of the members it learned from HQ (never leaves it).
PHONE_KEY = "members.phone_digest_key"


def phone_digest(session: Session, phone: str, *, create: bool = False) -> str | None:
    """A keyed digest of ``phone`` (HMAC-SHA256 with this till's own secret): what the member
    cache keeps to find a member by phone offline without holding the number. None when the
    till has no secret yet (and ``create`` is False: a read-only session)."""
    row = session.get(TerminalSetting, PHONE_KEY)
    if row is None:
        if not create:
            return None
        row = TerminalSetting(key=PHONE_KEY, value=secrets.token_hex(32))
        session.add(row)
    return hmac.new(bytes.fromhex(row.value), phone.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Member:
    member_id: str
    name: str
    phone: str
    tier: str
    points_balance: int
    balance_as_of: str | None
    card_no: str = ""

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


def mask_phone(phone: str) -> str:
    """``138****5678``: the first 3 and last 4 digits, as printed and shown."""
    if len(phone) >= 8:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * len(phone)


def _from_row(row: MemberCache | None) -> Member | None:
    if row is None:
        return None
    return Member(row.member_id, "", row.masked_phone, row.tier, max(0, row.points_balance),
                  row.balance_as_of, row.card_no or "")


def find(session: Session, code_or_phone: str) -> Member | None:
    """A member of the cache by member code (id), 11-digit mobile number or card number: each
    an indexed read, whatever the cache holds."""
    key = code_or_phone.strip() if isinstance(code_or_phone, str) else ""
    if not key or len(key) > 64:
        return None
    found = session.get(MemberCache, key)
    if found is None and _PHONE.fullmatch(key):
        digest = phone_digest(session, key)
        if digest is not None:
            found = session.scalars(select(MemberCache).where(MemberCache.phone_digest == digest)
                                    .limit(1)).first()
    if found is None:
        found = session.scalars(select(MemberCache).where(MemberCache.card_no == key).limit(1)).first()
    return _from_row(found)


def get(session: Session, member_id: str) -> Member | None:
    return _from_row(session.get(MemberCache, member_id))


def utc_text(moment: str | None) -> str | None:
    """HQ's timestamp as the UTC text sales are stored with; None (count every sale,
    the cautious side) when it is missing or unreadable."""
    if not moment:
        return None
    try:
        parsed = parse_iso(moment)
    except ValueError:
        return None
    return iso(parsed) if parsed.tzinfo is not None else None


def pending_redemptions(session: Session, member: Member) -> int:
    """Points this terminal redeemed for ``member`` after HQ's balance was taken, plus
    earned points its returns took back, less points its returns gave back (may be < 0)."""
    query = select(func.coalesce(func.sum(Sale.points_redeemed), 0)).where(
        Sale.member_id == member.member_id)
    back = select(func.coalesce(func.sum(Return.points_reversed - Return.points_refunded), 0)).where(
        Return.member_id == member.member_id, Return.status == "completed")
    as_of = utc_text(member.balance_as_of)
    if as_of is not None:  # sales store UTC text; compare like with like
        query = query.where(Sale.completed_at > as_of)
        back = back.where(Return.completed_at > as_of)
    return int(session.scalar(query) or 0) + int(session.scalar(back) or 0)


def remember(session: Session, *, member_id: str, masked_phone: str, tier: str, points: int,
             as_of: str | None, phone: str | None = None, card_no: str | None = None,
             seen_at: str | None = None) -> None:
    """Keep what HQ told this till about a member in the member cache (masked phone only), so
    the sale can be attached by member id and the member found again offline — by id, card
    number, or the phone that was typed (``phone``: kept as a keyed digest, never the number).
    ``as_of``: when HQ gave the balance (None: unknown, every later local redemption counts);
    ``seen_at`` (default ``as_of``): when the member was served here, the retention clock."""
    seen = seen_at or as_of
    if seen is None:
        raise ValueError("remember() needs as_of or seen_at")
    row = session.get(MemberCache, member_id)
    if row is None:
        row = MemberCache(member_id=member_id)
        session.add(row)
    row.masked_phone, row.tier = masked_phone[:24], tier[:16]
    row.points_balance, row.balance_as_of, row.last_seen_at = max(points, 0), as_of, seen
    if card_no:
        row.card_no = card_no[:32]
    if phone is not None and _PHONE.fullmatch(phone) and mask_phone(phone) == masked_phone:
        row.phone_digest = phone_digest(session, phone, create=True)


def purge(session: Session, *, now: datetime, days: int = CACHE_DAYS, keep: int = CACHE_MAX) -> int:
    """Drop the members not served here for ``days`` days, then the oldest served beyond
    ``keep``; returns how many went."""
    cutoff = iso(now - timedelta(days=days))
    gone = _deleted(session.execute(delete(MemberCache).where(MemberCache.last_seen_at < cutoff)))
    count = session.scalar(select(func.count()).select_from(MemberCache)) or 0
    if count > keep:
        oldest = select(MemberCache.member_id).order_by(MemberCache.last_seen_at).limit(count - keep)
        gone += _deleted(session.execute(delete(MemberCache).where(
            MemberCache.member_id.in_(oldest.scalar_subquery()))))
    return gone


def _deleted(result: Any) -> int:
    return int(cast("CursorResult[Any]", result).rowcount or 0)
