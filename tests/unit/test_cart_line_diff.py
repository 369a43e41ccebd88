"""Which lines a cart change must write: the identity diff behind the one-row-per-line store."""

from __future__ import annotations

from dataclasses import replace

from store_client.domain.cart import Cart, LineProduct
from store_client.domain.catalog import Unit
from store_client.services.cart_store import changed_lines

SOAP = LineProduct("SKU2", "香皂", "Soap", Unit.EACH, 450, 1300, "care")
TEA = LineProduct("SKU3", "茶", "Tea", Unit.EACH, 1200, 900, "food")


def _cart(n: int) -> Cart:
    cart = Cart()
    for i in range(n):
        cart = cart.add(SOAP if i % 2 else TEA, 1)
    return cart


def test_a_scan_writes_only_the_new_line():
    cart = _cart(300)
    after = cart.add(SOAP, 2, merge=False)
    assert changed_lines(cart.lines, after.lines) == [after.lines[-1]]


def test_a_change_in_the_middle_writes_that_line_only():
    cart = _cart(300)
    after = cart.set_quantity(150, 7).void_line(3, "wrong item")
    assert [ln.line_id for ln in changed_lines(cart.lines, after.lines)] == [3, 150]


def test_nothing_changed_writes_nothing():
    cart = _cart(5)
    assert changed_lines(cart.lines, cart.discount_cart(None).lines) == []


def test_an_equal_but_rebuilt_line_is_written_again():
    """Identity, not equality: a rebuilt line costs a row write, never a lost change."""
    cart = _cart(3)
    rebuilt = replace(cart, lines=tuple(replace(ln) for ln in cart.lines))
    assert changed_lines(cart.lines, rebuilt.lines) == list(rebuilt.lines)


def test_dropped_or_renumbered_lines_rewrite_the_cart():
    cart = _cart(4)
    assert changed_lines(cart.lines, cart.lines[:-1]) is None
    renumbered = cart.lines[:2] + (replace(cart.lines[2], line_id=9),) + cart.lines[3:]
    assert changed_lines(cart.lines, renumbered) is None
    another = Cart().add(SOAP, 5)  # another cart's line 1 replaces this one's
    assert changed_lines(cart.lines[:1], another.lines) == [another.lines[0]]
