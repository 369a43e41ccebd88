"""Writing a completed sale: its rows, its outbox event, and its receipt document.

:func:`write_sale` runs inside the checkout's one completion transaction; the
receipt document is built from the same :class:`SaleFacts` after the commit.
Every amount comes from the priced cart, so the lines' nets, the per-source
discount allocation and the tenders stored here are exactly what was charged.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cached_property
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from printers import receipt_data as rd
from printers import templates
from printers.document import Document
from store_client.clock import iso
from store_client.domain.cart import Cart
from store_client.domain.catalog import Unit
from store_client.domain.pricing import PricedCart
from store_client.domain.vat import line_vat as split_vat_over_lines
from store_client.persistence.db import Database
from store_client.persistence.models import (
    ReceiptCounter,
    Sale,
    SaleCoupon,
    SaleDiscount,
    SaleLine,
    SaleTender,
)
from store_client.services.cart_store import TenderEntry
from store_client.services.checkout_views import CompletedSale
from store_client.services.members import Member
from store_client.domain.stock import Movement, MovementReason
from store_client.services import stock
from sync.terminal.sale_events import record_sale_event

TENDER_LABELS = {"cash": "现金 Cash", "card": "银行卡 Card", "mobile": "移动支付 Mobile",
                 "points": "积分 Points", "exchange": "换货抵扣 Exchange credit",
                 "store_credit": "储值券 Store credit"}
log = logging.getLogger(__name__)
_WECHAT = re.compile(r"1[0-5]\d{16}")


@dataclass(frozen=True)
class SaleFacts:
    sale_id: str
    receipt_no: str
    receipt_seq: int
    store_id: str
    terminal_id: str
    store_name: str
    operator_id: str
    operator_name: str
    completed_at: datetime
    cart_id: str
    cart_version: int
    cart: Cart
    priced: PricedCart
    tenders: tuple[TenderEntry, ...]
    paid_fen: int
    change_fen: int
    member: Member | None
    points_earned: int
    points_redeemed: int
    points_balance_after: int | None
    single_use_codes: frozenset[str]
    e_receipt_url: str
    currency: str = "CNY"
    shift_id: str | None = None  # the open shift the sale belongs to
    return_proof: str = ""  # the signed receipt proof printed as a QR (sync/protocol/receipt_proof.py)
    join_url: str = ""  # a sale without a member: the signed link to join (its points go along)
    exchange: dict | None = None  # an exchange's new sale: {exchange_id, return_id, credit_minor}
    ordered_lines: frozenset[int] = frozenset()  # endless aisle: paid here, from another site
    credit_offline: frozenset[str] = frozenset()  # spend ids of store credit notes HQ did not spend yet
    credit_spends: tuple[tuple[str, str], ...] = ()  # (tender id, spend id) of its store credit notes

    @cached_property
    def line_vat(self) -> dict[int, int]:
        """Each line's share of its rate's VAT, by line id (split once, at the sale)."""
        return split_vat_over_lines(self.cart, self.priced)
    line_notes: tuple[tuple[int, str], ...] = ()  # (line, text) printed under an ordered line
    pickup_notes: tuple[str, ...] = ()  # the ordered items' pick-up codes, printed in bold


def receipt_number(store_id: str, terminal_id: str, seq: int) -> str:
    return f"{store_id}-{terminal_id}-{seq:06d}"


def next_receipt_seq(session: Session, terminal_id: str) -> int:
    """Advance this terminal's counter inside the sale transaction: gap-free, never reused."""
    counter = session.get(ReceiptCounter, terminal_id)
    if counter is None:
        counter = ReceiptCounter(terminal_id=terminal_id, last_no=0)
        session.add(counter)
    counter.last_no += 1
    return counter.last_no


def payment_method(tender: TenderEntry) -> str:
    """The v2 payload's method: a mobile payment is WeChat Pay or Alipay by its code."""
    if tender.kind == "mobile":
        return "wechat" if (tender.reference or "").startswith("wx:") else "alipay"
    return tender.kind


def wallet_prefix(payment_code: str) -> str:
    return "wx:" if _WECHAT.fullmatch(payment_code) else "ali:"


