"""The last sale's receipt at the counter: did it print, and one key to print it again.

The cashier must see at the till whether the customer's receipt came out. A
receipt that printed (or may have) is printed again as a copy (the print queue
marks it 重印 / REPRINT and never opens the drawer); one held by a printer fault
never came out, so it is sent again as the original; one still in the queue will
print by itself.
"""

from __future__ import annotations

from typing import Any

from printers.queue import CANCELLED, HELD, PRINTED, QUEUED, SENDING, UNCERTAIN, JobStateError
from store_client.domain.roles import Permission
from store_client.services.auth import Actor
from store_client.services.errors import Conflict, NotFound, ServiceError

#: What the counter shows for each print-job state.
COUNTER_STATE = {QUEUED: "waiting", SENDING: "waiting", PRINTED: "printed", HELD: "failed",
                 UNCERTAIN: "failed", CANCELLED: "failed"}


def receipt_state(print_queue: Any, job_id: int | None) -> str:
    """"none" (no printer or no receipt), "waiting", "printed" or "failed"."""
    if print_queue is None or job_id is None:
        return "none"
    try:
        return COUNTER_STATE.get(print_queue.job(job_id).state, "failed")
    except JobStateError:
        return "none"


def reprint(checkout: Any, actor: Actor, job_id: int | None) -> int:
    """Print the receipt of job ``job_id`` again; returns the job that will print it.

    Audited as ``print.reprint`` (who, which job, the new job), as the printer screen does.
    """
    checkout.authorizer.require(actor, Permission.SALE_RING)
    queue = checkout.print_queue
    if queue is None:
        raise ServiceError("No printer is set up on this till.", code="receipt.no_printer")
    if job_id is None:
        raise NotFound("There is no receipt to print again.", code="receipt.none")
    try:
        state = queue.job(job_id).state
    except JobStateError as exc:  # the queue no longer has it
        raise NotFound("There is no receipt to print again.", code="receipt.none") from exc
    try:
        if state in (QUEUED, SENDING):
            raise Conflict("The receipt is still waiting for the printer.", code="receipt.waiting")
        if state == HELD:  # it never came out: the original, not a copy
            queue.retry(job_id)
            new_id = job_id
        else:
            new_id = queue.reprint(job_id)
    except JobStateError as exc:
        raise Conflict(str(exc), code="receipt.waiting") from exc
    with checkout.db.transaction() as session:
        checkout.audit.append(session, operator_id=actor.operator_id, action="print.reprint",
                              target=str(job_id), details={"new_job": new_id})
    return new_id
