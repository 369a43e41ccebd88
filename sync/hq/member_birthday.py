"""HQ issues the birthday coupon (store_client/domain/member_birthday.py): once per member and year.

The key is the row of ``hq_birthday_coupons`` (member, year), written before the coupon is
published; the coupon's code is derived from the same key, so publishing it again (a crash
between the two, a second HQ worker, a member found at two stores at once) upserts the same
row of the ``coupons`` dataset and never a second coupon. Issued when a member is found at a
counter in their birthday month (``MemberCodes.find``) and by :meth:`BirthdayCoupons.issue_due`
for every member whose month it is (a daily job).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, Column, Engine, Integer, String, Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from store_client.domain import member_birthday as rules
from sync.hq import member_details
from sync.hq.members import members
from sync.hq.schema import metadata

issued = Table(
    "hq_birthday_coupons", metadata,
    Column("member_id", String(16), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("published", Boolean, nullable=False, default=False),
    Column("at", String(40), nullable=False),
)


class BirthdayCoupons:
    def __init__(self, engine: Engine, publish: Any, *, zone: str = "Asia/Shanghai", now: Any = None) -> None:
        self.engine, self._publish = engine, publish
        self.zone = ZoneInfo(zone)
        self._now = now or (lambda: datetime.now(UTC))
        metadata.create_all(engine, tables=[issued, member_details.details])

    def ensure(self, member_id: str) -> str | None:
        """The member's coupon for this year's birthday month, issued once (None outside it)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(members.c.tier, member_details.details.c.birthday)
                               .join(member_details.details, member_details.details.c.member_id == members.c.member_id)
                               .where(members.c.member_id == member_id)).first()
        if row is None or not row.birthday:
            return None
        from store_client.domain.member_privacy import birthday_month

        now = self._now()
        coupon = rules.coupon_for(member_id, row.tier, birthday_month(row.birthday) or 0, now, self.zone)
        if coupon is None:
            return None
        year = now.astimezone(self.zone).year
        with self.engine.connect() as conn:  # the usual case, every later find this month: done already
            done = conn.execute(select(issued.c.published).where(
                issued.c.member_id == member_id, issued.c.year == year)).scalar()
        if done:
            return coupon.code
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(issued).values(member_id=member_id, year=year, code=coupon.code,
                                                   published=False, at=now.astimezone(UTC).isoformat(timespec="seconds")))
        except IntegrityError:
            with self.engine.connect() as conn:
                done = conn.execute(select(issued.c.published).where(
                    issued.c.member_id == member_id, issued.c.year == year)).scalar()
            if done:
                return coupon.code  # issued and published already: nothing more
        self._publish("coupons", coupon.code, coupon.row(member_id))  # same key: an upsert, never a second coupon
        with self.engine.begin() as conn:
            conn.execute(update(issued).where(issued.c.member_id == member_id, issued.c.year == year)
                         .values(published=True))
        return coupon.code

    def issue_due(self) -> int:
        """Every member in their birthday month gets this year's coupon; returns how many were due."""
        month = self._now().astimezone(self.zone).month
        with self.engine.connect() as conn:
            ids = [r.member_id for r in conn.execute(select(member_details.details.c.member_id,
                                                            member_details.details.c.birthday))
                   if r.birthday and r.birthday[5:7] == f"{month:02d}"]
        return sum(1 for member_id in ids if self.ensure(member_id) is not None)

    def count(self, member_id: str) -> int:
        with self.engine.connect() as conn:
            return len(conn.execute(select(issued.c.year).where(issued.c.member_id == member_id)).all())
