"""``run --exit-when-ready``: when the sign-in window takes a PIN, and when a PIN can be checked.

Two lines on stdout, seconds from the package's import:

* ``painted T``: the PIN field has finished its first paint (the end of its paint event,
  not a timer that fires before it): from here the window takes keys;
* ``ready T STALL``: the terminal is open and the screens signing in opens are imported
  (both load in the background after the paint); STALL is the longest, in ms, that the
  window's event loop went without turning meanwhile, i.e. the most a key typed into the
  PIN field could have waited to be taken.

Then the application quits.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Slot
from PySide6.QtWidgets import QApplication, QWidget

TICK_MS = 5


class ReadyProbe(QObject):
    def __init__(self, pin_field: QWidget, started_at: float, app: QApplication) -> None:
        super().__init__(pin_field)
        self._field, self._started_at, self._app = pin_field, started_at, app
        self._last = 0.0
        self._stall = 0.0
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self._tick)
        pin_field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._field and event.type() == QEvent.Type.Paint:
            self._field.removeEventFilter(self)
            QTimer.singleShot(0, self, self._painted)  # runs once this paint has finished
        return False

    def _painted(self) -> None:
        print(f"painted {time.perf_counter() - self._started_at:.3f}", flush=True)
        self._last = time.perf_counter()
        self._ticker.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self._stall = max(self._stall, now - self._last - TICK_MS / 1000)
        self._last = now

    @Slot()
    def loaded(self) -> None:
        self._tick()
        self._ticker.stop()
        elapsed = time.perf_counter() - self._started_at
        print(f"ready {elapsed:.3f} {max(self._stall, 0.0) * 1000:.1f}", flush=True)
        self._app.quit()
