"""The screens of the main window and who may open them.

A screen module registers a :class:`ScreenSpec` (:mod:`store_client.ui.screen_spec`,
which is all a screen imports of this machinery); the main window shows, in
``order``, the screens whose permission the operator's role is not
denied (the services check the permission again when the screen acts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from store_client.ui.screen_spec import ScreenContext, ScreenSpec, register, registered_specs

__all__ = ["FIRST_SCREEN_KEY", "LAST_SCREEN_KEY", "ScreenContext", "ScreenSpec", "allowed",
           "load_builtin_screens", "register", "registered", "screens_for"]

if TYPE_CHECKING:
    from store_client.domain.roles import Role

FIRST_SCREEN_KEY, LAST_SCREEN_KEY = 2, 11  # F2..F11; F1 help, F12 lock


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


def screens_for(role: Role | str) -> list[tuple[ScreenSpec, int | None]]:
    """The visible screens for ``role`` with their function keys (None once F11 is used)."""
    visible = [s for s in registered() if allowed(role, s.permission)]
    taken = {s.function_key for s in visible if s.function_key is not None}
    free = (n for n in range(FIRST_SCREEN_KEY, LAST_SCREEN_KEY + 1) if n not in taken)
    result = []
    for spec in visible:
        key = spec.function_key if spec.function_key is not None else next(free, None)
        result.append((spec, key))
    return result
