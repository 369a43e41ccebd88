"""Versioned payload schemas of the events a terminal sends to HQ.

HQ validates every event with :func:`validate` before applying it; a payload
that fails is a *permanent* rejection (the reason goes back to the terminal's
"needs attention" list), never a transient error. Money is always integer fen:
a float, a bool or a string where an amount belongs is rejected, not coerced.

``sale.completed`` v1 and v2 are still accepted (events queued before a terminal
upgrade); v1 is upgraded to the v2 shape. v3 (what the checkout sends) is v2 plus what
a return needs: each line's discounts by source with its net and VAT, the coupons,
points earned and redeemed, tender references, the receipt number and the operator;
a v3 payload is also a valid v2 payload (the extra fields are ignored there).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from collections.abc import Callable
from typing import Any, Literal, overload

MAX_LINES = 500
MAX_AMOUNT = 10**12  # fen; far above any real sale, below any overflow


class PayloadError(ValueError):
    """The payload does not match its schema; the message is HQ's reason."""


def _int(obj: dict, key: str, *, lo: int = -MAX_AMOUNT, hi: int = MAX_AMOUNT) -> int:
    if key not in obj:
        raise PayloadError(f"missing field '{key}'")
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise PayloadError(f"field '{key}' must be an integer (got {type(value).__name__})")
    if not lo <= value <= hi:
        raise PayloadError(f"field '{key}' out of range ({value})")
    return value


@overload
def _str(obj: dict, key: str, *, max_len: int = 64, optional: Literal[False] = False) -> str: ...


@overload
def _str(obj: dict, key: str, *, max_len: int = 64, optional: bool) -> str | None: ...


def _str(obj: dict, key: str, *, max_len: int = 64, optional: bool = False) -> str | None:
    if key not in obj or obj[key] is None:
        if optional:
            return None
        raise PayloadError(f"missing field '{key}'")
    value = obj[key]
    if not isinstance(value, str) or not value or len(value) > max_len:
        raise PayloadError(f"field '{key}' must be a non-empty string of at most {max_len} characters")
    return value


def _time(obj: dict, key: str, *, optional: bool = False) -> str | None:
    """An ISO 8601 time with its UTC offset (what every till writes), kept as sent. Times
    are compared as text at HQ, so "zzzz" or a time without an offset must not get in."""
    value = _str(obj, key, max_len=40, optional=optional)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise PayloadError(f"field '{key}' must be a time (ISO 8601), got {value[:40]!r}") from None
    if moment.tzinfo is None:
        raise PayloadError(f"field '{key}' must carry its UTC offset")
    return value


def _obj(value: Any, what: str) -> dict:
    if not isinstance(value, dict):
        raise PayloadError(f"{what} must be an object")
    return value


def _list(obj: dict, key: str, *, max_len: int) -> list:
    value = obj.get(key)
    if not isinstance(value, list):
        raise PayloadError(f"field '{key}' must be a list")
    if len(value) > max_len:
        raise PayloadError(f"field '{key}' has more than {max_len} entries")
    return value


def _uuid(obj: dict, key: str) -> str:
    text = _str(obj, key, max_len=36)
    try:
        uuid.UUID(text)
    except ValueError:
        raise PayloadError(f"field '{key}' must be a UUID") from None
    return text  # type: ignore[return-value]


def _lines(payload: dict) -> list[dict]:
    lines = _list(payload, "lines", max_len=MAX_LINES)
    if not lines:
        raise PayloadError("a sale needs at least one line")
    out: list[dict[str, Any]] = []
    for i, raw in enumerate(lines):
        line = _obj(raw, f"line {i}")
        sku = _str(line, "sku", max_len=32)
        qty = _int(line, "qty", lo=-1_000_000, hi=1_000_000)
        unit = _int(line, "unit_price_minor", lo=0)
        total = _int(line, "line_total_minor")
        out.append({"sku": sku, "qty": qty, "unit_price_minor": unit, "line_total_minor": total})
    return out


def _sale_common(payload: dict) -> dict:
    return {
        "sale_id": _uuid(payload, "sale_id"),
        "store_id": _str(payload, "store_id", max_len=32),
        "terminal_id": _str(payload, "terminal_id", max_len=32),
        "completed_at": _time(payload, "completed_at"),
        "lines": _lines(payload),
        "total_minor": _int(payload, "total_minor"),
    }


def _sale_v1(payload: dict) -> dict:
    """v1: lines, total and one cash amount paid."""
    sale = _sale_common(payload)
    paid = _int(payload, "paid_minor", lo=0)
    if sum(line["line_total_minor"] for line in sale["lines"]) != sale["total_minor"]:
        raise PayloadError("total_minor is not the sum of the line totals")
    if paid < sale["total_minor"]:
        raise PayloadError("paid_minor is less than total_minor")
    sale.update(discount_minor=0, payments=[{"method": "cash", "amount_minor": paid}],
                change_minor=paid - sale["total_minor"], member_id=None)
    return sale


PAYMENT_METHODS = ("cash", "card", "wechat", "alipay", "voucher", "points", "exchange", "store_credit")


