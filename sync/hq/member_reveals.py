"""A masked member field revealed to a till, for a reason, and traced at HQ.

Tills hold only the masked phone, the birthday's month and the address's first characters.
When a manager needs a full value (a delivery to arrange, a duplicate to settle, a birthday
to correct), the till checks the role and the reason first
(:mod:`store_client.domain.member_privacy`) and asks HQ, naming the operator and the
reason; HQ answers with the one field and keeps a row of who asked, from where and why
(``hq_member_reveals``), beside the till's own audit entry.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Engine, Index, Integer, String, Table, insert, select

from sync.hq import member_details
from sync.hq.members import MemberError, members
from sync.hq.schema import metadata

#: Each revealable field and where HQ keeps it.
REVEALABLE = {"phone": members.c.phone, "birthday": member_details.details.c.birthday,
              "address": member_details.details.c.address}
MIN_REASON, MAX_REASON = 4, 200

reveals = Table(
    "hq_member_reveals", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("member_id", String(16), nullable=False),
    Column("field", String(16), nullable=False),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("operator_id", String(32), nullable=False),
    Column("reason", String(MAX_REASON * 4), nullable=False),
    Column("at", String(40), nullable=False),
    Index("ix_hq_member_reveals_member", "member_id", "id"),
)


class MemberReveals:
    def __init__(self, engine: Engine, *, now: Any = None) -> None:
        self.engine = engine
        self._now = now or (lambda: datetime.now(UTC))
        metadata.create_all(engine, tables=[reveals, member_details.details])

    def reveal(self, member_id: str, field: str, *, reason: str, operator_id: str, store_id: str,
               terminal_id: str) -> dict[str, str]:
        """The field's value, traced; refusals ``privacy.not_revealable``,
        ``privacy.reason_required``, ``member.unknown``, ``privacy.no_value`` (HQ holds no
        birthday or address for the member: nothing is traced, nothing was seen)."""
        column = REVEALABLE.get(field)
        if column is None:
            raise MemberError("privacy.not_revealable", f"{field!r} is not revealed by HQ")
        reason = (reason or "").strip()[:MAX_REASON]
        operator_id = (operator_id or "").strip()[:32]
        if len(reason) < MIN_REASON or not operator_id:
            raise MemberError("privacy.reason_required", "a reveal names the operator and the reason")
        with self.engine.begin() as conn:
            if conn.execute(select(members.c.member_id).where(members.c.member_id == member_id)).first() is None:
                raise MemberError("member.unknown", f"no member {member_id}")
            value = conn.execute(select(column).where(column.table.c.member_id == member_id)).scalar()
            if value is None:
                raise MemberError("privacy.no_value", f"no {field} held for {member_id}")
            conn.execute(insert(reveals).values(
                member_id=member_id, field=field, store_id=store_id, terminal_id=terminal_id,
                operator_id=operator_id, reason=reason, at=self._now().astimezone(UTC).isoformat(timespec="seconds")))
        return {"member_id": member_id, "field": field, "value": str(value)}

    def trail(self, member_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(reveals).where(reveals.c.member_id == member_id).order_by(reveals.c.id))
            return [dict(r._mapping) for r in rows]
