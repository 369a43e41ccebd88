"""HQ keeps what a member browsed online and hands it to a till only with their consent."""

from __future__ import annotations

import random

import pytest

from sync.hq.demo_data import PRODUCTS
from sync.hq.embedded import HQServer
from sync.hq.member_browsing import KEEP_DAYS, MemberBrowsing
from sync.hq.members import MemberError, MembersService
from sync.hq.service import HQService
from sync.hq.shop_simulator import random_browsing
from sync.terminal.transport import BatchRejected, HQClient, TransientError


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def enrol(members: MembersService, phone: str, personalization: bool) -> str:
    return members.enroll(phone, name=None, store_id="S001", terminal_id="T01", associate_id=None, channel="online",
                          terms=True, marketing=False, personalization=personalization).member_id


def test_recent_views_with_the_wish_list_first_and_nothing_without_consent(hq_service: HQService) -> None:
    members, clock = MembersService(hq_service.engine), Clock()
    browsing = MemberBrowsing(hq_service.engine, clock=clock)
    yes, no = enrol(members, "13812345678", True), enrol(members, "13912345678", False)
    for sku, kind in (("100001", "view"), ("200002", "view"), ("100001", "view"), ("300001", "wish")):
        clock.now += 60
        browsing.record(yes, sku, kind)
        browsing.record(no, sku, kind)
    recent = browsing.recent(yes)
    assert recent["consent"] is True
    assert [(i["sku"], i["kind"]) for i in recent["items"]] == [("300001", "wish"), ("100001", "view"),
                                                                 ("200002", "view")]
    assert browsing.recent(no) == {"member_id": no, "consent": False, "items": [], "keywords": []}
    from sync.hq.stock import stock

    with hq_service.engine.begin() as conn:  # other stores' stock, for the associate to send the member on
        conn.execute(stock.insert(), [
            {"store_id": s, "sku": sku, "on_hand": n, "as_of": "2026-12-02T00:00:00+00:00", "dirty": False}
            for s, sku, n in (("S001", "300001", 9), ("S002", "300001", 2), ("S003", "300001", 5),
                              ("S002", "200002", 0))])
    nearby = {i["sku"]: i["nearby"] for i in browsing.recent(yes, store_id="S001")["items"]}
    assert nearby == {"300001": [{"store_id": "S003", "on_hand": 5}, {"store_id": "S002", "on_hand": 2}],
                      "100001": [], "200002": []}

    for term in ("粉底液", "运动鞋", "粉底液"):
        clock.now += 60
        browsing.searched(yes, term)
        browsing.searched(no, term)
    clock.now += 60
    browsing.record(yes, "200002", "cart")  # left in the online cart: above the views
    recent = browsing.recent(yes)
    assert recent["keywords"] == ["粉底液", "运动鞋"]  # newest first, each once
    assert [(i["sku"], i["kind"]) for i in recent["items"]] == [("300001", "wish"), ("200002", "cart"),
                                                                 ("100001", "view")]
    assert browsing.recent(no)["keywords"] == []
    with pytest.raises(MemberError):
        browsing.searched(yes, " ")

    members.set_personalization(yes, False)  # consent withdrawn: gone on the next ask
    assert browsing.recent(yes)["items"] == [] and browsing.recent(yes)["keywords"] == []
    with pytest.raises(MemberError) as unknown:
        browsing.recent("M000")
    assert unknown.value.code == "member.unknown"
    with pytest.raises(MemberError):
        browsing.record(yes, "100001", "bought")

    clock.now += KEEP_DAYS * 86400 + 1
    assert browsing.purge() == 15


def test_the_simulated_shop_records_views_and_wishes(hq_service: HQService) -> None:
    members = MembersService(hq_service.engine)
    browsing = MemberBrowsing(hq_service.engine)
    member = enrol(members, "13812345678", True)
    products = [{"sku": p[0]} for p in PRODUCTS]
    done = random_browsing(browsing, member, products, random.Random(7), views=3, wishes=1, carts=1, searches=2)
    assert [kind for _sku, kind in done] == ["search", "search", "view", "view", "view", "wish", "cart"]
    recent = browsing.recent(member)
    assert recent["items"][0]["kind"] == "wish"
    assert {i["sku"] for i in recent["items"]} == {sku for sku, kind in done if kind != "search"}
    assert sorted(recent["keywords"]) == sorted(term for term, kind in done if kind == "search")


def test_the_api_needs_a_terminal_token_and_answers_by_consent(sqlite_hq: HQService) -> None:
    members = MembersService(sqlite_hq.engine)
    member = enrol(members, "13812345678", True)
    MemberBrowsing(sqlite_hq.engine).record(member, "100001", "view")
    token = sqlite_hq.issue_token("S001", "T01")
    server = HQServer(sqlite_hq).start()
    try:
        with HQClient(server.url, token, timeout=10) as client:
            assert [i["sku"] for i in client.member_browsing(member)["items"]] == ["100001"]
            with pytest.raises(BatchRejected) as unknown:
                client.member_browsing("M404")
            assert unknown.value.status == 404
        with HQClient(server.url, "not-a-token", timeout=10) as stranger, pytest.raises(TransientError):
            stranger.member_browsing(member)  # 401: no member data without a terminal's token
    finally:
        server.stop()


def test_hq_reveals_the_phone_to_a_named_operator_with_a_reason_and_keeps_the_trail(hq_service: HQService) -> None:
    from sync.hq.member_reveals import MemberReveals

    members = MembersService(hq_service.engine)
    member = enrol(members, "13812345678", False)
    reveals = MemberReveals(hq_service.engine)
    for field, reason, operator, code in (("browsing", "送货上门", "m1", "privacy.not_revealable"),
                                          ("address", "送货上门", "m1", "privacy.no_value"),  # none held
                                          ("phone", "查", "m1", "privacy.reason_required"),
                                          ("phone", "送货上门", "", "privacy.reason_required")):
        with pytest.raises(MemberError) as refused:
            reveals.reveal(member, field, reason=reason, operator_id=operator, store_id="S001", terminal_id="T01")
        assert refused.value.code == code
    with pytest.raises(MemberError) as unknown:
        reveals.reveal("M404", "phone", reason="送货上门", operator_id="m1", store_id="S001", terminal_id="T01")
    assert unknown.value.code == "member.unknown"
    assert reveals.trail(member) == []
    answer = reveals.reveal(member, "phone", reason="送货上门", operator_id="m1", store_id="S001", terminal_id="T01")
    assert answer == {"member_id": member, "field": "phone", "value": "13812345678"}
    assert [(r["operator_id"], r["terminal_id"], r["reason"]) for r in reveals.trail(member)] == [("m1", "T01", "送货上门")]


def test_a_store_sale_posts_its_points_once_and_only_for_a_member_hq_holds(hq_service: HQService) -> None:
    from sync.hq.members import post_sale_points

    members = MembersService(hq_service.engine)
    member = enrol(members, "13812345678", False)
    sale = {"sale_id": "S001-T01-1", "member_id": member, "points_earned": 27, "points_redeemed": 5}
    with hq_service.engine.begin() as conn:
        assert post_sale_points(conn, sale, "2026-12-02T10:00:00+00:00") == 2
        assert post_sale_points(conn, sale, "2026-12-02T10:00:01+00:00") == 0  # once per sale
        assert post_sale_points(conn, {**sale, "member_id": "M0000000001"}, "2026-12-02T10:00:00+00:00") == 0
        assert post_sale_points(conn, {**sale, "member_id": None}, "2026-12-02T10:00:00+00:00") == 0
    assert members.get(member)["points"] == 22
