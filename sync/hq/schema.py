"""HQ tables (SQLAlchemy Core), created with ``metadata.create_all``.

Exactly-once rests on two things here: ``hq_events.event_id`` is a primary key
(a second insert of the same event cannot commit) and ``hq_terminals.last_seq``
is updated in the same transaction as the event's effects. Dedupe rows are
never deleted. An id belongs to the terminal that sent it first: the same id
from another terminal is rejected, never acknowledged with the first one's answer.
"""

from __future__ import annotations

from sqlalchemy import (
                        BigInteger,
                        Boolean,
                        Column,
                        Index,
                        Integer,
                        MetaData,
                        String,
                        Table,
                        Text,
                        UniqueConstraint,
)

metadata = MetaData()

stores = Table(
    "hq_stores", metadata,
    Column("store_id", String(32), primary_key=True),
    Column("name", String(200), nullable=False, default=""),
)

terminals = Table(
    "hq_terminals", metadata,
    Column("store_id", String(32), primary_key=True),
    Column("terminal_id", String(32), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("last_seq", BigInteger, nullable=False, default=0),
    Column("reset_epoch", Integer, nullable=False, default=0),
)

events = Table(
    "hq_events", metadata,
    Column("event_id", String(36), primary_key=True),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("kind", String(64), nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("received_at", String(40), nullable=False),
    Column("ack", Text, nullable=False),  # the original acknowledgement, returned to duplicates
)

rejections = Table(
    "hq_rejections", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("seq", BigInteger, nullable=True),
    Column("kind", String(64), nullable=True),
    Column("reason", Text, nullable=False),
    Column("received_at", String(40), nullable=False),
)

sales = Table(
    "hq_sales", metadata,
    Column("sale_id", String(36), primary_key=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("total_minor", BigInteger, nullable=False),
    Column("discount_minor", BigInteger, nullable=False),
    Column("completed_at", String(40), nullable=False),
    Column("payload", Text, nullable=False),
    Index("ix_hq_sales_store_seq", "store_id", "terminal_id", "seq"),
)

audit = Table(
    "hq_audit", metadata,
    Column("event_id", String(36), primary_key=True),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("action", String(64), nullable=False),
    Column("at", String(40), nullable=False),
    Column("details", Text, nullable=False),
)

# The terminals' audit hash chains as received (audit.entry events with their link), so a
# terminal's local chain can be compared with HQ's copy. ``epoch`` is the terminal's reset
# epoch: a wiped terminal starts a new chain at seq 1.
audit_chain = Table(
    "hq_audit_chain", metadata,
    Column("event_id", String(36), primary_key=True),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("epoch", Integer, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("entry", Text, nullable=False),  # at, operator_id, action, target, details (JSON)
    Index("ix_hq_audit_chain_seq", "store_id", "terminal_id", "epoch", "seq"),
)

# Shift events (opened, pay-in/out, closed with counts and over/short), payload kept whole.
shift_events = Table(
    "hq_shift_events", metadata,
    Column("event_id", String(36), primary_key=True),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("shift_id", String(36), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("payload", Text, nullable=False),
    Index("ix_hq_shift_events_shift", "shift_id", "seq"),
)

# Returns ("return.completed"): one row per return; sale_id is the original sale.
returns = Table(
    "hq_returns", metadata,
    Column("return_id", String(36), primary_key=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("sale_id", String(36), nullable=False),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("refund_minor", BigInteger, nullable=False),
    Column("completed_at", String(40), nullable=False),
    Column("payload", Text, nullable=False),
    Index("ix_hq_returns_sale", "sale_id"),
)

counters = Table(
    "hq_counters", metadata,
    Column("name", String(32), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

# Current state of every dataset row; an update moves the row to a new change_seq,
# a delete keeps it as a tombstone. Scope is a store id, or '*' for all stores.
dataset_rows = Table(
    "hq_dataset_rows", metadata,
    Column("dataset", String(32), primary_key=True),
    Column("scope", String(32), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("change_seq", BigInteger, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("data", Text, nullable=True),
    UniqueConstraint("change_seq", name="uq_hq_dataset_rows_change_seq"),
    Index("ix_hq_dataset_rows_feed", "dataset", "change_seq"),
)

dataset_epochs = Table(
    "hq_dataset_epochs", metadata,
    Column("dataset", String(32), primary_key=True),
    Column("epoch", Integer, nullable=False),
)
