"""The member cache gets a table of its own, and the chain-wide member datasets go.

Until now members lived as JSON rows of the ``members`` "dataset" in ``sync_rows`` (the demo
seeded every member there, full phone numbers included, and HQ's protocol still named
``members`` and ``member_activity`` as chain-wide datasets). Now a till keeps only what it
needs to serve a member offline (``store_client/services/members.py``): id, card number,
masked phone, a keyed digest of the phone, tier, points as last known, and when the member
was last served here (for the retention limit). Existing rows move over: a full phone
number becomes its masked form and a digest under this till's key; a name is not kept.

Revision ID: 0016
Revises: 0015
"""

import hashlib
import hmac
import json
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

KEY = "members.phone_digest_key"


def _mask(phone: str) -> str:
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:] if len(phone) >= 8 else "*" * len(phone)


def upgrade() -> None:
    op.create_table(
        "member_cache",
        sa.Column("member_id", sa.String(32), primary_key=True),
        sa.Column("card_no", sa.String(32), nullable=True, index=True),
        sa.Column("masked_phone", sa.String(24), nullable=False, server_default=""),
        sa.Column("phone_digest", sa.String(64), nullable=True, index=True),
        sa.Column("tier", sa.String(16), nullable=False, server_default=""),
        sa.Column("points_balance", sa.Integer, nullable=False, server_default="0"),
        sa.Column("balance_as_of", sa.String(40), nullable=True),
        sa.Column("last_seen_at", sa.String(40), nullable=False, index=True),
    )
    conn = op.get_bind()
    rows = conn.exec_driver_sql("SELECT key, data FROM sync_rows WHERE dataset = 'members'").all()
    if rows:
        key = conn.exec_driver_sql("SELECT value FROM terminal_settings WHERE key = ?", (KEY,)).scalar()
        if key is None:
            key = secrets.token_hex(32)
            conn.exec_driver_sql("INSERT INTO terminal_settings (key, value) VALUES (?, ?)", (KEY, key))
        # When each was last served is not known: the retention clock starts at the upgrade.
        upgraded_at = datetime.now(UTC).isoformat(timespec="microseconds")
        for member_id, raw in rows:
            try:
                data = json.loads(raw)
                phone = str(data.get("phone") or "")
                digest = data.get("phone_digest")
                if phone.isdigit():  # a full number: kept only as its mask and digest
                    digest = hmac.new(bytes.fromhex(key), phone.encode(), hashlib.sha256).hexdigest()
                    phone = _mask(phone)
                balance = data.get("points_balance", 0)
                conn.exec_driver_sql(
                    "INSERT OR REPLACE INTO member_cache (member_id, card_no, masked_phone, phone_digest, tier,"
                    " points_balance, balance_as_of, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (str(member_id)[:32], str(data.get("card_no") or "")[:32] or None, phone[:24],
                     digest if isinstance(digest, str) else None, str(data.get("tier") or "")[:16],
                     max(balance, 0) if isinstance(balance, int) and not isinstance(balance, bool) else 0,
                     data.get("balance_as_of") if isinstance(data.get("balance_as_of"), str) else None,
                     upgraded_at))
            except (ValueError, TypeError, AttributeError):
                continue  # an unreadable row: dropped with the rest
    conn.exec_driver_sql("DELETE FROM sync_rows WHERE dataset IN ('members', 'member_activity')")
    conn.exec_driver_sql("DELETE FROM sync_cursors WHERE dataset IN ('members', 'member_activity')")


def downgrade() -> None:
    op.drop_table("member_cache")
