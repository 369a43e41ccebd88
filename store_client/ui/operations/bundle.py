"""The operations a signed-in operator's screens use, one attribute per area."""

from __future__ import annotations

from typing import TYPE_CHECKING

from store_client.ui.operations.audit import AuditOps
from store_client.ui.operations.base import Backend
from store_client.ui.operations.board import BoardOps
from store_client.ui.operations.catalog import CatalogOps
from store_client.ui.operations.changes import ChangeHub
from store_client.ui.operations.checkout import CheckoutOps
from store_client.ui.operations.diagnostics import DiagnosticsOps
from store_client.ui.operations.exchanges import ExchangeOps
from store_client.ui.operations.members import MembersOps
from store_client.ui.operations.operators import OperatorOps
from store_client.ui.operations.pickup import PickupOps
from store_client.ui.operations.printing import PrintingOps, print_queue_of
from store_client.ui.operations.returns import ReturnsOps
from store_client.ui.operations.shifts import ShiftOps
from store_client.ui.operations.stock_counts import StockCountOps
from store_client.ui.operations.sync import SyncOps

if TYPE_CHECKING:
    from store_client.services.auth import Actor


class Operations:
    """Bound to one operator; made at sign-in and dropped at sign-out."""

    def __init__(self, backend: Backend, actor: Actor) -> None:
        self._backend, self.actor = backend, actor
        self.hub: ChangeHub = backend.runner.hub
        self.checkout = CheckoutOps(backend, actor)
        self.returns = ReturnsOps(backend, actor)
        self.exchanges = ExchangeOps(backend, actor)
        self.shifts = ShiftOps(backend, actor)
        self.sync = SyncOps(backend, actor)
        self.catalog = CatalogOps(backend, actor)
        self.operators = OperatorOps(backend, actor)
        self.audit = AuditOps(backend, actor)
        self.diagnostics = DiagnosticsOps(backend, actor)
        self.pickup = PickupOps(backend, actor)
        self.members = MembersOps(backend, actor)
        self.stock_counts = StockCountOps(backend, actor)
        self.board = BoardOps(backend, actor)
        self._printing: PrintingOps | None = None

    @property
    def printing(self) -> PrintingOps:
        """The running print queue's operations (looked up on first use)."""
        if self._printing is None:
            self._printing = PrintingOps(self._backend, self.actor,
                                         print_queue_of(self._backend.services))
        return self._printing
