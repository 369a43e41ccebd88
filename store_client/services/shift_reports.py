"""The figures of a shift (X mid-shift, Z at close) read from the terminal database,
and the printed documents of the shift: the X/Z report and the pay-in/out slips.

Sales and returns belong to a shift by ``shift_id``, written with them (a till with a
cash drawer sells and refunds only while a shift is open: :func:`require_open_shift`);
voids and no-sales (not money) by the sequence of their audit entry. The terminal's clock
never decides. Drawer money is a list of :class:`~store_client.domain.shifts.CashFlow`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from printers import receipt_data as rd
from printers import templates
from printers.document import Document, DocumentBuilder
from store_client.clock import parse_iso
from store_client.domain import shifts as dom
from store_client.services import aisle_state
from store_client.services.errors import Conflict
from store_client.persistence.models import (
    AuditEntry,
    CrossReturn,
    ReceiptCounter,
    Return,
    ReturnTender,
    Sale,
    SaleTender,
    Shift,
    ShiftCashMovement,
)
from store_client.persistence.no_receipt_models import NoReceiptReturn

TENDER_LABELS = {"cash": "现金 Cash", "card": "银行卡 Card", "mobile": "移动支付 Mobile",
                 "points": "积分 Points", "exchange": "换货抵扣 Exchange credit",
                 "store_credit": "储值券 Store credit"}  # a note, not cash in the drawer
VOID_ACTION, NO_SALE_ACTION = "sale.voided", "drawer.no_sale"


@dataclass(frozen=True)
class ShiftFigures:
    """What an X or Z report shows; all money in fen."""

    kind: str  # "X" | "Z"
    shift_id: str
    shift_no: str
    opened_at: str
    opened_by: str
    closed_at: str | None
    opening_float_fen: int
    sales_count: int
    sales_total_fen: int
    discount_fen: int
    by_tender: tuple[tuple[str, int], ...]  # (tender kind, fen) in a fixed order
    cash_tendered_fen: int
    change_given_fen: int
    pay_in_count: int
    pay_in_fen: int
    pay_out_count: int
    pay_out_fen: int
    cash_refund_fen: int  # cash paid back by returns
    expected_cash_fen: int
    no_sale_count: int
    voids_count: int
    counted_cash_fen: int | None = None
    variance_fen: int | None = None
    variance_reason: str | None = None
    returns_count: int = 0  # (defaults: Z reports stored before returns counted)
    returns_total_fen: int = 0  # refunded by every tender
    aisle_cash_fen: int = 0  # of cash_refund_fen: cancelled endless-aisle orders paid back in cash

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ShiftFigures:
        data = json.loads(text)
        data["by_tender"] = tuple((k, v) for k, v in data["by_tender"])
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


def last_receipt_seq(s: Session, terminal_id: str) -> int:
    counter = s.get(ReceiptCounter, terminal_id)
    return counter.last_no if counter is not None else 0


def last_audit_seq(s: Session) -> int:
    return s.scalar(select(func.max(AuditEntry.seq))) or 0


def open_shift(s: Session, terminal_id: str) -> Shift | None:
    return s.scalars(select(Shift).where(Shift.terminal_id == terminal_id,
                                         Shift.status == dom.ShiftStatus.OPEN.value)
                     .execution_options(populate_existing=True)).one_or_none()


def require_open_shift(s: Session, config) -> str | None:  # type: ignore[no-untyped-def]
    """The id of the terminal's open shift, for a sale or refund written in ``s``.

    With ``shift.required`` (a till with a cash drawer) no open shift refuses the sale or
    refund with ``shift.required``; without it the row belongs to no shift (None)."""
    row = open_shift(s, config.terminal_id)
    if row is None and config.values.get("shift.required", True):
        raise Conflict("No shift is open on this till: open a shift (count the float) before "
                       "selling or refunding.", code="shift.required")
    return row.id if row is not None else None


def next_movement_seq(s: Session, shift_id: str) -> int:
    return (s.scalar(select(func.max(ShiftCashMovement.seq))
                     .where(ShiftCashMovement.shift_id == shift_id)) or 0) + 1


def compute(s: Session, shift: Shift, *, kind: str, audit_to: int) -> ShiftFigures:
    """The shift's figures: its sales and returns, voids and no-sales up to ``audit_to``."""
    in_shift = (Sale.shift_id == shift.id,)
    count, total, discount, change = s.execute(select(
        func.count(), func.coalesce(func.sum(Sale.total_fen), 0),
        func.coalesce(func.sum(Sale.discount_fen), 0),
        func.coalesce(func.sum(Sale.change_fen), 0)).where(*in_shift)).one()
    tendered = dict(s.execute(select(SaleTender.kind, func.sum(SaleTender.amount_fen))
                              .join(Sale, Sale.id == SaleTender.sale_id).where(*in_shift)
                              .group_by(SaleTender.kind)).all())
    moves = {k: (n, fen) for k, n, fen in s.execute(
        select(ShiftCashMovement.kind, func.count(), func.sum(ShiftCashMovement.amount_fen))
        .where(ShiftCashMovement.shift_id == shift.id).group_by(ShiftCashMovement.kind))}
    actions = dict(s.execute(select(AuditEntry.action, func.count()).where(
        AuditEntry.seq > shift.audit_seq_from, AuditEntry.seq <= audit_to,
        AuditEntry.action.in_((VOID_ACTION, NO_SALE_ACTION))).group_by(AuditEntry.action)).all())
    returns = select(Return.id).where(Return.shift_id == shift.id,
                                      Return.status == "completed").scalar_subquery()
    returns_count, returns_total = s.execute(select(
        func.count(), func.coalesce(func.sum(Return.refund_fen), 0)).where(
        Return.id.in_(returns))).one()
    # an exchange's credit (credit_fen) paid the new sale: it never left the drawer
    paid_back = ReturnTender.amount_fen - ReturnTender.credit_fen
    cash_refunded = s.scalar(select(func.coalesce(func.sum(paid_back), 0)).where(
        ReturnTender.return_id.in_(returns), ReturnTender.kind == "cash")) or 0
    taken_count, taken_total, taken_cash = s.execute(select(  # returns of other stores' sales, online orders
        func.count(), func.coalesce(func.sum(CrossReturn.refund_fen), 0),
        func.coalesce(func.sum(CrossReturn.cash_fen), 0)).where(CrossReturn.shift_id == shift.id,
                                                                CrossReturn.status == "completed")).one()
    returns_count, returns_total = returns_count + taken_count, returns_total + taken_total
    cash_refunded += taken_cash
    bare_count, bare_total, bare_cash = s.execute(select(  # returns without a receipt (cash or store credit)
        func.count(), func.coalesce(func.sum(NoReceiptReturn.refund_fen), 0),
        func.coalesce(func.sum(NoReceiptReturn.cash_fen), 0)).where(NoReceiptReturn.shift_id == shift.id)).one()
    returns_count, returns_total, cash_refunded = (returns_count + bare_count, returns_total + bare_total,
                                                   cash_refunded + bare_cash)
    aisle_cash = aisle_state.cash_of_shift(s, shift.id)  # cancelled aisle orders (services/aisle_resolution.py)
    cash_refunded += aisle_cash
    cash = tendered.get("cash", 0)
    pay_in_n, pay_in = moves.get(dom.MovementKind.PAY_IN.value, (0, 0))
    pay_out_n, pay_out = moves.get(dom.MovementKind.PAY_OUT.value, (0, 0))
    flows = [dom.CashFlow(dom.FlowSource.FLOAT, shift.opening_float_fen),
             *dom.sales_flows(cash, change),
             dom.movement_flow(dom.MovementKind.PAY_IN, pay_in),
             dom.movement_flow(dom.MovementKind.PAY_OUT, pay_out),
             dom.CashFlow(dom.FlowSource.CASH_REFUND, -cash_refunded)]
    by_source = dom.flows_by_source(flows)
    order = [k for k in TENDER_LABELS if k in tendered] + sorted(set(tendered) - set(TENDER_LABELS))
    return ShiftFigures(
        kind=kind, shift_id=shift.id, shift_no=shift.shift_no, opened_at=shift.opened_at,
        opened_by=shift.opened_by, closed_at=shift.closed_at,
        opening_float_fen=shift.opening_float_fen, sales_count=count, sales_total_fen=total,
        discount_fen=discount, by_tender=tuple((k, tendered[k]) for k in order),
        cash_tendered_fen=cash, change_given_fen=change, pay_in_count=pay_in_n,
        pay_in_fen=pay_in, pay_out_count=pay_out_n, pay_out_fen=pay_out,
        cash_refund_fen=-by_source.get(dom.FlowSource.CASH_REFUND, 0),
        expected_cash_fen=dom.expected_cash(flows),
        no_sale_count=actions.get(NO_SALE_ACTION, 0), voids_count=actions.get(VOID_ACTION, 0),
        returns_count=returns_count, returns_total_fen=returns_total, aisle_cash_fen=aisle_cash)


