"""A store's return conflicts and credit-note overdrafts, published to its tills for the
manager, and the manager's resolution of each (docs/sync-protocol.md, "Return issues").

* A conflict (``hq_return_conflicts``, sync/hq/returnables.py) is published in the
  transaction that records it; an overdraft (``hq_credit_overdrafts``,
  sync/hq/credit_notes.py) in the ingest transaction of the sale that made it. Either both
  commit or neither does, so an issue is never recorded and left unpublished; what an HQ of
  an earlier version recorded is published once at start-up (:func:`publish_missing`).
* ``return.issue_resolved`` is accepted once per issue, and only from a till of the issue's
  own store; its row is published again with the resolution, so every till of the store
  sees it closed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Column, Connection, Engine, String, Table, insert, select

from sync.hq import schema as t
from sync.hq.feed_rows import publish_row
from sync.hq.schema import metadata
from sync.protocol.events import PayloadError
from sync.protocol.return_issues import DATASET, EVENT_KIND

__all__ = ["DATASET", "EVENT_KIND", "check_resolution", "publish_conflict", "publish_overdrafts",
           "publish_missing", "record_resolution", "resolutions"]

resolutions = Table(
    "hq_return_issue_resolutions", metadata,
    Column("issue_id", String(64), primary_key=True),  # one resolution per issue, ever
    Column("kind", String(16), nullable=False),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("operator_id", String(16), nullable=False),
    Column("resolution", String(16), nullable=False),
    Column("reason", String(200), nullable=False),
    Column("resolved_at", String(40), nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("received_at", String(40), nullable=False),
)


def _ref_id(ref: str) -> str:
    return ref.partition(":")[2] or ref


def publish_conflict(conn: Connection, ask: Any, code: str, original: Any, at: str) -> None:
    """A return taken offline that no longer fitted (``ask``: its :class:`ReturnAsk`), in the
    transaction that records the conflict. The stores: the sale's, this one, and every store
    whose return of the same original holds the goods now."""
    from sync.hq.cross_returns import taken
    from sync.hq.returnables import reservations

    sent = conn.scalar(select(taken.c.payload).where(taken.c.return_id == ask.return_id))
    others = conn.scalars(select(reservations.c.store_id).where(
        reservations.c.original_ref == ask.original_ref, reservations.c.return_id != ask.return_id,
        reservations.c.state != "released"))
    stores = [s for s in (getattr(original, "store_id", None), ask.store_id, *others) if s]
    lines = original.lines if original is not None else {}
    row = {"issue_id": ask.return_id, "kind": "conflict", "sale_id": _ref_id(ask.original_ref),
           "original_ref": ask.original_ref, "receipt_no": json.loads(sent).get("receipt_no") if sent else None,
           "lines": [{"line_no": n, "sku": lines[n].sku if n in lines else "?", "qty": qty, "refund_minor": fen}
                     for n, (qty, fen) in sorted(ask.lines.items())],
           "stores": list(dict.fromkeys(stores)), "terminal_id": ask.terminal_id,
           "amount_minor": sum(fen for _qty, fen in ask.lines.values()), "code_tail": None,
           "cause": code, "at": at, "resolution": None, "resolved_at": None}
    publish_row(conn, DATASET, ask.store_id, ask.return_id, row)


def publish_overdrafts(conn: Connection, sale: dict) -> None:
    """The overdrafts ``sale`` (a ``sale.completed`` just ingested) made, in its transaction.
    The stores: the note's issuing store, every other store that spent it, then this one."""
    from sync.hq.credit_notes import notes, overdrafts, spends

    ids = [p["credit_note"]["spend_id"] for p in sale["payments"] if p.get("credit_note")]
    if not ids:
        return
    for o in conn.execute(select(overdrafts).where(overdrafts.c.spend_id.in_(ids))):
        _publish_overdraft(conn, o, notes, spends, sale.get("receipt_no"))


