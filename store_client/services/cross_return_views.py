"""What the cross-channel returns service hands to the screen, and the return's event and slip.

:class:`OriginalForReturn` is an original found for a return (another store's sale, an online
order, or a sale of this till), with a fresh request id; :meth:`OriginalForReturn.plan` is
the refund of a selection, the same computation the service repeats before it refunds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from printers import receipt_data as rd
from printers import templates
from printers.document import Document
from store_client.domain import refunds as rf
from store_client.domain.return_policy import LineVerdict
from store_client.services.return_views import REASON_LABELS, condition_text

#: How a tender of the original is refunded here: its refund-rule kind.
RULE_KIND = {"cash": "cash", "card": "card", "wechat": "mobile", "alipay": "mobile", "mobile": "mobile",
             "points": "points", "online": "online", "store_credit": "store_credit", "voucher": "voucher"}
#: Tenders this till can refund for an original it did not sell (a store sale's mobile part through
#: this till's payment adapter, its points part back to the member at HQ, its store credit part
#: back onto the note that paid, at HQ when the return is confirmed; its voucher part as a new
#: store credit note, services/cross_return_vouchers.py); any other needs the
#: till that took it (``return.tender_elsewhere``).
TAKEN_HERE = ("cash", "card", "online", "wechat", "alipay", "mobile", "points", "store_credit", "voucher")
TENDER_LABELS = {"cash": "现金 Cash", "card": "银行卡 Card", "online": "线上原路退回 Online payment",
                 "wechat": "微信支付 WeChat Pay", "alipay": "支付宝 Alipay", "points": "积分 Points",
                 "store_credit": "退回原储值券 To the credit note",
                 "voucher": "代金券转储值券 Voucher to credit note"}


@dataclass(frozen=True)
class CrossLine:
    line_no: int
    sku: str
    name_zh: str
    name_en: str
    quantity: int
    net_fen: int
    returnable: int  # across every store as HQ knows it, less what this till took offline
    unit: str = "each"  # as the returns screen shows a line (the same fields as ReturnableLine)
    weighed: bool = False
    category: str | None = None  # from the till's catalog (None: a SKU it does not know)

    @property
    def sold(self) -> rf.SoldLine:
        return rf.SoldLine(self.line_no, self.quantity, self.net_fen,
                           returned_quantity=self.quantity - self.returnable)


@dataclass(frozen=True)
class OriginalForReturn:
    request_id: str
    original_ref: str  # sale:<id> or order:<id>
    channel: str  # "store" or "online"
    source: str  # "hq" (HQ's ledger), "receipt_qr" (checked here, offline) or "local"
    store_id: str | None  # None: an online order
    receipt_no: str  # the receipt or the online order number
    completed_at: str | None
    member_id: str | None
    own_till: bool  # a sale of this till: returned through the own-till returns service
    lines: tuple[CrossLine, ...]
    tenders: tuple[tuple[str, int], ...]  # method, what it can still refund
    verdicts: dict[int, LineVerdict] = field(default_factory=dict)  # the return policy when found
    references: tuple[tuple[str, str], ...] = ()  # method, its payment's reference

    def reference(self, seq: int) -> str:
        return dict(self.references).get(self.method(seq), "")

    def paid_tenders(self) -> tuple[rf.PaidTender, ...]:
        return tuple(rf.PaidTender(seq, RULE_KIND.get(method, method), fen)
                     for seq, (method, fen) in enumerate(self.tenders, 1))

    def plan(self, lines: tuple[tuple[int, int], ...]) -> rf.RefundPlan:
        """The refund of ``lines`` ((line_no, qty) pairs); :class:`rf.RefundError` if invalid."""
        return rf.plan_refund([line.sold for line in self.lines], self.paid_tenders(), lines)

    def method(self, seq: int) -> str:
        return self.tenders[seq - 1][0]

    @property
    def total_fen(self) -> int:
        return sum(line.net_fen for line in self.lines)

    @property
    def refunded_fen(self) -> int:
        return sum(line.sold.refunded_fen for line in self.lines)

    @property
    def fully_returned(self) -> bool:
        return all(line.returnable == 0 for line in self.lines)


@dataclass(frozen=True)
class FoundOriginals:
    originals: tuple[OriginalForReturn, ...]  # newest first
    offline: bool  # HQ could not be asked: only what this till knows (its own sales, a receipt QR)


@dataclass(frozen=True)
class CrossReturnRequest:
    request_id: str  # the found original's: the same request again refunds once
    lines: tuple[tuple[int, int], ...]
    reason_code: str
    reason_text: str = ""
    card_reference: str | None = None
    cash_instead: bool = False  # an online order's refund paid in cash (policy + approval)
    dispositions: tuple[tuple[int, str], ...] = ()  # (line_no, restock | damaged | vendor)
    line_reasons: tuple[tuple[int, str], ...] = ()  # (line_no, reason): a line's own, else the return's
    override: bool = False  # a non-returnable line is chosen: a second person overrides (approval)


@dataclass(frozen=True)
class CrossReturnDone:
    return_id: str
    return_no: str
    receipt_no: str
    refund_fen: int
    tenders: tuple[tuple[str, int], ...]  # method, fen
    reserved_at_hq: bool  # False: taken offline from a receipt QR; HQ settles it later
    print_job_id: int | None
    repeated: bool = False
    points_back: int = 0  # given back to the member at HQ (the points the original was paid with)
    points_taken: int = 0  # taken back of what the original earned
    coupons: tuple[tuple[str, str], ...] = ()  # (coupon id, "reissued" / "forfeited")
    approved_by: str | None = None


@dataclass(frozen=True)
class Effects:
    """What HQ gives and takes back of the member's points, and does to the order's coupons,
    for a return it reserved (``effects`` of its answer; nothing when it is missing)."""

    points_back: int = 0
    points_taken: int = 0
    coupons: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, answer: object) -> Effects:
        data = answer.get("effects") if isinstance(answer, dict) else None
        if not isinstance(data, dict):
            return cls()
        try:
            back, taken = int(data.get("points_back") or 0), int(data.get("points_taken") or 0)
            coupons = tuple((str(c["coupon_id"])[:32], str(c["outcome"])[:16]) for c in data.get("coupons") or ())
        except (TypeError, ValueError, KeyError):
            return cls()
        return cls(max(0, back), max(0, taken), coupons)


def event_payload(*, return_id: str, request: CrossReturnRequest, return_no: str, original: OriginalForReturn,
                  store_id: str, terminal_id: str, operator_id: str, approved_by: str | None, completed_at: str,
                  plan: rf.RefundPlan, refs: dict[int, str | None], reserved: bool,
                  dispositions: dict[int, str], reasons: dict[int, str], exchange: dict | None = None) -> dict:
    """The ``return.taken`` event (sync/protocol/events.py). An online part paid in cash
    instead is a ``cash`` tender ``instead_of`` ``online``. ``exchange`` (v3,
    sync/protocol/cross_exchange_events.py): ``exchange_id``, ``sale_id``, ``credit_minor`` and
    ``credits`` (each tender's credit by its seq)."""
    skus = {line.line_no: line.sku for line in original.lines}

    def tender(t: rf.TenderRefund) -> dict:
        method = original.method(t.seq)
        if request.cash_instead and method == "online":
            return {"method": "cash", "amount_minor": t.amount_fen, "reference": None, "instead_of": "online"}
        out = {"method": method, "amount_minor": t.amount_fen, "reference": refs.get(t.seq)}
        if exchange is not None:
            out["credit_minor"] = exchange["credits"].get(t.seq, 0)
        return out

    link = {} if exchange is None else {"exchange": {k: exchange[k] for k in ("exchange_id", "sale_id", "credit_minor")}}
    return {**link, "return_id": return_id, "request_id": request.request_id, "return_no": return_no,
            "original_ref": original.original_ref, "source": "hq" if reserved else "receipt_qr",
            "receipt_no": original.receipt_no or None, "store_id": store_id, "terminal_id": terminal_id,
            "operator_id": operator_id, "approved_by": approved_by, "completed_at": completed_at,
            "refund_minor": plan.total_fen, "reason": {"code": request.reason_code, "text": request.reason_text},
            "lines": [{"line_no": r.line_no, "sku": skus[r.line_no], "qty": r.quantity, "refund_minor": r.refund_fen,
                       "disposition": dispositions[r.line_no], "reason": reasons[r.line_no]} for r in plan.lines],
            "tenders": [tender(t) for t in plan.tenders]}


def slip(*, original: OriginalForReturn, plan: rf.RefundPlan, return_no: str, store_name: str, store_id: str,
         terminal_id: str, operator: str, when: datetime, reason_code: str, reason_text: str,
         approved_by: str | None, currency: str, cash_instead: bool = False,
         dispositions: dict[int, str] | None = None, locale: str = "zh_CN", points_back: int = 0,
         points_taken: int = 0, coupons_reissued: int = 0) -> Document:
    """The return slip: lines, refund by tender, reason; the drawer kicks for cash."""
    names = {line.line_no: line.name_zh or line.name_en or line.sku for line in original.lines}
    reason = REASON_LABELS.get(reason_code, reason_code) + (f": {reason_text}" if reason_text else "")
    receipt = rd.ReturnReceipt(
        header=rd.Header(store_name=store_name, store_id=store_id, terminal_id=terminal_id, operator=operator,
                         when=when),
        return_no=return_no, original_receipt_no=original.receipt_no,
        lines=tuple(rd.ReturnLine(names[r.line_no], r.quantity, r.refund_fen,
                                  condition=condition_text((dispositions or {}).get(r.line_no, "restock"), locale))
                    for r in plan.lines),
        refund_total_fen=plan.total_fen,
        refund_tenders=tuple(rd.Tender(kind=paid_as, label=TENDER_LABELS.get(paid_as, paid_as), amount_fen=t.amount_fen)
                             for t in plan.tenders
                             for paid_as in ["cash" if cash_instead and original.method(t.seq) == "online"
                                             else original.method(t.seq)]),
        reason=reason[:120], approved_by=approved_by or "", currency=currency, points_back=points_back,
        points_taken=points_taken, coupons_reissued=coupons_reissued)
    return templates.return_receipt(receipt)