def header(store_name: str, store_id: str, terminal_id: str, operator: str,
           when: datetime) -> rd.Header:
    return rd.Header(store_name=store_name, store_id=store_id, terminal_id=terminal_id,
                     operator=operator, when=when)


def report_document(f: ShiftFigures, head: rd.Header, currency: str = "CNY") -> Document:
    return templates.shift_report(rd.ShiftReport(
        header=head, kind=f.kind, shift_no=f.shift_no, opened_at=parse_iso(f.opened_at),
        sales_count=f.sales_count, sales_total_fen=f.sales_total_fen,
        returns_count=f.returns_count, returns_total_fen=f.returns_total_fen,
        by_tender=tuple((TENDER_LABELS.get(k, k), fen) for k, fen in f.by_tender),
        opening_float_fen=f.opening_float_fen, expected_cash_fen=f.expected_cash_fen,
        counted_cash_fen=f.counted_cash_fen, no_sale_count=f.no_sale_count,
        voids_count=f.voids_count, currency=currency, discount_fen=f.discount_fen,
        pay_in_fen=f.pay_in_fen, pay_out_fen=f.pay_out_fen,
        closed_at=parse_iso(f.closed_at) if f.closed_at else None,
        variance_reason=f.variance_reason or "", cash_taken_fen=f.cash_tendered_fen,
        change_given_fen=f.change_given_fen, cash_refund_fen=f.cash_refund_fen,
        aisle_cash_fen=f.aisle_cash_fen))


def cash_slip(head: rd.Header, title: str, shift_no: str,
              rows: Sequence[tuple[str, str]]) -> Document:
    """The slip of a drawer opening for the shift (open, pay-in, pay-out); it kicks the drawer."""
    b = DocumentBuilder(title=title)
    b.text(head.store_name or head.store_id, bold=True, align="center", double=True)
    b.text(title, bold=True, align="center")
    b.row(f"门店 Store {head.store_id}", f"收银机 Till {head.terminal_id}")
    b.row("收银员 Cashier", head.operator)
    b.row("时间 Time", templates.local(head.when))
    b.row("班次 Shift", shift_no)
    b.separator()
    for label, value in rows:
        b.row(label, value)
    b.feed(2)
    b.text("签字 Signature: ________")
    b.cut()
    b.drawer_kick()
    return b.build()
