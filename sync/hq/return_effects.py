"""What a return taken at any till does to the member: points back, earned points taken back,
the online order's coupons (docs/returns.md, "Points and coupons across stores").

Planned when HQ reserves the return (under the lock on the original, so two returns of the
same original are planned one after the other) and posted when it is confirmed, in the
confirming transaction; a released or stale reservation posts nothing. Cumulative rules,
counting every other return of the original that holds (and, for a store sale, the
selling till's own returns):

- points the original was paid with go back in proportion to what is refunded of the
  part they paid (a store sale: the ``points`` tender; an online order: its value), so
  all returns together give back exactly the points paid;
- points it earned are taken back in proportion to the money refunded; the target is
  cumulative, so what an earlier return took short (a till's capped reversal) is taken
  by the next one, and returning everything takes back exactly what was earned.

Only what HQ's ledger holds of the original (``sale:<id>:redeemed`` / ``:earned``,
``order:<id>:redeemed`` / ``:earned``) is given or taken back. Ledger entries are keyed
``return:<id>:points_back`` / ``:earned_back``: a retried confirm never posts twice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Connection, Engine, String, Table, Text, delete, insert, select

from store_client.domain import pickup as pk
from store_client.domain.money import round_half_up
from sync.hq import coupons as cp
from sync.hq.exchange_credits import credit_of
from sync.hq.exchange_credits import credits as exchange_credits
from sync.hq import order_tables as ot
from sync.hq.members import members as member_rows
from sync.hq.members import points_ledger
from sync.hq.schema import metadata

effects = Table(
    "hq_return_effects", metadata,
    Column("return_id", String(64), primary_key=True),
    Column("original_ref", String(80), nullable=False, index=True),
    Column("member_id", String(16), nullable=True),
    Column("money_minor", BigInteger, nullable=False),  # refunded in money (not points)
    Column("points_part_minor", BigInteger, nullable=False),  # of the part the points paid for
    Column("points_back", BigInteger, nullable=False),
    Column("points_taken", BigInteger, nullable=False),
    Column("coupons", Text, nullable=False),  # [[coupon_id, outcome]]
    Column("returned", Text, nullable=False),  # {line_no: qty}: for the coupons' threshold
)


@dataclass(frozen=True)
class MemberFacts:
    """What the original's member was given and charged, as HQ's ledger holds it."""

    member_id: str | None
    points_paid: int = 0  # points spent on the original
    points_base_minor: int = 0  # the value those points' share is counted against
    points_earned: int = 0
    money_base_minor: int = 0  # the money paid (not points)
    coupons: tuple[dict[str, Any], ...] = ()
    gross: Mapping[int, tuple[int, int]] = field(default_factory=dict)  # line_no -> (qty, gross)


@dataclass(frozen=True)
class Effects:
    points_back: int
    points_taken: int
    coupons: tuple[tuple[str, str], ...]  # (coupon_id, reissued / forfeited)

    def as_json(self) -> dict[str, Any]:
        return {"points_back": self.points_back, "points_taken": self.points_taken,
                "coupons": [{"coupon_id": c, "outcome": o} for c, o in self.coupons]}


NONE = Effects(0, 0, ())


def _posted(conn: Connection, member_id: str, cause: str) -> bool:
    return conn.scalar(select(points_ledger.c.id).where(points_ledger.c.member_id == member_id,
                                                        points_ledger.c.cause == cause[:80])) is not None


def facts_of(conn: Connection, ref: str, original: Any) -> MemberFacts:
    """The member facts of ``sale:<id>`` / ``order:<id>`` (``original``: its returnable form)."""
    from sync.hq import schema as t

    kind, _, key = ref.partition(":")
    if kind == "sale":
        payload = conn.scalar(select(t.sales.c.payload).where(t.sales.c.sale_id == key))
        sale = json.loads(payload) if payload else {}
        member_id = sale.get("member_id")
        if not member_id:
            return MemberFacts(None)
        paid = int(sale.get("points_redeemed") or 0) if _posted(conn, member_id, f"sale:{key}:redeemed") else 0
        earned = int(sale.get("points_earned") or 0) if _posted(conn, member_id, f"sale:{key}:earned") else 0
        money = sum(fen for method, fen in original.tenders.items() if method != "points")
        return MemberFacts(member_id, paid, int(original.tenders.get("points", 0)), earned, money)
    row = conn.execute(select(ot.orders.c.member_id, ot.orders.c.data).where(ot.orders.c.order_id == key)).first()
    if row is None:
        return MemberFacts(None)
    data = json.loads(row.data)
    value = sum(line.net_fen for line in original.lines.values())
    gross = {}
    for x in data["lines"]:
        n = int(x["line_no"])
        if n in original.lines:
            whole = pk.PriceLine(str(x["sku"]), int(x["qty"]), x.get("unit", "each"),
                                 int(x["unit_price_minor"])).gross_fen
            handed = original.lines[n].qty
            gross[n] = (handed, pk.part_value(whole, int(x["qty"]), handed))
    member_id = row.member_id
    paid = earned = 0
    if member_id:
        paid = int(data.get("points_redeemed") or 0) if _posted(conn, member_id, f"order:{key}:redeemed") else 0
        earned = int(data.get("points_earned") or 0) if _posted(conn, member_id, f"order:{key}:earned") else 0
    return MemberFacts(member_id, paid, value, earned, value, tuple(data.get("coupons") or ()), gross)


def share(total: int, base: int, before: int, now: int, already: int) -> int:
    """This return's part of ``total`` (cumulative, half up), given what the others' parts
    ``before`` of ``base`` gave already (``already``): never below 0 nor past ``total``."""
    if total <= 0 or base <= 0:
        return 0
    target = round_half_up(total * min(before + now, base), base)
    return max(0, min(total - already, target - already))


def own_till_returns(conn: Connection, ref: str) -> list[tuple[int, int, int, int]]:
    """The selling till's own returns of a sale: (money, points part, points back, taken)."""
    from sync.hq import schema as t

    kind, _, key = ref.partition(":")
    if kind != "sale":
        return []
    out = []
    for rid, payload in conn.execute(select(t.returns.c.return_id, t.returns.c.payload)
                                     .where(t.returns.c.sale_id == key)):
        data = json.loads(payload)
        tenders = data.get("tenders", [])
        member_id = data.get("member_id") or ""
        taken = conn.scalar(select(points_ledger.c.points).where(
            points_ledger.c.member_id == member_id, points_ledger.c.cause == f"return:{rid}:earned_back"[:80]))
        out.append((sum(int(x["amount_minor"]) for x in tenders if x.get("method") != "points"),
                    sum(int(x["amount_minor"]) for x in tenders if x.get("method") == "points"),
                    int(data.get("points_refunded") or 0), -int(taken or 0)))
    return out


