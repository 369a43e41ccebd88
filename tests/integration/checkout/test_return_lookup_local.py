"""Offline, the till still finds its own sales for a return by the receipt number."""

from __future__ import annotations

from checkout_seed import SHAMPOO, TOOTHPASTE

from store_client.services.return_lookup import ReturnLookup


def test_own_sale_found_offline_by_receipt_number(shop):
    co, c = shop.checkout, shop.cashier
    co.scan(c, SHAMPOO)
    co.scan(c, SHAMPOO)
    view = co.scan(c, TOOTHPASTE).cart
    view = co.add_tender(c, "cash", view.due_fen + 500)
    done = co.complete(c, cart_id=view.cart_id)
    lookup = ReturnLookup(shop.terminal.db, shop.terminal.clock, client=None)
    [found] = lookup.find(done.receipt_no)
    assert found.source == "local" and found.original_ref == f"sale:{done.sale_id}"
    assert [(line.sku, line.qty, line.returnable) for line in found.lines] == [("100001", 2, 2), ("100002", 1, 1)]
    assert sum(line.net_fen for line in found.lines) == done.total_fen
    assert found.tenders == (("cash", done.total_fen),)  # net of the 5.00 change
    assert lookup.find("S001-T01-999999") == []
