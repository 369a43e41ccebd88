"""The stored cart text: the per-line cache must never change a byte of what is written."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from store_client.domain.cart import Cart, LineProduct, ManualDiscount
from store_client.domain.catalog import Unit
from store_client.services import cart_store
from store_client.services.cart_store import CartState, TenderEntry

PRODUCTS = [
    LineProduct("SKU1", "洗发水 \"特惠\"", "Shampoo\n2", Unit.EACH, 3990, 1300, "care"),
    LineProduct("SKU2", "香皂", "Soap\\bar", Unit.EACH, 450, 1300, "care"),
    LineProduct("PLU00420", "苹果", "Apple", Unit.KG, 1280, 900, "fruit"),
]


def reference(state: CartState) -> str:
    """What the store wrote before lines were cached: one json.dumps of the whole dict."""
    return json.dumps({
        "cart": state.cart.to_dict(),
        "tenders": [{"tender_id": t.tender_id, "kind": t.kind, "amount_fen": t.amount_fen,
                     "reference": t.reference, "points": t.points} for t in state.tenders],
        "next_tender": state.next_tender,
    }, ensure_ascii=False, separators=(",", ":"))


def test_empty_cart_and_tenders():
    state = CartState("c1", Cart())
    assert cart_store.dumps(state) == reference(state)
    paid = CartState("c1", Cart(member_id="M1").add(PRODUCTS[0]),
                     (TenderEntry("t1", "cash", 500), TenderEntry("t2", "points", 100, "r", 100)),
                     next_tender=3)
    assert cart_store.dumps(paid) == reference(paid)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(1, 5), st.sampled_from(
    ["add", "qty", "void", "discount", "override", "coupon"])), max_size=30))
def test_every_version_of_a_changing_cart_is_written_exactly(steps):
    cart = Cart()
    for product, n, action in steps:
        live = cart.active_lines
        if action == "add" or not live:
            cart = cart.add(PRODUCTS[product], n * 250 if PRODUCTS[product].weighed else n)
        elif action == "qty" and not live[-1].product.weighed:
            cart = cart.set_quantity(live[-1].line_id, n)
        elif action == "void":
            cart = cart.void_line(live[0].line_id, "wrong item")
        elif action == "discount":
            cart = cart.discount_line(live[-1].line_id, ManualDiscount("damaged", amount_fen=n))
        elif action == "override":
            cart = cart.override_price(live[-1].line_id, 100 * n, "price tag", "M01")
        elif action == "coupon":
            cart = cart.add_coupon(f"CP{n}").discount_cart(ManualDiscount("vip", percent_bp=n))
        state = CartState("c", cart)
        text = cart_store.dumps(state)
        # Cached line texts are reused from earlier versions: each must still be exact.
        assert text == reference(state)
        assert Cart.from_dict(json.loads(text)["cart"]) == cart
