"""The persistent print queue: stored before printing, printed once, in order, off the UI thread.

Life of a job (``print_jobs`` table)::

    queued --> sending --> printed
      ^  \\        \\
      |   held     uncertain   (a person: retry = print again, or cancel)
      +--retry/auto-retry

* Every job is committed to SQLite before its first byte goes out, and marked
  ``sending`` (committed) before writing: a job found ``sending`` at start-up
  was possibly printed, so it becomes ``uncertain``. It is never reprinted
  automatically; a person decides (retry or cancel).
* ``held``: the printer was offline, out of paper or unreachable and *nothing*
  was sent; the worker re-tries the head of the queue every ``retry_interval``
  seconds and on :meth:`PrintQueue.retry`. Later jobs wait behind it (order).
* ``printed`` only once the printer confirmed it took the whole job
  (:meth:`~printers.connectors.EscposConnection.confirm`); a job cut off
  mid-way (the printer stopped reading, reset the connection, never answered)
  is ``uncertain`` with the check-the-printout message.
* The drawer kick is stored apart (``trailer``) and sent after the receipt was
  confirmed, at most once: it is cleared (committed) before it goes out. So a
  job retried after ``uncertain`` kicks only if the first kick never went out.
  A retried uncertain job and :meth:`PrintQueue.reprint` carry the REPRINT
  banner on paper; a reprint never opens the drawer.

Listeners are called on the worker thread: a Qt UI must re-emit through a
signal (queued connection) before touching widgets.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from printers import document as d
from printers import escpos_render, text_render
from printers.connectors import Connection, PrinterStatus, PrinterUnavailable, SendFailed
from printers.profile import PrinterProfile
from store_client.clock import Clock, iso
from store_client.persistence.db import Database
from store_client.persistence.models import PrintJob

log = logging.getLogger(__name__)

QUEUED, SENDING, PRINTED, HELD, UNCERTAIN, CANCELLED = (
    "queued", "sending", "printed", "held", "uncertain", "cancelled")
RETRYABLE = (HELD, UNCERTAIN)
CONFIRM_TIMEOUT = 10.0  # seconds for the printer to confirm a job (a logo prints in ~2 s)
REPRINT_MARK = "*** 重印 / REPRINT ***\n"
OPEN_STATES = (QUEUED, SENDING, HELD, UNCERTAIN)


class JobStateError(Exception):
    """The action does not apply to the job in its current state."""


@dataclass(frozen=True)
class JobInfo:
    id: int
    kind: str
    title: str
    state: str
    attempts: int
    last_error: str | None
    printer_status: str
    reprint_of: int | None
    created_at: str
    printed_at: str | None
    preview_text: str


@dataclass(frozen=True)
class QueueEvent:
    """What a UI banner needs: the job that changed and the state of the whole queue."""

    job_id: int | None
    state: str | None
    printer_status: str
    message: str
    waiting: int  # queued + held
    needs_attention: int  # held + uncertain


Listener = Callable[[QueueEvent], None]


class PrintQueue:
    def __init__(self, db: Database, printer_factory: Callable[[], Connection], clock: Clock, *,
                 profile: PrinterProfile | None = None, retry_interval: float = 10.0,
                 confirm_timeout: float = CONFIRM_TIMEOUT) -> None:
        self.db = db
        self.printer_factory = printer_factory
        self.clock = clock
        self.profile = profile
        self.retry_interval = retry_interval
        self.confirm_timeout = confirm_timeout
        self._listeners: list[Listener] = []
        self._wake = threading.Condition()
        self._kicked = False
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._printer_status = PrinterStatus.UNKNOWN
        self.recovered = self._recover()

    # -- lifecycle --------------------------------------------------------------
    def _recover(self) -> list[int]:
        """Jobs caught mid-send by a crash were possibly printed: surface them, do not resend."""
        with self.db.transaction() as s:
            ids = list(s.scalars(select(PrintJob.id).where(PrintJob.state == SENDING)))
            if ids:
                s.execute(update(PrintJob).where(PrintJob.id.in_(ids)).values(
                    state=UNCERTAIN, updated_at=iso(self.clock.now()),
                    last_error="interrupted while sending (terminal stopped); check the printout"))
        for job_id in ids:
            log.warning("print job %s was interrupted while sending; marked uncertain", job_id)
        return ids

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="print-queue", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    # -- actions ------------------------------------------------------------------
    def submit(self, kind: str, content: d.Document | bytes, *, title: str = "",
               preview_text: str = "", trailer: bytes = b"", session: Session | None = None) -> int:
        """Store a job (committed) and wake the worker; returns the job id.

        A :class:`~printers.document.Document` is rendered for the queue's
        profile; its drawer kick, if any, becomes the job's trailer. With
        ``session`` the job joins the caller's unit of work (e.g. with its audit
        record); the caller calls :meth:`wake` after the commit.
        """
        if isinstance(content, d.Document):
            if self.profile is None:
                raise ValueError("this queue has no printer profile to render documents with")
            kick = content.has_drawer_kick()
            body = d.Document(tuple(b for b in content.blocks if not isinstance(b, d.DrawerKick)),
                              content.title)
            payload = escpos_render.render(body, self.profile)
            if kick:
                trailer = escpos_render.drawer_kick_bytes(self.profile)
            title = title or content.title
            preview_text = preview_text or text_render.render(body, self.profile.columns, self.profile.cells)
        elif isinstance(content, (bytes, bytearray)):
            payload = bytes(content)
        else:
            raise TypeError("submit() takes a Document or bytes")
        if not payload:
            raise ValueError("empty print job")
        if session is not None:
            return self._add(session, kind, title, payload, trailer, preview_text, None)
        job_id = self._insert(kind, title, payload, trailer, preview_text, reprint_of=None)
        self._kick()
        return job_id

    def wake(self) -> None:
        """Tell the worker that jobs were committed (after ``submit(..., session=...)``)."""
        self._notify(None, QUEUED, self._printer_status, "")
        self._kick()

    def retry(self, job_id: int) -> None:
        """Held or uncertain job back to the queue (for uncertain: a person chose to print again,
        and the paper says REPRINT, since the first attempt may be on paper too)."""
        with self.db.read() as s:
            job = s.get(PrintJob, job_id)
            mark = (job is not None and job.state == UNCERTAIN and self.profile is not None
                    and not job.preview_text.startswith(REPRINT_MARK))
            payload, preview = (job.payload, job.preview_text) if mark else (b"", "")
        if mark:
            banner = reprint_banner(self.profile, self.clock)  # type: ignore[arg-type]
            self._transition(job_id, (UNCERTAIN,), QUEUED, last_error=None,
                             payload=banner + payload, preview_text=REPRINT_MARK + preview)
        else:
            self._transition(job_id, RETRYABLE, QUEUED, last_error=None)
        self._kick()

    def cancel(self, job_id: int) -> None:
        self._transition(job_id, (QUEUED, HELD, UNCERTAIN), CANCELLED)
        self._kick()

    def reprint(self, job_id: int) -> int:
        """A new job with the same receipt, marked REPRINT, without the drawer kick.

        Only for a job that is done with (printed, uncertain, cancelled): one
        still waiting would then print twice.
        """
        with self.db.read() as s:
            job = s.get(PrintJob, job_id)
            if job is None:
                raise JobStateError(f"no print job {job_id}")
            if job.state not in (PRINTED, UNCERTAIN, CANCELLED):
                raise JobStateError(f"print job {job_id} is {job.state}; it will print, no reprint needed")
            payload, kind, title, preview = job.payload, job.kind, job.title, job.preview_text
        banner = reprint_banner(self.profile, self.clock) if self.profile else b""
        new_id = self._insert(kind, f"reprint of {title}"[:128], banner + payload, b"",
                              REPRINT_MARK + preview, reprint_of=job_id)
        self._kick()
        return new_id

    def jobs(self, states: tuple[str, ...] | None = None, limit: int = 200) -> list[JobInfo]:
        with self.db.read() as s:
            q = select(PrintJob).order_by(PrintJob.id.desc()).limit(limit)
            if states:
                q = q.where(PrintJob.state.in_(states))
            return [_info(j) for j in s.scalars(q)]

    def job(self, job_id: int) -> JobInfo:
        with self.db.read() as s:
            job = s.get(PrintJob, job_id)
            if job is None:
                raise JobStateError(f"no print job {job_id}")
            return _info(job)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until nothing is queued or sending (tests, shutdown); True if idle."""
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.db.read() as s:
                busy = s.scalar(select(PrintJob.id).where(PrintJob.state.in_((QUEUED, SENDING))).limit(1))
            if busy is None:
                return True
            time.sleep(0.01)
        return False

    # -- worker -------------------------------------------------------------------
    def _kick(self) -> None:
        with self._wake:
            self._kicked = True
            self._wake.notify_all()

    def _run(self) -> None:
        while True:
            with self._wake:
                if self._stopping:
                    return
                self._kicked = False
            job_id = self._next_job()
            stalled = False
            if job_id is not None:
                try:
                    stalled = not self._print(job_id)
                except Exception:
                    log.exception("print job %s failed unexpectedly", job_id)
                    # Not sent yet: hold it; caught mid-send: a person decides.
                    self._set(job_id, HELD, last_error="internal error; see the log")
                    self._set(job_id, UNCERTAIN, last_error="internal error while sending; see the log")
                    stalled = True
            with self._wake:
                if self._stopping:
                    return
                if (job_id is None or stalled) and not self._kicked:
                    self._wake.wait(self.retry_interval if stalled or self._has_held() else None)

    def _has_held(self) -> bool:
        with self.db.read() as s:
            return s.scalar(select(PrintJob.id).where(PrintJob.state == HELD).limit(1)) is not None

    def _next_job(self) -> int | None:
        """The oldest job that may be printed now: queued, or held (nothing of it was sent)."""
        with self.db.read() as s:
            return s.scalar(select(PrintJob.id).where(PrintJob.state.in_((QUEUED, HELD)))
                            .order_by(PrintJob.id).limit(1))

    def _print(self, job_id: int) -> bool:
        """Print one job; False when the printer is not available (the queue stalls)."""
        with self.db.read() as s:
            job = s.get(PrintJob, job_id)
            if job is None or job.state not in (QUEUED, HELD):
                return True
            data, trailer = job.payload, job.trailer or b""
        try:
            conn = self.printer_factory()
        except Exception as exc:  # noqa: BLE001 - configuration problems are shown, not raised
            self._set(job_id, HELD, last_error=str(exc), status=PrinterStatus.UNKNOWN)
            return False
        try:
            try:
                status = conn.status()
            except PrinterUnavailable as exc:
                self._set(job_id, HELD, last_error=str(exc), status=exc.status)
                return False
            if status in (PrinterStatus.OFFLINE, PrinterStatus.PAPER_OUT):
                message = "printer out of paper" if status is PrinterStatus.PAPER_OUT else "printer offline"
                self._set(job_id, HELD, last_error=message, status=status)
                return False
            if not self._claim(job_id, status):
                return True  # cancelled meanwhile
            try:
                conn.send(data)
            except PrinterUnavailable as exc:  # could not open: nothing went out
                self._set(job_id, HELD, last_error=str(exc), status=exc.status, expected=(SENDING,))
                return False
            except SendFailed as exc:
                self._set(job_id, UNCERTAIN, status=PrinterStatus.UNKNOWN,
                          last_error=f"connection lost while printing ({exc}); check the printout")
                return False
            if not conn.confirm(self.confirm_timeout):
                self._set(job_id, UNCERTAIN, status=PrinterStatus.UNKNOWN,
                          last_error="the printer did not confirm it took the whole job; check the printout")
                return False
            if trailer:
                self._kick_drawer(job_id, conn, trailer)
            self._set(job_id, PRINTED, status=status, printed=True)
            return True
        finally:
            conn.close()

    def _kick_drawer(self, job_id: int, conn: Connection, trailer: bytes) -> None:
        """At most once: the trailer is cleared (committed) before it is sent."""
        with self.db.transaction() as s:
            s.execute(update(PrintJob).where(PrintJob.id == job_id).values(trailer=b""))
        try:
            conn.send(trailer)
        except (SendFailed, PrinterUnavailable) as exc:
            log.warning("drawer kick of print job %s may not have gone out: %s", job_id, exc)

    def _claim(self, job_id: int, status: PrinterStatus) -> bool:
        now = iso(self.clock.now())
        with self.db.transaction() as s:
            result = s.execute(update(PrintJob).where(PrintJob.id == job_id,
                                                      PrintJob.state.in_((QUEUED, HELD)))
                               .values(state=SENDING, attempts=PrintJob.attempts + 1,
                                       printer_status=status.value, updated_at=now))
            claimed = result.rowcount == 1
        if claimed:
            self._notify(job_id, SENDING, status, "")
        return claimed

    def _set(self, job_id: int, state: str, *, last_error: str | None = None,
             status: PrinterStatus | None = None, printed: bool = False,
             expected: tuple[str, ...] | None = None) -> None:
        now = iso(self.clock.now())
        values: dict = {"state": state, "updated_at": now, "last_error": last_error}
        if status is not None:
            values["printer_status"] = status.value
        if printed:
            values["printed_at"] = now
        # Only from the state the worker left it in: a job cancelled meanwhile stays cancelled.
        if expected is None:
            expected = (SENDING,) if state in (PRINTED, UNCERTAIN) else (QUEUED, HELD)
        with self.db.transaction() as s:
            changed = s.execute(update(PrintJob).where(PrintJob.id == job_id, PrintJob.state.in_(expected))
                                .values(**values)).rowcount
        if not changed:
            return
        if status is not None:
            self._printer_status = status
        if state == HELD:
            log.warning("print job %s held: %s", job_id, last_error)
        self._notify(job_id, state, status or self._printer_status, last_error or "")

    def _transition(self, job_id: int, allowed: tuple[str, ...], new: str, **values) -> None:
        with self.db.transaction() as s:
            job = s.get(PrintJob, job_id)
            if job is None:
                raise JobStateError(f"no print job {job_id}")
            if job.state not in allowed:
                raise JobStateError(f"print job {job_id} is {job.state}; cannot make it {new}")
            job.state = new
            job.updated_at = iso(self.clock.now())
            for key, value in values.items():
                setattr(job, key, value)
        self._notify(job_id, new, self._printer_status, "")

    def _insert(self, kind: str, title: str, payload: bytes, trailer: bytes, preview: str,
                reprint_of: int | None) -> int:
        with self.db.transaction() as s:
            job_id = self._add(s, kind, title, payload, trailer, preview, reprint_of)
        self._notify(job_id, QUEUED, self._printer_status, "")
        return job_id

    def _add(self, s: Session, kind: str, title: str, payload: bytes, trailer: bytes, preview: str,
             reprint_of: int | None) -> int:
        now = iso(self.clock.now())
        job = PrintJob(kind=kind, title=title[:128], payload=payload, trailer=trailer,
                       preview_text=preview, state=QUEUED, attempts=0, reprint_of=reprint_of,
                       printer_status=PrinterStatus.UNKNOWN.value, created_at=now, updated_at=now)
        s.add(job)
        s.flush()
        return job.id

    def summary(self) -> QueueEvent:
        return self._event(None, None, self._printer_status, "")

    def _event(self, job_id, state, status, message) -> QueueEvent:
        with self.db.read() as s:
            rows = s.execute(select(PrintJob.state).where(PrintJob.state.in_(OPEN_STATES))).scalars().all()
        waiting = sum(1 for r in rows if r in (QUEUED, HELD))
        attention = sum(1 for r in rows if r in (HELD, UNCERTAIN))
        return QueueEvent(job_id, state, PrinterStatus(status).value, message, waiting, attention)

    def _notify(self, job_id, state, status, message) -> None:
        if not self._listeners:
            return
        event = self._event(job_id, state, status, message)
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("print queue listener failed")


def reprint_banner(profile: PrinterProfile, clock: Clock) -> bytes:
    from printers.templates import REPRINT, local

    doc = (d.DocumentBuilder().text(REPRINT, bold=True, align="center", double=True)
           .text(local(clock.now()), align="center").build())
    return escpos_render.render(doc, profile)


def _info(job: PrintJob) -> JobInfo:
    return JobInfo(id=job.id, kind=job.kind, title=job.title, state=job.state, attempts=job.attempts,
                   last_error=job.last_error, printer_status=job.printer_status,
                   reprint_of=job.reprint_of, created_at=job.created_at, printed_at=job.printed_at,
                   preview_text=job.preview_text)
