"""Returns taken at a till of an original it did not sell: another store's sale or an online order.

- Online orders are originals (``order:<id>``) once collected: each line as handed over, at
  what the customer paid for that part after every allocated discount (online promotions,
  coupons, points); the one tender is ``online`` (the shop's payment provider).
- A confirmed return of an online order owes its ``online`` part back to the provider: a
  refund row keyed by the return's id (written once), paid by the provider later or at once.
- ``return.taken`` events (the till's record of such a return, sent through its outbox) are
  kept in the ingest transaction and settled after it: reserved and confirmed at the
  returnable ledger by the return's own id (a return the till reserved online is confirmed
  already: nothing changes), or, for one taken offline from a receipt QR that no longer
  fits, kept as a conflict for the manager (sync/hq/returnables.py).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Connection, Engine, String, Table, Text, insert, select, update

from store_client.domain import pickup as pk
from sync.hq import exchange_credits, order_refunds
from sync.hq import order_tables as ot
from sync.hq.returnables import (
    Original,
    OriginalLine,
    ReturnablesService,
    ReturnAsk,
    ReturnRefused,
    load_store_sale,
    reservations,
)
from sync.hq.schema import metadata

log = logging.getLogger(__name__)
EVENT_KIND = "return.taken"
ONLINE = "online"
RETURNABLE_STATES = (pk.COLLECTED, pk.PARTIALLY_COLLECTED)

taken = Table(
    "hq_cross_returns", metadata,
    Column("return_id", String(36), primary_key=True),
    Column("event_id", String(36), nullable=False),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("original_ref", String(80), nullable=False),
    Column("state", String(16), nullable=False),  # pending / settled / conflict
    Column("payload", Text, nullable=False),
    Column("received_at", String(40), nullable=False),
)


cash_instead = Table(  # returns of an online order paid in cash at the till: the provider owes nothing
    "hq_return_cash_instead", metadata,
    Column("return_id", String(64), primary_key=True),
    Column("at", String(40), nullable=False),
)


def mark_cash_instead(conn: Connection, return_id: str, store_id: str, terminal_id: str) -> bool:
    """Before the reservation (or in the ingest transaction): this return's online part was
    paid in cash, so confirming it owes the provider nothing. A mark without a reservation
    (the reservation was refused) is harmless: return ids are never reused. Only the till
    that reserves (or reserved) the return may mark it."""
    owner = conn.execute(select(reservations.c.store_id, reservations.c.terminal_id)
                         .where(reservations.c.return_id == return_id)).first()
    if owner is not None and (owner.store_id, owner.terminal_id) != (store_id, terminal_id):
        return False
    if conn.scalar(select(cash_instead.c.return_id).where(cash_instead.c.return_id == return_id)) is None:
        conn.execute(insert(cash_instead).values(return_id=return_id, at=_now()))
    return True


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def load_online_order(conn: Connection, ref: str) -> Original | None:
    """``order:<id>``: a collected online order, each line as handed over (the short-picked
    and refused parts were refunded by HQ already), its tender the online payment."""
    kind, _, order_id = ref.partition(":")
    if kind != "order" or not order_id:
        return None
    row = conn.execute(select(ot.orders.c.state, ot.orders.c.data).where(ot.orders.c.order_id == order_id)).first()
    return None if row is None else online_order_from_row(ref, row.state, row.data)


def online_order_from_row(ref: str, state: str, data: str) -> Original | None:
    """The original of a collected online order from its row (None if not returnable)."""
    if state not in RETURNABLE_STATES:
        return None
    body = json.loads(data)
    ordered = {int(x["line_no"]): x for x in body["lines"]}
    picked = {int(p["line_no"]): int(p["picked"]) for p in body.get("picks") or []}
    refused = {int(r["line_no"]): int(r["qty"]) for r in (body.get("handover") or {}).get("refused", [])}
    handed = pk.handed_quantities({n: int(x["qty"]) for n, x in ordered.items()}, picked, refused)
    lines = {n: OriginalLine(n, str(x["sku"]), handed[n], pk.part_value(int(x["net_minor"]), int(x["qty"]), handed[n]))
             for n, x in ordered.items() if handed[n] > 0}
    paid = sum(line.net_fen for line in lines.values())
    return Original(ref, None, lines, {ONLINE: paid} if paid else {})


def load_original(conn: Connection, ref: str) -> Original | None:
    """Any original a till may return: a store sale or a collected online order."""
    return load_store_sale(conn, ref) if ref.startswith("sale:") else load_online_order(conn, ref)


def find_orders(conn: Connection, kind: str, value: str) -> list[tuple[str, str]]:
    """Collected online orders by order number or member: (ref, closed at)."""
    column = {"order": ot.orders.c.order_no, "member": ot.orders.c.member_id}.get(kind)
    if column is None:
        return []
    rows = conn.execute(select(ot.orders.c.order_id, ot.orders.c.closed_at, ot.orders.c.ordered_at).where(
        column == value, ot.orders.c.state.in_(RETURNABLE_STATES)))
    return [(f"order:{r.order_id}", r.closed_at or r.ordered_at) for r in rows]


def owe_online_refund(engine: Engine, return_id: str) -> int:
    """A confirmed return of an online order: its ``online`` part is owed back to the
    provider, once (the refund row is keyed by the return's id). Returns the amount owed now."""
    with engine.begin() as conn:
        row = conn.execute(select(reservations.c.original_ref, reservations.c.tenders, reservations.c.state)
                           .where(reservations.c.return_id == return_id)).first()
        if row is None or row.state != "confirmed" or not row.original_ref.startswith("order:"):
            return 0
        amount = int(json.loads(row.tenders).get(ONLINE, 0))
        order_id = row.original_ref.partition(":")[2]
        if conn.scalar(select(cash_instead.c.return_id).where(cash_instead.c.return_id == return_id)):
            amount = 0  # refunded in cash at the till (policy and a second person's approval)
        amount -= exchange_credits.credit_of(conn, return_id).get(ONLINE, 0)  # an exchange: it bought new goods
        if amount <= 0 or conn.scalar(select(ot.refunds.c.request_id).where(ot.refunds.c.request_id == return_id)):
            return 0
        order_refunds.owe(conn, order_id, return_id, amount, "returned", {"return_id": return_id}, _now())
        conn.execute(update(ot.orders).where(ot.orders.c.order_id == order_id)
                     .values(refunded_minor=ot.orders.c.refunded_minor + amount))
        return amount


def pay_owed(engine: Engine, provider: Any) -> None:
    """Try the provider now; a refund it does not confirm stays pending for housekeeping."""
    try:
        order_refunds.pay_pending(engine, provider.refund)
    except Exception:  # noqa: BLE001 - the refund stays owed and is paid by housekeeping
        log.exception("online refunds not paid now; housekeeping retries")


def record(conn: Connection, store_id: str, terminal_id: str, event_id: str, data: dict) -> None:
    """Inside the ingest transaction: keep the return to settle after the commit."""
    conn.execute(insert(taken).values(
        return_id=data["return_id"], event_id=event_id, store_id=store_id, terminal_id=terminal_id,
        original_ref=data["original_ref"], state="pending", payload=json.dumps(data, ensure_ascii=False),
        received_at=_now()))
    if any(tender.get("instead_of") for tender in data["tenders"]):
        mark_cash_instead(conn, data["return_id"], store_id, terminal_id)
    if data.get("exchange"):  # checked at ingest (sync/hq/exchanges.py): the same as marked, or new
        exchange_credits.mark(conn, data["return_id"], store_id, terminal_id, exchange_credits.of_event(data))


def known(conn: Connection, return_id: str) -> bool:
    return conn.scalar(select(taken.c.return_id).where(taken.c.return_id == return_id)) is not None


def ask_of(data: dict, store_id: str, terminal_id: str) -> ReturnAsk:
    tenders: dict[str, int] = {}
    for tender in data["tenders"]:  # cash paid instead of an online payment counts against the online one
        method = tender.get("instead_of") or tender["method"]
        tenders[method] = tenders.get(method, 0) + tender["amount_minor"]
    return ReturnAsk(data["return_id"], data["original_ref"], store_id, terminal_id,
                     {x["line_no"]: (x["qty"], x["refund_minor"]) for x in data["lines"]}, tenders)


def settle_pending(engine: Engine, returnables: ReturnablesService, provider: Any = None) -> int:
    """Settle every kept ``return.taken``: reserve and confirm it (a conflict is kept for the
    manager), and owe an online order's part to the provider. Safe to repeat."""
    with engine.connect() as conn:
        rows = conn.execute(select(taken).where(taken.c.state == "pending").order_by(taken.c.received_at)).all()
    for row in rows:
        data = json.loads(row.payload)
        try:
            state = returnables.take_refunded(ask_of(data, row.store_id, row.terminal_id))
        except ReturnRefused as exc:  # the same id with other content: a conflict too
            log.warning("return %s not settled: %s", row.return_id, exc)
            state = "conflict"
        if state != "conflict":
            owe_online_refund(engine, row.return_id)
        with engine.begin() as conn:
            conn.execute(update(taken).where(taken.c.return_id == row.return_id)
                         .values(state="settled" if state != "conflict" else "conflict"))
    if rows and provider is not None:
        pay_owed(engine, provider)
    return len(rows)