def _sale_v2(payload: dict) -> dict:
    """v2: order-level discount, split tender, change given, optional member."""
    sale = _sale_common(payload)
    discount = _int(payload, "discount_minor", lo=0)
    change = _int(payload, "change_minor", lo=0)
    payments: list[dict[str, Any]] = []
    for i, raw in enumerate(_list(payload, "payments", max_len=20)):
        pay = _obj(raw, f"payment {i}")
        method = _str(pay, "method", max_len=16)
        if method not in PAYMENT_METHODS:
            raise PayloadError(f"payment {i}: unknown method {method!r}")
        payments.append({"method": method, "amount_minor": _int(pay, "amount_minor")})
    if sum(line["line_total_minor"] for line in sale["lines"]) - discount != sale["total_minor"]:
        raise PayloadError("total_minor is not the line totals minus discount_minor")
    if sum(p["amount_minor"] for p in payments) - change != sale["total_minor"]:
        raise PayloadError("payments minus change_minor do not equal total_minor")
    sale.update(discount_minor=discount, payments=payments, change_minor=change,
                member_id=_str(payload, "member_id", max_len=32, optional=True))
    return sale


DISCOUNT_SOURCES = ("promotion", "line_manual", "coupon", "cart_manual")
UNITS = ("each", "kg")


def _opt_int(obj: dict, key: str, *, lo: int = 0, hi: int = MAX_AMOUNT) -> int | None:
    return None if obj.get(key) is None else _int(obj, key, lo=lo, hi=hi)


def _line_v3(i: int, raw: Any) -> dict:
    line = _obj(raw, f"line {i}")
    out: dict[str, Any] = {"line_no": _int(line, "line_no", lo=1, hi=1_000_000), "sku": _str(line, "sku", max_len=32),
           "qty": _int(line, "qty", lo=1, hi=1_000_000),
           "unit": _str(line, "unit", max_len=8),
           "unit_price_minor": _int(line, "unit_price_minor", lo=0),
           "line_total_minor": _int(line, "line_total_minor", lo=0),
           "discount_minor": _int(line, "discount_minor", lo=0),
           "net_minor": _int(line, "net_minor", lo=0),
           "tax_rate_bp": _int(line, "tax_rate_bp", lo=0, hi=10_000),
           "vat_minor": _int(line, "vat_minor", lo=0)}
    if out["unit"] not in UNITS:
        raise PayloadError(f"line {i}: unit must be 'each' or 'kg'")
    discounts: list[dict[str, Any]] = []
    for j, rd in enumerate(_list(line, "discounts", max_len=50)):
        d = _obj(rd, f"line {i} discount {j}")
        source = _str(d, "source", max_len=16)
        if source not in DISCOUNT_SOURCES:
            raise PayloadError(f"line {i} discount {j}: unknown source {source!r}")
        discounts.append({"source": source, "source_id": _str(d, "source_id", max_len=64),
                          "label": _str(d, "label", max_len=200),
                          "amount_minor": _int(d, "amount_minor", lo=1)})
    if sum(d["amount_minor"] for d in discounts) != out["discount_minor"]:
        raise PayloadError(f"line {i}: its discounts do not add up to discount_minor")
    if out["line_total_minor"] - out["discount_minor"] != out["net_minor"]:
        raise PayloadError(f"line {i}: net_minor is not line_total_minor minus discount_minor")
    out["discounts"] = discounts
    ordered = line.get("ordered", False)
    if not isinstance(ordered, bool):
        raise PayloadError(f"line {i}: 'ordered' must be true or false")
    if ordered:  # endless aisle: paid here, comes from another site (no stock moves here)
        out["ordered"] = True
    return out


