"""Stock at HQ: on hand per store from the stores' movements, and counts totalled across tills.

Applied inside the ingest transaction of the event that carries them, so an event counts
exactly once (HQ's event dedupe) and a crash leaves both or neither. A position that moved
is marked *dirty*; :func:`publish_dirty` then puts it into the store's ``stock_levels``
dataset and the ``stock_nearby`` of the stores that have it as a neighbour (after the
commit, and again at start-up for anything a crash left dirty), so a sale in one store
reaches the other channels within one sync round.

Count scans from several tills land here one by one, keyed by the scan's own id: a plan's
totals are exact however and however often the tills deliver them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, Connection, Index, Integer, String, Table, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sync.hq.schema import metadata
from sync.protocol.events import PayloadError

stock = Table(
    "hq_stock", metadata,
    Column("store_id", String(32), primary_key=True),
    Column("sku", String(32), primary_key=True),
    Column("on_hand", BigInteger, nullable=False),
    Column("as_of", String(40), nullable=False),
    Column("dirty", Boolean, nullable=False),
    Index("ix_hq_stock_dirty", "dirty", "store_id"),
)

count_scans = Table(
    "hq_count_scans", metadata,
    Column("scan_id", String(64), primary_key=True),
    Column("plan_id", String(36), nullable=False),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("sku", String(32), nullable=False),
    Column("qty", Integer, nullable=False),
    Column("round", Integer, nullable=False),
    Column("at", String(40), nullable=False),
    Index("ix_hq_count_scans_plan", "plan_id", "sku", "round"),
)

KINDS = frozenset({"stock.moved", "stock.count_scanned", "stock.count_posted", "stock.count_planned",
                   "stock.count_cancelled"})


def _insert(conn: Connection, table: Table) -> Any:
    return (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(table)


def check_origin(store_id: str, data: dict) -> str | None:
    """Why a stock event may not come from this terminal's store (None: it may)."""
    if data["store_id"] != store_id:
        return f"stock of store {data['store_id']} sent by a terminal of {store_id}"
    return None


def apply_event(conn: Connection, store_id: str, kind: str, data: dict, terminal_id: str | None = None) -> None:
    """Apply a validated stock event of ``store_id`` (sent by ``terminal_id``) inside the
    caller's transaction. A count's plan, scans and close are shared with the store's tills
    (:mod:`sync.hq.count_plans`).

    A posted count moves stock through the ``stock.moved`` event the till sends with it (its
    adjustment movements); ``stock.count_posted`` is the record of who approved what, kept
    with the events, so applying its adjustments too would count them twice."""
    from sync.hq import count_plans

    if kind == "stock.moved":
        _move(conn, store_id, [(m["sku"], m["delta"], m["at"]) for m in data["movements"]])
    elif kind == "stock.count_scanned":
        if terminal_id is not None and data["terminal_id"] != terminal_id:
            raise PayloadError(f"a scan of till {data['terminal_id']} sent by till {terminal_id}")
        conn.execute(_insert(conn, count_scans).values(
            scan_id=data["scan_id"], plan_id=data["plan_id"], store_id=store_id, terminal_id=data["terminal_id"],
            sku=data["sku"], qty=data["qty"], round=data["round"], at=data["at"]).on_conflict_do_nothing())
        count_plans.publish_totals(conn, store_id, data["plan_id"], data["sku"])
    elif kind == "stock.count_posted":
        count_plans.posted(conn, store_id, data["terminal_id"], data["plan_id"])
    elif kind in count_plans.KINDS:
        count_plans.apply_event(conn, store_id, terminal_id or data["terminal_id"], kind, data)


def apply_sale(conn: Connection, store_id: str, sale: dict) -> None:
    """A store sale takes its lines off that store's stock (the sale event carries them); an
    ordered line (endless aisle) was not here: its source's stock moves with its order."""
    _move(conn, store_id, [(line["sku"], -line["qty"], sale["completed_at"]) for line in sale["lines"]
                           if not line.get("ordered")])


def apply_return(conn: Connection, store_id: str, ret: dict) -> None:
    """A return puts the lines that go back to stock in the returning store's stock; a damaged
    line or one kept for the vendor is not sellable (the validated event gives every line its
    disposition: an old till's damaged-goods return has none back to stock)."""
    _move(conn, store_id, [(line["sku"], line["qty"], ret["completed_at"]) for line in ret["lines"]
                           if line.get("disposition", "restock") == "restock"])


def apply_pickup(conn: Connection, store_id: str, taken: list[tuple[str, int]], at: str) -> None:
    """An online order handed over in ``store_id``: what the customer took (SKU, quantity)
    leaves that store's stock, inside the ingest of the hand-over HQ accepted."""
    _move(conn, store_id, [(sku, -qty, at) for sku, qty in taken])


def as_of(at: str, now: datetime) -> str:
    """The time HQ's figure carries for a movement a till dated ``at``: that time, but never
    after HQ's own clock (a till whose clock runs ahead would pin the figure as fresh for as
    long as it runs ahead), and HQ's time for text that is not a time with its offset (the
    figures' times are compared as text: "zzzz" would sort above every real time, for good)."""
    try:
        moment = datetime.fromisoformat(at)
    except (TypeError, ValueError):
        moment = None
    if moment is None or moment.tzinfo is None or moment > now:
        return now.isoformat(timespec="microseconds")
    return at


def _move(conn: Connection, store_id: str, moves: list[tuple[str, int, str]]) -> None:
    now = datetime.now(UTC)
    for sku, delta, raw_at in moves:
        at = as_of(raw_at, now)
        stmt = _insert(conn, stock).values(store_id=store_id, sku=sku, on_hand=delta, as_of=at, dirty=True)
        conn.execute(stmt.on_conflict_do_update(
            index_elements=[stock.c.store_id, stock.c.sku],
            set_={"on_hand": stock.c.on_hand + delta, "dirty": True,
                  "as_of": func.max(stock.c.as_of, at) if conn.dialect.name == "sqlite"
                  else func.greatest(stock.c.as_of, at)}))


def on_hand(conn: Connection, store_id: str, sku: str) -> int | None:
    return conn.scalar(select(stock.c.on_hand).where(stock.c.store_id == store_id, stock.c.sku == sku))


def plan_totals(conn: Connection, plan_id: str) -> dict[str, int]:
    """Per SKU, what every till counted for ``plan_id`` in that SKU's latest round."""
    latest = {sku: rnd for sku, rnd in conn.execute(select(count_scans.c.sku, func.max(count_scans.c.round)).where(
        count_scans.c.plan_id == plan_id).group_by(count_scans.c.sku))}
    totals: dict[str, int] = {}
    for sku, rnd, qty in conn.execute(select(count_scans.c.sku, count_scans.c.round, func.sum(count_scans.c.qty))
                                      .where(count_scans.c.plan_id == plan_id)
                                      .group_by(count_scans.c.sku, count_scans.c.round)):
        if rnd == latest[sku]:
            totals[sku] = int(qty)
    return totals


def publish_dirty(service: Any, *, batch: int = 5_000) -> int:
    """Publish every position that moved (its store's ``stock_levels``, its neighbours'
    ``stock_nearby``); see :mod:`sync.hq.stock_publish`."""
    from sync.hq.stock_publish import publish_dirty as publish

    return publish(service, batch=batch)
