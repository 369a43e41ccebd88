"""The member at the counter (services/member_desk.py) against the reference HQ on 127.0.0.1:
the profile as each role may see it, the browsing only with consent and never at rest on the
till, every open audited without a phone number, and each bad input with its own code."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

from store_client.domain.roles import Role
from store_client.persistence.models import AuditEntry, SyncRow
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer
from store_client.services.catalog import CatalogService
from store_client.services.errors import PermissionDenied
from store_client.services.member_desk import OPENED, MemberDesk
from store_client.services.member_lookup import MemberNotFound
from sync.hq.member_browsing import MemberBrowsing
from sync.hq.member_codes import MemberCodes
from sync.hq.members import MembersService
from sync.terminal.puller import Puller
from sync.terminal.transport import HQClient

PHONE, SHY_PHONE = "13812345678", "13912345678"
CASHIER = Actor("c1", "王芳", Role.CASHIER)
ASSOCIATE = Actor("a1", "李娜", Role.ASSOCIATE)
ADMIN = Actor("it1", "IT", Role.IT_ADMIN)
MANAGER = Actor("m1", "张伟", Role.MANAGER)


class Counting:
    """The HQ client factory, counting the browsing questions asked."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token, self.browsing_asked = url, token, 0

    def __call__(self) -> HQClient:
        client = HQClient(self.url, self.token, timeout=5)
        ask = client.member_browsing

        def counted(member_id: str):  # type: ignore[no-untyped-def]
            self.browsing_asked += 1
            return ask(member_id)

        client.member_browsing = counted  # type: ignore[method-assign]
        return client


@pytest.fixture
def shop(terminal, hq_server, sqlite_hq, add_operator):  # type: ignore[no-untyped-def]
    for actor in (CASHIER, ASSOCIATE, ADMIN, MANAGER):
        add_operator(actor.operator_id, actor.role.value, "1357")
    members = MembersService(sqlite_hq.engine)
    fan = members.enroll(PHONE, name="王", store_id="S001", terminal_id="T01", associate_id=None, channel="online",
                         terms=True, marketing=False, personalization=True).member_id
    shy = members.enroll(SHY_PHONE, name="李", store_id="S001", terminal_id="T01", associate_id=None,
                         channel="online", terms=True, marketing=False, personalization=False).member_id
    members.post_points(fan, 321, cause="sale:x", channel="online")
    browsing = MemberBrowsing(sqlite_hq.engine)
    for member in (fan, shy):
        browsing.searched(member, "巧克力")
        browsing.record(member, "200002", "view")
        browsing.record(member, "100001", "wish")
        browsing.record(member, "999999", "view")  # not sold in this store
    from sync.hq.stock import stock

    with sqlite_hq.engine.begin() as conn:  # another store holds what is not sold here
        conn.execute(stock.insert().values(store_id="S002", sku="999999", on_hand=4,
                                           as_of="2026-12-02T00:00:00+00:00", dirty=False))
    token = sqlite_hq.issue_token("S001", "T01")
    with HQClient(hq_server.url, token, timeout=10) as client:
        Puller(terminal.db, client, datasets=["catalog", "prices"]).pull_all()
    with terminal.db.transaction() as s:  # a coupon of the member's, in this till's coupons dataset
        s.add(SyncRow(dataset="coupons", key="BDAY-20", data=json.dumps(
            {"code": "BDAY-20", "title": "生日券 20元", "amount_off_fen": 2000, "member_id": fan,
             "valid_until": "2099-01-01T00:00:00+00:00"}, ensure_ascii=False)))
    client = Counting(hq_server.url, token)
    audit = AuditLog(terminal.clock)
    desk = MemberDesk(terminal.db, terminal.clock, audit, Authorizer(terminal.db, audit, terminal.clock),
                      CatalogService(terminal.db), client=client)
    return desk, client, MemberCodes(sqlite_hq.engine, members), fan, shy, terminal