def _sale_v3(payload: dict) -> dict:
    """v3: v2 plus what a return needs: per-line discount allocation by source, nets and VAT,
    coupons, points, tender references, receipt number and operator."""
    sale = _sale_v2(payload)
    lines = [_line_v3(i, raw) for i, raw in enumerate(_list(payload, "lines", max_len=MAX_LINES))]
    if len({line["line_no"] for line in lines}) != len(lines):
        raise PayloadError("line_no values must be unique")
    if sum(line["net_minor"] for line in lines) != sale["total_minor"]:
        raise PayloadError("total_minor is not the sum of the line nets")
    if sum(line["discount_minor"] for line in lines) != sale["discount_minor"]:
        raise PayloadError("discount_minor is not the sum of the line discounts")
    payments: list[dict[str, Any]] = []
    for i, raw in enumerate(payload["payments"]):
        pay = _obj(raw, f"payment {i}")
        points = _opt_int(pay, "points", lo=1)
        if (points is not None) != (pay.get("method") == "points"):
            raise PayloadError(f"payment {i}: points are given with, and only with, method 'points'")
        payments.append({**sale["payments"][i],
                         "reference": _str(pay, "reference", max_len=64, optional=True),
                         "points": points, **_credit_note(i, pay)})
    redeemed = _int(payload, "points_redeemed", lo=0)
    earned = _int(payload, "points_earned", lo=0)
    if sum(p["points"] or 0 for p in payments) != redeemed:
        raise PayloadError("points_redeemed is not the sum of the points payments")
    if (redeemed or earned) and sale["member_id"] is None:
        raise PayloadError("points without a member")
    by_coupon: dict[str, int] = {}
    for line in lines:
        for d in line["discounts"]:
            if d["source"] == "coupon":
                by_coupon[d["source_id"]] = by_coupon.get(d["source_id"], 0) + d["amount_minor"]
    coupons: list[dict[str, Any]] = []
    for i, raw in enumerate(_list(payload, "coupons", max_len=20)):
        c = _obj(raw, f"coupon {i}")
        code = _str(c, "code", max_len=64)
        amount = _int(c, "discount_minor", lo=0)
        if by_coupon.get(code, 0) != amount:
            raise PayloadError(f"coupon {code}: discount_minor differs from its line discounts")
        single = c.get("single_use")
        if not isinstance(single, bool):
            raise PayloadError(f"coupon {code}: single_use must be true or false")
        coupons.append({"code": code, "discount_minor": amount, "single_use": single})
    if set(by_coupon) - {c["code"] for c in coupons}:
        raise PayloadError("a line carries a coupon discount for a coupon not listed")
    sale["exchange"] = _sale_exchange(payload, payments)
    sale.update(
        lines=lines, payments=payments, coupons=coupons, points_earned=earned,
        points_redeemed=redeemed, vat_minor=_int(payload, "vat_minor", lo=0),
        receipt_no=_str(payload, "receipt_no", max_len=80),
        operator_id=_str(payload, "operator_id", max_len=16))
    return sale


def _credit_note(i: int, pay: dict) -> dict:
    """A store credit payment names its note (a genuine code) and the spend id HQ spends it
    under, once; no other payment has one."""
    if pay.get("method") != "store_credit":
        if pay.get("credit_note") is not None:
            raise PayloadError(f"payment {i}: only a store_credit payment names a credit note")
        return {}
    from sync.protocol.credit_codes import credit_code_genuine

    note = _obj(pay.get("credit_note"), f"payment {i} credit_note")
    code = _str(note, "code", max_len=16)
    if not credit_code_genuine(code):
        raise PayloadError(f"payment {i}: credit_note.code is not a genuine credit note code")
    offline = note.get("offline")
    if not isinstance(offline, bool):
        raise PayloadError(f"payment {i}: credit_note.offline must be true or false")
    return {"credit_note": {"code": code, "spend_id": _str(note, "spend_id", max_len=64), "offline": offline}}


def _sale_exchange(payload: dict, payments: list[dict[str, Any]]) -> dict | None:
    """An exchange's new sale (docs/returns.md, "Exchanges"): paid first by the credit of
    the return it is linked to; its ``exchange`` payments are exactly that credit."""
    credit = sum(p["amount_minor"] for p in payments if p["method"] == "exchange")
    if payload.get("exchange") is None:
        if any(p["method"] == "exchange" for p in payments):
            raise PayloadError("an exchange credit payment without its exchange")
        return None
    link = _obj(payload["exchange"], "exchange")
    out = {"exchange_id": _uuid(link, "exchange_id"), "return_id": _uuid(link, "return_id"),
           "credit_minor": _int(link, "credit_minor", lo=1)}
    if credit != out["credit_minor"]:
        raise PayloadError("the exchange payments do not add up to the exchange's credit_minor")
    return out


def _return_exchange(payload: dict, tenders: list[dict[str, Any]]) -> dict | None:
    """An exchange's return: each tender's ``credit_minor`` (its share that paid the new
    sale, not the customer) adds up to the exchange's ``credit_minor``; a share of an earlier
    exchange credit is never paid out."""
    if payload.get("exchange") is None:
        if any(t["credit_minor"] or t["method"] == "exchange" for t in tenders):
            raise PayloadError("an exchange credit without its exchange")
        return None
    link = _obj(payload["exchange"], "exchange")
    out = {"exchange_id": _uuid(link, "exchange_id"), "sale_id": _uuid(link, "sale_id"),
           "credit_minor": _int(link, "credit_minor", lo=1)}
    if sum(t["credit_minor"] for t in tenders) != out["credit_minor"]:
        raise PayloadError("the tenders' credit_minor do not add up to the exchange's credit_minor")
    if out["sale_id"] == payload.get("sale_id"):
        raise PayloadError("an exchange's new sale is not the sale returned")
    return out


def _audit_v1(payload: dict) -> dict:
    details = payload.get("details", {})
    if not isinstance(details, dict):
        raise PayloadError("field 'details' must be an object")
    return {
        "at": _time(payload, "at"),
        "operator_id": _str(payload, "operator_id", max_len=16, optional=True),
        "action": _str(payload, "action", max_len=64),
        "target": payload.get("target", "") if isinstance(payload.get("target", ""), str) else "",
        "details": details,
        # The chain link, so HQ can compare its copy with the terminal's chain (audit verify
        # --against-hq); absent only from events written before it was kept.
        "seq": _opt_int(payload, "seq", lo=1, hi=2**62),
        "prev_hash": _hash(payload, "prev_hash"),
        "hash": _hash(payload, "hash"),
    }


