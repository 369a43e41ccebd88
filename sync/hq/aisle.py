"""Endless aisle at HQ: a till's ``aisle.ordered`` event becomes an online order sourced from
another site, its stock reserved there (docs/stock.md, "Endless aisle"; docs/pickup.md).

:func:`apply_event` runs inside the ingest transaction of the event, so the order row, its
transitions, its lines' reservations and the event's dedupe record commit together: an
event sent twice makes one order. The order is checked against the sale it was paid with
(same terminal, each line an *ordered* line of that sale, same SKU, quantity and net) and
against the source's stock at HQ (on hand less what open aisle orders hold there). A source
that cannot supply it does not refuse the event (the customer has paid): the order is kept
*flagged* (``problem: source_short``), nothing is reserved, and it goes to the selling
store's ``online_orders`` at once so the till shows it.

A sound order stays at HQ until the goods arrive at the store (:func:`arrived`, HQ's admin or
the logistics system): then the source's stock leaves it, the order becomes *ready* and is
published to the store's pick-up queue, where the existing hand-over takes it. A delivery
is closed by :func:`delivered`. The goods never pass through the selling store's books.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, Column, Connection, Index, Integer, String, Table, func, insert, select, update

from store_client.domain import pickup as pk
from store_client.domain.aisle import masked_phone
from store_client.domain import pickup_codes as codes
from sync.hq import aisle_cash
from sync.hq import order_tables as ot
from sync.hq import schema as t
from sync.hq import sites as hq_sites
from sync.hq import stock as hq_stock
from sync.hq.order_events import OrderError, iso, locked, next_counter, notify, publish_order, transition
from sync.hq.schema import metadata
from sync.protocol.aisle_events import KIND  # noqa: F401  (re-exported for the ingest)
from sync.protocol.events import PayloadError

if TYPE_CHECKING:
    from sync.hq.orders import OnlineOrders
    from sync.hq.service import TerminalIdentity

HELD, SHORT, SHIPPED = "held", "short", "shipped"
HOLD_AFTER_PROMISE = timedelta(hours=pk.DEFAULT_HOLD_HOURS)

lines_table = Table(
    "hq_aisle_lines", metadata,
    Column("sale_id", String(36), primary_key=True),  # a sale line is ordered once
    Column("line_no", Integer, primary_key=True),
    Column("order_id", String(36), nullable=False),
    Column("site_id", String(32), nullable=False),
    Column("sku", String(32), nullable=False),
    Column("qty", BigInteger, nullable=False),
    Column("state", String(12), nullable=False),  # held | short | shipped
    Column("at", String(40), nullable=False),
    Index("ix_hq_aisle_lines_site", "site_id", "sku", "state"),
    Index("ix_hq_aisle_lines_order", "order_id"),
)


def held(conn: Connection, site_id: str, sku: str) -> int:
    """What open aisle orders hold of ``sku`` at ``site_id``."""
    return int(conn.scalar(select(func.coalesce(func.sum(lines_table.c.qty), 0)).where(
        lines_table.c.site_id == site_id, lines_table.c.sku == sku, lines_table.c.state == HELD)) or 0)


def available(conn: Connection, site_id: str, sku: str) -> int:
    """On hand at the source less what open aisle orders and its own pick-up orders hold."""
    from sync.hq.pickup_holds import held as pickups_held

    taken = held(conn, site_id, sku) + pickups_held(conn, [site_id]).get((site_id, sku), 0)
    return max((hq_stock.on_hand(conn, site_id, sku) or 0) - taken, 0)


def _sale(conn: Connection, sale_id: str, batch_sales: list[dict]) -> Any:
    row: Any = conn.execute(select(t.sales.c.store_id, t.sales.c.terminal_id, t.sales.c.payload)
                       .where(t.sales.c.sale_id == sale_id)).first()
    if row is None:  # accepted earlier in this same batch?
        row = next((SimpleNamespace(**r) for r in batch_sales if r["sale_id"] == sale_id), None)
    return row


def _check(conn: Connection, who: TerminalIdentity, data: dict, batch_sales: list[dict]) -> None:
    """Refuse (:class:`PayloadError` with a code) an order that does not match its sale."""
    if (data["store_id"], data["terminal_id"]) != (who.store_id, who.terminal_id):
        raise PayloadError(f"aisle.wrong_store: the order is from {data['store_id']}/{data['terminal_id']}, "
                           f"not this terminal {who.store_id}/{who.terminal_id}")
    if conn.scalar(select(ot.orders.c.order_id).where(ot.orders.c.order_id == data["order_id"])) is not None:
        raise PayloadError(f"aisle.order_known: order {data['order_id']} was already received in another event")
    sale = _sale(conn, data["sale_id"], batch_sales)
    if sale is None:
        raise PayloadError(f"aisle.unknown_sale: HQ has not received sale {data['sale_id']}")
    if (sale.store_id, sale.terminal_id) != (who.store_id, who.terminal_id):
        raise PayloadError(f"aisle.unknown_sale: sale {data['sale_id']} was not made on this terminal")
    sold = {line.get("line_no"): line for line in json.loads(sale.payload)["lines"]}  # v2: no line numbers
    for line in data["lines"]:
        paid = sold.get(line["line_no"])
        if paid is None or not paid.get("ordered") or (paid["sku"], paid["qty"], paid["net_minor"]) != (
                line["sku"], line["qty"], line["net_minor"]):
            raise PayloadError(f"aisle.not_on_sale: line {line['line_no']} is not that ordered line of the sale")
    taken = conn.scalar(select(lines_table.c.order_id).where(
        lines_table.c.sale_id == data["sale_id"],
        lines_table.c.line_no.in_([line["line_no"] for line in data["lines"]])))
    if taken is not None:
        raise PayloadError(f"aisle.line_ordered: a line of sale {data['sale_id']} is on order {taken} already")


def apply_event(conn: Connection, who: TerminalIdentity, event_id: str, data: dict, received: str,
                batch_sales: list[dict]) -> str | None:
    """Check and apply one ``aisle.ordered`` event inside the ingest transaction; returns the
    problem the order was flagged with (None: reserved at the source)."""
    _check(conn, who, data, batch_sales)
    site_id = data["source"]["site_id"]
    site = hq_sites.site_of(conn, site_id)
    wanted: dict[str, int] = {}
    for line in data["lines"]:
        wanted[line["sku"]] = wanted.get(line["sku"], 0) + line["qty"]
    problem = None
    if site is None or site.kind != data["source"]["kind"] or site_id == who.store_id or any(
            available(conn, site_id, sku) < qty for sku, qty in wanted.items()):
        problem = "source_short"
    order_id, phone = data["order_id"], data["customer"]["phone"]
    code = data["code"] or codes.new_code()  # a delivery's code is never shown: HQ's own
    promised = datetime.fromisoformat(data["promised_at"])  # the validator checked it is a time with its offset
    body = {"lines": [{**line, "barcodes": [], "discounts": []} for line in data["lines"]],
            "discounts": {}, "allow_substitution": False,
            "check": codes.make_check(order_id, code, phone[-4:]), "picks": [], "handover": None,
            "aisle": {"source_site_id": site_id, "source_name": site.name if site else site_id,
                      "source_kind": data["source"]["kind"], "fulfilment": data["fulfilment"],
                      "receipt_no": data["receipt_no"], "sale_id": data["sale_id"], "problem": problem},
            "delivery_address": data["customer"]["address"]}  # HQ only: never published to a till
    sale = _sale(conn, data["sale_id"], batch_sales)
    body["aisle"]["cash_minor"] = aisle_cash.cash_part(
        conn, {**json.loads(sale.payload), "sale_id": data["sale_id"]}, order_id, data["paid_minor"], lines_table)
    order_no = f"W{next_counter(conn, 'order_no'):06d}"
    conn.execute(insert(ot.orders).values(
        order_id=order_id, order_no=order_no, store_id=who.store_id, member_id=data["member_id"],
        member_name=masked_phone(phone), phone=phone, state=pk.ACCEPTED, code=code,
        ordered_at=data["ordered_at"], accepted_at=received, promised_at=iso(promised),
        hold_until=iso(promised + HOLD_AFTER_PROMISE), provider="store",
        payment_ref=data["receipt_no"][:64], paid_minor=data["paid_minor"], refunded_minor=0, version=0,
        data=json.dumps(body, ensure_ascii=False)))
    source = f"{who.store_id}/{who.terminal_id}"
    transition(conn, order_id, "", pk.PLACED, source, received, {"paid_minor": data["paid_minor"],
                                                                 "channel": "aisle"}, event_id=event_id)
    transition(conn, order_id, pk.PLACED, pk.ACCEPTED, "hq", received,
               {"source_site_id": site_id, "problem": problem})
    conn.execute(insert(lines_table), [
        {"sale_id": data["sale_id"], "line_no": line["line_no"], "order_id": order_id, "site_id": site_id,
         "sku": line["sku"], "qty": line["qty"], "state": SHORT if problem else HELD, "at": received}
        for line in data["lines"]])
    if problem:
        publish_order(conn, order_id)  # the store is told through its online_orders at once
    else:  # the nearby stores see the source's figure with what this order holds there
        conn.execute(update(hq_stock.stock).where(hq_stock.stock.c.store_id == site_id,
                                                  hq_stock.stock.c.sku.in_(list(wanted))).values(dirty=True))
    return problem


def _aisle_row(conn: Connection, order_id: str, fulfilment: str) -> tuple[Any, dict]:
    row = locked(conn, order_id)
    body = json.loads(row.data)
    aisle = body.get("aisle")
    if aisle is None:
        raise OrderError(f"order {row.order_no} is not an endless-aisle order")
    if aisle["problem"]:
        raise OrderError(f"order {row.order_no} is flagged ({aisle['problem']}): its source cannot supply it")
    if aisle["fulfilment"] != fulfilment:
        raise OrderError(f"order {row.order_no} is a {aisle['fulfilment']} order")
    if row.state != pk.ACCEPTED:
        raise OrderError(f"order {row.order_no} is {row.state}, not waiting for its goods")
    return row, body


def _ship(conn: Connection, row: Any, body: dict, at: str) -> None:
    """The goods leave the source: its stock moves, its reservation ends."""
    site = body["aisle"]["source_site_id"]
    hq_stock._move(conn, site, [(line["sku"], -line["qty"], at) for line in body["lines"]])
    conn.execute(update(lines_table).where(lines_table.c.order_id == row.order_id, lines_table.c.state == HELD)
                 .values(state=SHIPPED, at=at))


def arrived(orders: OnlineOrders, order_id: str) -> None:
    """A pick-up-here order's goods arrived at the store: ready, in its pick-up queue."""
    with orders.engine.begin() as conn:
        row, body = _aisle_row(conn, order_id, "pickup")
        at = iso(orders.now())
        _ship(conn, row, body, at)
        body["picks"] = [{"line_no": line["line_no"], "picked": line["qty"], "short_reason": None,
                          "substitute_sku": None} for line in body["lines"]]
        conn.execute(update(ot.orders).where(ot.orders.c.order_id == order_id).values(
            state=pk.READY, ready_at=at, version=row.version + 1, data=json.dumps(body, ensure_ascii=False)))
        transition(conn, order_id, row.state, pk.READY, "hq", at, {"arrived_from": body["aisle"]["source_site_id"]})
        notify(conn, row, "ready", at, {"order_no": row.order_no, "code": row.code,
                                        "hold_until": row.hold_until, "short_minor": 0})
        publish_order(conn, order_id)
    orders.service._publish_stock()


def delivered(orders: OnlineOrders, order_id: str) -> None:
    """A home delivery reached the customer: the order is collected."""
    with orders.engine.begin() as conn:
        row, body = _aisle_row(conn, order_id, "delivery")
        at = iso(orders.now())
        _ship(conn, row, body, at)
        conn.execute(update(ot.orders).where(ot.orders.c.order_id == order_id).values(
            state=pk.COLLECTED, closed_at=at, version=row.version + 1))
        transition(conn, order_id, row.state, pk.COLLECTED, "hq", at, {"delivered": True})
    orders.service._publish_stock()
