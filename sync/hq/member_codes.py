"""Members found at the counter: by the dynamic code in their app, by phone, or by card.

The member's app shows a code that HQ signs (its own key, published with the tills' keys
as ``HQ-members-…`` in ``terminal_keys``), valid for a minute. HQ takes each code once: a
screenshot shown again, or a code read off someone else's phone later, is refused as
replayed. A till asks HQ on demand and receives what the counter needs: member id, masked
phone, tier, points, whether the member agreed to personalization, the birthday's month and
the address masked, and the phone's digest under the chain's key (``member_digest``) — never
the full phone number, birthday or address.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Engine, Integer, String, Table, insert, select
from sqlalchemy.exc import IntegrityError

from sync.hq import member_details
from sync.hq.members import PHONE, MemberError, MembersService, mask_phone, members
from sync.hq.schema import metadata
from sync.protocol.signing import SignatureError, SigningKey, key_id, public_key, verify

CODE_TTL_SECONDS = 60
KEY_PREFIX = "HQ-members-"

hq_keys = Table(
    "hq_signing_keys", metadata,
    Column("kid", String(64), primary_key=True),
    Column("private_key", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
)

used_codes = Table(
    "hq_member_codes_used", metadata,
    Column("nonce", String(40), primary_key=True),
    Column("member_id", String(16), nullable=False),
    Column("expires", Integer, nullable=False),  # rows past this may be purged
    Column("store_id", String(32), nullable=False),
)


class MemberCodes:
    def __init__(self, engine: Engine, members_service: MembersService, *, clock: Any = None,
                 publish: Any = None, digests: Any = None, birthdays: Any = None) -> None:
        self.engine, self.members = engine, members_service
        self._clock = clock or time.time
        self.digests = digests  # MemberDigestKeys: the chain-wide phone digest in each answer
        self.birthdays = birthdays  # BirthdayCoupons: a member found in their month gets the coupon
        metadata.create_all(engine, tables=[hq_keys, used_codes, member_details.details])
        self.key = self._load_or_create_key()
        if publish is not None:  # every till can check a member code offline
            publish("terminal_keys", self.key.kid, {"kid": self.key.kid, "store_id": "HQ", "terminal_id": "members",
                                                    "public_key": self.key.public})

    def _load_or_create_key(self) -> SigningKey:
        with self.engine.connect() as conn:
            row = conn.execute(select(hq_keys).order_by(hq_keys.c.created_at.desc()).limit(1)).first()
        if row is not None:
            return SigningKey.from_raw(row.kid, row.private_key)
        key = SigningKey.generate(f"{KEY_PREFIX}{secrets.token_hex(4)}")
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(hq_keys).values(kid=key.kid, private_key=key.raw(),
                                                    created_at=datetime.now(UTC).isoformat()))
        except IntegrityError:  # another HQ worker made one first
            return self._load_or_create_key()
        return key

    def issue(self, member_id: str) -> str:
        """The code the member's app shows now (the app asks HQ for a fresh one each minute)."""
        if self.members.get(member_id) is None:
            raise MemberError("member.unknown", f"no member {member_id}")
        return self.key.sign({"typ": "mcode", "m": member_id, "n": secrets.token_urlsafe(12),
                              "exp": int(self._clock()) + CODE_TTL_SECONDS})

    def redeem(self, token: str, store_id: str) -> str:
        """The member id a code stands for, taking the code (once); refusals:
        ``member.code_forged``, ``member.code_expired``, ``member.code_replayed``."""
        try:
            if not key_id(token).startswith(KEY_PREFIX):
                raise SignatureError("sig.unknown_key", "not a member code")
            claims = verify(token, {self.key.kid: public_key(self.key.public)}, now=self._clock())
        except SignatureError as exc:
            code = "member.code_expired" if exc.code == "sig.expired" else "member.code_forged"
            raise MemberError(code, str(exc)) from None
        if claims.get("typ") != "mcode" or not isinstance(claims.get("m"), str) or not isinstance(claims.get("n"), str):
            raise MemberError("member.code_forged", "not a member code")
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(used_codes).values(nonce=claims["n"][:40], member_id=claims["m"],
                                                       expires=int(claims["exp"]), store_id=store_id))
        except IntegrityError:
            raise MemberError("member.code_replayed", "this member code was used already") from None
        return str(claims["m"])

    def find(self, query: str, store_id: str) -> dict[str, Any]:
        """A member by dynamic code, 11-digit phone, card or member id: what the counter needs."""
        query = (query or "").strip()
        if query.startswith("v1.") and query.count(".") == 3:
            member_id = self.redeem(query, store_id)
            with self.engine.connect() as conn:
                row = conn.execute(select(members).where(members.c.member_id == member_id)).first()
        else:
            if not query or len(query) > 32:
                raise MemberError("member.unknown", "no such member")
            column = members.c.phone if PHONE.fullmatch(query) else members.c.member_id
            with self.engine.connect() as conn:
                row = conn.execute(select(members).where(column == query)).first()
        if row is None:
            raise MemberError("member.unknown", "no such member")
        member = self.members.get(row.member_id) or {}
        with self.engine.connect() as conn:
            held = member_details.counter_view(conn, row.member_id)
        answer = {"member_id": row.member_id, "masked_phone": mask_phone(row.phone), "tier": row.tier,
                  "points": int(member.get("points", 0)), "personalization": bool(row.personalization), **held}
        if self.digests is not None:
            answer.update(self.digests.of(row.phone))
        if self.birthdays is not None and held["birthday_month"] is not None:
            answer["birthday_coupon"] = self.birthdays.ensure(row.member_id)
        return answer
