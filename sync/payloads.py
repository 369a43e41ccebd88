"""Versioned payload schemas of the events a terminal sends to HQ.

HQ validates every event with :func:`validate` before applying it; a payload
that fails is a *permanent* rejection (the reason goes back to the terminal's
"needs attention" list), never a transient error. Money is always integer fen:
a float, a bool or a string where an amount belongs is rejected, not coerced.

``sale.completed`` v1 is still accepted (events queued before a terminal
upgrade) and is upgraded to the v2 shape by :func:`normalise_sale`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

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


def _str(obj: dict, key: str, *, max_len: int = 64, optional: bool = False) -> str | None:
    if key not in obj or obj[key] is None:
        if optional:
            return None
        raise PayloadError(f"missing field '{key}'")
    value = obj[key]
    if not isinstance(value, str) or not value or len(value) > max_len:
        raise PayloadError(f"field '{key}' must be a non-empty string of at most {max_len} characters")
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
    out = []
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
        "completed_at": _str(payload, "completed_at", max_len=40),
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


PAYMENT_METHODS = ("cash", "card", "wechat", "alipay", "voucher", "points")


def _sale_v2(payload: dict) -> dict:
    """v2: order-level discount, split tender, change given, optional member."""
    sale = _sale_common(payload)
    discount = _int(payload, "discount_minor", lo=0)
    change = _int(payload, "change_minor", lo=0)
    payments = []
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


def _audit_v1(payload: dict) -> dict:
    details = payload.get("details", {})
    if not isinstance(details, dict):
        raise PayloadError("field 'details' must be an object")
    return {
        "at": _str(payload, "at", max_len=40),
        "operator_id": _str(payload, "operator_id", max_len=16, optional=True),
        "action": _str(payload, "action", max_len=64),
        "target": payload.get("target", "") if isinstance(payload.get("target", ""), str) else "",
        "details": details,
    }


VALIDATORS: dict[tuple[str, int], Callable[[dict], dict]] = {
    ("sale.completed", 1): _sale_v1,
    ("sale.completed", 2): _sale_v2,
    ("audit.entry", 1): _audit_v1,
}
CURRENT_VERSION = {"sale.completed": 2, "audit.entry": 1}


def validate(kind: str, schema_version: int, payload: Any) -> dict:
    """The normalised payload (latest shape) or :class:`PayloadError` with the reason."""
    validator = VALIDATORS.get((kind, schema_version))
    if validator is None:
        known = sorted(v for k, v in VALIDATORS if k == kind)
        if not known:
            raise PayloadError(f"unknown event kind {kind!r}")
        raise PayloadError(f"unsupported schema_version {schema_version} for {kind} (accepted: {known})")
    return validator(_obj(payload, "payload"))
