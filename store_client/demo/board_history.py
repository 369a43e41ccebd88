"""A trading day and the same weekday a week before, for the board's pictures (``store-client tour``).

Sold through the checkout and returns services on a fake clock (so the sales, their stock
movements, outbox events and receipt numbers are what a real day leaves), plus what the
till would have heard from HQ: a few enrollments credited to the associates (the audit
entries the member desk writes) and HQ's stock positions of a few products, some older
than ten minutes. Today's day runs from 08:00 to 21:00 store time whatever the hour now:
the pictures show a whole day.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from store_client.clock import iso
from store_client.demo.checkout_data import DEMO_MEMBER
from store_client.domain.roles import Role
from store_client.services.auth import Actor
from store_client.services.member_desk import ENROLLED
from store_client.services.return_views import ReturnRequest

PAYCODE = "134567890123456789"  # the payment simulator's "paid" code
CARD_REFERENCE = "AUTH000123"


class HistoryClock:
    """The clock the history is sold on: set to each sale's moment in turn."""

    def __init__(self, start: datetime) -> None:
        self.moment = start.astimezone(UTC)

    def now(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = moment.astimezone(UTC)


def _hour_weights() -> list[int]:
    """A store's day: a lunch peak and an evening peak."""
    return [0] * 8 + [2, 3, 5, 8, 9, 6, 4, 4, 5, 7, 9, 8, 5] + [0] * 3


def _sell(checkout: Any, actor: Actor, rng: random.Random, skus: list[str]) -> Any:
    view = None
    for sku in rng.sample(skus, rng.randint(1, 3)):
        view = checkout.add_product(actor, sku, rng.choice((1, 1, 1, 2)))
    if rng.random() < 0.3:  # a member's sale earns points
        view = checkout.attach_member(actor, DEMO_MEMBER)
    assert view is not None
    kind = rng.choices(("cash", "mobile", "card"), (4, 5, 2))[0]
    extra = {"payment_code": PAYCODE} if kind == "mobile" else (
        {"reference": CARD_REFERENCE} if kind == "card" else {})
    view = checkout.add_tender(actor, kind, view.due_fen, **extra)
    return checkout.complete(actor, cart_id=view.cart_id)


def sell_history(services: Any, clock: HistoryClock, *, tz: ZoneInfo, today: date, seed: int = 7,
                 sales_per_weight: int = 2) -> int:
    """Sell today and the same weekday last week; returns the number of sales made."""
    rng = random.Random(seed)
    now = clock.now()
    db = services.checkout.db
    with db.read() as s:
        skus = list(s.execute(text("SELECT sku FROM products WHERE unit = 'each' ORDER BY sku LIMIT 60")).scalars())
        operators = [(op_id, role) for op_id, role in s.execute(text(
            "SELECT id, role FROM operators WHERE active = 1 ORDER BY id"))]
    cashiers = [Actor(op, op, Role(role)) for op, role in operators if role in ("cashier", "associate", "manager")]
    manager = next(a for a in cashiers if a.role == Role.MANAGER)
    made = 0
    for day, busy in ((today - timedelta(days=7), 0.8), (today, 1.0)):
        moments = []
        for hour, weight in enumerate(_hour_weights()):
            for _ in range(round(weight * sales_per_weight * busy)):
                moments.append(datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tz))
        sold = []
        for moment in sorted(moments):
            clock.set(moment)
            sold.append((moment, _sell(services.checkout, rng.choice(cashiers), rng, skus)))
            made += 1
        for moment, sale in rng.sample(sold, max(1, len(sold) // 25)):  # about one sale in 25 comes back
            clock.set(moment + timedelta(minutes=rng.randint(20, 90)))
            found = services.returns.find_sale(manager, sale.receipt_no)
            services.returns.refund(manager, ReturnRequest(
                found.request_id, found.sale_id, ((1, 1),), rng.choice(("damaged", "changed_mind")),
                card_reference="REF000123"))
    _heard_from_hq(services, clock, now, tz=tz, today=today, operators=[a for a in cashiers if a.role != Role.MANAGER],
                   skus=skus, rng=rng)
    return made


def _heard_from_hq(services: Any, clock: HistoryClock, now: datetime, *, tz: ZoneInfo, today: date,
                   operators: list[Actor], skus: list[str], rng: random.Random) -> None:
    from store_client.persistence.models import SyncRow

    db = services.checkout.db
    with db.transaction() as s:
        for n in range(7):
            clock.set(datetime.combine(today, time(10 + n, rng.randrange(60)), tz))
            services.audit.append(s, operator_id=operators[n % len(operators)].operator_id, action=ENROLLED,
                                  target=f"M9{n:07d}", details={"linked_existing": False})
        late = now  # HQ's figures are as of now: most a few minutes old, some stale
        for n, sku in enumerate(skus[:40]):
            age = timedelta(minutes=rng.randint(1, 9) if n % 8 else rng.randint(15, 240))
            s.merge(SyncRow(dataset="stock_levels", key=sku, data=json.dumps(
                {"sku": sku, "on_hand": rng.randint(0, 80), "as_of": iso(late - age)})))
