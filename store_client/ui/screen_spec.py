"""What a screen is and what it is given: :class:`ScreenSpec`, :class:`ScreenContext`, :func:`register`.

The screen modules import this module only; :mod:`store_client.ui.screen_registry` imports
the screens (to load the built-in ones) and this module, so the two never import each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
    #: built at sign-in although not shown: it watches something the status bar announces
    #: (the others are built when first opened)
    watches: bool = False

    def label(self) -> str:
        return QCoreApplication.translate("Screens", self.title)


_REGISTRY: list[ScreenSpec] = []


def register(spec: ScreenSpec) -> ScreenSpec:
    if any(s.key == spec.key for s in _REGISTRY):
        raise ValueError(f"screen {spec.key!r} registered twice")
    _REGISTRY.append(spec)
    return spec


def registered_specs() -> list[ScreenSpec]:
    """The screens registered so far, in registration order."""
    return list(_REGISTRY)
