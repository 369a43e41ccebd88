"""A store sale's mobile part refunded at another store's till: recorded before the wallet is paid.

The same rule as the own-till returns (services/returns.py): the return's row is committed as
``paying`` first (its lines count as returned here, HQ holds its reservation), then the
payment adapter is asked, keyed ``<return id>:<tender number>`` so asking again is answered,
never paid again. A second transaction completes it (the provider's reference, the outbox
event, the stock, the audit entry) and HQ is told to confirm; a decline cancels it (audited
``return.cancelled``, HQ's reservation released: nothing was paid). A return left ``paying``
(no answer, the till stopped) is finished before the next return or lookup by asking again.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from store_client.persistence.models import CrossReturn
from store_client.services.errors import ServiceError

if TYPE_CHECKING:
    from store_client.services.cross_return_views import CrossReturnDone
    from store_client.services.cross_returns import CrossReturnsService

log = logging.getLogger(__name__)
PAYING, COMPLETED, CANCELLED = "paying", "completed", "cancelled"


def _pending(return_no: str) -> ServiceError:
    return ServiceError(f"The mobile refund for return {return_no} did not answer. The return is kept and is "
                        "finished (or cancelled) before the next return.", code="mobile.refund_pending",
                        params={"return_no": return_no})


def pay(svc: CrossReturnsService, return_id: str) -> CrossReturnDone:
    """Ask the wallet for every mobile part of a ``paying`` return, then complete or cancel it."""
    assert svc.payments is not None
    with svc.db.read() as s:
        row = s.get(CrossReturn, return_id)
        if row is None or row.status != PAYING or not row.pending:
            raise ServiceError("That return is not waiting for a wallet.", code="return.unknown")
        return_no, pending = row.return_no, json.loads(row.pending)
    payload = pending["payload"]
    paid_some = False
    for index, original_ref, amount in pending["pay"]:
        prefix, _, transaction = str(original_ref).partition(":")
        try:
            result = svc.payments.refund(transaction or original_ref, amount, f"{return_id}:{index + 1}")
        except Exception as exc:  # noqa: BLE001 (any adapter failure = no answer: keep it paying, ask again)
            log.warning("mobile refund for return %s did not answer: %r", return_no, exc)
            raise _pending(return_no) from None
        if not result.ok or not result.transaction_id:
            if paid_some:  # another wallet part went back already: never cancel a paid refund
                log.warning("return %s: a wallet part declined after another was paid", return_no)
                raise _pending(return_no)
            cancel(svc, return_id, result.message or "declined")
            raise ServiceError(f"The mobile refund failed: {result.message}. Nothing was refunded; the return "
                               "is cancelled.", code="mobile.refund_declined")
        paid_some = True
        payload["tenders"][index]["reference"] = ((f"{prefix}:" if transaction else "")
                                                  + result.transaction_id)[:64]
    with svc.db.transaction() as s:
        row = s.get(CrossReturn, return_id)
        assert row is not None
        if row.status == PAYING:  # (another caller may have completed it meanwhile)
            svc.complete_in(s, row, payload)
        return svc.done_of(row)


def cancel(svc: CrossReturnsService, return_id: str, why: str) -> None:
    """The wallet declined: the return holds nothing here, and HQ's reservation is released."""
    with svc.db.transaction() as s:
        row = s.get(CrossReturn, return_id)
        if row is None or row.status != PAYING:
            return
        row.status, reserved = CANCELLED, row.reserved_at_hq
        svc.audit.append(s, operator_id=row.operator_id, action="return.cancelled", target=row.id,
                         details={"return_no": row.return_no, "reason": str(why)[:200]})
    if reserved:
        svc._settle(return_id, "release")


def finish_pending(svc: CrossReturnsService) -> None:
    """Finish every return left ``paying``: asked again with the same keys (paid once)."""
    from sqlalchemy import select

    with svc.db.read() as s:
        waiting = list(s.execute(select(CrossReturn.id, CrossReturn.reserved_at_hq)
                                 .where(CrossReturn.status == PAYING)))
    for return_id, reserved in waiting:
        try:
            pay(svc, return_id)
        except ServiceError as exc:
            log.warning("return %s not finished yet: %s", return_id, exc.code)
            continue
        if reserved:
            svc._settle(return_id, "confirm")
        log.info("return %s finished after its wallet answered (its slip prints with a reprint)", return_id)
