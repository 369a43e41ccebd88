"""Operator login, terminal unlock and logout, with PIN lockout.

Five consecutive wrong PINs lock that operator for five minutes; a success
resets the count. The slow scrypt check runs outside the write transaction (so
it never holds the database's write lock); the counter update and its audit
entry then commit in one transaction, also when the login is refused.
:class:`PinGate` is shared with the manager approvals, so an approver's wrong
PINs count towards the same lockout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn, TypeVar

from sqlalchemy.orm import Session

from store_client.clock import Clock, iso, parse_iso
from store_client.domain import pins
from store_client.domain.roles import Role
from store_client.persistence.db import Database
from store_client.persistence.models import Operator
from store_client.services.audit import AuditLog
from store_client.services.errors import LoginRefused

MAX_FAILED_PINS = 5
LOCKOUT = timedelta(minutes=5)
MAX_ID_IN_AUDIT = 32  # attempted ids are attacker-controlled text

T = TypeVar("T")


@dataclass(frozen=True)
class Actor:
    """Who is acting: the logged-in operator (or ``cli:<user>`` for local IT tools)."""

    operator_id: str
    name: str
    role: Role


def _locked_until(op: Operator, now: datetime) -> datetime | None:
    if op.locked_until is None:
        return None
    until = parse_iso(op.locked_until)
    return until if now < until else None


class PinGate:
    """Checks an operator's PIN with the lockout rules, auditing every outcome.

    A refusal is audited as ``<purpose>_failed`` (a lockout adds ``auth.locked_out``);
    ``on_success`` writes the success entry in the same transaction as the counter reset.
    """

    def __init__(self, db: Database, clock: Clock, audit: AuditLog) -> None:
        self.db, self.clock, self.audit = db, clock, audit

    def check(
        self,
        operator_id: str,
        pin: str,
        *,
        purpose: str,
        on_success: Callable[[Session, Operator], T],
        details: dict | None = None,
    ) -> T:
        """Verify, then in ONE transaction update the counter, audit, and run ``on_success``."""
        extra = dict(details or {})
        try:
            pins.validate_pin(pin)
        except pins.InvalidPin:
            # Not counted: a malformed PIN cannot be a guess at a real one.
            self._refuse(operator_id, purpose, extra, LoginRefused(
                "invalid_pin_format", f"A PIN is {pins.MIN_PIN} to {pins.MAX_PIN} digits."))
        with self.db.read() as session:
            snapshot = session.get(Operator, operator_id) if isinstance(operator_id, str) else None
            stored = snapshot.pin_hash if snapshot else None
            active = bool(snapshot and snapshot.active)
            locked = _locked_until(snapshot, self.clock.now()) if snapshot else None
        if snapshot is None or not active or locked is not None:
            pins.verify_pin(pin, pins.dummy_hash())  # same time as a real check
            if snapshot is None:
                error = LoginRefused("unknown_operator", "Unknown operator id or wrong PIN.")
            elif not active:
                error = LoginRefused("inactive", "This operator account is deactivated.")
            else:
                assert locked is not None
                error = _locked_error(locked)
            self._refuse(operator_id, purpose, extra, error)
        assert stored is not None  # an active, unlocked operator has a PIN hash
        correct = pins.verify_pin(pin, stored)

        refusal: LoginRefused | None = None
        result: T
        with self.db.transaction() as session:
            op = session.get(Operator, operator_id, populate_existing=True)
            now = self.clock.now()
            if op is None or not op.active:  # removed or deactivated meanwhile
                refusal = LoginRefused("inactive", "This operator account is deactivated.")
                self._audit_refusal(session, operator_id, purpose, extra, refusal)
            elif (locked := _locked_until(op, now)) is not None:  # locked meanwhile
                refusal = _locked_error(locked)
                self._audit_refusal(session, operator_id, purpose, extra, refusal)
            else:
                if op.pin_hash != stored:  # PIN changed meanwhile (rare): check the new one
                    correct = pins.verify_pin(pin, op.pin_hash)
                if correct:
                    op.failed_attempts = 0
                    op.locked_until = None
                    result = on_success(session, op)
                else:
                    refusal = self._count_failure(session, op, now, purpose, extra)
        if refusal is not None:
            raise refusal
        return result

    def _count_failure(self, session: Session, op: Operator, now: datetime, purpose: str,
                       extra: dict) -> LoginRefused:
        op.failed_attempts += 1
        if op.failed_attempts >= MAX_FAILED_PINS:
            until = now + LOCKOUT
            op.failed_attempts = 0  # a fresh count once the lockout has passed
            op.locked_until = iso(until)
            refusal = LoginRefused(
                "locked",
                f"Wrong PIN {MAX_FAILED_PINS} times: this operator is locked until "
                f"{until:%H:%M:%S} UTC, or until a manager unlocks it.",
                locked_until=until, attempts_left=0,
            )
            self._audit_refusal(session, op.id, purpose, extra, refusal)
            self.audit.append(session, operator_id=op.id, action="auth.locked_out", target=op.id,
                              details={"until": iso(until), "after": purpose,
                                       "failed_pins": MAX_FAILED_PINS})
            return refusal
        left = MAX_FAILED_PINS - op.failed_attempts
        refusal = LoginRefused("wrong_pin", f"Wrong PIN. {left} attempt(s) left before lockout.",
                               attempts_left=left)
        self._audit_refusal(session, op.id, purpose, extra, refusal)
        return refusal

    def _audit_refusal(self, session: Session, operator_id: str, purpose: str, extra: dict,
                       refusal: LoginRefused) -> None:
        # Only an id that names a real operator goes in the operator column.
        known = refusal.reason in ("wrong_pin", "locked", "inactive")
        shown = str(operator_id)[:MAX_ID_IN_AUDIT]
        details = {**extra, "reason": refusal.reason}
        if refusal.attempts_left is not None:
            details["attempts_left"] = refusal.attempts_left
        self.audit.append(session, operator_id=shown if known else None,
                          action=f"{purpose}_failed", target=shown, details=details)

    def _refuse(self, operator_id: str, purpose: str, extra: dict,
                refusal: LoginRefused) -> NoReturn:
        with self.db.transaction() as session:
            self._audit_refusal(session, operator_id, purpose, extra, refusal)
        raise refusal


def _locked_error(until: datetime) -> LoginRefused:
    return LoginRefused("locked", f"Too many wrong PINs: this operator is locked until "
                                  f"{until:%H:%M:%S} UTC, or until a manager unlocks it.",
                        locked_until=until)


class AuthService:
    """Login and terminal unlock take one scrypt check (~50 ms): call them off the UI thread."""

    def __init__(self, db: Database, clock: Clock, audit: AuditLog) -> None:
        self.db, self.clock, self.audit = db, clock, audit
        self.gate = PinGate(db, clock, audit)

    def login(self, operator_id: str, pin: str) -> Actor:
        def success(session: Session, op: Operator) -> Actor:
            self.audit.append(session, operator_id=op.id, action="auth.login", target=op.id,
                              details={"role": op.role})
            return Actor(operator_id=op.id, name=op.name, role=Role(op.role))

        return self.gate.check(operator_id, pin, purpose="auth.login", on_success=success)

    def unlock_terminal(self, actor: Actor, pin: str) -> None:
        """Re-enter the PIN after the idle lock; the same lockout rules apply."""
        def success(session: Session, op: Operator) -> None:
            self.audit.append(session, operator_id=op.id, action="auth.unlock", target=op.id)

        self.gate.check(actor.operator_id, pin, purpose="auth.unlock", on_success=success)

    def logout(self, actor: Actor) -> None:
        with self.db.transaction() as session:
            self.audit.append(session, operator_id=actor.operator_id, action="auth.logout",
                              target=actor.operator_id)
