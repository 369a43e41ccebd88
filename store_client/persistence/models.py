"""SQLAlchemy 2 ORM models of the terminal database.

The schema itself is owned by the Alembic migrations next to this file; these
classes map it. ``tests/integration/test_migrations.py`` checks that the
migrated schema and these models agree.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Category(Base):
    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"))
    unit: Mapped[str] = mapped_column(String(8))  # "each" | "kg"
    price_minor: Mapped[int] = mapped_column(Integer)  # VAT-inclusive, per unit (per kg if weighed)
    tax_rate_bp: Mapped[int] = mapped_column(Integer)  # basis points, 1300 = 13 %
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    pinyin_initials: Mapped[str] = mapped_column(String(200), default="")

    barcodes: Mapped[list[Barcode]] = relationship(back_populates="product")


class Barcode(Base):
    __tablename__ = "barcodes"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))

    product: Mapped[Product] = relationship(back_populates="barcodes")

    __table_args__ = (Index("ix_barcodes_product_id", "product_id"),)


class Operator(Base):
    __tablename__ = "operators"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    pin_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Monotonic-independent: UTC ISO-8601 text; compared as datetimes in the service.
    locked_until: Mapped[str | None] = mapped_column(String(40), nullable=True)


class AuditEntry(Base):
    """Append-only; triggers in the migration refuse UPDATE and DELETE."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(40))
    operator_id: Mapped[str | None] = mapped_column(String(16), nullable=True)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(128), default="")
    details: Mapped[str] = mapped_column(Text, default="{}")  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_log_action_seq", "action", "seq"),)


class Approval(Base):
    __tablename__ = "approvals"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    at: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(64))
    requested_by: Mapped[str] = mapped_column(ForeignKey("operators.id"))
    approved_by: Mapped[str] = mapped_column(ForeignKey("operators.id"))
    reason: Mapped[str] = mapped_column(Text)
    context: Mapped[str] = mapped_column(Text, default="{}")
    used_at: Mapped[str | None] = mapped_column(String(40), nullable=True)  # single use


class OutboxEvent(Base):
    """An event for HQ, written in the same transaction as the change it records.

    ``seq`` is the per-terminal sequence (SQLite AUTOINCREMENT never reuses a
    number, even after the row is gone); ordering never uses the clock.
    """

    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(64))
    schema_version: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(40))  # terminal clock, informational
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    delivered_at: Mapped[str | None] = mapped_column(String(40), nullable=True)

    __table_args__ = (
        Index("ix_outbox_status_seq", "status", "seq"),
        {"sqlite_autoincrement": True},
    )


class TerminalSetting(Base):
    """Key/value facts about this terminal's database (e.g. demo seed, created_at)."""

    __tablename__ = "terminal_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SyncCursor(Base):
    """Where this terminal is in one HQ dataset; ``resetting`` while a snapshot refetch runs."""

    __tablename__ = "sync_cursors"

    dataset: Mapped[str] = mapped_column(String(32), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(Text, nullable=True)
    resetting: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class SyncRow(Base):
    """A row of an HQ dataset kept as JSON (members, orders, settings, ...)."""

    __tablename__ = "sync_rows"

    dataset: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[str] = mapped_column(Text)


class MemberCache(Base):
    """What this till keeps of a member it served, to serve them again offline (never the
    phone number or the name; see services/members.py for what and how long)."""

    __tablename__ = "member_cache"

    member_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    card_no: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    masked_phone: Mapped[str] = mapped_column(String(24), default="", server_default="")
    phone_digest: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    digest_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # 0: this till's own key
    birthday_month: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tier: Mapped[str] = mapped_column(String(16), default="", server_default="")
    points_balance: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    balance_as_of: Mapped[str | None] = mapped_column(String(40), nullable=True)
    last_seen_at: Mapped[str] = mapped_column(String(40), index=True)


class SyncResetSeen(Base):
    """Keys received during a snapshot refetch; what is not seen is removed at its end."""

    __tablename__ = "sync_reset_seen"

    dataset: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)


