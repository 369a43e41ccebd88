"""Sync operations: the HQ connection state, events waiting or rejected, retry, sync now."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from store_client.ui.operations.base import Area, Backend
from store_client.ui.operations.changes import NOTHING, Changes
from store_client.ui.operations.runner import Op

if TYPE_CHECKING:
    from store_client.services.auth import Actor
    from store_client.services.sync_status import EventRow, SyncStatus


class SyncOverview(NamedTuple):
    status: SyncStatus
    waiting: list[EventRow]
    attention: list[EventRow]  # rejected by HQ


class SyncOps(Area):
    """``actor`` may be None: the status bar reads the state with nobody signed in."""

    def __init__(self, backend: Backend, actor: Actor | None) -> None:
        super().__init__(backend, actor)  # type: ignore[arg-type]

    @property
    def has_runner(self) -> bool:
        return self._services.sync_runner is not None

    def _phase(self) -> str | None:
        runner = self._services.sync_runner
        return runner.phase if runner is not None else None  # a plain attribute of its thread

    def status(self) -> Op[SyncStatus]:
        from store_client.services.sync_status import read_status

        db, clock, phase = self._backend.terminal.db, self._backend.terminal.clock, self._phase()
        return self._runner.op(lambda _g: read_status(db, clock, phase=phase), changes=NOTHING)

    def overview(self) -> Op[SyncOverview]:
        from store_client.services.sync_status import list_events, read_status

        db, clock, phase = self._backend.terminal.db, self._backend.terminal.clock, self._phase()
        return self._runner.op(lambda _g: SyncOverview(
            read_status(db, clock, phase=phase), list_events(db, "pending"),
            list_events(db, "rejected")), changes=NOTHING)

    def retry_rejected(self, *, seqs: list[int] | None) -> Op[int]:
        """Events HQ rejected go back in the queue (``None``: all of them); the runner wakes."""
        db, runner = self._backend.terminal.db, self._services.sync_runner

        def work(_grant: object) -> int:
            from sync.terminal.uploader import retry_rejected  # httpx only when used

            count = retry_rejected(db, seqs)
            if runner is not None:
                runner.wake()
            return count

        return self._runner.op(work, changes=Changes(sync=True))

    def sync_now(self) -> bool:
        """Wake the sync runner (it sets an event: no work on this thread); False: no runner."""
        runner = self._services.sync_runner
        if runner is None:
            return False
        runner.wake()
        return True
