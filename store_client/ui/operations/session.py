"""Signing in and out, and unlocking the till: the operations nobody is signed in for yet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from store_client import heap
from store_client.ui.operations.base import Backend
from store_client.ui.operations.changes import NOTHING, Changes
from store_client.ui.operations.runner import Op

if TYPE_CHECKING:
    from store_client.services.auth import Actor

SIGNED = Changes(operators=True, audit=True)


class SessionOps:
    """Built with the window, maybe before the terminal is open: the work reaches the
    services when it runs (on the database thread, which opens the terminal first)."""

    def __init__(self, backend: Backend) -> None:
        self._runner, self._backend = backend.runner, backend

    def login(self, *, operator_id: str, pin: str) -> Op[Actor]:
        backend = self._backend

        def work(_grant: object) -> Actor:
            actor = backend.services.auth.login(operator_id, pin)
            heap.release_free_heap()  # the last operator's screens are gone by now
            return actor

        return self._runner.op(work, changes=SIGNED)

    def unlock(self, *, actor: Actor, pin: str) -> Op[None]:
        backend = self._backend
        return self._runner.op(lambda _g: backend.services.auth.unlock_terminal(actor, pin),
                               changes=SIGNED)

    def missing_setup(self) -> Op[list[str]]:
        """What an unprovisioned till lacks (``hq``, ``token``, ``operators``, ``catalog``),
        for the sign-in window; it reads the database and the token store."""
        backend = self._backend

        def work(_grant: object) -> list[str]:
            from store_client.provisioning import missing_setup

            return missing_setup(backend.terminal)

        return self._runner.op(work, changes=NOTHING)

    def logout(self, *, actor: Actor) -> Op[None]:
        backend = self._backend
        return self._runner.op(lambda _g: backend.services.auth.logout(actor), changes=SIGNED)
