"""Store credit spends recorded before HQ is asked, and released when the sale is not written.

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "credit_spends",
        sa.Column("spend_id", sa.String(64), primary_key=True),
        sa.Column("cart_id", sa.String(36), nullable=False, index=True),
        sa.Column("tender_id", sa.String(16), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("amount_fen", sa.Integer, nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("sale_id", sa.String(36), nullable=True),
        sa.Column("released_at", sa.String(40), nullable=True),
        sa.Column("reason", sa.String(32), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("credit_spends")
