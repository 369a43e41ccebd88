"""What the returns service hands to the screen, and the return's event and receipt.

:class:`SaleForReturn` carries the sale as the refund rules see it (domain
objects), so the screen can show the refund of a selection at once, without a
database call: :meth:`SaleForReturn.plan` is the same computation the service
repeats inside the return's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from printers import receipt_data as rd
from printers import templates
from printers.document import Document
from store_client.domain import refunds as rf
from store_client.domain.return_policy import DAMAGED, RESTOCK, VENDOR, LineVerdict

REASONS = ("damaged", "wrong_item", "changed_mind", "other")
REASON_LABELS = {"damaged": "商品损坏 Damaged", "wrong_item": "商品不符 Wrong item",
                 "changed_mind": "不想要了 Changed mind", "other": "其他 Other"}
#: The disposition and its words on the return slip, in the till's language.
CONDITION_WORDS = {
    "zh_CN": {RESTOCK: "去向：退回库存", DAMAGED: "去向：损坏，不再销售", VENDOR: "去向：退回供应商"},
    "en": {RESTOCK: "Goes: back to stock", DAMAGED: "Goes: damaged, not for sale",
           VENDOR: "Goes: back to the vendor"},
}


def condition_text(disposition: str, locale: str) -> str:
    words = CONDITION_WORDS.get(locale, CONDITION_WORDS["en"])
    return words.get(disposition, disposition)


TENDER_LABELS = {"cash": "现金 Cash", "card": "银行卡 Card", "mobile": "移动支付 Mobile",
                 "points": "积分 Points", "exchange": "换货抵扣 Exchange credit",
                 "store_credit": "退回储值券 To credit note"}


@dataclass(frozen=True)
class ReturnableLine:
    line_no: int
    sku: str
    name_zh: str
    name_en: str
    unit: str  # "each" | "kg" (quantities in grams)
    sold: rf.SoldLine

    @property
    def weighed(self) -> bool:
        return self.sold.weighed


@dataclass(frozen=True)
class SaleForReturn:
    request_id: str  # made when the return is started: one request refunds at most once
    sale_id: str
    receipt_no: str
    completed_at: str
    total_fen: int
    member_id: str | None
    points_earned: int
    points_cap: int  # earned points that may still be taken back (member balance, not below 0)
    lines: tuple[ReturnableLine, ...]
    tenders: tuple[rf.PaidTender, ...]
    verdicts: dict[int, LineVerdict] = field(default_factory=dict)  # the return policy, per line

    @property
    def fully_returned(self) -> bool:
        return all(line.sold.returnable == 0 for line in self.lines)

    @property
    def refunded_fen(self) -> int:
        return sum(t.refunded_fen for t in self.tenders)

    def plan(self, selection: tuple[tuple[int, int], ...] | list[tuple[int, int]]) -> rf.RefundPlan:
        """The refund of ``selection`` ((line_no, quantity), ...); raises RefundError."""
        plan = rf.plan_refund([line.sold for line in self.lines], self.tenders, selection,
                              points_earned=self.points_earned)
        if plan.points_reversed > self.points_cap:
            plan = rf.RefundPlan(plan.lines, plan.tenders, plan.total_fen, plan.points_refunded,
                                 max(0, self.points_cap))
        return plan


@dataclass(frozen=True)
class ReturnRequest:
    request_id: str
    sale_id: str
    lines: tuple[tuple[int, int], ...]  # (line_no, quantity)
    reason_code: str
    reason_text: str = ""
    card_reference: str | None = None  # the card terminal's refund reference, if card is refunded
    dispositions: tuple[tuple[int, str], ...] = ()  # (line_no, restock | damaged | vendor)
    line_reasons: tuple[tuple[int, str], ...] = ()  # (line_no, reason): a line's own, else the return's
    override: bool = False  # a non-returnable line is chosen: a manager overrides (approval)


@dataclass(frozen=True)
class RefundedTender:
    kind: str
    amount_fen: int
    points: int
    reference: str | None


@dataclass(frozen=True)
class CompletedReturn:
    return_id: str
    return_no: str
    receipt_no: str
    refund_fen: int
    tenders: tuple[RefundedTender, ...]
    points_refunded: int
    points_reversed: int
    print_job_id: int | None
    receipt_text: str = ""
    repeated: bool = False  # True: this request was already done; nothing was refunded again


@dataclass(frozen=True)
class ReturnFacts:
    """Everything one return writes, built once and used for rows, event and receipt."""

    return_id: str
    request: ReturnRequest
    return_no: str
    return_seq: int
    receipt_no: str
    store_id: str
    store_name: str
    terminal_id: str
    operator_id: str
    operator_name: str
    approved_by: str | None
    member_id: str | None
    completed_at: datetime
    plan: rf.RefundPlan
    lines: dict[int, ReturnableLine]
    tender_refs: dict[int, str | None]  # sale tender seq -> the refund's own reference
    currency: str = "CNY"
    dispositions: dict[int, str] = field(default_factory=dict)  # line_no -> disposition
    line_reasons: dict[int, str] = field(default_factory=dict)  # line_no -> reason code
    locale: str = "zh_CN"  # the till's language: the slip's words for the dispositions
    override: dict | None = None  # a manager's override of non-returnable lines (audited)
    # an exchange's return: {exchange_id, sale_id, credit_minor, credits: {tender seq: fen}}
    exchange: dict | None = None


def method(kind: str, original_reference: str | None) -> str:
    """The event's method: a mobile refund is WeChat Pay or Alipay like the payment was."""
    if kind == "mobile":
        return "wechat" if (original_reference or "").startswith("wx:") else "alipay"
    return kind


