"""Diagnostics operations: what support asks for first (a manager may approve the view)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from store_client.ui.operations.base import Area, guarded
from store_client.ui.operations.changes import NOTHING
from store_client.ui.operations.runner import Op

if TYPE_CHECKING:
    from store_client.services.diagnostics import StoreFacts


class DiagnosticsOps(Area):
    def store_facts(self, *, action_text: str) -> Op[StoreFacts]:
        terminal, catalog = self._backend.terminal, self._services.catalog

        def read() -> StoreFacts:
            from store_client.services.diagnostics import store_facts

            return store_facts(terminal.db, terminal.config, catalog)

        return self._runner.op(guarded(self._backend, self._actor, "diagnostics.view", read),
                               changes=NOTHING, requester=self._actor, action_text=action_text)
