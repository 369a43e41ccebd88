"""Member operations: find and open a profile, attach the member, the enrollment QR (docs/members.md).

Asking HQ is network work: those ops run on the task pool, never on the GUI thread and
without holding up the database thread's queue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from store_client.services.errors import ServiceError
from store_client.ui.operations.base import Area, need
from store_client.ui.operations.changes import NOTHING, Changes
from store_client.ui.operations.runner import Op

if TYPE_CHECKING:
    from store_client.services.checkout_views import CartView
    from store_client.services.member_desk import BrowsedItem, MemberDesk, MemberProfile, NameMatch
    from store_client.services.member_enrollment import EnrollmentOffer

OPENED = Changes(audit=True)  # opening a profile is audited
ATTACHED = Changes(cart=True)


class Joined(NamedTuple):
    """A customer joined through the QR: their profile, and the sale they are now on."""

    profile: MemberProfile
    cart: CartView | None  # None: no checkout on this till


class QrOffer(NamedTuple):
    """The enrollment link and its QR modules (computed off the GUI thread)."""

    offer: EnrollmentOffer
    modules: tuple[tuple[bool, ...], ...]


class Browsing(NamedTuple):
    """What the member let the associate see, after answering on the customer display."""

    items: tuple[BrowsedItem, ...] | None
    keywords: tuple[str, ...]
    state: str  # shown / declined / timeout / no_display / no_consent / unavailable / grade


class Added(NamedTuple):
    cart: CartView
    sku: str  # the item added (or raised by one)


def qr_modules(text: str) -> tuple[tuple[bool, ...], ...]:
    import qrcode

    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    return tuple(tuple(bool(m) for m in row) for row in code.get_matrix())


class MembersOps(Area):
    def _desk(self) -> MemberDesk:
        return need(self._services.members, "Members are not available on this till.")

    def open(self, *, query: str) -> Op[MemberProfile]:
        """The member for a scanned code, a phone, a card or a member id, as this role sees them."""
        actor = self._actor
        return self._runner.op(lambda _g: self._desk().open(actor, query), changes=OPENED, pool=True)

    def search_by_name(self, *, name: str) -> Op[tuple[NameMatch, ...]]:
        """Members whose name starts with ``name`` (a manager; asked of HQ; audited)."""
        actor = self._actor
        return self._runner.op(lambda _g: self._desk().search_by_name(actor, name), changes=OPENED, pool=True)

    def reveal(self, *, member_id: str, field: str, reason: str) -> Op[str]:
        """A masked field in full (phone, birthday, address), for a role the field allows, with a
        reason (asked of HQ, audited)."""
        actor = self._actor
        return self._runner.op(lambda _g: self._desk().reveal(actor, member_id, field, reason),
                               changes=OPENED, pool=True)

    def browsing_answer(self, *, member_id: str, answer: str) -> Op[Browsing]:
        """The member answered on the customer display (or did not): the browsing if they
        agreed, asked of HQ only then; audited either way."""
        actor = self._actor
        return self._runner.op(lambda _g: Browsing(*self._desk().browsing_answer(actor, member_id, answer)),
                               changes=OPENED, pool=True)

    def attach(self, *, member_id: str) -> Op[CartView]:
        """Put the member on the current sale (they are in this till's member cache now)."""
        actor = self._actor

        def work(_grant: object) -> CartView:
            checkout = need(self._services.checkout, "Selling is not available on this till.")
            return checkout.attach_member(actor, member_id)

        return self._runner.op(work, changes=ATTACHED)

    def add_item(self, *, code: str) -> Op[Added]:
        """An item scanned (or chosen from what the member browsed) goes on the current sale."""
        actor = self._actor

        def work(_grant: object) -> Added:
            checkout = need(self._services.checkout, "Selling is not available on this till.")
            outcome = checkout.scan(actor, code)
            if outcome.kind != "product" or outcome.cart is None:
                raise ServiceError(f"{code} is not an item to sell", code="member.not_an_item")
            return Added(outcome.cart, outcome.value)

        return self._runner.op(work, changes=ATTACHED, requester=actor)

    def add_browsed(self, *, sku: str) -> Op[Added]:
        """One of what the member browsed online, by its SKU, goes on the current sale."""
        actor = self._actor

        def work(_grant: object) -> Added:
            checkout = need(self._services.checkout, "Selling is not available on this till.")
            return Added(checkout.add_product(actor, sku, 1), sku)

        return self._runner.op(work, changes=ATTACHED, requester=actor)

    def offer_enrollment(self) -> Op[QrOffer]:
        """A fresh signed link for the QR, naming the open sale (if it has lines)."""
        actor = self._actor

        def work(_grant: object) -> QrOffer:
            checkout = self._services.checkout
            cart_ref = None
            if checkout is not None:
                cart = checkout.current_cart(actor)
                cart_ref = cart.cart_id if cart.lines else None
            offer = self._desk().offer_enrollment(actor, cart_ref)
            return QrOffer(offer, qr_modules(offer.url))

        return self._runner.op(work, changes=NOTHING, pool=True)

    def enrollment_done(self, *, nonce: str) -> Op[Joined | None]:
        """None while the customer has not joined; then their profile, attached to the sale."""
        actor = self._actor

        def work(_grant: object) -> Joined | None:
            desk = self._desk()
            joined = desk.enrollment_done(nonce, actor)
            if joined is None:
                return None
            checkout = self._services.checkout
            cart = checkout.attach_member(actor, joined.member_id) if checkout is not None else None
            return Joined(desk.open(actor, joined.member_id), cart)

        return self._runner.op(work, changes=Changes(cart=True, audit=True), pool=True)