def _hash(payload: dict, key: str) -> str | None:
    value = payload.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) != 64 or value.strip("0123456789abcdef"):
        raise PayloadError(f"field '{key}' must be a SHA-256 hex digest")
    return value


def _no_sale_v1(payload: dict) -> dict:
    """The cash drawer opened without a sale (approved for cashiers, audited on the terminal)."""
    return {
        "at": _time(payload, "at"),
        "operator_id": _str(payload, "operator_id", max_len=16),
        "terminal_id": _str(payload, "terminal_id", max_len=32),
        "reason": _str(payload, "reason", max_len=200),
        "approval_id": _str(payload, "approval_id", max_len=64, optional=True),
    }


RETURN_REASONS = ("damaged", "wrong_item", "changed_mind", "other")
#: Where a returned line goes: back to stock (sellable), damaged, or kept for the vendor.
DISPOSITIONS = ("restock", "damaged", "vendor")


def _line_policy(line: dict, i: int, return_reason: str) -> dict:
    """A returned line's ``disposition`` and ``reason`` (both optional, added later): an event
    without them is one of a till that restocked every line except those of a damaged-goods
    return, and gave each line the return's reason."""
    disposition = line.get("disposition")
    if disposition is None:
        disposition = "damaged" if return_reason == "damaged" else "restock"
    elif disposition not in DISPOSITIONS:
        raise PayloadError(f"line {i}: unknown disposition {str(disposition)[:20]!r}")
    reason = line.get("reason")
    if reason is None:
        reason = return_reason
    elif reason not in RETURN_REASONS:
        raise PayloadError(f"line {i}: unknown reason {str(reason)[:20]!r}")
    return {"disposition": disposition, "reason": reason}


REFUND_METHODS = ("cash", "card", "wechat", "alipay", "points", "exchange", "store_credit")


def _return_v1(payload: dict) -> dict:
    """A return of (part of) a sale made on the same terminal: the lines and quantities given
    back, what each refunds, and the tenders refunded (their sum is the refund)."""
    out: dict[str, Any] = {"return_id": _uuid(payload, "return_id"), "request_id": _uuid(payload, "request_id"),
           "return_no": _str(payload, "return_no", max_len=80),
           "sale_id": _uuid(payload, "sale_id"),
           "receipt_no": _str(payload, "receipt_no", max_len=80),
           "store_id": _str(payload, "store_id", max_len=32),
           "terminal_id": _str(payload, "terminal_id", max_len=32),
           "operator_id": _str(payload, "operator_id", max_len=16),
           "approved_by": _str(payload, "approved_by", max_len=16, optional=True),
           "completed_at": _time(payload, "completed_at"),
           "member_id": _str(payload, "member_id", max_len=32, optional=True),
           "refund_minor": _int(payload, "refund_minor", lo=0),
           "points_refunded": _int(payload, "points_refunded", lo=0),
           "points_reversed": _int(payload, "points_reversed", lo=0)}
    reason = _obj(payload.get("reason"), "reason")
    code = _str(reason, "code", max_len=16)
    if code not in RETURN_REASONS:
        raise PayloadError(f"reason: unknown code {code!r}")
    text = reason.get("text") or ""
    if not isinstance(text, str) or len(text) > 200 or (code == "other" and not text.strip()):
        raise PayloadError("reason: 'other' needs a text; a text is at most 200 characters")
    out["reason"] = {"code": code, "text": text}
    lines: list[dict[str, Any]] = []
    for i, raw in enumerate(_list(payload, "lines", max_len=MAX_LINES)):
        line = _obj(raw, f"line {i}")
        lines.append({"line_no": _int(line, "line_no", lo=1, hi=1_000_000),
                      "sku": _str(line, "sku", max_len=32),
                      "qty": _int(line, "qty", lo=1, hi=1_000_000),
                      "refund_minor": _int(line, "refund_minor", lo=0), **_line_policy(line, i, code)})
    if not lines:
        raise PayloadError("a return needs at least one line")
    if len({line["line_no"] for line in lines}) != len(lines):
        raise PayloadError("line_no values must be unique")
    if sum(line["refund_minor"] for line in lines) != out["refund_minor"]:
        raise PayloadError("refund_minor is not the sum of the line refunds")
    tenders: list[dict[str, Any]] = []
    for i, raw in enumerate(_list(payload, "tenders", max_len=20)):
        tender = _obj(raw, f"tender {i}")
        method = _str(tender, "method", max_len=16)
        if method not in REFUND_METHODS:
            raise PayloadError(f"tender {i}: unknown method {method!r}")
        points = _opt_int(tender, "points", lo=0)
        if (points is not None) != (method == "points"):
            raise PayloadError(f"tender {i}: points are given with, and only with, method 'points'")
        amount = _int(tender, "amount_minor", lo=1)
        credit = _opt_int(tender, "credit_minor", lo=0, hi=amount) or 0
        if method == "exchange" and credit != amount:
            raise PayloadError(f"tender {i}: an exchange credit goes only to a new exchange, never paid out")
        tenders.append({"method": method, "amount_minor": amount, "credit_minor": credit,
                        "points": points,
                        "reference": _str(tender, "reference", max_len=64, optional=True),
                        "original_reference": _str(tender, "original_reference", max_len=64,
                                                   optional=True)})
        if method == "store_credit":  # back onto the note that paid: its code, genuine
            from sync.protocol.credit_codes import credit_code_genuine

            if not credit_code_genuine(tenders[-1]["original_reference"]):
                raise PayloadError(f"tender {i}: a store credit refund names the note it goes back to")
    out["exchange"] = _return_exchange(payload, tenders)
    if sum(t["amount_minor"] for t in tenders) != out["refund_minor"]:
        raise PayloadError("the refund tenders do not add up to refund_minor")
    if sum(t["points"] or 0 for t in tenders) != out["points_refunded"]:
        raise PayloadError("points_refunded is not the sum of the points tenders")
    if (out["points_refunded"] or out["points_reversed"]) and out["member_id"] is None:
        raise PayloadError("points without a member")
    out.update(lines=lines, tenders=tenders)
    return out


