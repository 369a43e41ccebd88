"""Persistent print queue: every job is stored before a byte goes to the printer.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

STATES = ("queued", "sending", "printed", "held", "uncertain", "cancelled")


def upgrade() -> None:
    op.create_table(
        "print_jobs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title", sa.String(128), nullable=False, server_default=""),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.Column("trailer", sa.LargeBinary, nullable=False, server_default=sa.text("x''")),
        sa.Column("preview_text", sa.Text, nullable=False, server_default=""),
        sa.Column("state", sa.String(16), nullable=False, server_default="queued"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("printer_status", sa.String(16), nullable=False, server_default="unknown"),
        sa.Column("reprint_of", sa.Integer, sa.ForeignKey("print_jobs.id"), nullable=True),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.Column("printed_at", sa.String(40), nullable=True),
        sa.CheckConstraint("state IN (" + ", ".join(f"'{s}'" for s in STATES) + ")",
                           name="ck_print_jobs_state"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_print_jobs_state_id", "print_jobs", ["state", "id"])


def downgrade() -> None:
    op.drop_table("print_jobs")
