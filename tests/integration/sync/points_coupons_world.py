"""Originals with a member's points and coupons at HQ, for the return tests: an online order
collected whole (points spent and earned, a coupon) and a store sale of S002 paid with points
and WeChat Pay (points earned)."""

from __future__ import annotations

import random
import uuid

from tests.integration.sync.online_returns_world import AT, PHONE, send

from sync.hq.coupons import Coupons
from sync.hq.demo_data import seed_demo
from sync.hq.orders import OnlineOrders, PlacedOrder
from sync.hq.service import HQService
from tools.soak import make_sale


def order_with_points(hq: HQService, member_id: str, *, coupon_policy: str | None = None, threshold: int = 1500,
                      redeemed: int = 300, earned: int = 57, items: list[dict] | None = None
                      ) -> tuple[PlacedOrder, str | None]:
    """A collected order of the member: ``redeemed`` points spent (worth as many fen), a
    coupon of 10 CNY needing ``threshold`` fen (None: no coupon), ``earned`` points earned."""
    seed_demo(hq, "S002")
    coupons = Coupons(hq.engine)
    coupon_id = None
    if coupon_policy is not None:
        definition = f"D{uuid.uuid4().hex[:8]}"
        coupons.define(definition, "满减券", value_minor=1000, threshold_minor=threshold,
                       return_policy=None if coupon_policy == "default" else coupon_policy)
        coupon_id = coupons.issue(definition, member_id)
    placed = OnlineOrders(hq).place("S002", items or [{"sku": "100001", "qty": 3}, {"sku": "200001", "qty": 2}],
                                    member_id=member_id, phone=PHONE,
                                    discounts={"points": redeemed} if redeemed else None,
                                    coupons=[coupon_id] if coupon_id else None,
                                    points_redeemed=redeemed, points_earned=earned)
    base = {"order_id": placed.order_id, "store_id": "S002", "terminal_id": "T03", "operator_id": "c9", "at": AT}
    lines = OnlineOrders(hq).get(placed.order_id)["data"]["lines"]
    send(hq, "S002", "T03", "pickup.picking_started", base)
    send(hq, "S002", "T03", "pickup.ready", {**base, "picks": [{"line_no": x["line_no"], "picked": x["qty"]}
                                                               for x in lines]})
    send(hq, "S002", "T03", "pickup.handed_over", {**base, "method": "code", "offline": False, "refused": [],
                                                  "collector": {"proxy": False, "name": None, "id_tail": None}})
    return placed, coupon_id


def sale_with_points(hq: HQService, member_id: str, *, seed: int = 5, points: int = 800, points_fen: int = 800,
                     earned: int = 0, wallet: str = "wechat") -> dict:
    """A sale of S002's till T03: ``points`` points worth ``points_fen`` and the rest by
    ``wallet`` (its reference ``<wallet>:SIM...``, as the checkout records a mobile payment)."""
    sale = make_sale(random.Random(seed), store_id="S002", terminal_id="T03")
    while sale["total_minor"] <= points_fen + 100:
        seed += 1000
        sale = make_sale(random.Random(seed), store_id="S002", terminal_id="T03")
    sale.update(sale_id=str(uuid.uuid4()), completed_at=AT, member_id=member_id, change_minor=0,
                receipt_no=f"S002-T03-{seed:06d}",
                points_redeemed=points, points_earned=earned or (sale["total_minor"] - points_fen) // 100)
    rest = {"method": wallet, "amount_minor": sale["total_minor"] - points_fen, "points": None,
            "reference": f"{wallet}:SIM{uuid.uuid4().hex[:20].upper()}" if wallet in ("wechat", "alipay") else None}
    sale["payments"] = ([{"method": "points", "amount_minor": points_fen, "reference": None, "points": points}]
                        if points else []) + [rest]
    send(hq, "S002", "T03", "sale.completed", sale)
    return sale
