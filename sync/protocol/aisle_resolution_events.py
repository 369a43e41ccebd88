"""Resolving a flagged endless-aisle order at the till (docs/stock.md, "Endless aisle"):
``aisle.resourced`` (another store or a warehouse supplies it) and ``aisle.cancelled`` (the
order is cancelled and the customer refunded). HQ checks the shape here and the rest (the
order flagged, of this store, not resolved yet; the new source's stock) in
``sync/hq/aisle_resolution.py``.

``aisle.cancelled`` v2 (what the till sends) adds ``cash_minor``: what tills of the store
paid the customer back in cash from their drawers, 0 to ``refund_minor``; HQ refunds only
the rest through its refund ledger and refuses more cash than the order was paid in cash.
v1 (queued before an upgrade) is still accepted, as v2 with no cash paid.
"""

from __future__ import annotations

from sync.protocol.aisle_events import _SITE, SOURCE_KINDS
from sync.protocol.events import CURRENT_VERSION, VALIDATORS, PayloadError, _int, _obj, _str, _time, _uuid

RESOURCED = "aisle.resourced"
CANCELLED = "aisle.cancelled"
KINDS = (RESOURCED, CANCELLED)


def _common(payload: dict) -> dict:
    return {"order_id": _uuid(payload, "order_id"), "store_id": _str(payload, "store_id", max_len=32),
            "terminal_id": _str(payload, "terminal_id", max_len=32),
            "operator_id": _str(payload, "operator_id", max_len=16), "at": _time(payload, "at")}


def _resourced_v1(payload: dict) -> dict:
    source = _obj(payload.get("source"), "field 'source'")
    site_id = _str(source, "site_id", max_len=24)
    if not _SITE.fullmatch(site_id):
        raise PayloadError("field 'source.site_id' must be letters, digits, '-' or '_'")
    kind = _str(source, "kind", max_len=16)
    if kind not in SOURCE_KINDS:
        raise PayloadError(f"field 'source.kind' must be one of {', '.join(SOURCE_KINDS)}")
    return {**_common(payload), "source": {"site_id": site_id, "kind": kind},
            "promised_at": _time(payload, "promised_at")}


def _cancelled_v1(payload: dict) -> dict:
    reason = " ".join(_str(payload, "reason", max_len=200).split())
    if len(reason) < 3:
        raise PayloadError("field 'reason' must say why (3 to 200 characters)")
    return {**_common(payload), "reason": reason, "refund_minor": _int(payload, "refund_minor", lo=0),
            "approved_by": _str(payload, "approved_by", max_len=16, optional=True)}


def _cancelled_v2(payload: dict) -> dict:
    data = _cancelled_v1(payload)
    return {**data, "cash_minor": _int(payload, "cash_minor", lo=0, hi=data["refund_minor"])}


def _cancelled_as_v2(payload: dict) -> dict:
    return {**_cancelled_v1(payload), "cash_minor": 0}


VALIDATORS[(RESOURCED, 1)] = _resourced_v1
VALIDATORS[(CANCELLED, 1)] = _cancelled_as_v2
VALIDATORS[(CANCELLED, 2)] = _cancelled_v2
CURRENT_VERSION.update({RESOURCED: 1, CANCELLED: 2})
