"""HQ's side of the sensitive member fields and the chain-wide member features: the birthday
and address held apart and revealed only with a named operator and a reason (traced); the
birthday coupon issued exactly once per member and year; the phone digest key issued,
versioned and rotated for every store."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from store_client.domain.member_birthday import AMOUNT_BY_TIER, code_for
from sync.hq import member_details
from sync.hq.member_birthday import BirthdayCoupons, issued
from sync.hq.member_codes import MemberCodes
from sync.hq.member_digest import KEEP, MemberDigestKeys, digest
from sync.hq.member_reveals import MemberReveals
from sync.hq.members import MemberError, MembersService
from sync.hq.schema import dataset_rows
from sync.hq.service import HQService

PHONE = "13812345678"
BIRTHDAY, ADDRESS = "1990-05-17", "上海市静安区南京西路 1 号"
MAY = datetime(2026, 5, 10, 2, 0, tzinfo=UTC)


def enrol(hq: HQService, phone: str = PHONE, tier: str = "regular") -> str:
    members = MembersService(hq.engine)
    member_id = members.enroll(phone, name=None, store_id="S001", terminal_id="T01", associate_id=None,
                               channel="online", terms=True, marketing=False, personalization=True).member_id
    if tier != "regular":
        with hq.engine.begin() as conn:
            from sync.hq.members import members as table

            conn.execute(table.update().where(table.c.member_id == member_id).values(tier=tier))
    return member_id


def published(hq: HQService, dataset: str, key: str, scope: str = "*") -> dict | None:
    with hq.engine.connect() as conn:
        data = conn.execute(select(dataset_rows.c.data).where(
            dataset_rows.c.dataset == dataset, dataset_rows.c.key == key, dataset_rows.c.scope == scope)).scalar()
    return json.loads(data) if data else None


def test_details_are_checked_and_kept_apart(hq_service: HQService) -> None:
    member = enrol(hq_service)
    for birthday, address, code in (("1990-13-01", None, "member.bad_birthday"), ("17/05/1990", None, "member.bad_birthday"),
                                    ("1850-01-01", None, "member.bad_birthday"), (None, "  ", "member.bad_address"),
                                    (None, "上海\x00市", "member.bad_address")):
        with pytest.raises(MemberError) as refused:
            member_details.set_details(hq_service.engine, member, birthday=birthday, address=address)
        assert refused.value.code == code
    with pytest.raises(MemberError) as unknown:
        member_details.set_details(hq_service.engine, "M404", birthday=BIRTHDAY)
    assert unknown.value.code == "member.unknown"
    member_details.set_details(hq_service.engine, member, birthday=BIRTHDAY)
    member_details.set_details(hq_service.engine, member, address=ADDRESS)  # the birthday stays
    with hq_service.engine.connect() as conn:
        assert member_details.of(conn, member) == {"birthday": BIRTHDAY, "address": ADDRESS}
        assert member_details.counter_view(conn, member) == {"birthday_month": 5, "address_masked": "上海市****"}


def test_the_counter_gets_the_month_and_a_masked_address_never_the_values(hq_service: HQService) -> None:
    member = enrol(hq_service)
    member_details.set_details(hq_service.engine, member, birthday=BIRTHDAY, address=ADDRESS)
    codes = MemberCodes(hq_service.engine, MembersService(hq_service.engine))
    found = codes.find(PHONE, "S001")
    assert found["birthday_month"] == 5 and found["address_masked"] == "上海市****"
    text = json.dumps(found, ensure_ascii=False)
    assert BIRTHDAY not in text and "南京西路" not in text and PHONE not in text


def test_birthday_and_address_are_revealed_with_a_reason_and_traced(hq_service: HQService) -> None:
    member = enrol(hq_service)
    reveals = MemberReveals(hq_service.engine)
    with pytest.raises(MemberError) as none_held:
        reveals.reveal(member, "birthday", reason="核对生日礼", operator_id="m1", store_id="S001", terminal_id="T01")
    assert none_held.value.code == "privacy.no_value"
    member_details.set_details(hq_service.engine, member, birthday=BIRTHDAY, address=ADDRESS)
    for field, reason, operator, code in (("birthday", "", "m1", "privacy.reason_required"),
                                          ("address", "送货", "m1", "privacy.reason_required"),
                                          ("address", "送货上门", " ", "privacy.reason_required"),
                                          ("address_masked", "送货上门", "m1", "privacy.not_revealable")):
        with pytest.raises(MemberError) as refused:
            reveals.reveal(member, field, reason=reason, operator_id=operator, store_id="S001", terminal_id="T01")
        assert refused.value.code == code
    assert reveals.trail(member) == []  # nothing refused is traced as seen
    assert reveals.reveal(member, "birthday", reason="核对生日礼", operator_id="m1", store_id="S001",
                          terminal_id="T01")["value"] == BIRTHDAY
    assert reveals.reveal(member, "address", reason="安排送货上门", operator_id="m2", store_id="S002",
                          terminal_id="T09")["value"] == ADDRESS
    assert [(r["field"], r["operator_id"], r["store_id"], r["reason"]) for r in reveals.trail(member)] == [
        ("birthday", "m1", "S001", "核对生日礼"), ("address", "m2", "S002", "安排送货上门")]


def test_the_birthday_coupon_is_issued_once_per_member_and_year(hq_service: HQService) -> None:
    member = enrol(hq_service, tier="gold")
    member_details.set_details(hq_service.engine, member, birthday=BIRTHDAY)
    now = [MAY]
    sent: list[tuple[str, str]] = []

    def publish(dataset: str, key: str, row: dict) -> int:
        sent.append((dataset, key))
        return hq_service.publish(dataset, key, row)

    coupons = BirthdayCoupons(hq_service.engine, publish, now=lambda: now[0])
    other_worker = BirthdayCoupons(hq_service.engine, publish, now=lambda: now[0])
    code = coupons.ensure(member)
    assert code == code_for(member, 2026)
    assert coupons.ensure(member) == other_worker.ensure(member) == code  # found again, at another store
    assert coupons.issue_due() == 1
    assert coupons.count(member) == 1 and sent == [("coupons", code)]  # published once, never a second coupon
    row = published(hq_service, "coupons", code)
    assert row is not None and row["member_id"] == member and row["amount_off_fen"] == AMOUNT_BY_TIER["gold"]
    now[0] = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)  # June in Shanghai: no coupon due
    assert coupons.ensure(member) is None and coupons.issue_due() == 0
    now[0] = datetime(2027, 5, 2, tzinfo=UTC)  # next year's month: next year's coupon
    assert coupons.ensure(member) == code_for(member, 2027) and coupons.count(member) == 2


def test_a_coupon_recorded_but_not_published_is_published_on_the_next_try(hq_service: HQService) -> None:
    member = enrol(hq_service)
    member_details.set_details(hq_service.engine, member, birthday=BIRTHDAY)
    calls = {"n": 0}

    def flaky(dataset: str, key: str, row: dict) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("the feed's database went away")
        return hq_service.publish(dataset, key, row)

    coupons = BirthdayCoupons(hq_service.engine, flaky, now=lambda: MAY)
    with pytest.raises(ConnectionError):
        coupons.ensure(member)
    assert published(hq_service, "coupons", code_for(member, 2026)) is None
    assert coupons.ensure(member) == code_for(member, 2026)  # the key row exists: same code, published now
    assert published(hq_service, "coupons", code_for(member, 2026)) is not None
    with hq_service.engine.connect() as conn:
        assert conn.execute(select(issued.c.published).where(issued.c.member_id == member)).scalars().all() == [True]


def test_a_member_without_a_birthday_gets_nothing(hq_service: HQService) -> None:
    member = enrol(hq_service)
    coupons = BirthdayCoupons(hq_service.engine, hq_service.publish, now=lambda: MAY)
    assert coupons.ensure(member) is None and coupons.ensure("M404") is None and coupons.issue_due() == 0


def test_the_digest_key_is_one_for_the_chain_versioned_and_rotated(hq_service: HQService) -> None:
    hq_service.issue_token("S001", "T01")
    hq_service.issue_token("S002", "T01")
    keys = MemberDigestKeys(hq_service.engine)
    assert MemberDigestKeys(hq_service.engine).current() == keys.current()  # a second worker: the same key
    version, key = keys.current()
    assert version == 1 and keys.of(PHONE) == {"phone_digest": digest(key, PHONE), "digest_version": 1}
    assert keys.publish(hq_service) == 2
    assert published(hq_service, "store_settings", "member_digest", "S001") == \
        published(hq_service, "store_settings", "member_digest", "S002") == {"version": 1, "keys": {"1": key}}
    for _ in range(KEEP + 1):
        keys.rotate()
    row = keys.row()
    assert row["version"] == KEEP + 2 and sorted(row["keys"], key=int) == [str(v) for v in range(3, KEEP + 3)]
    assert keys.of(PHONE)["phone_digest"] != digest(key, PHONE)
    assert keys.ensure_published(hq_service, "S001") is True  # S001 still had version 1
    assert published(hq_service, "store_settings", "member_digest", "S001")["version"] == KEEP + 2
    assert keys.ensure_published(hq_service, "S001") is False  # once per version


def test_a_store_enrolled_after_hq_started_gets_the_key_when_its_till_asks(hq_service: HQService) -> None:
    keys = MemberDigestKeys(hq_service.engine)
    assert keys.publish(hq_service) == 0  # no store yet
    hq_service.issue_token("S009", "T01")
    assert keys.ensure_published(hq_service, "S009") is True
    assert published(hq_service, "store_settings", "member_digest", "S009")["version"] == keys.current()[0]
    assert MemberDigestKeys(hq_service.engine).ensure_published(hq_service, "S009") is False  # another worker sees it
