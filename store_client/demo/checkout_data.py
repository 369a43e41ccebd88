"""Demo members, online coupons and promotions for the checkout, stored the way the sync
puller stores HQ's datasets (``sync_rows``), so the till uses them exactly as it would
use HQ's copies offline. Deterministic for a seed; validity windows are relative to
``now`` so a fresh demo store always has live coupons and promotions.

Members get Chinese names, mobile numbers (shown masked, e.g. 138****5678), a tier,
a points balance and consent flags. Coupons include ``ONLINE-100-20`` (满100减20),
an expired one, one per member, a single-use one and a reusable one.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta

from sqlalchemy import delete, text

from store_client.persistence.db import Database
from store_client.persistence.models import MemberCache, SyncRow

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "小明", "子涵", "欣怡", "梓轩", "浩然", "雨桐", "思远", "嘉怡", "宇航", "晨曦", "一诺", "佳琪", "俊杰", "婉清", "文博", "诗涵", "天宇", "若曦"]
TIERS = (("regular", 0.55), ("silver", 0.25), ("gold", 0.15), ("platinum", 0.05))
MOBILE_PREFIXES = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152",
                   "157", "158", "159", "176", "177", "180", "186", "187", "188", "189", "199")
DEMO_MEMBER = "M0000000001"  # documented in docs/checkout.md for the tour and manual tests


def member_id(n: int) -> str:
    return f"M{n:010d}"


def members(count: int, seed: int, now: datetime) -> list[dict]:
    rnd = random.Random(f"members-{seed}")
    rows, phones = [], set()
    for n in range(1, count + 1):
        phone = ""
        while not phone or phone in phones:
            phone = rnd.choice(MOBILE_PREFIXES) + f"{rnd.randrange(10**8):08d}"
        phones.add(phone)
        tier = rnd.choices([t for t, _w in TIERS], [w for _t, w in TIERS])[0]
        rows.append({
            "member_id": member_id(n), "name": rnd.choice(SURNAMES) + rnd.choice(GIVEN),
            "phone": phone, "card_no": f"88{n:08d}", "tier": tier,
            "points_balance": rnd.choice((0, rnd.randrange(50, 800), rnd.randrange(800, 20000))),
            "balance_as_of": (now - timedelta(hours=rnd.randrange(1, 48))).isoformat(),
            "consent": {"marketing": rnd.random() < 0.6, "e_receipt": rnd.random() < 0.8,
                        "sms": rnd.random() < 0.4},
        })
    return rows


def coupons(now: datetime, member_ids: list[str]) -> list[dict]:
    live = {"valid_from": (now - timedelta(days=30)).isoformat(),
            "valid_until": (now + timedelta(days=365)).isoformat()}
    first = member_ids[0] if member_ids else DEMO_MEMBER
    return [
        {"code": "ONLINE-100-20", "title": "满100减20", "amount_off_fen": 2000,
         "every_fen": 10000, "min_spend_fen": 10000, "single_use": False, **live},
        {"code": "EXPIRED-50-5", "title": "满50减5 (已过期)", "amount_off_fen": 500,
         "min_spend_fen": 5000, "single_use": True,
         "valid_from": (now - timedelta(days=60)).isoformat(),
         "valid_until": (now - timedelta(days=1)).isoformat()},
        {"code": f"VIP-{first}", "title": "会员专享满200减30", "amount_off_fen": 3000,
         "min_spend_fen": 20000, "single_use": True, "member_id": first, **live},
        {"code": "ONCE-88-8", "title": "单次券 满88减8", "amount_off_fen": 800,
         "min_spend_fen": 8800, "single_use": True, **live},
        {"code": "MEMBER-95", "title": "会员95折 (每人一次, 最高优惠50元)", "percent_off_bp": 500,
         "max_discount_fen": 5000, "single_use": False, "once_per_member": True, **live},
    ]


def promotions(count: int, seed: int, now: datetime, categories: list[str],
               products: list[tuple[str, int]],
               category_names: dict[str, tuple[str, str]] | None = None) -> list[dict]:
    """``count`` promotions, nearly all in force now (a few future or ended), named in
    Chinese and English from the categories' display names (never their codes)."""
    names = category_names or {}
    rnd = random.Random(f"promotions-{seed}")
    rows = []
    for n in range(1, count + 1):
        pid = f"DEMO-P{n:03d}"
        window = {"starts": (now - timedelta(days=7)).isoformat(),
                  "ends": (now + timedelta(days=rnd.randrange(7, 90))).isoformat()}
        if n % 17 == 0:  # ended
            window = {"starts": (now - timedelta(days=30)).isoformat(),
                      "ends": (now - timedelta(days=1)).isoformat()}
        elif n % 19 == 0:  # not started yet
            window = {"starts": (now + timedelta(days=3)).isoformat(), "ends": None}
        base = {"id": pid, "priority": rnd.choice((10, 50, 100, 100, 200)),
                "exclusive": rnd.random() < 0.15, "member_only": False, **window}
        kind = ("percent_off", "percent_off", "amount_off", "buy_x_get_y", "member_price",
                "threshold")[n % 6]
        cat = rnd.choice(categories) if categories else ""
        zh, en = names.get(cat, ("全场", "Storewide"))
        if kind == "percent_off":
            bp = rnd.choice((500, 1000, 1500, 2000))
            rows.append({**base, "kind": kind, "name_zh": f"{zh} {100 - bp // 100}折",
                         "name_en": f"{en} {bp // 100}% off",
                         "percent_bp": bp, "scope": {"categories": [cat]}})
        elif kind == "amount_off" and products:
            sku, price = rnd.choice(products)
            rows.append({**base, "kind": kind, "name_zh": f"单品立减{max(1, price // 10) / 100:g}元",
                         "name_en": f"{max(1, price // 10) / 100:g} yuan off this item",
                         "amount_fen": max(1, price // 10), "scope": {"skus": [sku]}})
        elif kind == "buy_x_get_y":
            rows.append({**base, "kind": kind, "name_zh": f"{zh} 买二送一",
                         "name_en": f"{en}: buy 2 get 1 free", "buy": 2, "get": 1,
                         "scope": {"categories": [cat]}})
        elif kind == "member_price" and products:
            picked = rnd.sample(products, min(5, len(products)))
            rows.append({**base, "kind": kind, "name_zh": "会员价", "name_en": "Member price",
                         "member_only": True,
                         "prices": {sku: max(1, price * 9 // 10) for sku, price in picked},
                         "scope": {"skus": [sku for sku, _p in picked]}})
        else:
            threshold = rnd.choice((5000, 10000, 20000))
            rows.append({**base, "kind": "threshold",
                         "name_zh": f"满{threshold // 100}减{threshold // 1000}",
                         "name_en": f"{threshold // 1000} yuan off {threshold // 100} yuan spent",
                         "threshold_fen": threshold,
                         "amount_fen": threshold // 10, "repeat": rnd.random() < 0.5,
                         "max_times": 3, "scope": {"categories": [cat]} if n % 4 else {}})
    return rows


def load(db: Database, *, seed: int, now: datetime, member_count: int = 500,
         promotion_count: int = 50) -> dict[str, int]:
    """Write (replace) the demo members, coupons and promotions; returns counts."""
    with db.transaction() as s:
        cats = [c for (c,) in s.execute(text(
            "SELECT DISTINCT category_code FROM products WHERE active ORDER BY category_code"))]
        picks = random.Random(f"skus-{seed}")
        products = [(sku, price) for sku, price in s.execute(text(
            "SELECT sku, price_minor FROM products WHERE active AND unit = 'each' "
            "ORDER BY id LIMIT 2000"))]
        products = picks.sample(products, min(200, len(products)))
        member_rows = members(member_count, seed, now)
        remember_served(s, member_rows, seed, now)
        datasets = {
            "coupons": [(c["code"], c) for c in coupons(now, [m["member_id"] for m in member_rows])],
            "promotions": [(p["id"], p) for p in promotions(
                promotion_count, seed, now, cats, products,
                {code: (zh, en) for code, zh, en in s.execute(text(
                    "SELECT code, name_zh, name_en FROM categories"))})],
        }
        for dataset, rows in datasets.items():
            s.execute(delete(SyncRow).where(SyncRow.dataset == dataset))
            s.add_all(SyncRow(dataset=dataset, key=key, data=json.dumps(
                data, ensure_ascii=False, separators=(",", ":"))) for key, data in rows)
    return {"member_cache": len(member_rows), **{name: len(rows) for name, rows in datasets.items()}}


def remember_served(session, rows: list[dict], seed: int, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """The demo till has served its members before: each is in its member cache as HQ last
    told it (masked phone, the phone's digest, tier, points), served within the last 90 days.
    HQ holds the members themselves (:func:`hq_rows`, imported when the demo HQ starts)."""
    from store_client.services import members as local_members

    rnd = random.Random(f"served-{seed}")
    session.execute(delete(MemberCache))
    for m in rows:
        local_members.remember(session, member_id=m["member_id"], masked_phone=local_members.mask_phone(m["phone"]),
                               tier=m["tier"], points=m["points_balance"], as_of=m["balance_as_of"],
                               phone=m["phone"], card_no=m["card_no"],
                               seen_at=(now - timedelta(days=rnd.randrange(0, 90))).isoformat())


def hq_rows(seed: int, now: datetime, count: int = 500) -> list[dict]:
    """The demo's members as HQ's import takes them (the same ids, phones and names)."""
    return members(count, seed, now)
