"""Plain data each template prints; the checkout, returns, pickup and shift services fill it.

All amounts are integer fen (minor units); never floats. Times are aware
datetimes; templates print them in the store's local time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

CASH = "cash"


@dataclass(frozen=True)
class Header:
    store_name: str
    store_id: str
    terminal_id: str
    operator: str
    when: datetime
    training: bool = False
    reprint: bool = False


@dataclass(frozen=True)
class Discount:
    label: str
    amount_fen: int  # positive: money taken off


@dataclass(frozen=True)
class SaleLine:
    name: str
    quantity: int  # in 1/quantity_scale units (grams: scale 1000)
    unit_price_fen: int
    amount_fen: int  # after line discounts
    discounts: tuple[Discount, ...] = ()
    quantity_scale: int = 1
    unit: str = ""  # e.g. "kg" for weighed goods
    notes: tuple[str, ...] = ()  # printed under the line (an ordered line: where from, when)


@dataclass(frozen=True)
class Tender:
    kind: str  # "cash", "card", "wechat", "alipay", "voucher", ...
    label: str  # printed, e.g. "现金 Cash"
    amount_fen: int
    reference: str = ""  # card / wallet transaction reference, printed masked by the caller


@dataclass(frozen=True)
class Member:
    member_no: str  # printed masked by the caller, e.g. "138****5678"
    points_earned: int = 0
    points_redeemed: int = 0
    points_balance: int | None = None


@dataclass(frozen=True)
class SaleReceipt:
    header: Header
    receipt_no: str
    sale_uuid: str
    lines: tuple[SaleLine, ...]
    subtotal_fen: int
    discount_fen: int
    total_fen: int
    tenders: tuple[Tender, ...]
    change_fen: int = 0
    order_discounts: tuple[Discount, ...] = ()
    tax_fen: int | None = None  # VAT included in the total
    member: Member | None = None
    e_receipt_url: str = ""
    footer: str = ""
    currency: str = "CNY"
    return_proof: str = ""  # the signed receipt proof (sync/protocol/receipt_proof.py) as a QR
    join_url: str = ""  # no member on the sale: the signed link to join, printed as a QR
    exchange: ExchangeSection | None = None  # the sale is an exchange's new sale
    pickup_notes: tuple[str, ...] = ()  # ordered items to collect here: the code, in bold

    @property
    def opens_drawer(self) -> bool:
        return any(t.kind == CASH for t in self.tenders) or bool(
            self.exchange and any(t.kind == CASH for t in self.exchange.refund_tenders))


@dataclass(frozen=True)
class ExchangeSection:
    """What an exchange gave back, printed on its new sale's receipt: the returned lines,
    their value applied as credit, and the difference paid back (if any) by tender."""

    return_no: str
    original_receipt_no: str
    lines: tuple[ReturnLine, ...]
    credit_fen: int  # applied to the new sale (a tender of it)
    return_fen: int  # what the returned lines are worth
    refund_tenders: tuple[Tender, ...] = ()  # the difference paid back to the customer


@dataclass(frozen=True)
class ReturnLine:
    name: str
    quantity: int
    amount_fen: int  # refunded for this line
    quantity_scale: int = 1
    unit: str = ""
    condition: str = ""  # where the item goes (back to stock, damaged, vendor), in the till's language


@dataclass(frozen=True)
class ReturnReceipt:
    header: Header
    return_no: str
    original_receipt_no: str
    lines: tuple[ReturnLine, ...]
    refund_total_fen: int
    refund_tenders: tuple[Tender, ...]
    reason: str = ""
    approved_by: str = ""
    member: Member | None = None
    currency: str = "CNY"
    points_back: int = 0  # member points given back (what the sale was paid with)
    points_taken: int = 0  # earned points taken back
    coupons_reissued: int = 0  # an online order's coupons given back

    @property
    def opens_drawer(self) -> bool:
        return any(t.kind == CASH for t in self.refund_tenders)


@dataclass(frozen=True)
class PickupItem:
    name: str
    quantity: int
    sku: str = ""


@dataclass(frozen=True)
class PickupSlip:
    header: Header
    order_no: str
    customer_name: str
    phone_tail: str  # last 4 digits only
    items: tuple[PickupItem, ...]
    channel: str = ""  # e.g. "小程序 Mini-program"
    note: str = ""


@dataclass(frozen=True)
class ShiftReport:
    """An X report (mid-shift, nothing closed) or a Z report (closes the day/shift)."""

    header: Header
    kind: str  # "X" or "Z"
    shift_no: str
    opened_at: datetime
    sales_count: int
    sales_total_fen: int
    returns_count: int
    returns_total_fen: int
    by_tender: tuple[tuple[str, int], ...]  # (label, fen)
    opening_float_fen: int
    expected_cash_fen: int
    counted_cash_fen: int | None = None  # Z only
    no_sale_count: int = 0
    voids_count: int = 0
    currency: str = "CNY"
    # Printed only when set (the shift service fills them): discounts given in the sales,
    # cash paid in / out of the drawer, and the over/short's reason at a Z close.
    discount_fen: int = 0
    pay_in_fen: int = 0
    pay_out_fen: int = 0
    closed_at: datetime | None = None
    variance_reason: str = ""
    # The drawer's cash, so float + taken - change + in - out - refunds = expected adds up
    # on paper (the "by tender" cash is what was handed over, before change).
    cash_taken_fen: int = 0
    change_given_fen: int = 0
    cash_refund_fen: int = 0
    aisle_cash_fen: int = 0  # of the cash refunded: cancelled orders from elsewhere paid back

    def __post_init__(self) -> None:
        if self.kind not in ("X", "Z"):
            raise ValueError(f"shift report kind must be X or Z, not {self.kind!r}")


@dataclass(frozen=True)
class CountLine:
    sku: str
    name: str
    expected: int
    counted: int


@dataclass(frozen=True)
class StockCountSummary:
    header: Header
    count_no: str
    area: str
    lines: tuple[CountLine, ...]
    note: str = ""


@dataclass(frozen=True)
class TestPage:
    header: Header
    printer_kind: str
    profile: str
    paper_mm: int
    encoding: str
    extra: tuple[str, ...] = field(default_factory=tuple)
