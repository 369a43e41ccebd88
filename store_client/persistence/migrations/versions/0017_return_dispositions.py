"""Each returned line keeps its disposition (back to stock, damaged, for the vendor) and its
own reason: the return policy of docs/returns.md. Lines of earlier returns were put back on
the shelf unless the return's reason was "damaged", so that is what they get.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("return_lines") as batch:
        batch.add_column(sa.Column("disposition", sa.String(16), nullable=False, server_default="restock"))
        batch.add_column(sa.Column("reason_code", sa.String(16), nullable=True))
    op.execute("UPDATE return_lines SET disposition = 'damaged' WHERE return_id IN "
               "(SELECT id FROM returns WHERE reason_code = 'damaged')")


def downgrade() -> None:
    with op.batch_alter_table("return_lines") as batch:
        batch.drop_column("reason_code")
        batch.drop_column("disposition")