class SyncState(Base):
    """Sync facts shown to the store: last success, last error, clock skew."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class PrintJob(Base):
    """A print job, stored before printing (printers/queue.py).

    ``payload`` is the exact ESC/POS byte stream. ``state``: queued -> sending ->
    printed; ``held`` (printer offline / paper out / timeout before a byte was
    sent; retried), ``uncertain`` (found 'sending' after a crash, or failed
    mid-stream: possibly printed, a person decides), ``cancelled``.
    """

    __tablename__ = "print_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(128), default="")
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    trailer: Mapped[bytes] = mapped_column(LargeBinary, default=b"")  # drawer kick: first print only
    preview_text: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    printer_status: Mapped[str] = mapped_column(String(16), default="unknown")
    reprint_of: Mapped[int | None] = mapped_column(ForeignKey("print_jobs.id"), nullable=True)
    created_at: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[str] = mapped_column(String(40))
    printed_at: Mapped[str | None] = mapped_column(String(40), nullable=True)

    __table_args__ = (
        Index("ix_print_jobs_state_id", "state", "id"),
        {"sqlite_autoincrement": True},
    )


# -- checkout (migration 0007) --------------------------------------------------------------


class CartRow(Base):
    """The cart in progress (``active``, one per terminal) or a ``parked`` one.

    ``data`` is the JSON of the cart's header (member, coupons, cart discount) and its
    tenders; the lines are :class:`CartLineRow` rows. A change writes the header and only
    the lines it touched, in one transaction; ``version`` counts the changes.
    """

    __tablename__ = "carts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    operator_id: Mapped[str | None] = mapped_column(String(16), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    data: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[str] = mapped_column(String(40))

    __table_args__ = (Index("ix_carts_status_updated", "status", "updated_at"),)


class CartLineRow(Base):
    """One line of a stored cart (the JSON of the domain line), keyed by its line number."""

    __tablename__ = "cart_lines"

    cart_id: Mapped[str] = mapped_column(String(36), ForeignKey("carts.id", ondelete="CASCADE"),
                                         primary_key=True)
    line_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[str] = mapped_column(Text)

    __table_args__ = ({"sqlite_with_rowid": False},)


class ReceiptCounter(Base):
    """The last receipt number of a terminal, advanced inside the sale transaction (gap-free)."""

    __tablename__ = "receipt_counters"

    terminal_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_no: Mapped[int] = mapped_column(Integer)


class Sale(Base):
    """A completed sale; ``cart_id`` is unique, so one cart can never become two sales."""

    __tablename__ = "sales"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    receipt_no: Mapped[str] = mapped_column(String(80), unique=True)
    receipt_seq: Mapped[int] = mapped_column(Integer)
    store_id: Mapped[str] = mapped_column(String(32))
    terminal_id: Mapped[str] = mapped_column(String(32))
    operator_id: Mapped[str] = mapped_column(String(16))
    member_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    cart_id: Mapped[str] = mapped_column(String(36), unique=True)
    cart_version: Mapped[int] = mapped_column(Integer)
    completed_at: Mapped[str] = mapped_column(String(40))
    subtotal_fen: Mapped[int] = mapped_column(Integer)
    discount_fen: Mapped[int] = mapped_column(Integer)
    total_fen: Mapped[int] = mapped_column(Integer)
    paid_fen: Mapped[int] = mapped_column(Integer)
    change_fen: Mapped[int] = mapped_column(Integer)
    vat_fen: Mapped[int] = mapped_column(Integer)
    points_earned: Mapped[int] = mapped_column(Integer)
    points_redeemed: Mapped[int] = mapped_column(Integer)
    outbox_event_id: Mapped[str] = mapped_column(String(36))
    print_job_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    shift_id: Mapped[str | None] = mapped_column(String(36), nullable=True)  # migration 0013

    __table_args__ = (
        Index("ix_sales_shift", "shift_id"),
        Index("ix_sales_member_completed", "member_id", "completed_at"),
        Index("ix_sales_completed", "completed_at"),  # the manager's board reads a day
        Index("ix_sales_terminal_seq", "terminal_id", "receipt_seq", unique=True),
    )


class SaleLine(Base):
    __tablename__ = "sale_lines"

    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id", ondelete="CASCADE"),
                                         primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(32))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(8))
    quantity: Mapped[int] = mapped_column(Integer)  # units, or grams for kg
    unit_price_fen: Mapped[int] = mapped_column(Integer)
    gross_fen: Mapped[int] = mapped_column(Integer)
    discount_fen: Mapped[int] = mapped_column(Integer)
    net_fen: Mapped[int] = mapped_column(Integer)  # what a return of the whole line refunds
    tax_rate_bp: Mapped[int] = mapped_column(Integer)
    vat_fen: Mapped[int] = mapped_column(Integer)
    overridden: Mapped[bool] = mapped_column(Boolean)


class SaleDiscount(Base):
    """One discount source booked on one sale line (the allocation a return refunds by)."""

    __tablename__ = "sale_discounts"

    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id", ondelete="CASCADE"),
                                         primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_kind: Mapped[str] = mapped_column(String(16))  # promotion|line_manual|coupon|cart_manual
    source_id: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200))
    amount_fen: Mapped[int] = mapped_column(Integer)


class SaleTender(Base):
    __tablename__ = "sale_tenders"

    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id", ondelete="CASCADE"),
                                         primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # cash|card|mobile|points
    amount_fen: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str | None] = mapped_column(String(64), nullable=True)
    points: Mapped[int | None] = mapped_column(Integer, nullable=True)


class SaleCoupon(Base):
    """A coupon redeemed in a sale; also this terminal's record of used single-use codes."""

    __tablename__ = "sale_coupons"

    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id", ondelete="CASCADE"),
                                         primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    member_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    single_use: Mapped[bool] = mapped_column(Boolean)
    discount_fen: Mapped[int] = mapped_column(Integer)
    used_at: Mapped[str] = mapped_column(String(40))

    __table_args__ = (Index("ix_sale_coupons_code", "code"),)


