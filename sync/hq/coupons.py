"""Coupons at HQ: definitions, coupons issued to members, and what a return does to them.

A coupon belongs to a definition (its value and the order value it needs, its threshold).
What a partial return of an online order does to a coupon the order used is its *return
policy*, carried by the coupon or, when the coupon has none, by its definition:

- ``reissue`` (the default): once the goods the customer keeps no longer meet the
  coupon's threshold (gross, before discounts), HQ issues the member a fresh coupon of the
  same definition, exactly once (``reissued_from`` is unique: a retried or concurrent
  return cannot issue a second one). The spent coupon is marked ``reissued``.
- ``keep``: the coupon stays spent, whatever is returned (one-order campaigns).
- ``forfeit``: the coupon is marked ``forfeited`` when the threshold is broken: it is
  spent for good and cannot be reissued later by hand.

The refund itself never changes: each line refunds its net after the coupon's share
(docs/returns.md), so a customer is never paid the coupon's value and given it back too.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Connection, Engine, String, Table, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sync.hq.schema import metadata

POLICIES = ("reissue", "keep", "forfeit")
DEFAULT_POLICY = "reissue"
ISSUED, USED, REISSUED, FORFEITED = "issued", "used", "reissued", "forfeited"

definitions = Table(
    "hq_coupon_definitions", metadata,
    Column("definition_id", String(32), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("value_minor", BigInteger, nullable=False),
    Column("threshold_minor", BigInteger, nullable=False),  # order gross it needs (0: none)
    Column("return_policy", String(16), nullable=False),
)

coupons = Table(
    "hq_coupons", metadata,
    Column("coupon_id", String(32), primary_key=True),
    Column("definition_id", String(32), nullable=False),
    Column("member_id", String(16), nullable=False, index=True),
    Column("state", String(16), nullable=False),  # issued / used / reissued / forfeited
    Column("return_policy", String(16), nullable=True),  # None: the definition's
    Column("order_id", String(36), nullable=True),
    Column("reissued_from", String(32), nullable=True, unique=True),  # a coupon is reissued once
    Column("issued_at", String(40), nullable=False),
)


class CouponError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _policy(value: object) -> str | None:
    if value is None:
        return None
    if value not in POLICIES:
        raise CouponError("coupon.bad_policy", f"return policy is one of {', '.join(POLICIES)}")
    return str(value)


class Coupons:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine, tables=[definitions, coupons])

    def define(self, definition_id: str, name: str, *, value_minor: int, threshold_minor: int = 0,
               return_policy: str | None = None) -> None:
        if not (isinstance(value_minor, int) and value_minor > 0 and isinstance(threshold_minor, int)
                and threshold_minor >= 0):
            raise CouponError("coupon.bad_definition", "a coupon is worth more than 0 and needs 0 or more")
        policy = _policy(return_policy) or DEFAULT_POLICY
        with self.engine.begin() as conn:
            conn.execute(insert(definitions).values(definition_id=definition_id, name=name[:120],
                                                    value_minor=value_minor, threshold_minor=threshold_minor,
                                                    return_policy=policy))

    def issue(self, definition_id: str, member_id: str, *, return_policy: str | None = None) -> str:
        policy = _policy(return_policy)
        coupon_id = f"C{secrets.token_hex(8).upper()}"
        with self.engine.begin() as conn:
            if conn.scalar(select(definitions.c.definition_id)
                           .where(definitions.c.definition_id == definition_id)) is None:
                raise CouponError("coupon.unknown_definition", f"no coupon definition {definition_id}")
            conn.execute(insert(coupons).values(coupon_id=coupon_id, definition_id=definition_id,
                                                member_id=member_id, state=ISSUED, return_policy=policy,
                                                issued_at=_now()))
        return coupon_id

    def get(self, coupon_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(coupons).where(coupons.c.coupon_id == coupon_id)).first()
        return None if row is None else dict(row._mapping)

    def of_member(self, member_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(
                select(coupons).where(coupons.c.member_id == member_id).order_by(coupons.c.issued_at,
                                                                                 coupons.c.coupon_id))]


def use(conn: Connection, coupon_ids: list[str], member_id: str | None, order_id: str,
        gross_minor: int) -> list[dict[str, Any]]:
    """In the order's transaction: spend the member's coupons on it; what the order keeps of
    each (its id, value, threshold and return policy at the time)."""
    used = []
    for coupon_id in coupon_ids:
        row = conn.execute(select(coupons, definitions.c.value_minor, definitions.c.threshold_minor,
                                  definitions.c.return_policy.label("definition_policy"))
                           .join(definitions, definitions.c.definition_id == coupons.c.definition_id)
                           .where(coupons.c.coupon_id == coupon_id)).first()
        if row is None or row.member_id != member_id:
            raise CouponError("coupon.unknown", f"coupon {coupon_id} is not this member's")
        if row.threshold_minor > gross_minor:
            raise CouponError("coupon.below_threshold", f"coupon {coupon_id} needs {row.threshold_minor}")
        spent = conn.execute(update(coupons).where(coupons.c.coupon_id == coupon_id, coupons.c.state == ISSUED)
                             .values(state=USED, order_id=order_id)).rowcount
        if not spent:
            raise CouponError("coupon.spent", f"coupon {coupon_id} was used already")
        used.append({"coupon_id": coupon_id, "value_minor": int(row.value_minor),
                     "threshold_minor": int(row.threshold_minor),
                     "policy": row.return_policy or row.definition_policy})
    return used


def outcome(coupon: Mapping[str, Any], kept_gross: int, decided: bool) -> str | None:
    """What a return that leaves ``kept_gross`` of the order does to ``coupon`` (None:
    nothing). ``decided``: an earlier return of the order settled this coupon already."""
    if decided or kept_gross >= int(coupon["threshold_minor"]) and kept_gross > 0:
        return None
    policy = coupon.get("policy") or DEFAULT_POLICY
    return {"reissue": REISSUED, "forfeit": FORFEITED}.get(policy)


def apply(conn: Connection, coupon_id: str, result: str, at: str) -> str | None:
    """In the confirming transaction: carry ``result`` out once. Returns the new coupon's id
    for a reissue (the one issued before, for a retry or a concurrent return)."""
    row = conn.execute(select(coupons).where(coupons.c.coupon_id == coupon_id)).first()
    if row is None:
        return None
    if result == FORFEITED:
        conn.execute(update(coupons).where(coupons.c.coupon_id == coupon_id, coupons.c.state == USED)
                     .values(state=FORFEITED))
        return None
    fresh = f"C{secrets.token_hex(8).upper()}"
    stmt = (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(coupons).values(
        coupon_id=fresh, definition_id=row.definition_id, member_id=row.member_id, state=ISSUED,
        return_policy=row.return_policy, order_id=None, reissued_from=coupon_id, issued_at=at)
    conn.execute(stmt.on_conflict_do_nothing(index_elements=["reissued_from"]))
    conn.execute(update(coupons).where(coupons.c.coupon_id == coupon_id, coupons.c.state == USED)
                 .values(state=REISSUED))
    return conn.scalar(select(coupons.c.coupon_id).where(coupons.c.reissued_from == coupon_id))


def dumps(rows: list[list[str]]) -> str:
    return json.dumps(rows, separators=(",", ":"))
