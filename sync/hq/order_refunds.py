"""Refunds to the online payment, and the simulated payment provider that takes them.

A refund is owed in the transaction of the change that causes it (a short pick, an item
refused at the counter, a cancel, an order not collected) as a ``pending`` row keyed by its
request id. :func:`pay_pending` then asks the provider outside any transaction. The
provider answers a repeated request id with its first answer, so a retry after a failure
or a lost answer never pays twice; HQ marks the row ``done`` once.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, select, update

from sync.hq import order_tables as ot

log = logging.getLogger(__name__)


class ProviderError(Exception):
    """The provider did not confirm the refund (down, timeout, refused for now)."""


class SimulatedProvider:
    """A WeChat Pay / Alipay stand-in with its own ledger in HQ's database.

    ``fail_next`` makes the next calls fail before anything is refunded; ``lose_next``
    makes them refund and then fail to answer (the caller cannot tell the difference).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.fail_next = 0
        self.lose_next = 0
        self.calls = 0
        self._lock = threading.Lock()

    def refund(self, request_id: str, payment_ref: str, amount_minor: int) -> str:
        with self._lock:
            self.calls += 1
            if self.fail_next:
                self.fail_next -= 1
                raise ProviderError("provider unavailable (simulated)")
            lose = bool(self.lose_next)
            self.lose_next -= 1 if lose else 0
        with self.engine.begin() as conn:
            row = conn.execute(select(ot.provider_refunds).where(
                ot.provider_refunds.c.request_id == request_id)).first()
            if row is None:
                ref = f"RF{uuid.uuid4().hex[:16].upper()}"
                conn.execute(insert(ot.provider_refunds).values(
                    request_id=request_id, payment_ref=payment_ref, amount_minor=amount_minor,
                    provider_ref=ref, at=_now()))
            elif (row.payment_ref, row.amount_minor) != (payment_ref, amount_minor):
                raise ProviderError(f"request {request_id} was used for another refund")
            else:
                ref = row.provider_ref
        if lose:
            raise ProviderError("no answer from the provider (simulated)")
        return ref

    def refunded_total(self, payment_ref: str) -> int:
        with self.engine.connect() as conn:
            return sum(conn.scalars(select(ot.provider_refunds.c.amount_minor).where(
                ot.provider_refunds.c.payment_ref == payment_ref)))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def owe(conn: Connection, order_id: str, request_id: str, amount_minor: int, reason: str,
        details: dict, at: str) -> None:
    """Record a refund in the caller's transaction (nothing when the amount is zero)."""
    if amount_minor <= 0:
        return
    conn.execute(insert(ot.refunds).values(
        request_id=request_id, order_id=order_id, amount_minor=amount_minor, reason=reason,
        details=json.dumps(details, ensure_ascii=False), status="pending", attempts=0,
        created_at=at))


def pay_pending(engine: Engine, refund: Callable[[str, str, int], str], *,
                limit: int = 100) -> tuple[int, int]:
    """Ask the provider for every pending refund; (paid, failed). Failures stay pending."""
    with engine.connect() as conn:
        due = conn.execute(select(ot.refunds.c.request_id, ot.refunds.c.amount_minor,
                                  ot.orders.c.payment_ref)
                           .join(ot.orders, ot.orders.c.order_id == ot.refunds.c.order_id)
                           .where(ot.refunds.c.status == "pending")
                           .order_by(ot.refunds.c.created_at).limit(limit)).all()
    paid = failed = 0
    for request_id, amount, payment_ref in due:
        try:
            provider_ref = refund(request_id, payment_ref, amount)
        except ProviderError as exc:
            failed += 1
            log.info("refund %s not confirmed: %s; retried later", request_id, exc)
            with engine.begin() as conn:
                conn.execute(update(ot.refunds).where(ot.refunds.c.request_id == request_id)
                             .values(attempts=ot.refunds.c.attempts + 1, last_error=str(exc)[:500]))
            continue
        with engine.begin() as conn:
            conn.execute(update(ot.refunds).where(ot.refunds.c.request_id == request_id,
                                                  ot.refunds.c.status == "pending")
                         .values(status="done", provider_ref=provider_ref, done_at=_now(),
                                 attempts=ot.refunds.c.attempts + 1, last_error=None))
        paid += 1
    return paid, failed
