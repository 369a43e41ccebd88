"""Operator administration for store managers and store IT.

Every use case checks its permission first (``operator.unlock`` for managers,
``operator.manage`` for IT) and writes its change with its audit entry (which
also goes to HQ through the outbox) in one transaction. PIN hashes never leave
this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from store_client.clock import Clock, parse_iso
from store_client.domain import pins
from store_client.domain.roles import Permission, Role
from store_client.persistence.db import Database
from store_client.persistence.models import Operator
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer
from store_client.services.errors import Conflict, InvalidInput, NotFound

MAX_ID, MAX_NAME = 16, 64


@dataclass(frozen=True)
class OperatorInfo:
    operator_id: str
    name: str
    role: Role
    active: bool
    failed_attempts: int
    locked_until: datetime | None  # only while the lock is in force


def validate_operator_id(operator_id: object) -> str:
    if (not isinstance(operator_id, str) or not 1 <= len(operator_id) <= MAX_ID
            or not operator_id.isascii() or not operator_id.isalnum()):
        raise InvalidInput("operator_id", f"An operator id is 1 to {MAX_ID} letters or digits.")
    return operator_id


def validate_name(name: object) -> str:
    cleaned = " ".join(name.split()) if isinstance(name, str) else ""
    if not 1 <= len(cleaned) <= MAX_NAME or not cleaned.isprintable():
        raise InvalidInput("name", f"A name is 1 to {MAX_NAME} printable characters.")
    return cleaned


def _validate_role(role: object) -> Role:
    try:
        if not isinstance(role, str):
            raise ValueError(role)
        return Role(role)
    except ValueError:
        raise InvalidInput("role", "The role must be one of: "
                                   + ", ".join(r.value for r in Role)) from None


def _validate_new_pin(pin: object) -> str:
    try:
        pins.validate_new_pin(pin)  # type: ignore[arg-type]
    except pins.InvalidPin as exc:
        text = str(exc)
        raise InvalidInput("pin", f"{text[:1].upper()}{text[1:]}.") from None
    return pin  # type: ignore[return-value]


def _lock_in_force(op: Operator, now: datetime) -> datetime | None:
    until = parse_iso(op.locked_until) if op.locked_until else None
    return until if until is not None and until > now else None


class OperatorService:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog,
                 authorizer: Authorizer) -> None:
        self.db, self.clock, self.audit, self.authorizer = db, clock, audit, authorizer

    def list_operators(self, actor: Actor) -> list[OperatorInfo]:
        self.authorizer.require(actor, Permission.OPERATOR_UNLOCK)
        now = self.clock.now()
        with self.db.read() as session:
            rows = session.scalars(select(Operator).order_by(Operator.id)).all()
            return [OperatorInfo(
                operator_id=op.id, name=op.name, role=Role(op.role), active=op.active,
                failed_attempts=op.failed_attempts,
                locked_until=_lock_in_force(op, now),
            ) for op in rows]

    def unlock_operator(self, actor: Actor, operator_id: str) -> None:
        """Lift a PIN lockout (and clear the wrong-PIN count) before the 5 minutes pass."""
        self.authorizer.require(actor, Permission.OPERATOR_UNLOCK)
        operator_id = validate_operator_id(operator_id)
        with self.db.transaction() as session:
            op = self._get(session, operator_id)
            was_locked = _lock_in_force(op, self.clock.now()) is not None
            op.locked_until = None
            op.failed_attempts = 0
            self.audit.append(session, operator_id=actor.operator_id, action="operator.unlocked",
                              target=operator_id, details={"was_locked": was_locked})

    def create_operator(self, actor: Actor, operator_id: str, name: str, role: Role | str,
                        pin: str) -> OperatorInfo:
        self.authorizer.require(actor, Permission.OPERATOR_MANAGE)
        operator_id = validate_operator_id(operator_id)
        name = validate_name(name)
        role = _validate_role(role)
        pin_hash = pins.hash_pin(_validate_new_pin(pin))  # slow: before the write lock
        with self.db.transaction() as session:
            if session.get(Operator, operator_id) is not None:
                raise Conflict(f"Operator {operator_id} exists already.")
            session.add(Operator(id=operator_id, name=name, role=role.value, pin_hash=pin_hash,
                                 active=True, failed_attempts=0, locked_until=None))
            self.audit.append(session, operator_id=actor.operator_id, action="operator.created",
                              target=operator_id, details={"name": name, "role": role.value})
        return OperatorInfo(operator_id, name, role, True, 0, None)

    def set_pin(self, actor: Actor, operator_id: str, new_pin: str) -> None:
        """Give an operator a new PIN; this also lifts any lockout."""
        self.authorizer.require(actor, Permission.OPERATOR_MANAGE)
        operator_id = validate_operator_id(operator_id)
        pin_hash = pins.hash_pin(_validate_new_pin(new_pin))
        with self.db.transaction() as session:
            op = self._get(session, operator_id)
            op.pin_hash = pin_hash
            op.failed_attempts = 0
            op.locked_until = None
            self.audit.append(session, operator_id=actor.operator_id, action="operator.pin_set",
                              target=operator_id)

    def deactivate(self, actor: Actor, operator_id: str) -> None:
        self.authorizer.require(actor, Permission.OPERATOR_MANAGE)
        operator_id = validate_operator_id(operator_id)
        if operator_id == actor.operator_id:
            raise InvalidInput("operator_id", "You cannot deactivate your own account.")
        with self.db.transaction() as session:
            op = self._get(session, operator_id)
            if not op.active:
                return
            op.active = False
            self.audit.append(session, operator_id=actor.operator_id,
                              action="operator.deactivated", target=operator_id)

    @staticmethod
    def _get(session, operator_id: str) -> Operator:  # type: ignore[no-untyped-def]
        op = session.get(Operator, operator_id, populate_existing=True)
        if op is None:
            raise NotFound(f"No operator {operator_id}.")
        return op
