"""The member cache: what a till keeps of the members it served, found by id, card or phone,
and forgotten by its retention limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from store_client.bootstrap import open_terminal
from store_client.clock import iso
from store_client.persistence.models import MemberCache
from store_client.services import members
from tests.conftest import make_config

NOW = datetime(2026, 12, 1, 8, tzinfo=UTC)


def _served(s, n: int, days_ago: int, phone: str | None = None) -> None:  # type: ignore[no-untyped-def]
    phone = phone or f"138{n:08d}"
    members.remember(s, member_id=f"M{n:010d}", masked_phone=members.mask_phone(phone), tier="gold", points=n,
                     as_of=iso(NOW - timedelta(days=days_ago)), phone=phone, card_no=f"88{n:08d}")


def test_found_by_id_card_and_typed_phone_never_by_a_stored_number(terminal) -> None:
    with terminal.db.transaction() as s:
        _served(s, 7, 1, phone="13912345678")
    with terminal.db.read() as s:
        found = [members.find(s, q) for q in ("M0000000007", "8800000007", "13912345678", " 13912345678 ")]
        assert all(m is not None and m.member_id == "M0000000007" for m in found)
        assert found[0].phone_masked == "139****5678" and found[0].name == ""
        assert members.find(s, "13912345679") is None  # another number: another digest
        assert members.find(s, "139****5678") is None  # the mask is not a key
        assert members.find(s, "") is None and members.find(s, "x" * 65) is None
        row = s.get(MemberCache, "M0000000007")
        assert "13912345678" not in repr({c.key: getattr(row, c.key) for c in MemberCache.__table__.columns})


def test_a_masked_phone_that_does_not_match_the_typed_one_keeps_no_digest(terminal) -> None:
    with terminal.db.transaction() as s:
        members.remember(s, member_id="M1", masked_phone="139****5678", tier="", points=0, as_of=iso(NOW),
                         phone="13800000000")
    with terminal.db.read() as s:
        assert s.get(MemberCache, "M1").phone_digest is None
        assert members.find(s, "13800000000") is None


def test_purge_forgets_members_not_served_within_the_days_then_the_oldest_beyond_the_cap(terminal) -> None:
    with terminal.db.transaction() as s:
        for n, days_ago in enumerate([1, 10, 100, 179, 181, 400], 1):
            _served(s, n, days_ago)
    with terminal.db.transaction() as s:
        assert members.purge(s, now=NOW, days=180, keep=1000) == 2  # 181 and 400 days
        assert members.purge(s, now=NOW, days=180, keep=2) == 2  # then the two served longest ago
        left = s.scalars(select(MemberCache.member_id).order_by(MemberCache.member_id)).all()
    assert left == ["M0000000001", "M0000000002"]


def test_serving_again_restarts_the_clock(terminal) -> None:
    with terminal.db.transaction() as s:
        _served(s, 1, 300)
        _served(s, 1, 0)  # served again today
    with terminal.db.transaction() as s:
        assert members.purge(s, now=NOW, days=180, keep=1000) == 0


def test_the_till_applies_its_settings_when_it_opens(tmp_path) -> None:
    config = make_config(tmp_path, members={"cache_days": 30})
    term = open_terminal(config)
    try:
        now = term.clock.now()
        with term.db.transaction() as s:
            for n, days_ago in enumerate([1, 29, 31, 90], 1):
                members.remember(s, member_id=f"M{n}", masked_phone="", tier="", points=0,
                                 as_of=iso(now - timedelta(days=days_ago)))
    finally:
        term.close()
    term = open_terminal(config)
    try:
        with term.db.read() as s:
            assert s.scalar(select(func.count()).select_from(MemberCache)) == 2
    finally:
        term.close()