def payload(f: SaleFacts) -> dict:
    """The ``sale.completed`` event. Shaped for schema v3 (what a return needs: each line's
    discounts by source, coupons, member, points, tenders with references, receipt number);
    the v2 fields are all there too, so the same payload also validates as v2."""
    lines = {line.line_id: line for line in f.cart.active_lines}
    coupon_totals: dict[str, int] = {}
    for d in f.priced.discounts:
        if d.source.kind == "coupon":
            coupon_totals[d.source.id] = coupon_totals.get(d.source.id, 0) + d.amount_fen
    return {
        "sale_id": f.sale_id,
        "store_id": f.store_id,
        "terminal_id": f.terminal_id,
        "completed_at": iso(f.completed_at),
        "receipt_no": f.receipt_no,
        "operator_id": f.operator_id,
        "lines": [{
            "line_no": p.line_id, "sku": p.sku, "qty": p.quantity,
            "unit": lines[p.line_id].product.unit.value, "unit_price_minor": p.unit_price_fen,
            "line_total_minor": p.gross_fen, "discount_minor": p.discount_fen,
            "net_minor": p.net_fen, "tax_rate_bp": p.tax_rate_bp,
            "vat_minor": f.line_vat[p.line_id],
            "discounts": [{"source": d.source.kind, "source_id": d.source.id[:64],
                           "label": (d.source.name or d.source.id)[:200],
                           "amount_minor": d.amount_fen} for d in p.discounts],
            **({"ordered": True} if p.line_id in f.ordered_lines else {}),
        } for p in f.priced.lines],
        "total_minor": f.priced.total_fen,
        "discount_minor": f.priced.discount_fen,
        "vat_minor": sum(v.vat_fen for v in f.priced.vat),
        "payments": [_payment(f, t) for t in f.tenders],
        "change_minor": f.change_fen,
        "member_id": f.member.member_id if f.member else None,
        "points_earned": f.points_earned,
        "points_redeemed": f.points_redeemed,
        "coupons": [{"code": code, "discount_minor": coupon_totals.get(code, 0),
                     "single_use": code in f.single_use_codes}
                    for code in f.priced.coupons_applied],
        **({"exchange": f.exchange} if f.exchange else {}),
    }


def _payment(f: SaleFacts, t: TenderEntry) -> dict:
    """One payment; a store credit note's carries its code (HQ's ledger key, for the spend) and
    the spend id the till used, so HQ spends it from the event exactly once."""
    if t.kind != "store_credit":
        return {"method": payment_method(t), "amount_minor": t.amount_fen, "reference": t.reference,
                "points": t.points}
    sid = dict(f.credit_spends).get(t.tender_id, f"{f.cart_id}:{t.tender_id}")
    return {"method": "store_credit", "amount_minor": t.amount_fen, "reference": "CN****" + (t.reference or "")[-4:],
            "points": None, "credit_note": {"code": t.reference, "spend_id": sid,
                                            "offline": sid in f.credit_offline}}


def write_sale(session: Session, f: SaleFacts) -> str:
    """Insert the sale and everything it is made of, plus its outbox event; returns the
    event id. The caller's transaction commits it all or nothing."""
    event = record_sale_event(session, payload(f))
    vat = sum(v.vat_fen for v in f.priced.vat)
    session.add(Sale(
        id=f.sale_id, receipt_no=f.receipt_no, receipt_seq=f.receipt_seq, store_id=f.store_id,
        terminal_id=f.terminal_id, operator_id=f.operator_id,
        member_id=f.member.member_id if f.member else None, cart_id=f.cart_id,
        cart_version=f.cart_version, completed_at=iso(f.completed_at),
        subtotal_fen=f.priced.gross_fen, discount_fen=f.priced.discount_fen,
        total_fen=f.priced.total_fen, paid_fen=f.paid_fen, change_fen=f.change_fen, vat_fen=vat,
        points_earned=f.points_earned, points_redeemed=f.points_redeemed,
        outbox_event_id=event.event_id, print_job_id=None, shift_id=f.shift_id))
    session.flush()  # the sale row first: the child rows reference it
    lines = {line.line_id: line for line in f.cart.active_lines}
    children: list[object] = []
    for p in f.priced.lines:
        line = lines[p.line_id]
        children.append(SaleLine(
            sale_id=f.sale_id, line_no=p.line_id, sku=p.sku, name_zh=line.product.name_zh,
            name_en=line.product.name_en, unit=line.product.unit.value, quantity=p.quantity,
            unit_price_fen=p.unit_price_fen, gross_fen=p.gross_fen,
            discount_fen=p.discount_fen, net_fen=p.net_fen, tax_rate_bp=p.tax_rate_bp,
            vat_fen=f.line_vat[p.line_id], overridden=line.price_override is not None))
        for seq, d in enumerate(p.discounts, 1):
            children.append(SaleDiscount(
                sale_id=f.sale_id, line_no=p.line_id, seq=seq, source_kind=d.source.kind,
                source_id=d.source.id[:64], label=(d.source.name or d.source.id)[:200],
                amount_fen=d.amount_fen))
    for seq, t in enumerate(f.tenders, 1):
        children.append(SaleTender(sale_id=f.sale_id, seq=seq, kind=t.kind,
                                   amount_fen=t.amount_fen, reference=t.reference,
                                   points=t.points))
    coupon_totals: dict[str, int] = {}
    for d in f.priced.discounts:
        if d.source.kind == "coupon":
            coupon_totals[d.source.id] = coupon_totals.get(d.source.id, 0) + d.amount_fen
    for code in f.priced.coupons_applied:
        children.append(SaleCoupon(
            sale_id=f.sale_id, code=code, member_id=f.member.member_id if f.member else None,
            single_use=code in f.single_use_codes, discount_fen=coupon_totals.get(code, 0),
            used_at=iso(f.completed_at)))
    session.add_all(children)
    sold: dict[str, int] = {}
    for p in f.priced.lines:  # pieces, or grams of a weighed line; an ordered line was never here
        if p.line_id not in f.ordered_lines:
            sold[p.sku] = sold.get(p.sku, 0) + p.quantity
    stock.record(session, [Movement(sku, -qty, MovementReason.SALE, f"sale:{f.sale_id}", f.completed_at)
                           for sku, qty in sold.items() if qty > 0],
                 store_id=f.store_id, terminal_id=f.terminal_id, event=False)
    return event.event_id


