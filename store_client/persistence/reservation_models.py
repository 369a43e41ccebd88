"""ORM model of the reservations a till asked HQ for (migration 0025): kept apart from
``models.py`` (which imports this module at its end, so one ``Base`` holds every table)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from store_client.persistence.models import Base


class ReturnReservation(Base):
    """A return id this till is reserving at HQ: written (committed) before it asks, removed
    in the transaction that writes the return. One left behind means the till stopped in
    between: HQ may hold the goods for a return this till never took, so it is released."""

    __tablename__ = "cross_return_reservations"

    return_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    original_ref: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[str] = mapped_column(String(40))
