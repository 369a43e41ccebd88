"""Members as this terminal knows them offline: the member cache (``member_cache``).

HQ holds the members; a till asks HQ when it serves one (``member_lookup``) and keeps only
what it needs to serve that member again while HQ cannot be reached: member id (also the
code printed on the card, e.g. ``M0012345678``), card number, the masked phone, a keyed
digest of the phone (HMAC-SHA256 under the chain's key that HQ issues, versioned, in the
``store_settings`` row ``member_digest``; or, before the till has it, under its own secret:
so the number is found again without being stored, and HQ can hand a member's digest to any
store), the birthday's month, tier, the points balance as HQ last gave it and when
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
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import Session

from store_client.clock import iso, parse_iso
from store_client.persistence.models import MemberCache, Return, Sale, SyncRow, TerminalSetting

CACHE_DAYS = 180  # the setting members.cache_days
CACHE_MAX = 1_000_000  # the setting members.cache_max
_PHONE = re.compile(r"1\d{10}")
#: This till's own secret for phone digests: used until HQ's chain key arrives, and kept so
#: that the rows written under it stay readable (version 0).
PHONE_KEY = "members.phone_digest_key"
#: HQ's chain-wide keys (sync/hq/member_digest.py): {"version": n, "keys": {"n": hex, ...}}.
CHAIN_KEYS = "member_digest"


def _hmac(key_hex: str, phone: str) -> str:
    return hmac.new(bytes.fromhex(key_hex), phone.encode(), hashlib.sha256).hexdigest()


def chain_keys(session: Session) -> tuple[int, dict[int, str]]:
    """The chain key's current version and the keys by version HQ sent (0, {} before any);
    a malformed row counts as none (the till's own key goes on serving)."""
    raw = session.scalar(select(SyncRow.data).where(SyncRow.dataset == "store_settings", SyncRow.key == CHAIN_KEYS))
    try:
        data = json.loads(raw) if raw else {}
        keys = {int(v): str(k) for v, k in data.get("keys", {}).items() if len(bytes.fromhex(str(k))) >= 16}
        version = int(data.get("version", 0))
    except (ValueError, TypeError, AttributeError):
        return 0, {}
    return (version, keys) if version in keys and version > 0 else (0, {})


def phone_digests(session: Session, phone: str) -> dict[int, str]:
    """``phone``'s digest under every key this till holds, by version, newest first (0: its own)."""
    version, keys = chain_keys(session)
    out = {v: _hmac(keys[v], phone) for v in sorted(keys, reverse=True)}
    own = session.get(TerminalSetting, PHONE_KEY)
    if own is not None:
        out[0] = _hmac(own.value, phone)
    return out


def phone_digest(session: Session, phone: str, *, create: bool = False) -> tuple[int, str] | None:
    """The digest a cache row gets now, with its version: under the chain's current key, or this
    till's own before HQ sent one (made here when ``create``; None in a read-only session)."""
    version, keys = chain_keys(session)
    if version:
        return version, _hmac(keys[version], phone)
    row = session.get(TerminalSetting, PHONE_KEY)
    if row is None:
        if not create:
            return None
        row = TerminalSetting(key=PHONE_KEY, value=secrets.token_hex(32))
        session.add(row)
    return 0, _hmac(row.value, phone)


@dataclass(frozen=True)
class Member:
    member_id: str
    name: str
    phone: str
    tier: str
    points_balance: int
    balance_as_of: str | None
    card_no: str = ""
    birthday_month: int | None = None
    digest_version: int | None = None  # the key version the row's digest is under (None: no digest)

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
                  row.balance_as_of, row.card_no or "", row.birthday_month,
                  row.digest_version if row.phone_digest else None)


def find(session: Session, code_or_phone: str) -> Member | None:
    """A member of the cache by member code (id), 11-digit mobile number or card number: each
    an indexed read, whatever the cache holds."""
    key = code_or_phone.strip() if isinstance(code_or_phone, str) else ""
    if not key or len(key) > 64:
        return None
    found = session.get(MemberCache, key)
    if found is None and _PHONE.fullmatch(key):
        digests = phone_digests(session, key)  # the chain's keys, then this till's own: one indexed read
        if digests:
            rows = session.scalars(select(MemberCache).where(MemberCache.phone_digest.in_(list(digests.values())))
                                   .limit(len(digests))).all()
            found = next((r for v, d in digests.items() for r in rows
                          if r.phone_digest == d and r.digest_version == v), None)
    if found is None:
        found = session.scalars(select(MemberCache).where(MemberCache.card_no == key).limit(1)).first()
    return _from_row(found)


def rekey(session: Session, member_id: str, phone: str) -> bool:
    """A row found by ``phone`` under an older key gets the current one (in a write session)."""
    row = session.get(MemberCache, member_id)
    now = phone_digest(session, phone, create=True)
    if row is None or now is None or (row.digest_version, row.phone_digest) == now:
        return False
    row.digest_version, row.phone_digest = now
    return True


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
    earned points its returns took back, less points its returns gave back (may be < 0).

    Points a sale earned after that balance are not in it (they count once HQ has the
    sale), so taking them back on a return must not count either: a member who bought and
    returned since would otherwise show less than HQ will hold, below zero on a big sale."""
    query = select(func.coalesce(func.sum(Sale.points_redeemed), 0)).where(
        Sale.member_id == member.member_id)
    refunded = select(func.coalesce(func.sum(Return.points_refunded), 0)).where(
        Return.member_id == member.member_id, Return.status == "completed")
    reversed_ = (select(func.coalesce(func.sum(Return.points_reversed), 0))
                 .join(Sale, Sale.id == Return.sale_id)
                 .where(Return.member_id == member.member_id, Return.status == "completed"))
    as_of = utc_text(member.balance_as_of)
    if as_of is not None:  # sales store UTC text; compare like with like
        query = query.where(Sale.completed_at > as_of)
        refunded = refunded.where(Return.completed_at > as_of)
        reversed_ = reversed_.where(Return.completed_at > as_of, Sale.completed_at <= as_of)
    return (int(session.scalar(query) or 0) + int(session.scalar(reversed_) or 0)
            - int(session.scalar(refunded) or 0))


def remember(session: Session, *, member_id: str, masked_phone: str, tier: str, points: int,
             as_of: str | None, phone: str | None = None, card_no: str | None = None,
             seen_at: str | None = None, digest: tuple[int, str] | None = None,
             birthday_month: int | None = None) -> None:
    """Keep what HQ told this till about a member in the member cache (masked phone only), so
    the sale can be attached by member id and the member found again offline — by id, card
    number, or the phone that was typed (``phone``: kept as a keyed digest, never the number).
    ``as_of``: when HQ gave the balance (None: unknown, every later local redemption counts);
    ``seen_at`` (default ``as_of``): when the member was served here, the retention clock;
    ``digest``: HQ's (version, digest) of the member's phone under the chain key, kept when
    no phone was typed here (a member found by card or code is then found by phone too)."""
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
    row.birthday_month = birthday_month if birthday_month in range(1, 13) else None
    if phone is not None and _PHONE.fullmatch(phone) and mask_phone(phone) == masked_phone:
        made = phone_digest(session, phone, create=True)
        if made is not None:
            row.digest_version, row.phone_digest = made
    elif digest is not None and digest[0] > 0 and re.fullmatch(r"[0-9a-f]{64}", digest[1]):
        row.digest_version, row.phone_digest = digest


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
