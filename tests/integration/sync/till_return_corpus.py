"""A generated corpus of TILL return flows across stores and channels (seeded, so every run
plays the same ones): a member's online order (points spent and earned, perhaps a coupon with
a random return policy and threshold) or a member's sale of store S002 with one to three
tenders (cash, card, WeChat Pay, Alipay, points; sometimes a voucher, which this till
refunds as a store credit note of its own), then return attempts at store S001's till: partial returns, exchanges (the returned part's
value pays new, dearer goods; the customer pays the rest), a return taken offline from the
sale's signed receipt QR (settled at HQ when the till uploads), the same request again, more
than is left, a wallet that declines, and the rest. The player
(test_till_return_corpus.py) labels each attempt from what the till found and counts how the
till and HQ agree."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from store_client.domain.money import allocate
from tests.integration.sync.online_returns_world import AT
from tools.soak import make_sale

WALLETS = ("wechat", "alipay")
ORDER_SKUS = ("100001", "200001")


@dataclass
class TillScenario:
    seed: int
    kind: str  # "order" or "sale"
    items: list[dict[str, Any]] = field(default_factory=list)  # an order's
    redeemed: int = 0  # an order's points spent (worth as many fen)
    earned: int = 0
    coupon: tuple[str, int] | None = None  # (policy, threshold) of an order's coupon
    sale: dict[str, Any] | None = None
    steps: list[str] = field(default_factory=list)  # partial / retry / over / decline / exchange / offline


def _sale(rng: random.Random, member_id: str) -> dict[str, Any]:
    sale = make_sale(rng, store_id="S002", terminal_id="T03")
    total = sale["total_minor"]
    methods = rng.sample(["cash", "card", "wechat", "alipay", "points"], rng.randint(1, 3))
    if not set(methods) & set(WALLETS) and rng.random() < 0.7:  # most sales have a wallet part
        methods[0] = rng.choice(WALLETS)
    if rng.random() < 0.08:
        methods = [*methods[:2], "voucher"]
    parts = allocate(total, [rng.randint(1, 10) for _ in methods])
    payments = []
    for method, fen in zip(methods, parts, strict=True):
        if fen <= 0:
            continue
        reference = None
        if method in WALLETS:
            reference = f"{method}:SIM{uuid.UUID(int=rng.getrandbits(128)).hex[:20].upper()}"
        elif method == "card":
            reference = f"card-{rng.randrange(10**6):06d}"
        payments.append({"method": method, "amount_minor": fen, "reference": reference,
                         "points": fen if method == "points" else None})
    redeemed = sum(p["points"] or 0 for p in payments)
    sale.update(sale_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)), completed_at=AT, change_minor=0,
                member_id=member_id, payments=payments, points_redeemed=redeemed,
                points_earned=(total - redeemed) // 100, receipt_no=f"S002-T03-{rng.randrange(10**6):06d}")
    return sale


def scenario(seed: int, member_id: str) -> TillScenario:
    rng = random.Random(seed)
    steps = [rng.choice(["partial", "partial", "retry", "over", "decline", "decline", "exchange", "offline"])
             for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.5:
        items = [{"sku": sku, "qty": rng.randint(1, 4)} for sku in rng.sample(ORDER_SKUS, rng.randint(1, 2))]
        gross = sum(x["qty"] * (200 if x["sku"] == "100001" else 650) for x in items)
        coupon = None
        if rng.random() < 0.6 and gross > 1500:
            coupon = (rng.choice(["reissue", "keep", "forfeit", "default"]), rng.randrange(0, gross, 50))
        redeemed = rng.choice([0, rng.randint(1, max(1, gross // 5))])
        steps = [step if step != "offline" else "partial" for step in steps]  # no receipt QR: needs HQ
        return TillScenario(seed, "order", items, redeemed, rng.randint(0, 60), coupon, steps=steps)
    return TillScenario(seed, "sale", sale=_sale(rng, member_id), steps=steps)
