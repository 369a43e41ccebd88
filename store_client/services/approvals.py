"""Manager approvals: a manager enters their id and PIN at the terminal to let
another operator do one privileged action.

The approval is recorded (who approved what for whom, and why) with its audit
entry in one transaction; :class:`~store_client.services.authorization.Authorizer`
later accepts it once, for that permission and that requester, within two minutes.
The approver's wrong PINs count towards their own lockout.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from sqlalchemy.orm import Session

from store_client.clock import Clock, iso
from store_client.domain.audit_chain import NotCanonical, canonical_json
from store_client.domain.roles import Decision, Permission, Role, decide
from store_client.persistence.db import Database
from store_client.persistence.models import Approval, Operator
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor, PinGate
from store_client.services.errors import ApprovalRefused

MAX_REASON = 500


@dataclass(frozen=True)
class ApprovalGrant:
    approval_id: str
    permission: str
    requested_by: str
    approved_by: str
    reason: str
    granted_at: datetime


class ApprovalService:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog) -> None:
        self.db, self.clock, self.audit = db, clock, audit
        self.gate = PinGate(db, clock, audit)

    def approve(
        self,
        requester: Actor,
        approver_id: str,
        approver_pin: str,
        permission: Permission | str,
        reason: str,
        context: dict[str, Any] | None = None,
    ) -> ApprovalGrant:
        permission = Permission(permission)
        reason = reason.strip() if isinstance(reason, str) else ""
        base = {"permission": permission.value, "requested_by": requester.operator_id}
        if not reason:
            self._refuse(requester, approver_id, base, "no_reason",
                         "Enter the reason for this approval.")
        if len(reason) > MAX_REASON:
            self._refuse(requester, approver_id, base, "reason_too_long",
                         f"The reason is limited to {MAX_REASON} characters.")
        try:
            context_text = canonical_json(dict(context or {}))
        except (NotCanonical, TypeError, ValueError) as exc:
            raise ValueError(f"approval context is not storable: {exc}") from None
        if approver_id == requester.operator_id:
            self._refuse(requester, approver_id, base, "self_approval",
                         "You cannot approve your own request; ask another manager.")
        if decide(requester.role, permission) is Decision.DENY:
            self._refuse(requester, approver_id, base, "not_approvable",
                         f"A {Role(requester.role).label_en.lower()} may not do this even with "
                         "an approval.")

        def record(session: Session, approver: Operator) -> ApprovalGrant | str:
            if decide(approver.role, permission) is not Decision.ALLOW:
                self.audit.append(session, operator_id=approver.id, action="approval.refused",
                                  target=permission.value,
                                  details={**base, "reason": "approver_role",
                                           "approver_role": approver.role})
                return Role(approver.role).label_en
            now = self.clock.now()
            row = Approval(id=str(uuid.uuid4()), at=iso(now), action=permission.value,
                           requested_by=requester.operator_id, approved_by=approver.id,
                           reason=reason, context=context_text)
            session.add(row)
            self.audit.append(session, operator_id=approver.id, action="approval.granted",
                              target=row.id, details={**base, "why": reason,
                                                      "context": context or {}})
            return ApprovalGrant(approval_id=row.id, permission=permission.value,
                                 requested_by=requester.operator_id, approved_by=approver.id,
                                 reason=reason, granted_at=now)

        outcome = self.gate.check(approver_id, approver_pin, purpose="approval.pin",
                                  on_success=record, details=base)
        if isinstance(outcome, str):  # audited inside the PIN transaction
            raise ApprovalRefused(f"A {outcome.lower()} cannot approve {permission.label_en}; "
                                  "ask a manager.", code="approval.approver_role")
        return outcome

    def _refuse(self, requester: Actor, approver_id: str, base: dict, why: str,
                message: str) -> NoReturn:
        with self.db.transaction() as session:
            self.audit.append(session, operator_id=requester.operator_id,
                              action="approval.refused", target=base["permission"],
                              details={**base, "reason": why,
                                       "approver": str(approver_id)[:32]})
        raise ApprovalRefused(message, code=f"approval.{why}")
