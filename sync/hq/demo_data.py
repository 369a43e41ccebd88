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


# Demo sites in Shanghai (WGS-84, micro-degrees): five stores within 20 km of each other, one
# out in Songjiang beyond it, and the warehouse in Jiading that every store sees.
SITES = [
    ("S001", "store", "静安店", 31_223_500, 121_445_300),  # the demo till's store (store_client/demo)
    ("S002", "store", "人民广场店", 31_230_400, 121_473_700),
    ("S003", "store", "陆家嘴店", 31_239_700, 121_499_800),
    ("S004", "store", "徐家汇店", 31_195_000, 121_436_500),
    ("S005", "store", "虹桥店", 31_197_900, 121_336_300),
    ("S006", "store", "松江店", 31_032_000, 121_227_700),
    ("W01", "warehouse", "嘉定仓", 31_374_700, 121_265_500),
]
WAREHOUSE_STOCK = {"100001": 2400, "100002": 1800, "100003": 3000, "200001": 960, "200002": 480,
                   "300001": 150_000, "300002": 90_000}  # pieces; grams of the weighed items


def seed_demo_sites(service: HQService) -> None:
    """Idempotent: the demo's sites with coordinates, and the warehouse's on hand."""
    from sync.hq import sites, stock_publish, warehouse

    with service.engine.begin() as conn:
        for site_id, kind, name, lat, lon in SITES:
            sites.register(conn, sites.Site(site_id, kind, name, lat, lon))
    warehouse.apply(service, "W01", [(sku, str(qty)) for sku, qty in WAREHOUSE_STOCK.items()], receiving=False)
    stock_publish.backfill(service)
