"""What HQ tells a store's tills about the whole store, for the manager's board.

* ``store_tills``: every till of the store as HQ last heard from it — when, and the queue it
  reported (events waiting, the oldest one's time). A till reports its queue in the
  ``X-Till-Queue`` header of its requests (``<waiting>;<oldest time or empty>``), so the
  report costs no request of its own. A till's row is published again when its queue
  changes, and at most once a :data:`REPUBLISH_AFTER` otherwise: each row published is a
  change every other till pulls, so "last contact" is as fresh as that, not fresher.
* ``store_enrollments``: each member who joined through one of the store's links — the QR
  at the counter or the one printed on a receipt — credited to the associate the link
  names. The till alone hears only of the enrollments it waited for at its own counter.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from sync.hq.feed_rows import publish_row
from sync.protocol.till_queue import parse_queue

if TYPE_CHECKING:
    from sync.hq.service import HQService, TerminalIdentity

log = logging.getLogger(__name__)

TILLS = "store_tills"
ENROLLMENTS = "store_enrollments"
REPUBLISH_AFTER = timedelta(seconds=60)


class TillHealth:
    """Notes each authenticated request and publishes the till's row when it is due."""

    def __init__(self, service: HQService, *, now: Callable[[], datetime] | None = None) -> None:
        self.service = service
        self.now = now or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()
        self._published: dict[tuple[str, str], tuple[int | None, str | None, datetime]] = {}

    def heard(self, who: TerminalIdentity, header: str | None) -> bool:
        """Note a contact from ``who``; True if its row was published. Never raises: the
        board's figure must not fail the till's sync."""
        now = self.now()
        key = (who.store_id, who.terminal_id)
        report = parse_queue(header)
        with self._lock:
            last = self._published.get(key)
            waiting, oldest = report if report is not None else ((last[0], last[1]) if last else (None, None))
            if last is not None and (last[0], last[1]) == (waiting, oldest) and now - last[2] < REPUBLISH_AFTER:
                return False
            self._published[key] = (waiting, oldest, now)
        row = {"terminal_id": who.terminal_id, "last_contact_at": now.isoformat(timespec="seconds"),
               "waiting": waiting, "oldest_waiting_at": oldest}
        try:
            self.service.publish(TILLS, who.terminal_id, row, scope=who.store_id)
        except Exception:  # noqa: BLE001 - logged; the next contact tries again
            log.exception("publishing the sync health of %s/%s failed", *key)
            with self._lock:
                self._published.pop(key, None)
            return False
        return True


def publish_enrollment(conn: Connection, *, store_id: str, terminal_id: str, associate_id: str | None,
                       member_id: str, via: str, linked_existing: bool, at: str) -> None:
    """The store's credit for a member who joined through its link, in the enrollment's
    own transaction (a member heard twice is one row: keyed by the member)."""
    row: dict[str, Any] = {"member_id": member_id, "terminal_id": terminal_id, "associate_id": associate_id,
                           "via": via, "linked_existing": linked_existing, "at": at}
    publish_row(conn, ENROLLMENTS, store_id, member_id, row)