# -- shifts and cash (migration 0008) -------------------------------------------------------


class Shift(Base):
    """A till shift. Sales and returns belong to it by ``shift_id`` (migration 0013), written in the
    same transaction as the sale or return; the receipt and audit ranges stay as the record
    of what the shift covered. Triggers refuse any change to a closed shift and allow only
    one open shift per terminal (partial unique index)."""

    __tablename__ = "shifts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    shift_no: Mapped[str] = mapped_column(String(80), unique=True)
    shift_seq: Mapped[int] = mapped_column(Integer)
    store_id: Mapped[str] = mapped_column(String(32))
    terminal_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # open | closed
    opened_by: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[str] = mapped_column(String(40))
    opening_float_fen: Mapped[int] = mapped_column(Integer)
    opening_count: Mapped[str] = mapped_column(Text)  # JSON pieces per denomination
    receipt_seq_from: Mapped[int] = mapped_column(Integer)  # last receipt before the shift
    audit_seq_from: Mapped[int] = mapped_column(Integer)  # last audit entry before the shift
    closed_by: Mapped[str | None] = mapped_column(String(16), nullable=True)
    closed_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    receipt_seq_to: Mapped[int | None] = mapped_column(Integer, nullable=True)
    audit_seq_to: Mapped[int | None] = mapped_column(Integer, nullable=True)
    counted_cash_fen: Mapped[int | None] = mapped_column(Integer, nullable=True)
    closing_count: Mapped[str | None] = mapped_column(Text, nullable=True)
    expected_cash_fen: Mapped[int | None] = mapped_column(Integer, nullable=True)
    variance_fen: Mapped[int | None] = mapped_column(Integer, nullable=True)
    variance_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    variance_approved_by: Mapped[str | None] = mapped_column(String(16), nullable=True)
    z_report: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON figures at close
    z_print_job_id: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __table_args__ = (
        Index("ix_shifts_terminal_seq", "terminal_id", "shift_seq", unique=True),
        Index("ix_shifts_one_open", "terminal_id", unique=True,
              sqlite_where=text("status = 'open'")),
    )


