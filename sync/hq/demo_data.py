"""Demo data for the reference HQ: a small bilingual catalog, prices, settings."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

from sync.hq.service import HQService

CATEGORIES = {
    "DRINK": ("饮料", "Drinks"),
    "SNACK": ("零食", "Snacks"),
    "FRESH": ("生鲜", "Fresh"),
}
PRODUCTS = [
    # sku, zh, en, category, unit, price (fen), tax bp, barcodes
    ("100001", "矿泉水 550ml", "Mineral water 550ml", "DRINK", "each", 200, 1300, ["6901234567892"]),
    ("100002", "绿茶 500ml", "Green tea 500ml", "DRINK", "each", 350, 1300, ["6901234567908"]),
    ("100003", "可乐 330ml", "Cola 330ml", "DRINK", "each", 300, 1300, ["6901234567915"]),
    ("200001", "薯片 原味", "Potato chips original", "SNACK", "each", 650, 1300, ["6901234567922"]),
    ("200002", "巧克力 100g", "Chocolate 100g", "SNACK", "each", 1290, 1300, ["6901234567939"]),
    ("300001", "苹果", "Apples", "FRESH", "kg", 1280, 900, []),
    ("300002", "香蕉", "Bananas", "FRESH", "kg", 690, 900, []),
]


def catalog_row(sku: str, zh: str, en: str, cat: str, unit: str, price: int, tax: int,
                barcodes: list[str]) -> dict:
    name_zh, name_en = CATEGORIES.get(cat, (cat, cat))
    return {"sku": sku, "name_zh": zh, "name_en": en,
            "category": {"code": cat, "name_zh": name_zh, "name_en": name_en},
            "unit": unit, "price_minor": price, "tax_rate_bp": tax, "barcodes": barcodes,
            "pinyin_initials": "".join(p[:1] for p in lazy_pinyin(zh, style=Style.FIRST_LETTER)
                                       if p[:1].isalpha()).lower()}


def seed_demo(service: HQService, store_id: str = "S001") -> None:
    """Idempotent: republishing the same rows only moves them to new change numbers."""
    service.publish_many("catalog", [(p[0], catalog_row(*p)) for p in PRODUCTS])
    service.publish_many("prices", [(p[0], {"sku": p[0], "price_minor": p[5]}) for p in PRODUCTS])
    service.publish("store_settings", "receipt", {"header": "欢迎光临 Welcome", "footer": "谢谢惠顾"},
                    scope=store_id)
