"""HQ's copy of each terminal's audit hash chain, for ``audit verify --against-hq``.

The local chain can be rewritten wholesale on the terminal (re-hash everything,
or drop the tail and rewind the anchor) and still verify on its own; HQ's copy,
received through the outbox, cannot be rewritten from there. The terminal pages
through HQ's entries by sequence and compares hashes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select

from sync.hq import schema as t

if TYPE_CHECKING:
    from sync.hq.service import TerminalIdentity

MAX_AUDIT_PAGE = 1000


def chain_row(who: TerminalIdentity, event_id: str, data: dict) -> dict:
    """The ``hq_audit_chain`` row of a validated ``audit.entry`` that carries its link."""
    entry = {k: data[k] for k in ("at", "operator_id", "action", "target", "details")}
    return {"event_id": event_id, "store_id": who.store_id, "terminal_id": who.terminal_id,
            "epoch": who.reset_epoch, "seq": data["seq"], "hash": data["hash"],
            "prev_hash": data["prev_hash"], "entry": json.dumps(entry, ensure_ascii=False)}


def audit_page(engine: Engine, who: TerminalIdentity, after: int, limit: int) -> dict:
    """Entries of the terminal's current chain with ``seq > after``, in order.

    A sequence number HQ holds twice (the terminal resent a rewritten entry under a new
    event id) is listed twice: that is a divergence the terminal must see.
    """
    c = t.audit_chain.c
    query = (select(c.seq, c.hash, c.prev_hash, c.entry)
             .where(c.store_id == who.store_id, c.terminal_id == who.terminal_id,
                    c.epoch == who.reset_epoch, c.seq > after)
             .order_by(c.seq, c.event_id).limit(limit + 1))
    with engine.connect() as conn:
        rows = list(conn.execute(query))
    entries = [{"seq": r.seq, "hash": r.hash, "prev_hash": r.prev_hash, **json.loads(r.entry)}
               for r in rows[:limit]]
    return {"entries": entries, "has_more": len(rows) > limit}