def payload(f: ReturnFacts, completed_at: str) -> dict:
    """The ``return.completed`` event (schema v1, sync/payloads.py)."""
    return {
        "return_id": f.return_id, "request_id": f.request.request_id, "return_no": f.return_no,
        "sale_id": f.request.sale_id, "receipt_no": f.receipt_no, "store_id": f.store_id,
        "terminal_id": f.terminal_id, "operator_id": f.operator_id,
        "approved_by": f.approved_by, "completed_at": completed_at, "member_id": f.member_id,
        "reason": {"code": f.request.reason_code, "text": f.request.reason_text},
        "lines": [{"line_no": r.line_no, "sku": f.lines[r.line_no].sku, "qty": r.quantity,
                   "refund_minor": r.refund_fen, "disposition": f.dispositions.get(r.line_no, "restock"),
                   "reason": f.line_reasons.get(r.line_no, f.request.reason_code)} for r in f.plan.lines],
        "refund_minor": f.plan.total_fen,
        "tenders": [{"method": method(t.kind, t.original_reference), "amount_minor": t.amount_fen,
                     "points": t.points if t.kind == "points" else None,
                     "reference": f.tender_refs.get(t.seq),
                     "original_reference": t.original_reference,
                     **_credit(f, t.seq)} for t in f.plan.tenders],
        "points_refunded": f.plan.points_refunded,
        "points_reversed": f.plan.points_reversed,
        **({"exchange": {k: v for k, v in f.exchange.items() if k != "credits"}} if f.exchange else {}),
    }


def _credit(f: ReturnFacts, seq: int) -> dict:
    """An exchange's tender: how much of its share paid the new sale instead of the customer."""
    return {"credit_minor": f.exchange["credits"].get(seq, 0)} if f.exchange else {}


def _masked(reference: str | None) -> str:
    return ("****" + reference[-4:]) if reference else ""


def receipt_document(f: ReturnFacts, *, reprint: bool = False, training: bool = False) -> Document:
    lines = []
    for r in f.plan.lines:
        line = f.lines[r.line_no]
        grams = line.unit == "kg"
        lines.append(rd.ReturnLine(name=line.name_zh or line.name_en, quantity=r.quantity,
                                   amount_fen=r.refund_fen, quantity_scale=1000 if grams else 1,
                                   unit="kg" if grams else "",
                                   condition=condition_text(f.dispositions.get(r.line_no, "restock"), f.locale)))
    tenders = tuple(rd.Tender(kind=t.kind, label=TENDER_LABELS.get(t.kind, t.kind)
                              + (f" {t.points}" if t.kind == "points" else "")
                              + (f" {_masked(f.tender_refs.get(t.seq))}" if t.kind == "store_credit" else ""),
                              amount_fen=t.amount_fen, reference=_masked(f.tender_refs.get(t.seq)))
                    for t in f.plan.tenders)
    reason = REASON_LABELS.get(f.request.reason_code, f.request.reason_code)
    if f.request.reason_text:
        reason = f"{reason}: {f.request.reason_text}"
    receipt = rd.ReturnReceipt(
        header=rd.Header(store_name=f.store_name, store_id=f.store_id, terminal_id=f.terminal_id,
                         operator=f.operator_name, when=f.completed_at, training=training,
                         reprint=reprint),
        return_no=f.return_no, original_receipt_no=f.receipt_no, lines=tuple(lines),
        refund_total_fen=f.plan.total_fen, refund_tenders=tenders, reason=reason[:120],
        approved_by=f.approved_by or "",
        member=rd.Member(member_no=f.member_id) if f.member_id else None, currency=f.currency)
    return templates.return_receipt(receipt)