class ShiftCashMovement(Base):
    """A pay-in or pay-out of a shift; append-only (triggers refuse UPDATE and DELETE)."""

    __tablename__ = "shift_cash_movements"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    shift_id: Mapped[str] = mapped_column(ForeignKey("shifts.id"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # pay_in | pay_out
    amount_fen: Mapped[int] = mapped_column(Integer)  # positive; the kind gives the direction
    reason: Mapped[str] = mapped_column(Text)
    operator_id: Mapped[str] = mapped_column(String(16))
    approved_by: Mapped[str | None] = mapped_column(String(16), nullable=True)
    at: Mapped[str] = mapped_column(String(40))
    print_job_id: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __table_args__ = (Index("ix_shift_cash_movements_shift_seq", "shift_id", "seq", unique=True),)


# -- returns (migration 0009) --------------------------------------------------------------


class Return(Base):
    """A return of (part of) a sale; ``request_id`` unique: one request refunds once."""

    __tablename__ = "returns"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(36), unique=True)
    return_no: Mapped[str] = mapped_column(String(80), unique=True)
    return_seq: Mapped[int] = mapped_column(Integer)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"))
    receipt_no: Mapped[str] = mapped_column(String(80))
    store_id: Mapped[str] = mapped_column(String(32))
    terminal_id: Mapped[str] = mapped_column(String(32))
    operator_id: Mapped[str] = mapped_column(String(16))
    approved_by: Mapped[str | None] = mapped_column(String(16), nullable=True)
    member_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    reason_code: Mapped[str] = mapped_column(String(16))
    reason_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    completed_at: Mapped[str] = mapped_column(String(40))
    refund_fen: Mapped[int] = mapped_column(Integer)
    points_refunded: Mapped[int] = mapped_column(Integer)
    points_reversed: Mapped[int] = mapped_column(Integer)
    outbox_event_id: Mapped[str] = mapped_column(String(36))  # "" until completed
    print_job_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # paying (recorded, quantities reserved, a mobile refund not yet confirmed) | completed
    # | cancelled (the provider declined: nothing was paid)
    status: Mapped[str] = mapped_column(String(16), default="completed",
                                        server_default="completed")
    shift_id: Mapped[str | None] = mapped_column(String(36), nullable=True)  # migration 0013

    __table_args__ = (
        Index("ix_returns_shift", "shift_id"),
        Index("ix_returns_sale", "sale_id"),
        Index("ix_returns_status", "status"),
        Index("ix_returns_terminal_seq", "terminal_id", "return_seq", unique=True),
        Index("ix_returns_member_completed", "member_id", "completed_at"),
    )


class ReturnLine(Base):
    __tablename__ = "return_lines"

    return_id: Mapped[str] = mapped_column(ForeignKey("returns.id", ondelete="CASCADE"),
                                           primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)
    refund_fen: Mapped[int] = mapped_column(Integer)
    # restock | damaged | vendor (domain/return_policy.py); the line's own reason, None: the return's
    disposition: Mapped[str] = mapped_column(String(16), default="restock", server_default="restock")
    reason_code: Mapped[str | None] = mapped_column(String(16), nullable=True)


class ReturnTender(Base):
    """What one return refunded to one tender of the sale (``seq`` = the sale tender's)."""

    __tablename__ = "return_tenders"

    return_id: Mapped[str] = mapped_column(ForeignKey("returns.id", ondelete="CASCADE"),
                                           primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount_fen: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # an exchange: the part of amount_fen that paid the new sale, not the customer (migration 0018)
    credit_fen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Exchange(Base):
    """A return and the new sale it paid for, written in one transaction (migration 0018)."""

    __tablename__ = "exchanges"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(36), unique=True)  # the return's request
    return_id: Mapped[str] = mapped_column(ForeignKey("returns.id"), unique=True)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), unique=True)
    credit_fen: Mapped[int] = mapped_column(Integer)  # the return's value applied to the sale
    due_fen: Mapped[int] = mapped_column(Integer)  # paid on top with the usual tenders
    refund_fen: Mapped[int] = mapped_column(Integer)  # paid back to the original's tenders
    operator_id: Mapped[str] = mapped_column(String(16))
    completed_at: Mapped[str] = mapped_column(String(40))


