"""The pricing engine's bookkeeping: where a discount comes from, each line's net and the
discounts booked against it, and the booking loops.

A threshold or coupon spread over a long cart books every line: the booking is one plain
loop (on Python 3.11 its specialised list subscripts beat ``map`` over bound methods), and
the results are tuples (NamedTuples), several times cheaper to build than frozen
dataclasses. The checkout's re-pricer holds the whole sale's discounts off the lines
(:class:`_HoldingLedger`): their bookings then only move the nets.
:mod:`store_client.domain.pricing` (the engine) and :mod:`store_client.domain.repricing`
(its incremental form) both book through here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from itertools import compress
from operator import itemgetter
from typing import NamedTuple

from store_client.domain.cart import CartLine
from store_client.domain.catalog import Unit
from store_client.domain.money import allocate

PROMOTION, LINE_MANUAL, COUPON, CART_MANUAL = "promotion", "line_manual", "coupon", "cart_manual"


class DiscountSource(NamedTuple):  # a tuple: hashed in C, it keys the per-source totals
    kind: str  # PROMOTION, LINE_MANUAL, COUPON or CART_MANUAL
    id: str  # promotion id, coupon code, or "manual"
    name: str


class LineDiscount(NamedTuple):
    source: DiscountSource
    amount_fen: int


class _Item:
    """What the engine reads of a line, computed once (properties are slow in a hot loop)."""

    __slots__ = (
        "category",
        "gross",
        "in_grams",
        "line",
        "promotable",
        "quantity",
        "sku",
        "weighed",
    )

    def __init__(self, line: CartLine) -> None:
        product = line.product
        self.line = line
        self.sku = product.sku
        self.category = product.category_code
        self.quantity = line.quantity
        self.gross = line.gross_fen
        self.weighed = product.unit is Unit.KG
        self.in_grams = self.weighed and line.embedded_price_fen is None
        # Manually priced lines take no automatic promotion (coupons and manual discounts apply).
        self.promotable = line.price_override is None


class _Ledger:
    """Line nets and the discounts booked against them, in canonical line order."""

    def __init__(self, lines: Sequence[CartLine]) -> None:
        self.lines = lines
        self.items = [_Item(line) for line in lines]
        self.net = [item.gross for item in self.items]
        # Tuples: a booking makes a new one (the re-pricer's ledgers share a line's tuple
        # from one pricing to the next), which a PricedLine then takes as it is.
        self.booked: list[tuple[LineDiscount, ...]] = [()] * len(lines)
        self.totals: dict[DiscountSource, int] = {}
        self._positions: tuple[list[int], dict[str, list[int]], dict[str, list[int]]] | None = None

    def positions(self) -> tuple[list[int], dict[str, list[int]], dict[str, list[int]]]:
        """Promotable line positions: all, by SKU, by category (built on first use)."""
        if self._positions is None:
            promotable: list[int] = []
            by_sku: dict[str, list[int]] = defaultdict(list)
            by_category: dict[str, list[int]] = defaultdict(list)
            for i, item in enumerate(self.items):
                if item.promotable:
                    promotable.append(i)
                    by_sku[item.sku].append(i)
                    by_category[item.category].append(i)
            self._positions = (promotable, by_sku, by_category)
        return self._positions

    def book(self, source: DiscountSource, amounts: Mapping[int, int]) -> None:
        # One plain loop, however many lines: Python 3.11's specialised list subscripts and
        # tuple.__new__ beat map() over bound methods (a method-wrapper call per item).
        net, booked, total = self.net, self.booked, 0
        for i, amount in amounts.items():
            if amount:
                if not 0 < amount <= net[i]:
                    raise AssertionError(f"discount {amount} outside 0..{net[i]}")
                net[i] -= amount
                booked[i] += (_new_discount(LineDiscount, (source, amount)),)  # a new tuple
                total += amount
        if total:
            self.totals[source] = self.totals.get(source, 0) + total

    def spread(self, source: DiscountSource, amount: int, idxs: Sequence[int]) -> None:
        """Allocate ``amount`` (at most the nets' sum) over ``idxs`` by their nets."""
        nets = _pick(self.net, idxs)
        left = list(map(_positive, nets))  # in C: a whole-cart spread runs at every scan
        live_nets = list(compress(nets, left))
        if amount <= 0 or not live_nets:
            return
        self.book(source, dict(zip(compress(idxs, left), allocate(amount, live_nets))))


class _HoldingLedger(_Ledger):
    """A ledger that, once :meth:`hold` is called, keeps what is booked next off the lines:
    the nets move (what later promotions, the coupons, the totals and the VAT read stay
    exact) and the per-source totals count it, but no line gets an entry for it. The
    re-pricer holds the whole sale's discounts (thresholds, coupons, the sale's discount)
    so, while the sale is rung up: a spread over every line then costs its split, not a
    new booking and result on every line at every scan."""

    def __init__(self) -> None:
        super().__init__(())
        self._holding = False

    def hold(self) -> None:
        self._holding = True

    def book(self, source: DiscountSource, amounts: Mapping[int, int]) -> None:
        if not self._holding:
            super().book(source, amounts)
            return
        net = self.net
        if amounts and min(amounts.values()) < 0:
            raise AssertionError(f"discount {min(amounts.values())} below 0")
        _subtract(net, amounts)
        if net and min(net) < 0:  # every net was >= 0: a discount above its line's net
            i = next(i for i, left in enumerate(net) if left < 0)
            raise AssertionError(f"discount {amounts[i]} outside 0..{net[i] + amounts[i]}")
        total = sum(amounts.values())
        if total:
            self.totals[source] = self.totals.get(source, 0) + total


_new_discount = tuple.__new__
_positive = (0).__lt__  # 0 < net, as a C call


def _pick(seq: Sequence, idxs: Sequence[int]) -> tuple:
    """``tuple(seq[i] for i in idxs)``, in C."""
    if len(idxs) > 1:
        return itemgetter(*idxs)(seq)
    return (seq[idxs[0]],) if idxs else ()


def _subtract(net: list[int], amounts: Mapping[int, int]) -> None:
    """``net[i] -= amount`` for each item of ``amounts``. A plain loop: Python 3.11's
    specialised list subscripts beat ``map(net.__setitem__, ...)`` (a method-wrapper call
    per item) by about 2x at 500 lines."""
    for i, amount in amounts.items():
        net[i] -= amount
