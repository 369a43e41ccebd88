"""The background sync loop: upload the outbox, pull datasets, wait, repeat.

Uploads also run between pull pages whenever events are waiting, so a long pull
(a bootstrap, a slow HQ) never holds a sale back.

Runs in its own thread (never the Qt UI thread). ``phase`` is what the status
bar shows: ``syncing`` during an exchange, ``online`` after a successful one,
``offline`` after a failed one. ``wake()`` starts a pass now ("Sync now").

Between passes, while HQ answers, the datasets in ``fast`` are pulled every few seconds
(with the outbox sent first): a new pick-up order or a stock figure reaches the till within
seconds of HQ having it, and a pick-up step or a sale reaches HQ (and the customer, and the
other stores) as quickly, without pulling every dataset that often.

``add_listener(fn)``: ``fn(datasets)`` on this thread with the names of the datasets a pull
changed (a page with rows, or a reset), when the pass's pull ends (a full pass is bounded
in time, a fast one takes a second); a pull that changed nothing calls nobody, so the
screens showing those rows refresh only when there is news.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from store_client.persistence.db import Database
from sync.protocol.signing import SigningKey
from sync.terminal import state
from sync.terminal.backoff import Backoff
from sync.terminal.outbox import pending_count, queue_report
from sync.terminal.puller import Puller, PullOutcome
from sync.terminal.transport import BatchRejected, HQClient, TransientError
from sync.terminal.uploader import Uploader, UploaderBusy

log = logging.getLogger(__name__)
# Pick-up orders, and stock (this store's at HQ, nearby stores' and the warehouse's): a sale
# in one store reaches the other stores' lookup within seconds (docs/stock.md).
FAST_DATASETS = ("online_orders", "stock_levels", "stock_nearby")
FAST_INTERVAL = 2.0
KEY_REGISTERED = "signing_key_registered"  # the same mark as the enrollment service's


class SyncRunner:
    def __init__(self, db: Database, client_factory: Callable[[], HQClient], *,
                 interval: float = 15.0, batch_size: int = 500, pull: bool = True,
                 backoff: Backoff | None = None, fast: tuple[str, ...] = FAST_DATASETS,
                 fast_interval: float = FAST_INTERVAL,
                 signing_key: Callable[[], SigningKey | None] | None = None) -> None:
        self.db = db
        self.signing_key = signing_key  # registered with HQ once, so every store can check receipts
        self.client_factory = client_factory
        self.interval = interval
        self.batch_size = batch_size
        self.pull = pull
        self.backoff = backoff or Backoff(base=1.0, cap=300.0)
        self.fast, self.fast_interval = fast, fast_interval
        self.phase = "offline"
        self.last_error: str | None = None
        self.passes = 0
        self._listeners: list[Callable[[frozenset[str]], None]] = []
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="sync-runner", daemon=True)

    def start(self) -> SyncRunner:
        self._thread.start()
        return self

    def add_listener(self, listener: Callable[[frozenset[str]], None]) -> None:
        self._listeners.append(listener)

    def _pull(self, client: HQClient, **kwargs: object) -> dict[str, PullOutcome]:
        """A :class:`Puller` pass that tells the listeners which datasets it changed."""
        outcomes = Puller(self.db, client, **kwargs).pull_all()  # type: ignore[arg-type]
        changed = frozenset(name for name, o in outcomes.items() if o.applied or o.resets)
        for listener in list(self._listeners) if changed else ():
            try:
                listener(changed)
            except Exception:  # a listener's bug never stops the sync
                log.exception("a pull listener failed")
        return outcomes

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def run_pass(self) -> bool:
        """One upload + pull; True when HQ was reachable throughout."""
        self.phase = "syncing"
        try:
            with self.client_factory() as client:
                self._register_key(client)
                uploader = Uploader(self.db, client, batch_size=self.batch_size)
                sent = uploader.upload_pending()
                self._report_queue(client)
                pulled = (self._pull(client, between_pages=lambda: _upload_queued(self.db, uploader))
                          if self.pull else {})
                applied = sum(o.applied for o in pulled.values())
                if sent.delivered or sent.rejected or applied:
                    log.info("sync pass: %d event(s) delivered, %d rejected, %d change(s) pulled",
                             sent.delivered, sent.rejected, applied)
        except UploaderBusy as exc:
            log.info("sync pass skipped: %s", exc)
            self.phase = "online" if self.last_error is None else "offline"
            return self.last_error is None
        except TransientError as exc:
            if self.last_error != str(exc):
                log.warning("HQ unreachable, working offline: %s", exc)
            self.last_error = str(exc)
            self.phase = "offline"
            return False
        except Exception as exc:  # keep the loop alive; the reason is shown and logged
            log.exception("sync pass failed")
            self.last_error = f"{type(exc).__name__}: {exc}"
            self.phase = "offline"
            return False
        finally:
            self.passes += 1
        self.last_error = None
        self.phase = "online"
        return True

    def _report_queue(self, client: HQClient) -> None:
        """What is still waiting after the upload rides on the pulls' requests: HQ shows it
        to the store's other tills (the manager's board)."""
        with self.db.read() as session:
            client.queue_report = queue_report(session)

    def _register_key(self, client: HQClient) -> None:
        """Give HQ this till's public key once (HQ publishes it as ``terminal_keys``), so any
        store can check this till's receipt proofs offline."""
        try:
            key = self.signing_key() if self.signing_key is not None else None
        except Exception:  # a damaged key file: sync goes on, receipts carry no proof (logged there too)
            log.exception("the till's signing key cannot be read")
            return
        if key is None:
            return
        with self.db.read() as s:
            if state.get_all(s).get(KEY_REGISTERED) == key.kid:
                return
        try:
            client.put_signing_key(key.kid, key.public)
        except BatchRejected as exc:
            log.warning("HQ refused this till's public key %s: %s", key.kid, exc)
            return
        with self.db.transaction() as s:
            state.put(s, KEY_REGISTERED, key.kid)

    def _loop(self) -> None:
        while not self._stop.is_set():
            ok = self.run_pass()
            if ok:
                self.backoff.reset()
                delay = self.interval
            else:
                delay = min(self.interval * 4, self.backoff.next_delay())
            self._wait(delay, fast=ok)

    def _wait(self, delay: float, *, fast: bool) -> None:
        """Wait ``delay`` s (a wake ends it), pulling the fast datasets every few seconds
        while HQ answers."""
        deadline = time.monotonic() + delay
        while not self._stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            step = min(left, self.fast_interval) if fast and self.pull and self.fast else left
            if self._wake.wait(step):
                self._wake.clear()
                return
            if fast and self.pull and self.fast and deadline - time.monotonic() > 0:
                fast = self._fast_pass()

    def _fast_pass(self) -> bool:
        try:
            with self.client_factory() as client:
                Uploader(self.db, client, batch_size=self.batch_size).upload_pending()
                self._report_queue(client)
                self._pull(client, datasets=list(self.fast))
        except UploaderBusy:
            return True
        except Exception as exc:  # the next full pass says what is wrong; stop fast polls
            log.info("fast pull of %s failed: %s", ", ".join(self.fast), exc)
            return False
        return True


def _upload_queued(db: Database, uploader: Uploader) -> None:
    """Between pull pages: deliver what was sold meanwhile, so a long pull never holds it up."""
    with db.read() as session:
        if not pending_count(session):
            return
    try:
        uploader.upload_pending()
    except UploaderBusy:
        pass  # another uploader (e.g. "sync now" from the command line) is delivering it
    except TransientError as exc:  # the next pass retries; the pull goes on meanwhile
        log.info("upload between pull pages failed: %s", exc)
