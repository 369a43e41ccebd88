"""The pricing engine: a cart plus promotions and coupons in, a priced cart out.

Pure and deterministic; the rules (stages, exclusivity, best-for-customer, rounding)
are documented in docs/pricing.md. Every discount is spread over the lines it
covers with :func:`money.allocate`, so each line carries, per source, exactly the
fen it was discounted, and ``net = gross - discounts`` is what a return refunds. The
bookkeeping (the sources, the lines' nets and bookings, the booking loops) is
:mod:`store_client.domain.ledger`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import compress
from math import lcm
from typing import NamedTuple

from store_client.domain.cart import GRAMS_PER_KG, Cart, pricing_order
from store_client.domain.coupons import Coupon, CouponRefusal, RefusalReason, check_coupon
from store_client.domain.ledger import (
    CART_MANUAL,
    COUPON,
    LINE_MANUAL,
    PROMOTION,
    DiscountSource,
    LineDiscount,
    _Item,
    _Ledger,
    _pick,
    _positive,
    _subtract,
)
from store_client.domain.money import BASIS_POINTS, Money, allocate, round_half_up
from store_client.domain.promotions import (
    AmountOff,
    BuyXGetY,
    MemberPrice,
    PercentOff,
    Promotion,
    Stage,
    Threshold,
)
from store_client.domain.vat import VatTotal, vat_totals


class PricedLine(NamedTuple):
    line_id: int
    sku: str
    quantity: int
    unit_price_fen: int
    gross_fen: int
    discounts: tuple[LineDiscount, ...]
    net_fen: int
    tax_rate_bp: int  # the line's share of its rate's VAT: line_vat(), at the sale

    @property
    def discount_fen(self) -> int:
        return self.gross_fen - self.net_fen


@dataclass(frozen=True, slots=True)
class PricedCart:
    lines: tuple[PricedLine, ...]  # active lines, in cart order
    gross_fen: int
    discount_fen: int
    total_fen: int  # amount due
    vat: tuple[VatTotal, ...]  # by rate, ascending
    discounts: tuple[LineDiscount, ...]  # total per source, in the order applied
    coupons_applied: tuple[str, ...]
    coupon_refusals: tuple[CouponRefusal, ...]
    # The whole sale's discounts held off the lines (a Repricer(hold_whole_sale=True) only;
    # already in ``discounts``, and in no line's figures): total per source.
    held: tuple[LineDiscount, ...] = ()

    def line(self, line_id: int) -> PricedLine:
        for line in self.lines:
            if line.line_id == line_id:
                return line
        raise KeyError(line_id)


def _source(promo: Promotion) -> DiscountSource:
    return DiscountSource(PROMOTION, promo.id, promo.name or promo.id)


# -- per-line promotions (PRICE and ITEM stages) ----------------------------------------


def _percent_off(promo: PercentOff, item: _Item, net: int) -> int:
    return round_half_up(net * promo.percent_bp, BASIS_POINTS)


def _amount_off(promo: AmountOff, item: _Item, net: int) -> int:
    if item.in_grams:
        return round_half_up(promo.amount_fen * item.quantity, GRAMS_PER_KG)
    if item.weighed:  # a price-embedded label: no weight to take a per-kg amount off
        return 0
    return promo.amount_fen * item.quantity


def _member_price(promo: MemberPrice, item: _Item, net: int) -> int:
    price = promo.prices.get(item.sku)
    if price is None or (item.weighed and not item.in_grams):
        return 0
    # Brings the line down to the member price (never up): several member prices for
    # one SKU therefore give the lowest, not the sum of their differences.
    if item.in_grams:
        return net - round_half_up(price * item.quantity, GRAMS_PER_KG)
    return net - price * item.quantity


_LINE_RULES: dict[type[Promotion], Callable[..., int]] = {
    PercentOff: _percent_off, AmountOff: _amount_off, MemberPrice: _member_price}


def _line_discount(promo: Promotion, item: _Item, net: int) -> int:
    """The promotion's discount on one line with ``net`` left, clamped to 0..net."""
    if net <= 0:
        return 0
    amount = _LINE_RULES[type(promo)](promo, item, net)  # type: ignore[operator]
    return amount if 0 <= amount <= net else (0 if amount < 0 else net)


