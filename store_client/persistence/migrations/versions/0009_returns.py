"""Returns: a return of (part of) a sale made on this terminal, its lines and its refund
tenders. ``request_id`` is unique so one return request can never refund twice.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "returns",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("request_id", sa.String(36), nullable=False, unique=True),
        sa.Column("return_no", sa.String(80), nullable=False, unique=True),
        sa.Column("return_seq", sa.Integer, nullable=False),
        sa.Column("sale_id", sa.String(36), sa.ForeignKey("sales.id"), nullable=False),
        sa.Column("receipt_no", sa.String(80), nullable=False),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("terminal_id", sa.String(32), nullable=False),
        sa.Column("operator_id", sa.String(16), nullable=False),
        sa.Column("approved_by", sa.String(16), nullable=True),
        sa.Column("member_id", sa.String(32), nullable=True),
        sa.Column("reason_code", sa.String(16), nullable=False),
        sa.Column("reason_text", sa.Text, nullable=False, server_default=""),
        sa.Column("completed_at", sa.String(40), nullable=False),
        sa.Column("refund_fen", sa.Integer, nullable=False),
        sa.Column("points_refunded", sa.Integer, nullable=False),
        sa.Column("points_reversed", sa.Integer, nullable=False),
        sa.Column("outbox_event_id", sa.String(36), nullable=False),
        sa.Column("print_job_id", sa.Integer, nullable=True),
    )
    op.create_index("ix_returns_sale", "returns", ["sale_id"])
    op.create_index("ix_returns_terminal_seq", "returns", ["terminal_id", "return_seq"],
                    unique=True)
    op.create_index("ix_returns_member_completed", "returns", ["member_id", "completed_at"])
    op.create_table(
        "return_lines",
        sa.Column("return_id", sa.String(36), sa.ForeignKey("returns.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("line_no", sa.Integer, primary_key=True),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("refund_fen", sa.Integer, nullable=False),
    )
    op.create_table(
        "return_tenders",
        sa.Column("return_id", sa.String(36), sa.ForeignKey("returns.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),  # the sale tender's seq
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("amount_fen", sa.Integer, nullable=False),
        sa.Column("points", sa.Integer, nullable=False),
        sa.Column("reference", sa.String(64), nullable=True),  # the refund's own reference
    )


def downgrade() -> None:
    op.drop_table("return_tenders")
    op.drop_table("return_lines")
    op.drop_index("ix_returns_member_completed", "returns")
    op.drop_index("ix_returns_terminal_seq", "returns")
    op.drop_index("ix_returns_sale", "returns")
    op.drop_table("returns")
