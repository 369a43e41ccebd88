"""A generated corpus of cross-store return scenarios, checked against HQ over HTTP.

Each scenario sells one random sale (mixed tenders, several lines) in one store and then
plays a sequence of return attempts from random stores: partial returns, partial again,
the rest, the same request repeated, concurrent attempts, and invalid asks (more than
sold, more than paid on a line or a tender, a tender the sale never had, a reused id with
other content, an unknown line). A model computes, for each attempt, whether it must be
accepted; the corpus counts how HQ's answers agree.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from store_client.domain.money import allocate, round_half_up

METHODS = ("cash", "card", "wechat", "alipay", "points")


@dataclass
class Attempt:
    return_id: str
    store: str
    lines: dict[int, tuple[int, int]]
    tenders: dict[str, int]
    valid: bool
    kind: str  # what the attempt exercises, for the report
    reason: str = ""  # the refusal code expected for an invalid one


@dataclass
class Scenario:
    seed: int
    sale: dict[str, Any]
    attempts: list[Attempt] = field(default_factory=list)


def make_sale(rng: random.Random, store: str) -> dict[str, Any]:
    lines = []
    for n in range(1, rng.randint(1, 5) + 1):
        qty = rng.randint(1, 4)
        price = rng.randint(100, 20_000)
        gross = qty * price
        discount = rng.choice([0, 0, round_half_up(gross * rng.randint(1, 30), 100)])
        lines.append({"line_no": n, "sku": f"{100000 + rng.randrange(900)}", "qty": qty, "unit": "each",
                      "unit_price_minor": price, "line_total_minor": gross, "discount_minor": discount,
                      "net_minor": gross - discount, "tax_rate_bp": 1300, "vat_minor": 0,
                      "discounts": [{"source": "promotion", "source_id": "P1", "label": "promo",
                                     "amount_minor": discount}] if discount else []})
    total = sum(line["net_minor"] for line in lines)
    methods = rng.sample(["cash", "card", "wechat", "alipay"], rng.randint(1, 3))
    parts = allocate(total, [rng.randint(1, 10) for _ in methods])
    payments = [{"method": m, "amount_minor": fen, "reference": f"{m}-{uuid.uuid4().hex[:10]}" if m != "cash" else None,
                 "points": None} for m, fen in zip(methods, parts) if fen > 0]
    return {"sale_id": str(uuid.uuid4()), "receipt_no": f"{store}-T01-{rng.randrange(10**6):06d}", "store_id": store,
            "terminal_id": "T01", "operator_id": "1001", "member_id": None, "completed_at": "2026-12-01T02:00:00+00:00",
            "lines": lines, "total_minor": total, "discount_minor": sum(x["discount_minor"] for x in lines),
            "vat_minor": 0, "payments": payments, "change_minor": 0, "coupons": [], "points_earned": 0,
            "points_redeemed": 0}


def _split(rng: random.Random, fen: int, room: dict[str, int]) -> dict[str, int] | None:
    """Spread ``fen`` over tenders with room left; None if they cannot take it."""
    if fen == 0:
        return {}
    if sum(room.values()) < fen:
        return None
    out: dict[str, int] = {}
    left = fen
    for method in rng.sample(sorted(room), len(room)):
        take = min(room[method], left)
        if take:
            out[method] = take
            left -= take
        if not left:
            return out
    return None


def scenario(seed: int) -> Scenario:
    """One sale and its return attempts, each labelled valid or not by the model."""
    rng = random.Random(seed)
    sale = make_sale(rng, rng.choice(["S001", "S002"]))
    sc = Scenario(seed, sale)
    sold = {x["line_no"]: (x["qty"], x["net_minor"]) for x in sale["lines"]}
    taken = {n: 0 for n in sold}
    refunded = {n: 0 for n in sold}
    paid = {p["method"]: p["amount_minor"] for p in sale["payments"]}
    tender_room = dict(paid)
    for _step in range(rng.randint(1, 5)):
        store = rng.choice(["S001", "S002", "S003"])
        line_no = rng.choice(sorted(sold))
        qty_sold, net = sold[line_no]
        roll = rng.random()
        rid = f"r-{seed}-{uuid.UUID(int=rng.getrandbits(128))}"
        if roll < 0.6 and taken[line_no] < qty_sold:  # a valid partial (or the rest)
            qty = rng.randint(1, qty_sold - taken[line_no])
            fen = round_half_up(net * (taken[line_no] + qty), qty_sold) - refunded[line_no]
            tenders = _split(rng, fen, tender_room)
            if tenders is None:
                continue
            sc.attempts.append(Attempt(rid, store, {line_no: (qty, fen)}, tenders, True,
                                       "rest" if taken[line_no] + qty == qty_sold else "partial"))
            taken[line_no] += qty
            refunded[line_no] += fen
            for m, v in tenders.items():
                tender_room[m] -= v
            if rng.random() < 0.3:  # the same request again (a retry after a lost answer)
                sc.attempts.append(Attempt(rid, store, {line_no: (qty, fen)}, tenders, True, "retry"))
        elif roll < 0.7:
            sc.attempts.append(Attempt(rid, store, {line_no: (qty_sold - taken[line_no] + 1, 0)}, {}, False,
                                       "over_quantity", "return.above_returnable" if taken[line_no] < qty_sold
                                       else "return.already_returned"))
        elif roll < 0.8 and taken[line_no] < qty_sold:
            fen = net - refunded[line_no] + 1
            sc.attempts.append(Attempt(rid, store, {line_no: (1, fen)}, {next(iter(paid)): fen}, False,
                                       "over_refund", "return.refund_above_paid"))
        elif roll < 0.9 and taken[line_no] < qty_sold:
            fen = round_half_up(net * (taken[line_no] + 1), qty_sold) - refunded[line_no]
            missing = next((m for m in METHODS if m not in paid), None)
            if fen <= 0 or missing is None:
                continue
            sc.attempts.append(Attempt(rid, store, {line_no: (1, fen)}, {missing: fen}, False, "foreign_tender",
                                       "return.points_above_paid" if missing == "points" else "return.tender_above_paid"))
        else:
            sc.attempts.append(Attempt(rid, store, {max(sold) + 1: (1, 0)}, {}, False, "unknown_line",
                                       "return.unknown_line"))
    open_line = next((n for n in sorted(sold) if taken[n] < sold[n][0]), None)
    if open_line is not None and rng.random() < 0.2:  # two stores at once for what is left of a line
        left = sold[open_line][0] - taken[open_line]
        fen = sold[open_line][1] - refunded[open_line]
        tenders = _split(rng, fen, tender_room)
        if tenders is not None:
            for store in ("S002", "S003"):
                sc.attempts.append(Attempt(f"race-{seed}-{store}", store, {open_line: (left, fen)}, tenders, True,
                                           "race"))
    if sc.attempts and sc.attempts[0].valid and rng.random() < 0.3:  # a reused id with other content
        first = sc.attempts[0]
        line_no = next(iter(first.lines))
        sc.attempts.append(Attempt(first.return_id, first.store, {line_no: (first.lines[line_no][0], 0)}, {}, False,
                                   "reused_id", "return.id_reused"))
    return sc
