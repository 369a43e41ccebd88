"""Sales and returns belong to a shift by its id.

Until now a sale belonged to the shift whose receipt-number range held it, and a return to
the shift whose audit-sequence range held its ``return.completed`` entry. Those ranges are
kept on the shift (the record of what was closed); the upgrade fills ``shift_id`` from them
for every row they place. A row outside every shift (sold with no shift open) keeps NULL.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

SALES = """
UPDATE sales SET shift_id = (
    SELECT sh.id FROM shifts sh
    WHERE sh.terminal_id = sales.terminal_id AND sales.receipt_seq > sh.receipt_seq_from
      AND (sh.receipt_seq_to IS NULL OR sales.receipt_seq <= sh.receipt_seq_to))
"""
RETURNS = """
UPDATE returns SET shift_id = (
    SELECT sh.id FROM shifts sh JOIN audit_log a
      ON a.action = 'return.completed' AND a.target = returns.id
    WHERE sh.terminal_id = returns.terminal_id AND a.seq > sh.audit_seq_from
      AND (sh.audit_seq_to IS NULL OR a.seq <= sh.audit_seq_to))
"""


def upgrade() -> None:
    for table in ("sales", "returns"):
        op.add_column(table, sa.Column("shift_id", sa.String(36), nullable=True))
        op.create_index(f"ix_{table}_shift", table, ["shift_id"])
    op.execute(SALES)
    op.execute(RETURNS)


def downgrade() -> None:
    for table in ("sales", "returns"):
        op.drop_index(f"ix_{table}_shift", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("shift_id")
