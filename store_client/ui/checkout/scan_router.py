"""App-wide scanner routing and the checkout's function keys.

One :class:`ScanRouter` per checkout screen installs the keyboard-wedge
filter (:mod:`store_client.hardware.scanner_filter`) on the application and
sends each burst to the *current* screen's ``handle_scan(code)``, but only
when no modal dialog is open and the workspace is usable (not locked): a
burst while a dialog is open never reaches the cart.

It also runs the checkout's own keys (F2..F11, Shift+F5/F6, Up/Down, and Space /
+ to pay) while the checkout is the current screen, claimed through
``ShortcutOverride`` (the standard Qt way for a widget to take a key before
window shortcuts) and dispatched to the screen. Keys are Qt key codes combined
with Shift where the action needs it; Ctrl and Alt are the window's (navigation).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QStackedWidget, QWidget

from store_client.hardware.scanner_filter import TEXT_INPUTS, ScannerEventFilter
from store_client.hardware.wedge import WedgeDetector


class _ScreenScannerFilter(ScannerEventFilter):
    """The wedge filter, switched off for good once its screen has left the main window."""

    def __init__(self, router: ScanRouter, detector: WedgeDetector) -> None:
        super().__init__(detector, router.route, router)
        self._router = router

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or self._router.retired():
            return False
        return super().eventFilter(watched, event)


class ScanRouter(QObject):
    def __init__(self, screen: QWidget, detector: WedgeDetector,
                 keys: dict[int, Callable[[], object]], pay_keys: tuple[int, ...]) -> None:
        super().__init__(screen)
        self.setObjectName("checkout.scanRouter")
        self._screen = screen
        self._keys = keys
        self._pay_keys = pay_keys
        self.ignored: list[str] = []  # bursts dropped while a dialog was open (tests read it)
        self.filter = _ScreenScannerFilter(self, detector)
        self._installed = True
        self._seen_in_stack = False
        QTimer.singleShot(0, self, self.attached)  # the main window adds the screen right after
        app = QApplication.instance()
        app.installEventFilter(self.filter)
        app.installEventFilter(self)

    def attached(self) -> None:
        """Note that the screen is in the main window's stack (so leaving it means sign-out)."""
        parent = self._screen.parentWidget()
        if isinstance(parent, QStackedWidget) and parent.indexOf(self._screen) >= 0:
            self._seen_in_stack = True

    def retired(self) -> bool:
        """True once the screen was taken out of the main window (sign-out): filters removed.

        Deletion of the screen is deferred, so without this a signed-out till would
        keep catching "scans" (e.g. an operator id typed fast) until the next event loop turn.
        """
        if not self._installed:
            return True
        parent = self._screen.parentWidget()
        if not isinstance(parent, QStackedWidget):
            return False
        if parent.indexOf(self._screen) >= 0:
            self._seen_in_stack = True
            return False
        if self._seen_in_stack:
            app = QApplication.instance()
            app.removeEventFilter(self.filter)
            app.removeEventFilter(self)
            self._installed = False
            return True
        return False

    def _current_screen(self) -> QWidget | None:
        parent = self._screen.parentWidget()
        if isinstance(parent, QStackedWidget):
            return parent.currentWidget()
        return self._screen if self._screen.isVisible() else None

    def _screen_active(self) -> bool:
        """The checkout is shown, usable (not locked) and no dialog is in front of it."""
        return (self._screen.isVisible() and self._screen.isEnabled()
                and self._current_screen() is self._screen
                and QApplication.activeModalWidget() is None)

    def route(self, code: str) -> None:
        if self.retired():
            return
        if QApplication.activeModalWidget() is not None:
            self.ignored.append(code)
            return
        screen = self._current_screen()
        handler = getattr(screen, "handle_scan", None) if screen is not None else None
        if handler is None or not screen.isVisible() or not screen.isEnabled():
            self.ignored.append(code)
            return
        handler(code)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) or self.retired():
            return False
        focus = QApplication.focusWidget()
        if focus is not None and watched is not focus:
            return False
        if focus is None and not (isinstance(watched, QWidget)
                                  and watched.window() is self._screen.window()):
            return False
        if not self._screen_active():
            return False
        key_event: QKeyEvent = event  # type: ignore[assignment]
        if key_event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False
        shifted = bool(key_event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        code = int(key_event.key()) | (Qt.KeyboardModifier.ShiftModifier.value if shifted else 0)
        action = self._keys.get(code)
        if action is None and key_event.key() in self._pay_keys and self._may_pay_key(focus):
            action = self._keys.get(Qt.Key.Key_F11)
        if action is None:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # the key comes to us as a KeyPress, not to the window's F-key shortcut
            return True
        if not key_event.isAutoRepeat():
            action()
        return True

    @staticmethod
    def _may_pay_key(focus: QWidget | None) -> bool:
        """Space and + mean "pay" unless the cashier is typing something in a field or a
        button has the focus (Space presses the focused button, on every screen)."""
        if isinstance(focus, QAbstractButton):
            return False
        if focus is None or not isinstance(focus, TEXT_INPUTS):
            return True
        text = getattr(focus, "text", None)
        return bool(focus.property("routesScans")) and callable(text) and not text()