def receipt_document(f: SaleFacts) -> Document:
    """The sale receipt: CODE128 of the receipt number, QR of the e-receipt; the drawer
    kicks only when cash was taken (the template decides from the tenders)."""
    return templates.sale_receipt(receipt_data(f))


def receipt_data(f: SaleFacts) -> rd.SaleReceipt:
    """What the sale receipt prints (an exchange adds its section to it)."""
    lines = {line.line_id: line for line in f.cart.active_lines}
    notes: dict[int, tuple[str, ...]] = {}
    for line_no, note in f.line_notes:
        notes[line_no] = notes.get(line_no, ()) + (note,)
    receipt_lines = []
    for p in f.priced.lines:
        line = lines[p.line_id]
        grams = line.product.unit is Unit.KG and line.embedded_price_fen is None
        receipt_lines.append(rd.SaleLine(
            name=line.product.name_zh or line.product.name_en, quantity=p.quantity,
            unit_price_fen=p.unit_price_fen, amount_fen=p.gross_fen,
            quantity_scale=1000 if grams else 1, unit="kg" if grams else "",
            notes=notes.get(p.line_id, ())))
    tenders = tuple(rd.Tender(kind=t.kind, label=TENDER_LABELS.get(t.kind, t.kind),
                              amount_fen=t.amount_fen,
                              reference=("****" + t.reference[-4:]) if t.reference and t.kind != "exchange" else "")
                    for t in f.tenders)
    member = None
    if f.member is not None:
        member = rd.Member(member_no=f.member.phone_masked or f.member.member_id,
                           points_earned=f.points_earned, points_redeemed=f.points_redeemed,
                           points_balance=f.points_balance_after)
    return rd.SaleReceipt(
        header=rd.Header(store_name=f.store_name, store_id=f.store_id,
                         terminal_id=f.terminal_id, operator=f.operator_name,
                         when=f.completed_at),
        receipt_no=f.receipt_no, sale_uuid=f.sale_id, lines=tuple(receipt_lines),
        subtotal_fen=f.priced.gross_fen, discount_fen=0, total_fen=f.priced.total_fen,
        tenders=tenders, change_fen=f.change_fen,
        order_discounts=tuple(rd.Discount(d.source.name or d.source.id, d.amount_fen)
                              for d in f.priced.discounts if d.amount_fen),
        tax_fen=sum(v.vat_fen for v in f.priced.vat), member=member,
        e_receipt_url=f.e_receipt_url, currency=f.currency, return_proof=f.return_proof,
        join_url=f.join_url, pickup_notes=f.pickup_notes)


def completed_from_db(db: Database, cart_id: str) -> CompletedSale | None:
    """The sale a cart became, read back (``receipt_text`` is not stored: empty)."""
    with db.read() as s:
        sale = s.scalars(select(Sale).where(Sale.cart_id == cart_id)).one_or_none()
        if sale is None:
            return None
        return CompletedSale(sale.id, sale.receipt_no, sale.total_fen, sale.change_fen,
                             sale.paid_fen, sale.points_earned, sale.print_job_id, "")


def queue_receipt(db: Database, print_queue, document: Document, f: SaleFacts) -> int | None:  # type: ignore[no-untyped-def]
    """Queue the receipt (after the commit) and note the job on the sale. A failure here
    never undoes the sale: its receipt can be reprinted."""
    if print_queue is None:
        return None
    try:
        job_id = print_queue.submit("sale", document, title=f"sale {f.receipt_no}")
        with db.transaction() as s:
            sale = s.get(Sale, f.sale_id)
            if sale is not None:
                sale.print_job_id = job_id
        return job_id
    except Exception:  # the printer side must not fail a committed sale
        log.exception("receipt of sale %s could not be queued", f.receipt_no)
        return None
