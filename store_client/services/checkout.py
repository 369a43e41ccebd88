"""The checkout service: the contract the checkout screen calls (docs/checkout.md).

Every change to the cart is checked (permission, domain rules, pricing) and then
saved in ONE transaction of its own before the new :class:`CartView` is returned;
a refused change raises a :class:`ServiceError` and leaves the stored cart as it was.
:meth:`CheckoutService.complete` writes the sale, its lines, discount allocation,
coupons, tenders, receipt number and outbox event and replaces the cart, all in one
transaction; the receipt is queued for printing only after that commit.
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from printers import text_render
from store_client.clock import Clock, iso
from store_client.domain import barcodes as bc
from store_client.domain import points as pts
from store_client.domain.cart import CartError, CartLimits, ManualDiscount
from store_client.domain.catalog import ProductInfo
from store_client.domain.exchanges import CREDIT
from store_client.domain.money import Money
from store_client.domain.pricing import PricedCart, price_cart
from store_client.domain.repricing import Repricer
from store_client.domain.roles import Permission
from store_client.domain.tenders import (
    Settlement,
    Tender,
    TenderConfig,
    TenderKind,
    check_new_tender,
    settle,
)
from store_client.persistence.db import Database
from store_client.persistence.models import CartRow, SyncRow
from store_client.services import (
    cart_store,
    checkout_credit,
    coupons_local,
    credit_spends,
    members,
    receipt_links,
    sales,
    shift_reports,
    store_credit,
)
from store_client.services.auth import Actor
from store_client.services.authorization import DeferredGrant, GrantGone
from store_client.services.cart_store import CartState, TenderEntry
from store_client.services.checkout_views import (
    CartView,
    CompletedSale,
    LineViews,
    ParkedCart,
    ScanOutcome,
    ScanRejected,
    build_view,
)
from store_client.services.errors import Conflict, InvalidInput, NotFound, ServiceError
from store_client.services.payments import PaymentAdapter
from store_client.services.promotions_local import LocalPromotions
from sync.protocol.receipt_proof import looks_like_receipt
from sync.protocol.signing import SigningKey

log = logging.getLogger(__name__)

RECEIPT_NO = re.compile(r"[A-Za-z0-9_]{1,32}-[A-Za-z0-9_]{1,32}-\d{6,12}")
TENDER_KINDS = ("cash", "card", "mobile", "points", "store_credit")
MAX_REASON = 200


class _NotOutright(Exception):
    """The role does not allow the change outright: roll back and ask Authorizer.require."""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _reason(reason: object) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("reason", "A reason is required.", code="cart.reason_required")
    return reason.strip()[:MAX_REASON]


class CheckoutService:
    def __init__(self, db: Database, clock: Clock, audit, authorizer, catalog, *,  # type: ignore[no-untyped-def]
                 config, print_queue=None, payments: PaymentAdapter | None = None,
                 promotions: LocalPromotions | None = None,
                 barcode_config: bc.BarcodeConfig | None = None,
                 receipt_key: Callable[[], SigningKey | None] | None = None) -> None:
        self.db, self.clock, self.audit = db, clock, audit
        self.receipt_key = receipt_key  # signs each receipt's return proof (None: no proof QR)
        self.authorizer, self.catalog, self.config = authorizer, catalog, config
        self.print_queue, self.payments = print_queue, payments
        self.promotions = promotions or LocalPromotions(config.locale)
        self.barcode_config = barcode_config or bc.DEFAULT_CONFIG
        setting = config.values.get
        self.limits = CartLimits(max_quantity=setting("checkout.max_quantity", 999))
        self.points_config = pts.PointsConfig(
            earn_fen_per_point=setting("points.earn_fen_per_point", 100),
            redeem_points=setting("points.redeem_points", 100),
            redeem_value_fen=setting("points.redeem_value_fen", 100))
        self.discount_limit_bp = setting("checkout.cashier_discount_limit_bp", 0)
        self.tender_config = TenderConfig(cash_max_fen=setting("checkout.cash_max_fen", 5_000_000),
                                          points=self.points_config)
        self._lock = threading.RLock()
        self._state: CartState | None = None
        self._owner: str | None = None  # the operator who started the non-empty cart
        self._line_views = LineViews()  # guarded by self._lock, like _state
        # likewise; the screen's sale holds the whole sale's discounts off its rows (shown once,
        # in the totals), and the sale splits them over its lines when it is completed
        self._repricer = Repricer(hold_whole_sale=True)
        self._completed: dict[str, CompletedSale] = {}  # cart id -> its sale (double complete)
        self.aisle: Any = None  # services/aisle.py: the cart's ordered lines (set by build_services)
        self.store_credit: store_credit.StoreCreditPayments | None = None  # set by build_services

    # -- loading and pricing --------------------------------------------------------------
    def _now(self) -> str:
        return iso(self.clock.now())

    def _current(self) -> CartState:
        if self._state is None:
            with self.db.transaction() as s:
                state = cart_store.load_active(s, self.limits)
                if state is None:
                    state = cart_store.save(s, CartState.fresh(self.limits, self._now()),
                                            operator_id=None, now=self._now())
                row = s.get(CartRow, state.cart_id)
                self._owner = row.operator_id if row is not None else None
            self._state = state
        return self._state

    # -- whose cart it is ------------------------------------------------------------------
    def _foreign(self, actor: Actor) -> bool:
        """True when the active cart is another operator's sale (not empty)."""
        state = self._current()
        return (self._owner not in (None, actor.operator_id)
                and not (state.cart.is_empty and not state.tenders))

    def _claim(self, actor: Actor) -> str | None:
        """Make the active cart ``actor``'s. Another operator's sale is never inherited: with
        no payments it is parked for its owner (returned: the owner's id) and ``actor`` gets a
        fresh cart; with payments taken it stays until its owner or :meth:`take_over` ends it."""
        with self._lock:
            state, owner = self._current(), self._owner
            if owner in (None, actor.operator_id) or (state.cart.is_empty and not state.tenders):
                self._owner = actor.operator_id
                return None
            if state.tenders:
                raise Conflict(f"This sale was started by operator {owner} and has taken "
                               "payments: they finish it, or you take it over.",
                               code="cart.other_operator", params={"operator": owner})
            with self.db.transaction() as s:
                cart_store.save(s, state, operator_id=owner, now=self._now(),
                                status=cart_store.PARKED)
                fresh = cart_store.save(s, CartState.fresh(self.limits, self._now()),
                                        operator_id=actor.operator_id, now=self._now())
                details = {"owner": owner, "lines": len(state.cart.active_lines)}
                self.audit.append(s, operator_id=actor.operator_id, action="sale.parked_for_owner",
                                  target=state.cart_id, details=details)
            self._state, self._owner = fresh, actor.operator_id
            return owner

    def take_over(self, actor: Actor) -> CartView:
        """Hand another operator's sale (one that took payments) over to ``actor``; audited."""
        self.authorizer.require(actor, Permission.SALE_RING)
        with self._lock:
            state, owner = self._current(), self._owner
            with self.db.transaction() as s:
                if owner not in (None, actor.operator_id):
                    self.audit.append(s, operator_id=actor.operator_id, action="sale.handed_over",
                                      target=state.cart_id, details={"from": owner})
                self._owner = actor.operator_id
                return self._view(s, state)

    def _price(self, s, state: CartState, *, incremental: bool = False,  # type: ignore[no-untyped-def]
               ) -> tuple[PricedCart, members.Member | None, int, dict]:
        """Price ``state``; ``incremental`` for the cart on screen as it changes (the
        re-pricer keeps the untouched lines' work), the whole-cart reference otherwise
        (parked carts, payments and the sale itself)."""
        cart = state.cart
        member = members.get(s, cart.member_id) if cart.member_id else None
        pending = members.pending_redemptions(s, member) if member else 0
        coupons = coupons_local.load(s, cart.coupon_codes)
        used, pairs = coupons_local.used(s, cart.coupon_codes)
        pricer = self._repricer.price if incremental else price_cart
        priced = pricer(cart, self.promotions.book(s), now=self.clock.now(), coupons=coupons,
                        used_coupon_codes=used, used_coupon_members=pairs)
        return priced, member, pending, coupons

    def _settlement(self, total_fen: int, tenders: tuple[TenderEntry, ...]) -> Settlement:
        return settle(total_fen, [self._domain_tender(t) for t in tenders], self.tender_config)

    @staticmethod
    def _domain_tender(t: TenderEntry) -> Tender:
        return Tender(TenderKind(t.kind), t.amount_fen, t.reference, t.points)

    def _points_to_earn(self, priced: PricedCart, state: CartState,
                        member: members.Member | None) -> int:
        if member is None:
            return 0
        by_points = sum(t.amount_fen for t in state.tenders if t.kind == "points")
        return pts.points_earned(priced.total_fen - by_points, self.points_config)

    def _view(self, s, state: CartState, priced=None) -> CartView:  # type: ignore[no-untyped-def]
        if priced is None:
            priced = self._price(s, state, incremental=True)
        p, member, pending, coupons = priced
        change = self._settlement(p.total_fen, state.tenders).change_fen if state.tenders else 0
        return build_view(state, p, member, pending, coupons,
                          self._points_to_earn(p, state, member), change, self._line_views)

    # -- the one way a cart changes ----------------------------------------------------------
    def _mutate(self, actor: Actor, permission: Permission, change: Callable[[CartState], CartState],
                *, grant=None, audit: tuple[str, dict[str, Any]] | None = None,  # type: ignore[no-untyped-def]
                check: Callable[[PricedCart, CartState], None] | None = None,
                with_tenders: bool = False,
                after: Callable[[Any, CartState], None] | None = None) -> CartView:
        """Check, apply, price and save one change. The common case (the role allows the
        action outright) is checked inside the change's own transaction: a scan then costs
        one transaction, not two. Anything else goes through ``Authorizer.require`` first,
        which audits a refusal, asks for or consumes an approval."""
        args = (actor, permission, change, audit, check, with_tenders, after)
        if grant is None:
            try:
                return self._apply(*args, checked=False)
            except _NotOutright:
                pass
        # A manager's approval is checked now and used up in the change's own transaction: a
        # change refused there (the sale changed meanwhile, a rule) leaves it for the retry.
        deferred = self.authorizer.require(actor, permission, grant, defer=True)
        try:
            view = self._apply(*args, checked=True, deferred=deferred)
        except GrantGone as gone:  # used by another action meanwhile: nothing changed
            self.authorizer.refuse_gone(gone)
        return view

    def _apply(self, actor: Actor, permission: Permission,
               change: Callable[[CartState], CartState],
               audit: tuple[str, dict[str, Any]] | None,
               check: Callable[[PricedCart, CartState], None] | None, with_tenders: bool,
               after: Callable[[Any, CartState], None] | None, *, checked: bool,
               deferred: DeferredGrant | None = None) -> CartView:
        with self._lock:
            parked_for = None
            if self._foreign(actor):  # only an operator who may make the change claims the cart
                if not checked:
                    with self.db.read() as s:
                        if not self.authorizer.plainly_allows(s, actor, permission):
                            raise _NotOutright
                parked_for = self._claim(actor)
            state = self._current()
            try:
                with self.db.transaction() as s:
                    if not checked and not self.authorizer.plainly_allows(s, actor, permission):
                        raise _NotOutright
                    self.authorizer.consume_in(s, deferred)
                    if state.tenders and not with_tenders:
                        raise Conflict("Payments were already taken; remove them before "
                                       "changing the sale.", code="cart.payments_taken")
                    try:
                        new = change(state)
                    except CartError as exc:
                        raise InvalidInput(exc.code.value, str(exc),
                                           code=f"cart.{exc.code.value}") from None
                    priced = self._price(s, new, incremental=True)
                    if check is not None:
                        check(priced[0], new)
                    saved = cart_store.save(s, new, operator_id=actor.operator_id, now=self._now(),
                                            previous=state.cart)
                    if after is not None:  # what the change writes beside the cart (same transaction)
                        after(s, saved)
                    if audit is not None:
                        self.audit.append(s, operator_id=actor.operator_id, action=audit[0],
                                          target=state.cart_id, details=audit[1])
                    view = self._view(s, saved, priced)
            except Conflict:
                self._state = None  # somebody else wrote the cart: reload it next time
                raise
            self._state, self._owner = saved, actor.operator_id
            return replace(view, parked_for=parked_for) if parked_for else view

    @staticmethod
    def _line_no(line_id: object) -> int:
        try:
            number = int(str(line_id))
        except ValueError:
            raise InvalidInput("line_id", f"There is no line {line_id}.",
                               code="cart.unknown_line") from None
        return number

    # -- reading ------------------------------------------------------------------------------
    def current_cart(self, actor: Actor) -> CartView:
        with self._lock:
            parked_for = self._claim(actor)
            state = self._current()
            with self.db.read() as s:
                view = self._view(s, state)
            return replace(view, parked_for=parked_for) if parked_for else view

    # -- scanning and lines ---------------------------------------------------------------------
    def scan(self, actor: Actor, code: str) -> ScanOutcome:
        if looks_like_receipt(code):  # a receipt's return-proof QR: the Returns screen checks it
            return ScanOutcome("receipt", code.strip())
        result = bc.classify(code, self.barcode_config)
        if isinstance(result, bc.BarcodeRejected):
            return self._unclassified(actor, result)
        if isinstance(result, bc.ProductCode):
            product = self.catalog.by_code(result.lookup) or self.catalog.by_code(result.code)
            if product is None:
                raise ScanRejected("unknown_product", f"No product has barcode {result.code}; "
                                   "search for it by name.")
            return self._add(actor, product, 1)
        if isinstance(result, bc.InStoreItem):
            product = self.catalog.by_code(result.sku)
            if product is None:
                raise ScanRejected("unknown_product", f"No weighed or labelled item has PLU "
                                   f"{result.plu:05d} ({result.code}); search for it.")
            if result.value_kind == "weight":
                if not product.weighed:
                    raise ScanRejected("not_weighed", f"{product.name_zh} is not sold by weight; "
                                       "the label does not fit the product.", offer_search=False)
                return self._add(actor, product, result.weight_grams or 0)
            return self._add(actor, product, 1, embedded_price_fen=result.price_fen)
        if isinstance(result, bc.MemberCode):
            view = self.attach_member(actor, result.code)
            return ScanOutcome("member", view.member.member_id if view.member else result.code,
                               view)
        if isinstance(result, bc.CouponCode):
            code = result.coupon if self._coupon_known(result.coupon) else result.code
            return ScanOutcome("coupon", code, self.apply_coupon(actor, code))
        if isinstance(result, bc.PickupCode):
            return ScanOutcome("pickup", result.pickup)
        if isinstance(result, bc.ReceiptCode):
            return ScanOutcome("receipt", result.code)
        raise ScanRejected("payment_code", "This is a customer's payment code: choose mobile "
                           "payment to charge it.", offer_search=False)

    def _unclassified(self, actor: Actor, result: bc.BarcodeRejected) -> ScanOutcome:
        if result.reason is bc.RejectReason.UNKNOWN_FORMAT:
            if RECEIPT_NO.fullmatch(result.code):
                return ScanOutcome("receipt", result.code)
            if self._coupon_known(result.code):
                return ScanOutcome("coupon", result.code, self.apply_coupon(actor, result.code))
        offer = result.reason not in (bc.RejectReason.EMPTY, bc.RejectReason.BAD_CHARACTERS)
        raise ScanRejected(result.reason.value, result.message, offer_search=offer)

    def _coupon_known(self, code: str) -> bool:
        if not code or len(code) > 64:
            return False
        with self.db.read() as s:
            return s.get(SyncRow, (coupons_local.DATASET, code)) is not None

    def _add(self, actor: Actor, product: ProductInfo, quantity: int, *,
             embedded_price_fen: int | None = None) -> ScanOutcome:
        if self._current().cart.is_empty or self._foreign(actor):  # at the first item, not at pay
            with self.db.read() as s:
                shift_reports.require_open_shift(s, self.config)
        added: list[int] = []
        merge = self._merges_into_last(product.sku)

        def change(state: CartState) -> CartState:
            cart = state.cart.add(product, quantity, embedded_price_fen=embedded_price_fen, merge=merge)
            if cart.next_line_id != state.cart.next_line_id:
                added.append(cart.next_line_id - 1)
            else:  # merged into the last line
                added.append(cart.active_lines[-1].line_id)
            return replace(state, cart=cart)

        view = self._mutate(actor, Permission.SALE_RING, change)
        return ScanOutcome("product", product.sku, view, str(added[-1]))

    def _merges_into_last(self, sku: str) -> bool:
        """A scan raises the last line's quantity, unless that line is an ordered one
        (endless aisle): an item from the shelf is not an item from elsewhere."""
        last = self._current().cart.lines[-1:]
        if self.aisle is None or not last or last[0].product.sku != sku:
            return True
        with self.db.read() as s:
            return not self.aisle.is_ordered(s, self._current().cart_id, last[0].line_id)

    def add_separate_line(self, actor: Actor, product: ProductInfo, quantity: int,
                          write: Callable[[Any, str, int], None], *,
                          audit: tuple[str, dict[str, Any]] | None = None) -> CartView:
        """Add ``product`` as a line of its own and ``write(session, cart_id, line_id)`` what
        belongs to that line, in the one transaction of the change (services/aisle.py)."""
        if self._current().cart.is_empty or self._foreign(actor):
            with self.db.read() as s:
                shift_reports.require_open_shift(s, self.config)
        added: list[int] = []

        def change(state: CartState) -> CartState:
            cart = state.cart.add(product, quantity, merge=False)
            added.append(cart.next_line_id - 1)
            return replace(state, cart=cart)

        return self._mutate(actor, Permission.SALE_RING, change, audit=audit,
                            after=lambda s, saved: write(s, saved.cart_id, added[-1]))

    def add_product(self, actor: Actor, sku: str, quantity: int = 1,
                    weight_g: int | None = None) -> CartView:
        product = self.catalog.by_code(sku) if isinstance(sku, str) else None
        if product is None:
            raise NotFound(f"No product with SKU or barcode {sku!r}.", code="product.not_found",
                           params={"code": str(sku)[:64]})
        if product.weighed:
            if weight_g is None:
                raise InvalidInput("weight_g", f"{product.name_zh} is sold by weight; "
                                   "weigh it and enter the grams.", code="product.needs_weight")
            quantity = weight_g
        elif weight_g is not None:
            raise InvalidInput("weight_g", f"{product.name_zh} is not sold by weight.",
                               code="product.not_weighed")
        view = self._add(actor, product, quantity).cart
        assert view is not None
        return view

    def set_quantity(self, actor: Actor, line_id: str, quantity: int) -> CartView:
        number = self._line_no(line_id)
        return self._mutate(actor, Permission.SALE_RING, lambda st: replace(
            st, cart=st.cart.set_quantity(number, quantity)))

    def void_line(self, actor: Actor, line_id: str, grant=None) -> CartView:  # type: ignore[no-untyped-def]
        number = self._line_no(line_id)
        return self._mutate(actor, Permission.SALE_VOID_LINE, lambda st: replace(
            st, cart=st.cart.void_line(number, "voided at the till")), grant=grant)

    def override_price(self, actor: Actor, line_id: str, new_unit_price_fen: int, reason: str,
                       grant=None) -> CartView:  # type: ignore[no-untyped-def]
        number, why = self._line_no(line_id), _reason(reason)
        approver = grant.approved_by if grant is not None else None
        old = self._current().cart.line(number).unit_price_fen if self._has_line(number) else None
        return self._mutate(
            actor, Permission.PRICE_OVERRIDE,
            lambda st: replace(st, cart=st.cart.override_price(number, new_unit_price_fen, why,
                                                               approver)),
            grant=grant, audit=("sale.price_override", {
                "line": number, "old_unit_price_fen": old, "new_unit_price_fen": new_unit_price_fen,
                "reason": why, "approved_by": approver}))

    def _has_line(self, number: int) -> bool:
        return any(line.line_id == number for line in self._current().cart.lines)

    def _manual(self, amount_fen: int | None, percent_bp: int | None, reason: str,
                approver: str | None) -> ManualDiscount | None:
        if amount_fen is None and percent_bp is None:
            return None
        try:
            return ManualDiscount(_reason(reason), amount_fen, percent_bp, approver)
        except CartError as exc:
            raise InvalidInput("discount", str(exc), code=f"cart.{exc.code.value}") from None

    def _discount_permission(self, discount: ManualDiscount | None, net_fen: int) -> Permission:
        """Within ``checkout.cashier_discount_limit_bp`` of the net, ringing rights suffice;
        above it (or with no limit set) the manual-discount permission (an approval)."""
        if discount is None or self.discount_limit_bp <= 0 or net_fen <= 0:
            return Permission.DISCOUNT_MANUAL
        rate = discount.percent_bp if discount.percent_bp is not None else -(
            -(discount.amount_fen or 0) * 10_000 // net_fen)
        return Permission.SALE_RING if rate <= self.discount_limit_bp else Permission.DISCOUNT_MANUAL

    def discount_line(self, actor: Actor, line_id: str, amount_fen: int | None,
                      percent_bp: int | None, reason: str, grant=None) -> CartView:  # type: ignore[no-untyped-def]
        number = self._line_no(line_id)
        approver = grant.approved_by if grant is not None else None
        discount = self._manual(amount_fen, percent_bp, reason, approver)
        net = next((ln.net_fen for ln in self.current_cart(actor).lines
                    if ln.line_id == str(number)), 0)
        return self._mutate(
            actor, self._discount_permission(discount, net),
            lambda st: replace(st, cart=st.cart.discount_line(number, discount)), grant=grant,
            audit=("sale.discount_line", {"line": number, "amount_fen": amount_fen,
                                          "percent_bp": percent_bp, "reason": str(reason),
                                          "approved_by": approver}))

    def discount_cart(self, actor: Actor, amount_fen: int | None, percent_bp: int | None,
                      reason: str, grant=None) -> CartView:  # type: ignore[no-untyped-def]
        approver = grant.approved_by if grant is not None else None
        discount = self._manual(amount_fen, percent_bp, reason, approver)
        permission = self._discount_permission(discount, self.current_cart(actor).total_fen)
        return self._mutate(
            actor, permission,
            lambda st: replace(st, cart=st.cart.discount_cart(discount)), grant=grant,
            audit=("sale.discount_cart", {"amount_fen": amount_fen, "percent_bp": percent_bp,
                                          "reason": str(reason), "approved_by": approver}))

    # -- member and coupons ------------------------------------------------------------------------
    def attach_member(self, actor: Actor, code_or_phone: str) -> CartView:
        with self.db.read() as s:
            member = members.find(s, code_or_phone)
        if member is None:
            raise NotFound(f"No member has the code, phone or card {code_or_phone!r}.",
                           code="member.not_found", params={"code": str(code_or_phone)[:64]})
        return self._mutate(actor, Permission.SALE_RING, lambda st: replace(
            st, cart=st.cart.attach_member(member.member_id)))

    def detach_member(self, actor: Actor) -> CartView:
        return self._mutate(actor, Permission.SALE_RING,
                            lambda st: replace(st, cart=st.cart.attach_member(None)))

    def apply_coupon(self, actor: Actor, code: str) -> CartView:
        code = code.strip() if isinstance(code, str) else ""
        if not code:
            raise InvalidInput("code", "Enter or scan the coupon code.", code="coupon.empty")
        if code in self._current().cart.coupon_codes:
            raise Conflict(f"Coupon {code} is already on this sale.",
                           code="coupon.already_on_sale", params={"coupon": code})

        def check(priced: PricedCart, _state: CartState) -> None:
            for refusal in priced.coupon_refusals:
                if refusal.code == code:
                    raise InvalidInput("coupon", refusal.message,
                                       code=f"coupon.{refusal.reason.value}",
                                       params={"coupon": refusal.code})

        return self._mutate(actor, Permission.SALE_RING,
                            lambda st: replace(st, cart=st.cart.add_coupon(code)), check=check)

    def remove_coupon(self, actor: Actor, code: str) -> CartView:
        if code not in self._current().cart.coupon_codes:
            raise NotFound(f"Coupon {code} is not on this sale.", code="coupon.not_on_sale",
                           params={"coupon": code})
        return self._mutate(actor, Permission.SALE_RING,
                            lambda st: replace(st, cart=st.cart.remove_coupon(code)))

    # -- void, park, resume ----------------------------------------------------------------------------
    def _replace_cart(self, actor: Actor, s, old: CartState, *, park_note: str | None) -> CartState:  # type: ignore[no-untyped-def]
        """Park or drop ``old`` and store a fresh active cart, inside the caller's transaction."""
        if park_note is None:
            cart_store.delete(s, old.cart_id)
        else:
            cart_store.save(s, replace(old, note=park_note), operator_id=actor.operator_id,
                            now=self._now(), status=cart_store.PARKED, previous=old.cart)
        return cart_store.save(s, CartState.fresh(self.limits, self._now()),
                               operator_id=actor.operator_id, now=self._now())

    def void_cart(self, actor: Actor, reason: str, grant=None) -> CartView:  # type: ignore[no-untyped-def]
        why = _reason(reason)
        # a manager's approval is used up in the void's own transaction: a refused void leaves it
        deferred = self.authorizer.require(actor, Permission.SALE_VOID_TRANSACTION, grant, defer=True)
        with self._lock:
            self._claim(actor)
            state = self._current()
            if any(t.kind in ("card", "mobile") for t in state.tenders):
                raise Conflict("Card or mobile payments were taken; remove (refund) them first.",
                               code="cart.refund_payments_first")
            try:
                view, fresh, released = self._void(actor, state, why, grant, deferred)
            except GrantGone as gone:  # used by another action meanwhile: nothing voided
                self.authorizer.refuse_gone(gone)
            self._state, self._owner = fresh, actor.operator_id
        checkout_credit.release_online(self, released)
        return view

    def _void(self, actor: Actor, state: CartState, why: str, grant, deferred  # type: ignore[no-untyped-def]
              ) -> tuple[CartView, CartState, list[credit_spends.CreditPayment]]:
        with self.db.transaction() as s:
            self.authorizer.consume_in(s, deferred)
            priced = self._price(s, state)[0]
            released = checkout_credit.release_in(self, s, state.cart_id, None, "sale_voided")
            fresh = self._replace_cart(actor, s, state, park_note=None)
            self.audit.append(s, operator_id=actor.operator_id, action="sale.voided",
                              target=state.cart_id, details={
                                  "reason": why, "lines": len(state.cart.active_lines),
                                  "total_fen": priced.total_fen,
                                  "approved_by": grant.approved_by if grant else None})
            view = self._view(s, fresh)
        return view, fresh, released

    def suspend(self, actor: Actor, note: str = "") -> CartView:
        self.authorizer.require(actor, Permission.SALE_SUSPEND)
        with self._lock:
            self._claim(actor)
            state = self._current()
            if state.cart.is_empty:
                raise InvalidInput("cart", "There is nothing to park.", code="cart.nothing_to_park")
            if state.tenders:
                raise Conflict("Payments were already taken; finish or void the sale instead.",
                               code="cart.park_with_payments")
            note = note.strip()[:MAX_REASON] if isinstance(note, str) else ""
            with self.db.transaction() as s:
                fresh = self._replace_cart(actor, s, state, park_note=note)
                view = self._view(s, fresh)
            self._state, self._owner = fresh, actor.operator_id
            return view

    def parked_carts(self) -> list[ParkedCart]:
        out = []
        with self._lock, self.db.read() as s:  # the promotion book is not thread-safe
            for row in cart_store.parked(s):
                try:
                    state = cart_store.loads(row, self.limits)
                except CartError:
                    continue
                total = self._price(s, state)[0].total_fen
                out.append(ParkedCart(row.id, row.note, row.operator_id, row.updated_at,
                                      len(state.cart.active_lines), total))
        return out

    def resume(self, actor: Actor, parked_id: str) -> CartView:
        self.authorizer.require(actor, Permission.SALE_SUSPEND)
        with self._lock:
            self._claim(actor)
            state = self._current()
            if not state.cart.is_empty or state.tenders:
                raise Conflict("Park or finish the current sale before resuming another.",
                               code="cart.resume_busy")
            with self.db.transaction() as s:
                row = s.get(CartRow, parked_id) if isinstance(parked_id, str) else None
                if row is None or row.status != cart_store.PARKED:
                    raise NotFound("That parked sale no longer exists.", code="cart.parked_gone")
                try:
                    parked = cart_store.loads(row, self.limits)
                except CartError as exc:
                    raise ServiceError(f"The parked sale cannot be read ({exc}).",
                                       code="cart.parked_unreadable") from None
                if row.operator_id not in (None, actor.operator_id):  # handed over explicitly
                    self.audit.append(s, operator_id=actor.operator_id, action="sale.handed_over",
                                      target=row.id, details={"from": row.operator_id})
                cart_store.delete(s, state.cart_id)
                resumed = cart_store.save(s, replace(parked, note=""),
                                          operator_id=actor.operator_id, now=self._now(),
                                          previous=parked.cart)
                view = self._view(s, resumed)
            self._state, self._owner = resumed, actor.operator_id
            return view

    # -- tenders -------------------------------------------------------------------------------------------
    def add_tender(self, actor: Actor, kind: str, amount_fen: int, reference: str | None = None,
                   payment_code: str | None = None) -> CartView:
        self.authorizer.require(actor, Permission.SALE_RING)
        if kind not in TENDER_KINDS:
            raise InvalidInput("kind", f"Unknown payment kind {kind!r}.")
        if not _is_int(amount_fen) or amount_fen <= 0:
            raise InvalidInput("amount_fen", "A payment must be above zero.",
                               code="tender.not_positive")
        with self._lock:
            self._claim(actor)
            state = self._current()
            if state.cart.is_empty:
                raise InvalidInput("cart", "There is nothing to pay for.", code="cart.empty")
            with self.db.read() as s:
                priced, member, pending, _c = self._price(s, state)
            due, points = priced.total_fen, None
            if kind == "points":
                amount_fen, points = self._points_tender(state, member, pending, amount_fen, due)
            if kind == store_credit.KIND:  # the smaller of what is left on the note and what is due
                amount_fen, reference = checkout_credit.credit_tender(self, actor, state, reference, due, amount_fen)
            if kind == "card" and not (isinstance(reference, str) and reference.strip()):
                raise InvalidInput("reference", "Enter the card terminal's authorisation "
                                   "reference.", code="tender.reference_required")
            if reference is not None and (not isinstance(reference, str) or len(reference) > 40):
                raise InvalidInput("reference", "A payment reference is at most 40 characters.",
                                   code="tender.reference_too_long")
            probe = Tender(TenderKind(kind), amount_fen, reference or "pending", points)
            problem = check_new_tender(due, [self._domain_tender(t) for t in state.tenders],
                                       probe, self.tender_config)
            if problem is not None:
                paid = sum(t.amount_fen for t in state.tenders)
                raise InvalidInput("amount_fen", problem.message, code=f"tender.{problem.code.value}",
                                   params={"max_fen": self.tender_config.cash_max_fen,
                                           "due_fen": max(0, due - paid)})
            tender_id = f"t{state.next_tender}"
            if kind == "mobile":
                reference = self._charge_mobile(state, payment_code, amount_fen, tender_id)
            entry = TenderEntry(tender_id, kind, amount_fen,
                                reference.strip() if reference else None, points)
            new = replace(state, tenders=state.tenders + (entry,),
                          next_tender=state.next_tender + 1)
            return self._mutate(actor, Permission.SALE_RING, lambda _st: new, with_tenders=True)

    def _points_tender(self, state: CartState, member, pending: int, amount_fen: int,  # type: ignore[no-untyped-def]
                       due: int) -> tuple[int, int]:
        if member is None:
            raise InvalidInput("member", "Attach the member before paying with points.",
                               code="points.no_member")
        already = sum(t.points or 0 for t in state.tenders if t.kind == "points")
        remaining = max(0, due - sum(t.amount_fen for t in state.tenders))
        result = pts.redeem(pts.points_for_value(amount_fen, self.points_config),
                            last_known_balance=member.points_balance,
                            pending_redemptions=pending + already, due_fen=remaining,
                            config=self.points_config)
        if isinstance(result, pts.RedemptionRefused):
            raise InvalidInput("amount_fen", result.message, code=f"points.{result.reason.value}",
                               params={"available": pts.available_points(
                                   member.points_balance, pending + already)})
        return result.value_fen, result.points

    def _charge_mobile(self, state: CartState, payment_code: str | None, amount_fen: int,
                       tender_id: str) -> str:
        if self.payments is None or not self.payments.available():
            raise ServiceError("Mobile payment is unavailable (offline); take cash or card.",
                               code="mobile.offline")
        code = payment_code.strip() if isinstance(payment_code, str) else ""
        if not isinstance(bc.classify(code, self.barcode_config), bc.PaymentCode):
            raise InvalidInput("payment_code", "Scan the customer's payment code (a WeChat or "
                               "Alipay code).", code="mobile.payment_code")
        # Same cart and tender number after a crash -> same reference -> charged once.
        result = self.payments.charge(code, amount_fen, f"{state.cart_id}:{tender_id}")
        if not result.ok or not result.transaction_id:
            raise ServiceError(result.message or "The mobile payment failed.", code="mobile.failed")
        return sales.wallet_prefix(code) + result.transaction_id

    def remove_tender(self, actor: Actor, tender_id: str) -> CartView:
        tender = next((t for t in self._current().tenders if t.tender_id == tender_id), None)
        if tender is None:
            raise NotFound(f"There is no payment {tender_id}.", code="tender.unknown")
        # A charged mobile payment is money taken: removing it needs the void permission.
        permission = (Permission.SALE_VOID_TRANSACTION if tender.kind == "mobile"
                      else Permission.SALE_RING)
        released: list[credit_spends.CreditPayment] = []  # a note HQ may have spent before a crash

        def release(s, saved: CartState) -> None:  # type: ignore[no-untyped-def]
            released[:] = checkout_credit.release_in(self, s, saved.cart_id, tender_id, "payment_removed")

        view = self._mutate(
            actor, permission,
            lambda st: replace(st, tenders=tuple(t for t in st.tenders if t.tender_id != tender_id)),
            with_tenders=True, audit=("sale.tender_removed", {
                "tender": tender_id, "kind": tender.kind,
                "amount_fen": tender.amount_fen, "reference": (store_credit.mask(tender.reference)
                                                               if tender.kind == store_credit.KIND
                                                               else tender.reference)}),
            after=release if tender.kind == store_credit.KIND else None)
        checkout_credit.release_online(self, released)
        return view

    # -- completion -----------------------------------------------------------------------------------------
    def complete(self, actor: Actor, *, cart_id: str | None = None) -> CompletedSale:
        """Complete the active cart. With ``cart_id`` (the view's), a repeated call for a
        cart already completed returns that first sale instead of failing."""
        self.authorizer.require(actor, Permission.SALE_RING)
        with self._lock:
            if cart_id is not None and cart_id in self._completed:
                return self._completed[cart_id]
            self._claim(actor)
            state = self._current()
            if cart_id is not None and cart_id != state.cart_id:
                earlier = sales.completed_from_db(self.db, cart_id)
                if earlier is not None:
                    return earlier
                raise Conflict("That sale is no longer the one on screen; reload it.",
                               code="cart.not_on_screen")
            credit = checkout_credit.spend_at_completion(self, actor, state)
            try:
                with self.db.transaction() as s:
                    facts, fresh = self._write(actor, s, state, credit=credit)
            except BaseException:
                self._release_credit(state.cart_id, credit)
                raise
            self._state, self._owner = fresh, actor.operator_id
        # The sale is committed: nothing after this line may make the caller believe it
        # failed (a retry would then find the committed sale, but the cashier would have
        # been told "error" for a paid sale). The receipt can always be reprinted.
        try:
            document = sales.receipt_document(facts)
            text = text_render.render(document, 48)
        except Exception:
            log.exception("receipt of sale %s could not be laid out", facts.receipt_no)
            job_id, text = None, ""
        else:
            job_id = sales.queue_receipt(self.db, self.print_queue, document, facts)
        done = CompletedSale(facts.sale_id, facts.receipt_no, facts.priced.total_fen,
                             facts.change_fen, facts.paid_fen, facts.points_earned, job_id, text)
        self._completed = {state.cart_id: done}
        return done

    def _release_credit(self, cart_id: str, credit: checkout_credit.CreditAttempt) -> None:
        """The sale was not written: give back what its attempt spent (checkout_credit)."""
        checkout_credit.release_attempt(self, cart_id, credit)

    # -- an exchange (services/exchanges.py): the credit on the cart, the sale with its return --
    def set_credit(self, actor: Actor, amount_fen: int, reference: str) -> CartView:
        """Put an exchange's credit on the cart as its first payment (replacing an earlier
        credit of the same exchange). Other payments taken first are refused: the credit
        is applied first, the customer pays only what is left."""
        state = self._current()
        if any(t.kind != CREDIT for t in state.tenders):
            raise Conflict("Payments were taken before the exchange credit: remove them first.",
                           code="exchange.payments_first")
        entry = TenderEntry(f"t{state.next_tender}", CREDIT, amount_fen, reference, None)
        return self._mutate(actor, Permission.SALE_RING, lambda st: replace(
            st, tenders=(entry,), next_tender=st.next_tender + 1), with_tenders=True)

    def complete_linked(self, actor: Actor, cart_id: str, exchange: dict,
                        link: Callable[[Any, sales.SaleFacts], None]) -> sales.SaleFacts:
        """Complete the active cart as an exchange's new sale: the sale (its payload carrying
        ``exchange``) and whatever ``link`` writes (the return) commit in ONE transaction;
        anything that fails rolls both back. The receipt is the caller's to print."""
        with self._lock:
            state = self._current()
            if cart_id != state.cart_id:
                raise Conflict("That sale is no longer the one on screen; reload it.",
                               code="cart.not_on_screen")
            credit = checkout_credit.spend_at_completion(self, actor, state)
            try:
                with self.db.transaction() as s:
                    facts, fresh = self._write(actor, s, state, exchange=exchange, credit=credit)
                    link(s, facts)
            except BaseException:
                self._release_credit(state.cart_id, credit)
                raise
            self._state, self._owner = fresh, actor.operator_id
            return facts

    def _write(self, actor: Actor, s, state: CartState,  # type: ignore[no-untyped-def]
               exchange: dict | None = None,
               credit: checkout_credit.CreditAttempt | None = None) -> tuple[sales.SaleFacts, CartState]:
        credit = credit or checkout_credit.CreditAttempt()
        row = s.get(CartRow, state.cart_id, populate_existing=True)
        if row is None or row.version != state.version:
            self._state = None
            raise Conflict("The sale changed elsewhere; it has been reloaded. Check it and "
                           "complete again.", code="cart.changed_elsewhere")
        if state.cart.is_empty:
            raise InvalidInput("cart", "There is nothing to sell.", code="cart.empty")
        if exchange is None and any(t.kind == CREDIT for t in state.tenders):  # its exchange is gone
            raise Conflict("This sale carries an exchange credit but no exchange is in progress: "
                           "remove the credit payment first.", code="exchange.credit_orphaned")
        priced, member, pending, coupons = self._price(s, state)
        for refusal in priced.coupon_refusals:
            raise InvalidInput("coupon", f"{refusal.message} Remove the coupon to go on.",
                               code=f"coupon.{refusal.reason.value}",
                               params={"coupon": refusal.code})
        settlement = self._settlement(priced.total_fen, state.tenders)
        if settlement.errors:
            error = settlement.errors[0]
            raise InvalidInput("tenders", error.message, code=f"tender.{error.code.value}",
                               params={"max_fen": self.tender_config.cash_max_fen,
                                       "due_fen": settlement.remaining_fen})
        if settlement.remaining_fen:
            raise InvalidInput("tenders", f"{Money(settlement.remaining_fen, self.config.currency)}"
                               " is still due.", code="tender.still_due",
                               params={"due_fen": settlement.remaining_fen})
        redeemed = sum(t.points or 0 for t in state.tenders if t.kind == "points")
        if redeemed:
            if member is None:
                raise InvalidInput("member", "Points were tendered but no member is attached.",
                                   code="points.no_member")
            available = pts.available_points(member.points_balance, pending)
            if redeemed > available:
                raise InvalidInput("points", f"The member can use at most {available} points.",
                                   code="points.beyond_balance", params={"available": available})
        shift_id = shift_reports.require_open_shift(s, self.config)
        ordered = {} if self.aisle is None else self.aisle.ordered_lines(
            s, state.cart_id, (line.line_id for line in state.cart.active_lines))
        if ordered:
            self.aisle.check_quantities(ordered, {p.line_id: p.quantity for p in priced.lines})
        earned = self._points_to_earn(priced, state, member)
        seq = sales.next_receipt_seq(s, self.config.terminal_id)
        sale_id = str(uuid.uuid4())
        hq = self.config.values.get("hq.url", "")
        facts = sales.SaleFacts(
            sale_id=sale_id,
            receipt_no=sales.receipt_number(self.config.store_id, self.config.terminal_id, seq),
            receipt_seq=seq, store_id=self.config.store_id, terminal_id=self.config.terminal_id,
            store_name=self.config.values.get("store.name", ""), operator_id=actor.operator_id,
            operator_name=actor.name, completed_at=self.clock.now(), cart_id=state.cart_id,
            cart_version=state.version, cart=state.cart, priced=priced, tenders=state.tenders,
            paid_fen=settlement.tendered_fen, change_fen=settlement.change_fen, member=member,
            points_earned=earned, points_redeemed=redeemed,
            points_balance_after=(member.points_balance - pending - redeemed + earned
                                  if member else None),
            single_use_codes=frozenset(c for c, cp in coupons.items() if cp.single_use),
            e_receipt_url=(f"{hq.rstrip('/')}/e-receipt/{sale_id}" if hq
                           else f"urn:uuid:{sale_id}"),
            currency=self.config.currency, shift_id=shift_id, exchange=exchange, ordered_lines=frozenset(ordered),
            credit_offline=credit.offline,
            credit_spends=tuple((p.tender_id, p.spend_id) for p in credit.payments))
        facts = replace(facts, return_proof=receipt_links.return_proof(self.receipt_key, facts),
                        join_url=receipt_links.join_url(self.config, self.receipt_key, facts))
        sales.write_sale(s, facts)
        store_credit.StoreCreditPayments.record(s, [(p.spend_id, p.code, p.amount_fen) for p in credit.payments],
                                                credit.offline)
        credit_spends.mark_sold(s, credit.payments, sale_id)
        if ordered:  # after the sale's event: HQ has the sale when the order arrives
            orders = self.aisle.write(s, facts, ordered)
            facts = replace(facts, line_notes=self.aisle.line_notes(orders),
                            pickup_notes=self.aisle.pickup_notes(orders))
        fresh = self._replace_cart(actor, s, state, park_note=None)
        return facts, fresh
