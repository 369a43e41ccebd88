"""A small shop for the checkout tests (and the kill test's child process): products,
one weighed item, members, online coupons and promotions, written into a real terminal
database the way the catalog loader and the sync puller store them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime

from store_client.domain.barcodes import gs1_check_digit
from store_client.persistence.models import Barcode, Category, Product, SyncRow
from store_client.services import members as local_members


def fingerprint(lines: Iterable[tuple[object, str, int]]) -> str:
    """A short digest of a cart's (line id, SKU, quantity) lines, for the kill test."""
    text = ";".join(f"{n}:{sku}:{q}" for n, sku, q in lines)
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def ean13(body12: str) -> str:
    return body12 + str(gs1_check_digit(body12))


SHAMPOO = ean13("690123456789")
TOOTHPASTE = ean13("690123456790")
WATER = ean13("690123456791")
COOKER = ean13("690123456792")
RETIRED = ean13("690123456793")
APPLE_PLU = 1234
APPLE_PER_KG = 1280
CANDY_PLU = 77  # sold per labelled bag, not by weight


def price_label(plu: int, price_fen: int) -> str:
    return ean13(f"20{plu:05d}{price_fen:05d}")


def weight_label(plu: int, grams: int) -> str:
    return ean13(f"21{plu:05d}{grams:05d}")


def apple_weight_code(grams: int) -> str:
    return ean13(f"21{APPLE_PLU:05d}{grams:05d}")


MEMBER = "M0000000001"
MEMBER_PHONE = "13800000001"
OTHER_MEMBER = "M0000000002"


def _iso(y: int, m: int, d: int) -> str:
    return datetime(y, m, d, tzinfo=UTC).isoformat()


COUPONS = {
    "ONLINE-100-20": {"code": "ONLINE-100-20", "title": "满100减20", "amount_off_fen": 2000,
                      "min_spend_fen": 10000, "valid_from": _iso(2025, 1, 1),
                      "valid_until": _iso(2026, 12, 31), "single_use": True},
    "EXPIRED-10": {"code": "EXPIRED-10", "title": "过期券", "amount_off_fen": 1000,
                   "valid_from": _iso(2025, 1, 1), "valid_until": _iso(2025, 12, 1),
                   "single_use": True},
    "FOR-M2-5": {"code": "FOR-M2-5", "title": "会员专享5元", "amount_off_fen": 500,
                 "member_id": OTHER_MEMBER, "single_use": True},
    "SAVE5ABC": {"code": "SAVE5ABC", "title": "立减5元", "amount_off_fen": 500,
                 "single_use": False, "once_per_member": False},
    "BEAUTY-ONLY": {"code": "BEAUTY-ONLY", "title": "美妆券", "amount_off_fen": 300,
                    "single_use": True, "scope": {"categories": ["beauty"]}},
}
PROMOTIONS = {
    "P-TOOTH-10": {"id": "P-TOOTH-10", "kind": "percent_off", "name": "牙膏9折",
                   "percent_bp": 1000, "scope": {"skus": ["100002"]}},
    "P-BROKEN": {"id": "P-BROKEN", "kind": "percent_off", "percent_bp": -5},
}


def seed(session) -> None:  # type: ignore[no-untyped-def]
    session.add_all([Category(code="care", name_zh="洗护", name_en="Personal care"),
                     Category(code="food", name_zh="食品", name_en="Food"),
                     Category(code="home", name_zh="家电", name_en="Appliances"),
                     Category(code="beauty", name_zh="美妆", name_en="Beauty")])
    products = [
        (1, "100001", "氨基酸洗发水 500ml", "Amino shampoo 500ml", "care", "each", 5990, SHAMPOO, True),
        (2, "100002", "美白牙膏 120g", "Whitening toothpaste 120g", "care", "each", 1250, TOOTHPASTE, True),
        (3, "100003", "矿泉水 550ml", "Mineral water 550ml", "food", "each", 200, WATER, True),
        (4, "100004", "电饭煲", "Rice cooker", "home", "each", 49900, COOKER, True),
        (5, "100005", "停售商品", "Retired item", "food", "each", 990, RETIRED, False),
        (6, f"PLU{APPLE_PLU:05d}", "红富士苹果", "Fuji apples", "food", "kg", APPLE_PER_KG, None, True),
        (7, f"PLU{CANDY_PLU:05d}", "散装糖果(袋)", "Candy bag", "food", "each", 500, None, True),
    ]
    for pid, sku, zh, en, cat, unit, price, code, active in products:
        session.add(Product(id=pid, sku=sku, name_zh=zh, name_en=en, category_code=cat, unit=unit,
                            price_minor=price, tax_rate_bp=1300 if cat != "food" else 900,
                            active=active, pinyin_initials=""))
        session.flush()
        if code:
            session.add(Barcode(code=code, product_id=pid))
    members = [
        {"member_id": MEMBER, "name": "王小明", "phone": MEMBER_PHONE, "card_no": "8800000001",
         "tier": "gold", "points_balance": 5000, "balance_as_of": _iso(2025, 12, 31),
         "consent": {"marketing": True, "e_receipt": True}},
        {"member_id": OTHER_MEMBER, "name": "李娜", "phone": "13900000002",
         "card_no": "8800000002", "tier": "silver", "points_balance": 30,
         "balance_as_of": _iso(2025, 12, 31), "consent": {"marketing": False}},
    ]
    for m in members:  # members this till served before: in its member cache
        local_members.remember(session, member_id=m["member_id"], masked_phone=local_members.mask_phone(m["phone"]),
                               tier=m["tier"], points=m["points_balance"], as_of=m["balance_as_of"],
                               phone=m["phone"], card_no=m["card_no"])
    for code, c in COUPONS.items():
        session.add(SyncRow(dataset="coupons", key=code, data=json.dumps(c)))
    for pid, p in PROMOTIONS.items():
        session.add(SyncRow(dataset="promotions", key=pid, data=json.dumps(p)))
