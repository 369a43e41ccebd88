"""What HQ holds of a member beyond the counter's needs: the birthday and the postal address.

Both are sensitive (``store_client/domain/member_privacy.py``): a till receives only the
birthday's month (for the birthday benefit) and the address's first characters (to tell two
members apart); the full value goes to a till only as a reveal (``member_reveals``), for a
manager, with a reason, traced. Kept in a table of their own so that the members' table,
which every lookup reads, carries neither.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Column, Engine, String, Table, insert, select, update

from sync.hq.members import MemberError, members
from sync.hq.schema import metadata

MAX_ADDRESS = 120

details = Table(
    "hq_member_details", metadata,
    Column("member_id", String(16), primary_key=True),
    Column("birthday", String(10), nullable=True),  # ISO date
    Column("address", String(MAX_ADDRESS * 4), nullable=True),
)


def _birthday(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        born = date.fromisoformat(value)
    except (TypeError, ValueError):
        raise MemberError("member.bad_birthday", "a birthday is a date, e.g. 1990-05-17") from None
    if not 1900 <= born.year <= date.today().year:
        raise MemberError("member.bad_birthday", "a birthday between 1900 and today")
    return born.isoformat()


def set_details(engine: Engine, member_id: str, *, birthday: str | None = None, address: str | None = None) -> None:
    """Record the member's birthday and/or address (what the member gave in the app or the CRM)."""
    born = _birthday(birthday)
    where = (address or "").strip()[:MAX_ADDRESS] or None
    if address is not None and (where is None or not where.isprintable()):
        raise MemberError("member.bad_address", "an address of printable characters")
    values = {k: v for k, v in (("birthday", born), ("address", where)) if v is not None}
    metadata.create_all(engine, tables=[details])  # a database HQ's server has not opened yet
    with engine.begin() as conn:
        if conn.execute(select(members.c.member_id).where(members.c.member_id == member_id)).first() is None:
            raise MemberError("member.unknown", f"no member {member_id}")
        if conn.execute(select(details.c.member_id).where(details.c.member_id == member_id)).first() is None:
            conn.execute(insert(details).values(member_id=member_id, **values))
        elif values:
            conn.execute(update(details).where(details.c.member_id == member_id).values(**values))


def of(conn: Any, member_id: str) -> dict[str, str | None]:
    """The member's birthday and address (None where HQ holds none)."""
    row = conn.execute(select(details.c.birthday, details.c.address).where(details.c.member_id == member_id)).first()
    return {"birthday": row.birthday if row else None, "address": row.address if row else None}


def counter_view(conn: Any, member_id: str) -> dict[str, Any]:
    """What the counter may see of both: the birthday's month and the address masked."""
    from store_client.domain.member_privacy import birthday_month, mask_address

    held = of(conn, member_id)
    return {"birthday_month": birthday_month(held["birthday"]) if held["birthday"] else None,
            "address_masked": mask_address(held["address"]) if held["address"] else ""}
