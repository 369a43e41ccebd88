"""The one call that queues a completed sale for HQ.

The checkout calls :func:`record_sale_event` inside the transaction that stores
the sale, exactly as the kill and fault tests' client process does, so what is
proven there is what runs at the till.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from store_client.clock import Clock
from store_client.persistence.models import OutboxEvent
from sync.terminal import outbox
from sync.protocol.events import CURRENT_VERSION, validate

SALE_KIND = "sale.completed"


def record_sale_event(session: Session, sale: dict[str, Any], *, clock: Clock | None = None) -> OutboxEvent:
    """Validate ``sale`` against the current schema (fail at the till, not at HQ) and enqueue it."""
    version = CURRENT_VERSION[SALE_KIND]
    validate(SALE_KIND, version, sale)
    return outbox.enqueue(session, SALE_KIND, sale, schema_version=version, clock=clock)
