"""The demo store's members, coupons and promotions work at the till."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from store_client import config as cfg
from store_client.bootstrap import build_services, open_terminal
from store_client.demo import checkout_data
from store_client.demo.store import create_demo_store
from store_client.domain.roles import Role
from store_client.persistence.models import Product
from store_client.services.auth import Actor
from store_client.services.errors import InvalidInput
from store_client.services.promotions_local import LocalPromotions


def test_demo_data_is_deterministic_and_well_formed(clock):
    now = clock.now()
    a = checkout_data.members(50, 7, now)
    assert a == checkout_data.members(50, 7, now) != checkout_data.members(50, 8, now)
    assert len({m["phone"] for m in a}) == 50 and all(len(m["phone"]) == 11 for m in a)
    assert all("\u4e00" <= m["name"][0] <= "\u9fff" for m in a)
    promos = checkout_data.promotions(50, 7, now, ["A", "B"], [("S1", 1000), ("S2", 250)])
    assert len(promos) == len({p["id"] for p in promos}) == 50


@pytest.fixture
def demo(tmp_path):  # type: ignore[no-untyped-def]
    config_path = create_demo_store(tmp_path / "demo", skus=300, seed=3)
    terminal = open_terminal(cfg.load(config_path))
    try:
        yield terminal
    finally:
        terminal.close()


def test_a_demo_sale_with_member_coupon_and_promotions(demo):
    services = build_services(demo)
    co = services.checkout
    cashier = Actor("1001", "demo", Role.CASHIER)
    with demo.db.read() as s:
        book = LocalPromotions().book(s)
        products = s.scalars(select(Product).where(Product.active, Product.unit == "each")
                             .order_by(Product.price_minor.desc()).limit(3)).all()
        skus = [p.sku for p in products]
    index = book.index(demo.clock.now(), member=True)
    assert len(book.promotions) == 50  # every demo promotion parses
    assert 40 <= sum(len(index.stage_promotions(st)) for st in range(1, 5)) < 50
    for sku in skus:
        co.add_product(cashier, sku, 2)
    view = co.attach_member(cashier, checkout_data.DEMO_MEMBER)
    assert view.member.phone_masked[3:7] == "****"
    with pytest.raises(InvalidInput, match="expired"):
        co.apply_coupon(cashier, "EXPIRED-50-5")
    before = view.total_fen
    assert before >= 10000, "the three dearest demo items twice each reach 100 CNY"
    view = co.apply_coupon(cashier, "ONLINE-100-20")  # 满100减20, per full 100
    assert view.coupons[0].discount_fen == 2000 * (before // 10000)
    assert view.total_fen == before - view.coupons[0].discount_fen
    view = co.add_tender(cashier, "mobile", 100, payment_code="134567890123456789")
    view = co.add_tender(cashier, "cash", view.due_fen)
    done = co.complete(cashier)
    assert done.total_fen == view.total_fen and done.points_earned == view.total_fen // 100
