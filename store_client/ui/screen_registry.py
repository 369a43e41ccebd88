"""The screens of the main window and who may open them.

A screen module registers a :class:`ScreenSpec` (:mod:`store_client.ui.screen_spec`,
which is all a screen imports of this machinery); the main window shows, in
``order``, the screens whose permission the operator's role is not
denied (the services check the permission again when the screen acts).
The n-th screen on the rail opens with Ctrl+n (:mod:`store_client.ui.keymap`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from store_client.ui.screen_spec import ScreenContext, ScreenSpec, register, registered_specs

__all__ = ["ScreenContext", "ScreenSpec", "allowed",
           "load_builtin_screens", "register", "registered", "screens_for"]

if TYPE_CHECKING:
    from store_client.domain.roles import Role


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
    return sorted(registered_specs(), key=lambda s: s.order)  # stable: ties keep registration order


def allowed(role: Role | str, permission: str) -> bool:
    """True unless the permission matrix denies the role (APPROVAL still shows the screen)."""
    from store_client.domain.roles import Decision, decide

    return decide(str(getattr(role, "value", role)), permission) is not Decision.DENY


def screens_for(role: Role | str) -> list[tuple[ScreenSpec, str | None]]:
    """The visible screens for ``role`` with their navigation keys (None after the tenth)."""
    from store_client.ui.keymap import nav_key

    visible = [s for s in registered() if allowed(role, s.permission)]
    return [(spec, nav_key(index)) for index, spec in enumerate(visible)]
