"""The transactional outbox: events for HQ written with the change they record.

Call :func:`enqueue` with the session of the service's unit of work, never in a
transaction of its own: if the change commits, so does its event; if it rolls
back, no event exists. The per-terminal sequence is the table's AUTOINCREMENT
key, so ordering never depends on the terminal clock.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store_client.clock import Clock, SystemClock, iso
from store_client.persistence.models import OutboxEvent
from sync.protocol.till_queue import queue_header


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    schema_version: int = 1,
    clock: Clock | None = None,
    event_id: str | None = None,
) -> OutboxEvent:
    if not session.in_transaction():
        raise RuntimeError("outbox.enqueue must run inside the caller's transaction")
    event = OutboxEvent(
        event_id=event_id or str(uuid.uuid4()),
        kind=kind,
        schema_version=schema_version,
        payload=json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        created_at=iso((clock or SystemClock()).now()),
        status="pending",
        attempts=0,
    )
    session.add(event)
    session.flush()  # assigns seq inside this transaction
    return event


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.status == "pending")) or 0


def queue_report(session: Session) -> str:
    """The ``X-Till-Queue`` header's value: events waiting and the oldest one's time (by
    the index on status and seq: the lowest pending seq is the oldest)."""
    oldest = session.scalar(select(OutboxEvent.created_at).where(OutboxEvent.status == "pending")
                            .order_by(OutboxEvent.seq).limit(1))
    try:
        moment = datetime.fromisoformat(oldest) if oldest else None
    except ValueError:  # the terminal's own text; a bad one reports no time rather than fail the sync
        moment = None
    return queue_header(pending_count(session), moment if moment is None or moment.tzinfo else None)
