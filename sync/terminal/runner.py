"""The background sync loop: upload the outbox, pull datasets, wait, repeat.

Runs in its own thread (never the Qt UI thread). ``phase`` is what the status
bar shows: ``syncing`` during an exchange, ``online`` after a successful one,
``offline`` after a failed one. ``wake()`` starts a pass now ("Sync now").
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from store_client.persistence.db import Database
from sync.terminal.backoff import Backoff
from sync.terminal.puller import Puller
from sync.terminal.transport import HQClient, TransientError
from sync.terminal.uploader import Uploader, UploaderBusy

log = logging.getLogger(__name__)


class SyncRunner:
    def __init__(self, db: Database, client_factory: Callable[[], HQClient], *,
                 interval: float = 15.0, batch_size: int = 500, pull: bool = True,
                 backoff: Backoff | None = None) -> None:
        self.db = db
        self.client_factory = client_factory
        self.interval = interval
        self.batch_size = batch_size
        self.pull = pull
        self.backoff = backoff or Backoff(base=1.0, cap=300.0)
        self.phase = "offline"
        self.last_error: str | None = None
        self.passes = 0
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="sync-runner", daemon=True)

    def start(self) -> SyncRunner:
        self._thread.start()
        return self

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
                uploader = Uploader(self.db, client, batch_size=self.batch_size)
                sent = uploader.upload_pending()
                pulled = Puller(self.db, client).pull_all() if self.pull else {}
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

    def _loop(self) -> None:
        while not self._stop.is_set():
            ok = self.run_pass()
            if ok:
                self.backoff.reset()
                delay = self.interval
            else:
                delay = min(self.interval * 4, self.backoff.next_delay())
            self._wake.wait(delay)
            self._wake.clear()
