"""Returns operations: a sale looked up by its receipt, the refund, the return slip again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from store_client.ui.operations.base import Area, need
from store_client.ui.operations.changes import NOTHING, Changes
from store_client.ui.operations.runner import Op

if TYPE_CHECKING:
    from store_client.services.cross_return_views import CrossReturnDone, CrossReturnRequest, FoundOriginals
    from store_client.services.cross_returns import CrossReturnsService
    from store_client.services.return_views import CompletedReturn, ReturnRequest, SaleForReturn
    from store_client.services.no_receipt_returns import NoReceiptReturnsService
    from store_client.services.no_receipt_views import NoReceiptDone, NoReceiptItem, NoReceiptPolicy, NoReceiptRequest
    from store_client.services.returns import ReturnsService

REFUNDED = Changes(returns=True, shift=True, sync=True, print_queue=True, audit=True)


class ReturnsOps(Area):
    def _service(self) -> ReturnsService:
        return need(self._services.returns,
                    "Returns are not available: the returns service is not set up.")  # built on first use, off the UI thread

    def find_sale(self, *, receipt_no: str) -> Op[SaleForReturn]:
        actor = self._actor
        return self._runner.op(lambda _g: self._service().find_sale(actor, receipt_no),
                               changes=NOTHING, requester=actor)

    def refund(self, *, request: ReturnRequest, action_text: str) -> Op[CompletedReturn]:
        """A cashier's refund asks a manager; the request id makes a retry refund once."""
        actor = self._actor
        return self._runner.op(lambda grant: self._service().refund(actor, request, grant),
                               changes=REFUNDED, requester=actor, action_text=action_text)

    def _cross(self) -> CrossReturnsService:
        return need(self._services.cross_returns,
                    "Returns of other stores' sales are not available: the service is not set up.")

    def find_original(self, *, query: str) -> Op[FoundOriginals]:
        """Another store's sale or an online order: by receipt QR, order number, receipt,
        payment or the member's phone (asks HQ: on the pool, never the UI thread)."""
        actor = self._actor
        return self._runner.op(lambda _g: self._cross().find(actor, query), changes=Changes(audit=True),
                               requester=actor, pool=True)

    def refund_original(self, *, request: CrossReturnRequest, action_text: str) -> Op[CrossReturnDone]:
        """Reserve at HQ, refund, confirm (a cashier's refund asks a manager); refunded once."""
        actor = self._actor
        return self._runner.op(lambda grant: self._cross().refund(actor, request, grant),
                               changes=REFUNDED, requester=actor, action_text=action_text, pool=True)

    def reprint_original(self, *, return_id: str) -> Op[int | None]:
        """The slip of a return of another store's sale or an online order, again."""
        actor = self._actor
        return self._runner.op(lambda _g: self._cross().reprint(actor, return_id),
                               changes=Changes(print_queue=True, audit=True), requester=actor)

    def reprint(self, *, return_id: str) -> Op[int | None]:
        actor = self._actor
        return self._runner.op(lambda _g: self._service().reprint(actor, return_id),
                               changes=Changes(print_queue=True, audit=True), requester=actor)

    # -- without a receipt or member (services/no_receipt_returns.py) -------------------------
    def _bare(self) -> NoReceiptReturnsService:
        return need(self._services.no_receipt_returns,
                    "Returns without a receipt are not available: the service is not set up.")

    def no_receipt_start(self) -> Op[NoReceiptPolicy]:
        actor = self._actor
        return self._runner.op(lambda _g: self._bare().start(actor), changes=NOTHING, requester=actor)

    def no_receipt_item(self, *, code: str) -> Op[NoReceiptItem]:
        """A scanned item at its lowest shelf price of 90 days (a refusal is audited)."""
        actor = self._actor
        return self._runner.op(lambda _g: self._bare().item(actor, code), changes=Changes(audit=True),
                               requester=actor)

    def no_receipt_refund(self, *, request: NoReceiptRequest, action_text: str) -> Op[NoReceiptDone]:
        """Always a second person's approval; the request id makes a retry refund once."""
        actor = self._actor
        return self._runner.op(lambda grant: self._bare().refund(actor, request, grant),
                               changes=REFUNDED, requester=actor, action_text=action_text)

    def no_receipt_reprint(self, *, return_id: str) -> Op[int | None]:
        """The slip of a return without receipt again (and its credit note), marked REPRINT."""
        actor = self._actor
        return self._runner.op(lambda _g: self._bare().reprint(actor, return_id),
                               changes=Changes(print_queue=True, audit=True), requester=actor)
