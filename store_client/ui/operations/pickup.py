"""Pick-up operations: the queue, picking, the hand-over, the manager's list (docs/pickup.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from store_client.ui.operations.base import Area, need
from store_client.ui.operations.changes import NOTHING, Changes
from store_client.ui.operations.runner import Op

if TYPE_CHECKING:
    from store_client.services.aisle_resolution import AisleResolutionService, Alternative
    from store_client.services.pickup import PickupService
    from store_client.services.pickup_views import ConflictView, OrderView, PickResult, QueueItem

STEP = Changes(sync=True, audit=True, pickup=True)  # a pick-up step: an outbox event and an audit entry
CANCEL = STEP | Changes(shift=True, print_queue=True)  # a cancel may pay cash out of the drawer, with its slip


class PickupOps(Area):
    def _service(self) -> PickupService:
        return need(self._services.pickup, "Pick-up is not available on this till.")

    def queue(self) -> Op[list[QueueItem]]:
        """A read, on the pool: it never queues ahead of a scan on the database thread."""
        return self._runner.op(lambda _g: self._service().queue(), changes=NOTHING, pool=True)

    def order(self, *, order_id: str) -> Op[OrderView]:
        return self._runner.op(lambda _g: self._service().order(order_id), changes=NOTHING)

    def start_picking(self, *, order_id: str) -> Op[OrderView]:
        actor = self._actor
        return self._runner.op(lambda _g: self._service().start_picking(actor, order_id),
                               changes=STEP)

    def scan_pick(self, *, order_id: str, code: str) -> Op[PickResult]:
        actor = self._actor
        return self._runner.op(lambda _g: self._service().scan_pick(actor, order_id, code),
                               changes=Changes(audit=True))

    def pick_quantity(self, *, order_id: str, line_no: int, qty: int) -> Op[PickResult]:
        actor = self._actor
        return self._runner.op(
            lambda _g: self._service().pick_quantity(actor, order_id, line_no, qty),
            changes=Changes(audit=True))

    def substitute(self, *, order_id: str, line_no: int, code: str) -> Op[OrderView]:
        actor = self._actor
        return self._runner.op(
            lambda _g: self._service().substitute(actor, order_id, line_no, code),
            changes=Changes(audit=True))

    def short(self, *, order_id: str, line_no: int, reason: str) -> Op[OrderView]:
        actor = self._actor
        return self._runner.op(lambda _g: self._service().short(actor, order_id, line_no, reason),
                               changes=Changes(audit=True))

    def mark_ready(self, *, order_id: str) -> Op[OrderView]:
        actor = self._actor
        return self._runner.op(lambda _g: self._service().mark_ready(actor, order_id),
                               changes=STEP)

    def find_by_qr(self, *, qr: str) -> Op[OrderView]:
        actor = self._actor
        return self._runner.op(lambda _g: self._service().find_by_qr(actor, qr),
                               changes=Changes(audit=True))

    def find_by_code(self, *, code: str, phone4: str) -> Op[OrderView]:
        actor = self._actor
        return self._runner.op(lambda _g: self._service().find_by_code(actor, code, phone4),
                               changes=Changes(audit=True))

    def hand_over(self, *, order_id: str, qr: str | None = None, code: str | None = None,
                  phone4: str | None = None, proxy_name: str | None = None,
                  proxy_id_tail: str | None = None,
                  refused: dict[int, tuple[int, str]] | None = None) -> Op[OrderView]:
        """``refused``: line -> (quantity, reason) the customer gives back at the counter."""
        actor = self._actor
        given_back = dict(refused or {})
        return self._runner.op(lambda _g: self._service().hand_over(
            actor, order_id, qr=qr, code=code, phone4=phone4, proxy_name=proxy_name,
            proxy_id_tail=proxy_id_tail, refused=given_back or None), changes=STEP)

    def print_pick_list(self, *, order_id: str) -> Op[int | None]:
        actor = self._actor
        return self._runner.op(lambda _g: self._service().print_pick_list(actor, order_id),
                               changes=Changes(print_queue=True))

    def conflicts(self) -> Op[list[ConflictView]]:
        """On the database thread: it takes in the steps HQ refused (a conflict row and its
        audit entry are written)."""
        return self._runner.op(lambda _g: self._service().conflicts(), changes=NOTHING)

    # -- a flagged endless-aisle order (services/aisle_resolution.py) ---------------------------
    def _resolution(self) -> AisleResolutionService:
        return need(getattr(self._service(), "aisle_resolution", None), "Pick-up is not available on this till.")

    def alternatives(self, *, order_id: str) -> Op[list[Alternative]]:
        actor = self._actor
        return self._runner.op(lambda _g: self._resolution().alternatives(actor, order_id), changes=NOTHING)

    def resource(self, *, order_id: str, site_id: str) -> Op[Alternative]:
        actor = self._actor
        return self._runner.op(lambda _g: self._resolution().resource(actor, order_id, site_id), changes=STEP)

    def cancel_flagged(self, *, order_id: str, reason: str, action_text: str = "") -> Op[tuple[int, int]]:
        """Cancel and refund: (the refund, the cash paid from this till's drawer now); a role
        that needs a manager gets the approval dialog."""
        actor = self._actor
        return self._runner.op(lambda grant: self._resolution().cancel_paying(actor, order_id, reason, grant),
                               changes=CANCEL, requester=actor, action_text=action_text,
                               approval_context={"order_id": order_id})
