"""Returns taken at this till of an original it did not sell (another store's sale, an online order).

One row per return: the original's reference at HQ (``sale:<id>`` / ``order:<id>``), what each
line and tender refunded (JSON: the original's lines are HQ's, not rows of this database),
and the cash paid out of the drawer (for the shift's expected cash).

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cross_returns",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("request_id", sa.String(36), nullable=False, unique=True),
        sa.Column("return_no", sa.String(80), nullable=False, unique=True),
        sa.Column("return_seq", sa.Integer, nullable=False),
        sa.Column("original_ref", sa.String(80), nullable=False, index=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("receipt_no", sa.String(80), nullable=True),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("terminal_id", sa.String(32), nullable=False),
        sa.Column("operator_id", sa.String(16), nullable=False),
        sa.Column("approved_by", sa.String(16), nullable=True),
        sa.Column("reason_code", sa.String(16), nullable=False),
        sa.Column("reason_text", sa.Text, nullable=False, server_default=""),
        sa.Column("completed_at", sa.String(40), nullable=False),
        sa.Column("refund_fen", sa.Integer, nullable=False),
        sa.Column("cash_fen", sa.Integer, nullable=False),
        sa.Column("lines", sa.Text, nullable=False),
        sa.Column("tenders", sa.Text, nullable=False),
        sa.Column("reserved_at_hq", sa.Boolean, nullable=False),
        sa.Column("outbox_event_id", sa.String(36), nullable=False),
        sa.Column("shift_id", sa.String(36), nullable=True),
        sa.Column("print_job_id", sa.Integer, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("cross_returns")
