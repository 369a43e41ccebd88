"""The append-only, hash-chained audit log of security-relevant actions.

:meth:`AuditLog.append` runs inside the caller's write transaction, so an entry
commits with the change it records (or not at all). Appends serialize on the
IMMEDIATE transaction's write lock; the previous entry is read inside it. Each
append also advances the anchor (``audit.anchor`` in ``terminal_settings``)
and enqueues an ``audit.entry`` outbox event so HQ holds a copy of the chain.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store_client.clock import Clock, iso, parse_iso
from store_client.domain.audit_chain import (
    GENESIS_HASH,
    Anchor,
    ChainEntry,
    ChainReport,
    canonical_json,
    entry_hash,
    verify_chain,
)
from store_client.persistence.db import Database
from store_client.persistence.models import AuditEntry, TerminalSetting
from sync.terminal import outbox

__all__ = ["ANCHOR_KEY", "OUTBOX_KIND", "AuditLog", "AuditRow", "ChainReport"]

ANCHOR_KEY = "audit.anchor"
OUTBOX_KIND = "audit.entry"
MAX_TARGET = 128
MAX_ACTION = 64


@dataclass(frozen=True)
class AuditRow:
    """One audit entry, for display."""

    seq: int
    at: datetime
    operator_id: str | None
    action: str
    target: str
    details: dict[str, Any]


class AuditLog:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def append(
        self,
        session: Session,
        *,
        operator_id: str | None,
        action: str,
        target: str = "",
        details: dict[str, Any] | None = None,
    ) -> AuditEntry:
        if not session.in_transaction():
            raise RuntimeError("AuditLog.append must run inside the caller's transaction")
        if not action or len(action) > MAX_ACTION:
            raise ValueError(f"audit action must be 1-{MAX_ACTION} characters")
        details = dict(details or {})
        details_text = canonical_json(details)  # refuses floats and other non-canonical values
        target = target[:MAX_TARGET]
        last = session.execute(
            select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
        ).first()
        seq, prev_hash = (last.seq + 1, last.hash) if last else (1, GENESIS_HASH)
        at = iso(self.clock.now())
        digest = entry_hash(seq=seq, at=at, operator_id=operator_id, action=action,
                            target=target, details=details, prev_hash=prev_hash)
        entry = AuditEntry(seq=seq, at=at, operator_id=operator_id, action=action, target=target,
                           details=details_text, prev_hash=prev_hash, hash=digest)
        session.add(entry)
        session.merge(TerminalSetting(key=ANCHOR_KEY,
                                      value=json.dumps({"seq": seq, "hash": digest})))
        outbox.enqueue(session, OUTBOX_KIND, {
            "seq": seq, "at": at, "operator_id": operator_id, "action": action,
            "target": target, "details": details, "prev_hash": prev_hash, "hash": digest,
        }, clock=self.clock)  # enqueue flushes, so a duplicate seq fails here, not at commit
        return entry

    def verify(self, db: Database) -> ChainReport:
        """Re-hash the whole chain in one read snapshot; streams, so memory stays flat."""
        with db.read() as session:
            anchor_text = session.get(TerminalSetting, ANCHOR_KEY)
            anchor = _parse_anchor(anchor_text.value) if anchor_text else None
            rows = session.execute(
                select(AuditEntry.seq, AuditEntry.at, AuditEntry.operator_id, AuditEntry.action,
                       AuditEntry.target, AuditEntry.details, AuditEntry.prev_hash,
                       AuditEntry.hash)
                .order_by(AuditEntry.seq)
                .execution_options(yield_per=2000)
            )
            entries = (ChainEntry(*row) for row in rows)
            if anchor_text is not None and anchor is None:
                return ChainReport(False, 0, None, "the anchor in terminal_settings is unreadable")
            return verify_chain(entries, anchor)

    def recent(self, db: Database, limit: int = 200, action: str | None = None) -> list[AuditRow]:
        """The newest ``limit`` entries, newest first, optionally of one action."""
        if not 1 <= limit <= 10_000:
            raise ValueError("limit must be between 1 and 10000")
        query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
        if action:
            query = query.where(AuditEntry.action == action)
        with db.read() as session:
            return [_row(e) for e in session.scalars(query)]


def _parse_anchor(text: str) -> Anchor | None:
    try:
        data = json.loads(text)
        seq, digest = data["seq"], data["hash"]
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(seq, int) or not isinstance(digest, str):
        return None
    return Anchor(seq=seq, hash=digest)


def _row(entry: AuditEntry) -> AuditRow:
    try:
        details = json.loads(entry.details)
    except ValueError:
        details = {"unreadable": entry.details}
    if not isinstance(details, dict):
        details = {"value": details}
    try:
        at = parse_iso(entry.at)
    except ValueError:  # a tampered row: show it (verify reports it) rather than fail
        at = datetime.fromtimestamp(0, UTC)
        details = {**details, "unreadable_at": entry.at}
    return AuditRow(seq=entry.seq, at=at, operator_id=entry.operator_id,
                    action=entry.action, target=entry.target,
                    details=details)
