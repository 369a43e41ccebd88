"""A stock count shared by the store's tills (docs/stock.md, "Counted on several tills").

The till that plans a count sends ``stock.count_planned`` (the plan with its snapshot);
HQ publishes it to the store's tills as a ``count_plans`` row, so every till can count it.
Each till's scans travel as ``stock.count_scanned`` (sync/protocol/events.py); HQ totals
them per SKU and till and publishes ``count_totals`` rows, so the plan's own till reviews
and approves the total of every till, not only its own. ``stock.count_cancelled`` closes
a plan everywhere, like ``stock.count_posted``.
"""

from __future__ import annotations

from sync.protocol.events import (CURRENT_VERSION, VALIDATORS, PayloadError, _int, _list, _obj, _str, _time,
                                  _uuid)

PLANNED = "stock.count_planned"
CANCELLED = "stock.count_cancelled"
SCOPES = ("zone", "category", "cycle")
PLAN_STATES = ("counting", "posted", "cancelled")
MAX_PLAN_LINES = 50_000  # the till's own bound on a plan (domain/stock_count.MAX_PLAN_SKUS)
MAX_TILLS = 50  # tills of one store in a count_totals row
MAX_COUNTED = 10**9  # grams of a weighed item counted by many tills fit
TOTALS_PLAN_PREFIX = 20  # hex digits of the plan id in a count_totals key (80 bits)


def _ids(payload: dict) -> dict:
    return {"store_id": _str(payload, "store_id", max_len=32), "terminal_id": _str(payload, "terminal_id", max_len=32),
            "plan_id": _uuid(payload, "plan_id")}


def _sku(obj: dict, key: str = "sku") -> str:
    sku = _str(obj, key, max_len=32)
    if "|" in sku:
        raise PayloadError(f"field '{key}' must not contain '|'")
    return sku


def _plan_lines(payload: dict) -> list[list]:
    lines, seen = [], set()
    for i, raw in enumerate(_list(payload, "lines", max_len=MAX_PLAN_LINES)):
        if not isinstance(raw, list) or len(raw) != 2:
            raise PayloadError(f"line {i} must be [sku, snapshot]")
        line = {"sku": raw[0], "snapshot": raw[1]}
        sku = _sku(line)
        if sku in seen:
            raise PayloadError(f"line {i}: {sku} appears twice")
        seen.add(sku)
        lines.append([sku, _int(line, "snapshot", lo=-MAX_COUNTED, hi=MAX_COUNTED)])
    if not lines:
        raise PayloadError("a count plan needs at least one line")
    return lines


def _common_plan(payload: dict) -> dict:
    scope = _str(payload, "scope", max_len=16)
    if scope not in SCOPES:
        raise PayloadError(f"field 'scope' must be one of {', '.join(SCOPES)}")
    blind = payload.get("blind")
    if not isinstance(blind, bool):
        raise PayloadError("field 'blind' must be a boolean")
    return {"label": _str(payload, "label", max_len=80), "scope": scope, "blind": blind,
            "snapshot_at": _time(payload, "snapshot_at"), "lines": _plan_lines(payload)}


def _count_planned_v1(payload: dict) -> dict:
    """A plan as its till made it: what is counted, and this till's on hand at that moment."""
    return {**_ids(payload), **_common_plan(payload), "created_by": _str(payload, "created_by", max_len=16)}


def _count_cancelled_v1(payload: dict) -> dict:
    reason = _str(payload, "reason", max_len=200)
    if len(" ".join(reason.split())) < 3:
        raise PayloadError("field 'reason' must say why (3 to 200 characters)")
    return {**_ids(payload), "reason": reason, "at": _time(payload, "at")}


VALIDATORS[(PLANNED, 1)] = _count_planned_v1
VALIDATORS[(CANCELLED, 1)] = _count_cancelled_v1
CURRENT_VERSION.update({PLANNED: 1, CANCELLED: 1})


# -- the rows HQ publishes to the store's tills -------------------------------------------
def plan_row(data: dict) -> dict:
    """``count_plans``, key the plan id: the plan, the till it belongs to, and its state."""
    state = _str(data, "state", max_len=16)
    if state not in PLAN_STATES:
        raise PayloadError(f"field 'state' must be one of {', '.join(PLAN_STATES)}")
    return {"plan_id": _uuid(data, "plan_id"), "terminal_id": _str(data, "terminal_id", max_len=32),
            **_common_plan(data), "state": state}


def totals_key(plan_id: str, sku: str) -> str:
    """The ``count_totals`` key: a plan's rows sort together (a range read), within 64 characters."""
    return f"{plan_id.replace('-', '')[:TOTALS_PLAN_PREFIX]}|{sku}"


def totals_row(data: dict) -> dict:
    """``count_totals``: what each till counted of one SKU of one plan in the SKU's latest
    round (a recount replaces the count), as HQ received it, and when the latest was counted."""
    tills: list[dict] = []
    seen: set[str] = set()
    for i, raw in enumerate(_list(data, "tills", max_len=MAX_TILLS)):
        till = _obj(raw, f"till {i}")
        tid = _str(till, "terminal_id", max_len=32)
        if tid in seen:
            raise PayloadError(f"till {tid} appears twice")
        seen.add(tid)
        tills.append({"terminal_id": tid, "counted": _int(till, "counted", lo=0, hi=MAX_COUNTED),
                      "scans": _int(till, "scans", lo=0, hi=MAX_COUNTED), "last_at": _time(till, "last_at")})
    counted = _int(data, "counted", lo=0, hi=MAX_COUNTED * MAX_TILLS)
    if counted != sum(int(t["counted"]) for t in tills):
        raise PayloadError("field 'counted' is not the sum of the tills' counts")
    # the plan id and SKU as a till's scan named them (any till's scan is totalled, even of a
    # plan HQ was not told about); the till reads only the rows of its own plans
    return {"plan_id": _str(data, "plan_id", max_len=36), "sku": _str(data, "sku", max_len=32),
            "round": _int(data, "round", lo=0, hi=1000),
            "tills": tills, "counted": counted, "as_of": _time(data, "as_of")}
