"""Signing in and out, and unlocking the till: the operations nobody is signed in for yet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from store_client.ui.operations.base import Backend
from store_client.ui.operations.changes import Changes
from store_client.ui.operations.runner import Op

if TYPE_CHECKING:
    from store_client.services.auth import Actor

SIGNED = Changes(operators=True, audit=True)


class SessionOps:
    def __init__(self, backend: Backend) -> None:
        self._runner, self._auth = backend.runner, backend.services.auth

    def login(self, *, operator_id: str, pin: str) -> Op[Actor]:
        auth = self._auth
        return self._runner.op(lambda _g: auth.login(operator_id, pin), changes=SIGNED)

    def unlock(self, *, actor: Actor, pin: str) -> Op[None]:
        auth = self._auth
        return self._runner.op(lambda _g: auth.unlock_terminal(actor, pin), changes=SIGNED)

    def logout(self, *, actor: Actor) -> Op[None]:
        auth = self._auth
        return self._runner.op(lambda _g: auth.logout(actor), changes=SIGNED)
