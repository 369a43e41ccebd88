"""Shelf price history, returns without a receipt, store credit notes.

``price_history``: each shelf price change with the UTC time it reached the till (keyed by
SKU then time, so "the price in effect at the window's start" and "the changes since" are
index seeks on a 1M-product catalog). ``no_receipt_returns`` and ``credit_notes``:
services/no_receipt_returns.py (docs/returns.md "Without a receipt").

Revision ID: 0019
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "price_history",
        sa.Column("sku", sa.String(32), primary_key=True),
        sa.Column("since", sa.String(40), primary_key=True),
        sa.Column("price_minor", sa.Integer, nullable=False),
    )
    op.create_table(
        "no_receipt_returns",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("request_id", sa.String(36), nullable=False, unique=True),
        sa.Column("return_no", sa.String(80), nullable=False, unique=True),
        sa.Column("return_seq", sa.Integer, nullable=False),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("terminal_id", sa.String(32), nullable=False),
        sa.Column("operator_id", sa.String(16), nullable=False),
        sa.Column("approved_by", sa.String(16), nullable=False),
        sa.Column("reason_code", sa.String(16), nullable=False),
        sa.Column("reason_text", sa.Text, nullable=False, server_default=""),
        sa.Column("completed_at", sa.String(40), nullable=False),
        sa.Column("refund_fen", sa.Integer, nullable=False),
        sa.Column("tender", sa.String(16), nullable=False),
        sa.Column("cash_fen", sa.Integer, nullable=False),
        sa.Column("credit_code", sa.String(16), nullable=True),
        sa.Column("lines", sa.Text, nullable=False),
        sa.Column("outbox_event_id", sa.String(36), nullable=False),
        sa.Column("shift_id", sa.String(36), nullable=True),
        sa.Column("print_job_id", sa.Integer, nullable=True),
    )
    op.create_index("ix_no_receipt_returns_till_day", "no_receipt_returns", ["terminal_id", "completed_at"])
    op.create_table(
        "credit_notes",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("amount_fen", sa.Integer, nullable=False),
        sa.Column("remaining_fen", sa.Integer, nullable=False),
        sa.Column("return_id", sa.String(36), nullable=False, unique=True),
        sa.Column("issued_at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("credit_notes")
    op.drop_index("ix_no_receipt_returns_till_day", table_name="no_receipt_returns")
    op.drop_table("no_receipt_returns")
    op.drop_table("price_history")
