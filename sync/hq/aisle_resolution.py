"""Resolving a flagged endless-aisle order, at HQ (docs/stock.md, "Endless aisle").

An order whose source was short when HQ received it is kept *flagged* and shown on the
selling store's Pick-up list. The store resolves it once, with one of two till events,
applied inside the ingest transaction (so exactly once, like every event):

* ``aisle.resourced``: another store or a warehouse supplies it. HQ checks that source has
  every line available now (on hand less what is held there), holds the lines there, clears
  the flag and takes the order off the store's pick-up list until the goods arrive (then it
  comes back ready, :func:`sync.hq.aisle.arrived`).
* ``aisle.cancelled``: the order is cancelled and what the customer paid for it is refunded:
  the cash part the till paid back from its drawer (``cash_minor``, at most what the order
  was paid in cash, :mod:`sync.hq.aisle_cash`), the rest through HQ's refund ledger of
  online orders (:mod:`sync.hq.order_refunds`), which pays it back to the sale's payment
  and retries until the provider confirms. The cash part is never owed to the ledger.

Refused with a code (the event is rejected, nothing changes): an unknown order
(``aisle.unknown_order``), not an endless-aisle order (``aisle.not_aisle``), another store's
(``aisle.wrong_store``), not flagged or resolved already (``aisle.resolved``), a source
that is not registered as that kind, is the store itself or lacks the stock
(``aisle.source_short``), a refund that is not what is left of the payment
(``aisle.refund_mismatch``), more cash paid at the till than the order was paid in cash
(``aisle.cash_mismatch``).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select, update

from store_client.domain import pickup as pk
from sync.hq import aisle_cash
from sync.hq import order_tables as ot
from sync.hq import schema as t
from sync.hq import sites as hq_sites
from sync.hq import stock as hq_stock
from sync.hq.aisle import HELD, HOLD_AFTER_PROMISE, available, lines_table
from sync.hq.feed_rows import delete_row
from sync.hq.order_events import close, iso, notify, transition
from sync.protocol.aisle_resolution_events import CANCELLED, RESOURCED
from sync.protocol.events import PayloadError

if TYPE_CHECKING:
    from sync.hq.service import TerminalIdentity

KINDS = frozenset({RESOURCED, CANCELLED})


def _flagged(conn: Connection, who: TerminalIdentity, data: dict) -> tuple[Any, dict]:
    if (data["store_id"], data["terminal_id"]) != (who.store_id, who.terminal_id):
        raise PayloadError(f"aisle.wrong_store: sent as {data['store_id']}/{data['terminal_id']} by "
                           f"{who.store_id}/{who.terminal_id}")
    row = conn.execute(select(ot.orders).where(ot.orders.c.order_id == data["order_id"]).with_for_update()).first()
    if row is None:
        raise PayloadError(f"aisle.unknown_order: no order {data['order_id']}")
    body = json.loads(row.data)
    aisle = body.get("aisle")
    if aisle is None:
        raise PayloadError(f"aisle.not_aisle: order {row.order_no} is not an endless-aisle order")
    if row.store_id != who.store_id:
        raise PayloadError(f"aisle.wrong_store: order {row.order_no} was sold by store {row.store_id}")
    if not aisle.get("problem") or row.state != pk.ACCEPTED:
        raise PayloadError(f"aisle.resolved: order {row.order_no} is not flagged (resolved already?)")
    return row, body


def _cash_part(conn: Connection, row: Any, body: dict) -> int:
    """What of the order was paid in cash (kept with it; worked out from its sale for an
    order received before HQ kept it)."""
    kept = body["aisle"].get("cash_minor")
    if kept is not None:
        return int(kept)
    sale = conn.scalar(select(t.sales.c.payload).where(t.sales.c.sale_id == body["aisle"]["sale_id"]))
    if sale is None:
        return 0
    return aisle_cash.cash_part(conn, {**json.loads(sale), "sale_id": body["aisle"]["sale_id"]}, row.order_id,
                                row.paid_minor, lines_table)


def apply_event(conn: Connection, who: TerminalIdentity, kind: str, data: dict, received: str) -> None:
    row, body = _flagged(conn, who, data)
    source = f"{who.store_id}/{who.terminal_id}"
    if kind == CANCELLED:
        left = row.paid_minor - row.refunded_minor
        if data["refund_minor"] != left:
            raise PayloadError(f"aisle.refund_mismatch: {left} is left to refund, not {data['refund_minor']}")
        cash, allowed = data.get("cash_minor", 0), _cash_part(conn, row, body)
        if cash > allowed:
            raise PayloadError(f"aisle.cash_mismatch: order {row.order_no} was paid {allowed} in cash, "
                               f"not {cash}")
        close(conn, row, pk.CANCELLED, received, source,
              {"reason": data["reason"], "operator_id": data["operator_id"], "approved_by": data["approved_by"],
               "cash_at_till_minor": cash}, left, "aisle_cancelled", owed=left - cash)
        notify(conn, row, "cancelled", received, {"order_no": row.order_no})
        return
    site_id, kind_ = data["source"]["site_id"], data["source"]["kind"]
    site = hq_sites.site_of(conn, site_id)
    wanted: dict[str, int] = {}
    for line in body["lines"]:
        wanted[line["sku"]] = wanted.get(line["sku"], 0) + line["qty"]
    short = [sku for sku, qty in wanted.items() if available(conn, site_id, sku) < qty]
    if site is None or site.kind != kind_ or site_id == who.store_id or short:
        raise PayloadError(f"aisle.source_short: {site_id} cannot supply order {row.order_no} now"
                           + (f" (short of {', '.join(short)})" if short else ""))
    before = body["aisle"]["source_site_id"]
    body["aisle"].update(source_site_id=site_id, source_name=site.name, source_kind=kind_, problem=None,
                         resourced_from=before)
    promised = datetime.fromisoformat(data["promised_at"])
    conn.execute(update(ot.orders).where(ot.orders.c.order_id == row.order_id).values(
        data=json.dumps(body, ensure_ascii=False), promised_at=iso(promised),
        hold_until=iso(promised + HOLD_AFTER_PROMISE), version=row.version + 1))
    conn.execute(update(lines_table).where(lines_table.c.order_id == row.order_id).values(
        site_id=site_id, state=HELD, at=received))
    transition(conn, row.order_id, row.state, row.state, source, received,
               {"resourced_from": before, "source_site_id": site_id, "operator_id": data["operator_id"]})
    conn.execute(update(hq_stock.stock).where(hq_stock.stock.c.store_id == site_id,
                                              hq_stock.stock.c.sku.in_(list(wanted))).values(dirty=True))
    delete_row(conn, "online_orders", row.store_id, row.order_id)  # back on the list when it arrives
