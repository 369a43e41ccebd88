"""Background work for the UI, in the style of Anki's TaskManager.

The UI thread never touches the database or the network. Work goes to one of
two executors and its result comes back to the GUI thread through a queued Qt
signal, where the ``on_done`` / ``on_error`` callbacks run:

* ``run_db``: a single worker thread for database work, so SQLite sees one
  writer from the UI at a time and work runs in submission order;
* ``run``: a small pool for everything else (HQ calls, rendering, files).

No other module of the UI starts threads.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from PySide6.QtCore import QObject, Signal, Slot

T = TypeVar("T")
log = logging.getLogger(__name__)
#: How long a thread that wants the GIL waits before the running one must hand it over.
#: Python's default is 5 ms. The UI thread gives the GIL up inside Qt calls and takes it
#: back several times per event-loop turn; with a worker busy in Python (the sync thread
#: reading and encoding 500 sales) each take-back waited up to 5 ms, and one turn stalled
#: 35 to 77 ms though the UI thread used 3 ms of CPU in it. At 1 ms the worst turn of the
#: same upload was 14 to 25 ms over six runs (tests/ui/test_sync_screen.py); the workers
#: lose nothing a cashier feels.
GIL_SWITCH_INTERVAL_S = 0.001


def favour_the_ui_thread() -> None:
    """Call once, before the worker threads start (the app and the UI tests do)."""
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)


class TaskManager(QObject):
    """Runs callables off the UI thread; delivers results on it."""

    _deliver = Signal(object)

    def __init__(self, parent: QObject | None = None, *, pool_size: int = 2) -> None:
        super().__init__(parent)
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ui-db")
        self._pool = ThreadPoolExecutor(max_workers=pool_size, thread_name_prefix="ui-pool")
        self._pending = 0
        self._closed = False
        self._deliver.connect(self._on_deliver)  # queued: emitted from worker threads

    @property
    def closed(self) -> bool:
        """True once shut down: pollers (timers) stop instead of submitting."""
        return self._closed

    @property
    def pending(self) -> int:
        """Tasks submitted whose callbacks have not run yet (tests wait on this)."""
        return self._pending

    def run_db(self, fn: Callable[[], T], on_done: Callable[[T], object] | None = None,
               on_error: Callable[[BaseException], object] | None = None) -> Future[T]:
        """Run ``fn`` on the database thread (in submission order)."""
        return self._submit(self._db, fn, on_done, on_error)

    def run(self, fn: Callable[[], T], on_done: Callable[[T], object] | None = None,
            on_error: Callable[[BaseException], object] | None = None) -> Future[T]:
        """Run ``fn`` on the general pool."""
        return self._submit(self._pool, fn, on_done, on_error)

    def _submit(self, executor: ThreadPoolExecutor, fn: Callable[[], T],
                on_done: Callable[[T], object] | None,
                on_error: Callable[[BaseException], object] | None) -> Future[T]:
        if self._closed:
            raise RuntimeError("TaskManager is shut down")
        self._pending += 1
        future = executor.submit(fn)
        future.add_done_callback(lambda f: self._deliver.emit((f, on_done, on_error)))
        return future

    @Slot(object)
    def _on_deliver(self, item: tuple[Future, Callable | None, Callable | None]) -> None:
        future, on_done, on_error = item
        self._pending -= 1
        if self._closed or future.cancelled():
            return
        error = future.exception()
        if error is None:
            if on_done is not None:
                on_done(future.result())
        elif on_error is not None:
            on_error(error)
        else:
            log.error("background task failed", exc_info=error)

    def shutdown(self, wait: bool = True) -> None:
        """Stop accepting work; callbacks of unfinished tasks are dropped."""
        self._closed = True
        self._db.shutdown(wait=wait, cancel_futures=True)
        self._pool.shutdown(wait=wait, cancel_futures=True)
