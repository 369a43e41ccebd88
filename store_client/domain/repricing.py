"""Re-pricing a cart after a change without redoing the lines the change did not touch.

:func:`pricing.price_cart` is the reference: it prices every line against every
promotion that covers it, so a scan on line 500 costs 500 times a scan on line 1.
A :class:`Repricer` prices successive versions of the same cart and gives exactly what
``price_cart`` gives (a property test compares them on random carts and promotion
books): each line's per-line stages (member prices, percent and amount off), its
canonical position and its bookkeeping are kept from the previous call while the line
object is the same (lines are immutable; a change rebuilds only the lines it touches).
What depends on the whole cart (multi-buys, thresholds, manual and coupon discounts,
the VAT split) is recomputed from the kept figures, at a few additions per line.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from store_client.domain.cart import Cart, CartLine
from store_client.domain.coupons import Coupon, CouponRefusal
from store_client.domain.money import Money, allocate, vat_included
from store_client.domain.promotions import Promotion
from store_client.domain.pricing import (
    CART_MANUAL,
    LINE_MANUAL,
    DiscountSource,
    LineDiscount,
    PricedCart,
    PromotionBook,
    Stage,
    _apply_coupons,
    _canonical_key,
    _group_discount,
    _group_stage,
    _Index,
    _Item,
    _Ledger,
    _per_line_stage,
    PricedLine,
    VatTotal,
)

_GROUP_STAGES = (Stage.MULTI_BUY, Stage.ORDER)


class _Line:
    """One line's share of the work that does not depend on the other lines."""

    __slots__ = ("booked", "groups", "item", "key", "line", "net", "price_part", "priced",
                 "rate", "unit_price")

    def __init__(self, line: CartLine, index: _Index) -> None:
        self.line = line
        self.key = _canonical_key(line)
        alone = _Ledger((line,))
        _per_line_stage(alone, index, Stage.PRICE)
        self.price_part = len(alone.booked[0])  # booked[:price_part] came from PRICE
        _per_line_stage(alone, index, Stage.ITEM)
        self.item: _Item = alone.items[0]
        self.net: int = alone.net[0]
        self.booked: list[LineDiscount] = alone.booked[0]
        self.rate = line.product.tax_rate_bp
        self.unit_price = line.unit_price_fen
        self.priced: PricedLine | None = None  # the last result, reused while it holds
        # The group promotions covering the line, as _Index.covered decides it.
        item = self.item
        self.groups: tuple[str, ...] = tuple(
            promo.id for stage in _GROUP_STAGES for promo in index.stage_promotions(stage)
            if promo.scope.covers(item.sku, item.category)) if item.promotable else ()


class _Covered:
    """The index as _group_stage reads it, with the lines each promotion covers worked
    out from the kept lines in one pass (instead of per promotion, per pricing)."""

    def __init__(self, index: _Index, covered: dict[str, list[int]]) -> None:
        self._index, self._covered = index, covered
        self.stage_promotions = index.stage_promotions
        self.source = index.source

    def covered(self, promo: Promotion, _ledger: _Ledger) -> list[int]:
        return self._covered[promo.id]


