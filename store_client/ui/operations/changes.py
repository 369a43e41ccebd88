"""What an operation changed, and the one hub that tells the screens showing it.

After an operation succeeds the runner announces its :class:`Changes` through the
:class:`ChangeHub`; each screen looks at the flags it shows and refreshes only
those. Background threads that learn of a change nobody's operation made (the
print queue's worker, the sync runner) announce it through the same hub; the
signal always reaches the screens on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

from PySide6.QtCore import QObject, Qt, Signal, Slot


@dataclass(frozen=True, slots=True)
class Changes:
    """Flags of what changed; combine with ``|``."""

    cart: bool = False  # the open cart (lines, member, coupons, tenders)
    sale: bool = False  # a sale was completed or voided
    returns: bool = False  # a return was refunded
    shift: bool = False  # a shift opened or closed, cash moved
    print_queue: bool = False  # a print job was queued, printed, held, retried, cancelled
    sync: bool = False  # events waiting for HQ, or the connection state
    catalog: bool = False  # products or prices
    operators: bool = False  # who may sign in, lockouts
    audit: bool = False  # entries appended to the audit log
    stock_counts: bool = False  # the store's shared count plans or other tills' count totals arrived
    pickup: bool = False  # online orders arrived or changed (pulled from HQ, or a step taken here)

    def __or__(self, other: Changes) -> Changes:
        return Changes(**{f.name: getattr(self, f.name) or getattr(other, f.name)
                          for f in fields(self)})

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


NOTHING = Changes()


class _Gate:
    """Plain Python: a worker thread may read it after the Qt object is gone."""

    def __init__(self) -> None:
        self.open = True

    def close(self) -> None:
        self.open = False


class ChangeHub(QObject):
    """``changed(Changes, initiator)`` on the GUI thread; ``initiator`` is the widget whose
    operation made the change (None when a background thread announced it), so that widget
    can skip a refresh it already has the result for."""

    changed = Signal(object, object)
    _relay = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # queued: announce_from_thread() may run on any thread; the slot runs where the hub lives
        self._relay.connect(self._from_thread, Qt.ConnectionType.QueuedConnection)
        gate = self._gate = _Gate()
        self.destroyed.connect(lambda *_args: gate.close())
        self._sources: set[int] = set()

    def listen(self, source: object, add_listener: Callable[[Callable[[object], None]], None],
               changes: Changes | Callable[[object], Changes]) -> None:
        """Announce ``changes`` whenever ``source`` calls its listeners (on its own thread);
        a function of the source's event says what the event changed (NOTHING: no announcement).

        Once per source. Such sources cannot remove a listener, so once the hub is gone the
        listener drops events without touching a Qt object.
        """
        if id(source) in self._sources:
            return
        self._sources.add(id(source))
        gate, relay = self._gate, self._relay

        def on_event(event: object) -> None:  # the source's thread
            said = changes if isinstance(changes, Changes) else changes(event)
            if said and gate.open:
                try:
                    relay.emit(said)
                except RuntimeError:  # the hub was deleted meanwhile
                    gate.close()

        add_listener(on_event)

    def announce(self, changes: Changes, initiator: QObject | None = None) -> None:
        """From the GUI thread (the runner, after an operation): emits at once."""
        if changes:
            self.changed.emit(changes, initiator)

    def announce_from_thread(self, changes: Changes) -> None:
        """From any thread (a worker): delivered later on the GUI thread."""
        if changes and self._gate.open:
            self._relay.emit(changes)

    @Slot(object)
    def _from_thread(self, changes: Changes) -> None:
        self.changed.emit(changes, None)
