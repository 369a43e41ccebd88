"""Terminal lock after inactivity: an app-wide input watcher and the lock overlay.

The overlay asks the signed-in operator's PIN (AuthService.unlock_terminal) or
lets someone else sign in, which signs the first operator out. The services
write the audit entries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRegularExpression, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QWidget

from store_client.domain.pins import MAX_PIN
from store_client.ui.automation import named
from store_client.ui.keypad import Keypad
from store_client.ui.service_messages import service_error_text
from store_client.ui.overlay import Overlay

if TYPE_CHECKING:
    from store_client.services.auth import Actor
    from store_client.ui.operations import SessionOps

INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
})


class IdleWatcher(QObject):
    """Emits ``idle`` after ``timeout_ms`` without keyboard, mouse or touch input."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self.idle)
        self._app = QApplication.instance()
        self._app.installEventFilter(self)

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS and self._timer.isActive():
            self._timer.start()  # restart the countdown
        return False

    def close(self) -> None:
        self._timer.stop()
        self._app.removeEventFilter(self)


class IdleLockOverlay(Overlay):
    """Emits ``unlocked`` after the same operator's PIN, ``switch_requested`` for someone else."""

    unlocked = Signal()
    switch_requested = Signal()

    def __init__(self, parent: QWidget, *, session: SessionOps) -> None:
        # Opaque: what was on screen (a customer's details, takings) stays hidden while locked.
        super().__init__(parent, "idleLock.overlay", card_width=440, opaque=True)
        self._session = session
        self._actor: Actor | None = None
        self.title = QLabel(self.tr("Terminal locked"), self.card)
        self.title.setObjectName("idleLock.title")
        self.title.setProperty("kind", "title")
        self.who = QLabel("", self.card)
        self.who.setObjectName("idleLock.operator")
        self.who.setWordWrap(True)
        self.pin = named(QLineEdit(self.card), "idleLock.pin", self.tr("PIN"))
        self.pin.setPlaceholderText(self.tr("PIN"))
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(MAX_PIN)
        self.pin.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d*"), self.pin))
        self.unlock_button = named(QPushButton(self.tr("Unlock"), self.card), "idleLock.unlock",
                                   self.tr("Unlock"))
        self.unlock_button.setProperty("primary", True)
        self.switch_button = named(QPushButton(self.tr("Sign in as another operator"), self.card),
                                   "idleLock.switchOperator", self.tr("Sign in as another operator"))
        self.message = QLabel("", self.card)
        self.message.setObjectName("idleLock.message")
        self.message.setProperty("kind", "error")
        self.message.setWordWrap(True)
        for widget in (self.title, self.who, self.pin, Keypad("idleLock", [self.pin], self.card),
                       self.unlock_button, self.switch_button, self.message):
            self.card_layout.addWidget(widget)
        self.pin.returnPressed.connect(self.attempt)
        self.unlock_button.clicked.connect(self.attempt)
        self.switch_button.clicked.connect(self.switch_requested)

    def lock(self, actor: Actor) -> None:
        self._actor = actor
        self.who.setText(self.tr("Signed in: %1 (%2). Enter the PIN to continue.")
                         .replace("%1", actor.name).replace("%2", actor.operator_id))
        self.pin.clear()
        self.message.clear()
        self.message.hide()
        self._set_busy(False)
        self.show_over()
        self.pin.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.pin.setEnabled(not busy)
        self.unlock_button.setEnabled(not busy)

    def attempt(self) -> None:
        pin = self.pin.text()
        if not pin or not self.unlock_button.isEnabled():
            return
        actor = self._actor
        if actor is None:
            return
        self._set_busy(True)
        self._session.unlock(actor=actor, pin=pin).run(self, success=self._done,
                                                       failure=self._refused)

    def _done(self, _result: object) -> None:
        self._set_busy(False)
        self.pin.clear()
        self.hide()
        self.unlocked.emit()

    def _refused(self, error: BaseException) -> None:
        self._set_busy(False)
        self.pin.clear()
        self.message.setText(service_error_text(error))
        self.message.show()
        if getattr(error, "reason", None) == "locked":
            self.pin.setEnabled(False)
            self.unlock_button.setEnabled(False)
            self.switch_button.setFocus()
        else:
            self.pin.setFocus()

    def keyPressEvent(self, event) -> None:
        event.accept()  # nothing leaks to the screens underneath
