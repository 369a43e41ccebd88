"""A stock count counted on several tills: which till a plan belongs to.

``count_plans.owner_terminal`` is None for a plan made on this till (it reviews and posts
it) and the other till's id for a plan HQ shared with this one (``count_plans`` dataset):
this till counts it, the owner approves the total of every till.

Revision ID: 0026
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("count_plans") as batch:
        batch.add_column(sa.Column("owner_terminal", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("count_plans") as batch:
        batch.drop_column("owner_terminal")
