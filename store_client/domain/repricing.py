"""Re-pricing a cart after a change without redoing the lines the change did not touch.

:func:`pricing.price_cart` is the reference: it prices every line against every
promotion that covers it, so a scan on line 500 costs 500 times a scan on line 1.
A :class:`Repricer` prices successive versions of the same cart and gives exactly what
``price_cart`` gives (a property test compares them on random carts and promotion
books): each line's per-line stages (member prices, percent and amount off), its
canonical position and its bookkeeping are kept from the previous call while the line
object is the same (lines are immutable; a change rebuilds only the lines it touches).
What depends on the whole cart (multi-buys, thresholds, manual and coupon discounts,
the VAT per rate) is recomputed from the kept figures; the VAT split over lines is the
sale's (vat.line_vat).

A scan on line 500 must cost about what a scan on line 10 does, so what stays linear in
the cart's size runs in C: the kept figures sit in lists aligned with the canonical
order (an insertion is a memmove), the lines a promotion covers are picked with
``itertools.compress`` over a flag list, the changed lines are found with ``map`` over
the kept figures, and the per-source totals of the per-line stages are kept as running
sums. Python-level work is per line the change touched. A group stage (the multi-buys, the
thresholds) is remembered by what reaches it (its lines and their nets): when a scan adds a
line none of its promotions covers, or a void takes the cart back to a version of a moment
ago, what it booked is booked again without working it out. A stage with a promotion that
covers every line (a storewide threshold) is not remembered: every new line reaches it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import deque
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from itertools import compress, islice, repeat
from operator import attrgetter, is_not, ne, or_
from typing import Any

from store_client.domain.cart import Cart, CartLine, pricing_order
from store_client.domain.coupons import Coupon, CouponRefusal
from store_client.domain.ledger import (
    CART_MANUAL,
    LINE_MANUAL,
    DiscountSource,
    LineDiscount,
    _HoldingLedger,
    _Item,
    _Ledger,
    _pick,
)
from store_client.domain.pricing import (
    PricedCart,
    PricedLine,
    PromotionBook,
    _apply_coupons,
    _group_discount,
    _group_stage,
    _Index,
    _per_line_stage,
)
from store_client.domain.promotions import Promotion, Stage
from store_client.domain.vat import vat_totals

_GROUP_STAGES = (Stage.MULTI_BUY, Stage.ORDER)
_plus_one, _minus_one = (1).__add__, (-1).__add__
# A group promotion's remembered result: its lines, their positions
# then, and its discounts by those positions.
_Memo = tuple[tuple[CartLine, ...], tuple[int, ...], dict[int, int]]
# A group stage's remembered result: its lines; which of them it discounted (indexes into
# them), their nets after and the discounts added to each; the per-source totals it
# booked, in order; and the promotions' remembered results it used.
_StageMemo = tuple[tuple[CartLine, ...], tuple[int, ...], tuple[int, ...],
                   tuple[tuple[LineDiscount, ...], ...], tuple[tuple[DiscountSource, int], ...],
                   tuple[tuple[tuple, _Memo], ...]]
_STAGE_MEMO = 8  # stage results kept: this pricing's and a few before (a void of a scan)
_line_id, _unit_price, _pos = attrgetter("line.line_id"), attrgetter("unit_price"), attrgetter("pos")
_sku, _quantity, _gross = attrgetter("sku"), attrgetter("quantity"), attrgetter("gross")


class _Line:
    """One line's share of the work that does not depend on the other lines."""

    __slots__ = ("booked", "groups", "item", "key", "line", "net", "pos", "price_part", "priced",
                 "rate", "stages", "unit_price")

    def __init__(self, line: CartLine, index: _Index) -> None:
        self.line = line
        self.key = pricing_order(line)
        alone = _Ledger((line,))
        _per_line_stage(alone, index, Stage.PRICE)
        self.price_part = len(alone.booked[0])  # booked[:price_part] came from PRICE
        _per_line_stage(alone, index, Stage.ITEM)
        self.item: _Item = alone.items[0]
        self.net: int = alone.net[0]
        # A pricing's ledger starts from it (a tuple: a booking makes a new one).
        self.booked: tuple[LineDiscount, ...] = alone.booked[0]
        self.rate = line.product.tax_rate_bp
        self.unit_price = line.unit_price_fen
        self.priced: PricedLine | None = None  # the last result, reused while it holds
        self.pos = -1  # its position in the cart's lines (set when the re-pricer places it)
        # The group promotions covering the line, as _Index.covered decides it, and their stages.
        item = self.item
        covering = [(stage, promo.id) for stage in _GROUP_STAGES
                    for promo in index.stage_promotions(stage)
                    if promo.scope.covers(item.sku, item.category)] if item.promotable else []
        self.groups: frozenset[str] = frozenset(promo_id for _stage, promo_id in covering)
        self.stages: frozenset[Stage] = frozenset(stage for stage, _promo_id in covering)


