"""The main window: sign-in page, then a navigation rail with the operator's screens.

Global keys (:mod:`store_client.ui.keymap`): F1 help for the screen shown, Ctrl+1 …
Ctrl+0 the screens in rail order, F12 lock, Ctrl+Q sign out; F2 … F11 belong to
the screen. The idle watcher locks the terminal after ``ui.idle_lock_seconds``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal, SignalInstance
from PySide6.QtGui import QIcon, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from store_client.ui import keymap
from store_client.ui.automation import named
from store_client.ui.help_overlay import HelpOverlay
from store_client.ui.i18n import role_label
from store_client.ui.idle_lock import IdleLockOverlay, IdleWatcher
from store_client.ui.login_screen import LoginScreen
from store_client.ui.operations import Backend, ChangeHub, SessionOps
from store_client.ui.operations.runner import OpRunner
from store_client.ui.resources_path import ICONS_DIR
from store_client.ui.screen_registry import ScreenContext, ScreenSpec, screens_for
from store_client.ui.status_bar import StatusBar
from store_client.ui.tasks import TaskManager

if TYPE_CHECKING:
    from store_client.bootstrap import Services, Terminal
    from store_client.clock import Clock
    from store_client.config import Config
    from store_client.demo.operators import DemoOperator
    from store_client.services.auth import Actor
    from store_client.ui.operations import Operations

log = logging.getLogger(__name__)
RAIL_WIDTH, RAIL_NARROW, RAIL_FULL_PX = 220, 206, 1200


class MainWindow(QMainWindow):
    """Emits ``screen_changed(key)`` whenever a screen is opened, and ``session_changed()``
    when someone signs in or out and when the till is locked or unlocked."""

    screen_changed = Signal(str)
    session_changed = Signal()

    def __init__(self, *, tasks: TaskManager, terminal: Terminal | None = None,
                 services: Services | None = None, config: Config | None = None,
                 clock: Clock | None = None,
                 demo_operators: Sequence[DemoOperator | tuple[str, str, str, str]] | None = None, idle_ms: int | None = None) -> None:
        """With ``terminal`` and ``services``, or with only ``config`` and ``clock``: then the
        window shows (and takes a PIN) while the terminal opens, and the start-up hands it
        over with ``backend.attach``."""
        super().__init__()
        self.setObjectName("main.window")
        self.tasks = tasks
        self.hub = ChangeHub(self)
        if terminal is not None:
            assert services is not None
            self.backend = Backend.create(terminal=terminal, services=services, tasks=tasks,
                                          hub=self.hub)
        else:
            assert config is not None and clock is not None
            self.backend = Backend(OpRunner(tasks, self.hub), config, clock)
        self.session = SessionOps(self.backend)
        self.ops: Operations | None = None  # the signed-in operator's
        config = self.backend.config
        self.locale = config.locale
        self.actor: Actor | None = None
        self.screens = LazyScreens(self._screen_built)
        self.nav_buttons: dict[str, QPushButton] = {}
        self.nav_actions: list[keymap.KeyAction] = []
        self._screen_shortcuts: list[QShortcut] = []
        store_name = config["store.name"]
        self.setWindowTitle(self.tr("Store client — store %1, terminal %2")
                            .replace("%1", f"{config.store_id} {store_name}".strip())
                            .replace("%2", config.terminal_id))
        self.setMinimumSize(960, 600)  # fits a 1024×768 panel, windowed (fit_check.py)

        self.pages = QStackedWidget(self)
        self.pages.setObjectName("main.pages")
        store_line = self.tr("Store %1 · Terminal %2").replace(
            "%1", f"{config.store_id} {store_name}".strip()).replace("%2", config.terminal_id)
        self.login = LoginScreen(session=self.session, store_line=store_line,
                                 demo_operators=demo_operators if config.demo else None)
        self.login.logged_in.connect(self.sign_in)
        self.pages.addWidget(self.login)
        self.workspace = self._build_workspace()
        self.pages.addWidget(self.workspace)
        self.setCentralWidget(self.pages)

        self.status = StatusBar(clock=self.backend.clock, store_id=config.store_id, store_name=store_name,
                                terminal_id=config.terminal_id, parent=self)
        self.setStatusBar(self.status)

        self.help = HelpOverlay(self.pages)
        self.lock_overlay = IdleLockOverlay(self.pages, session=self.session)
        self.lock_overlay.unlocked.connect(self._unlocked)
        self.lock_overlay.switch_requested.connect(self.sign_out)
        self.idle = IdleWatcher(idle_ms if idle_ms is not None else config["ui.idle_lock_seconds"] * 1000,
                                self)
        self.idle.idle.connect(self.lock)

        self._fixed_shortcuts = [
            self._shortcut(QKeySequence(keymap.HELP_KEY), self.show_help),
            self._shortcut(QKeySequence(keymap.LOCK_KEY), self.lock),
            self._shortcut(QKeySequence(keymap.SIGN_OUT_KEY), self.sign_out),
            self._shortcut(QKeySequence(keymap.NEXT_SCREEN_KEY), lambda: self.step_screen(1)),
            self._shortcut(QKeySequence(keymap.PREVIOUS_SCREEN_KEY), lambda: self.step_screen(-1)),
        ]
        self.pages.setCurrentWidget(self.login)
        self.login.setFocus()

    @property
    def terminal(self) -> Terminal:
        return self.backend.terminal

    @property
    def services(self) -> Services:
        return self.backend.services

    # -- layout -------------------------------------------------------------
    def _build_workspace(self) -> QWidget:
        workspace = QWidget(self)
        workspace.setObjectName("main.workspace")
        rail = QFrame(workspace)
        rail.setObjectName("nav.railFrame")
        rail.setProperty("kind", "rail")
        rail.setFixedWidth(220)
        self.rail = rail
        self.rail_layout = QVBoxLayout(rail)
        self.rail_layout.setContentsMargins(8, 12, 8, 12)
        self.rail_layout.setSpacing(4)
        self.rail_title = QLabel("", rail)
        self.rail_title.setObjectName("nav.operator")
        self.rail_title.setProperty("kind", "railTitle")
        self.rail_title.setWordWrap(True)
        self.rail_layout.addWidget(self.rail_title)
        # the screens' buttons scroll when the rail is short (a 1024×768 window), never squeeze
        self.rail_scroll = QScrollArea(rail)
        self.rail_scroll.setObjectName("nav.screens")
        self.rail_scroll.setWidgetResizable(True)
        self.rail_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.rail_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.rail_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.rail_scroll.viewport().setAutoFillBackground(False)
        for bar, suffix in ((self.rail_scroll.verticalScrollBar(), "V"),
                            (self.rail_scroll.horizontalScrollBar(), "H")):
            named(bar, f"nav.screensScroll{suffix}", self.tr("Scroll the list of screens"))
        screens_host = QWidget(self.rail_scroll)
        screens_host.setObjectName("nav.screensHost")
        screens_host.setAutoFillBackground(False)
        screens_host.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.rail_screens = QVBoxLayout(screens_host)
        self.rail_screens.setContentsMargins(0, 0, 0, 0)
        self.rail_screens.setSpacing(4)
        self.rail_screens.addStretch(1)
        self.rail_scroll.setWidget(screens_host)
        self.rail_layout.addWidget(self.rail_scroll, 1)
        self.help_button = self._rail_button(
            "nav.help", keymap.key_caption(keymap.HELP_KEY, self.tr("Help")), self.tr("Help"), rail)
        self.help_button.clicked.connect(self.show_help)
        self.lock_button = self._rail_button(
            "nav.lock", keymap.key_caption(keymap.LOCK_KEY, self.tr("Lock")),
            self.tr("Lock the terminal"), rail)
        self.lock_button.clicked.connect(self.lock)
        self.logout_button = self._rail_button(
            "nav.logout", keymap.key_caption(keymap.SIGN_OUT_KEY, self.tr("Sign out")),
            self.tr("Sign out (Ctrl+Q)"), rail)
        self.logout_button.clicked.connect(self.sign_out)
        for button in (self.help_button, self.lock_button, self.logout_button):
            self.rail_layout.addWidget(button)
        self.nav_group = QButtonGroup(self)
        self.nav_group.setExclusive(True)
        self.stack = QStackedWidget(workspace)
        self.stack.setObjectName("main.screens")
        layout = QHBoxLayout(workspace)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(rail)
        layout.addWidget(self.stack, 1)
        return workspace

    def _rail_button(self, object_name: str, text: str, accessible: str, parent: QWidget) -> QPushButton:
        button = named(QPushButton(text, parent), object_name, accessible)
        button.setProperty("kind", "rail")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button

    def _shortcut(self, sequence: QKeySequence, slot: Callable[[], object]) -> QShortcut:
        shortcut = QShortcut(sequence, self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)
        return shortcut

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A narrower rail on a narrow screen (1024 px): the screens get the room."""
        super().resizeEvent(event)
        self.rail.setFixedWidth(RAIL_WIDTH if event.size().width() >= RAIL_FULL_PX else RAIL_NARROW)

    # -- sign in / out ------------------------------------------------------
    def sign_in(self, actor: Actor) -> None:
        self._clear_screens()
        self.actor = actor
        from store_client.ui.operations.bundle import Operations  # the screens' areas: at sign-in

        self.ops = Operations(self.backend, actor)
        self.screens.open_for(ScreenContext(ops=self.ops, actor=actor, locale=self.locale,
                                            config=self.backend.config))
        self.nav_actions = []
        for spec, key in screens_for(actor.role):
            self._add_screen(spec, key)
            if key is not None:
                self.nav_actions.append(keymap.KeyAction((key,), spec.label()))
        self.rail_title.setText(f"{actor.name}\n{role_label(actor.role)}")
        self.status.set_operator(actor)
        self.pages.setCurrentWidget(self.workspace)
        if self.screens:
            self.open_screen(next(iter(self.screens)))
        self.screens.build_watchers()
        self.idle.start()
        self.session_changed.emit()

    def _add_screen(self, spec: ScreenSpec, key: str | None) -> None:
        self.screens.offer(spec)
        # the key on a line of its own: a long name still fits the rail at 1024 px
        text = f"{spec.label()}\n{keymap.key_text(key)}" if key is not None else spec.label()
        button = self._rail_button(f"nav.{spec.key}", text, spec.label(), self.workspace)
        button.setCheckable(True)
        icon_path = ICONS_DIR / spec.icon if spec.icon else None
        if icon_path is not None and icon_path.exists():
            button.setIcon(QIcon(str(icon_path)))
            button.setIconSize(QSize(22, 22))
        button.clicked.connect(lambda _c=False, key=spec.key: self.open_screen(key))
        self.nav_group.addButton(button)
        self.rail_screens.insertWidget(self.rail_screens.count() - 1, button)  # above the stretch
        self.nav_buttons[spec.key] = button
        if key is not None:
            self._screen_shortcuts.append(
                self._shortcut(QKeySequence(key), lambda name=spec.key: self.open_screen(name)))

    def _screen_built(self, screen: QWidget) -> None:
        """A screen just built (at sign-in or when first opened): the window's part."""
        keymap.buttons_take_enter(screen)
        attention = getattr(screen, "attention", None)  # a screen that calls for someone
        if isinstance(attention, SignalInstance):
            attention.connect(self.status.set_alert)
        self.stack.addWidget(screen)

    def _clear_screens(self) -> None:
        for shortcut in self._screen_shortcuts:
            shortcut.setEnabled(False)
            shortcut.deleteLater()
        self._screen_shortcuts.clear()
        for button in self.nav_buttons.values():
            self.nav_group.removeButton(button)
            button.deleteLater()
        self.nav_buttons.clear()
        for screen in self.screens.clear():
            self.stack.removeWidget(screen)
            screen.deleteLater()
        self.status.set_alert(None)

    def open_screen(self, key: str) -> None:
        if self.actor is None or self.lock_overlay.isVisible() or key not in self.screens:
            return
        self.help.hide()
        screen = self.screens[key]
        self.stack.setCurrentWidget(screen)
        self.nav_buttons[key].setChecked(True)
        self.rail_scroll.ensureWidgetVisible(self.nav_buttons[key], 0, 0)
        activated = getattr(screen, "activated", None)
        if activated is not None:
            activated()
        self.screen_changed.emit(key)

    def step_screen(self, step: int) -> None:
        """The next (or previous) screen of the rail, round: reaches the screens past the
        tenth, which have no Ctrl+digit."""
        keys = list(self.screens)
        if self.actor is None or not keys:
            return
        current = self.screens.key_of(self.stack.currentWidget())
        index = keys.index(current) if current in keys else -step
        self.open_screen(keys[(index + step) % len(keys)])

    def sign_out(self) -> None:
        actor, self.actor, self.ops = self.actor, None, None
        if actor is None and not self.lock_overlay.isVisible():
            return
        self.idle.stop()
        self.lock_overlay.hide()
        self.help.hide()
        self._clear_screens()
        self.status.set_operator(None)
        self.workspace.setEnabled(True)
        for shortcut in self._fixed_shortcuts:
            shortcut.setEnabled(True)
        self.pages.setCurrentWidget(self.login)
        self.login.reset()
        self.session_changed.emit()
        if actor is not None:
            self.session.logout(actor=actor).run(
                self, failure=lambda e: log.error("logout failed: %s", e))

    # -- lock, help ---------------------------------------------------------
    def lock(self) -> None:
        if self.actor is None or self.lock_overlay.isVisible():
            return
        self.idle.stop()
        self.help.hide()
        self.workspace.setEnabled(False)
        self._set_shortcuts_enabled(False)
        self.lock_overlay.lock(self.actor)
        self.session_changed.emit()

    @property
    def locked(self) -> bool:
        return self.lock_overlay.isVisible()

    def _unlocked(self) -> None:
        self.workspace.setEnabled(True)
        self._set_shortcuts_enabled(True)
        self.idle.start()
        self.session_changed.emit()
        current = self.stack.currentWidget()
        if current is not None:
            current.setFocus()

    def _set_shortcuts_enabled(self, enabled: bool) -> None:
        for shortcut in self._screen_shortcuts + self._fixed_shortcuts[:2] + self._fixed_shortcuts[3:]:
            shortcut.setEnabled(enabled)

    def current_key_actions(self) -> list[keymap.KeyAction]:
        """The keys of the screen shown (its own first), then the navigation and global keys."""
        return keymap.actions_of(self.stack.currentWidget()) + self.nav_actions + keymap.global_actions()

    def show_help(self) -> None:
        if self.actor is None or self.locked:
            return
        if self.help.isVisible():
            self.help.hide()
            return
        screen = self.stack.currentWidget()
        key = self.screens.key_of(screen)
        name = self.nav_buttons[key].accessibleName() if key in self.nav_buttons else ""
        self.help.set_sections([
            (self.tr("On this screen: %1").replace("%1", name),
             keymap.in_key_order(keymap.actions_of(screen))),
            (self.tr("Screens"), self.nav_actions),
            (self.tr("Everywhere"), keymap.global_actions()),
        ])
        self.help.open()

    def shutdown(self) -> None:
        """Sign out (audited) and stop timers; the caller then shuts the task manager down."""
        self.sign_out()
        self.idle.close()
        self.status.stop()
        from store_client.hardware.customer_display import close_shared_customer_display

        close_shared_customer_display()


