"""Single-use approvals (used_at) and an index to filter the audit log by action.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("approvals") as batch:
        batch.add_column(sa.Column("used_at", sa.String(40), nullable=True))
    op.create_index("ix_audit_log_action_seq", "audit_log", ["action", "seq"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_action_seq", table_name="audit_log")
    with op.batch_alter_table("approvals") as batch:
        batch.drop_column("used_at")
