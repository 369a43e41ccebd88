"""Small sync facts in ``sync_state``: last success, last error, measured skew."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store_client.persistence.models import SyncState

LAST_SUCCESS = "last_success_at"
LAST_ATTEMPT = "last_attempt_at"
LAST_ERROR = "last_error"
SKEW_MS = "skew_ms"


def put(session: Session, key: str, value: str) -> None:
    session.merge(SyncState(key=key, value=value))


def get_all(session: Session) -> dict[str, str]:
    return {row.key: row.value for row in session.scalars(select(SyncState))}
