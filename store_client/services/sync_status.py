"""What the store sees of sync (status bar, Sync screen, shift close), without Qt.

All figures come from the terminal database plus the runner's current phase,
so the status is right even right after a restart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from store_client.clock import Clock, parse_iso
from store_client.domain.money import Money
from store_client.persistence.db import Database
from store_client.persistence.models import OutboxEvent, SyncCursor
from sync.terminal import state

LARGE_SKEW = timedelta(minutes=2)


@dataclass(frozen=True)
class SyncStatus:
    state: str  # "online" | "offline" | "syncing" | "not configured"
    pending: int
    needs_attention: int
    oldest_pending_age: timedelta | None
    last_success: datetime | None
    skew: timedelta | None
    last_error: str | None
    dataset_errors: dict[str, str]

    @property
    def upgrade_needed(self) -> str | None:
        """``"till"`` or ``"hq"`` while HQ refuses this till's protocol version."""
        from sync.protocol.version import side_to_upgrade

        return side_to_upgrade(self.last_error)

    @property
    def skew_is_large(self) -> bool:
        return self.skew is not None and abs(self.skew) >= LARGE_SKEW


@dataclass(frozen=True)
class EventRow:
    seq: int
    event_id: str
    kind: str
    created_at: str
    status: str
    attempts: int
    last_error: str | None
    summary: str


def read_status(db: Database, clock: Clock, *, phase: str | None) -> SyncStatus:
    """``phase`` from the running :class:`sync.terminal.runner.SyncRunner`; None when HQ is not configured."""
    with db.read() as session:
        counts = {st: n for st, n in session.execute(select(OutboxEvent.status, func.count()).where(
            OutboxEvent.status.in_(("pending", "rejected"))).group_by(OutboxEvent.status))}
        oldest = session.scalar(select(OutboxEvent.created_at).where(OutboxEvent.status == "pending")
                                .order_by(OutboxEvent.seq).limit(1))
        facts = state.get_all(session)
        errors = {c.dataset: c.last_error for c in session.scalars(
            select(SyncCursor).where(SyncCursor.last_error.is_not(None))) if c.last_error}
    now = clock.now()
    age = max(timedelta(0), now - parse_iso(oldest)) if oldest else None
    last = parse_iso(facts[state.LAST_SUCCESS]) if facts.get(state.LAST_SUCCESS) else None
    skew = timedelta(milliseconds=int(facts[state.SKEW_MS])) if facts.get(state.SKEW_MS) else None
    return SyncStatus(state=phase or "not configured", pending=counts.get("pending", 0),
                      needs_attention=counts.get("rejected", 0), oldest_pending_age=age,
                      last_success=last, skew=skew, last_error=facts.get(state.LAST_ERROR) or None,
                      dataset_errors=errors)


def list_events(db: Database, status: str, limit: int = 200) -> list[EventRow]:
    """Oldest first: waiting (``pending``) or needs-attention (``rejected``) events."""
    if status not in ("pending", "rejected"):
        raise ValueError(f"unknown status {status!r}")
    with db.read() as session:
        rows = session.execute(select(OutboxEvent).where(OutboxEvent.status == status)
                               .order_by(OutboxEvent.seq).limit(limit)).scalars().all()
        return [EventRow(r.seq, r.event_id, r.kind, r.created_at, r.status, r.attempts, r.last_error,
                         _summary(r.kind, r.payload)) for r in rows]


def _summary(kind: str, payload: str) -> str:
    try:
        data = json.loads(payload)
    except ValueError:
        return ""
    if kind == "sale.completed" and isinstance(data, dict):
        total = data.get("total_minor")
        if isinstance(total, int) and not isinstance(total, bool):
            return str(Money(total))
    return ""


def shift_close_warning(status: SyncStatus) -> str | None:
    """The warning to show before closing a shift, or None."""
    if status.pending == 0 and status.needs_attention == 0:
        return None
    parts = []
    if status.pending:
        parts.append(f"{status.pending} event(s) not yet delivered to HQ")
    if status.needs_attention:
        parts.append(f"{status.needs_attention} event(s) rejected by HQ need attention")
    return "; ".join(parts)


def format_age(age: timedelta | None) -> str:
    if age is None:
        return "-"
    seconds = int(age.total_seconds())
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h{(seconds % 3600) // 60:02d}m"
    return f"{seconds // 86400}d{(seconds % 86400) // 3600}h"