def _publish_overdraft(conn: Connection, o: Any, notes: Table, spends: Table, receipt_no: str | None) -> None:
    issuer = conn.scalar(select(notes.c.store_id).where(notes.c.code == o.code))
    elsewhere = conn.scalars(select(spends.c.store_id).where(spends.c.code == o.code,
                                                             spends.c.spend_id != o.spend_id))
    stores = [s for s in (issuer, *elsewhere, o.store_id) if s]
    row = {"issue_id": o.spend_id, "kind": "overdraft", "sale_id": o.sale_id, "original_ref": f"sale:{o.sale_id}",
           "receipt_no": receipt_no,
           "lines": [], "stores": list(dict.fromkeys(stores)), "terminal_id": o.terminal_id,
           "amount_minor": o.amount_minor - o.taken_minor, "code_tail": o.code[-4:], "cause": o.reason,
           "at": o.at, "resolution": None, "resolved_at": None}
    publish_row(conn, DATASET, o.store_id, o.spend_id, row)


def _issue_store(conn: Connection, kind: str, issue_id: str) -> str | None:
    from sync.hq.credit_notes import overdrafts
    from sync.hq.returnables import conflict_rows

    if kind == "conflict":
        return conn.scalar(select(conflict_rows.c.store_id).where(conflict_rows.c.return_id == issue_id))
    return conn.scalar(select(overdrafts.c.store_id).where(overdrafts.c.spend_id == issue_id))


def check_resolution(conn: Connection, store_id: str, data: dict) -> None:
    """Before recording: an issue of this kind, of this store, not resolved yet."""
    if _issue_store(conn, data["kind"], data["issue_id"]) != store_id:
        raise PayloadError(f"no {data['kind']} {data['issue_id']} of store {store_id}")
    if conn.scalar(select(resolutions.c.issue_id).where(resolutions.c.issue_id == data["issue_id"])) is not None:
        raise PayloadError(f"{data['kind']} {data['issue_id']} was already resolved")


def record_resolution(conn: Connection, event_id: str, data: dict, received: str) -> None:
    """In the ingest transaction: the resolution, and the issue's row published closed."""
    conn.execute(insert(resolutions).values(
        issue_id=data["issue_id"], kind=data["kind"], store_id=data["store_id"], terminal_id=data["terminal_id"],
        operator_id=data["operator_id"], resolution=data["resolution"], reason=data["reason"],
        resolved_at=data["resolved_at"], event_id=event_id, received_at=received))
    text = conn.scalar(select(t.dataset_rows.c.data).where(
        t.dataset_rows.c.dataset == DATASET, t.dataset_rows.c.scope == data["store_id"],
        t.dataset_rows.c.key == data["issue_id"]))
    if text:
        row = {**json.loads(text), "resolution": data["resolution"], "resolved_at": data["resolved_at"]}
        publish_row(conn, DATASET, data["store_id"], data["issue_id"], row)


def publish_missing(engine: Engine, load_original: Callable[[Connection, str], Any]) -> int:
    """Publish the issues recorded before this version (no row yet); returns how many."""
    from sync.hq.credit_notes import notes, overdrafts, spends
    from sync.hq.cross_returns import ask_of, taken
    from sync.hq.returnables import conflict_rows

    done = 0
    with engine.begin() as conn:
        have = set(conn.scalars(select(t.dataset_rows.c.key).where(t.dataset_rows.c.dataset == DATASET)))
        for c in conn.execute(select(conflict_rows, taken.c.payload, taken.c.terminal_id).join(
                taken, taken.c.return_id == conflict_rows.c.return_id)):
            if c.return_id not in have:
                ask = ask_of(json.loads(c.payload), c.store_id, c.terminal_id)
                publish_conflict(conn, ask, c.code, load_original(conn, c.original_ref), c.created_at)
                done += 1
        for o in conn.execute(select(overdrafts)):
            if o.spend_id not in have:
                payload = conn.scalar(select(t.sales.c.payload).where(t.sales.c.sale_id == o.sale_id))
                _publish_overdraft(conn, o, notes, spends, json.loads(payload).get("receipt_no") if payload else None)
                done += 1
    return done
