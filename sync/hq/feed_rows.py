"""Publishing a change-feed row inside the caller's transaction.

:meth:`HQService.publish` opens its own transaction; an HQ change that must reach the
tills together with its effect (an order's new state, an enrollment's credit) publishes
with :func:`publish_row` in the transaction that makes the change, so both commit or
neither does.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, insert, update

from sync.hq import schema as t
from sync.protocol.datasets import validate_row


def publish_row(conn: Connection, dataset: str, scope: str, key: str, data: dict) -> None:
    """Upsert one row of ``dataset`` for ``scope`` (the counter row lock orders the numbers)."""
    validate_row(dataset, key, data)
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    seq = conn.execute(update(t.counters).where(t.counters.c.name == "change_seq").values(
        value=t.counters.c.value + 1).returning(t.counters.c.value)).scalar_one()
    found = conn.execute(update(t.dataset_rows).where(
        t.dataset_rows.c.dataset == dataset, t.dataset_rows.c.scope == scope,
        t.dataset_rows.c.key == key).values(change_seq=seq, deleted=False, data=text)).rowcount
    if not found:
        conn.execute(insert(t.dataset_rows).values(dataset=dataset, scope=scope, key=key,
                                                   change_seq=seq, deleted=False, data=text))


def delete_row(conn: Connection, dataset: str, scope: str, key: str) -> None:
    """Delete one row of ``dataset`` for ``scope`` (a tombstone the tills pull), if it is there."""
    seq = conn.execute(update(t.counters).where(t.counters.c.name == "change_seq").values(
        value=t.counters.c.value + 1).returning(t.counters.c.value)).scalar_one()
    conn.execute(update(t.dataset_rows).where(
        t.dataset_rows.c.dataset == dataset, t.dataset_rows.c.scope == scope, t.dataset_rows.c.key == key,
        t.dataset_rows.c.deleted.is_(False)).values(change_seq=seq, deleted=True, data=None))