def test_an_associate_sees_coupons_and_what_the_member_browsed(shop) -> None:  # type: ignore[no-untyped-def]
    desk, client, codes, fan, _shy, terminal = shop
    profile = desk.open(ASSOCIATE, codes.issue(fan))
    assert (profile.member_id, profile.phone_masked, profile.points, profile.from_hq) == (fan, "138****5678", 321, True)
    assert [c.code for c in profile.coupons] == ["BDAY-20"]
    assert profile.browsing_state == "shown" and profile.search_keywords == ("巧克力",)
    assert [(b.sku, b.kind, b.name_zh) for b in profile.browsing] == [
        ("100001", "wish", "矿泉水 550ml"), ("999999", "view", ""), ("200002", "view", "巧克力 100g")]
    assert profile.browsing[1].available is None  # not sold here
    assert profile.browsing[1].nearby == () == profile.browsing[0].nearby  # this till has no stock_nearby rows
    assert profile.purchases == ()  # none yet, in any store
    assert [(e.points, e.channel, e.cause) for e in profile.points_ledger] == [(321, "online", "sale")]
    with sqlite3.connect(terminal.config.database_path) as raw:  # the browsing never rests on the till
        tables = [name for (name,) in raw.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")]
        dump = "\n".join(str(row) for table in tables for row in raw.execute(f'SELECT * FROM "{table}"'))
    assert "999999" not in dump and PHONE not in dump
    with terminal.db.read() as s:  # the open is audited: who, which member, how; no phone
        entry = s.query(AuditEntry).filter_by(action=OPENED).one()
        assert entry.operator_id == "a1" and entry.target == fan
        assert json.loads(entry.details) == {"via": "code", "from_hq": True, "browsing": True}


def test_a_cashier_gets_the_basic_grade_only_and_hq_is_not_even_asked(shop) -> None:  # type: ignore[no-untyped-def]
    desk, client, _codes, fan, _shy, _terminal = shop
    profile = desk.open(CASHIER, PHONE)
    assert (profile.member_id, profile.phone_masked, profile.points) == (fan, "138****5678", 321)
    assert profile.coupons is None and profile.browsing is None and profile.browsing_state == "grade"
    assert profile.purchases is None and profile.points_ledger is None  # behavioural: not for a cashier
    assert profile.search_keywords is None
    assert client.browsing_asked == 0


def test_no_browsing_without_consent(shop) -> None:  # type: ignore[no-untyped-def]
    desk, client, _codes, _fan, shy, _terminal = shop
    profile = desk.open(ASSOCIATE, SHY_PHONE)
    assert profile.member_id == shy and profile.browsing is None and profile.browsing_state == "no_consent"
    assert profile.search_keywords is None
    assert client.browsing_asked == 0


def test_an_it_admin_may_not_open_a_profile(shop) -> None:  # type: ignore[no-untyped-def]
    desk, _client, _codes, _fan, _shy, terminal = shop
    with pytest.raises(PermissionDenied):
        desk.open(ADMIN, PHONE)
    with terminal.db.read() as s:
        assert s.query(AuditEntry).filter_by(action=OPENED).count() == 0


def test_each_bad_input_has_its_own_code(shop, sqlite_hq) -> None:  # type: ignore[no-untyped-def]
    desk, _client, codes, fan, _shy, terminal = shop

    def refused(query: str, who: Actor = ASSOCIATE, on: MemberDesk = desk) -> str:
        with pytest.raises(MemberNotFound) as error:
            on.open(who, query)
        return str(error.value.code)

    code = codes.issue(fan)
    head, claims, signature = code.rsplit(".", 2)
    forged = f"{head}.{claims}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    assert refused(forged) == "member.code_forged"
    stale = MemberCodes(sqlite_hq.engine, MembersService(sqlite_hq.engine), clock=lambda: time.time() - 600)
    assert refused(stale.issue(fan)) == "member.code_expired"
    desk.open(ASSOCIATE, code)
    assert refused(code) == "member.code_replayed"
    assert refused("13700000000") == "member.phone_unknown"
    assert refused("M123456") == "member.unknown"

    audit = AuditLog(terminal.clock)
    offline = MemberDesk(terminal.db, terminal.clock, audit, Authorizer(terminal.db, audit, terminal.clock),
                         CatalogService(terminal.db), client=lambda: HQClient("http://127.0.0.1:9", "t", timeout=1))
    assert refused(codes.issue(fan), on=offline) == "member.code_offline"
    assert refused("13700000000", on=offline) == "member.offline_unknown"
    known = offline.open(ASSOCIATE, fan)  # seen here before: from this till's cache, said so
    assert known.from_hq is False and known.points == 321 and known.browsing_state == "offline"
    assert refused(PHONE, on=offline) == "member.offline_unknown"  # found by code only: no phone digest

    desk.open(CASHIER, PHONE)  # online by the phone: the cache keeps its keyed digest, not the number
    assert offline.open(CASHIER, PHONE).member_id == fan
    with sqlite3.connect(terminal.config.database_path) as raw:
        raw.row_factory = sqlite3.Row
        cached = dict(raw.execute("SELECT * FROM member_cache WHERE member_id = ?", (fan,)).fetchone())
    assert PHONE not in json.dumps(cached) and cached["masked_phone"] == "138****5678" and cached["phone_digest"]


def test_only_a_manager_with_a_reason_sees_the_full_phone_and_both_are_audited(shop, sqlite_hq) -> None:  # type: ignore[no-untyped-def]
    from store_client.services.errors import ServiceError
    from sync.hq.member_reveals import MemberReveals

    desk, _client, _codes, fan, _shy, terminal = shop
    for who, reason, code in ((CASHIER, "送货上门需要电话", "privacy.role"),
                              (ASSOCIATE, "送货上门需要电话", "privacy.role"),
                              (MANAGER, "查", "privacy.reason_required")):
        with pytest.raises(ServiceError) as refused:
            desk.reveal(who, fan, "phone", reason)
        assert refused.value.code == code
    with pytest.raises(ServiceError) as not_masked:
        desk.reveal(MANAGER, fan, "browsing", "送货上门需要地址")
    assert not_masked.value.code == "privacy.not_revealable"
    trail = MemberReveals(sqlite_hq.engine)
    assert trail.trail(fan) == []  # nothing refused ever reached HQ

    assert desk.reveal(MANAGER, fan, "phone", "送货上门需要电话") == PHONE
    [row] = trail.trail(fan)
    assert (row["operator_id"], row["store_id"], row["field"], row["reason"]) == ("m1", "S001", "phone", "送货上门需要电话")
    with terminal.db.read() as s:
        entries = [(e.operator_id, e.action, json.loads(e.details)) for e in s.query(AuditEntry).filter(
            AuditEntry.action.in_(["member.reveal_refused", "member.revealed"])).order_by(AuditEntry.seq)]
    assert [(who, action, d.get("why")) for who, action, d in entries] == [
        ("c1", "member.reveal_refused", "privacy.role"), ("a1", "member.reveal_refused", "privacy.role"),
        ("m1", "member.reveal_refused", "privacy.reason_required"),
        ("m1", "member.reveal_refused", "privacy.not_revealable"), ("m1", "member.revealed", None)]
    assert entries[-1][2] == {"field": "phone", "reason": "送货上门需要电话"}
    assert all(PHONE not in json.dumps(d) for _w, _a, d in entries)

    audit = AuditLog(terminal.clock)
    offline = MemberDesk(terminal.db, terminal.clock, audit, Authorizer(terminal.db, audit, terminal.clock),
                         CatalogService(terminal.db), client=lambda: HQClient("http://127.0.0.1:9", "t", timeout=1))
    with pytest.raises(ServiceError) as unreachable:
        offline.reveal(MANAGER, fan, "phone", "送货上门需要电话")
    assert unreachable.value.code == "member.reveal_offline"


def test_every_member_code_has_chinese_words(qapp) -> None:  # type: ignore[no-untyped-def]
    import re

    from store_client.ui.app import setup_application, teardown
    from store_client.ui.service_messages import service_error_text

    runtime = setup_application("zh_CN")
    try:
        for code in ("member.unknown", "member.phone_unknown", "member.code_forged", "member.code_expired",
                     "member.code_replayed", "member.code_offline", "member.offline_unknown",
                     "member.not_an_item", "enroll.unavailable", "member.reveal_offline", "privacy.role",
                     "privacy.reason_required", "privacy.not_revealable", "privacy.no_value"):
            text = service_error_text(MemberNotFound(code, "english words for the log"))
            assert re.search(r"[\u4e00-\u9fff]", text) and "english" not in text and "member." not in text, code
    finally:
        teardown(runtime)


def test_a_sale_at_the_counter_earns_points_at_hq_once_and_the_next_profile_shows_them(shop, sqlite_hq) -> None:  # type: ignore[no-untyped-def]
    """Member found -> attached -> sale paid -> synced: HQ's ledger has the points (once, though
    the batch is sent twice) and the profile opened next shows the balance from HQ."""
    from store_client.bootstrap import build_services
    from sync.hq.members import points_ledger
    from sync.terminal.uploader import Uploader

    desk, _client, codes, fan, _shy, terminal = shop
    services = build_services(terminal)
    manager = services.auth.login("m1", "1357")
    services.shifts.open_shift(manager, total_fen=20000)
    before = desk.open(ASSOCIATE, codes.issue(fan)).points
    checkout = services.checkout
    checkout.attach_member(ASSOCIATE, fan)
    for code in ("6901234567939", "6901234567939", "6901234567892"):  # 2 x chocolate 12.90, water 2.00
        checkout.scan(ASSOCIATE, code)
    cart = checkout.current_cart(ASSOCIATE)
    checkout.add_tender(ASSOCIATE, "cash", cart.total_fen)
    sale = checkout.complete(ASSOCIATE, cart_id=cart.cart_id)
    assert sale.points_earned == 27  # 1 point per yuan paid (27.80)
    with desk._client() as client:
        Uploader(terminal.db, client).upload_pending()
    with sqlite_hq.engine.connect() as conn:
        rows = conn.execute(points_ledger.select().where(points_ledger.c.member_id == fan,
                                                         points_ledger.c.channel == "store")).all()
    assert [(r.points, r.cause.endswith(":earned")) for r in rows] == [(27, True)]
    after = desk.open(ASSOCIATE, PHONE)
    assert after.points == before + 27
    assert [(p.store_id, p.receipt_no, p.items, p.total_fen) for p in after.purchases] == [
        ("S001", sale.receipt_no, 3, 2780)]
    assert (after.points_ledger[0].points, after.points_ledger[0].channel) == (27, "store")


def test_the_profile_lists_online_orders_beside_store_sales_with_their_state(shop, sqlite_hq) -> None:  # type: ignore[no-untyped-def]
    """Purchases from every channel: an online order still being prepared and one collected,
    newest first, each with its order number, pick-up store and state."""
    from tests.integration.sync.online_returns_world import collected_order
    from sync.hq.demo_data import seed_demo
    from sync.hq.orders import OnlineOrders

    desk, _client, codes, fan, shy, _terminal = shop
    collected = collected_order(sqlite_hq, fan, [{"sku": "100001", "qty": 2}], discounts={}, store="S001")
    seed_demo(sqlite_hq, "S002")
    time.sleep(1.1)  # placed a second later: the newer
    waiting = OnlineOrders(sqlite_hq).place("S002", [{"sku": "100001", "qty": 1}], member_id=fan,
                                             phone=PHONE, discounts={})
    OnlineOrders(sqlite_hq).place("S002", [{"sku": "100001", "qty": 1}], member_id=shy,
                                  phone=SHY_PHONE, discounts={})  # another member's: not listed
    profile = desk.open(ASSOCIATE, codes.issue(fan))
    assert profile.purchases is not None
    online = [(p.receipt_no, p.store_id, p.state, p.items) for p in profile.purchases if p.channel == "online"]
    assert online == [(waiting.order_no, "S002", "accepted", 1), (collected.order_no, "S001", "collected", 2)]
    assert all(p.total_fen > 0 for p in profile.purchases)
