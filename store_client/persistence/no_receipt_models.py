"""ORM models of price history, returns without a receipt and store credit notes (migration 0019).

Kept apart from ``models.py`` (which imports this module at its end, so one ``Base``
holds every table); docs/returns.md "Without a receipt".
"""

from __future__ import annotations

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store_client.persistence.models import Base


class PriceChange(Base):
    """A shelf price in effect from ``since`` (UTC ISO text) on; ``since`` '' means "since
    before anything was recorded" (the price a product had when its first change arrived)."""

    __tablename__ = "price_history"

    sku: Mapped[str] = mapped_column(String(32), primary_key=True)
    since: Mapped[str] = mapped_column(String(40), primary_key=True)
    price_minor: Mapped[int] = mapped_column(Integer)


class NoReceiptReturn(Base):
    """A return without a receipt or member (services/no_receipt_returns.py).

    ``lines``: JSON ``[[sku, qty, unit_fen, refund_fen], ...]`` at the lowest shelf price of the
    last 90 days; ``tender``: ``cash`` (from the drawer) or ``store_credit`` (``credit_code``)."""

    __tablename__ = "no_receipt_returns"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(36), unique=True)
    return_no: Mapped[str] = mapped_column(String(80), unique=True)
    return_seq: Mapped[int] = mapped_column(Integer)
    store_id: Mapped[str] = mapped_column(String(32))
    terminal_id: Mapped[str] = mapped_column(String(32))
    operator_id: Mapped[str] = mapped_column(String(16))
    approved_by: Mapped[str] = mapped_column(String(16))
    reason_code: Mapped[str] = mapped_column(String(16))
    reason_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    completed_at: Mapped[str] = mapped_column(String(40))
    refund_fen: Mapped[int] = mapped_column(Integer)
    tender: Mapped[str] = mapped_column(String(16))
    cash_fen: Mapped[int] = mapped_column(Integer)
    credit_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    lines: Mapped[str] = mapped_column(Text)
    outbox_event_id: Mapped[str] = mapped_column(String(36))
    shift_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    print_job_id: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __table_args__ = (Index("ix_no_receipt_returns_till_day", "terminal_id", "completed_at"),)


class CreditNote(Base):
    """A store credit note issued by a return at this till; ``remaining_fen`` is what this till
    knows is left (HQ's ledger is the authority once the note is spent elsewhere)."""

    __tablename__ = "credit_notes"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    amount_fen: Mapped[int] = mapped_column(Integer)
    remaining_fen: Mapped[int] = mapped_column(Integer)
    return_id: Mapped[str] = mapped_column(String(36), unique=True)
    issued_at: Mapped[str] = mapped_column(String(40))


class CreditSpend(Base):
    """This till's record of a store credit spend it asks HQ for (migration 0024), written
    BEFORE HQ is asked: ``attempted`` (asked, the sale not written yet), ``sold`` (the sale's
    transaction wrote it, ``sale_id``) or ``released`` (the sale was not written: given back
    at HQ through the ``credit.released`` event). A payment's next attempt after a release
    spends under a new id (``<cart>:<tender>~<n>``), so a released id is never spent again."""

    __tablename__ = "credit_spends"

    spend_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    cart_id: Mapped[str] = mapped_column(String(36), index=True)
    tender_id: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(16))
    amount_fen: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12))
    at: Mapped[str] = mapped_column(String(40))
    sale_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    released_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
