"""Exchange operations (docs/returns.md, "Exchanges"): the credit taken on the Returns
screen, applied and paid at the checkout, the exchange written, or dropped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from store_client.ui.operations.base import Area, need
from store_client.ui.operations.changes import NOTHING, Changes
from store_client.ui.operations.checkout import CART, CART_AUDITED
from store_client.ui.operations.runner import Op

if TYPE_CHECKING:
    from store_client.services.checkout_views import CartView
    from store_client.services.exchanges import (
        CompletedExchange,
        ExchangeCredit,
        ExchangeQuote,
        ExchangeService,
    )
    from store_client.services.cross_return_views import CrossReturnRequest
    from store_client.services.return_views import ReturnRequest

EXCHANGED = Changes(cart=True, sale=True, returns=True, shift=True, sync=True, print_queue=True,
                    audit=True)


class ExchangeOps(Area):
    def _service(self) -> ExchangeService:
        return need(self._services.exchanges,
                    "Exchanges are not available: the checkout or returns service is not set up.")

    def start(self, *, request: ReturnRequest | CrossReturnRequest) -> Op[ExchangeCredit]:
        """Hold the selected lines' value as the checkout's exchange credit (writes nothing)."""
        actor = self._actor
        return self._runner.op(lambda _g: self._service().start(actor, request), changes=NOTHING,
                               requester=actor)

    def current(self) -> Op[ExchangeCredit | None]:
        return self._runner.op(lambda _g: self._service().current(), changes=NOTHING,
                               requester=self._actor)

    def apply(self) -> Op[ExchangeQuote]:
        """The credit on the cart as its first payment; what is due or paid back."""
        actor = self._actor
        return self._runner.op(lambda _g: self._service().apply(actor), changes=CART, requester=actor)

    def cancel(self) -> Op[CartView]:
        actor = self._actor
        return self._runner.op(lambda _g: self._service().cancel(actor), changes=CART_AUDITED,
                               requester=actor)

    def complete(self, *, request_id: str, cart_id: str, card_reference: str | None,
                 action_text: str, cross: bool = False) -> Op[CompletedExchange]:
        """A cashier's exchange asks a manager (it is a return); the request id makes a retry
        complete it once. ``cross``: its return is reserved at HQ (asks HQ: on the pool)."""
        actor = self._actor
        return self._runner.op(lambda grant: self._service().complete(
            actor, request_id=request_id, cart_id=cart_id, card_reference=card_reference, grant=grant),
            changes=EXCHANGED, requester=actor, action_text=action_text, pool=cross)



