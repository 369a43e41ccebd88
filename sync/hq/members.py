"""Members at HQ: one membership across channels, enrollment by phone, consents, points.

HQ is the system of record for members (the terminals fetch what they need on demand).
Rules kept here:

- One member per phone number: enrolling a phone that is already a member links to that
  member, never a duplicate (a unique constraint settles two enrollments racing).
- Consents are separate (terms, marketing, personalization) and time-stamped.
- Points are a ledger keyed by the event that caused each entry, so a retried sale or a
  re-submitted enrollment never earns twice; the balance is the ledger's sum.
- A one-time phone code is stored as a hash, expires, allows a bounded number of tries,
  and is "sent" by recording the message HQ would send (the demo page shows it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (BigInteger, Boolean, Column, Engine, Index, Integer, String, Table, Text,
                        UniqueConstraint, func, insert, select, update)
from sqlalchemy.exc import IntegrityError

from sync.hq.schema import metadata

PHONE = re.compile(r"1[3-9]\d{9}")
CODE_TTL = timedelta(minutes=5)
CODE_RESEND_AFTER = timedelta(seconds=60)
CODE_TRIES = 5
MAX_NAME = 40

members = Table(
    "hq_members", metadata,
    Column("member_id", String(16), primary_key=True),
    Column("phone", String(16), nullable=False, unique=True),
    Column("name", String(MAX_NAME * 4), nullable=True),
    Column("tier", String(16), nullable=False, default="regular"),
    Column("created_at", String(40), nullable=False),
    Column("enrolled_store", String(32), nullable=True),
    Column("enrolled_terminal", String(32), nullable=True),
    Column("enrolled_by", String(32), nullable=True),  # the associate credited
    Column("channel", String(16), nullable=False),  # store / online
    Column("terms_at", String(40), nullable=True),
    Column("marketing", Boolean, nullable=False, default=False),
    Column("marketing_at", String(40), nullable=True),
    Column("personalization", Boolean, nullable=False, default=False),
    Column("personalization_at", String(40), nullable=True),
    Index("ix_hq_members_name", "name", "member_id"),  # a manager's search by name (prefix)
)

phone_codes = Table(
    "hq_phone_codes", metadata,
    Column("phone", String(16), primary_key=True),
    Column("code_hash", String(64), nullable=False),
    Column("sent_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
    Column("tries", Integer, nullable=False, default=0),
)

# What HQ would send by SMS or a WeChat template message; the demo shows it.
notifications = Table(
    "hq_notifications", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(16), nullable=False),
    Column("recipient", String(64), nullable=False),
    Column("template", String(64), nullable=False),
    Column("params", Text, nullable=False),
    Column("ref", String(64), nullable=True),
    Column("created_at", String(40), nullable=False),
    Index("ix_hq_notifications_recipient", "recipient", "id"),
)

points_ledger = Table(
    "hq_points_ledger", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("member_id", String(16), nullable=False),
    Column("cause", String(80), nullable=False),  # the event that caused the entry
    Column("points", BigInteger, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("at", String(40), nullable=False),
    UniqueConstraint("member_id", "cause", name="uq_hq_points_cause"),
    Index("ix_hq_points_member", "member_id", "id"),
)


def post_sale_points(conn: Any, sale: dict[str, Any], at: str) -> int:
    """Inside HQ's ingest transaction: the points a store sale earned and spent for its member,
    once per sale (the ledger's cause is the sale). A member this HQ does not hold (a till's
    demo member) posts nothing. Returns the entries written."""
    member_id = sale.get("member_id")
    if not member_id or conn.execute(select(members.c.member_id).where(members.c.member_id == member_id)).first() is None:
        return 0
    written = 0
    for cause, points in ((f"sale:{sale['sale_id']}:earned", int(sale.get("points_earned") or 0)),
                          (f"sale:{sale['sale_id']}:redeemed", -int(sale.get("points_redeemed") or 0))):
        if not points or conn.execute(select(points_ledger.c.id).where(
                points_ledger.c.member_id == member_id, points_ledger.c.cause == cause[:80])).first() is not None:
            continue
        conn.execute(insert(points_ledger).values(member_id=member_id, cause=cause[:80], points=points,
                                                  channel="store", at=at))
        written += 1
    return written


def post_return_points(conn: Any, ret: dict[str, Any], sale: dict[str, Any],
                       earlier: list[dict[str, Any]], at: str) -> int:
    """Inside HQ's ingest of a till's own return (``return.completed``): the points paid with
    back to the member, and the points the sale earned taken back in proportion to the money
    refunded (the domain's cumulative rule), both once per return. The till caps what it
    takes back at the member's balance as it knows it; HQ holds the ledger and takes the
    whole share, so a balance spent meanwhile goes below zero and later earnings make it
    up (the cap no longer lets a member keep points for goods given back). Only what HQ's
    ledger holds of the sale is given or taken back. Returns the entries written."""
    from store_client.domain.refunds import reversed_points

    member_id = ret.get("member_id") or sale.get("member_id")
    if not member_id:
        return 0
    sale_id = sale["sale_id"]

    def posted(cause: str) -> bool:
        return conn.execute(select(points_ledger.c.id).where(
            points_ledger.c.member_id == member_id, points_ledger.c.cause == cause[:80])).first() is not None

    def money(tenders: list[dict[str, Any]]) -> int:
        return sum(int(t["amount_minor"]) for t in tenders if t.get("method") != "points")

    paid = sum(int(p["amount_minor"]) for p in sale.get("payments", []) if p.get("method") != "points")
    paid -= int(sale.get("change_minor") or 0)
    entries = []
    if posted(f"sale:{sale_id}:redeemed"):
        entries.append((f"return:{ret['return_id']}:points_back", int(ret.get("points_refunded") or 0)))
    if posted(f"sale:{sale_id}:earned"):
        from sync.hq.return_effects import cross_returns_of_sale

        # returns of this sale taken at other tills count too: the target is cumulative
        cross_money, cross_taken = cross_returns_of_sale(conn, sale_id)
        own_taken = -sum(int(conn.scalar(select(points_ledger.c.points).where(
            points_ledger.c.member_id == member_id,
            points_ledger.c.cause == f"return:{r['return_id']}:earned_back"[:80])) or 0) for r in earlier)
        before = sum(money(r.get("tenders", [])) for r in earlier) + cross_money
        taken = max(0, reversed_points(int(sale.get("points_earned") or 0), paid, 0,
                                       before + money(ret.get("tenders", [])))
                    - own_taken - cross_taken)
        entries.append((f"return:{ret['return_id']}:earned_back", -taken))
    written = 0
    for cause, points in entries:
        if not points or posted(cause):
            continue
        conn.execute(insert(points_ledger).values(member_id=member_id, cause=cause[:80], points=points,
                                                  channel="store", at=at))
        written += 1
    return written


class MemberError(ValueError):
    """Refused; ``code`` is for the translated page or till message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def mask_phone(phone: str) -> str:
    """138****5678: what a till or a page shows after the number was typed."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"


def _hash_code(phone: str, code: str) -> str:
    return hashlib.sha256(f"{phone}:{code}".encode()).hexdigest()


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Enrolled:
    member_id: str
    masked_phone: str
    linked_existing: bool  # the phone was a member already: linked, not duplicated


class MembersService:
    def __init__(self, engine: Engine, *, now: Any = None) -> None:
        self.engine = engine
        self._now = now or (lambda: datetime.now(UTC))
        metadata.create_all(engine, tables=[members, phone_codes, notifications, points_ledger])
        for index in members.indexes:  # a database made before an index was added
            index.create(engine, checkfirst=True)

    # -- one-time phone codes ------------------------------------------------
    def send_code(self, phone: str, *, lang: str = "zh_CN") -> str:
        """Issue a code for ``phone`` and record the SMS HQ would send; returns the code
        (the caller shows it only in demo mode)."""
        if not PHONE.fullmatch(phone or ""):
            raise MemberError("member.bad_phone", "not a mainland mobile number")
        now = self._now()
        code = f"{secrets.randbelow(10**6):06d}"
        with self.engine.begin() as conn:
            row = conn.execute(select(phone_codes).where(phone_codes.c.phone == phone)).first()
            if row is not None and now < datetime.fromisoformat(row.sent_at) + CODE_RESEND_AFTER:
                raise MemberError("member.code_too_soon", "wait a minute before asking for another code")
            values = dict(code_hash=_hash_code(phone, code), sent_at=_iso(now),
                          expires_at=_iso(now + CODE_TTL), tries=0)
            if row is None:
                conn.execute(insert(phone_codes).values(phone=phone, **values))
            else:
                conn.execute(update(phone_codes).where(phone_codes.c.phone == phone).values(**values))
            conn.execute(insert(notifications).values(
                channel="sms", recipient=phone, template="member.verify_code",
                params=json.dumps({"code": code, "minutes": CODE_TTL.seconds // 60, "lang": lang}),
                ref=None, created_at=_iso(now)))
        return code

    def check_code(self, phone: str, code: str) -> None:
        """Use up the code for ``phone`` or refuse; a wrong code costs one of the tries."""
        now = self._now()
        wrong = False
        with self.engine.begin() as conn:
            row = conn.execute(select(phone_codes).where(phone_codes.c.phone == phone)).first()
            if row is None:
                raise MemberError("member.code_missing", "ask for a code first")
            if now > datetime.fromisoformat(row.expires_at):
                raise MemberError("member.code_expired", "the code has expired")
            if row.tries >= CODE_TRIES:
                raise MemberError("member.code_locked", "too many wrong codes; ask for a new one")
            if hmac.compare_digest(row.code_hash, _hash_code(phone, (code or "").strip())):
                conn.execute(phone_codes.delete().where(phone_codes.c.phone == phone))
            else:  # the try is counted (committed) before the refusal is raised
                wrong = True
                conn.execute(update(phone_codes).where(phone_codes.c.phone == phone)
                             .values(tries=phone_codes.c.tries + 1))
        if wrong:
            raise MemberError("member.code_wrong", "the code does not match")

    # -- members -------------------------------------------------------------
    def enroll(self, phone: str, *, name: str | None, store_id: str | None, terminal_id: str | None,
               associate_id: str | None, channel: str, terms: bool, marketing: bool,
               personalization: bool) -> Enrolled:
        """Create the member for ``phone``, or link to the one that exists (its consents
        updated to what was just given; the first enrollment's credit stays)."""
        if not PHONE.fullmatch(phone or ""):
            raise MemberError("member.bad_phone", "not a mainland mobile number")
        if not terms:
            raise MemberError("member.terms_required", "the membership terms must be accepted")
        name = (name or "").strip()[:MAX_NAME] or None
        now = _iso(self._now())
        consent = dict(terms_at=now, marketing=marketing, marketing_at=now,
                       personalization=personalization, personalization_at=now)
        for _attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    existing = conn.execute(select(members.c.member_id).where(members.c.phone == phone)).scalar()
                    if existing is not None:
                        conn.execute(update(members).where(members.c.member_id == existing).values(**consent))
                        return Enrolled(existing, mask_phone(phone), True)
                    member_id = self._next_member_id(conn)
                    conn.execute(insert(members).values(
                        member_id=member_id, phone=phone, name=name, tier="regular", created_at=now,
                        enrolled_store=store_id, enrolled_terminal=terminal_id, enrolled_by=associate_id,
                        channel=channel, **consent))
                    return Enrolled(member_id, mask_phone(phone), False)
            except IntegrityError:
                continue  # another enrollment of this phone (or id) won the race: link to it
        raise MemberError("member.busy", "enrollment could not be completed; try again")

    def import_members(self, rows: list[dict[str, Any]]) -> int:
        """Members brought over from the retailer's CRM (the demo's members): each row's
        ``member_id``, ``phone``, ``name``, ``tier`` and opening ``points_balance`` (a ledger
        entry ``import:opening``). A row whose id or phone HQ already has is left as it is,
        so an import runs twice safely; a malformed row raises before anything is written.
        Returns how many members were added."""
        tiers = {"regular", "silver", "gold", "platinum"}
        checked = []
        for row in rows:
            member_id, phone = str(row.get("member_id", "")), str(row.get("phone", ""))
            points, tier = row.get("points_balance", 0), str(row.get("tier") or "regular")
            if not (0 < len(member_id) <= 16 and PHONE.fullmatch(phone) and tier in tiers
                    and type(points) is int and points >= 0):
                raise MemberError("member.bad_import", f"member row {member_id!r} is not importable")
            checked.append((member_id, phone, (str(row.get("name") or "").strip()[:MAX_NAME] or None), tier,
                            points))
        now, added = _iso(self._now()), 0
        with self.engine.begin() as conn:
            for member_id, phone, name, tier, points in checked:
                if conn.execute(select(members.c.member_id).where(
                        (members.c.member_id == member_id) | (members.c.phone == phone))).first() is not None:
                    continue
                conn.execute(insert(members).values(member_id=member_id, phone=phone, name=name, tier=tier,
                                                    created_at=now, channel="import", marketing=False,
                                                    personalization=False))
                if points:
                    conn.execute(insert(points_ledger).values(member_id=member_id, cause="import:opening",
                                                              points=points, channel="import", at=now))
                added += 1
        return added

    def search_by_name(self, name: str, *, limit: int = 20) -> list[dict[str, Any]]:
        """Members whose name starts with ``name`` (at most ``limit``, by name then id), with
        what a manager at the counter may see to tell them apart: member id, masked phone,
        tier, name. The till allows it to managers only and audits each search."""
        name = (name or "").strip()
        if not name or len(name) > MAX_NAME or not name.isprintable():
            raise MemberError("member.bad_name", "a name of 1-40 printable characters")
        match = members.c.name.startswith(name, autoescape=True)  # % and _ are letters here
        with self.engine.connect() as conn:
            if conn.dialect.name == "sqlite":  # binary collation: the range reads the index
                match = match & (members.c.name >= name) & (members.c.name < name + "\U0010ffff")
            rows = conn.execute(select(members.c.member_id, members.c.name, members.c.phone, members.c.tier)
                                .where(match).order_by(members.c.name, members.c.member_id)
                                .limit(max(1, min(limit, 50)))).all()
        return [{"member_id": r.member_id, "name": r.name, "masked_phone": mask_phone(r.phone), "tier": r.tier}
                for r in rows]

    @staticmethod
    def _next_member_id(conn: Any) -> str:
        """A random card number: nothing to guess from it, and no counter for two HQ
        workers to race on (a collision is a unique-key error, retried)."""
        return f"M{secrets.randbelow(9 * 10**9) + 10**9}"

    def get(self, member_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(members).where(members.c.member_id == member_id)).first()
            if row is None:
                return None
            balance = conn.execute(select(func.coalesce(func.sum(points_ledger.c.points), 0))
                                   .where(points_ledger.c.member_id == member_id)).scalar()
        data = dict(row._mapping)
        data["points"] = int(balance or 0)
        return data

    def set_personalization(self, member_id: str, allowed: bool) -> None:
        with self.engine.begin() as conn:
            found = conn.execute(update(members).where(members.c.member_id == member_id).values(
                personalization=allowed, personalization_at=_iso(self._now()))).rowcount
        if not found:
            raise MemberError("member.unknown", f"no member {member_id}")

    # -- points --------------------------------------------------------------
    def post_points(self, member_id: str, points: int, *, cause: str, channel: str) -> bool:
        """Add a ledger entry once per (member, cause); False when it was already posted."""
        if isinstance(points, bool) or not isinstance(points, int):
            raise MemberError("member.bad_points", "points are whole numbers")
        try:
            with self.engine.begin() as conn:
                if conn.execute(select(members.c.member_id).where(members.c.member_id == member_id)).first() is None:
                    raise MemberError("member.unknown", f"no member {member_id}")
                conn.execute(insert(points_ledger).values(member_id=member_id, cause=cause[:80], points=points,
                                                          channel=channel, at=_iso(self._now())))
        except IntegrityError:
            return False
        return True

    def recent_points(self, member_id: str, limit: int = 10) -> list[dict[str, Any]]:
        """The member's latest ledger entries, newest first: what caused them (sale, enrollment,
        online order...), the points, the channel and when."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(points_ledger).where(points_ledger.c.member_id == member_id)
                                .order_by(points_ledger.c.id.desc()).limit(max(1, min(limit, 50)))).all()
        return [{"cause": r.cause.split(":", 1)[0], "kind": r.cause.rsplit(":", 1)[-1] if r.cause.count(":") >= 2 else "",
                 "points": int(r.points), "channel": r.channel, "at": r.at} for r in rows]

    def last_notification(self, recipient: str, template: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(notifications).where(
                notifications.c.recipient == recipient, notifications.c.template == template
            ).order_by(notifications.c.id.desc()).limit(1)).first()
        return dict(row._mapping) if row is not None else None
