"""Checkout operations: the cart, scans, tenders and completing a sale."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from store_client.services import counter_receipts
from store_client.ui.operations.base import Area, need
from store_client.ui.operations.changes import NOTHING, Changes
from store_client.ui.operations.runner import Op

if TYPE_CHECKING:
    from store_client.services.aisle import AisleService, SourceView
    from store_client.services.approvals import ApprovalGrant
    from store_client.services.checkout import CheckoutService
    from store_client.services.checkout_views import (
        CartView,
        CompletedSale,
        ParkedCart,
        ScanOutcome,
    )

T = TypeVar("T")
CART = Changes(cart=True)
CART_AUDITED = Changes(cart=True, audit=True)
SALE = Changes(cart=True, sale=True, shift=True, sync=True, print_queue=True, audit=True)


class Scanned(NamedTuple):
    outcome: ScanOutcome
    cart: CartView


class CheckoutOps(Area):
    @property
    def available(self) -> bool:
        """False when this till has no checkout service (the screen says so)."""
        return self._services.checkout is not None

    def _service(self) -> CheckoutService:
        return need(self._services.checkout,
                    "Selling is not available: the checkout service is not set up.")

    def _cart(self, work: Callable[[ApprovalGrant | None], T], *, changes: Changes = CART,
              action_text: str = "") -> Op[T]:
        """Every checkout call may ask a manager's approval (the service says when)."""
        return self._runner.op(work, changes=changes, requester=self._actor,
                               action_text=action_text)

    def current_cart(self) -> Op[CartView]:
        actor = self._actor
        return self._cart(lambda _g: self._service().current_cart(actor), changes=NOTHING)

    def scan(self, *, code: str) -> Op[Scanned]:
        actor = self._actor

        def work(_grant: ApprovalGrant | None) -> Scanned:
            service = self._service()
            outcome = service.scan(actor, code)
            cart = getattr(outcome, "cart", None)
            return Scanned(outcome, cart if cart is not None else service.current_cart(actor))

        return self._cart(work)

    def add_product(self, *, sku: str, quantity: int = 1) -> Op[CartView]:
        actor = self._actor
        return self._cart(lambda _g: self._service().add_product(actor, sku, quantity))

    def aisle_sources(self, *, sku: str) -> Op[list[SourceView]]:
        """The nearby stores and warehouses to order ``sku`` from (endless aisle), as the till
        last pulled their figures, with the promise a line ordered now gets."""
        return self._cart(lambda _g: self._aisle().sources(sku), changes=NOTHING)

    def add_ordered(self, *, sku: str, site_id: str, quantity: int, fulfilment: str, phone: str,
                    address: str = "") -> Op[CartView]:
        """Add ``sku`` to the sale as a line ordered from ``site_id`` (services/aisle.py)."""
        actor = self._actor
        return self._cart(lambda _g: self._aisle().add_line(actor, sku, site_id, quantity, fulfilment,
                                                            phone, address), changes=CART_AUDITED)

    def _aisle(self) -> AisleService:
        return need(getattr(self._service(), "aisle", None),
                    "Ordering from elsewhere is not available on this till.")

    def set_quantity(self, *, line_id: str, quantity: int) -> Op[CartView]:
        actor = self._actor
        return self._cart(lambda _g: self._service().set_quantity(actor, line_id, quantity))

    def attach_member(self, *, code: str) -> Op[CartView]:
        """The member whose code, card or phone was typed: asked of HQ first (points as HQ has
        them now; a dynamic code is taken once), this till's member cache when HQ cannot be
        reached, then put on the sale. On the pool, as it may wait on the network."""
        actor = self._actor

        def work(_grant: ApprovalGrant | None) -> CartView:
            desk = self._services.members
            member_id = desk.lookup.find(code).member_id if desk is not None else code
            return self._service().attach_member(actor, member_id)

        return self._runner.op(work, changes=CART, requester=actor, pool=True)

    def detach_member(self) -> Op[CartView]:
        actor = self._actor
        return self._cart(lambda _g: self._service().detach_member(actor))

    def apply_coupon(self, *, code: str) -> Op[CartView]:
        actor = self._actor
        return self._cart(lambda _g: self._service().apply_coupon(actor, code))

    def remove_coupon(self, *, code: str) -> Op[CartView]:
        actor = self._actor
        return self._cart(lambda _g: self._service().remove_coupon(actor, code))

    def suspend(self, *, note: str = "") -> Op[CartView]:
        actor = self._actor
        return self._cart(lambda _g: self._service().suspend(actor, note))

    def take_over(self) -> Op[CartView]:
        """Take over the sale another operator left with payments taken (audited)."""
        actor = self._actor
        return self._cart(lambda _g: self._service().take_over(actor))

    def parked_carts(self) -> Op[list[ParkedCart]]:
        return self._cart(lambda _g: self._service().parked_carts(), changes=NOTHING)

    def resume(self, *, parked_id: str) -> Op[CartView]:
        actor = self._actor
        return self._cart(lambda _g: self._service().resume(actor, parked_id))

    def void_line(self, *, line_id: str, action_text: str) -> Op[CartView]:
        actor = self._actor
        return self._cart(lambda grant: self._service().void_line(actor, line_id, grant=grant),
                          changes=CART_AUDITED, action_text=action_text)

    def void_cart(self, *, reason: str, action_text: str) -> Op[CartView]:
        actor = self._actor
        return self._cart(lambda grant: self._service().void_cart(actor, reason, grant=grant),
                          changes=CART_AUDITED, action_text=action_text)

    def override_price(self, *, line_id: str, price_fen: int, reason: str,
                       action_text: str) -> Op[CartView]:
        actor = self._actor
        return self._cart(lambda grant: self._service().override_price(
            actor, line_id, price_fen, reason, grant=grant),
            changes=CART_AUDITED, action_text=action_text)

    def discount_line(self, *, line_id: str, amount_fen: int | None, percent_bp: int | None,
                      reason: str, action_text: str) -> Op[CartView]:
        actor = self._actor
        return self._cart(lambda grant: self._service().discount_line(
            actor, line_id, amount_fen, percent_bp, reason, grant=grant),
            changes=CART_AUDITED, action_text=action_text)

    def discount_cart(self, *, amount_fen: int | None, percent_bp: int | None, reason: str,
                      action_text: str) -> Op[CartView]:
        actor = self._actor
        return self._cart(lambda grant: self._service().discount_cart(
            actor, amount_fen, percent_bp, reason, grant=grant),
            changes=CART_AUDITED, action_text=action_text)

    def mobile_available(self) -> Op[bool]:
        """Whether the payment adapter takes mobile payments now (it may ask the network)."""

        def work(_grant: ApprovalGrant | None) -> bool:
            service = self._service()
            check = getattr(service, "mobile_available", None)
            if callable(check):
                return bool(check())
            payments = getattr(service, "payments", None)
            return bool(payments is not None and payments.available())

        return self._cart(work, changes=NOTHING)

    def add_tender(self, *, kind: str, amount_fen: int, reference: str | None = None,
                   payment_code: str | None = None, action_text: str = "") -> Op[CartView]:
        actor = self._actor
        return self._cart(lambda _g: self._service().add_tender(
            actor, kind, amount_fen, reference=reference, payment_code=payment_code),
            action_text=action_text)

    def remove_tender(self, *, tender_id: str, action_text: str = "") -> Op[CartView]:
        actor = self._actor
        return self._cart(lambda _g: self._service().remove_tender(actor, tender_id),
                          changes=CART_AUDITED, action_text=action_text)

    def complete(self, *, cart_id: str, action_text: str = "") -> Op[CompletedSale]:
        """The cart id makes a retried completion return the first sale, not a second one."""
        actor = self._actor
        return self._cart(lambda _g: self._service().complete(actor, cart_id=cart_id),
                          changes=SALE, action_text=action_text)

    # -- the last receipt at the counter (services/counter_receipts.py) ----------------------
    def receipt_state(self, *, job_id: int | None) -> Op[str]:
        """"none", "waiting", "printed" or "failed" for the receipt's print job."""
        return self._cart(lambda _g: counter_receipts.receipt_state(
            getattr(self._service(), "print_queue", None), job_id), changes=NOTHING)

    def reprint_receipt(self, *, job_id: int | None) -> Op[int]:
        """The receipt again: a copy if it came out, the original if a fault held it."""
        actor = self._actor
        return self._cart(lambda _g: counter_receipts.reprint(self._service(), actor, job_id),
                          changes=Changes(print_queue=True, audit=True))
