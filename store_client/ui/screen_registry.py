"""The screens of the main window and who may open them.

A screen module registers a :class:`ScreenSpec`; the main window shows, in
``order``, the screens whose permission the operator's role is not
denied (the services check the permission again when the screen acts).
The n-th screen on the rail opens with Ctrl+n (:mod:`store_client.ui.keymap`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from store_client.config import Config
    from store_client.services.auth import Actor
    from store_client.ui.operations import Operations



@dataclass
class ScreenContext:
    """What a screen may use: the operations (never a service, session or terminal), the
    operator, the UI language and the settings."""

    ops: Operations
    actor: Actor
    locale: str
    config: Config


@dataclass(frozen=True)
class ScreenSpec:
    key: str  # stable, camelCase: the nav button is "nav.<key>"
    title: str  # English source text, translated in the "Screens" context
    factory: Callable[[ScreenContext], QWidget]
    permission: str  # a roles.Permission value
    icon: str = ""  # file in resources/icons
    order: int = 100  # position on the rail (then registration order): import order is not it

    def label(self) -> str:
        return QCoreApplication.translate("Screens", self.title)


_REGISTRY: list[ScreenSpec] = []


def register(spec: ScreenSpec) -> ScreenSpec:
    if any(s.key == spec.key for s in _REGISTRY):
        raise ValueError(f"screen {spec.key!r} registered twice")
    _REGISTRY.append(spec)
    return spec


def load_builtin_screens() -> None:
    """Import the built-in screens (they register themselves).

    Not done at start-up: the sign-in window does not need them, so the app imports
    them in the background once that window is up (``run_shell``); whoever asks for
    the registry first waits for that import to finish (Python's per-module import lock).
    """
    import store_client.ui.screens  # noqa: F401


def registered() -> list[ScreenSpec]:
    """Every screen, in rail order."""
    load_builtin_screens()
    return sorted(_REGISTRY, key=lambda s: s.order)  # stable: ties keep registration order


def allowed(role: Any, permission: str) -> bool:
    """True unless the permission matrix denies the role (APPROVAL still shows the screen)."""
    from store_client.domain.roles import Decision, decide

    return decide(str(getattr(role, "value", role)), permission) is not Decision.DENY


def screens_for(role: Any) -> list[tuple[ScreenSpec, str | None]]:
    """The visible screens for ``role`` with their navigation keys (None after the tenth)."""
    from store_client.ui.keymap import nav_key

    visible = [s for s in registered() if allowed(role, s.permission)]
    return [(spec, nav_key(index)) for index, spec in enumerate(visible)]