class CrossExchange(Base):
    """An exchange of another store's sale or an online order (migration 0023): its return
    (``cross_returns``, reserved at HQ) and the new sale, written in one transaction.
    ``credits``: JSON ``[[method, credit_fen], ...]``, the part of each original tender's
    share that paid the new sale rather than going back to the customer."""

    __tablename__ = "cross_exchanges"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(36), unique=True)  # the cross return's request
    return_id: Mapped[str] = mapped_column(ForeignKey("cross_returns.id"), unique=True)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), unique=True)
    credit_fen: Mapped[int] = mapped_column(Integer)
    due_fen: Mapped[int] = mapped_column(Integer)
    refund_fen: Mapped[int] = mapped_column(Integer)
    credits: Mapped[str] = mapped_column(Text)
    operator_id: Mapped[str] = mapped_column(String(16))
    completed_at: Mapped[str] = mapped_column(String(40))


class StockPosition(Base):
    """This store's stock of one SKU: on hand, reserved for pick-up orders, as of when."""

    __tablename__ = "stock_positions"

    sku: Mapped[str] = mapped_column(String(32), primary_key=True)
    on_hand: Mapped[int] = mapped_column(Integer)
    reserved: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    as_of: Mapped[str] = mapped_column(String(40))


class StockMovement(Base):
    """One signed change of stock with the event that caused it (``ref``); a movement is
    recorded once per (ref, sku, reason), so a retried write never moves stock twice."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        Index("uq_stock_movements_ref", "ref", "sku", "reason", unique=True),
        Index("ix_stock_movements_sku_at", "sku", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sku: Mapped[str] = mapped_column(String(32))
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(24))
    ref: Mapped[str] = mapped_column(String(80))
    at: Mapped[str] = mapped_column(String(40))


class CountPlanRow(Base):
    """A stock count: what is counted, against which snapshot, and where it stands."""

    __tablename__ = "count_plans"

    plan_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(16))
    blind: Mapped[bool] = mapped_column(Boolean)
    snapshot_at: Mapped[str] = mapped_column(String(40))
    created_by: Mapped[str] = mapped_column(String(16))
    recount: Mapped[str] = mapped_column(Text, server_default=text("'[]'"))  # JSON: the SKUs of each recount
    submitted_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(16), nullable=True)
    second_approver: Mapped[str | None] = mapped_column(String(16), nullable=True)
    posted_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # None: planned on this till; else the till it belongs to (shared by HQ; this till counts it)
    owner_terminal: Mapped[str | None] = mapped_column(String(32), nullable=True)


class AisleResolution(Base):
    """A flagged endless-aisle order this till resolved (services/aisle_resolution.py)."""

    __tablename__ = "aisle_resolutions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # one row a resolution (0027)
    order_id: Mapped[str] = mapped_column(String(36))
    outcome: Mapped[str] = mapped_column(String(16))  # resourced | cancelled
    site_id: Mapped[str | None] = mapped_column(String(24), nullable=True)
    refund_minor: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    cash_minor: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))  # out of the drawer here
    shift_id: Mapped[str | None] = mapped_column(String(36), nullable=True)  # the shift it counts in
    event_id: Mapped[str | None] = mapped_column(String(36), nullable=True)  # HQ refusing it: resolve again
    print_job_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    operator_id: Mapped[str] = mapped_column(String(16))
    at: Mapped[str] = mapped_column(String(40))

    __table_args__ = (Index("ix_aisle_resolutions_order", "order_id"),
                      Index("ix_aisle_resolutions_shift", "shift_id"))


class CountPlanLine(Base):
    __tablename__ = "count_plan_lines"

    plan_id: Mapped[str] = mapped_column(String(36), ForeignKey("count_plans.plan_id"), primary_key=True)
    sku: Mapped[str] = mapped_column(String(32), primary_key=True)
    snapshot_qty: Mapped[int] = mapped_column(Integer)


class CountScanRow(Base):
    """One count scan, its own event: the id makes a retry or a second delivery count once."""

    __tablename__ = "count_scans"
    __table_args__ = (Index("ix_count_scans_plan_sku", "plan_id", "sku", "round"),)

    scan_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(36), ForeignKey("count_plans.plan_id"))
    sku: Mapped[str] = mapped_column(String(32))
    qty: Mapped[int] = mapped_column(Integer)
    counter_id: Mapped[str] = mapped_column(String(16))
    terminal_id: Mapped[str] = mapped_column(String(32))
    at: Mapped[str] = mapped_column(String(40))
    round: Mapped[int] = mapped_column(Integer, server_default=text("0"))  # 0: first count; n: recount n


class PickupProgress(Base):
    """This till's work on an online order (docs/pickup.md); HQ's view of the order is its
    ``online_orders`` row in ``sync_rows``.

    ``state``: picking | ready | collected | partially_collected, what this till did last
    (each step committed with its outbox event). ``picks`` holds the scan-by-scan counts while picking (JSON:
    line_no -> {"picked", "short_reason", "substitute_sku"}); they are local work and send
    no event until the order is ready.
    """

    __tablename__ = "pickup_progress"

    order_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    picks: Mapped[str] = mapped_column(Text, default="{}")
    operator_id: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[str] = mapped_column(String(40))
    ready_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    handed_over_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    handover: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON: method, proxy, refused
    updated_at: Mapped[str] = mapped_column(String(40))


class PickupConflict(Base):
    """A pick-up step HQ refused after this till had made it (e.g. handed over offline while
    HQ cancelled the order): the manager's list, until a manager marks it resolved."""

    __tablename__ = "pickup_conflicts"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(36))
    order_no: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(64))  # the refused event's kind
    code: Mapped[str] = mapped_column(String(64))  # HQ's reason code, e.g. pickup.cancelled
    reason: Mapped[str] = mapped_column(Text)
    found_at: Mapped[str] = mapped_column(String(40))
    resolved_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(16), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")

    __table_args__ = (Index("ix_pickup_conflicts_open", "resolved_at"),)


