"""What the checkout service returns to the screen: immutable views of the cart.

Built from the priced cart after every change (the UI never prices anything).
Line ids are strings on this side of the service (the domain numbers lines).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from itertools import compress, repeat
from operator import attrgetter, is_not, itemgetter, sub
from typing import NamedTuple

from store_client.domain.cart import Cart, CartLine
from store_client.domain.coupons import Coupon
from store_client.domain.ledger import COUPON, PROMOTION
from store_client.domain.points import available_points
from store_client.domain.pricing import PricedCart, PricedLine
from store_client.services.cart_store import CartState
from store_client.services.errors import ServiceError
from store_client.services.members import Member


class ScanRejected(ServiceError):
    """A scan the till cannot use; ``offer_search`` tells the UI to open the search."""

    def __init__(self, reason: str, message: str, offer_search: bool = True) -> None:
        super().__init__(message)
        self.reason = reason
        self.offer_search = offer_search


class LineView(NamedTuple):
    """One cart row as the screen shows it. A tuple, like the domain's PricedLine: a change
    that moves many rows (a member attached, a multi-buy over many lines, a parked sale
    resumed) builds their views in C loops (see :class:`LineViews`)."""

    line_id: str
    sku: str
    name_zh: str
    name_en: str
    unit: str  # "each" | "kg"
    quantity: int  # units, or grams when sold by weight
    unit_price_fen: int
    gross_fen: int
    discount_fen: int
    net_fen: int
    # (source, amount_fen), source = (kind, id, name); the name, or the id when the row has
    # none, is what the screen shows (the priced line's own tuple, not copied)
    discounts: tuple[tuple[tuple[str, str, str], int], ...]
    overridden: bool


@dataclass(frozen=True)
class MemberView:
    member_id: str
    name: str
    phone_masked: str
    tier: str
    points_balance: int
    pending_redemption_points: int

    @property
    def points_available(self) -> int:
        """What the member may redeem here now: the one rule of domain.points (never below
        zero: returns that took back points earned since HQ's balance can outweigh it)."""
        return available_points(self.points_balance, self.pending_redemption_points)


@dataclass(frozen=True)
class CouponView:
    code: str
    title: str
    discount_fen: int
    problem: str = ""  # why it gives nothing now (e.g. the cart fell below its minimum)
    problem_code: str = ""  # the same as a code for the translation table ("coupon.expired")


@dataclass(frozen=True)
class TenderView:
    tender_id: str
    kind: str
    amount_fen: int
    reference: str | None


@dataclass(frozen=True)
class CartView:
    cart_id: str
    lines: tuple[LineView, ...]
    member: MemberView | None
    coupons: tuple[CouponView, ...]
    tenders: tuple[TenderView, ...]
    subtotal_fen: int
    discount_fen: int
    total_fen: int
    paid_fen: int
    due_fen: int
    change_fen: int
    points_to_earn: int
    promotions_applied: tuple[str, ...]
    version: int
    # Of discount_fen, the whole sale's (thresholds, coupons, the sale's discount): in no row's
    # figures while the sale is rung up; the sale splits it over the lines when completed.
    whole_sale_fen: int = 0
    parked_for: str | None = None  # another operator's sale, just parked so this one starts fresh


@dataclass(frozen=True)
class ScanOutcome:
    kind: str  # "product" | "member" | "coupon" | "pickup" | "receipt"
    value: str  # the SKU, member id, coupon code, pickup code or receipt number
    cart: CartView | None = None  # None when the cart did not change (pickup / receipt)
    line_id: str | None = None  # the line added or raised (product)


@dataclass(frozen=True)
class ParkedCart:
    parked_id: str
    note: str
    operator_id: str | None
    parked_at: str
    lines: int
    total_fen: int


@dataclass(frozen=True)
class CompletedSale:
    sale_id: str
    receipt_no: str
    total_fen: int
    change_fen: int
    paid_fen: int
    points_earned: int
    print_job_id: int | None
    receipt_text: str


_LINE_VIEW_CACHE_LIMIT = 2048
_MANY = 12  # more views to build than this: built in C loops (_views_of)
_name_zh, _name_en = attrgetter("product.name_zh"), attrgetter("product.name_en")
# ``_value_``: what Enum's ``value`` returns, read without its Python-level descriptor
_unit, _override = attrgetter("product.unit._value_"), attrgetter("price_override")
_p_line_id, _p_sku, _p_quantity = attrgetter("line_id"), attrgetter("sku"), attrgetter("quantity")
_p_unit_price, _p_gross = attrgetter("unit_price_fen"), attrgetter("gross_fen")
_p_net, _p_discounts = attrgetter("net_fen"), attrgetter("discounts")


def _pick(seq: tuple, idxs: list[int]) -> tuple:
    return itemgetter(*idxs)(seq) if len(idxs) > 1 else tuple(seq[i] for i in idxs)


def _views_of(priced: tuple[PricedLine, ...], lines: tuple[CartLine, ...]) -> map:
    """The views of many lines at once, in C loops: what :meth:`LineViews._one` builds."""
    gross, net = list(map(_p_gross, priced)), list(map(_p_net, priced))
    return map(tuple.__new__, repeat(LineView), zip(
        map(str, map(_p_line_id, priced)), map(_p_sku, priced), map(_name_zh, lines),
        map(_name_en, lines), map(_unit, lines), map(_p_quantity, priced),
        map(_p_unit_price, priced), gross, map(sub, gross, net), net,
        map(_p_discounts, priced), map(is_not, map(_override, lines), repeat(None))))


class LineViews:
    """The views of the cart's lines, kept from one build to the next (the checkout holds
    one, under its lock). A scan on a long cart then builds one new view, and the screen
    tells unchanged rows by identity.

    The positions whose priced line is another object than last time are found in C (the
    re-pricer keeps an unchanged line's PricedLine); only those are looked at. A few are
    each looked up against the last view of the same line object: kept by the line
    object's id, and compared rather than hashed (the reference pricing builds new
    PricedLines of the same figures, and hashing their discounts cost more than the view
    it saved). Many (a member attached re-prices most rows) are built afresh
    in C loops, which costs less than looking them up."""

    def __init__(self) -> None:
        self._by_line: dict[int, tuple[CartLine, PricedLine, LineView]] = {}
        self._priced: tuple[PricedLine, ...] = ()
        self._views: tuple[LineView, ...] = ()

    def build(self, priced: tuple[PricedLine, ...], cart: Cart) -> tuple[LineView, ...]:
        """The views of ``priced`` (a priced cart's lines: ``cart``'s active lines, in order)."""
        old = self._priced
        m = min(len(old), len(priced))
        todo = [*compress(range(m), map(is_not, priced[:m], old[:m])), *range(m, len(priced))]
        if not todo and len(priced) == len(old):
            return self._views
        views = list(self._views[:m])
        views.extend([None] * (len(priced) - m))  # type: ignore[list-item]
        active = cart.active_lines
        if len(todo) > _MANY:
            deque(map(views.__setitem__, todo,
                      _views_of(_pick(priced, todo), _pick(active, todo))), maxlen=0)
        else:
            for i in todo:
                views[i] = self._one(priced[i], active[i])
        self._priced, self._views = priced, tuple(views)
        return self._views

    def _one(self, p: PricedLine, line: CartLine) -> LineView:
        hit = self._by_line.get(id(line))
        if hit is not None and hit[0] is line and (hit[1] is p or hit[1] == p):
            return hit[2]
        view = LineView(
            str(p.line_id), p.sku, line.product.name_zh, line.product.name_en,
            line.product.unit.value, p.quantity, p.unit_price_fen, p.gross_fen, p.discount_fen,
            p.net_fen, p.discounts, line.price_override is not None)
        if len(self._by_line) >= _LINE_VIEW_CACHE_LIMIT:
            self._by_line.clear()
        self._by_line[id(line)] = (line, p, view)
        return view


def build_view(state: CartState, priced: PricedCart, member: Member | None, pending: int,
               coupons: dict[str, Coupon], points_to_earn: int, change_fen: int,
               line_views: LineViews | None = None) -> CartView:
    cart: Cart = state.cart
    lines = (line_views or LineViews()).build(priced.lines, cart)
    coupon_amounts = {d.source.id: d.amount_fen for d in priced.discounts
                      if d.source.kind == COUPON}
    refusals = {r.code: (r.message, f"coupon.{r.reason.value}") for r in priced.coupon_refusals}
    coupon_views = tuple(
        CouponView(code, coupons[code].name if code in coupons else code,
                   coupon_amounts.get(code, 0), *refusals.get(code, ("", "")))
        for code in cart.coupon_codes)
    paid = sum(t.amount_fen for t in state.tenders)
    member_view = None
    if member is not None:
        member_view = MemberView(member.member_id, member.name or member.member_id, member.phone_masked, member.tier,
                                 member.points_balance, pending)
    return CartView(
        cart_id=state.cart_id, lines=lines, member=member_view, coupons=coupon_views,
        tenders=tuple(TenderView(t.tender_id, t.kind, t.amount_fen, t.reference)
                      for t in state.tenders),
        subtotal_fen=priced.gross_fen, discount_fen=priced.discount_fen,
        total_fen=priced.total_fen, paid_fen=paid, due_fen=max(0, priced.total_fen - paid),
        change_fen=change_fen, points_to_earn=points_to_earn,
        promotions_applied=tuple(d.source.name or d.source.id for d in priced.discounts
                                 if d.source.kind == PROMOTION and d.amount_fen),
        version=state.version,
        whole_sale_fen=sum(d.amount_fen for d in priced.held))
