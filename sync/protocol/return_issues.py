"""What HQ publishes about a store's return conflicts and credit-note overdrafts, and the
event a store's manager sends to resolve one (docs/sync-protocol.md, "Return issues").

* Dataset ``store_return_issues`` (store-scoped), keyed by the issue's id: a return taken
  offline from a receipt QR that no longer fitted at HQ (``conflict``, keyed by the return's
  id) or a store credit note spent offline after it was spent elsewhere (``overdraft``,
  keyed by the spend's id). ``resolution`` is None while open.
* Event ``return.issue_resolved`` v1: the manager accepted the loss or recovered the money
  from the customer, with a reason. HQ accepts it once per issue, from the issue's store.
Registered into :data:`sync.protocol.events.VALIDATORS`.
"""

from __future__ import annotations

from typing import Any

from sync.protocol.events import (
    CURRENT_VERSION,
    VALIDATORS,
    PayloadError,
    _int,
    _list,
    _obj,
    _str,
    _time,
)

EVENT_KIND = "return.issue_resolved"
DATASET = "store_return_issues"
KINDS = ("conflict", "overdraft")
RESOLUTIONS = ("loss_accepted", "recovered")
MAX_REASON = 200
MAX_STORES = 20
MAX_ISSUE_LINES = 100


def _reason(data: dict) -> str:
    reason = data.get("reason")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > MAX_REASON:
        raise PayloadError(f"field 'reason' must be a text of 1-{MAX_REASON} characters")
    return reason


def _choice(data: dict, key: str, allowed: tuple[str, ...]) -> str:
    value = _str(data, key, max_len=16)
    if value not in allowed:
        raise PayloadError(f"field '{key}' must be one of {', '.join(allowed)}")
    return value


def _resolved_v1(payload: Any) -> dict:
    data = _obj(payload, "payload")
    return {"issue_id": _str(data, "issue_id", max_len=64), "kind": _choice(data, "kind", KINDS),
            "resolution": _choice(data, "resolution", RESOLUTIONS), "reason": _reason(data),
            "store_id": _str(data, "store_id", max_len=32), "terminal_id": _str(data, "terminal_id", max_len=32),
            "operator_id": _str(data, "operator_id", max_len=16), "resolved_at": _time(data, "resolved_at")}


def issue_row(data: dict) -> dict:
    """One row of :data:`DATASET` as HQ publishes it and the till keeps it."""
    lines = []
    for i, raw in enumerate(_list(data, "lines", max_len=MAX_ISSUE_LINES)):
        line = _obj(raw, f"line {i}")
        lines.append({"line_no": _int(line, "line_no", lo=0, hi=10**6), "sku": _str(line, "sku", max_len=32),
                      "qty": _int(line, "qty", lo=1, hi=10**9), "refund_minor": _int(line, "refund_minor", lo=0)})
    stores = _list(data, "stores", max_len=MAX_STORES)
    if not all(isinstance(s, str) and 0 < len(s) <= 32 for s in stores):
        raise PayloadError("field 'stores' must list store ids")
    resolution = data.get("resolution")
    if resolution is not None and resolution not in RESOLUTIONS:
        raise PayloadError(f"field 'resolution' must be None or one of {', '.join(RESOLUTIONS)}")
    return {"issue_id": _str(data, "issue_id", max_len=64), "kind": _choice(data, "kind", KINDS),
            "sale_id": _str(data, "sale_id", max_len=80), "original_ref": _str(data, "original_ref", max_len=80),
            "receipt_no": _str(data, "receipt_no", max_len=80, optional=True),
            "lines": lines, "stores": list(stores), "terminal_id": _str(data, "terminal_id", max_len=32),
            "amount_minor": _int(data, "amount_minor", lo=0), "code_tail": _str(data, "code_tail", max_len=8,
                                                                                 optional=True),
            "cause": _str(data, "cause", max_len=48), "at": _time(data, "at"), "resolution": resolution,
            "resolved_at": _time(data, "resolved_at", optional=True)}


VALIDATORS[(EVENT_KIND, 1)] = _resolved_v1
CURRENT_VERSION[EVENT_KIND] = 1
