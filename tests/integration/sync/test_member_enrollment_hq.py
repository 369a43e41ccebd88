"""Members and enrollment at HQ (SQLite and PostgreSQL): one member per phone, codes that
expire and lock, links that cannot be forged, altered, replayed or used twice."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import httpx

from sync.hq.app import create_app
from sync.hq.embedded import HQServer
from sync.hq.member_enrollment import MemberEnrollmentService
from sync.hq.members import CODE_TRIES, MemberError, MembersService
from sync.hq.service import HQService
from sync.protocol.signing import SigningKey


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def members(hq_service: HQService, clock: Clock) -> MembersService:
    return MembersService(hq_service.engine, now=clock)


@pytest.fixture
def enroll(hq_service: HQService, members: MembersService, clock: Clock) -> MemberEnrollmentService:
    return MemberEnrollmentService(hq_service.engine, members, clock=lambda: clock.now.timestamp())


@pytest.fixture
def till_key(enroll: MemberEnrollmentService) -> SigningKey:
    key = SigningKey.generate("S001-T01-abcd")
    enroll.register_key("S001", "T01", key.kid, key.public)
    return key


def link(key: SigningKey, clock: Clock, *, nonce: str = "nonce-0001", store: str = "S001", terminal: str = "T01",
         ttl: int = 900, **extra) -> str:
    return key.sign({"typ": "enroll", "s": store, "t": terminal, "a": "1001", "c": "cart-1", "n": nonce,
                     "exp": int(clock.now.timestamp()) + ttl, **extra})


def join(enroll: MemberEnrollmentService, token: str, phone: str = "13812345678", **kw):
    code = enroll.members.send_code(phone)
    return enroll.complete(token, phone=phone, code=code, name=kw.pop("name", "小王"), terms=kw.pop("terms", True),
                           marketing=kw.pop("marketing", False), personalization=kw.pop("personalization", True))


def test_enrolling_through_a_link_credits_the_store_and_associate(enroll, till_key, clock):
    done = join(enroll, link(till_key, clock))
    assert not done.linked_existing and done.masked_phone == "138****5678"
    member = enroll.members.get(done.member_id)
    assert (member["enrolled_store"], member["enrolled_terminal"], member["enrolled_by"]) == ("S001", "T01", "1001")
    assert member["personalization"] is True and member["marketing"] is False and member["terms_at"]
    status = enroll.status_for_terminal("S001", "nonce-0001")
    assert status["status"] == "done" and status["member_id"] == done.member_id
    assert status["masked_phone"] == "138****5678" and status["cart_ref"] == "cart-1"
    assert "13812345678" not in str(status)  # the till never gets the full phone
    assert enroll.status_for_terminal("S002", "nonce-0001") == {"status": "pending"}  # another store learns nothing


def test_a_phone_already_a_member_is_linked_not_duplicated(enroll, till_key, clock):
    first = join(enroll, link(till_key, clock, nonce="nonce-0001"))
    clock.now += timedelta(minutes=2)
    second = join(enroll, link(till_key, clock, nonce="nonce-0002"), personalization=False)
    assert second.member_id == first.member_id and second.linked_existing
    assert enroll.members.get(first.member_id)["personalization"] is False  # the latest consent stands


def test_a_double_submit_gets_the_same_answer_and_another_phone_is_refused(enroll, till_key, clock):
    token = link(till_key, clock)
    first = join(enroll, token)
    again = enroll.complete(token, phone="13812345678", code="000000", name=None, terms=True, marketing=False,
                            personalization=False)
    assert again == first
    clock.now += timedelta(minutes=2)
    with pytest.raises(MemberError) as used:
        join(enroll, token, phone="13900001111")
    assert used.value.code == "link.used"


def test_two_submits_racing_make_one_member(enroll, till_key, clock):
    token = link(till_key, clock)
    code = enroll.members.send_code("13812345678")
    results, errors = [], []

    def submit() -> None:
        try:
            results.append(enroll.complete(token, phone="13812345678", code=code, name=None, terms=True,
                                           marketing=False, personalization=False))
        except MemberError as exc:
            errors.append(exc.code)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results and {r.member_id for r in results} == {results[0].member_id}
    assert set(errors) <= {"link.retry"}


def test_forged_altered_expired_and_foreign_links_are_refused(enroll, till_key, clock):
    impostor = SigningKey.generate(till_key.kid)
    cases = {
        "link.forged": [impostor.sign({"typ": "enroll", "s": "S001", "t": "T01", "n": "nonce-0009",
                                       "exp": int(clock.now.timestamp()) + 60}),
                        link(SigningKey.generate("S001-T09-zzzz"), clock),      # a key HQ never saw
                        link(till_key, clock, store="S002")],                   # speaking for another store
        "link.expired": [link(till_key, clock, ttl=-31)],
        "link.malformed": ["", "garbage", link(till_key, clock, typ="receipt"),
                           till_key.sign({"typ": "enroll", "s": "S001", "t": "T01", "n": "short",
                                          "exp": int(clock.now.timestamp()) + 60})],
    }
    token = link(till_key, clock)
    v, kid, _body, sig = token.split(".")
    other_body = link(till_key, clock, nonce="nonce-9999").split(".")[2]
    cases["link.forged"].append(".".join([v, kid, other_body, sig]))  # claims swapped under a signature
    for code, tokens in cases.items():
        for bad in tokens:
            with pytest.raises(MemberError) as refused:
                enroll.complete(bad, phone="13812345678", code="123456", name=None, terms=True, marketing=False,
                                personalization=False)
            assert refused.value.code == code, bad
    assert enroll.result("nonce-0009") is None


def test_codes_expire_lock_after_tries_and_cannot_be_resent_at_once(enroll, members, till_key, clock):
    token = link(till_key, clock)
    code = members.send_code("13812345678")
    with pytest.raises(MemberError) as soon:
        members.send_code("13812345678")
    assert soon.value.code == "member.code_too_soon"
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(CODE_TRIES):
        with pytest.raises(MemberError) as bad:
            enroll.complete(token, phone="13812345678", code=wrong, name=None, terms=True, marketing=False,
                            personalization=False)
        assert bad.value.code == "member.code_wrong"
    with pytest.raises(MemberError) as locked:
        enroll.complete(token, phone="13812345678", code=code, name=None, terms=True, marketing=False,
                        personalization=False)
    assert locked.value.code == "member.code_locked"
    clock.now += timedelta(minutes=1, seconds=1)
    fresh = members.send_code("13812345678")
    clock.now += timedelta(minutes=5, seconds=1)
    with pytest.raises(MemberError) as expired:
        members.check_code("13812345678", fresh)
    assert expired.value.code == "member.code_expired"
    assert enroll.result("nonce-0001") is None  # failed submits gave the link back


def test_terms_are_required_and_phones_are_checked(enroll, till_key, clock):
    with pytest.raises(MemberError) as terms:
        join(enroll, link(till_key, clock), terms=False)
    assert terms.value.code == "member.terms_required"
    for phone in ("1381234567", "23812345678", "138123456789", "１３８１２３４５６７８"):
        with pytest.raises(MemberError) as bad:
            enroll.members.send_code(phone)
        assert bad.value.code == "member.bad_phone"


def test_points_post_once_per_cause(members, enroll, till_key, clock):
    done = join(enroll, link(till_key, clock))
    assert members.post_points(done.member_id, 120, cause="sale:abc", channel="store") is True
    assert members.post_points(done.member_id, 120, cause="sale:abc", channel="store") is False
    assert members.post_points(done.member_id, -20, cause="return:r1", channel="online") is True
    assert members.get(done.member_id)["points"] == 100
    with pytest.raises(MemberError):
        members.post_points("M0", 1, cause="x", channel="store")


def test_points_are_whole_and_a_balance_starts_at_0(members, enroll, till_key, clock):
    done = join(enroll, link(till_key, clock))
    assert members.get(done.member_id)["points"] == 0  # no entry yet
    for bad in (True, 1.5, "10"):
        with pytest.raises(MemberError) as refused:
            members.post_points(done.member_id, bad, cause=f"sale:{bad}", channel="store")  # type: ignore[arg-type]
        assert refused.value.code == "member.bad_points"
    cause = "sale:" + "9" * 80
    assert members.post_points(done.member_id, 5, cause=cause, channel="store") is True
    assert members.post_points(done.member_id, 5, cause=cause[:80], channel="store") is False  # kept to 80 characters
    assert members.get(done.member_id)["points"] == 5
    assert members.get("M0") is None


def test_key_ids_are_pinned_to_their_terminal(enroll, till_key):
    enroll.register_key("S001", "T01", till_key.kid, till_key.public)  # the same again is fine
    with pytest.raises(MemberError) as other_till:
        enroll.register_key("S002", "T01", till_key.kid, till_key.public)
    assert other_till.value.code == "key.bad_id"
    with pytest.raises(MemberError) as taken:
        enroll.register_key("S001", "T01", till_key.kid, SigningKey.generate("x").public)
    assert taken.value.code == "key.taken"


def test_the_page_and_terminal_api_over_http(hq_service, clock):
    token = hq_service.issue_token("S001", "T01")
    server = HQServer(hq_service, app=create_app(hq_service, show_codes=True)).start()
    key = SigningKey.generate("S001-T01-http")
    with httpx.Client(base_url=server.url, timeout=10) as http:
        auth = {"Authorization": f"Bearer {token}"}
        assert http.put("/v1/terminal/signing-key", json={"kid": key.kid, "public_key": key.public},
                        headers=auth).status_code == 200
        assert http.put("/v1/terminal/signing-key", json={"kid": key.kid}, headers=auth).status_code == 400
        assert http.put("/v1/terminal/signing-key", json={"kid": key.kid, "public_key": key.public}).status_code == 401
        good = key.sign({"typ": "enroll", "s": "S001", "t": "T01", "a": "1001", "c": None, "n": "nonce-http",
                         "exp": int(time.time()) + 600})
        page = http.get("/enroll", params={"t": good})
        assert page.status_code == 200 and "加入会员" in page.text and "http" not in page.text.split("</style>")[0]
        assert "<script src" not in page.text and "<link" not in page.text  # no external resources
        assert http.get("/enroll", params={"t": good, "lang": "en"}).text.count("Join") >= 1
        assert http.get("/enroll", params={"t": good + "x"}).status_code == 400
        sent = http.post("/enroll", data={"t": good, "phone": "13812345678", "action": "send"})
        code = sent.text.split("验证码 ")[1][:6]
        done = http.post("/enroll", data={"t": good, "phone": "13812345678", "code": code, "terms": "1",
                                          "action": "join"})
        assert done.status_code == 200 and 'id="done"' in done.text
        again = http.post("/enroll", data={"t": good, "phone": "13812345678", "code": code, "terms": "1",
                                           "action": "join"})
        assert again.text == done.text  # a double submit shows the same page
        status = http.get("/v1/enrollments/nonce-http", headers=auth).json()
        assert status["status"] == "done" and status["masked_phone"] == "138****5678"
        assert http.get("/v1/enrollments/nonce-http").status_code == 401
        hostile = http.post("/enroll", content=b"t=" + b"A" * 20000, headers={"content-type": "application/x-www-form-urlencoded"})
        assert hostile.status_code == 400
        escaped = http.post("/enroll", data={"t": good, "phone": "<script>alert(1)</script>", "action": "send"})
        assert "<script>alert" not in escaped.text and "&lt;script&gt;" in escaped.text
    server.stop()


# -- joining with a receipt's link: the sale's points go to the new member, once ---------------
def _sale(hq_service: HQService, *, member_id: str | None = None, send: bool = True) -> tuple[dict, dict]:
    import random
    import uuid

    from tools.soak import make_sale

    sale = make_sale(random.Random(41), store_id="S001", terminal_id="T01")
    sale["member_id"] = member_id
    event = {"event_id": str(uuid.uuid4()), "seq": 1, "kind": "sale.completed", "schema_version": 3,
             "created_at": sale["completed_at"], "payload": sale}
    if send:
        _send(hq_service, event)
    return sale, event


def _send(hq_service: HQService, event: dict) -> None:
    who = hq_service.authenticate(hq_service.issue_token("S001", "T01"))
    result = hq_service.ingest(who, {"events": [event]})
    assert result["results"][0]["status"] == "accepted", result


def _receipt_link(key: SigningKey, clock: Clock, sale_id: str, nonce: str) -> str:
    return key.sign({"typ": "enroll", "s": "S001", "t": "T01", "a": "1001", "c": f"sale:{sale_id}",
                     "n": nonce, "exp": int(clock.now.timestamp()) + 30 * 86_400})


def test_joining_with_a_receipt_gives_that_sale_its_points_once(hq_service, members, enroll, till_key, clock):
    from sync.hq.originals import Originals
    from sync.hq import cross_returns
    from sync.hq.returnables import ReturnablesService

    sale, event = _sale(hq_service)
    expected = sale["total_minor"] // 100
    assert expected > 0
    token = _receipt_link(till_key, clock, sale["sale_id"], "receipt-0001")
    done = join(enroll, token)
    assert members.get(done.member_id)["points"] == expected
    assert join(enroll, token).member_id == done.member_id  # the same form again
    assert members.get(done.member_id)["points"] == expected
    # another link naming the same sale (a photo of the receipt, a second print): no more points
    other = join(enroll, _receipt_link(till_key, clock, sale["sale_id"], "receipt-0002"), phone="13912345678")
    assert members.get(other.member_id)["points"] == 0
    _send(hq_service, event)  # the till sends the sale again: still once
    assert members.get(done.member_id)["points"] == expected
    found = Originals(hq_service.engine, ReturnablesService(hq_service.engine, cross_returns.load_original))
    assert [o["original_ref"] for o in found.find("member", done.member_id)] == [f"sale:{sale['sale_id']}"]


def test_a_receipt_link_used_before_the_sale_reaches_hq_credits_it_when_it_arrives(
        hq_service, members, enroll, till_key, clock):
    sale, event = _sale(hq_service, send=False)  # the till is offline
    done = join(enroll, _receipt_link(till_key, clock, sale["sale_id"], "receipt-0003"))
    assert members.get(done.member_id)["points"] == 0
    _send(hq_service, event)
    assert members.get(done.member_id)["points"] == sale["total_minor"] // 100
    _send(hq_service, event)
    assert members.get(done.member_id)["points"] == sale["total_minor"] // 100


def test_a_sale_that_had_a_member_keeps_its_points(hq_service, members, enroll, till_key, clock):
    first = join(enroll, link(till_key, clock, nonce="nonce-0100"), phone="13712345678")
    sale, _event = _sale(hq_service, member_id=first.member_id)
    done = join(enroll, _receipt_link(till_key, clock, sale["sale_id"], "receipt-0004"))
    assert done.member_id != first.member_id
    assert members.get(done.member_id)["points"] == 0
