"""VAT: what a priced cart's net contains, per rate, and each line's share of it.

The per-rate totals come with every pricing (a rate's VAT is worked out on the rate's net,
rounded once). The split over the lines is the sale's to make (:func:`line_vat`): nothing
on screen shows it, and a new line moves every line's share, so pricing the cart at each
scan never computes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from store_client.domain.cart import Cart, pricing_order
from store_client.domain.money import Money, allocate, vat_included

if TYPE_CHECKING:
    from store_client.domain.pricing import PricedCart


class VatTotal(NamedTuple):
    rate_bp: int
    net_fen: int
    vat_fen: int  # contained in net_fen


def vat_totals(net_by_rate: Mapping[int, int]) -> tuple[VatTotal, ...]:
    """The VAT contained in each rate's net, by rate ascending."""
    return tuple(VatTotal(rate, net, vat_included(Money(net), rate).minor)
                 for rate, net in sorted(net_by_rate.items()))


def line_vat(cart: Cart, priced: PricedCart) -> dict[int, int]:
    """Each priced line's share of its rate's VAT, by line id: the rate's VAT split over its
    lines by their nets (largest remainder, the lines in pricing order, so the order of
    scanning changes nothing). ``priced`` must be ``cart``'s pricing."""
    by_id = {p.line_id: p for p in priced.lines}
    ordered = sorted(cart.active_lines, key=pricing_order)
    if len(ordered) != len(by_id) or not all(line.line_id in by_id for line in ordered):
        raise ValueError("the priced cart is not this cart's")
    shares: dict[int, int] = {}
    for rate in priced.vat:
        of_rate = [by_id[line.line_id] for line in ordered
                   if by_id[line.line_id].tax_rate_bp == rate.rate_bp]
        parts = (allocate(rate.vat_fen, [p.net_fen for p in of_rate]) if rate.vat_fen
                 else [0] * len(of_rate))
        shares.update(zip((p.line_id for p in of_rate), parts))
    return shares