# -- returns of originals this till did not sell (migration 0015) ---------------------------


class CrossReturn(Base):
    """A return of another store's sale or an online order (services/cross_returns.py).

    ``lines``: JSON ``[[line_no, sku, qty, refund_fen], ...]``; ``tenders``: JSON
    ``[[method, fen, reference], ...]``; ``cash_fen``: paid out of the drawer.
    ``reserved_at_hq``: HQ reserved it before the refund (False: taken offline from a
    receipt QR, HQ settles it when the ``return.taken`` event arrives)."""

    __tablename__ = "cross_returns"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(36), unique=True)
    return_no: Mapped[str] = mapped_column(String(80), unique=True)
    return_seq: Mapped[int] = mapped_column(Integer)
    original_ref: Mapped[str] = mapped_column(String(80), index=True)
    source: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    receipt_no: Mapped[str | None] = mapped_column(String(80), nullable=True)
    store_id: Mapped[str] = mapped_column(String(32))
    terminal_id: Mapped[str] = mapped_column(String(32))
    operator_id: Mapped[str] = mapped_column(String(16))
    approved_by: Mapped[str | None] = mapped_column(String(16), nullable=True)
    reason_code: Mapped[str] = mapped_column(String(16))
    reason_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    completed_at: Mapped[str] = mapped_column(String(40))
    refund_fen: Mapped[int] = mapped_column(Integer)
    cash_fen: Mapped[int] = mapped_column(Integer)
    lines: Mapped[str] = mapped_column(Text)
    tenders: Mapped[str] = mapped_column(Text)
    reserved_at_hq: Mapped[bool] = mapped_column(Boolean)
    outbox_event_id: Mapped[str] = mapped_column(String(36))
    shift_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    print_job_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # migration 0020: a mobile part is refunded after the row is recorded (paying -> completed
    # or cancelled); the member's points and the order's coupons as HQ settled them
    status: Mapped[str] = mapped_column(String(16), default="completed", server_default="completed")
    pending: Mapped[str | None] = mapped_column(Text, nullable=True)
    points_back: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    points_taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    coupons: Mapped[str | None] = mapped_column(Text, nullable=True)



