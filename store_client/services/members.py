"""Members as this terminal knows them offline: HQ's ``members`` dataset (``sync_rows``).

Row shape (key = ``member_id``, which is also the member code printed on the card,
e.g. ``M0012345678``)::

    {"member_id": "M0012345678", "name": "王小明", "phone": "13812345678",
     "card_no": "8800123456", "tier": "gold", "points_balance": 1234,
     "balance_as_of": "2026-01-01T08:00:00+00:00",
     "consent": {"marketing": true, "e_receipt": true}}

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
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from store_client.clock import iso, parse_iso
from store_client.persistence.models import Return, Sale, SyncRow, TerminalSetting

DATASET = "members"
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


def _member(data: dict[str, Any]) -> Member | None:
    try:
        balance = data.get("points_balance", 0)
        if isinstance(balance, bool) or not isinstance(balance, int):
            return None
        return Member(str(data["member_id"]), str(data.get("name", "")),
                      str(data.get("phone", "")), str(data.get("tier", "")), max(0, balance),
                      data.get("balance_as_of") if isinstance(data.get("balance_as_of"), str)
                      else None, str(data.get("card_no", "")))
    except KeyError:
        return None


def find(session: Session, code_or_phone: str) -> Member | None:
    """A member by member code (id), 11-digit mobile number or card number."""
    key = code_or_phone.strip() if isinstance(code_or_phone, str) else ""
    if not key or len(key) > 64:
        return None
    row = session.get(SyncRow, (DATASET, key))
    if row is not None:
        return _parse(row.data)
    field = "phone" if _PHONE.fullmatch(key) else "card_no"
    found = session.execute(text(
        "SELECT data FROM sync_rows WHERE dataset = :ds AND json_extract(data, :path) = :key "
        "LIMIT 1"), {"ds": DATASET, "path": f"$.{field}", "key": key}).scalar()
    if found is None and field == "phone":  # a member learned from HQ: only the digest is kept
        digest = phone_digest(session, key)
        if digest is not None:
            found = session.execute(text(
                "SELECT data FROM sync_rows WHERE dataset = :ds AND json_extract(data, '$.phone_digest') = :d "
                "LIMIT 1"), {"ds": DATASET, "d": digest}).scalar()
    return _parse(found) if found is not None else None


def get(session: Session, member_id: str) -> Member | None:
    row = session.get(SyncRow, (DATASET, member_id))
    return _parse(row.data) if row is not None else None


def _parse(raw: str) -> Member | None:
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return _member(data) if isinstance(data, dict) else None


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


def remember(session: Session, *, member_id: str, masked_phone: str, tier: str, points: int, as_of: str,
             phone: str | None = None) -> None:
    """Keep what HQ told this till about a member (masked phone only) in the member cache,
    so the sale can be attached by member id and the member found again offline — by id, or
    by the phone that was typed (``phone``: kept as a keyed digest, never as the number)."""
    row = session.get(SyncRow, (DATASET, member_id))
    data = json.loads(row.data) if row is not None and row.data else {"name": ""}
    data.update(member_id=member_id, phone=masked_phone, tier=tier, points_balance=max(points, 0),
                balance_as_of=as_of)
    if phone is not None and _PHONE.fullmatch(phone) and mask_phone(phone) == masked_phone:
        data["phone_digest"] = phone_digest(session, phone, create=True)
    encoded = json.dumps(data, ensure_ascii=False)
    if row is None:
        session.add(SyncRow(dataset=DATASET, key=member_id, data=encoded))
    else:
        row.data = encoded