TAKEN_METHODS = ("cash", "card", "online")  # a return of another store's sale or an online order
#: v2: a store sale's mobile part (refunded through this till's payment adapter) and its
#: points part (given back to the member at HQ) are refunded at any till too.
TAKEN_METHODS_V2 = TAKEN_METHODS + ("wechat", "alipay", "mobile", "points", "store_credit", "voucher")
TAKEN_SOURCES = ("hq", "receipt_qr")  # reserved at HQ first, or taken offline from a receipt QR


def _return_taken_v2(payload: dict) -> dict:
    """v1, and a store sale's mobile and points parts (not an online order's: its payment is
    ``online``, its points come back with its value)."""
    return _return_taken_v1(payload, methods=TAKEN_METHODS_V2)


def _return_taken_v1(payload: dict, methods: tuple[str, ...] = TAKEN_METHODS) -> dict:
    """A return taken at this till of an original it did not sell (``sale:<id>`` of another
    till or store, ``order:<id>`` of the online shop): HQ reserves (or confirms) it at the
    returnable ledger by ``return_id`` and keeps a conflict if it no longer fits."""
    original = _str(payload, "original_ref", max_len=80)
    kind, _, ident = original.partition(":")
    if kind not in ("sale", "order") or not ident:
        raise PayloadError("original_ref must be sale:<id> or order:<id>")
    source = _str(payload, "source", max_len=16)
    if source not in TAKEN_SOURCES:
        raise PayloadError(f"unknown source {source!r}")
    reason = _obj(payload.get("reason"), "reason")
    code = _str(reason, "code", max_len=16)
    text = reason.get("text") or ""
    if code not in RETURN_REASONS or not isinstance(text, str) or len(text) > 200 or (
            code == "other" and not text.strip()):
        raise PayloadError("reason: a known code; 'other' needs a text of at most 200 characters")
    out: dict[str, Any] = {
        "return_id": _uuid(payload, "return_id"), "request_id": _uuid(payload, "request_id"),
        "return_no": _str(payload, "return_no", max_len=80), "original_ref": original, "source": source,
        "receipt_no": _str(payload, "receipt_no", max_len=80, optional=True),
        "store_id": _str(payload, "store_id", max_len=32), "terminal_id": _str(payload, "terminal_id", max_len=32),
        "operator_id": _str(payload, "operator_id", max_len=16),
        "approved_by": _str(payload, "approved_by", max_len=16, optional=True),
        "completed_at": _time(payload, "completed_at"),
        "refund_minor": _int(payload, "refund_minor", lo=1), "reason": {"code": code, "text": text}}
    lines: list[dict[str, Any]] = []
    for i, raw in enumerate(_list(payload, "lines", max_len=MAX_LINES)):
        line = _obj(raw, f"line {i}")
        lines.append({"line_no": _int(line, "line_no", lo=1, hi=1_000_000), "sku": _str(line, "sku", max_len=32),
                      "qty": _int(line, "qty", lo=1, hi=1_000_000), "refund_minor": _int(line, "refund_minor", lo=0),
                      **_line_policy(line, i, code)})
    if not lines or len({x["line_no"] for x in lines}) != len(lines):
        raise PayloadError("a return needs at least one line, each once")
    tenders: list[dict[str, Any]] = []
    for i, raw in enumerate(_list(payload, "tenders", max_len=20)):
        tender = _obj(raw, f"tender {i}")
        method = _str(tender, "method", max_len=16)
        if method not in methods or (method not in TAKEN_METHODS and not original.startswith("sale:")):
            raise PayloadError(f"tender {i}: unknown method {method!r}")
        instead = _str(tender, "instead_of", max_len=16, optional=True)
        if instead is not None and (instead != "online" or method != "cash" or not original.startswith("order:")):
            raise PayloadError(f"tender {i}: only cash may stand in for an online order's payment")
        tenders.append({"method": method, "amount_minor": _int(tender, "amount_minor", lo=1),
                        "reference": _str(tender, "reference", max_len=64, optional=True),
                        "instead_of": instead})
    if sum(x["refund_minor"] for x in lines) != out["refund_minor"] or sum(
            x["amount_minor"] for x in tenders) != out["refund_minor"]:
        raise PayloadError("the lines and the tenders must each add up to refund_minor")
    out.update(lines=lines, tenders=tenders, voucher_note=_voucher_note(payload, tenders))
    return out