def cross_returns_of_sale(conn: Connection, sale_id: str) -> tuple[int, int]:
    """Returns of a store sale taken at other tills that hold (planned or posted): the money
    they refunded and the earned points they take back (for the selling till's own returns)."""
    from sync.hq.returnables import CONFIRMED, RESERVED, STALE_AFTER, reservations

    stale = (datetime.now(UTC) - STALE_AFTER).isoformat(timespec="seconds")
    r = reservations.c
    rows = conn.execute(select(effects.c.money_minor, effects.c.points_taken).join(
        reservations, r.return_id == effects.c.return_id).where(
        effects.c.original_ref == f"sale:{sale_id}",
        (r.state == CONFIRMED) | ((r.state == RESERVED) & (r.created_at >= stale)))).all()
    return sum(int(x.money_minor) for x in rows), sum(int(x.points_taken) for x in rows)


def plan(conn: Connection, original: Any, ask: Any, holding_ids: list[str]) -> Effects:
    """Inside the reservation's transaction: the effects of ``ask`` (a ReturnAsk) on top of
    every other return of the original that holds (``holding_ids``), stored by its id."""
    facts = facts_of(conn, ask.original_ref, original)
    online = ask.original_ref.startswith("order:")
    money = sum(fen for method, fen in ask.tenders.items() if method != "points")
    refunded = sum(fen for _qty, fen in ask.lines.values())
    # a store sale's points part kept as an exchange credit bought the new goods: no points back for it
    part = refunded if online else int(ask.tenders.get("points", 0)) - credit_of(conn, ask.return_id).get("points", 0)
    others = [(r.money_minor, r.points_part_minor, r.points_back, r.points_taken, r.coupons, r.returned)
              for r in conn.execute(select(effects).where(effects.c.return_id.in_(holding_ids)))] if holding_ids else []
    earlier = [(m, p, b, t) for m, p, b, t, _c, _r in others] + own_till_returns(conn, ask.original_ref)
    back = share(facts.points_paid, facts.points_base_minor, sum(x[1] for x in earlier), part,
                 sum(x[2] for x in earlier))
    taken = share(facts.points_earned, facts.money_base_minor, sum(x[0] for x in earlier), money,
                  sum(x[3] for x in earlier))
    returned: dict[int, int] = {}
    decided = set()
    for _m, _p, _b, _t, done, lines in others:
        decided |= {c for c, _o in json.loads(done)}
        for n, qty in json.loads(lines).items():
            returned[int(n)] = returned.get(int(n), 0) + qty
    for n, (qty, _fen) in ask.lines.items():
        returned[n] = returned.get(n, 0) + qty
    kept = sum(pk.part_value(gross, qty, qty - returned.get(n, 0)) for n, (qty, gross) in facts.gross.items())
    outcomes = tuple((c["coupon_id"], outcome) for c in facts.coupons
                     if facts.member_id and (outcome := cp.outcome(c, kept, c["coupon_id"] in decided)))
    planned = Effects(back, taken, outcomes)
    conn.execute(delete(effects).where(effects.c.return_id == ask.return_id))
    conn.execute(insert(effects).values(
        return_id=ask.return_id, original_ref=ask.original_ref, member_id=facts.member_id, money_minor=money,
        points_part_minor=part, points_back=back, points_taken=taken, coupons=cp.dumps([list(x) for x in outcomes]),
        returned=json.dumps({str(n): q for n, (q, _f) in ask.lines.items()})))
    return planned


