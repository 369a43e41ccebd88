"""Audit operations: recent entries and a check of the hash chain (a manager may approve)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from store_client.ui.operations.base import Area, guarded
from store_client.ui.operations.changes import NOTHING
from store_client.ui.operations.runner import Op

if TYPE_CHECKING:
    from store_client.domain.audit_chain import ChainReport
    from store_client.services.audit import AuditRow

RECENT_LIMIT = 500


class AuditOps(Area):
    def recent(self, *, action_text: str, limit: int = RECENT_LIMIT) -> Op[list[AuditRow]]:
        audit, db = self._services.audit, self._backend.terminal.db
        return self._runner.op(guarded(self._backend, self._actor, "audit.view",
                                       lambda: list(audit.recent(db, limit, None))),
                               changes=NOTHING, requester=self._actor, action_text=action_text)

    def verify(self, *, action_text: str) -> Op[ChainReport]:
        audit, db = self._services.audit, self._backend.terminal.db
        return self._runner.op(guarded(self._backend, self._actor, "audit.verify",
                                       lambda: audit.verify(db)),
                               changes=NOTHING, requester=self._actor, action_text=action_text)