class Repricer:
    """Prices one cart as it changes; not thread-safe (the checkout holds its lock)."""

    def __init__(self) -> None:
        self._index: _Index | None = None
        self._by_id: dict[int, _Line] = {}
        self._keys: list[tuple] = []  # canonical keys, sorted
        self._ordered: list[_Line] = []  # in the order of _keys
        self._vat_splits: dict[int, tuple[list[int], int, list[int]]] = {}  # rate -> last
        # (promotion id, its lines' ids, their nets) -> (the lines, [(position, amount)])
        self._group_memo: dict[tuple, tuple[tuple[CartLine, ...], list[tuple[int, int]]]] = {}
        self._group_memo_next: dict[tuple, tuple[tuple[CartLine, ...], list[tuple[int, int]]]] = {}

    def _reset(self, index: _Index) -> None:
        """Another set of promotions is in force (or another book): nothing kept holds."""
        self._index = index
        self._by_id.clear()
        self._keys.clear()
        self._ordered.clear()
        self._group_memo.clear()
        self._group_memo_next.clear()

    def _remove(self, state: _Line) -> None:
        at = bisect_left(self._keys, state.key)
        del self._keys[at]
        del self._ordered[at]

    def _insert(self, state: _Line) -> None:
        at = bisect_left(self._keys, state.key)
        self._keys.insert(at, state.key)
        self._ordered.insert(at, state)

    def _sync(self, cart: Cart, index: _Index) -> None:
        """Bring the kept lines in step with ``cart``'s active lines."""
        by_id = self._by_id
        live = 0
        for line in cart.lines:
            if line.voided:
                continue
            live += 1
            kept = by_id.get(line.line_id)
            if kept is not None and kept.line is line:
                continue
            if kept is not None:
                self._remove(kept)
            fresh = by_id[line.line_id] = _Line(line, index)
            self._insert(fresh)
        if live != len(by_id):  # lines were voided (or the cart is another one)
            active = {line.line_id for line in cart.lines if not line.voided}
            for line_id in [n for n in by_id if n not in active]:
                self._remove(by_id.pop(line_id))

    def price(self, cart: Cart, book: PromotionBook, *, now: datetime,
              coupons: Mapping[str, Coupon] | None = None,
              used_coupon_codes: Collection[str] = frozenset(),
              used_coupon_members: Collection[tuple[str, str]] = frozenset()) -> PricedCart:
        """What ``price_cart(cart, book, now=now, ...)`` returns."""
        if now.tzinfo is None:
            raise ValueError("now must carry a time zone")
        index = book.index(now, cart.member_id is not None)
        if index is not self._index:
            self._reset(index)
        self._sync(cart, index)
        ordered = self._ordered
        ledger = _Ledger(())
        ledger.lines = [s.line for s in ordered]
        ledger.items = [s.item for s in ordered]
        ledger.net = [s.net for s in ordered]
        ledger.booked = [list(s.booked) for s in ordered]
        totals = ledger.totals  # in the order price_cart books them: PRICE, then ITEM
        for s in ordered:
            for source, amount in s.booked[:s.price_part]:
                totals[source] = totals.get(source, 0) + amount
        for s in ordered:
            for source, amount in s.booked[s.price_part:]:
                totals[source] = totals.get(source, 0) + amount

        covered: dict[str, list[int]] = {
            promo.id: [] for stage in _GROUP_STAGES for promo in index.stage_promotions(stage)}
        for i, s in enumerate(ordered):
            for promo_id in s.groups:
                covered[promo_id].append(i)
        groups = _Covered(index, covered)
        _group_stage(ledger, groups, Stage.MULTI_BUY, self._group_discount)  # type: ignore[arg-type]
        for i, line in enumerate(ledger.lines):
            if line.discount is not None:
                source = DiscountSource(LINE_MANUAL, "manual", line.discount.reason)
                ledger.book(source, {i: line.discount.amount_on(ledger.net[i])})
        _group_stage(ledger, groups, Stage.ORDER, self._group_discount)  # type: ignore[arg-type]
        self._group_memo, self._group_memo_next = self._group_memo_next, {}
        applied, refusals = _apply_coupons(ledger, cart, now, coupons or {}, used_coupon_codes,
                                           used_coupon_members)
        if cart.discount is not None:
            amount = cart.discount.amount_on(sum(ledger.net))
            ledger.spread(DiscountSource(CART_MANUAL, "manual", cart.discount.reason),
                          amount, range(len(ordered)))
        return self._result(cart, ledger, applied, refusals)

    def _group_discount(self, promo: Promotion, idxs: Sequence[int], items: Sequence[_Item],
                        net: Sequence[int]) -> dict[int, int]:
        """pricing._group_discount, remembered from the last pricing while the promotion's
        lines (the same line objects) and their nets are the same: a scan recomputes only
        the multi-buys and thresholds that cover the line it added."""
        lines = tuple(items[i].line for i in idxs)
        nets = tuple(net[i] for i in idxs)
        key = (promo.id, tuple(map(id, lines)), nets)
        # The key holds the lines' ids, and a memo entry holds its lines, so while it is kept
        # no other line can take one of their ids: a hit is these very lines.
        kept = self._group_memo.get(key) or self._group_memo_next.get(key)
        if kept is None:
            amounts = _group_discount(promo, idxs, items, net)
            where = {i: n for n, i in enumerate(idxs)}
            kept = (lines, [(where[i], amount) for i, amount in amounts.items()])
        self._group_memo_next[key] = kept  # kept for the next pricing (lines stay alive)
        return {idxs[n]: amount for n, amount in kept[1]}

    def _result(self, cart: Cart, ledger: _Ledger, applied: list[str],
                refusals: list[CouponRefusal]) -> PricedCart:
        """What pricing._result gives, reusing each rate's VAT split while the nets it is
        split over are the same, and each line's PricedLine while its figures are."""
        ordered, net, booked = self._ordered, ledger.net, ledger.booked
        by_rate: dict[int, list[int]] = defaultdict(list)
        for i, s in enumerate(ordered):
            by_rate[s.rate].append(i)
        vat_line = [0] * len(ordered)
        vat_totals = []
        splits: dict[int, tuple[list[int], int, list[int]]] = {}
        for rate in sorted(by_rate):
            idxs = by_rate[rate]
            nets = [net[i] for i in idxs]
            kept = self._vat_splits.get(rate)
            if kept is not None and kept[0] == nets:
                vat, parts = kept[1], kept[2]
            else:
                vat = vat_included(Money(sum(nets)), rate).minor
                parts = allocate(vat, nets) if vat else []
            splits[rate] = (nets, vat, parts)
            for i, part in zip(idxs, parts):
                vat_line[i] = part
            vat_totals.append(VatTotal(rate, sum(nets), vat))
        self._vat_splits = splits
        priced: dict[int, PricedLine] = {}
        for i, s in enumerate(ordered):
            discounts = tuple(booked[i])
            p = s.priced
            if (p is None or p.net_fen != net[i] or p.vat_fen != vat_line[i]
                    or p.discounts != discounts):
                item = s.item
                p = s.priced = PricedLine(s.line.line_id, item.sku, item.quantity, s.unit_price,
                                          item.gross, discounts, net[i], s.rate, vat_line[i])
            priced[s.line.line_id] = p
        gross = sum([s.item.gross for s in ordered])
        total = sum(net)
        return PricedCart(
            lines=tuple([priced[line.line_id] for line in cart.lines if not line.voided]),
            gross_fen=gross, discount_fen=gross - total, total_fen=total, vat=tuple(vat_totals),
            discounts=tuple(LineDiscount(src, a) for src, a in ledger.totals.items()),
            coupons_applied=tuple(applied), coupon_refusals=tuple(refusals))
