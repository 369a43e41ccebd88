"""Manager approvals: who may approve, PIN rules, and single-use, short-lived grants."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from store_client.bootstrap import Terminal
from store_client.clock import FakeClock
from store_client.domain.roles import Permission, Role
from store_client.persistence.models import Approval
from store_client.services.approvals import MAX_REASON, ApprovalGrant, ApprovalService
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor, AuthService
from store_client.services.authorization import APPROVAL_TTL, Authorizer
from store_client.services.errors import (
    ApprovalRefused,
    ApprovalRequired,
    LoginRefused,
    PermissionDenied,
)

CASHIER = Actor("c1", "Cashier One", Role.CASHIER)
CASHIER2 = Actor("c2", "Cashier Two", Role.CASHIER)
ASSOCIATE = Actor("a1", "Associate", Role.ASSOCIATE)
MANAGER = Actor("m1", "Manager", Role.MANAGER)
M_PIN = "8642"
OVERRIDE = Permission.PRICE_OVERRIDE


@pytest.fixture
def world(terminal: Terminal, clock: FakeClock, add_operator):  # type: ignore[no-untyped-def]
    add_operator("c1", "cashier", "2468")
    add_operator("c2", "cashier", "1357")
    add_operator("a1", "associate", "3579")
    add_operator("m1", "manager", M_PIN)
    add_operator("m2", "manager", "9514")
    add_operator("it1", "it_admin", "7531")
    add_operator("mx", "manager", "6420", active=False)
    audit = AuditLog(clock)
    return (ApprovalService(terminal.db, clock, audit), Authorizer(terminal.db, audit, clock),
            AuthService(terminal.db, clock, audit))


def audit_actions(terminal: Terminal) -> list[tuple[str | None, str, dict]]:
    rows = AuditLog(FakeClock()).recent(terminal.db)
    return [(r.operator_id, r.action, r.details) for r in reversed(rows)]


def approval_count(terminal: Terminal) -> int:
    with terminal.db.read() as session:
        return session.scalar(select(func.count()).select_from(Approval))


def test_manager_approval_lets_the_cashier_act_once(world, terminal: Terminal,
                                                    clock: FakeClock) -> None:
    approvals, authorizer, _ = world
    with pytest.raises(ApprovalRequired) as info:
        authorizer.require(CASHIER, OVERRIDE)
    assert info.value.permission == "price.override"
    grant = approvals.approve(CASHIER, "m1", M_PIN, OVERRIDE, "  damaged packaging  ",
                              {"sku": "6901234567892", "new_price_minor": 8800})
    assert (grant.permission, grant.requested_by, grant.approved_by, grant.reason) == \
        ("price.override", "c1", "m1", "damaged packaging")
    assert grant.granted_at == clock.now()
    authorizer.require(CASHIER, OVERRIDE, grant)
    with terminal.db.read() as session:
        row = session.get(Approval, grant.approval_id)
        stored = (row.action, row.requested_by, row.approved_by, row.reason,
                  json.loads(row.context), row.used_at)
    assert stored[:5] == ("price.override", "c1", "m1", "damaged packaging",
                          {"sku": "6901234567892", "new_price_minor": 8800})
    assert stored[5] is not None
    log = audit_actions(terminal)
    granted = [d for op, a, d in log if a == "approval.granted" and op == "m1"]
    assert granted and granted[0]["why"] == "damaged packaging"
    assert ("c1", "approval.used", {"approved_by": "m1", "permission": "price.override"}) in log
    assert AuditLog(FakeClock()).verify(terminal.db).ok


def test_reused_grant_is_refused_and_audited(world, terminal: Terminal) -> None:
    approvals, authorizer, _ = world
    grant = approvals.approve(CASHIER, "m1", M_PIN, OVERRIDE, "damaged")
    authorizer.require(CASHIER, OVERRIDE, grant)
    with pytest.raises(ApprovalRequired, match="already used"):
        authorizer.require(CASHIER, OVERRIDE, grant)
    last = audit_actions(terminal)[-1]
    assert last[:2] == ("c1", "permission.approval_required")
    assert last[2]["reason"] == "approval_already_used"


def test_grant_expires_after_two_minutes(world, clock: FakeClock) -> None:
    approvals, authorizer, _ = world
    assert APPROVAL_TTL == timedelta(minutes=2)
    on_time = approvals.approve(CASHIER, "m1", M_PIN, OVERRIDE, "damaged")
    late = approvals.approve(CASHIER, "m1", M_PIN, OVERRIDE, "damaged")
    clock.advance(minutes=2)
    authorizer.require(CASHIER, OVERRIDE, on_time)  # exactly 2 minutes: still valid
    clock.advance(seconds=1)
    with pytest.raises(ApprovalRequired, match="expired"):
        authorizer.require(CASHIER, OVERRIDE, late)


def test_grant_from_the_future_is_refused(world, clock: FakeClock) -> None:
    approvals, authorizer, _ = world
    grant = approvals.approve(CASHIER, "m1", M_PIN, OVERRIDE, "damaged")
    clock.advance(minutes=-10)  # the clock was set back: the record cannot be trusted
    with pytest.raises(ApprovalRequired, match="expired"):
        authorizer.require(CASHIER, OVERRIDE, grant)


def test_grant_for_another_permission_is_refused(world, terminal: Terminal) -> None:
    approvals, authorizer, _ = world
    grant = approvals.approve(CASHIER, "m1", M_PIN, Permission.DISCOUNT_MANUAL, "loyal customer")
    with pytest.raises(ApprovalRequired):
        authorizer.require(CASHIER, OVERRIDE, grant)
    # Relabelling the handle does not help: the database record is what counts.
    relabelled = dataclasses.replace(grant, permission="price.override")
    with pytest.raises(ApprovalRequired):
        authorizer.require(CASHIER, OVERRIDE, relabelled)
    authorizer.require(CASHIER, Permission.DISCOUNT_MANUAL, grant)  # still usable for its own


def test_grant_for_another_requester_is_refused(world) -> None:
    approvals, authorizer, _ = world
    grant = approvals.approve(CASHIER, "m1", M_PIN, OVERRIDE, "damaged")
    with pytest.raises(ApprovalRequired):
        authorizer.require(CASHIER2, OVERRIDE, grant)
    with pytest.raises(ApprovalRequired):
        authorizer.require(CASHIER2, OVERRIDE, dataclasses.replace(grant, requested_by="c2"))


def test_forged_grants_are_refused(world, clock: FakeClock) -> None:
    approvals, authorizer, _ = world
    fake = ApprovalGrant("00000000-0000-0000-0000-000000000000", "price.override", "c1", "m1",
                         "made up", clock.now())
    with pytest.raises(ApprovalRequired, match="unknown approval"):
        authorizer.require(CASHIER, OVERRIDE, fake)
    real = approvals.approve(CASHIER, "m1", M_PIN, OVERRIDE, "damaged")
    with pytest.raises(ApprovalRequired, match="does not match"):
        authorizer.require(CASHIER, OVERRIDE, dataclasses.replace(real, approved_by="m2"))


def test_wrong_manager_pin_counts_towards_the_managers_lockout(world, terminal: Terminal) -> None:
    approvals, _, auth = world
    for left in (4, 3, 2, 1):
        with pytest.raises(LoginRefused) as info:
            approvals.approve(CASHIER, "m1", "0000", OVERRIDE, "damaged")
        assert (info.value.reason, info.value.attempts_left) == ("wrong_pin", left)
    with pytest.raises(LoginRefused) as info:
        approvals.approve(CASHIER, "m1", "0000", OVERRIDE, "damaged")
    assert info.value.reason == "locked"
    with pytest.raises(LoginRefused, match="locked"):
        approvals.approve(CASHIER, "m1", M_PIN, OVERRIDE, "damaged")
    with pytest.raises(LoginRefused) as info:
        auth.login("m1", M_PIN)
    assert info.value.reason == "locked"
    assert approval_count(terminal) == 0
    names = [a for _, a, _ in audit_actions(terminal)]
    assert names.count("approval.pin_failed") == 6 and "auth.locked_out" in names


def test_requester_cannot_approve_themself(world, terminal: Terminal) -> None:
    approvals, _, _ = world
    with pytest.raises(ApprovalRefused, match="own request"):
        approvals.approve(CASHIER, "c1", "2468", OVERRIDE, "damaged")
    with pytest.raises(ApprovalRefused):
        approvals.approve(MANAGER, "m1", M_PIN, Permission.SALE_VOID_TRANSACTION, "mistake")
    assert approval_count(terminal) == 0
    last = audit_actions(terminal)[-1]
    assert last[1] == "approval.refused" and last[2]["reason"] == "self_approval"


@pytest.mark.parametrize("approver, pin", [("c2", "1357"), ("a1", "3579"), ("it1", "7531")])
def test_only_a_role_allowed_the_action_can_approve_it(world, terminal: Terminal,
                                                        approver: str, pin: str) -> None:
    approvals, _, _ = world
    with pytest.raises(ApprovalRefused, match="cannot approve"):
        approvals.approve(CASHIER, approver, pin, OVERRIDE, "damaged")
    assert approval_count(terminal) == 0
    last = audit_actions(terminal)[-1]
    assert (last[0], last[1], last[2]["reason"]) == (approver, "approval.refused",
                                                     "approver_role")


def test_approver_must_be_known_active_and_unlocked(world, terminal: Terminal) -> None:
    approvals, _, _ = world
    for approver, pin, reason in [("nobody", "1111", "unknown_operator"),
                                  ("mx", "6420", "inactive"), ("m1", "12x4", "invalid_pin_format")]:
        with pytest.raises(LoginRefused) as info:
            approvals.approve(CASHIER, approver, pin, OVERRIDE, "damaged")
        assert info.value.reason == reason
    assert approval_count(terminal) == 0
    assert [d["reason"] for _, a, d in audit_actions(terminal) if a == "approval.pin_failed"] == \
        ["unknown_operator", "inactive", "invalid_pin_format"]


@pytest.mark.parametrize("reason", ["", "   ", "\n\t", "x" * (MAX_REASON + 1), None])
def test_a_reason_is_required(world, terminal: Terminal, reason: str | None) -> None:
    approvals, _, _ = world
    with pytest.raises(ApprovalRefused):
        approvals.approve(CASHIER, "m1", M_PIN, OVERRIDE, reason)  # type: ignore[arg-type]
    assert approval_count(terminal) == 0
    assert audit_actions(terminal)[-1][1] == "approval.refused"


def test_a_reason_of_exactly_500_characters_is_kept(world) -> None:
    approvals, _, _ = world
    grant = approvals.approve(CASHIER, "m1", M_PIN, OVERRIDE, " " + "因" * MAX_REASON + " ")
    assert grant.reason == "因" * MAX_REASON


def test_a_denied_action_cannot_be_approved(world, terminal: Terminal) -> None:
    approvals, authorizer, _ = world
    with pytest.raises(ApprovalRefused, match="even with"):
        approvals.approve(ASSOCIATE, "m1", M_PIN, Permission.DRAWER_NO_SALE, "change for till")
    assert approval_count(terminal) == 0
    with pytest.raises(PermissionDenied):
        authorizer.require(ASSOCIATE, Permission.DRAWER_NO_SALE)


def test_approval_row_and_audit_commit_together(world, terminal: Terminal,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    approvals, _, _ = world
    real = approvals.audit.append

    def failing(session, **kw):  # type: ignore[no-untyped-def]
        if kw["action"] == "approval.granted":
            raise OSError("disk full")
        return real(session, **kw)

    monkeypatch.setattr(approvals.audit, "append", failing)
    with pytest.raises(OSError):
        approvals.approve(CASHIER, "m1", M_PIN, OVERRIDE, "damaged")
    assert approval_count(terminal) == 0
    assert AuditLog(FakeClock()).verify(terminal.db).ok


def test_context_must_be_storable(world, terminal: Terminal) -> None:
    approvals, _, _ = world
    with pytest.raises(ValueError):
        approvals.approve(CASHIER, "m1", M_PIN, OVERRIDE, "damaged", {"price": 88.0})
    assert approval_count(terminal) == 0