def _voucher_note(payload: dict, tenders: list[dict[str, Any]]) -> dict | None:
    """A voucher part is refunded as a new store credit note: its genuine code and, as its
    amount, exactly the voucher parts; no note without a voucher part."""
    from sync.protocol.credit_codes import credit_code_genuine

    total = sum(t["amount_minor"] for t in tenders if t["method"] == "voucher")
    if payload.get("voucher_note") is None:
        if total:
            raise PayloadError("a voucher part needs the credit note it is refunded as (voucher_note)")
        return None
    note = _obj(payload["voucher_note"], "voucher_note")
    code = _str(note, "code", max_len=16)
    if not credit_code_genuine(code):
        raise PayloadError("voucher_note.code is not a genuine credit note code")
    if _int(note, "amount_minor", lo=1) != total:
        raise PayloadError("voucher_note.amount_minor must be the voucher parts' total")
    return {"code": code, "amount_minor": total}


SHIFT_DENOMINATIONS = ("10000", "5000", "2000", "1000", "500", "100", "50", "10")
CASH_MOVEMENT_KINDS = ("pay_in", "pay_out")


def _shift_ids(payload: dict) -> dict:
    return {"shift_id": _uuid(payload, "shift_id"),
            "shift_no": _str(payload, "shift_no", max_len=80),
            "store_id": _str(payload, "store_id", max_len=32),
            "terminal_id": _str(payload, "terminal_id", max_len=32),
            "operator_id": _str(payload, "operator_id", max_len=16)}


def _cash_count(payload: dict, key: str) -> dict:
    """Pieces per denomination (fen as text) and an optional 'loose' total counted without pieces."""
    count = _obj(payload.get(key), key)
    out: dict[str, Any] = {}
    for name in count:
        if name != "loose" and name not in SHIFT_DENOMINATIONS:
            raise PayloadError(f"{key}: unknown denomination {name!r}")
        out[name] = _int(count, name, lo=0, hi=MAX_AMOUNT if name == "loose" else 10_000)
    return out


def _count_total(count: dict) -> int:
    return sum(n if name == "loose" else int(name) * n for name, n in count.items())


def _shift_opened_v1(payload: dict) -> dict:
    out = _shift_ids(payload)
    out.update(opened_at=_time(payload, "opened_at"),
               opening_float_minor=_int(payload, "opening_float_minor", lo=0),
               count=_cash_count(payload, "count"))
    if _count_total(out["count"]) != out["opening_float_minor"]:
        raise PayloadError("opening_float_minor is not the total of the count")
    return out


def _shift_cash_moved_v1(payload: dict) -> dict:
    out = _shift_ids(payload)
    kind = _str(payload, "kind", max_len=16)
    if kind not in CASH_MOVEMENT_KINDS:
        raise PayloadError(f"unknown cash movement kind {kind!r}")
    out.update(movement_id=_uuid(payload, "movement_id"), kind=kind,
               amount_minor=_int(payload, "amount_minor", lo=1),
               reason=_str(payload, "reason", max_len=200),
               approved_by=_str(payload, "approved_by", max_len=16, optional=True),
               at=_time(payload, "at"))
    return out


def _shift_closed_v1(payload: dict) -> dict:
    out = _shift_ids(payload)
    out.update(opened_at=_time(payload, "opened_at"),
               closed_at=_time(payload, "closed_at"),
               opening_float_minor=_int(payload, "opening_float_minor", lo=0),
               expected_cash_minor=_int(payload, "expected_cash_minor"),
               counted_cash_minor=_int(payload, "counted_cash_minor", lo=0),
               variance_minor=_int(payload, "variance_minor"),
               variance_reason=_str(payload, "variance_reason", max_len=200, optional=True),
               approved_by=_str(payload, "approved_by", max_len=16, optional=True),
               count=_cash_count(payload, "count"),
               sales_count=_int(payload, "sales_count", lo=0),
               sales_total_minor=_int(payload, "sales_total_minor"),
               pay_in_minor=_int(payload, "pay_in_minor", lo=0),
               pay_out_minor=_int(payload, "pay_out_minor", lo=0),
               unsynced_at_close=_int(payload, "unsynced_at_close", lo=0, hi=10**9))
    # Added to v1 later (returns): optional, 0 when a terminal did not send them.
    for key in ("returns_count", "returns_total_minor", "cash_refund_minor"):
        out[key] = _opt_int(payload, key, lo=0) or 0
    by_tender = _obj(payload.get("by_tender"), "by_tender")
    out["by_tender"] = {kind: _int(by_tender, kind) for kind in by_tender
                        if isinstance(kind, str) and len(kind) <= 16}
    if len(out["by_tender"]) != len(by_tender):
        raise PayloadError("by_tender: tender kinds are short strings")
    if _count_total(out["count"]) != out["counted_cash_minor"]:
        raise PayloadError("counted_cash_minor is not the total of the count")
    if out["counted_cash_minor"] - out["expected_cash_minor"] != out["variance_minor"]:
        raise PayloadError("variance_minor is not counted_cash_minor minus expected_cash_minor")
    return out


