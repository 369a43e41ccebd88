"""Returns with a mobile refund are recorded before the refund is paid.

``status``: ``paying`` (recorded, quantities reserved, the provider not yet confirmed),
``completed`` or ``cancelled`` (the provider declined; nothing was paid). Every return
written before this revision was completed.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("returns", sa.Column("status", sa.String(16), nullable=False,
                                       server_default="completed"))
    op.create_index("ix_returns_status", "returns", ["status"])


def downgrade() -> None:
    op.drop_index("ix_returns_status", table_name="returns")
    with op.batch_alter_table("returns") as batch:
        batch.drop_column("status")
