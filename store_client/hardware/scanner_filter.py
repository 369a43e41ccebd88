"""An application-wide Qt event filter that turns keyboard-wedge bursts into scans.

Policy (so that typing is never hijacked):

* focus in a text input (QLineEdit, QTextEdit, QPlainTextEdit, spin boxes):
  keys go to the field untouched, unless the field opts in with the dynamic
  property ``routesScans=True`` (e.g. the checkout's item entry box);
* elsewhere, or in an opted-in field, keys are held by the Qt-free
  :class:`~store_client.hardware.wedge.WedgeDetector` for at most
  ``max_key_interval_ms``: a burst ending in Enter goes to ``on_scan``; a
  person's keys are replayed to the focused widget, in order, as the same keys
  (Space on a focused button must still press it, so the key code is kept, not
  only its text).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QLineEdit, QPlainTextEdit, QTextEdit

from store_client.hardware.wedge import WedgeDetector

TEXT_INPUTS = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
# Scanners press Shift for capitals: modifier presses carry no text and must not end a burst.
MODIFIER_KEYS = (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta,
                 Qt.Key.Key_CapsLock, Qt.Key.Key_AltGr)


class ScannerEventFilter(QObject):
    def __init__(self, detector: WedgeDetector, on_scan: Callable[[str], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scannerEventFilter")
        self.detector = detector
        self.on_scan = on_scan
        self._replaying = False
        self._held: list[tuple[int, Qt.KeyboardModifier, str]] = []  # the keys the detector holds
        self._clock = QElapsedTimer()
        self._clock.start()
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self._on_timeout)

    def install(self, app: QApplication) -> None:
        app.installEventFilter(self)

    def _now_ms(self, event: QKeyEvent) -> float:
        stamp = event.timestamp()
        return float(stamp) if stamp else float(self._clock.elapsed())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() != QEvent.Type.KeyPress:
            return False
        focus = QApplication.focusWidget()
        if watched is not focus and focus is not None:
            return False  # each key is seen once, at the focused widget
        if isinstance(focus, TEXT_INPUTS) and not focus.property("routesScans"):
            return False
        key_event: QKeyEvent = event  # type: ignore[assignment]
        if key_event.key() in MODIFIER_KEYS:
            return False
        if key_event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            self._on_timeout()
            return False
        enter = key_event.key() in ENTER_KEYS
        this_key = (key_event.key(), key_event.modifiers(), key_event.text())
        verdict, code = self.detector.key(key_event.text(), self._now_ms(key_event), enter=enter)
        if verdict == "scan":
            self._flush_timer.stop()
            self._held.clear()
            self.on_scan(code)
            return True
        if verdict == "buffer":
            self._held.append(this_key)
            self._flush_timer.start(self.detector.max_key_interval_ms + 5)
            return True
        if verdict == "flush":  # a person typed: give the held keys back, in order
            self._replay()
            if self.detector.pending:  # this key was held as the start of a new burst
                self._held.append(this_key)
                self._flush_timer.start(self.detector.max_key_interval_ms + 5)
                return True
            return False
        return False

    def _on_timeout(self) -> None:
        self.detector.timeout(float("inf"))
        self._replay()

    def _replay(self) -> None:
        """Send the held keys, as they were pressed, to the widget that has the focus now."""
        held, self._held = self._held, []
        focus = QApplication.focusWidget()
        if not held or focus is None:
            return
        self._replaying = True
        try:
            for key, modifiers, text in held:
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(focus, QKeyEvent(kind, key, modifiers, text))
        finally:
            self._replaying = False
