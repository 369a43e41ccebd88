"""What a till asked HQ to reserve, written down before it asks (docs/returns.md, "A till
stopped mid-return").

A return of another store's sale is reserved at HQ first, then written here. A till killed
in between (power cut, crash) left HQ holding the goods for a return it never took: the
customer would be told "returned already" when the till retries, until the reservation went
stale. So the return id is committed here before HQ is asked, and removed in the transaction
that writes the return. What is left at start (the next return or lookup) is released at
HQ, then forgotten; a release HQ does not answer is tried again next time. A return that was
written is never released: its row is the proof, and its event confirms it at HQ.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store_client.clock import iso
from store_client.persistence.models import CrossReturn
from store_client.persistence.reservation_models import ReturnReservation
from sync.terminal.transport import BatchRejected, TransientError

if TYPE_CHECKING:
    from store_client.services.cross_returns import CrossReturnsService

log = logging.getLogger(__name__)


def note(svc: CrossReturnsService, return_id: str, original_ref: str) -> None:
    """Committed before HQ is asked to reserve ``return_id``."""
    with svc.db.transaction() as s:
        s.add(ReturnReservation(return_id=return_id, original_ref=original_ref, created_at=iso(svc.clock.now())))


def written(s: Session, return_id: str) -> None:
    """In the transaction that writes the return: nothing is left to release."""
    s.execute(delete(ReturnReservation).where(ReturnReservation.return_id == return_id))


def forget(svc: CrossReturnsService, return_id: str) -> None:
    """The reservation was refused, or released by the caller: nothing is held."""
    with svc.db.transaction() as s:
        written(s, return_id)


def release_orphans(svc: CrossReturnsService) -> int:
    """Release at HQ every reservation left by a till that stopped before writing its return
    (none is in flight: the service takes one return at a time, and runs this under its lock);
    returns how many were released."""
    with svc.db.read() as s:
        left = list(s.scalars(select(ReturnReservation.return_id)))
        kept = set(s.scalars(select(CrossReturn.id).where(CrossReturn.id.in_(left)))) if left else set()
    released = 0
    for return_id in left:
        if return_id not in kept:
            if svc._client is None:
                continue
            try:
                with svc._client() as client:
                    client.settle_return(return_id, "release")
            except TransientError as exc:
                log.warning("return %s: HQ not reached to release it (%s); tried again later", return_id, exc)
                continue
            except BatchRejected as exc:  # never reserved (HQ did not get the ask), or released already
                log.info("return %s: nothing to release at HQ (%s)", return_id, exc)
            released += 1
            log.warning("return %s: released at HQ (the till stopped before writing it)", return_id)
        forget(svc, return_id)
    return released
