"""The cash drawer, kicked through the receipt printer (ESC p, pin 2 or 5 from config).

It opens only for cash tenders and for an explicit, manager-approved "no
sale". Sale and return receipts carry their own kick (see templates); this
service covers a cash sale without a receipt and the no-sale action. The
no-sale's audit record, its outbox event for HQ and the print job commit in
one transaction: the drawer never opens without its audit trail.
"""

from __future__ import annotations

from printers import templates
from printers.queue import PrintQueue
from printers.receipt_data import CASH, Header
from store_client.clock import Clock, iso
from store_client.domain.roles import Permission
from store_client.persistence.db import Database
from store_client.services.approvals import ApprovalGrant
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer
from sync.terminal import outbox


class CashDrawer:
    def __init__(self, db: Database, queue: PrintQueue, authorizer: Authorizer, audit: AuditLog,
                 clock: Clock, *, store_name: str, store_id: str, terminal_id: str) -> None:
        self.db, self.queue, self.authorizer, self.audit, self.clock = db, queue, authorizer, audit, clock
        self.store = (store_name, store_id, terminal_id)

    def open_for_tenders(self, tender_kinds: list[str] | tuple[str, ...]) -> int | None:
        """Kick the drawer for a cash payment printed without a receipt; None if no cash."""
        if CASH not in tender_kinds:
            return None
        if self.queue.profile is None:
            raise ValueError("the print queue has no printer profile")
        from printers.escpos_render import drawer_kick_bytes

        return self.queue.submit("drawer.cash", drawer_kick_bytes(self.queue.profile), title="cash drawer")

    def no_sale(self, actor: Actor, grant: ApprovalGrant | None, reason: str) -> int:
        """Open the drawer without a sale: needs ``drawer.no_sale`` (a manager's approval for cashiers)."""
        reason = (reason or "").strip()
        if not reason:
            raise ValueError("a no-sale needs a reason")
        self.authorizer.require(actor, Permission.DRAWER_NO_SALE, grant)
        name, store_id, terminal_id = self.store
        header = Header(store_name=name, store_id=store_id, terminal_id=terminal_id,
                        operator=f"{actor.name} ({actor.operator_id})", when=self.clock.now())
        with self.db.transaction() as session:
            details = {"reason": reason[:200], "approval_id": grant.approval_id if grant else None,
                       "terminal_id": terminal_id}
            self.audit.append(session, operator_id=actor.operator_id, action="drawer.no_sale",
                              target=terminal_id, details=details)
            outbox.enqueue(session, "drawer.no_sale",
                           {**details, "operator_id": actor.operator_id, "at": iso(self.clock.now())},
                           clock=self.clock)
            job_id = self.queue.submit("drawer.no_sale", templates.no_sale(header), session=session)
        self.queue.wake()
        return job_id
