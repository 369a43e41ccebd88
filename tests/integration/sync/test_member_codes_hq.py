"""Finding a member at the counter through HQ (SQLite and PostgreSQL): dynamic codes that
expire in a minute and work once, phones, and nothing more than the counter needs."""

from __future__ import annotations

import httpx
import pytest

from sync.hq.app import create_app
from sync.hq.embedded import HQServer
from sync.hq.member_codes import CODE_TTL_SECONDS, MemberCodes
from sync.hq.members import MemberError, MembersService
from sync.hq.service import HQService
from sync.protocol.signing import SigningKey


class Clock:
    now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def codes(hq_service: HQService):
    members = MembersService(hq_service.engine)
    member = members.enroll("13812345678", name="王", store_id="S001", terminal_id="T01", associate_id="a1",
                            channel="online", terms=True, marketing=False, personalization=True)
    clock = Clock()
    return MemberCodes(hq_service.engine, members, clock=clock), member.member_id, clock


def test_a_dynamic_code_finds_the_member_once(codes):
    service, member_id, _clock = codes
    code = service.issue(member_id)
    found = service.find(code, "S001")
    assert found == {"member_id": member_id, "masked_phone": "138****5678", "tier": "regular", "points": 0,
                     "personalization": True, "birthday_month": None, "address_masked": ""}
    with pytest.raises(MemberError) as replayed:
        service.find(code, "S002")  # a screenshot shown again, in another store
    assert replayed.value.code == "member.code_replayed"


def test_codes_expire_after_a_minute_and_forgeries_are_refused(codes):
    service, member_id, clock = codes
    code = service.issue(member_id)
    clock.now += CODE_TTL_SECONDS + 31  # past the minute and the leeway
    with pytest.raises(MemberError) as expired:
        service.find(code, "S001")
    assert expired.value.code == "member.code_expired"
    forged = SigningKey.generate(service.key.kid).sign({"typ": "mcode", "m": member_id, "n": "nonce-forged-1",
                                                        "exp": int(clock.now) + 30})
    till = SigningKey.generate("S001-T01-x").sign({"typ": "mcode", "m": member_id, "n": "nonce-till-1",
                                                   "exp": int(clock.now) + 30})
    for bad in (forged, till, "v1.x.y.z"):
        with pytest.raises(MemberError) as refused:
            service.find(bad, "S001")
        assert refused.value.code == "member.code_forged"


def test_phone_and_id_find_the_member_and_unknowns_do_not(codes):
    service, member_id, _ = codes
    assert service.find("13812345678", "S001")["member_id"] == member_id
    assert service.find(member_id, "S001")["masked_phone"] == "138****5678"
    for unknown in ("13900000000", "M0", "", "x" * 40):
        with pytest.raises(MemberError) as refused:
            service.find(unknown, "S001")
        assert refused.value.code == "member.unknown"


def test_the_key_survives_a_restart(codes, hq_service):
    service, member_id, _ = codes
    again = MemberCodes(hq_service.engine, service.members)
    assert again.key.kid == service.key.kid


def test_over_http(hq_service: HQService):
    server = HQServer(hq_service, app=create_app(hq_service)).start()
    try:
        token = hq_service.issue_token("S001", "T01")
        members = MembersService(hq_service.engine)
        member = members.enroll("13700001111", name=None, store_id=None, terminal_id=None, associate_id=None,
                                channel="online", terms=True, marketing=False, personalization=False)
        code = MemberCodes(hq_service.engine, members).issue(member.member_id)
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=10) as http:
            found = http.get("/v1/members/find", params={"q": code})
            assert found.status_code == 200 and found.json()["member_id"] == member.member_id
            assert "13700001111" not in found.text
            assert http.get("/v1/members/find", params={"q": code}).status_code == 409
            assert http.get("/v1/members/find", params={"q": "13900000000"}).status_code == 404
            assert httpx.get(f"{server.url}/v1/members/find", params={"q": "13700001111"}).status_code == 401
            keys = hq_service.changes(hq_service.authenticate(token), "terminal_keys", None, 100)
            assert any(row["key"].startswith("HQ-members-") for row in keys["changes"])
    finally:
        server.stop()