class AisleCartLine(Base):
    """An ordered line of a cart (endless aisle, services/aisle.py): where it comes from and
    how the customer gets it. The phone and address are kept only until the sale is
    written (they go to HQ in its order event), and never logged or audited."""

    __tablename__ = "aisle_cart_lines"

    cart_id: Mapped[str] = mapped_column(String(36), ForeignKey("carts.id", ondelete="CASCADE"),
                                         primary_key=True)
    line_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    sku: Mapped[str] = mapped_column(String(32))
    qty: Mapped[int] = mapped_column(Integer)
    site_id: Mapped[str] = mapped_column(String(24))
    site_name: Mapped[str] = mapped_column(String(200))
    site_kind: Mapped[str] = mapped_column(String(16))
    available: Mapped[int] = mapped_column(Integer)  # the source's figure when ordered
    as_of: Mapped[str | None] = mapped_column(String(40), nullable=True)
    stale: Mapped[bool] = mapped_column(Boolean)  # ordered on a figure older than 10 minutes
    fulfilment: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str] = mapped_column(String(11))
    address: Mapped[str] = mapped_column(Text, default="", server_default="")
    promised_at: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[str] = mapped_column(String(40))


class AisleOrder(Base):
    """An order a sale paid for (endless aisle): one per source and fulfilment of the sale,
    written with the sale and its ``aisle.ordered`` event. No phone, no address."""

    __tablename__ = "aisle_orders"

    order_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sale_id: Mapped[str] = mapped_column(String(36), ForeignKey("sales.id"), index=True)
    receipt_no: Mapped[str] = mapped_column(String(80))
    line_nos: Mapped[str] = mapped_column(Text)  # JSON list of the sale's line numbers
    site_id: Mapped[str] = mapped_column(String(24))
    site_name: Mapped[str] = mapped_column(String(200))
    site_kind: Mapped[str] = mapped_column(String(16))
    fulfilment: Mapped[str] = mapped_column(String(16))
    promised_at: Mapped[str] = mapped_column(String(40))
    pickup_code: Mapped[str | None] = mapped_column(String(6), nullable=True)
    offline: Mapped[bool] = mapped_column(Boolean)
    outbox_event_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[str] = mapped_column(String(40))


# Price history, returns without a receipt, credit notes (migration 0019): their own module.
from store_client.persistence import no_receipt_models as _no_receipt_models  # noqa: E402,F401
# The reservations a till asked HQ for, before it asked (migration 0025): their own module.
from store_client.persistence import reservation_models as _reservation_models  # noqa: E402,F401
