"""Finding the member at the counter: ask HQ first, fall back to this till's cache offline.

HQ answers with what the counter needs (member id, masked phone, tier, points, consent to
personalization) and takes a dynamic code once. The answer is kept in the till's member
cache so the sale can be attached by member id and the member found again while offline.
Offline, a phone or card number is looked up in that cache; a dynamic code cannot be taken
(HQ alone knows whether it was used), and the till says so.
"""

from __future__ import annotations

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
        if member is None:
            if offline:
                raise MemberNotFound("member.offline_unknown", "HQ cannot be reached and this till does not know the member")
            raise MemberNotFound("member.unknown", "no such member on this till")
        return FoundMember(member.member_id, member.phone_masked, member.tier, member.points_balance, False, False)

    def _keep(self, answer: dict, query: str) -> FoundMember:
        try:
            found = FoundMember(str(answer["member_id"]), str(answer["masked_phone"]), str(answer.get("tier", "")),
                                int(answer.get("points", 0)), bool(answer.get("personalization")), True)
        except (KeyError, TypeError, ValueError):
            raise MemberNotFound("member.unknown", "HQ's answer is not a member") from None
        with self.db.transaction() as s:
            local_members.remember(s, member_id=found.member_id, masked_phone=found.masked_phone, tier=found.tier,
                                   points=found.points, as_of=iso(self.clock.now()), phone=query)
        return found
