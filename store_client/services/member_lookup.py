"""Finding the member at the counter: ask HQ first, fall back to this till's cache offline.

HQ answers with what the counter needs (member id, masked phone, tier, points, consent to
personalization) and takes a dynamic code once. The answer is kept in the till's member
cache so the sale can be attached by member id and the member found again while offline.
Offline, a phone or card number is looked up in that cache; a dynamic code cannot be taken
(HQ alone knows whether it was used), and the till says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from store_client.clock import Clock, iso
from store_client.persistence.db import Database
from store_client.services import members as local_members
from store_client.services.errors import ServiceError
from sync.terminal.transport import BatchRejected, HQClient, TransientError


class MemberNotFound(ServiceError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)


@dataclass(frozen=True)
class FoundMember:
    member_id: str
    masked_phone: str
    tier: str
    points: int
    personalization: bool
    from_hq: bool  # False: from this till's cache, as last known
    birthday_month: int | None = None  # basic grade: the birthday benefit's month
    address_masked: str = ""  # HQ's answer only (the cache keeps no address)
    birthday_coupon: str | None = None  # HQ issued this year's coupon (its code)


_PHONE = re.compile(r"1\d{10}")


def _is_code(query: str) -> bool:
    return query.startswith("v1.") and query.count(".") == 3


class MemberLookup:
    def __init__(self, db: Database, clock: Clock, client: Callable[[], HQClient] | None) -> None:
        self.db, self.clock, self._client = db, clock, client

    def find(self, query: str) -> FoundMember:
        query = (query or "").strip()
        if not query:
            raise MemberNotFound("member.unknown", "nothing to look up")
        offline = False
        if self._client is not None:
            try:
                with self._client() as client:
                    answer = client.find_member(query)
            except BatchRejected as exc:
                code = {404: "member.unknown", 409: "member.code_replayed", 410: "member.code_expired"}.get(exc.status, "member.code_forged")
                raise MemberNotFound(code, str(exc)) from None
            except TransientError:
                answer, offline = None, True  # offline: the cache below
            if isinstance(answer, dict):
                return self._keep(answer, query)
        if _is_code(query):
            raise MemberNotFound("member.code_offline", "a member code needs HQ; type the phone number instead")
        with self.db.read() as s:
            member = local_members.find(s, query)
            current = local_members.phone_digest(s, query) if _PHONE.fullmatch(query) else None
            stale = (member is not None and current is not None and query not in (member.member_id, member.card_no)
                     and member.digest_version != current[0])
        if member is not None and stale:  # found under an older key: re-keyed to the current one
            with self.db.transaction() as s:
                local_members.rekey(s, member.member_id, query)
        if member is None:
            if offline:
                raise MemberNotFound("member.offline_unknown", "HQ cannot be reached and this till does not know the member")
            raise MemberNotFound("member.unknown", "no such member on this till")
        return FoundMember(member.member_id, member.phone_masked, member.tier, member.points_balance, False, False,
                           member.birthday_month)

    def _keep(self, answer: dict, query: str) -> FoundMember:
        try:
            month = answer.get("birthday_month")
            coupon = answer.get("birthday_coupon")
            found = FoundMember(str(answer["member_id"]), str(answer["masked_phone"]), str(answer.get("tier", "")),
                                int(answer.get("points", 0)), bool(answer.get("personalization")), True,
                                month if type(month) is int and 1 <= month <= 12 else None,
                                str(answer.get("address_masked") or "")[:24],
                                coupon[:40] if isinstance(coupon, str) and coupon else None)
            version, digest = answer.get("digest_version"), answer.get("phone_digest")
            chain = (version, digest) if type(version) is int and isinstance(digest, str) else None
        except (KeyError, TypeError, ValueError, AttributeError):
            raise MemberNotFound("member.unknown", "HQ's answer is not a member") from None
        with self.db.transaction() as s:
            local_members.remember(s, member_id=found.member_id, masked_phone=found.masked_phone, tier=found.tier,
                                   points=found.points, as_of=iso(self.clock.now()), phone=query, digest=chain,
                                   birthday_month=found.birthday_month)
        return found