STOCK_REASONS = ("sale", "return", "pickup", "receipt", "transfer_out", "transfer_in", "count_adjustment",
                 "damage", "return_to_vendor")
MAX_STOCK_QTY = 1_000_000


def _stock_ids(payload: dict) -> dict:
    return {"store_id": _str(payload, "store_id", max_len=32), "terminal_id": _str(payload, "terminal_id", max_len=32)}


def _stock_moved_v1(payload: dict) -> dict:
    """Stock movements of one cause at one store, each a signed quantity with its reason."""
    moves: list[dict[str, Any]] = []
    for i, raw in enumerate(_list(payload, "movements", max_len=MAX_LINES)):
        m = _obj(raw, f"movement {i}")
        reason = _str(m, "reason", max_len=24)
        if reason not in STOCK_REASONS:
            raise PayloadError(f"movement {i}: unknown reason {reason!r}")
        delta = _int(m, "delta", lo=-MAX_STOCK_QTY, hi=MAX_STOCK_QTY)
        if delta == 0:
            raise PayloadError(f"movement {i}: delta must not be zero")
        moves.append({"sku": _str(m, "sku", max_len=32), "delta": delta, "reason": reason,
                      "ref": _str(m, "ref", max_len=80), "at": _time(m, "at")})
    if not moves:
        raise PayloadError("a stock event needs at least one movement")
    return {**_stock_ids(payload), "movements": moves}


def _count_scanned_v1(payload: dict) -> dict:
    qty = _int(payload, "qty", lo=-100_000, hi=100_000)
    if qty == 0:
        raise PayloadError("field 'qty' must not be zero")
    return {**_stock_ids(payload), "scan_id": _str(payload, "scan_id", max_len=64),
            "plan_id": _str(payload, "plan_id", max_len=36), "sku": _str(payload, "sku", max_len=32), "qty": qty,
            "round": _int(payload, "round", lo=0, hi=1000), "counter_id": _str(payload, "counter_id", max_len=16),
            "at": _time(payload, "at")}


def _count_posted_v1(payload: dict) -> dict:
    adjustments: list[dict[str, Any]] = []
    for i, raw in enumerate(_list(payload, "adjustments", max_len=50_000)):
        a = _obj(raw, f"adjustment {i}")
        delta = _int(a, "delta", lo=-MAX_STOCK_QTY, hi=MAX_STOCK_QTY)
        if delta == 0:
            raise PayloadError(f"adjustment {i}: delta must not be zero")
        adjustments.append({"sku": _str(a, "sku", max_len=32), "delta": delta})
    return {**_stock_ids(payload), "plan_id": _str(payload, "plan_id", max_len=36),
            "approved_by": _str(payload, "approved_by", max_len=16),
            "second_approver": _str(payload, "second_approver", max_len=16, optional=True),
            "at": _time(payload, "at"), "adjustments": adjustments}


VALIDATORS: dict[tuple[str, int], Callable[[dict], dict]] = {
    ("sale.completed", 1): _sale_v1,
    ("sale.completed", 2): _sale_v2,
    ("sale.completed", 3): _sale_v3,
    ("audit.entry", 1): _audit_v1,
    ("shift.opened", 1): _shift_opened_v1,
    ("shift.cash_moved", 1): _shift_cash_moved_v1,
    ("shift.closed", 1): _shift_closed_v1,
    ("return.completed", 1): _return_v1,
    ("return.taken", 1): _return_taken_v1,
    ("return.taken", 2): _return_taken_v2,
    ("drawer.no_sale", 1): _no_sale_v1,
    ("stock.moved", 1): _stock_moved_v1,
    ("stock.count_scanned", 1): _count_scanned_v1,
    ("stock.count_posted", 1): _count_posted_v1,
}
CURRENT_VERSION = {"sale.completed": 3, "audit.entry": 1, "return.completed": 1, "return.taken": 2,
                   "shift.opened": 1, "shift.cash_moved": 1, "shift.closed": 1,
                   "drawer.no_sale": 1, "stock.moved": 1, "stock.count_scanned": 1, "stock.count_posted": 1}


def validate(kind: str, schema_version: int, payload: Any) -> dict:
    """The normalised payload (latest shape) or :class:`PayloadError` with the reason."""
    validator = VALIDATORS.get((kind, schema_version))
    if validator is None:
        known = sorted(v for k, v in VALIDATORS if k == kind)
        if not known:
            raise PayloadError(f"unknown event kind {kind!r}")
        raise PayloadError(f"unsupported schema_version {schema_version} for {kind} (accepted: {known})")
    return validator(_obj(payload, "payload"))


