"""Enrollment from the till's side, against the real HQ on 127.0.0.1: the till signs a link
(offline if need be), the customer joins on their phone, the till learns the member."""

from __future__ import annotations

import json
import stat
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from store_client.bootstrap import Terminal
from store_client.clock import SystemClock
from store_client.domain.roles import Role
from store_client.persistence.models import MemberCache
from store_client.services import members as local_members
from store_client.services.auth import Actor
from store_client.services.member_enrollment import MemberEnrollmentService, EnrollmentUnavailable
from sync.hq.app import create_app
from sync.hq.embedded import HQServer
from sync.hq.members import MembersService
from sync.hq.service import HQService
from sync.terminal.signing_key import FILE_NAME, KeyFileError, load_or_create
from sync.terminal.transport import HQClient

ASSOCIATE = Actor("1002", "李娜", Role.ASSOCIATE)


@pytest.fixture
def hq(sqlite_hq: HQService):
    server = HQServer(sqlite_hq, app=create_app(sqlite_hq, show_codes=True)).start()
    yield server
    server.stop()


def service(terminal: Terminal, url: str, token: str | None) -> MemberEnrollmentService:
    """The till's clock at real time: HQ checks the link's expiry against its own clock."""
    key = load_or_create(terminal.config.data_dir, "S001", "T01")
    client = (lambda: HQClient(url, token, timeout=5)) if token else None
    return MemberEnrollmentService(terminal.db, SystemClock(), key=lambda: key, page_url=url, store_id="S001",
                             terminal_id="T01", client=client)


def phone_joins(offer_url: str, phone: str = "13812345678") -> str:
    token = parse_qs(urlparse(offer_url).query)["t"][0]
    base = offer_url.split("/enroll")[0]
    with httpx.Client(base_url=base, timeout=10) as http:
        assert http.get("/enroll", params={"t": token}).status_code == 200
        sent = http.post("/enroll", data={"t": token, "phone": phone, "action": "send"}).text
        code = sent.split("验证码 ")[1][:6]
        done = http.post("/enroll", data={"t": token, "phone": phone, "code": code, "terms": "1",
                                          "personalization": "1", "action": "join"})
        assert 'id="done"' in done.text, done.text
        return done.text


def test_a_customer_joins_and_the_till_attaches_them(terminal, hq, sqlite_hq):
    token = sqlite_hq.issue_token("S001", "T01")
    enrol = service(terminal, hq.url, token)
    offer = enrol.offer(ASSOCIATE, cart_ref="cart-42")
    assert enrol.check(offer.nonce) is None  # nobody joined yet
    phone_joins(offer.url)
    joined = enrol.check(offer.nonce)
    assert joined is not None and joined.masked_phone == "138****5678" and not joined.linked_existing
    with terminal.db.read() as s:
        cached = s.get(MemberCache, joined.member_id)
        kept = {c.key: getattr(cached, c.key) for c in MemberCache.__table__.columns}
        member = local_members.find(s, joined.member_id)
    assert "13812345678" not in json.dumps(kept)  # the till keeps the masked phone only
    assert member is not None and member.phone_masked == "138****5678"
    # HQ credits the associate who offered the link
    assert MembersService(sqlite_hq.engine).get(joined.member_id)["enrolled_by"] == "1002"


def test_the_key_is_registered_once_and_kept_private(terminal, hq, sqlite_hq):
    token = sqlite_hq.issue_token("S001", "T01")
    enrol = service(terminal, hq.url, token)
    enrol.offer(ASSOCIATE, None)
    enrol.offer(ASSOCIATE, None)
    path = terminal.config.data_dir / FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create(terminal.config.data_dir, "S001", "T01").kid == json.loads(path.read_text())["kid"]
    with pytest.raises(KeyFileError):
        load_or_create(terminal.config.data_dir, "S002", "T01")  # a copied data folder is not reused
    path.write_text("{broken")
    with pytest.raises(KeyFileError):
        load_or_create(terminal.config.data_dir, "S001", "T01")  # never silently replaced


def test_offline_the_link_is_still_offered_and_works_once_the_key_is_registered(terminal, hq, sqlite_hq):
    offline = service(terminal, "http://127.0.0.1:9", "token")  # nothing listens on port 9
    offer = offline.offer(ASSOCIATE, None)
    assert offer.url.startswith("http://127.0.0.1:9/enroll?t=")
    with pytest.raises(EnrollmentUnavailable):
        offline.check(offer.nonce)
    online = service(terminal, hq.url, sqlite_hq.issue_token("S001", "T01"))
    second = online.offer(ASSOCIATE, None)  # registers the same key
    token = parse_qs(urlparse(offer.url).query)["t"][0]
    phone_joins(f"{hq.url}/enroll?t={token}")  # the link made offline is good at HQ now
    assert online.check(offer.nonce) is not None
    assert online.check(second.nonce) is None
