"""The ``aisle.ordered`` event: an item ordered at a till from another site (docs/stock.md,
"Endless aisle").

The till writes it in the transaction of the sale that paid for it, after the sale's own
event, so HQ always has the sale first. One event is one order: the sale's ordered lines of
one source and one way of getting them. HQ checks the shape here and the rest against the
sale and the source's stock (sync/hq/aisle.py). The customer's phone and address travel in
this event only (HQ needs them to tell the customer and to deliver); the till neither logs
nor audits them.
"""

from __future__ import annotations

import re
from typing import Any

from sync.protocol.events import (
    CURRENT_VERSION,
    MAX_LINES,
    VALIDATORS,
    PayloadError,
    _int,
    _list,
    _obj,
    _str,
    _time,
    _uuid,
)

KIND = "aisle.ordered"
FULFILMENTS = ("pickup", "delivery")
SOURCE_KINDS = ("store", "warehouse")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_CODE = re.compile(r"\d{6}")
_SITE = re.compile(r"[A-Za-z0-9_-]{1,24}")


def _line(i: int, raw: Any) -> dict:
    line = _obj(raw, f"line {i}")
    unit = _str(line, "unit", max_len=8)
    if unit not in ("each", "kg"):
        raise PayloadError(f"line {i}: unit must be 'each' or 'kg'")
    return {"line_no": _int(line, "line_no", lo=1, hi=1_000_000),
            "sku": _str(line, "sku", max_len=32),
            "name_zh": _str(line, "name_zh", max_len=200),
            "name_en": _str(line, "name_en", max_len=200),
            "category": _str(line, "category", max_len=32),
            "unit": unit, "qty": _int(line, "qty", lo=1, hi=1_000_000),
            "unit_price_minor": _int(line, "unit_price_minor", lo=0),
            "net_minor": _int(line, "net_minor", lo=0)}


def _aisle_ordered_v1(payload: dict) -> dict:
    source = _obj(payload.get("source"), "field 'source'")
    site_id = _str(source, "site_id", max_len=24)
    if not _SITE.fullmatch(site_id):
        raise PayloadError("field 'source.site_id' must be letters, digits, '-' or '_'")
    kind = _str(source, "kind", max_len=16)
    if kind not in SOURCE_KINDS:
        raise PayloadError(f"field 'source.kind' must be one of {', '.join(SOURCE_KINDS)}")
    fulfilment = _str(payload, "fulfilment", max_len=16)
    if fulfilment not in FULFILMENTS:
        raise PayloadError(f"field 'fulfilment' must be one of {', '.join(FULFILMENTS)}")
    customer = _obj(payload.get("customer"), "field 'customer'")
    phone = _str(customer, "phone", max_len=11)
    if not _MOBILE.fullmatch(phone):
        raise PayloadError("field 'customer.phone' must be a mainland mobile number")
    address = _str(customer, "address", max_len=200, optional=True)
    if fulfilment == "delivery" and (address is None or len(address.strip()) < 6):
        raise PayloadError("aisle.address_required: a delivery needs the customer's address")
    if fulfilment == "pickup" and address is not None:
        raise PayloadError("a pick-up here carries no address")
    code = _str(payload, "code", max_len=6, optional=True)
    if (fulfilment == "pickup") != (code is not None) or (code is not None and not _CODE.fullmatch(code)):
        raise PayloadError("field 'code': six digits for a pick-up here, none for a delivery")
    offline = payload.get("offline")
    if not isinstance(offline, bool):
        raise PayloadError("field 'offline' must be a boolean")
    lines = [_line(i, raw) for i, raw in enumerate(_list(payload, "lines", max_len=MAX_LINES))]
    if not lines:
        raise PayloadError("an order needs at least one line")
    if len({line["line_no"] for line in lines}) != len(lines):
        raise PayloadError("line_no values must be unique")
    return {"order_id": _uuid(payload, "order_id"), "sale_id": _uuid(payload, "sale_id"),
            "receipt_no": _str(payload, "receipt_no", max_len=80),
            "store_id": _str(payload, "store_id", max_len=32),
            "terminal_id": _str(payload, "terminal_id", max_len=32),
            "operator_id": _str(payload, "operator_id", max_len=16),
            "member_id": _str(payload, "member_id", max_len=32, optional=True),
            "ordered_at": _time(payload, "ordered_at"),
            "promised_at": _time(payload, "promised_at"),
            "source": {"site_id": site_id, "kind": kind}, "fulfilment": fulfilment,
            "customer": {"phone": phone, "address": address}, "code": code, "offline": offline,
            "lines": lines, "paid_minor": sum(line["net_minor"] for line in lines)}


VALIDATORS[(KIND, 1)] = _aisle_ordered_v1
CURRENT_VERSION[KIND] = 1
