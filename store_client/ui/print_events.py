"""Print-queue events brought onto the UI thread.

:class:`printers.queue.PrintQueue` calls its listeners on its worker thread;
widgets may only be touched on the UI thread. :class:`QueueSignal` re-emits
each event through a queued connection. The queue has no way to remove a
listener, so a detached relay simply drops events (and never touches a deleted
Qt object).
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal


def alive(obj: QObject) -> bool:
    """False once the Qt object is deleted (a background result may arrive after that)."""
    return shiboken6.isValid(obj)


class _Gate:
    """Plain Python (no Qt): the worker thread may read it after the Qt object is gone."""

    open = True


class QueueSignal(QObject):
    """``changed(QueueEvent)`` on the UI thread for every change in the queue."""

    changed = Signal(object)
    _relay = Signal(object)

    def __init__(self, queue: Any | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        gate = self._gate = _Gate()
        relay = self._relay
        self._relay.connect(self.changed, Qt.ConnectionType.QueuedConnection)

        def on_worker_event(event: Any) -> None:  # runs on the queue's worker thread
            if not gate.open:
                return
            try:
                relay.emit(event)
            except RuntimeError:  # the Qt side is gone (window closed while the worker runs)
                gate.open = False

        if queue is not None:
            queue.add_listener(on_worker_event)
        self.destroyed.connect(lambda *_args: setattr(gate, "open", False))

    def detach(self) -> None:
        """Drop all further events (the queue cannot remove a listener)."""
        self._gate.open = False