def _per_line_stage(ledger: _Ledger, index: _Index, stage: Stage) -> None:
    # The hot loop of the engine (lines x promotions): plain locals, no per-call dicts.
    nets, booked, totals = ledger.net, ledger.booked, ledger.totals
    for i, item in enumerate(ledger.items):
        stackable, exclusive = index.candidates(stage, item)
        if not stackable and not exclusive:
            continue
        start = net = nets[i]
        plan: list[tuple[DiscountSource, int]] = []
        for promo, rule, source in stackable:
            if net <= 0:
                break
            if rule is None:  # only line stages reach here, and each has its rule
                continue
            amount = rule(promo, item, net)
            if amount > 0:
                amount = min(amount, net)
                plan.append((source, amount))
                net -= amount
        best = start - net
        for promo, _rule, source in exclusive:
            amount = _line_discount(promo, item, start)
            if amount > best:
                plan, best = [(source, amount)], amount
        if not plan:
            continue
        nets[i] = start - best
        booked[i] += tuple([LineDiscount(source, amount) for source, amount in plan])
        for source, amount in plan:
            totals[source] = totals.get(source, 0) + amount


# -- group promotions (MULTI_BUY and ORDER stages) --------------------------------------


def _group_discount(promo: Promotion, idxs: Sequence[int], items: Sequence[_Item],
                    net: Sequence[int]) -> dict[int, int]:
    nets = _pick(net, idxs)
    if type(promo) is Threshold:  # a storewide one covers the whole cart: C loops only
        left = list(map(_positive, nets))
        live_nets = list(compress(nets, left))
        subtotal = sum(live_nets)
        if not subtotal:
            return {}
        amount = min(promo.times(subtotal) * promo.amount_fen, subtotal)
        return dict(zip(compress(idxs, left), allocate(amount, live_nets))) if amount else {}
    live = list(compress(idxs, map(_positive, nets)))
    if not live:
        return {}
    if type(promo) is BuyXGetY:
        units = [i for i in live if not items[i].weighed]
        free = sum(items[i].quantity for i in units) // (promo.buy + promo.get) * promo.get
        if not free:
            return {}
        # Cheapest units first (exact comparison of net / quantity through a common
        # multiple). Every line but the last is taken whole (its net exactly); only the
        # last is rounded, so the total is the exact free value rounded half-up once,
        # whichever way equal-priced units are split between lines.
        common = lcm(*{items[i].quantity for i in units})
        units.sort(key=lambda i: (net[i] * (common // items[i].quantity), i))
        amounts: dict[int, int] = {}
        for i in units:
            quantity = items[i].quantity
            take = min(free, quantity)
            amounts[i] = net[i] if take == quantity else round_half_up(net[i] * take, quantity)
            free -= take
            if not free:
                break
        return amounts
    raise TypeError(f"{type(promo).__name__} is not a group promotion")


_GroupDiscount = Callable[[Promotion, Sequence[int], Sequence["_Item"], Sequence[int]],
                          dict[int, int]]


def _group_total(promo: Promotion, idxs: Sequence[int], items: Sequence[_Item],
                 net: Sequence[int], discount: _GroupDiscount = _group_discount) -> int:
    """What :func:`_group_discount` would give in total, without allocating it."""
    if type(promo) is Threshold:
        subtotal = sum(filter(_positive, _pick(net, idxs)))
        return min(promo.times(subtotal) * promo.amount_fen, subtotal) if subtotal else 0
    return sum(discount(promo, idxs, items, net).values())


def _group_stage(ledger: _Ledger, index: _Index, stage: Stage,
                 discount: _GroupDiscount = _group_discount) -> None:
    """Promotions spanning lines: all stackable ones, then exclusives where they do better.

    An exclusive promotion replaces the stackable ones on the lines it covers when its
    own discount beats what they gave those lines; candidates go by advantage, never two
    on one line; the plan with exclusives is kept only if its total beats stackable-only.
    """
    promos = index.stage_promotions(stage)
    if not promos:
        return
    covered = {p.id: index.covered(p, ledger) for p in promos}
    stackable = [p for p in promos if not p.exclusive]
    items = ledger.items

    def evaluate(exclusives: list[Promotion]) -> tuple[int, list[tuple[Promotion, dict]], list[int]]:
        net = list(ledger.net)
        claimed = {i for promo in exclusives for i in covered[promo.id]}
        plan: list[tuple[Promotion, dict[int, int]]] = []
        for promo in exclusives + stackable:
            idxs = covered[promo.id]
            if claimed and not promo.exclusive:
                idxs = [i for i in idxs if i not in claimed]
            amounts = discount(promo, idxs, items, net)
            _subtract(net, amounts)
            plan.append((promo, amounts))
        return sum(sum(a.values()) for _, a in plan), plan, net

    best_total, best_plan, stacked = evaluate([])
    gains = []
    for rank, promo in enumerate(promos):
        if promo.exclusive and covered[promo.id]:
            alone = _group_total(promo, covered[promo.id], items, ledger.net, discount)
            # what the stackable ones gave these lines
            gave = sum(_pick(ledger.net, covered[promo.id])) - sum(_pick(stacked, covered[promo.id]))
            gain = alone - gave
            if gain > 0:
                gains.append((-gain, rank, promo))
    chosen: list[Promotion] = []
    taken: set[int] = set()
    for _, _, promo in sorted(gains, key=lambda g: (g[0], g[1])):
        if taken.isdisjoint(covered[promo.id]):
            chosen.append(promo)
            taken.update(covered[promo.id])
    if chosen:
        total, plan, _net = evaluate(chosen)
        if total > best_total:
            best_plan = plan
    for promo, amounts in best_plan:
        if amounts:
            ledger.book(index.source(promo), amounts)


# -- promotion index --------------------------------------------------------------------


class PromotionBook:
    """The store's promotions, compiled once and reused for every re-pricing.

    The checkout re-prices the cart on every change; the look-up tables built for the
    promotions in force (per member/non-member) are kept until that set changes. Not
    thread-safe: use one book per thread.
    """

    _KEEP = 8  # compiled sets kept (member or not, and a few window changes)

    def __init__(self, promotions: Iterable[Promotion]) -> None:
        self.promotions = tuple(sorted(promotions, key=lambda p: (p.priority, p.id)))
        seen: set[str] = set()
        for promo in self.promotions:
            if promo.id in seen:
                raise ValueError(f"duplicate promotion id {promo.id!r}")
            seen.add(promo.id)
        self._compiled: dict[tuple[str, ...], _Index] = {}
        self._boundaries = sorted({t for p in self.promotions for t in (p.starts, p.ends)
                                   if t is not None})
        self._by_period: dict[tuple[int, bool], _Index] = {}

    def index(self, now: datetime, member: bool) -> _Index:
        # Which promotions are in force changes only when ``now`` passes a start or an end:
        # between two of them the set (member or not) is the one found last time.
        period = (bisect_right(self._boundaries, now), member)
        found = self._by_period.get(period)
        if found is not None:
            return found
        active = [p for p in self.promotions if p.active(now, member)]
        key = tuple(p.id for p in active)
        found = self._compiled.get(key)
        if found is None:
            if len(self._compiled) >= self._KEEP:
                self._compiled.pop(next(iter(self._compiled)))
            found = self._compiled[key] = _Index(active)
        if len(self._by_period) >= self._KEEP:
            self._by_period.pop(next(iter(self._by_period)))
        self._by_period[period] = found
        return found


_Entry = tuple[Promotion, Callable[..., int] | None, DiscountSource]


class _Index:
    """Active promotions by stage, looked up by SKU and category, in (priority, id) order."""

    def __init__(self, active: Sequence[Promotion]) -> None:
        """``active``: the promotions in force, sorted by (priority, id), ids unique."""
        self._by_stage: dict[Stage, list[Promotion]] = defaultdict(list)
        self._sku: dict[tuple[Stage, str], list[Promotion]] = defaultdict(list)
        self._cat: dict[tuple[Stage, str], list[Promotion]] = defaultdict(list)
        self._all: dict[Stage, list[Promotion]] = defaultdict(list)
        self._sources: dict[str, DiscountSource] = {}
        self._cache: dict[tuple, tuple[list[_Entry], list[_Entry]]] = {}
        self._excluded: set[str] = set()  # SKUs some promotion excludes
        for promo in active:
            stage = promo.stage
            self._by_stage[stage].append(promo)
            self._sources[promo.id] = _source(promo)
            if promo.scope.everything:
                self._all[stage].append(promo)
            for sku in promo.scope.skus:
                self._sku[(stage, sku)].append(promo)
            for cat in promo.scope.categories:
                self._cat[(stage, cat)].append(promo)
            self._excluded.update(promo.scope.exclude_skus)
        self._rank = {p.id: n for n, p in enumerate(
            p for stage in sorted(self._by_stage) for p in self._by_stage[stage])}

    def source(self, promo: Promotion) -> DiscountSource:
        return self._sources[promo.id]

    def stage_promotions(self, stage: Stage) -> list[Promotion]:
        return self._by_stage.get(stage, [])

    def candidates(self, stage: Stage, item: _Item) -> tuple[list[_Entry], list[_Entry]]:
        """(stackable, exclusive) promotions of ``stage`` covering the line, in rank order,
        each with its per-line rule and discount source."""
        if stage not in self._by_stage or not item.promotable:
            return [], []
        sku = item.sku
        # Most lines have no SKU-specific promotion: share the category's list between them.
        specific = (stage, sku) in self._sku or sku in self._excluded
        key = (stage, sku if specific else None, item.category)
        found = self._cache.get(key)
        if found is None:
            sku, cat = item.sku, item.category
            matches = {p.id: p for p in self._all.get(stage, ())}
            for p in self._sku.get((stage, sku), ()):
                matches[p.id] = p
            for p in self._cat.get((stage, cat), ()):
                matches[p.id] = p
            ranked = [matches[pid] for pid in sorted(matches, key=self._rank.__getitem__)
                      if sku not in matches[pid].scope.exclude_skus]
            rules: dict[type[Promotion], Callable[..., int]] = (
                _LINE_RULES if stage in (Stage.PRICE, Stage.ITEM) else {})
            entries: list[tuple[Promotion, Callable[..., int] | None, DiscountSource]] = [
                (p, rules.get(type(p)), self._sources[p.id]) for p in ranked]
            found = ([e for e in entries if not e[0].exclusive],
                     [e for e in entries if e[0].exclusive])
            if len(self._cache) >= 100_000:  # bounded over a long day of distinct SKUs
                self._cache.clear()
            self._cache[key] = found
        return found

    def covered(self, promo: Promotion, ledger: _Ledger) -> list[int]:
        """Positions of the promotable lines ``promo`` covers, ascending."""
        scope = promo.scope
        promotable, by_sku, by_category = ledger.positions()
        if scope.everything:
            found: Iterable[int] = promotable
        else:
            found = set()
            for sku in scope.skus:
                found.update(by_sku.get(sku, ()))
            for cat in scope.categories:
                found.update(by_category.get(cat, ()))
        items = ledger.items
        return sorted(i for i in found if items[i].sku not in scope.exclude_skus)


# -- the engine -------------------------------------------------------------------------


def price_cart(cart: Cart, promotions: PromotionBook | Iterable[Promotion] = (), *,
               now: datetime, coupons: Mapping[str, Coupon] | None = None,
               used_coupon_codes: Collection[str] = frozenset(),
               used_coupon_members: Collection[tuple[str, str]] = frozenset()) -> PricedCart:
    """Price the active lines of ``cart``; coupons are looked up by the codes on the cart.

    ``used_coupon_codes``: single-use codes already redeemed on this terminal (or known
    from HQ); ``used_coupon_members``: (code, member id) pairs of once-per-member coupons.

    Pass a :class:`PromotionBook` when pricing repeatedly (it keeps its look-up tables).
    """
    if now.tzinfo is None:
        raise ValueError("now must carry a time zone")
    ordered = sorted(cart.active_lines, key=pricing_order)
    ledger = _Ledger(ordered)
    book = promotions if isinstance(promotions, PromotionBook) else PromotionBook(promotions)
    index = book.index(now, cart.member_id is not None)

    _per_line_stage(ledger, index, Stage.PRICE)
    _per_line_stage(ledger, index, Stage.ITEM)
    _group_stage(ledger, index, Stage.MULTI_BUY)
    for i, line in enumerate(ordered):
        if line.discount is not None:
            source = DiscountSource(LINE_MANUAL, "manual", line.discount.reason)
            ledger.book(source, {i: line.discount.amount_on(ledger.net[i])})
    _group_stage(ledger, index, Stage.ORDER)
    applied, refusals = _apply_coupons(ledger, cart, now, coupons or {}, used_coupon_codes,
                                       used_coupon_members)
    if cart.discount is not None:
        all_idx = range(len(ordered))
        amount = cart.discount.amount_on(sum(ledger.net))
        ledger.spread(DiscountSource(CART_MANUAL, "manual", cart.discount.reason), amount, all_idx)
    return _result(cart, ledger, applied, refusals)


def _apply_coupons(ledger: _Ledger, cart: Cart, now: datetime, coupons: Mapping[str, Coupon],
                   used: Collection[str], used_by_members: Collection[tuple[str, str]],
                   ) -> tuple[list[str], list[CouponRefusal]]:
    applied: list[str] = []
    refusals: list[CouponRefusal] = []
    for code in cart.coupon_codes:
        coupon = coupons.get(code)
        if coupon is None:
            refusals.append(CouponRefusal(code, RefusalReason.UNKNOWN,
                                          f"Coupon {code} is not known on this till."))
            continue
        refusal = check_coupon(coupon, now=now, member_id=cart.member_id, used_codes=used,
                               used_by_members=used_by_members)
        if refusal is not None:
            refusals.append(refusal)
            continue
        net = ledger.net
        if coupon.scope.everything and not coupon.scope.exclude_skus:  # the whole cart: in C
            idxs = list(compress(range(len(net)), map(_positive, net)))
        else:
            covers = coupon.scope.covers
            idxs = [i for i, item in enumerate(ledger.items)
                    if net[i] > 0 and covers(item.sku, item.category)]
        eligible = sum(_pick(net, idxs))
        if not idxs:
            refusals.append(CouponRefusal(code, RefusalReason.NOT_APPLICABLE,
                                          f"Coupon {code} applies to nothing in this sale."))
            continue
        if eligible < coupon.min_spend_fen:
            short = Money(coupon.min_spend_fen - eligible)
            refusals.append(CouponRefusal(
                code, RefusalReason.BELOW_THRESHOLD,
                f"Coupon {code} needs {Money(coupon.min_spend_fen)} of eligible items; "
                f"{short} more."))
            continue
        ledger.spread(DiscountSource(COUPON, code, coupon.name or code),
                      coupon.discount_on(eligible), idxs)
        applied.append(code)
    return applied, refusals


def _result(cart: Cart, ledger: _Ledger, applied: list[str],
            refusals: list[CouponRefusal]) -> PricedCart:
    lines = ledger.lines
    by_rate: dict[int, int] = defaultdict(int)
    for line, net in zip(lines, ledger.net):
        by_rate[line.product.tax_rate_bp] += net
    items, line_nets, booked = ledger.items, ledger.net, ledger.booked
    priced = {
        line.line_id: PricedLine(
            line.line_id, items[i].sku, items[i].quantity, line.unit_price_fen, items[i].gross,
            booked[i], line_nets[i], line.product.tax_rate_bp)
        for i, line in enumerate(lines)
    }
    gross = sum(item.gross for item in items)
    total = sum(line_nets)
    return PricedCart(
        lines=tuple(priced[line.line_id] for line in cart.lines if not line.voided),
        gross_fen=gross, discount_fen=gross - total, total_fen=total,
        vat=vat_totals(by_rate),
        discounts=tuple(LineDiscount(s, a) for s, a in ledger.totals.items()),
        coupons_applied=tuple(applied), coupon_refusals=tuple(refusals))
