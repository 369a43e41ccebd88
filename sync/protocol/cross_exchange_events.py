"""``return.taken`` v3: the return half of an exchange of another store's sale or an online order.

v2, plus what an exchange needs (docs/returns.md, "Exchanges"): ``exchange`` =
``{exchange_id, sale_id (the new sale, made on the same till in the same transaction),
credit_minor ≥ 1}`` and, on each tender, ``credit_minor`` (0 … ``amount_minor``): the part
of that tender's share that paid the new sale instead of going back to the customer. The
credits add up to the exchange's ``credit_minor``. HQ owes the provider, and gives points
back, only for the part paid back (``sync/hq/exchange_credits.py``).

A till sends v3 only for an exchange: a plain return stays v2, so an HQ that does not know v3
still takes those, and refuses an exchange it could not settle right (it would pay the whole
online part back). Registered into :data:`sync.protocol.events.VALIDATORS`.
"""

from __future__ import annotations

from sync.protocol.events import (
    CURRENT_VERSION,
    VALIDATORS,
    PayloadError,
    _int,
    _obj,
    _opt_int,
    _return_taken_v2,
    _uuid,
)

EVENT_KIND = "return.taken"
EXCHANGE_VERSION = 3


def taken_version(payload: dict) -> int:
    """The schema version a till sends ``payload`` with: v3 for an exchange, else the current."""
    return EXCHANGE_VERSION if payload.get("exchange") is not None else CURRENT_VERSION[EVENT_KIND]


def _return_taken_v3(payload: dict) -> dict:
    out = _return_taken_v2(payload)
    credits = []
    for i, (raw, tender) in enumerate(zip(payload["tenders"], out["tenders"], strict=True)):
        credit = _opt_int(_obj(raw, f"tender {i}"), "credit_minor", lo=0, hi=tender["amount_minor"]) or 0
        if credit and tender["instead_of"] is not None:
            raise PayloadError(f"tender {i}: cash instead of an online payment is never exchange credit")
        tender["credit_minor"] = credit
        credits.append(credit)
    if payload.get("exchange") is None:
        if any(credits):
            raise PayloadError("an exchange credit without its exchange")
        out["exchange"] = None
        return out
    link = _obj(payload["exchange"], "exchange")
    exchange = {"exchange_id": _uuid(link, "exchange_id"), "sale_id": _uuid(link, "sale_id"),
                "credit_minor": _int(link, "credit_minor", lo=1)}
    if sum(credits) != exchange["credit_minor"]:
        raise PayloadError("the tenders' credit_minor do not add up to the exchange's credit_minor")
    if out["original_ref"] == f"sale:{exchange['sale_id']}":
        raise PayloadError("an exchange's new sale is not the sale returned")
    out["exchange"] = exchange
    return out


VALIDATORS[(EVENT_KIND, EXCHANGE_VERSION)] = _return_taken_v3
