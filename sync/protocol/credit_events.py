"""Schema of ``credit.released``: a store credit spend the till could not turn into a sale.

The till spends a note at HQ before it writes the sale (services/store_credit.py). When the
sale is then not written (the local write failed, the payment was removed, the sale voided
after a crash), the till releases the spend: online at once if it can, and always through
this event, written in the same transaction as its own record of the release, so HQ gives
the money back to the note even if the till goes offline (sync/hq/credit_notes.py
``release``: once per spend id). Registered into :data:`sync.protocol.events.VALIDATORS`.
"""

from __future__ import annotations

from sync.protocol.credit_codes import credit_code_genuine
from sync.protocol.events import CURRENT_VERSION, VALIDATORS, PayloadError, _int, _str, _time

EVENT_KIND = "credit.released"
REASONS = ("sale_not_written", "payment_removed", "sale_voided")


def _released_v1(payload: dict) -> dict:
    code = _str(payload, "code", max_len=16)
    if not credit_code_genuine(code):
        raise PayloadError("code is not a genuine credit note code")
    reason = _str(payload, "reason", max_len=32)
    if reason not in REASONS:
        raise PayloadError(f"unknown reason {reason!r}")
    return {"spend_id": _str(payload, "spend_id", max_len=64), "code": code,
            "amount_minor": _int(payload, "amount_minor", lo=1),
            "cart_id": _str(payload, "cart_id", max_len=36), "reason": reason,
            "store_id": _str(payload, "store_id", max_len=32),
            "terminal_id": _str(payload, "terminal_id", max_len=32), "at": _time(payload, "at")}


VALIDATORS[(EVENT_KIND, 1)] = _released_v1
CURRENT_VERSION[EVENT_KIND] = 1
