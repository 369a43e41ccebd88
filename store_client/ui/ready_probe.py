"""``run --exit-when-ready``: when the sign-in window can really take a PIN.

Ready means two things have happened, whichever comes last: the PIN field has been
painted on screen (the end of its first paint event, not a timer that fires before it),
and the screens the operator lands on after signing in have been imported (they load
on a worker thread meanwhile; signing in before that would wait for them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer


class ReadyProbe(QObject):
    def __init__(self, pin_field: Any, tasks: Any, load_screens: Callable[[], None],
                 on_ready: Callable[[], None]) -> None:
        super().__init__(pin_field)
        self._field, self._on_ready = pin_field, on_ready
        self._painted = self._loaded = False
        pin_field.installEventFilter(self)
        tasks.run(load_screens, lambda _result: self._mark("_loaded"))

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if watched is self._field and event.type() == QEvent.Type.Paint:
            self._field.removeEventFilter(self)
            # Posted now, run after the paint in progress (and the window's) has finished.
            QTimer.singleShot(0, self, lambda: self._mark("_painted"))
        return False

    def _mark(self, what: str) -> None:
        setattr(self, what, True)
        if self._painted and self._loaded:
            self._on_ready()
