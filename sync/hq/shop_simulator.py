"""The online shop, simulated: random paid orders for pick-up, for the demo and the CLI.

An order has 1-5 items from the given products (whole units, or 300-1,500 g of a product
sold by the kg), sometimes a promotion, a coupon or points, and a member with a phone.
A signed-in member also browses: product views and wish-list entries (``random_browsing``).
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Sequence

from sync.hq.member_browsing import MemberBrowsing
from sync.hq.orders import OnlineOrders, PlacedOrder

log = logging.getLogger(__name__)
NAMES = ("王芳", "李娜", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄丽")


def random_order(orders: OnlineOrders, store_id: str, products: Sequence[dict],
                 rng: random.Random) -> PlacedOrder:
    """Place one random order; ``products`` carry sku, names, unit, category, price, barcodes."""
    if not products:
        raise ValueError("no products to order from")
    items = []
    for product in rng.sample(list(products), k=min(len(products), rng.randint(1, 5))):
        qty = rng.randrange(300, 1501, 50) if product["unit"] == "kg" else rng.randint(1, 3)
        items.append({**product, "qty": qty})
    gross = sum(i["unit_price_minor"] * i["qty"] // (1000 if i["unit"] == "kg" else 1)
                for i in items)
    discounts = {}
    if rng.random() < 0.4:
        discounts["promotion"] = gross // 10
    if rng.random() < 0.3:
        discounts["coupon"] = min(500, gross // 5)
    if rng.random() < 0.2:
        discounts["points"] = min(300, gross // 10)
    member = rng.randint(1, 9999)
    return orders.place(store_id, items, member_id=f"M{member:08d}", member_name=rng.choice(NAMES),
                        phone=f"13{rng.randint(0, 999_999_999):09d}",
                        provider=rng.choice(("wechat", "alipay")), discounts=discounts,
                        allow_substitution=rng.random() < 0.5)


class ShopSimulator:
    """Places a random order every ``every`` seconds (the demo's pick-up queue stays alive)
    and runs HQ's order housekeeping between them."""

    def __init__(self, orders: OnlineOrders, store_id: str, products: Callable[[], Sequence[dict]],
                 *, every: float = 180.0, housekeeping_every: float = 5.0, seed: int | None = None,
                 first_after: float = 5.0) -> None:
        self.orders, self.store_id, self.products = orders, store_id, products
        self.every, self.housekeeping_every, self.first_after = every, housekeeping_every, first_after
        self.rng = random.Random(seed)
        self.placed: list[PlacedOrder] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="online-shop", daemon=True)

    def start(self) -> ShopSimulator:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        next_order = self.first_after
        waited = 0.0
        while not self._stop.wait(self.housekeeping_every):
            waited += self.housekeeping_every
            try:
                self.orders.housekeeping()
                if waited >= next_order:
                    waited, next_order = 0.0, self.every
                    placed = random_order(self.orders, self.store_id, self.products(), self.rng)
                    self.placed.append(placed)
                    log.info("online shop: order %s placed (code %s)", placed.order_no, placed.code)
            except Exception:  # the demo goes on; the next round tries again
                log.exception("online shop simulator round failed")


SEARCHES = ("粉底液", "运动鞋", "洗发水", "保湿面霜", "矿泉水")


def random_browsing(browsing: MemberBrowsing, member_id: str, products: Sequence[dict], rng: random.Random,
                    *, views: int = 5, wishes: int = 1, carts: int = 0, searches: int = 0) -> list[tuple[str, str]]:
    """A signed-in member looks around the online shop: ``searches`` keywords, ``views`` product
    pages, ``wishes`` added to the wish list and ``carts`` left in the cart. Returns the
    (sku or keyword, kind) recorded, oldest first."""
    if not products:
        raise ValueError("no products to browse")
    done = []
    for term in rng.sample(SEARCHES, k=min(searches, len(SEARCHES))):
        browsing.searched(member_id, term)
        done.append((term, "search"))
    for kind, count in (("view", views), ("wish", wishes), ("cart", carts)):
        for product in rng.sample(list(products), k=min(len(products), count)):
            browsing.record(member_id, str(product["sku"]), kind)
            done.append((str(product["sku"]), kind))
    return done
