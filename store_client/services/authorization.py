"""The permission check every service makes at its start.

``Authorizer.require`` applies :data:`store_client.domain.roles.MATRIX`. The
role is taken from the operators table, not from the ``Actor`` object, so a
deactivated operator or a stale role loses its rights at once. ``cli:<user>``
actors of the local IT tools have no row: they always act as store IT
(:data:`LOCAL_ACTOR_ROLE`), whatever role the object claims, so no code in the
process can make itself a manager by naming itself ``cli:``; their actions and
refusals are audited under that name and role.
Every refusal is audited in its own committed transaction, so the audit row
survives the failing action. A manager approval is checked against its row in
the database (the ``ApprovalGrant`` object is only a handle) and consumed in
its own transaction: single use, fail-closed (if the action then fails, the manager
approves again). An action whose write can still fail after the check (posting a stock
count) asks ``defer=True`` instead: the grant is checked, and used up by
:meth:`Authorizer.consume_in` inside the action's own transaction, so a write that fails
leaves the grant for the retry and a grant used meanwhile rolls the action back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import NoReturn

from sqlalchemy.orm import Session

from store_client.clock import Clock, iso, parse_iso
from store_client.domain.roles import Decision, Permission, Role, decide
from store_client.persistence.db import Database, driver
from store_client.persistence.models import Approval, Operator
from store_client.services.approvals import ApprovalGrant
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.errors import ApprovalRequired, PermissionDenied

APPROVAL_TTL = timedelta(minutes=2)
_ROLE_OF = "SELECT role, active FROM operators WHERE id = ?"
LOCAL_ACTOR_PREFIX = "cli:"
LOCAL_ACTOR_ROLE = Role.IT_ADMIN


@dataclass(frozen=True)
class DeferredGrant:
    """A checked grant not used up yet: :meth:`Authorizer.consume_in` uses it in the action's
    own transaction."""
    actor: Actor
    permission: Permission
    grant: ApprovalGrant
    role: Role


class GrantGone(Exception):
    """Raised by :meth:`Authorizer.consume_in` (the caller's transaction rolls back); the caller
    then calls :meth:`Authorizer.refuse_gone`, which audits and raises ApprovalRequired."""

    def __init__(self, deferred: DeferredGrant, problem: str) -> None:
        super().__init__(problem)
        self.deferred, self.problem = deferred, problem


class Authorizer:
    def __init__(self, db: Database, audit: AuditLog, clock: Clock) -> None:
        self.db, self.audit, self.clock = db, audit, clock

    def current_role(self, actor: Actor) -> Role | None:
        """The actor's role as the database has it now; None if not an active operator."""
        if actor.operator_id.startswith(LOCAL_ACTOR_PREFIX):
            return LOCAL_ACTOR_ROLE
        with self.db.read() as session:
            op = session.get(Operator, actor.operator_id)
            return Role(op.role) if op is not None and op.active else None

    def plainly_allows(self, session: Session, actor: Actor, permission: Permission) -> bool:
        """True when the role the database has now allows ``permission`` outright.

        For hot paths (a scan) that already hold a transaction: one indexed read in it, no
        session of its own. False means "not outright" (denied, or approval needed): the
        caller then leaves its transaction and calls :meth:`require`, which audits and raises.
        """
        role: Role | str = LOCAL_ACTOR_ROLE
        if not actor.operator_id.startswith(LOCAL_ACTOR_PREFIX):
            row = driver(session).execute(_ROLE_OF, (actor.operator_id,)).fetchone()
            if row is None or not row[1]:
                return False
            role = row[0]
        try:
            return decide(role, permission) is Decision.ALLOW
        except ValueError:  # a role this build does not know: let require() explain
            return False

    def require(self, actor: Actor, permission: Permission | str,
                grant: ApprovalGrant | None = None, *, defer: bool = False) -> DeferredGrant | None:
        """Return if ``actor`` may do ``permission`` now, else raise (after auditing).

        Call it before opening the service's own transaction: a refusal commits its audit
        entry in a transaction of its own, which would wait on a write lock held by the caller.
        With ``defer`` a grant that is needed is only checked and returned, to be used up in
        the caller's transaction (:meth:`consume_in`).
        """
        permission = Permission(permission)
        role = self.current_role(actor)
        if role is None:
            self._deny(actor, permission, "inactive_or_unknown_operator",
                       f"Operator {actor.operator_id} is not an active operator.")
        decision = decide(role, permission)
        if decision is Decision.ALLOW:
            return None
        if decision is Decision.DENY:
            self._deny(actor, permission, "role",
                       f"A {role.label_en.lower()} may not do this ({permission.label_en}).",
                       role=role)
        if grant is None:
            self._refuse_approval(actor, permission, "no_approval",
                                  f"{permission.label_en} needs a manager's approval.", role)
        return self._use_or_check(actor, permission, grant, role, defer)

    def _use_or_check(self, actor: Actor, permission: Permission, grant: ApprovalGrant, role: Role,
                      defer: bool) -> DeferredGrant | None:
        if defer:
            with self.db.read() as session:
                problem = self._use(session, actor, permission, grant, mark=False)
        else:
            with self.db.transaction() as session:
                problem = self._use(session, actor, permission, grant, mark=True)
        if problem:
            self._unusable(actor, permission, problem, role, grant)
        return DeferredGrant(actor, permission, grant, role) if defer else None

    def _unusable(self, actor: Actor, permission: Permission, problem: str, role: Role,
                  grant: ApprovalGrant) -> NoReturn:
        self._refuse_approval(actor, permission, problem,
                              f"The approval cannot be used ({problem.replace('_', ' ')}); "
                              "ask a manager to approve again.", role, approval_id=grant.approval_id)

    def require_second_person(self, actor: Actor, permission: Permission | str,
                              grant: ApprovalGrant | None, *, defer: bool = False) -> DeferredGrant | None:
        """Like :meth:`require`, and then a second person too: ``grant`` must come from
        someone other than ``actor`` even when ``actor`` may do it alone (the four-eyes rule
        for large stock adjustments). The grant is used up (with ``defer``: checked, and
        returned for :meth:`consume_in`)."""
        permission = Permission(permission)
        deferred = self.require(actor, permission, grant, defer=defer)
        role = self.current_role(actor) or Role(actor.role)
        if decide(role, permission) is not Decision.ALLOW:
            return deferred  # require() already consumed (or checked) a second person's grant
        if grant is None or grant.approved_by == actor.operator_id:
            self._refuse_approval(actor, permission, "second_person_required",
                                  f"{permission.label_en} of this size needs a second person's approval.", role)
        return self._use_or_check(actor, permission, grant, role, defer)

    def consume_in(self, session: Session, deferred: DeferredGrant | None) -> None:
        """Use up a deferred grant inside the action's transaction; :class:`GrantGone` if it was
        used (or expired) meanwhile: the caller lets its transaction roll back, then calls
        :meth:`refuse_gone`."""
        if deferred is None:
            return
        problem = self._use(session, deferred.actor, deferred.permission, deferred.grant, mark=True)
        if problem:
            raise GrantGone(deferred, problem)

    def refuse_gone(self, gone: GrantGone) -> NoReturn:
        d = gone.deferred
        self._unusable(d.actor, d.permission, gone.problem, d.role, d.grant)

    def _use(self, session: Session, actor: Actor, permission: Permission, grant: ApprovalGrant, *,
             mark: bool) -> str:
        """Check the approval (and with ``mark``, mark it used and audit it); returns a problem
        name instead if it cannot be used."""
        row = session.get(Approval, str(grant.approval_id), populate_existing=True)
        now = self.clock.now()
        if row is None:
            return "unknown_approval"
        if row.action != permission.value or grant.permission != permission.value:
            return "approval_for_another_action"
        if row.requested_by != actor.operator_id or grant.requested_by != actor.operator_id:
            return "approval_for_another_operator"
        if row.approved_by != grant.approved_by:
            return "approval_does_not_match_record"
        if row.used_at is not None:
            return "approval_already_used"
        age = now - parse_iso(row.at)
        if age > APPROVAL_TTL or age < timedelta(0):
            return "approval_expired"
        if not mark:
            return ""
        row.used_at = iso(now)
        self.audit.append(session, operator_id=actor.operator_id, action="approval.used",
                          target=row.id, details={"permission": permission.value,
                                                  "approved_by": row.approved_by})
        return ""

    def _deny(self, actor: Actor, permission: Permission, why: str, message: str,
              role: Role | None = None) -> NoReturn:
        with self.db.transaction() as session:
            self.audit.append(session, operator_id=actor.operator_id, action="permission.denied",
                              target=permission.value,
                              details={"reason": why, "role": Role(role or actor.role).value})
        raise PermissionDenied(permission.value, message)

    def _refuse_approval(self, actor: Actor, permission: Permission, why: str, message: str,
                         role: Role, approval_id: str | None = None) -> NoReturn:
        details = {"reason": why, "role": role.value}
        if approval_id is not None:
            details["approval_id"] = str(approval_id)
        with self.db.transaction() as session:
            self.audit.append(session, operator_id=actor.operator_id,
                              action="permission.approval_required", target=permission.value,
                              details=details)
        raise ApprovalRequired(permission.value, message)
