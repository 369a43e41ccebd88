"""The shape of an ``online_orders`` row: an online order as its pick-up store sees it.

HQ publishes one row per order routed to a store, and republishes it at every transition.
It carries what picking and the hand-over need and nothing more: the member's name but not
the phone, and a check over the pick-up code (store_client/domain/pickup_codes.py), never
the code itself.
"""

from __future__ import annotations

from sync.protocol.events import MAX_LINES, PayloadError, _int, _list, _obj, _str, _time, _uuid

PROVIDERS = ("wechat", "alipay", "card", "store")  # store: paid at a till (endless aisle)
AISLE_PROBLEMS = ("source_short",)
# store_client/domain/pickup.py's states (a test keeps them the same)
ORDER_STATES = ("placed", "accepted", "picking", "ready", "collected", "partially_collected",
                "cancelled", "not_collected")


def _line(i: int, raw: object) -> dict:
    line = _obj(raw, f"line {i}")
    unit = _str(line, "unit", max_len=8)
    if unit not in ("each", "kg"):
        raise PayloadError(f"line {i}: unit must be 'each' or 'kg'")
    barcodes = line.get("barcodes", [])
    if not isinstance(barcodes, list) or len(barcodes) > 20 or not all(
            isinstance(b, str) and 0 < len(b) <= 32 for b in barcodes):
        raise PayloadError(f"line {i}: 'barcodes' must be a list of at most 20 codes")
    return {"line_no": _int(line, "line_no", lo=1, hi=MAX_LINES),
            "sku": _str(line, "sku", max_len=32),
            "name_zh": _str(line, "name_zh", max_len=200),
            "name_en": _str(line, "name_en", max_len=200),
            "category": _str(line, "category", max_len=32),
            "unit": unit, "qty": _int(line, "qty", lo=1, hi=1_000_000),
            "unit_price_minor": _int(line, "unit_price_minor", lo=0),
            "net_minor": _int(line, "net_minor", lo=0),
            "barcodes": list(barcodes)}


def _pick(i: int, raw: object) -> dict:
    pick = _obj(raw, f"pick {i}")
    return {"line_no": _int(pick, "line_no", lo=1, hi=MAX_LINES),
            "picked": _int(pick, "picked", lo=0, hi=1_000_000),
            "short_reason": _str(pick, "short_reason", max_len=32, optional=True),
            "substitute_sku": _str(pick, "substitute_sku", max_len=32, optional=True)}


def _aisle(raw: object) -> dict | None:
    """An endless-aisle order's origin: the source site, how it reaches the customer, the
    sale that paid for it, what of it was paid in cash, and HQ's flag when the source could
    not supply it."""
    if raw is None:
        return None
    aisle = _obj(raw, "field 'aisle'")
    fulfilment = _str(aisle, "fulfilment", max_len=16)
    if fulfilment not in ("pickup", "delivery"):
        raise PayloadError(f"unknown fulfilment {fulfilment!r}")
    problem = _str(aisle, "problem", max_len=32, optional=True)
    if problem is not None and problem not in AISLE_PROBLEMS:
        raise PayloadError(f"unknown aisle problem {problem!r}")
    return {"source_site_id": _str(aisle, "source_site_id", max_len=24),
            "source_name": _str(aisle, "source_name", max_len=200),
            "source_kind": _str(aisle, "source_kind", max_len=16),
            "fulfilment": fulfilment, "receipt_no": _str(aisle, "receipt_no", max_len=80),
            "sale_id": _uuid(aisle, "sale_id"), "problem": problem,
            # what of it was paid in cash (sync/hq/aisle_cash.py); absent from older rows: 0
            "cash_minor": _int(aisle, "cash_minor", lo=0) if aisle.get("cash_minor") is not None else 0}


def validate_order_row(data: dict) -> dict:
    state = _str(data, "state", max_len=24)
    if state not in ORDER_STATES:
        raise PayloadError(f"unknown order state {state!r}")
    lines = [_line(i, raw) for i, raw in enumerate(_list(data, "lines", max_len=MAX_LINES))]
    if not lines:
        raise PayloadError("an order needs at least one line")
    if len({line["line_no"] for line in lines}) != len(lines):
        raise PayloadError("line numbers repeat")
    payment = _obj(data.get("payment"), "field 'payment'")
    provider = _str(payment, "provider", max_len=16)
    if provider not in PROVIDERS:
        raise PayloadError(f"unknown payment provider {provider!r}")
    paid = _int(payment, "amount_minor", lo=0)
    if sum(line["net_minor"] for line in lines) != paid:
        raise PayloadError("the lines' nets do not add up to the amount paid")
    check = _obj(data.get("check"), "field 'check'")
    for key in ("salt", "digest"):
        _str(check, key, max_len=64)
    _int(check, "log2_n", lo=1, hi=30)
    _int(check, "bucket", lo=0, hi=15)
    member = _obj(data.get("member"), "field 'member'")
    allow = data.get("allow_substitution")
    if not isinstance(allow, bool):
        raise PayloadError("field 'allow_substitution' must be a boolean")
    return {"order_id": _uuid(data, "order_id"), "order_no": _str(data, "order_no", max_len=16),
            "store_id": _str(data, "store_id", max_len=32), "state": state,
            "version": _int(data, "version", lo=0, hi=10_000),
            "member": {"member_id": _str(member, "member_id", max_len=32, optional=True),
                       "name": _str(member, "name", max_len=64)},
            "ordered_at": _str(data, "ordered_at", max_len=40),
            "accepted_at": _str(data, "accepted_at", max_len=40, optional=True),
            "ready_at": _time(data, "ready_at", optional=True),  # whichever till made it ready
            "promised_at": _str(data, "promised_at", max_len=40),
            "hold_until": _str(data, "hold_until", max_len=40),
            "allow_substitution": allow,
            "payment": {"provider": provider, "amount_minor": paid},
            "lines": lines,
            "check": {k: check[k] for k in ("log2_n", "salt", "digest", "bucket")},
            "picks": [_pick(i, raw) for i, raw in enumerate(data.get("picks") or [])],
            "handed_over_by": _str(data, "handed_over_by", max_len=32, optional=True),
            "refunded_minor": _int(data, "refunded_minor", lo=0),
            "aisle": _aisle(data.get("aisle"))}
