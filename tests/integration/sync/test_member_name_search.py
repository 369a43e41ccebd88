"""A manager's search by name: HQ matches the start of the name (SQLite and PostgreSQL), its
wildcards are letters, masked phones only; the till allows managers only, audits each
search without the name, and says so when HQ cannot be reached."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from store_client.domain.roles import Role
from store_client.persistence.models import AuditEntry
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer
from store_client.services.catalog import CatalogService
from store_client.services.errors import PermissionDenied, ServiceError
from store_client.services.member_desk import MemberDesk
from sync.hq.embedded import HQServer
from sync.hq.members import MemberError, MembersService
from sync.terminal.transport import HQClient

MANAGER = Actor("m1", "陈静", Role.MANAGER)
ASSOCIATE = Actor("a1", "李娜", Role.ASSOCIATE)
NAMES = {"13900000001": "王小明", "13900000002": "王%_", "13900000003": "王芳", "13900000004": "李雷",
         "13900000005": None, "13900000006": "Wang Li"}


def _enrol(service) -> MembersService:  # type: ignore[no-untyped-def]
    members = MembersService(service.engine)
    for phone, name in NAMES.items():
        members.enroll(phone, name=name, store_id="S001", terminal_id="T01", associate_id=None, channel="online",
                       terms=True, marketing=False, personalization=False)
    return members


def test_hq_matches_the_start_of_the_name_and_nothing_else(hq_service) -> None:
    members = _enrol(hq_service)
    found = members.search_by_name("王")
    assert [m["name"] for m in found] == sorted(["王小明", "王%_", "王芳"])
    assert all(m["masked_phone"].count("*") == 4 and m["member_id"] for m in found)
    assert "13900000001" not in json.dumps(found)
    assert [m["name"] for m in members.search_by_name("王%")] == ["王%_"]  # % is a letter here
    assert members.search_by_name("王_") == []  # and so is _
    assert [m["name"] for m in members.search_by_name(" 王小 ")] == ["王小明"]
    assert members.search_by_name("小明") == []  # the start of the name, not anywhere in it
    assert [m["name"] for m in members.search_by_name("Wang")] == ["Wang Li"]
    assert len(members.search_by_name("王", limit=2)) == 2
    for bad in ("", "   ", "王" * 41, "王\t小", "\x00"):
        with pytest.raises(MemberError) as error:
            members.search_by_name(bad)
        assert error.value.code == "member.bad_name"


@pytest.fixture
def desk(terminal, add_operator, sqlite_hq):  # type: ignore[no-untyped-def]
    _enrol(sqlite_hq)
    add_operator("m1", "manager", "2468")
    add_operator("a1", "associate", "1357")
    server = HQServer(sqlite_hq).start()
    token = sqlite_hq.issue_token("S001", "T01")
    audit = AuditLog(terminal.clock)

    def make(url: str) -> MemberDesk:
        return MemberDesk(terminal.db, terminal.clock, audit, Authorizer(terminal.db, audit, terminal.clock),
                          CatalogService(terminal.db), client=lambda: HQClient(url, token, timeout=2))

    yield make(server.url), make("http://127.0.0.1:9"), terminal
    server.stop()


def test_the_till_lets_a_manager_search_audits_it_without_the_name_and_refuses_others(desk) -> None:
    online, offline, terminal = desk
    found = online.search_by_name(MANAGER, "王")
    assert sorted(m.name for m in found) == sorted(["王小明", "王%_", "王芳"])
    assert all("*" in m.phone_masked for m in found)
    with pytest.raises(PermissionDenied):
        online.search_by_name(ASSOCIATE, "王")
    with pytest.raises(ServiceError) as bad:
        online.search_by_name(MANAGER, "王" * 41)
    assert bad.value.code == "member.bad_name"
    with pytest.raises(ServiceError) as away:
        offline.search_by_name(MANAGER, "王")
    assert away.value.code == "member.search_offline"
    with terminal.db.read() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action.in_(
            ("member.name_searched", "permission.denied")))).all()
        searched = [e for e in entries if e.action == "member.name_searched"]
        assert [(e.operator_id, json.loads(e.details)) for e in searched] == [("m1", {"found": 3})]
        assert all("王" not in e.details for e in entries)