class LazyScreens(Mapping[str, QWidget]):
    """The signed-in operator's screens by key, in rail order, each built the first time it
    is asked for (opened, or read by a test or the tour): a cashier who never opens Returns
    does not pay for it at sign-in, in time or memory. Screens that watch something for the
    status bar (``ScreenSpec.watches``) are built at sign-in."""

    def __init__(self, on_built: Callable[[QWidget], object]) -> None:
        self._on_built = on_built
        self._specs: dict[str, ScreenSpec] = {}
        self._built: dict[str, QWidget] = {}
        self._ctx: ScreenContext | None = None

    def open_for(self, ctx: ScreenContext) -> None:
        self._ctx = ctx

    def offer(self, spec: ScreenSpec) -> None:
        self._specs[spec.key] = spec

    def build_watchers(self) -> None:
        for key, spec in self._specs.items():
            if spec.watches:
                self[key]

    def __getitem__(self, key: str) -> QWidget:
        screen = self._built.get(key)
        if screen is None:
            spec = self._specs[key]  # KeyError: not one of this operator's screens
            assert self._ctx is not None
            screen = self._built[key] = spec.factory(self._ctx)
            self._on_built(screen)
        return screen

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def __contains__(self, key: object) -> bool:
        return key in self._specs

    @property
    def built(self) -> dict[str, QWidget]:
        """The screens built so far (reading them builds none)."""
        return dict(self._built)

    def key_of(self, screen: QWidget | None) -> str | None:
        return next((k for k, w in self._built.items() if w is screen), None)

    def clear(self) -> list[QWidget]:
        """Forget every screen (sign-out); the built ones are returned for deletion."""
        built = list(self._built.values())
        self._specs.clear()
        self._built.clear()
        self._ctx = None
        return built
