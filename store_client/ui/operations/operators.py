"""Operator operations: who may sign in here, and lifting a lockout early."""

from __future__ import annotations

from typing import TYPE_CHECKING

from store_client.ui.operations.base import Area
from store_client.ui.operations.changes import NOTHING, Changes
from store_client.ui.operations.runner import Op

if TYPE_CHECKING:
    from store_client.services.operators import OperatorInfo


class OperatorOps(Area):
    def list(self) -> Op[list[OperatorInfo]]:
        operators, actor = self._services.operators, self._actor
        return self._runner.op(lambda _g: operators.list_operators(actor), changes=NOTHING)

    def unlock(self, *, operator_id: str) -> Op[None]:
        operators, actor = self._services.operators, self._actor
        return self._runner.op(lambda _g: operators.unlock_operator(actor, operator_id),
                               changes=Changes(operators=True, audit=True))
