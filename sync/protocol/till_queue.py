"""The ``X-Till-Queue`` header: a till's outbox as it reports it to HQ on its requests.

``<waiting>;<oldest waiting event's time, or empty>``, e.g. ``12;2026-12-03T08:00:00+00:00``.
HQ shows it to the store's other tills (the manager's board: ``sync/hq/store_board.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime

QUEUE_HEADER = "x-till-queue"
MAX_WAITING = 10**9


def queue_header(waiting: int, oldest: datetime | None) -> str:
    return f"{waiting};{oldest.isoformat(timespec='seconds') if oldest is not None else ''}"


def parse_queue(header: str | None) -> tuple[int, str | None] | None:
    """(waiting, oldest as a UTC time) or None for no header or one that is not a report."""
    if not header or len(header) > 80:
        return None
    count, _sep, oldest = header.partition(";")
    if not (count.isascii() and count.isdigit()) or int(count) > MAX_WAITING:
        return None
    if not oldest:
        return int(count), None
    try:
        moment = datetime.fromisoformat(oldest)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return int(count), moment.astimezone(UTC).isoformat(timespec="seconds")