class _Covered:
    """The index as _group_stage reads it, with the lines each promotion covers found from
    what the re-pricer keeps: none without a look; a few by their keys' positions; many
    picked from the promotion's flags in C."""

    def __init__(self, index: _Index, repricer: Repricer) -> None:
        self._index, self._repricer = index, repricer
        self.stage_promotions = index.stage_promotions
        self.source = index.source

    def covered(self, promo: Promotion, _ledger: _Ledger) -> list[int]:
        return self._repricer.positions_covered(promo.id)


class _SourceTotal:
    """A per-line-stage source's running total over the kept lines, and where it first
    appears in canonical order (which orders the totals as price_cart books them)."""

    __slots__ = ("amount", "count", "first", "stage")

    def __init__(self, stage: int) -> None:
        self.amount = self.count = 0
        self.first: tuple | None = None  # (line key, position in its list); None: look again
        self.stage = stage


class Repricer:
    """Prices one cart as it changes; not thread-safe (the checkout holds its lock).

    ``hold_whole_sale``: the whole sale's discounts (the thresholds, the coupons, the sale's
    manual discount) are held off the lines, as the till shows a sale being rung up: each
    line's discounts and net are its own (member prices, percentages and amounts off,
    multi-buys, its manual discount), and ``PricedCart.held`` gives the rest once, by
    source. Everything else (the totals, the VAT, the per-source totals, the coupons) is
    exactly the reference's. The sale splits them over the lines when it is completed
    (priced by ``price_cart``). Held, a storewide threshold or a coupon moves no line at a
    scan: what it costs a scan is its split's arithmetic, not a booking, a result and a row
    on every line.
    """

    def __init__(self, *, hold_whole_sale: bool = False) -> None:
        self._hold = hold_whole_sale
        self._reset(None)

    def _reset(self, index: _Index | None) -> None:
        """Another set of promotions is in force (or another book): nothing kept holds."""
        self._index = index
        self._by_id: dict[int, _Line] = {}
        self._cart_lines: tuple[CartLine, ...] = ()  # the last cart's lines, as given
        self._at: list[_Line | None] = []  # per position in _cart_lines: its kept line
        self._priced_at: list[PricedLine | None] = []  # ... and its PricedLine (None: voided)
        # In canonical order, aligned: the keys (sorted) and each kept line's figures.
        self._keys: list[tuple] = []
        self._ordered: list[_Line] = []
        self._lines: list[CartLine] = []
        self._items: list[_Item] = []
        self._net0: list[int] = []
        self._booked0: list[tuple[LineDiscount, ...]] = []
        self._rates: list[int] = []
        self._manual: list[bool] = []
        # What each line's PricedLine was last built from (None: not built yet).
        self._last_net: list[int | None] = []
        self._last_booked: list[tuple[LineDiscount, ...] | None] = []
        # group promotion id -> whether it covers each line; the lines it covers
        promos = [] if index is None else [
            promo.id for stage in _GROUP_STAGES for promo in index.stage_promotions(stage)]
        self._flags: dict[str, list[bool]] = {promo_id: [] for promo_id in promos}
        self._covering: dict[str, set[_Line]] = {promo_id: set() for promo_id in promos}
        # The canonical positions of the lines of a promotion covering few of them, moved
        # along as lines come and go (finding them afresh is a bisect per line per pricing).
        self._few: dict[str, list[int]] = {}
        self._rate_count: dict[int, int] = {}
        self._gross = 0
        self._sources: dict[DiscountSource, _SourceTotal] = {}
        # (promotion id, its lines' ids, their nets) -> (the lines, positions, amounts), the
        # most recently used last; the promotions' results of the last few pricings.
        self._group_memo: dict[tuple, _Memo] = {}
        self._group_memo_size = 16 + 8 * len(promos)
        self._touched: list[tuple[tuple, _Memo]] | None = None  # what a stage used there
        # Per group stage: the canonical positions of the lines some promotion of it covers,
        # and what the stage did for the last few inputs (the inputs by the lines' ids).
        self._stage_at: dict[Stage, list[int]] = {stage: [] for stage in _GROUP_STAGES}
        self._stage_memo: dict[tuple, _StageMemo] = {}
        # The stages with a promotion covering every line: any new line changes what reaches
        # them, so remembering their results would only cost (a void works them out again).
        everywhere = [] if index is None else [
            (stage, promo.id) for stage in _GROUP_STAGES for promo in index.stage_promotions(stage)
            if promo.scope.everything and not promo.scope.exclude_skus]
        self._unremembered = frozenset(stage for stage, _promo_id in everywhere)
        self._everywhere = frozenset(promo_id for _stage, promo_id in everywhere)

    # -- the kept lines -------------------------------------------------------------
    def _remove(self, state: _Line) -> None:
        at = bisect_left(self._keys, state.key)
        for promo_id in state.groups:
            few = self._few.get(promo_id)
            if few is not None:
                del few[bisect_left(few, at)]
        for stage in state.stages:
            kept = self._stage_at[stage]
            del kept[bisect_left(kept, at)]
        for positions in [*self._few.values(), *self._stage_at.values()]:
            if positions and positions[-1] > at:
                k = bisect_right(positions, at)
                positions[k:] = map(_minus_one, positions[k:])
        columns: list[list[Any]] = [self._keys, self._ordered, self._lines, self._items,
                                    self._net0, self._booked0, self._rates, self._manual,
                                    self._last_net, self._last_booked, *self._flags.values()]
        for column in columns:
            del column[at]
        for promo_id in state.groups:
            self._covering[promo_id].discard(state)
        self._rate_count[state.rate] -= 1
        if not self._rate_count[state.rate]:
            del self._rate_count[state.rate]
        self._gross -= state.item.gross
        for j, (source, amount) in enumerate(state.booked):
            total = self._sources[source]
            total.amount -= amount
            total.count -= 1
            if not total.count:
                del self._sources[source]
            elif total.first == (state.key, j):
                total.first = None

    def _insert(self, state: _Line) -> None:
        at = bisect_left(self._keys, state.key)
        for positions in [*self._few.values(), *self._stage_at.values()]:
            if positions and positions[-1] >= at:
                k = bisect_left(positions, at)
                positions[k:] = map(_plus_one, positions[k:])
        for promo_id in state.groups:
            few = self._few.get(promo_id)
            if few is not None:
                insort(few, at)
        for stage in state.stages:
            insort(self._stage_at[stage], at)
        self._keys.insert(at, state.key)
        self._ordered.insert(at, state)
        self._lines.insert(at, state.line)
        self._items.insert(at, state.item)
        self._net0.insert(at, state.net)
        self._booked0.insert(at, state.booked)
        self._rates.insert(at, state.rate)
        self._manual.insert(at, state.line.discount is not None)
        self._last_net.insert(at, None)
        self._last_booked.insert(at, None)
        for promo_id, flags in self._flags.items():
            flags.insert(at, promo_id in state.groups)
        for promo_id in state.groups:
            self._covering[promo_id].add(state)
        self._rate_count[state.rate] = self._rate_count.get(state.rate, 0) + 1
        self._gross += state.item.gross
        for j, (source, amount) in enumerate(state.booked):
            total = self._sources.get(source)
            if total is None:
                total = self._sources[source] = _SourceTotal(0 if j < state.price_part else 1)
                total.first = (state.key, j)
            elif total.first is not None and (state.key, j) < total.first:
                total.first = (state.key, j)
            total.amount += amount
            total.count += 1

    def _sync(self, cart: Cart, index: _Index) -> None:
        """Bring the kept lines in step with ``cart``'s active lines: only the positions of
        ``cart.lines`` that hold another object than last time are looked at (a scan adds
        one at the end; a change replaces one)."""
        old, new = self._cart_lines, cart.lines
        if new is old:
            return
        m = min(len(old), len(new))
        changed = list(compress(range(m), map(is_not, new[:m], old[:m])))
        at, by_id = self._at, self._by_id
        for p in [*changed, *range(m, len(old))]:  # removals first: a line id may move
            state = at[p]
            if state is not None:
                self._remove(state)
                del by_id[state.line.line_id]
        priced_at = self._priced_at
        del at[len(new):], priced_at[len(new):]
        for p in [*changed, *range(m, len(new))]:
            line = new[p]
            state = None
            if not line.voided:
                stale = by_id.get(line.line_id)  # the id sat elsewhere in the old cart
                if stale is not None:
                    self._remove(stale)
                    at[stale.pos] = priced_at[stale.pos] = None
                state = by_id[line.line_id] = _Line(line, index)
                state.pos = p
                self._insert(state)
            if p < len(at):
                at[p], priced_at[p] = state, None  # a line's PricedLine: set by _result
            else:
                at.append(state)
                priced_at.append(None)
        self._cart_lines = new

    def positions_covered(self, promo_id: str) -> list[int]:
        """The canonical positions of the lines a group promotion covers, ascending."""
        states = self._covering[promo_id]
        if len(states) * 16 < len(self._keys):
            positions = self._few.get(promo_id)
            if positions is None:
                positions = self._few[promo_id] = sorted([bisect_left(self._keys, state.key)
                                                          for state in states])
            return list(positions)  # a copy: the caller's to keep
        self._few.pop(promo_id, None)  # many lines: picked from the flags, not kept
        return list(compress(range(len(self._keys)), self._flags[promo_id]))

    def _base_totals(self) -> dict[DiscountSource, int]:
        """The per-line stages' totals, in the order price_cart books them (PRICE, then
        ITEM; each source where it first appears in canonical order)."""
        sources = self._sources
        lost = [source for source, total in sources.items() if total.first is None]
        if lost:  # the line a source first appeared on was voided or changed: look again
            wanted = set(lost)
            for state in self._ordered:
                for j, (source, _amount) in enumerate(state.booked):
                    if source in wanted:
                        sources[source].first = (state.key, j)
                        wanted.discard(source)
                if not wanted:
                    break
        ranked = sorted(sources.items(), key=lambda kv: (kv[1].stage, kv[1].first))
        return {source: total.amount for source, total in ranked}

    # -- pricing ----------------------------------------------------------------------
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
        n = len(self._ordered)
        ledger = _HoldingLedger()
        ledger.lines, ledger.items = self._lines, self._items
        ledger.net = list(self._net0)
        ledger.booked = list(self._booked0)
        ledger.totals = self._base_totals()
        groups = _Covered(index, self)
        self._stage(ledger, groups, Stage.MULTI_BUY)
        for i in compress(range(n), self._manual):
            discount = self._lines[i].discount
            assert discount is not None
            source = DiscountSource(LINE_MANUAL, "manual", discount.reason)
            ledger.book(source, {i: discount.amount_on(ledger.net[i])})
        shown, own = None, 0
        if self._hold:  # what follows is the whole sale's: the lines show the nets as they are now
            shown, own = list(ledger.net), len(ledger.totals)
            ledger.hold()
        self._stage(ledger, groups, Stage.ORDER)
        applied, refusals = _apply_coupons(ledger, cart, now, coupons or {}, used_coupon_codes,
                                           used_coupon_members)
        if cart.discount is not None:
            amount = cart.discount.amount_on(sum(ledger.net))
            ledger.spread(DiscountSource(CART_MANUAL, "manual", cart.discount.reason),
                          amount, range(n))
        return self._result(ledger, applied, refusals, shown, own)

    def _stage(self, ledger: _Ledger, groups: _Covered, stage: Stage) -> None:
        """pricing._group_stage, remembered while the lines its promotions cover (the same
        line objects) come to it with the same nets: a scan of a line that no multi-buy or
        threshold covers then only re-books what the stage booked, in C."""
        at = self._stage_at[stage]
        if not at:  # no line for its promotions: they book nothing
            return
        if stage in self._unremembered:
            _group_stage(ledger, groups, stage, self._group_discount)  # type: ignore[arg-type]
            return
        lines, nets = _pick(self._lines, at), _pick(ledger.net, at)
        # The entry holds the lines, so while it is kept no other line can take their ids.
        key = (stage, tuple(map(id, lines)), nets)
        net, booked, totals = ledger.net, ledger.booked, ledger.totals
        kept = self._stage_memo.pop(key, None)
        if kept is not None:
            self._stage_memo[key] = kept  # the most recent last
            _lines, done, after, added, booked_totals, used = kept
            positions = _pick(at, done)
            deque(map(net.__setitem__, positions, after), maxlen=0)
            deque(map(booked.__setitem__, positions,
                      map(tuple.__add__, _pick(booked, positions), added)), maxlen=0)
            for source, amount in booked_totals:
                totals[source] = totals.get(source, 0) + amount
            for memo_key, memo in used:  # kept fresh for the next change of the stage
                self._remember(memo_key, memo)
            return
        counts = list(map(len, _pick(booked, at)))
        before = dict(totals)
        touched: list[tuple[tuple, _Memo]] = []
        self._touched = touched
        try:
            _group_stage(ledger, groups, stage, self._group_discount)  # type: ignore[arg-type]
        finally:
            self._touched = None
        now = _pick(net, at)
        changed = tuple(compress(range(len(at)), map(ne, now, nets)))  # a booking lowers a net
        self._stage_memo[key] = (
            lines, changed, _pick(now, changed),
            # each changed line's bookings past what it had (its list[count:]), in C
            tuple(map(tuple.__getitem__, _pick(booked, _pick(at, changed)),
                      map(slice, _pick(counts, changed), repeat(None)))),
            tuple((source, amount - before.get(source, 0)) for source, amount in totals.items()
                  if amount != before.get(source, 0)),
            tuple(touched))
        while len(self._stage_memo) > _STAGE_MEMO:
            del self._stage_memo[next(iter(self._stage_memo))]

    def _group_discount(self, promo: Promotion, idxs: Sequence[int], items: Sequence[_Item],
                        net: Sequence[int]) -> dict[int, int]:
        """pricing._group_discount, remembered (for the last few pricings) while the
        promotion's lines (the same line objects) and their nets are the same: a scan
        recomputes only the multi-buys and thresholds that cover the line it added, and a
        void of it finds them as they were."""
        if promo.id in self._everywhere:  # every line: a change always reaches it
            return _group_discount(promo, idxs, items, net)
        nets = _pick(net, idxs)
        lines = _pick(self._lines, idxs)
        # The key holds the lines' ids, and a memo entry holds its lines, so while it is kept
        # no other line can take one of their ids: a hit is these very lines.
        key = (promo.id, tuple(map(id, lines)), nets)
        kept = self._group_memo.get(key)
        if kept is None:  # a scan's usual case for what covers its line: no remapping to pay
            amounts = _group_discount(promo, idxs, items, net)
            kept = (lines, tuple(idxs), amounts)
            self._remember(key, kept)
            return dict(amounts)
        self._remember(key, kept)
        _lines, was_at, amounts = kept
        if len(was_at) == len(idxs) and was_at == tuple(idxs):
            return dict(amounts)
        moved = dict(zip(was_at, idxs))  # the same lines, in the same order, moved along
        return {moved[i]: amount for i, amount in amounts.items()}

    def _remember(self, key: tuple, kept: _Memo) -> None:
        """Keep a promotion's result as the most recently used (the oldest go first)."""
        memo = self._group_memo
        memo.pop(key, None)
        memo[key] = kept
        if len(memo) > self._group_memo_size:
            del memo[next(iter(memo))]
        if self._touched is not None:
            self._touched.append((key, kept))

    def _result(self, ledger: _Ledger, applied: list[str], refusals: list[CouponRefusal],
                shown: list[int] | None, own: int) -> PricedCart:
        """What pricing._result gives, rebuilding only the PricedLines whose figures moved;
        the lines' nets are ``shown`` when the whole sale's discounts were held (the per-source
        totals past the first ``own`` are then the held ones)."""
        ordered, booked = self._ordered, ledger.booked
        net = ledger.net if shown is None else shown
        n = len(ordered)
        # A moved net or bookings; the bookings by content (compared in C): a line a threshold
        # covers gets a new tuple of the same discounts at each pricing.
        idxs = list(compress(range(n), map(or_, map(ne, net, self._last_net),
                                           map(ne, booked, self._last_booked))))
        if idxs:
            # Unheld, a storewide spread moves most lines' nets at every scan (held, a member
            # attached still moves many): their PricedLines are built in C loops (PricedLine is
            # a tuple), Python does nothing per line.
            states = _pick(ordered, idxs)
            items = _pick(self._items, idxs)
            priced = list(map(tuple.__new__, repeat(PricedLine), zip(
                map(_line_id, states), map(_sku, items), map(_quantity, items),
                map(_unit_price, states), map(_gross, items), _pick(booked, idxs),
                _pick(net, idxs), _pick(self._rates, idxs))))
            deque(map(setattr, states, repeat("priced"), priced), maxlen=0)
            deque(map(self._priced_at.__setitem__, map(_pos, states), priced), maxlen=0)
        self._last_net, self._last_booked = list(net), list(booked)  # kept aligned from here
        net = ledger.net  # the exact nets: the totals and the VAT
        if len(self._rate_count) == 1:
            by_rate = {next(iter(self._rate_count)): sum(net)}
        else:
            rates = self._rates
            by_rate = {rate: sum(compress(net, map(rate.__eq__, rates)))
                       for rate in self._rate_count}
        total = sum(net)
        totals = ledger.totals
        held = () if shown is None else tuple(
            LineDiscount(src, a) for src, a in islice(totals.items(), own, None))
        return PricedCart(
            lines=tuple(filter(None, self._priced_at)),
            gross_fen=self._gross, discount_fen=self._gross - total, total_fen=total,
            vat=vat_totals(by_rate),
            discounts=tuple(LineDiscount(src, a) for src, a in totals.items()),
            coupons_applied=tuple(applied), coupon_refusals=tuple(refusals), held=held)
