"""The member at the counter against the reference HQ on 127.0.0.1, the later features: the
member confirms on the customer display before the browsing is fetched (a store setting);
birthday and address revealed by role with a reason; browsed items marked here / at a nearby
store / not; the birthday benefit online and offline; the chain's phone digest, so a member
is found offline by phone at a till where the phone was never typed, and old caches stay
readable through a new key."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from store_client.domain.member_birthday import code_for
from store_client.persistence.models import AuditEntry, MemberCache, SyncRow
from store_client.services import members as local_members
from store_client.services.audit import AuditLog
from store_client.services.authorization import Authorizer
from store_client.services.catalog import CatalogService
from store_client.services.errors import ServiceError
from store_client.services.member_desk import BROWSING_CONFIRMED, BROWSING_WITHHELD, MemberDesk, NearbyStock
from store_client.services.member_lookup import MemberLookup
from sync.hq import member_details
from sync.hq.member_browsing import MemberBrowsing
from sync.hq.member_digest import MemberDigestKeys
from sync.hq.members import MembersService
from sync.protocol.datasets import nearby_key
from sync.terminal.puller import Puller
from sync.terminal.transport import HQClient
from tests.integration.sync.test_member_desk_terminal import ASSOCIATE, CASHIER, MANAGER, Counting

PHONE, OTHER_PHONE = "13812345678", "13700002222"
ADDRESS = "上海市静安区南京西路 1 号"
OFFLINE = "http://127.0.0.1:9"


@pytest.fixture
def counter(terminal, hq_server, sqlite_hq, add_operator):  # type: ignore[no-untyped-def]
    for actor in (CASHIER, ASSOCIATE, MANAGER):
        add_operator(actor.operator_id, actor.role.value, "1357")
    members = MembersService(sqlite_hq.engine)
    fan = members.enroll(PHONE, name="王", store_id="S001", terminal_id="T01", associate_id=None, channel="online",
                         terms=True, marketing=False, personalization=True).member_id
    browsing = MemberBrowsing(sqlite_hq.engine)
    browsing.record(fan, "200002", "view")  # chocolate: sold here
    browsing.record(fan, "999999", "wish")  # not sold here
    token = sqlite_hq.issue_token("S001", "T01")
    with HQClient(hq_server.url, token, timeout=10) as client:
        Puller(terminal.db, client, datasets=["catalog", "prices"]).pull_all()
    client = Counting(hq_server.url, token)
    audit = AuditLog(terminal.clock)

    def desk(url: str | None = None) -> MemberDesk:
        factory = client if url is None else (lambda: HQClient(url, token, timeout=1))
        return MemberDesk(terminal.db, terminal.clock, audit, Authorizer(terminal.db, audit, terminal.clock),
                          CatalogService(terminal.db), client=factory, store_id="S001")

    def pull(*datasets: str) -> None:
        with HQClient(hq_server.url, token, timeout=10) as c:
            Puller(terminal.db, c, datasets=list(datasets)).pull_all()

    return desk, client, fan, pull


def store_setting(terminal, key: str, row: object) -> None:  # type: ignore[no-untyped-def]
    with terminal.db.transaction() as s:
        s.merge(SyncRow(dataset="store_settings", key=key, data=json.dumps(row)))


def audited(terminal, *actions: str) -> list[tuple[str, str, dict]]:  # type: ignore[no-untyped-def]
    with terminal.db.read() as s:
        return [(e.operator_id, e.action, json.loads(e.details)) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action.in_(actions)).order_by(AuditEntry.seq))]


# -- the member confirms on the customer display --------------------------------------------------
def test_with_the_setting_the_browsing_waits_for_the_member_and_hq_is_not_asked(counter, terminal) -> None:  # type: ignore[no-untyped-def]
    desk, client, fan, _pull = counter
    store_setting(terminal, "members", {"display_confirm": True, "display_confirm_seconds": 30})
    profile = desk().open(ASSOCIATE, fan)
    assert profile.browsing_state == "awaiting_member" and profile.browsing is None and profile.confirm_seconds == 30
    assert client.browsing_asked == 0  # nothing of the browsing reached the till before the member's yes
    items, _keywords, state = desk().browsing_answer(ASSOCIATE, fan, "confirmed")
    assert state == "shown" and [i.sku for i in items] == ["999999", "200002"] and client.browsing_asked == 1
    for answer in ("declined", "timeout", "no_display"):
        assert desk().browsing_answer(ASSOCIATE, fan, answer) == (None, (), answer)
    assert client.browsing_asked == 1
    assert [(a, d) for _who, a, d in audited(terminal, BROWSING_CONFIRMED, BROWSING_WITHHELD)] == [
        (BROWSING_CONFIRMED, {"answer": "confirmed", "browsing": True}),
        (BROWSING_WITHHELD, {"answer": "declined", "browsing": False}),
        (BROWSING_WITHHELD, {"answer": "timeout", "browsing": False}),
        (BROWSING_WITHHELD, {"answer": "no_display", "browsing": False})]
    [opened] = audited(terminal, "member.profile_opened")
    assert opened[2]["awaiting_member"] is True and opened[2]["browsing"] is False


def test_a_bad_answer_a_cashier_and_a_member_without_consent_get_no_browsing(counter, terminal, sqlite_hq) -> None:  # type: ignore[no-untyped-def]
    desk, client, fan, _pull = counter
    store_setting(terminal, "members", {"display_confirm": True})
    with pytest.raises(ServiceError) as bad:
        desk().browsing_answer(ASSOCIATE, fan, "yes please")
    assert bad.value.code == "member.bad_answer"
    assert desk().browsing_answer(CASHIER, fan, "confirmed") == (None, (), "grade")  # below the grade
    assert desk().open(CASHIER, fan).browsing_state == "grade"  # a cashier is never asked about
    MembersService(sqlite_hq.engine).set_personalization(fan, False)
    assert desk().open(ASSOCIATE, fan).browsing_state == "no_consent"  # no consent: nothing to confirm
    assert desk().browsing_answer(ASSOCIATE, fan, "confirmed")[2] == "no_consent"  # HQ checks again
    assert audited(terminal, BROWSING_WITHHELD) == []


@pytest.mark.parametrize("row", [{"display_confirm": False}, {"display_confirm": "yes"}, {}, None])
def test_without_the_setting_the_browsing_shows_at_once(counter, terminal, row) -> None:  # type: ignore[no-untyped-def]
    desk, _client, fan, _pull = counter
    if row is not None:
        store_setting(terminal, "members", row)
    assert desk().open(ASSOCIATE, fan).browsing_state == "shown"


# -- birthday and address revealed -------------------------------------------------------------
def test_birthday_and_address_by_role_with_a_reason_and_audited(counter, terminal, sqlite_hq) -> None:  # type: ignore[no-untyped-def]
    desk, _client, fan, _pull = counter
    member_details.set_details(sqlite_hq.engine, fan, birthday="1990-05-17")
    profile = desk().open(MANAGER, fan)
    assert profile.birthday_month == 5 and profile.address_masked == ""
    for who, field, reason, code in ((CASHIER, "birthday", "核对生日礼", "privacy.role"),
                                     (ASSOCIATE, "address", "安排送货上门", "privacy.role"),
                                     (MANAGER, "birthday", "  ", "privacy.reason_required"),
                                     (MANAGER, "address", "安排送货上门", "privacy.no_value")):
        with pytest.raises(ServiceError) as refused:
            desk().reveal(who, fan, field, reason)
        assert refused.value.code == code
    member_details.set_details(sqlite_hq.engine, fan, address=ADDRESS)
    assert desk().open(MANAGER, fan).address_masked == "上海市****"
    assert desk().reveal(MANAGER, fan, "birthday", "核对生日礼") == "1990-05-17"
    assert desk().reveal(MANAGER, fan, "address", "安排送货上门") == ADDRESS
    entries = audited(terminal, "member.reveal_refused", "member.revealed")
    assert [(who, action, d["field"], d.get("why")) for who, action, d in entries] == [
        ("c1", "member.reveal_refused", "birthday", "privacy.role"),
        ("a1", "member.reveal_refused", "address", "privacy.role"),
        ("m1", "member.reveal_refused", "birthday", "privacy.reason_required"),
        ("m1", "member.reveal_refused", "address", "privacy.no_value"),
        ("m1", "member.revealed", "birthday", None), ("m1", "member.revealed", "address", None)]
    assert "1990-05-17" not in json.dumps(entries) and "南京西路" not in json.dumps(entries, ensure_ascii=False)
    with terminal.db.read() as s:  # nothing of either rests on the till but the month
        cached = s.get(MemberCache, fan)
        assert cached.birthday_month == 5 and "南京西路" not in json.dumps(
            {c.key: getattr(cached, c.key) for c in MemberCache.__table__.columns}, ensure_ascii=False)


# -- stock here, nearby, or not ------------------------------------------------------------------
def test_browsed_items_are_marked_here_nearby_or_not(counter, terminal) -> None:  # type: ignore[no-untyped-def]
    desk, _client, fan, _pull = counter
    rows = [("999999", "S003", "陆家嘴店", 5200, 2), ("999999", "S002", "人民广场店", 2800, 4),
            ("999999", "S004", "徐家汇店", 3100, 0),  # holds none: not "nearby"
            ("999999", "W01", "嘉定仓", 25500, 90),  # a warehouse is not a store near the customer
            ("999999", "S001", "静安店", 0, 9)]  # names this store: left out
    with terminal.db.transaction() as s:
        for sku, site, name, distance, on_hand in rows:
            s.add(SyncRow(dataset="stock_nearby", key=nearby_key(sku, site), data=json.dumps({
                "sku": sku, "site_id": site, "name": name, "kind": "warehouse" if site.startswith("W") else "store",
                "distance_m": distance, "on_hand": on_hand, "as_of": "2026-01-01T08:00:00+00:00"})))
    by_sku = {i.sku: i for i in desk().open(ASSOCIATE, fan).browsing}
    assert by_sku["999999"].available is None
    assert by_sku["999999"].nearby == (NearbyStock("人民广场店", 4, 2800), NearbyStock("陆家嘴店", 2, 5200))
    assert by_sku["200002"].nearby == ()  # nothing known of it nearby


# -- the birthday benefit --------------------------------------------------------------------------
def test_the_birthday_benefit_online_then_with_the_coupon_then_offline(counter, terminal, sqlite_hq) -> None:  # type: ignore[no-untyped-def]
    desk, _client, fan, pull = counter
    now = datetime.now(UTC)  # HQ issues by its own clock: the till's agrees
    terminal.clock.advance(seconds=(now - terminal.clock.now()).total_seconds())
    local = now.astimezone(ZoneInfo("Asia/Shanghai"))
    member_details.set_details(sqlite_hq.engine, fan, birthday=f"1990-{local.month:02d}-01")
    profile = desk().open(CASHIER, fan)  # basic grade: the month and the benefit, not the wallet
    assert profile.birthday_now and profile.birthday_pending and profile.birthday_coupon is None
    pull("coupons")
    profile = desk().open(ASSOCIATE, fan)
    assert profile.birthday_now and not profile.birthday_pending
    assert profile.birthday_coupon is not None and profile.birthday_coupon.code == code_for(fan, local.year)
    with sqlite_hq.engine.connect() as conn:  # found twice, issued once
        from sync.hq.member_birthday import issued

        assert len(conn.execute(select(issued).where(issued.c.member_id == fan)).all()) == 1
    offline = desk(OFFLINE).open(ASSOCIATE, fan)
    assert not offline.from_hq and offline.birthday_now and offline.birthday_coupon is not None
    from store_client.bootstrap import build_services

    services = build_services(terminal)  # the benefit applies: the checkout takes the coupon, for this member only
    manager = services.auth.login("m1", "1357")
    services.shifts.open_shift(manager, total_fen=0)
    checkout, code = services.checkout, profile.birthday_coupon.code
    for _ in range(30):
        view = checkout.scan(manager, "6901234567892").cart  # ¥2 water, to pass the coupon's ¥50 minimum
    with pytest.raises(ServiceError):
        checkout.apply_coupon(manager, code)  # no member on the sale: not theirs to use
    checkout.attach_member(manager, fan)
    applied = checkout.apply_coupon(manager, code)
    assert view.total_fen - applied.total_fen == 1000  # a regular member's ¥10
    other = MembersService(sqlite_hq.engine).enroll(OTHER_PHONE, name=None, store_id="S001", terminal_id="T01",
                                                    associate_id=None, channel="online", terms=True,
                                                    marketing=False, personalization=False).member_id
    member_details.set_details(sqlite_hq.engine, other, birthday=f"1990-{local.month % 12 + 1:02d}-01")
    later = desk().open(ASSOCIATE, other)
    assert later.birthday_month == local.month % 12 + 1 and not later.birthday_now and not later.birthday_pending


# -- the chain's phone digest -----------------------------------------------------------------------
def test_a_member_found_by_id_is_found_offline_by_phone_once_the_chain_key_is_here(counter, terminal) -> None:  # type: ignore[no-untyped-def]
    desk, _client, fan, pull = counter
    desk().open(ASSOCIATE, fan)  # by member id: no phone typed here
    offline = MemberLookup(terminal.db, terminal.clock, lambda: HQClient(OFFLINE, "t", timeout=1))
    with terminal.db.read() as s:
        assert local_members.find(s, PHONE) is None  # the key is not here yet
    pull("store_settings")
    assert offline.find(PHONE).member_id == fan


def test_old_caches_stay_readable_and_are_rekeyed_through_rotations(counter, terminal, sqlite_hq) -> None:  # type: ignore[no-untyped-def]
    desk, _client, fan, pull = counter
    with terminal.db.transaction() as s:  # a row of before: this till's own key (version 0)
        local_members.remember(s, member_id="M0000000042", masked_phone="137****2222", tier="gold", points=5,
                               as_of="2026-01-01T00:00:00+00:00", phone=OTHER_PHONE)
        assert s.get(MemberCache, "M0000000042").digest_version == 0
    desk().open(ASSOCIATE, fan)  # HQ hands the key to the store on the first question
    pull("store_settings")
    offline = MemberLookup(terminal.db, terminal.clock, lambda: HQClient(OFFLINE, "t", timeout=1))
    assert offline.find(OTHER_PHONE).member_id == "M0000000042"  # still found under the old key
    with terminal.db.read() as s:
        assert s.get(MemberCache, "M0000000042").digest_version == 1  # and re-keyed to the chain's
    keys = MemberDigestKeys(sqlite_hq.engine)
    keys.rotate()
    keys.publish(sqlite_hq)
    pull("store_settings")
    assert offline.find(OTHER_PHONE).member_id == "M0000000042" and offline.find(PHONE).member_id == fan
    with terminal.db.read() as s:
        assert s.get(MemberCache, "M0000000042").digest_version == 2 == s.get(MemberCache, fan).digest_version
        assert local_members.find(s, "13700009999") is None


def test_a_malformed_key_row_leaves_the_tills_own_key_serving(counter, terminal) -> None:  # type: ignore[no-untyped-def]
    for row in ({"version": 2, "keys": {"1": "00" * 32}}, {"version": 1, "keys": {"1": "zz"}}, [1, 2], "x"):
        store_setting(terminal, "member_digest", row)
        with terminal.db.transaction() as s:
            assert local_members.chain_keys(s) == (0, {})
            local_members.remember(s, member_id="M1", masked_phone="138****5678", tier="", points=0,
                                   as_of="2026-01-01T00:00:00+00:00", phone=PHONE)
            assert s.get(MemberCache, "M1").digest_version == 0
            assert local_members.find(s, PHONE).member_id == "M1"
