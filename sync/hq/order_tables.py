"""HQ tables of the online channel (on the same metadata as sync/hq/schema.py).

An order's current state is ``hq_orders.state``; every transition that HQ accepted is a
row of ``hq_order_transitions`` keyed by its event id (a terminal's event id, or one HQ
made for its own transitions), so a transition is stored once however often it arrives.
Refunds are written in the transaction of the change that owes them and paid afterwards
(sync/hq/order_refunds.py), keyed by their request id.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text, UniqueConstraint

from sync.hq.schema import metadata

orders = Table(
    "hq_orders", metadata,
    Column("order_id", String(36), primary_key=True),
    Column("order_no", String(16), nullable=False, unique=True),
    Column("store_id", String(32), nullable=False),
    Column("member_id", String(32), nullable=True),
    Column("member_name", String(64), nullable=False),
    Column("phone", String(20), nullable=False),
    Column("state", String(24), nullable=False),
    Column("code", String(6), nullable=False),  # sent to the customer; terminals get a check
    Column("ordered_at", String(40), nullable=False),
    Column("accepted_at", String(40), nullable=True),
    Column("promised_at", String(40), nullable=False),
    Column("ready_at", String(40), nullable=True),
    Column("hold_until", String(40), nullable=False),
    Column("closed_at", String(40), nullable=True),
    Column("handed_over_by", String(32), nullable=True),
    Column("provider", String(16), nullable=False),
    Column("payment_ref", String(64), nullable=False),
    Column("paid_minor", BigInteger, nullable=False),
    Column("refunded_minor", BigInteger, nullable=False, default=0),
    Column("version", Integer, nullable=False, default=0),
    Column("data", Text, nullable=False),  # lines, discounts, picks, hand-over: JSON
    Index("ix_hq_orders_store_state", "store_id", "state"),
)

transitions = Table(
    "hq_order_transitions", metadata,
    Column("event_id", String(36), primary_key=True),
    Column("order_id", String(36), nullable=False),
    Column("from_state", String(24), nullable=False),
    Column("to_state", String(24), nullable=False),
    Column("source", String(64), nullable=False),  # "hq" or "<store>/<terminal>"
    Column("at", String(40), nullable=False),
    Column("details", Text, nullable=False),
    Index("ix_hq_order_transitions_order", "order_id"),
)

notifications = Table(
    "hq_order_notifications", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", String(36), nullable=False),
    Column("kind", String(16), nullable=False),  # ready | reminder | refund | cancelled
    Column("channel", String(16), nullable=False),  # sms | wechat
    Column("template", String(64), nullable=False),
    Column("params", Text, nullable=False),
    Column("at", String(40), nullable=False),
    UniqueConstraint("order_id", "kind", "channel", name="uq_hq_order_notification"),
)

refunds = Table(
    "hq_order_refunds", metadata,
    Column("request_id", String(36), primary_key=True),
    Column("order_id", String(36), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("reason", String(32), nullable=False),  # short_pick | refused | cancelled | not_collected
    Column("details", Text, nullable=False),
    Column("status", String(12), nullable=False),  # pending | done
    Column("attempts", Integer, nullable=False, default=0),
    Column("provider_ref", String(64), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", String(40), nullable=False),
    Column("done_at", String(40), nullable=True),
    Index("ix_hq_order_refunds_status", "status"),
)

# The simulated payment provider's own ledger: it answers a repeated request id with the
# first answer, which is what makes HQ's retries safe.
provider_refunds = Table(
    "hq_sim_provider_refunds", metadata,
    Column("request_id", String(36), primary_key=True),
    Column("payment_ref", String(64), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("provider_ref", String(64), nullable=False),
    Column("at", String(40), nullable=False),
)

signing_keys = Table(
    "hq_pickup_signing_keys", metadata,
    Column("key_id", String(16), primary_key=True),
    Column("private_key", Text, nullable=False),  # base64; the reference HQ keeps it in its DB
    Column("public_key", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
)
