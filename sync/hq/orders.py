"""The online channel at HQ: orders placed online and picked up in a store (docs/pickup.md).

HQ owns an order's state and enforces the state machine of
:mod:`store_client.domain.pickup`. Its own transitions (accept, cancel, not collected)
are made here; a store's (picking, ready, handed over) arrive as terminal events
(:mod:`sync.hq.order_events`). Every change republishes the order's ``online_orders``
row to its store in the same transaction.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, insert, select, update

from store_client.domain import pickup as pk
from store_client.domain import pickup_codes as codes
from sync.hq import order_refunds
from sync.hq import order_tables as ot
from sync.hq import schema as t
from sync.hq.order_events import (
    OrderError,
    check,
    close,
    ensure_qr_key_published,
    iso,
    locked,
    next_counter,
    notify,
    publish_order,
    signing_key,
    transition,
)
from sync.hq.service import HQService

log = logging.getLogger(__name__)
DISCOUNT_SOURCES = ("promotion", "coupon", "points")
REMIND_BEFORE = timedelta(hours=2)
MAX_ITEMS = 100


@dataclass(frozen=True)
class PlacedOrder:
    order_id: str
    order_no: str
    code: str
    qr: str
    paid_minor: int


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


class OnlineOrders:
    """Admin and customer-side operations on HQ's orders (CLI, simulator, tests)."""

    def __init__(self, service: HQService, *, provider: order_refunds.SimulatedProvider | None = None,
                 now: Callable[[], datetime] | None = None,
                 promise: timedelta = timedelta(minutes=pk.DEFAULT_PROMISE_MINUTES),
                 hold: timedelta = timedelta(hours=pk.DEFAULT_HOLD_HOURS),
                 code_log2_n: int | None = None) -> None:
        self.service = service
        self.engine: Engine = service.engine
        self.provider = provider or order_refunds.SimulatedProvider(self.engine)
        self.now = now or (lambda: datetime.now(UTC))
        self.promise, self.hold = promise, hold
        self.code_log2_n = code_log2_n

    # -- placing ---------------------------------------------------------------------------
    def place(self, store_id: str, items: list[dict], *, member_id: str | None = None,
              member_name: str = "", phone: str = "", provider: str = "wechat",
              discounts: dict[str, int] | None = None, allow_substitution: bool = False,
              accept: bool = True, coupons: list[str] | None = None, points_redeemed: int = 0,
              points_earned: int = 0) -> PlacedOrder:
        """A paid online order for pick-up at ``store_id``.

        ``items``: ``{"sku", "qty"}`` priced from HQ's catalog and prices, or carrying their
        own ``name_zh``, ``name_en``, ``unit``, ``category``, ``unit_price_minor``. The
        discounts (fen per source) are spread over the lines by their gross, to the fen.
        ``coupons``: the member's coupons spent on it (their value joins the coupon discount;
        a return may reissue them, sync/hq/coupons.py); ``points_redeemed`` / ``points_earned``:
        posted on the member's ledger with the order (given and taken back by returns).
        """
        if not items or len(items) > MAX_ITEMS:
            raise OrderError(f"an order has 1 to {MAX_ITEMS} items")
        phone_digits = "".join(ch for ch in phone if ch.isdigit())
        if len(phone_digits) < 4:
            raise OrderError("the customer's phone number is needed (at least 4 digits)")
        if provider not in ("wechat", "alipay", "card"):
            raise OrderError(f"unknown payment provider {provider!r}")
        discounts = {k: int(v) for k, v in (discounts or {}).items() if v}
        if coupons:
            from sync.hq.coupons import Coupons, definitions
            from sync.hq.coupons import coupons as coupon_rows

            Coupons(self.engine)  # the tables, on an HQ made before coupons
            with self.engine.connect() as conn:
                value = sum(conn.scalars(select(definitions.c.value_minor).join(
                    coupon_rows, coupon_rows.c.definition_id == definitions.c.definition_id)
                    .where(coupon_rows.c.coupon_id.in_(coupons))))
            discounts["coupon"] = discounts.get("coupon", 0) + int(value)
        if any(isinstance(x, bool) or not isinstance(x, int) or x < 0 for x in (points_redeemed, points_earned)):
            raise OrderError("points are whole numbers of 0 or more")
        if set(discounts) - set(DISCOUNT_SOURCES) or any(v < 0 for v in discounts.values()):
            raise OrderError(f"discounts are non-negative amounts by {', '.join(DISCOUNT_SOURCES)}")
        with self.engine.connect() as conn:
            lines = [self._priced_line(conn, i + 1, item) for i, item in enumerate(items)]
        gross = [pk.PriceLine(l["sku"], l["qty"], l["unit"], l["unit_price_minor"]).gross_fen
                 for l in lines]
        try:
            spread = pk.spread_discounts(discounts, gross)
        except ValueError as exc:
            raise OrderError(str(exc)) from None
        for line, (parts, net) in zip(lines, spread, strict=True):
            line["discounts"], line["net_minor"] = parts, net
        paid = sum(line["net_minor"] for line in lines)
        order_id = str(uuid.uuid4())
        code = codes.new_code()
        now = self.now()
        data = {"lines": lines, "discounts": discounts, "allow_substitution": allow_substitution,
                "check": codes.make_check(order_id, code, phone_digits[-4:],
                                          log2_n=self.code_log2_n),
                "picks": [], "handover": None, "points_redeemed": points_redeemed, "points_earned": points_earned}
        with self.engine.begin() as conn:
            if coupons:
                from sync.hq.coupons import CouponError, use

                try:
                    data["coupons"] = use(conn, list(coupons), member_id, order_id, sum(gross))
                except CouponError as exc:
                    raise OrderError(str(exc)) from None
            order_no = f"W{next_counter(conn, 'order_no'):06d}"
            conn.execute(insert(ot.orders).values(
                order_id=order_id, order_no=order_no, store_id=store_id, member_id=member_id,
                member_name=member_name or (member_id or "guest"), phone=phone_digits,
                state=pk.PLACED, code=code, ordered_at=iso(now),
                promised_at=iso(now + self.promise), hold_until=iso(now + self.hold),
                provider=provider, payment_ref=f"{provider.upper()}-{uuid.uuid4().hex[:20]}",
                paid_minor=paid, refunded_minor=0, version=0,
                data=json.dumps(data, ensure_ascii=False)))
            transition(conn, order_id, "", pk.PLACED, "hq", iso(now), {"paid_minor": paid})
            if points_redeemed or points_earned:
                from sync.hq.return_effects import post_order_points

                post_order_points(conn, order_id, member_id, points_redeemed, points_earned, iso(now))
            if accept:
                self._accept(conn, order_id, now)
        self.service._publish_stock()  # what the order holds of the store's stock
        return PlacedOrder(order_id, order_no, code, self.qr(order_id), paid)

    def _priced_line(self, conn: Connection, line_no: int, item: dict) -> dict:
        sku, qty = item.get("sku"), item.get("qty")
        if not isinstance(sku, str) or not sku or isinstance(qty, bool) or not isinstance(qty, int) \
                or qty < 1:
            raise OrderError(f"item {line_no}: needs a SKU and a positive quantity")
        if "unit_price_minor" in item:
            product = item
        else:
            text = conn.scalar(select(t.dataset_rows.c.data).where(
                t.dataset_rows.c.dataset == "catalog", t.dataset_rows.c.scope == "*",
                t.dataset_rows.c.key == sku, t.dataset_rows.c.deleted == False))  # noqa: E712
            if text is None:
                raise OrderError(f"SKU {sku} is not in HQ's catalog")
            row = json.loads(text)
            price = conn.scalar(select(t.dataset_rows.c.data).where(
                t.dataset_rows.c.dataset == "prices", t.dataset_rows.c.key == sku,
                t.dataset_rows.c.deleted == False))  # noqa: E712
            product = {**row, "category": row["category"]["code"],
                       "unit_price_minor": json.loads(price)["price_minor"] if price
                       else row["price_minor"]}
        return {"line_no": line_no, "sku": sku, "name_zh": str(product["name_zh"])[:200],
                "name_en": str(product["name_en"])[:200],
                "category": str(product.get("category") or "-")[:32],
                "unit": product.get("unit", "each"), "qty": qty,
                "unit_price_minor": int(product["unit_price_minor"]),
                "barcodes": list(product.get("barcodes") or [])[:20]}

    # -- HQ's own transitions ----------------------------------------------------------------
    def accept(self, order_id: str) -> None:
        with self.engine.begin() as conn:
            self._accept(conn, order_id, self.now())
        self.service._publish_stock()

    def _accept(self, conn: Connection, order_id: str, now: datetime) -> None:
        row = locked(conn, order_id)
        check(row.state, pk.ACCEPTED, "hq")
        at = iso(now)
        # The promise runs from acceptance: that is when the store can start.
        conn.execute(update(ot.orders).where(ot.orders.c.order_id == order_id).values(
            state=pk.ACCEPTED, accepted_at=at, promised_at=iso(now + self.promise),
            version=ot.orders.c.version + 1))
        transition(conn, order_id, row.state, pk.ACCEPTED, "hq", at, {})
        ensure_qr_key_published(conn, row.store_id)
        publish_order(conn, order_id)

    def cancel(self, order_id: str, reason: str = "customer") -> int:
        """Cancel an open order and refund what is left of it; returns the refund owed."""
        with self.engine.begin() as conn:
            row = locked(conn, order_id)
            if row.provider == "store":
                raise OrderError(f"order {row.order_no} was paid at a till (endless aisle): its refund is "
                                 "made there, not by HQ")
            check(row.state, pk.CANCELLED, "hq")
            at = iso(self.now())
            left = row.paid_minor - row.refunded_minor
            close(conn, row, pk.CANCELLED, at, "hq", {"reason": reason[:64]}, left, "cancelled")
            notify(conn, row, "cancelled", at, {"order_no": row.order_no})
        self.service._publish_stock()  # its hold is released
        return left

    def housekeeping(self) -> dict[str, int]:
        """Reminders before the hold ends, orders not collected, refunds paid. Safe to repeat."""
        now = self.now()
        reminded = expired = 0
        with self.engine.connect() as conn:
            ready = conn.execute(select(ot.orders.c.order_id, ot.orders.c.hold_until).where(
                ot.orders.c.state == pk.READY, ot.orders.c.provider != "store")).all()  # paid at a till: not refunded here
        for order_id, hold_until in ready:
            with self.engine.begin() as conn:
                row = locked(conn, order_id)
                if row.state != pk.READY:
                    continue
                at = iso(now)
                if now >= _parse(hold_until):
                    close(conn, row, pk.NOT_COLLECTED, at, "hq", {},
                           row.paid_minor - row.refunded_minor, "not_collected")
                    expired += 1
                elif now >= _parse(hold_until) - REMIND_BEFORE:
                    reminded += notify(conn, row, "reminder", at,
                                        {"order_no": row.order_no, "code": row.code,
                                         "hold_until": hold_until})
        if expired:
            self.service._publish_stock()  # the expired orders' holds are released
        paid, failed = order_refunds.pay_pending(self.engine, self.provider.refund)
        return {"reminded": reminded, "expired": expired, "refunds_paid": paid,
                "refunds_failed": failed}

    # -- reading -------------------------------------------------------------------------------
    def qr(self, order_id: str) -> str:
        """The signed QR the customer shows (valid until the hold period ends)."""
        with self.engine.begin() as conn:
            row = conn.execute(select(ot.orders.c.hold_until, ot.orders.c.store_id).where(
                ot.orders.c.order_id == order_id)).first()
            if row is None:
                raise OrderError(f"no order {order_id}")
            key_id, private, _public = signing_key(conn)
        return codes.sign_qr(private, key_id, order_id, row.store_id,
                             int(_parse(row.hold_until).timestamp()))

    def catalog_products(self, limit: int = 500) -> list[dict]:
        """Products of HQ's catalog as :meth:`place` takes them (for random orders)."""
        with self.engine.connect() as conn:
            rows = conn.scalars(select(t.dataset_rows.c.data).where(
                t.dataset_rows.c.dataset == "catalog", t.dataset_rows.c.scope == "*",
                t.dataset_rows.c.deleted == False).limit(limit)).all()  # noqa: E712
        return [{**(p := json.loads(text)), "category": p["category"]["code"],
                 "unit_price_minor": p["price_minor"]} for text in rows]

    def get(self, order_id: str) -> dict:
        with self.engine.connect() as conn:
            row = conn.execute(select(ot.orders).where(ot.orders.c.order_id == order_id)).first()
        if row is None:
            raise OrderError(f"no order {order_id}")
        return {**row._mapping, "data": json.loads(row.data)}

    def listing(self, store_id: str | None = None, state: str | None = None) -> list[dict]:
        query = select(ot.orders).order_by(ot.orders.c.ordered_at)
        if store_id:
            query = query.where(ot.orders.c.store_id == store_id)
        if state:
            query = query.where(ot.orders.c.state == state)
        with self.engine.connect() as conn:
            return [{**r._mapping, "data": json.loads(r.data)} for r in conn.execute(query)]

    def transitions(self, order_id: str) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(ot.transitions).where(
                ot.transitions.c.order_id == order_id).order_by(ot.transitions.c.at))]

    def notifications(self, order_id: str | None = None) -> list[dict]:
        query = select(ot.notifications).order_by(ot.notifications.c.id)
        if order_id:
            query = query.where(ot.notifications.c.order_id == order_id)
        with self.engine.connect() as conn:
            return [{**r._mapping, "params": json.loads(r.params)} for r in conn.execute(query)]

    def refunds(self, order_id: str | None = None) -> list[dict]:
        query = select(ot.refunds).order_by(ot.refunds.c.created_at)
        if order_id:
            query = query.where(ot.refunds.c.order_id == order_id)
        with self.engine.connect() as conn:
            return [{**r._mapping, "details": json.loads(r.details)} for r in conn.execute(query)]


class Housekeeper:
    """Runs :meth:`OnlineOrders.housekeeping` every ``interval`` seconds in a daemon thread."""

    def __init__(self, orders: OnlineOrders, interval: float = 5.0) -> None:
        self.orders, self.interval = orders, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="hq-orders", daemon=True)

    def start(self) -> Housekeeper:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.orders.housekeeping()
            except Exception:  # keep the loop alive; the next round retries
                log.exception("order housekeeping failed")
