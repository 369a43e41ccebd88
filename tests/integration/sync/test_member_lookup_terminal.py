"""The till finds a member through HQ, keeps the masked answer, and copes offline."""

from __future__ import annotations

import json

import pytest

from store_client.persistence.models import MemberCache
from store_client.services.member_lookup import MemberLookup, MemberNotFound
from sync.hq.member_codes import MemberCodes
from sync.hq.members import MembersService
from sync.terminal.transport import HQClient


def test_found_through_hq_then_offline_from_the_cache(terminal, hq_server, sqlite_hq):
    members = MembersService(sqlite_hq.engine)
    member = members.enroll("13812345678", name="王", store_id="S001", terminal_id="T01", associate_id=None,
                            channel="online", terms=True, marketing=False, personalization=True)
    token = sqlite_hq.issue_token("S001", "T01")
    online = MemberLookup(terminal.db, terminal.clock, lambda: HQClient(hq_server.url, token, timeout=5))
    code = MemberCodes(sqlite_hq.engine, members).issue(member.member_id)
    found = online.find(code)
    assert found.member_id == member.member_id and found.from_hq and found.personalization
    with pytest.raises(MemberNotFound) as replayed:
        online.find(code)
    assert replayed.value.code == "member.code_replayed"
    with terminal.db.read() as s:
        cached = s.get(MemberCache, member.member_id)
        kept = {c.key: getattr(cached, c.key) for c in MemberCache.__table__.columns}
    assert kept["masked_phone"] == "138****5678" and "13812345678" not in json.dumps(kept)
    # found by code: no phone typed, but HQ's digest under the chain's key is kept (never the number)
    assert kept["digest_version"] == 1 and len(kept["phone_digest"]) == 64

    offline = MemberLookup(terminal.db, terminal.clock, lambda: HQClient("http://127.0.0.1:9", token, timeout=1))
    assert offline.find(member.member_id).from_hq is False
    with pytest.raises(MemberNotFound) as needs_hq:
        offline.find(MemberCodes(sqlite_hq.engine, members).issue(member.member_id))
    assert needs_hq.value.code == "member.code_offline"
    with pytest.raises(MemberNotFound) as unknown:
        online.find("13900000000")
    assert unknown.value.code == "member.unknown"
