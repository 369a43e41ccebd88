"""The coupons a sale carries are read from HQ's dataset at every scan: in one statement, a
row parsed once is not parsed again, HQ's change to a row is seen at the next read, and a
broken or unknown row reads as "not known on this till"."""

from __future__ import annotations

import json

from sqlalchemy import update

from store_client.persistence.models import SyncRow
from store_client.services import coupons_local


def test_a_coupon_row_is_parsed_once_and_an_hq_change_is_seen(shop) -> None:  # type: ignore[no-untyped-def]
    db = shop.terminal.db
    with db.transaction() as s:
        first = coupons_local.load(s, ("ONLINE-100-20", "NO-SUCH-CODE"))
        again = coupons_local.load(s, ("ONLINE-100-20",))
    assert list(first) == ["ONLINE-100-20"] and again["ONLINE-100-20"] is first["ONLINE-100-20"]
    assert first["ONLINE-100-20"].amount_off_fen == 2000
    with db.transaction() as s:
        row = s.get(SyncRow, ("coupons", "ONLINE-100-20"))
        data = json.loads(row.data) | {"amount_off_fen": 2500}
        s.execute(update(SyncRow).where(SyncRow.dataset == "coupons",
                                        SyncRow.key == "ONLINE-100-20")
                  .values(data=json.dumps(data)))
    with db.transaction() as s:
        changed = coupons_local.load(s, ("ONLINE-100-20",))
    assert changed["ONLINE-100-20"].amount_off_fen == 2500
    with db.transaction() as s:
        s.execute(update(SyncRow).where(SyncRow.dataset == "coupons",
                                        SyncRow.key == "ONLINE-100-20").values(data="{not json"))
    with db.transaction() as s:
        assert coupons_local.load(s, ("ONLINE-100-20",)) == {}
        assert coupons_local.load(s, ()) == {}


def test_a_sale_prices_the_coupon_as_hq_changed_it(shop) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.checkout.test_checkout_flow import ring_up

    co, cashier = shop.checkout, shop.cashier
    ring_up(shop)
    view = co.scan(cashier, "ONLINE-100-20").cart
    assert view.coupons[0].code == "ONLINE-100-20"
    with shop.terminal.db.transaction() as s:
        row = s.get(SyncRow, ("coupons", "ONLINE-100-20"))
        row.data = json.dumps(json.loads(row.data) | {"title": "满100减25", "amount_off_fen": 2500})
    view = co.current_cart(cashier)
    assert [(c.title, c.discount_fen) for c in view.coupons] == [("满100减25", 2500)]
