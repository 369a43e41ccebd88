"""Schema of ``return.no_receipt``: goods taken back with neither a receipt nor a member.

There is no original at HQ to check the lines against: each line is priced at the lowest
shelf price of the last 90 days, a manager approved it (always), and the money went out as
cash or as a store credit note whose code HQ enters into its credit ledger
(``sync/hq/credit_notes.py``). Registered into :data:`sync.protocol.events.VALIDATORS`.
"""

from __future__ import annotations

from typing import Any

from sync.protocol.events import (
    CURRENT_VERSION,
    MAX_LINES,
    RETURN_REASONS,
    VALIDATORS,
    PayloadError,
    _int,
    _list,
    _obj,
    _str,
    _time,
    _uuid,
)

EVENT_KIND = "return.no_receipt"
TENDERS = ("cash", "store_credit")
MAX_QTY = 1_000


def _no_receipt_v1(payload: dict) -> dict:
    reason = _obj(payload.get("reason"), "reason")
    code = _str(reason, "code", max_len=16)
    text = reason.get("text") or ""
    if code not in RETURN_REASONS or not isinstance(text, str) or len(text) > 200 or (
            code == "other" and not text.strip()):
        raise PayloadError("reason: a known code; 'other' needs a text of at most 200 characters")
    tender = _str(payload, "tender", max_len=16)
    if tender not in TENDERS:
        raise PayloadError(f"unknown tender {tender!r}")
    restocked = payload.get("restocked")
    if not isinstance(restocked, bool):
        raise PayloadError("field 'restocked' must be a boolean")
    out: dict[str, Any] = {
        "return_id": _uuid(payload, "return_id"), "request_id": _uuid(payload, "request_id"),
        "return_no": _str(payload, "return_no", max_len=80),
        "store_id": _str(payload, "store_id", max_len=32), "terminal_id": _str(payload, "terminal_id", max_len=32),
        "operator_id": _str(payload, "operator_id", max_len=16),
        "approved_by": _str(payload, "approved_by", max_len=16),
        "completed_at": _time(payload, "completed_at"),
        "refund_minor": _int(payload, "refund_minor", lo=1), "reason": {"code": code, "text": text},
        "tender": tender, "restocked": restocked}
    if out["approved_by"] == out["operator_id"]:
        raise PayloadError("a return without receipt is approved by a second person")
    lines: list[dict[str, Any]] = []
    for i, raw in enumerate(_list(payload, "lines", max_len=MAX_LINES)):
        line = _obj(raw, f"line {i}")
        qty = _int(line, "qty", lo=1, hi=MAX_QTY)
        unit = _int(line, "unit_price_minor", lo=0)
        refund = _int(line, "refund_minor", lo=0)
        if refund != unit * qty:
            raise PayloadError(f"line {i}: refund_minor must be qty x unit_price_minor")
        lines.append({"sku": _str(line, "sku", max_len=32), "qty": qty, "unit_price_minor": unit,
                      "refund_minor": refund})
    if not lines or len({x["sku"] for x in lines}) != len(lines):
        raise PayloadError("a return needs at least one line, each SKU once")
    if sum(x["refund_minor"] for x in lines) != out["refund_minor"]:
        raise PayloadError("the lines must add up to refund_minor")
    note = payload.get("credit_note")
    if tender == "store_credit":
        note = _obj(note, "credit_note")
        out["credit_note"] = {"code": _str(note, "code", max_len=16),
                              "amount_minor": _int(note, "amount_minor", lo=1)}
        if out["credit_note"]["amount_minor"] != out["refund_minor"]:
            raise PayloadError("the credit note's amount must be the refund")
    elif note is not None:
        raise PayloadError("a cash refund issues no credit note")
    else:
        out["credit_note"] = None
    return out


VALIDATORS[(EVENT_KIND, 1)] = _no_receipt_v1
CURRENT_VERSION[EVENT_KIND] = 1
