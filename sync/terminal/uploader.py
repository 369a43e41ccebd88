"""Delivering the outbox to HQ: in sequence order, in batches, one uploader at a time.

* An event becomes ``delivered`` only after HQ acknowledged it (accepted, or a
  duplicate of an event HQ had accepted: the response to an earlier attempt was
  lost). The acknowledgement is recorded in one local transaction.
* A per-event rejection (validation, business rule) marks that event
  ``rejected`` with HQ's reason ("needs attention"); the events behind it go on.
* Transient trouble (network, timeouts, 5xx) leaves the batch pending; the
  caller retries with backoff. Nothing is ever dropped.
* An event HQ keeps failing on (5xx for it alone, :data:`QUARANTINE_AFTER` times,
  while HQ answers a request without it) would block the outbox forever: it is
  set aside as ``rejected`` (needs attention) with HQ's answer, and the events
  behind it go on. It stays in the outbox; Retry on the Sync screen resends it.
* An OS file lock next to the database makes a second uploader (thread or
  process) fail at once with :class:`UploaderBusy` rather than race the first.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self, cast

from filelock import FileLock, Timeout
from sqlalchemy import CursorResult, Row, func, select, text, update

from store_client.clock import Clock, SystemClock, iso
from store_client.persistence.db import Database
from store_client.persistence.models import OutboxEvent
from sync.terminal import state
from sync.terminal.backoff import Backoff
from sync.terminal.transport import BatchRejected, HQClient, ServerError, TransientError

log = logging.getLogger(__name__)
DEFAULT_BATCH = 500
QUARANTINE_AFTER = 3  # 5xx answers to an event sent alone, HQ otherwise working
_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()


class UploaderBusy(Exception):
    """Another uploader holds the lock; this one did not start."""


@dataclass
class UploadResult:
    delivered: int = 0
    rejected: int = 0
    batches: int = 0


class Uploader:
    def __init__(self, db: Database, client: HQClient, *, batch_size: int = DEFAULT_BATCH,
                 clock: Clock | None = None, lock_path: Path | None = None) -> None:
        self.db = db
        self.client = client
        self.batch_size = batch_size
        self.clock = clock or SystemClock()
        path = lock_path or db.path.with_name(db.path.name + ".upload.lock")
        self._file_lock = FileLock(str(path))
        with _process_locks_guard:
            self._thread_lock = _process_locks.setdefault(str(path), threading.Lock())

    # -- locking ------------------------------------------------------------
    def __enter__(self) -> Self:
        if not self._thread_lock.acquire(blocking=False):
            raise UploaderBusy("an uploader is already running in this process")
        try:
            self._file_lock.acquire(timeout=0)
        except Timeout:
            self._thread_lock.release()
            raise UploaderBusy("an uploader is already running for this terminal") from None
        return self

    def __exit__(self, *_exc: object) -> None:
        self._file_lock.release()
        self._thread_lock.release()

    # -- one pass ------------------------------------------------------------
    def upload_pending(self, *, max_batches: int | None = None) -> UploadResult:
        """Send pending events until none is left; :class:`TransientError` stops the pass."""
        with self:
            return self._pass(max_batches)

    def _pass(self, max_batches: int | None) -> UploadResult:
        result = UploadResult()
        size = self.batch_size
        after = 0
        narrow_until = 0  # small batches up to the end of the batch that failed, then full ones
        with self.db.read() as session:  # a pass ends: events queued meanwhile wait for the next one
            upto = session.scalar(select(func.max(OutboxEvent.seq))) or 0
        while max_batches is None or result.batches < max_batches:
            batch = self._next_batch(after, upto, size)
            if not batch:
                break
            try:
                answer = self.client.post_events([_event_json(e) for e in batch])
            except ServerError as exc:
                if len(batch) > 1:
                    size = max(1, len(batch) // 2)  # find the event HQ fails on, if it is one
                    narrow_until = max(narrow_until, batch[-1].seq)
                    continue
                isolated = self._isolate(batch[0], exc)
                if isolated is None:
                    self._record_failure(batch, str(exc))
                    raise
                result.delivered += isolated[0]
                result.rejected += isolated[1]
                after = batch[0].seq
                continue
            except TransientError as exc:
                self._record_failure(batch, str(exc))
                raise
            except BatchRejected as exc:
                if len(batch) > 1:
                    size = max(1, len(batch) // 2)  # isolate the event HQ cannot take
                    narrow_until = max(narrow_until, batch[-1].seq)
                    continue
                self._apply_answer(batch, {"results": [
                    {"event_id": batch[0].event_id, "status": "rejected", "reason": str(exc)}]})
                result.rejected += 1
                after = batch[0].seq
                continue
            delivered, rejected = self._apply_answer(batch, answer)
            result.delivered += delivered
            result.rejected += rejected
            result.batches += 1
            after = batch[-1].seq
            if after >= narrow_until:
                size = self.batch_size
        return result

    def _isolate(self, event: Row, failure: ServerError) -> tuple[int, int] | None:
        """HQ answered 5xx to ``event`` sent alone. Is it this event? Only if HQ answers a
        request without it (an empty batch, which still runs HQ's ingest transaction) and
        keeps failing on it: then it is set aside. None: HQ itself is in trouble."""
        strikes = 1
        while True:
            try:
                self.client.post_events([])
            except (TransientError, BatchRejected):
                return None
            if strikes >= QUARANTINE_AFTER:
                break
            try:
                answer = self.client.post_events([_event_json(event)])
            except ServerError as exc:
                strikes, failure = strikes + 1, exc
                continue
            except TransientError:
                return None
            except BatchRejected as exc:
                answer = {"results": [{"event_id": event.event_id, "status": "rejected", "reason": str(exc)}]}
            return self._apply_answer([event], answer)
        reason = (f"HQ failed on this event {strikes} times while answering other requests; "
                  f"set aside until Retry. HQ's answer: {failure}")
        log.warning("event %s (seq %s) set aside: %s", event.event_id, event.seq, reason)
        return self._apply_answer([event], {"results": [
            {"event_id": event.event_id, "status": "rejected", "reason": reason}]})

    def _next_batch(self, after: int, upto: int, size: int) -> list[Row]:
        o = OutboxEvent
        with self.db.read() as session:
            return list(session.execute(
                select(o.seq, o.event_id, o.kind, o.schema_version, o.created_at, o.payload)
                .where(o.status == "pending", o.seq > after, o.seq <= upto).order_by(o.seq).limit(size)))

    def _apply_answer(self, batch: list[Row], answer: object) -> tuple[int, int]:
        """Record HQ's per-event answers in one transaction; unknown or missing ones stay pending."""
        results = answer.get("results") if isinstance(answer, dict) else None
        if not isinstance(results, list):
            raise TransientError("HQ answer has no 'results' list")
        sent = {e.event_id: e.seq for e in batch}
        delivered: list[int] = []
        rejected: list[tuple[int, str]] = []
        for item in results:
            if not isinstance(item, dict) or item.get("event_id") not in sent:
                continue
            seq = sent.pop(item["event_id"])
            if item.get("status") == "accepted":
                delivered.append(seq)
            elif item.get("status") == "rejected":
                rejected.append((seq, str(item.get("reason") or "rejected by HQ")[:2000]))
        now = iso(self.clock.now())
        with self.db.transaction() as session:
            if delivered:
                session.execute(update(OutboxEvent).where(OutboxEvent.seq.in_(delivered)).values(
                    status="delivered", delivered_at=now, attempts=OutboxEvent.attempts + 1,
                    last_error=None))
            for seq, reason in rejected:
                session.execute(update(OutboxEvent).where(OutboxEvent.seq == seq).values(
                    status="rejected", last_error=reason, attempts=OutboxEvent.attempts + 1))
            if sent:
                session.execute(update(OutboxEvent).where(OutboxEvent.seq.in_(list(sent.values())))
                                .values(attempts=OutboxEvent.attempts + 1,
                                        last_error="no acknowledgement from HQ"))
            state.put(session, state.LAST_SUCCESS, now)
            state.put(session, state.LAST_ERROR, "")
            _put_skew(session, self.client)
        if sent:
            # Keep sequence order: do not send later events before these are acknowledged.
            raise TransientError(f"HQ did not acknowledge {len(sent)} event(s) of the batch")
        return len(delivered), len(rejected)

    def _record_failure(self, batch: list[Row], message: str) -> None:
        with self.db.transaction() as session:
            session.execute(update(OutboxEvent).where(
                OutboxEvent.seq.in_([e.seq for e in batch]), OutboxEvent.status == "pending"
            ).values(attempts=OutboxEvent.attempts + 1, last_error=message[:2000]))
            state.put(session, state.LAST_ERROR, message[:2000])
            state.put(session, state.LAST_ATTEMPT, iso(self.clock.now()))
            _put_skew(session, self.client)

    # -- with retries ----------------------------------------------------------
    def drain(self, *, backoff: Backoff | None = None, stop: threading.Event | None = None,
              deadline: float | None = None, sleep: Callable[[float], object] | None = None) -> UploadResult:
        """Upload until nothing is pending, retrying transient errors with backoff.

        Returns early only when ``stop`` is set or ``deadline`` (``time.monotonic``) passes.
        """
        backoff = backoff or Backoff()
        stop = stop or threading.Event()
        wait = sleep or stop.wait
        total = UploadResult()
        with self:
            while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
                try:
                    part = self._pass(None)
                except TransientError as exc:
                    delay = backoff.next_delay()
                    if deadline is not None:
                        delay = min(delay, max(0.0, deadline - time.monotonic()))
                    log.info("upload failed (%s); retrying in %.2fs", exc, delay)
                    wait(delay)
                    continue
                total.delivered += part.delivered
                total.rejected += part.rejected
                total.batches += part.batches
                backoff.reset()
                break
        return total


def _event_json(event: Row) -> dict:
    return {"event_id": event.event_id, "seq": event.seq, "kind": event.kind,
            "schema_version": event.schema_version, "created_at": event.created_at,
            "payload": json.loads(event.payload)}


def _put_skew(session, client: HQClient) -> None:  # type: ignore[no-untyped-def]
    if client.skew is not None:
        state.put(session, state.SKEW_MS, str(int(client.skew.total_seconds() * 1000)))


def retry_rejected(db: Database, seqs: list[int] | None = None) -> int:
    """Put needs-attention events back in the queue (after HQ fixed the cause); returns how many."""
    with db.transaction() as session:
        query = "UPDATE outbox SET status = 'pending' WHERE status = 'rejected'"
        params: dict = {}
        if seqs is not None:
            if not seqs:
                return 0
            query += " AND seq IN (" + ",".join(f":s{i}" for i in range(len(seqs))) + ")"
            params = {f"s{i}": s for i, s in enumerate(seqs)}
        return cast("CursorResult[Any]", session.execute(text(query), params)).rowcount
