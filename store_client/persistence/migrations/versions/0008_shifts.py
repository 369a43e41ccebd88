"""Shifts and cash: the till shift (float, blind close, Z figures) and its pay-ins/outs.

A closed shift and every cash movement are immutable (triggers), and a terminal has at
most one open shift (partial unique index).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TRIGGERS = {
    "shifts_closed_no_update": (
        "BEFORE UPDATE ON shifts WHEN OLD.status = 'closed' "
        "BEGIN SELECT RAISE(ABORT, 'a closed shift is immutable'); END"),
    "shifts_no_delete": (
        "BEFORE DELETE ON shifts BEGIN SELECT RAISE(ABORT, 'shifts are never deleted'); END"),
    "shift_cash_movements_no_update": (
        "BEFORE UPDATE ON shift_cash_movements "
        "BEGIN SELECT RAISE(ABORT, 'cash movements are append-only'); END"),
    "shift_cash_movements_no_delete": (
        "BEFORE DELETE ON shift_cash_movements "
        "BEGIN SELECT RAISE(ABORT, 'cash movements are append-only'); END"),
}


def upgrade() -> None:
    op.create_table(
        "shifts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("shift_no", sa.String(80), nullable=False, unique=True),
        sa.Column("shift_seq", sa.Integer, nullable=False),
        sa.Column("store_id", sa.String(32), nullable=False),
        sa.Column("terminal_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("opened_by", sa.String(16), nullable=False),
        sa.Column("opened_at", sa.String(40), nullable=False),
        sa.Column("opening_float_fen", sa.Integer, nullable=False),
        sa.Column("opening_count", sa.Text, nullable=False),
        sa.Column("receipt_seq_from", sa.Integer, nullable=False),
        sa.Column("audit_seq_from", sa.Integer, nullable=False),
        sa.Column("closed_by", sa.String(16), nullable=True),
        sa.Column("closed_at", sa.String(40), nullable=True),
        sa.Column("receipt_seq_to", sa.Integer, nullable=True),
        sa.Column("audit_seq_to", sa.Integer, nullable=True),
        sa.Column("counted_cash_fen", sa.Integer, nullable=True),
        sa.Column("closing_count", sa.Text, nullable=True),
        sa.Column("expected_cash_fen", sa.Integer, nullable=True),
        sa.Column("variance_fen", sa.Integer, nullable=True),
        sa.Column("variance_reason", sa.Text, nullable=True),
        sa.Column("variance_approved_by", sa.String(16), nullable=True),
        sa.Column("z_report", sa.Text, nullable=True),
        sa.Column("z_print_job_id", sa.Integer, nullable=True),
    )
    op.create_index("ix_shifts_terminal_seq", "shifts", ["terminal_id", "shift_seq"], unique=True)
    op.create_index("ix_shifts_one_open", "shifts", ["terminal_id"], unique=True,
                    sqlite_where=sa.text("status = 'open'"))
    op.create_table(
        "shift_cash_movements",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("shift_id", sa.String(36), sa.ForeignKey("shifts.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("amount_fen", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("operator_id", sa.String(16), nullable=False),
        sa.Column("approved_by", sa.String(16), nullable=True),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("print_job_id", sa.Integer, nullable=True),
    )
    op.create_index("ix_shift_cash_movements_shift_seq", "shift_cash_movements",
                    ["shift_id", "seq"], unique=True)
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.drop_index("ix_shift_cash_movements_shift_seq", "shift_cash_movements")
    op.drop_table("shift_cash_movements")
    op.drop_index("ix_shifts_one_open", "shifts")
    op.drop_index("ix_shifts_terminal_seq", "shifts")
    op.drop_table("shifts")