def post(conn: Connection, return_id: str) -> Effects:
    """Inside the confirming transaction: post what was planned, once (a retry posts nothing)."""
    row = conn.execute(select(effects).where(effects.c.return_id == return_id)).first()
    if row is None or not row.member_id:
        return NONE
    at = datetime.now(UTC).isoformat(timespec="seconds")
    known = conn.scalar(select(member_rows.c.member_id).where(member_rows.c.member_id == row.member_id))
    for cause, points in ((f"return:{return_id}:points_back", row.points_back),
                          (f"return:{return_id}:earned_back", -row.points_taken)):
        if known and points and not _posted(conn, row.member_id, cause):
            conn.execute(insert(points_ledger).values(member_id=row.member_id, cause=cause[:80], points=points,
                                                      channel="return", at=at))
    for coupon_id, result in json.loads(row.coupons):
        cp.apply(conn, coupon_id, result, at)
    return of_row(row)


def of_row(row: Any) -> Effects:
    return Effects(int(row.points_back), int(row.points_taken), tuple((c, o) for c, o in json.loads(row.coupons)))


def effects_of(engine: Engine, return_id: str) -> Effects:
    with engine.connect() as conn:
        row = conn.execute(select(effects).where(effects.c.return_id == return_id)).first()
    return NONE if row is None else of_row(row)


def post_order_points(conn: Connection, order_id: str, member_id: str | None, redeemed: int, earned: int,
                      at: str) -> None:
    """An online order's points on the member's ledger (spent and earned), once per order."""
    if not member_id or conn.scalar(select(member_rows.c.member_id).where(member_rows.c.member_id == member_id)) is None:
        return
    for cause, points in ((f"order:{order_id}:redeemed", -redeemed), (f"order:{order_id}:earned", earned)):
        if points and not _posted(conn, member_id, cause):
            conn.execute(insert(points_ledger).values(member_id=member_id, cause=cause, points=points,
                                                      channel="online", at=at))


#: The tables a return's effects touch (created with the returnable ledger's).
dependencies = (points_ledger, member_rows, cp.definitions, cp.coupons, exchange_credits)
