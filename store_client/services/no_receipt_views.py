"""What the no-receipt returns service hands to the screen, and the return's event and slips."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from printers import receipt_data as rd
from printers import templates
from printers.document import Document, DocumentBuilder
from store_client.services.return_views import REASON_LABELS

CASH, STORE_CREDIT = "cash", "store_credit"
TENDER_LABELS = {CASH: "现金 Cash", STORE_CREDIT: "储值券 Store credit"}
NO_RECEIPT = "无小票 No receipt"


@dataclass(frozen=True)
class NoReceiptItem:
    """A scanned item, priced at the lowest shelf price of the last 90 days."""

    sku: str
    name_zh: str
    name_en: str
    unit_fen: int  # the refund per unit
    current_fen: int  # the shelf price now (shown for comparison)


@dataclass(frozen=True)
class NoReceiptPolicy:
    """What the screen needs before the first scan: a fresh request and the store's rules."""

    request_id: str
    tenders: tuple[str, ...]  # allowed: ("store_credit",), ("cash",) or both
    max_fen: int  # per return
    day_left_fen: int  # what this till may still refund without receipt today


@dataclass(frozen=True)
class NoReceiptRequest:
    request_id: str
    lines: tuple[tuple[str, int], ...]  # (sku, quantity), each SKU once
    reason_code: str
    reason_text: str = ""
    tender: str = STORE_CREDIT


@dataclass(frozen=True)
class NoReceiptDone:
    return_id: str
    return_no: str
    refund_fen: int
    tender: str
    credit_code: str | None
    print_job_id: int | None
    repeated: bool = False


def event_payload(*, return_id: str, request: NoReceiptRequest, return_no: str, store_id: str, terminal_id: str,
                  operator_id: str, approved_by: str, completed_at: str,
                  lines: list[tuple[str, int, int]], credit_code: str | None) -> dict:
    """``return.no_receipt`` (sync/protocol/no_receipt_events.py); ``lines``: (sku, qty, unit_fen)."""
    total = sum(qty * unit for _sku, qty, unit in lines)
    return {
        "return_id": return_id, "request_id": request.request_id, "return_no": return_no,
        "store_id": store_id, "terminal_id": terminal_id, "operator_id": operator_id, "approved_by": approved_by,
        "completed_at": completed_at, "refund_minor": total,
        "reason": {"code": request.reason_code, "text": request.reason_text},
        "tender": request.tender, "restocked": request.reason_code != "damaged",
        "lines": [{"sku": sku, "qty": qty, "unit_price_minor": unit, "refund_minor": qty * unit}
                  for sku, qty, unit in lines],
        "credit_note": {"code": credit_code, "amount_minor": total} if credit_code else None}


def return_slip(*, return_no: str, names: dict[str, str], lines: list[tuple[str, int, int]], tender: str,
                store_name: str, store_id: str, terminal_id: str, operator: str, when: datetime,
                reason_code: str, reason_text: str, approved_by: str, currency: str) -> Document:
    """The return receipt ("no receipt" as the original); the drawer kicks for cash only."""
    total = sum(qty * unit for _sku, qty, unit in lines)
    reason = REASON_LABELS.get(reason_code, reason_code) + (f": {reason_text}" if reason_text else "")
    return templates.return_receipt(rd.ReturnReceipt(
        header=rd.Header(store_name=store_name, store_id=store_id, terminal_id=terminal_id, operator=operator,
                         when=when),
        return_no=return_no, original_receipt_no=NO_RECEIPT,
        lines=tuple(rd.ReturnLine(names.get(sku) or sku, qty, qty * unit) for sku, qty, unit in lines),
        refund_total_fen=total, refund_tenders=(rd.Tender(kind=tender, label=TENDER_LABELS[tender],
                                                          amount_fen=total),),
        reason=reason[:120], approved_by=approved_by, currency=currency))


def credit_note_slip(*, code: str, amount_fen: int, return_no: str, store_name: str, store_id: str,
                     terminal_id: str, when: datetime, currency: str, reprint: bool = False) -> Document:
    """The customer's store credit note: its code as a barcode and a QR, scanned at payment."""
    b = DocumentBuilder(title=f"credit note {return_no}")
    if reprint:
        b.text(templates.REPRINT, bold=True, align="center", double=True)
    b.text(store_name or store_id, bold=True, align="center", double=True)
    b.text("储值券 STORE CREDIT NOTE", bold=True, align="center")
    b.row(f"门店 Store {store_id}", f"收银机 Till {terminal_id}")
    b.row("时间 Time", templates.local(when))
    b.row("退货单号 Return", return_no)
    b.separator()
    b.text(templates.yen(amount_fen, currency), bold=True, align="center", double=True)
    b.text(code, bold=True, align="center")
    b.barcode(code)
    b.qr(code, size=6)
    b.separator()
    b.text("结账时扫描抵用，可分次使用，余额保留在券上。")
    b.text("Scan at payment; what is not spent stays on the note.")
    b.feed(2)
    b.cut()
    return b.build()