# -- online orders picked up in store (docs/pickup.md) ------------------------------------
# HQ checks the transition itself (state, store, quantities) against the order it holds;
# these only check the shape. Quantities are units, or grams for a line sold by the kg.
# The reasons are store_client/domain/pickup.py's (a test keeps them the same).
PICKUP_SHORT_REASONS = ("out_of_stock", "damaged")
PICKUP_REFUSAL_REASONS = ("damaged", "not_wanted", "wrong_item")


def _pickup_common(payload: dict) -> dict:
    return {"order_id": _uuid(payload, "order_id"),
            "store_id": _str(payload, "store_id", max_len=32),
            "terminal_id": _str(payload, "terminal_id", max_len=32),
            "operator_id": _str(payload, "operator_id", max_len=16),
            "at": _time(payload, "at")}


def _pickup_started_v1(payload: dict) -> dict:
    return _pickup_common(payload)


def _pickup_ready_v1(payload: dict) -> dict:
    out = _pickup_common(payload)
    picks, seen = [], set()
    for i, raw in enumerate(_list(payload, "picks", max_len=MAX_LINES)):
        pick = _obj(raw, f"pick {i}")
        line_no = _int(pick, "line_no", lo=1, hi=MAX_LINES)
        if line_no in seen:
            raise PayloadError(f"pick {i}: line {line_no} appears twice")
        seen.add(line_no)
        reason = _str(pick, "short_reason", max_len=32, optional=True)
        if reason is not None and reason not in PICKUP_SHORT_REASONS:
            raise PayloadError(f"pick {i}: unknown short reason {reason!r}")
        picks.append({"line_no": line_no, "picked": _int(pick, "picked", lo=0, hi=1_000_000),
                      "short_reason": reason,
                      "substitute_sku": _str(pick, "substitute_sku", max_len=32, optional=True)})
    if not picks:
        raise PayloadError("a ready order needs its picks")
    out["picks"] = picks
    return out


def _pickup_handed_over_v1(payload: dict) -> dict:
    out = _pickup_common(payload)
    method = _str(payload, "method", max_len=8)
    if method not in ("qr", "code"):
        raise PayloadError(f"field 'method' must be 'qr' or 'code' (got {method!r})")
    offline = payload.get("offline")
    if not isinstance(offline, bool):
        raise PayloadError("field 'offline' must be a boolean")
    collector = _obj(payload.get("collector"), "field 'collector'")
    proxy = collector.get("proxy")
    if not isinstance(proxy, bool):
        raise PayloadError("field 'collector.proxy' must be a boolean")
    name = _str(collector, "name", max_len=64, optional=True)
    id_tail = _str(collector, "id_tail", max_len=6, optional=True)
    if proxy and (name is None or id_tail is None):
        raise PayloadError("a proxy pick-up needs the collector's name and ID tail")
    refused, seen = [], set()
    for i, raw in enumerate(_list(payload, "refused", max_len=MAX_LINES)):
        item = _obj(raw, f"refused {i}")
        line_no = _int(item, "line_no", lo=1, hi=MAX_LINES)
        if line_no in seen:
            raise PayloadError(f"refused {i}: line {line_no} appears twice")
        seen.add(line_no)
        reason = _str(item, "reason", max_len=32)
        if reason not in PICKUP_REFUSAL_REASONS:
            raise PayloadError(f"refused {i}: unknown reason {reason!r}")
        refused.append({"line_no": line_no, "qty": _int(item, "qty", lo=1, hi=1_000_000),
                        "reason": reason})
    out.update(method=method, offline=offline, refused=refused,
               collector={"proxy": proxy, "name": name, "id_tail": id_tail})
    return out


PICKUP_KINDS = ("pickup.picking_started", "pickup.ready", "pickup.handed_over")
VALIDATORS.update({
    ("pickup.picking_started", 1): _pickup_started_v1,
    ("pickup.ready", 1): _pickup_ready_v1,
    ("pickup.handed_over", 1): _pickup_handed_over_v1,
})
CURRENT_VERSION.update({kind: 1 for kind in PICKUP_KINDS})


# Returns without a receipt (docs/returns.md "Without a receipt"): registers itself above.
from sync.protocol import no_receipt_events as _no_receipt_events  # noqa: E402,F401
# The endless aisle's order event registers itself here (its module imports this one).
from sync.protocol import aisle_events as _aisle_events  # noqa: E402,F401
# An exchange's return of another store's sale or an online order (return.taken v3).
from sync.protocol import cross_exchange_events as _cross_exchange_events  # noqa: E402,F401
# A store credit spend given back to its note (docs/checkout.md "Store credit notes").
from sync.protocol import credit_events as _credit_events  # noqa: E402,F401
# A manager's resolution of a return conflict or a credit overdraft: registers itself above.
from sync.protocol import return_issues as _return_issues  # noqa: E402,F401
# A stock count shared by the store's tills (plan and cancel) registers itself here.
from sync.protocol import count_events as _count_events  # noqa: E402,F401
# Resolving a flagged endless-aisle order (re-source or cancel) registers itself here.
from sync.protocol import aisle_resolution_events as _aisle_resolution_events  # noqa: E402,F401
