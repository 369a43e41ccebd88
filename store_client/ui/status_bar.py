"""Status bar: operator and role, store, terminal, sync state, a ticking clock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from store_client import store_time
from store_client.clock import Clock
from store_client.ui.i18n import role_label
from store_client.ui.theme import TONES

if TYPE_CHECKING:
    from store_client.services.auth import Actor


class StatusBar(QStatusBar):
    def __init__(self, *, clock: Clock, store_id: str, store_name: str, terminal_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("status.bar")
        self.setSizeGripEnabled(False)
        self._clock = clock
        self.operator = self._label("status.operator", self.tr("Operator"))
        store_text = f"{store_id} {store_name}".strip()
        self.store = self._label("status.store", self.tr("Store"))
        self.store.setText(self.tr("Store %1").replace("%1", store_text))
        self.terminal = self._label("status.terminal", self.tr("Terminal"))
        self.terminal.setText(self.tr("Terminal %1").replace("%1", terminal_id))
        self.alert = self._label("status.alert", self.tr("Needs attention"))
        self.alert.hide()
        self.sync = self._label("status.sync", self.tr("Sync state"))
        self.clock = self._label("status.clock", self.tr("Clock"))
        for widget in (self.operator, self.store, self.terminal):
            self.addWidget(widget)
        self.addPermanentWidget(self.alert)
        self.addPermanentWidget(self.sync)
        self.addPermanentWidget(self.clock)
        self.set_operator(None)
        self.set_sync_state(self.tr("Offline"), "warn")
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.tick)
        self._timer.start()
        self.tick()

    def _label(self, object_name: str, accessible: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(object_name)
        label.setAccessibleName(accessible)
        return label

    def set_operator(self, actor: Actor | None) -> None:
        if actor is None:
            self.operator.setText(self.tr("Not signed in"))
        else:
            self.operator.setText(f"{actor.name} ({actor.operator_id}) · {role_label(actor.role)}")

    def set_sync_state(self, text: str, tone: str = "neutral") -> None:
        """The sync helper's slot: short text and a tone from theme.TONES."""
        color = TONES.get(tone, TONES["neutral"])
        self.sync.setText(f"● {text}")
        self.sync.setToolTip(text)
        self.sync.setStyleSheet(f"QLabel {{ color: white; background: {color}; border-radius: 4px; }}")

    def set_alert(self, text: str | None) -> None:
        """What needs someone now on another screen (pick-up orders due); empty hides it."""
        self.alert.setText(f"▲ {text}" if text else "")
        self.alert.setToolTip(text or "")
        self.alert.setAccessibleDescription(text or "")
        self.alert.setStyleSheet(f"QLabel {{ color: white; background: {TONES['warn']}; "
                                 "border-radius: 4px; }")
        self.alert.setVisible(bool(text))

    def tick(self) -> None:
        self.clock.setText(store_time.date_time(self._clock.now()))

    def stop(self) -> None:
        self._timer.stop()
