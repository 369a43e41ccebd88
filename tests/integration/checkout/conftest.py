"""A seeded terminal with a checkout service, a cashier and a manager."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from checkout_seed import seed

from printers.profile import PrinterProfile
from printers.queue import PrintQueue
from store_client.bootstrap import Terminal
from store_client.domain.roles import Role
from store_client.services.approvals import ApprovalService
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer
from store_client.services.catalog import CatalogService
from store_client.services.checkout import CheckoutService
from store_client.services.payments import SimulatorAdapter
from store_client.services.shifts import ShiftService

MANAGER_PIN = "2468"


@dataclass
class Shop:
    terminal: Terminal
    checkout: CheckoutService
    approvals: ApprovalService
    payments: SimulatorAdapter
    queue: PrintQueue
    cashier: Actor
    manager: Actor
    catalog: CatalogService

    def grant(self, permission: str, reason: str = "customer complaint"):  # type: ignore[no-untyped-def]
        return self.approvals.approve(self.cashier, "m1", MANAGER_PIN, permission, reason)

    def reopen(self) -> CheckoutService:
        """A second service on the same database, as after a restart."""
        return make_checkout(self.terminal, self.payments, self.queue, self.catalog)


def make_checkout(terminal, payments, queue, catalog) -> CheckoutService:  # type: ignore[no-untyped-def]
    audit = AuditLog(terminal.clock)
    return CheckoutService(terminal.db, terminal.clock, audit,
                           Authorizer(terminal.db, audit, terminal.clock), catalog,
                           config=terminal.config, print_queue=queue, payments=payments)


def open_shift(terminal, actor: Actor) -> str:  # type: ignore[no-untyped-def]
    """Open the till's shift with an empty float; returns its id."""
    audit = AuditLog(terminal.clock)
    service = ShiftService(terminal.db, terminal.clock, audit,
                           Authorizer(terminal.db, audit, terminal.clock), config=terminal.config)
    return service.open_shift(actor, total_fen=0).shift_id


@pytest.fixture
def shop(terminal, add_operator):  # type: ignore[no-untyped-def]
    add_operator("c1", "cashier", "1357", name="王芳")
    add_operator("m1", "manager", MANAGER_PIN, name="张经理")
    with terminal.db.transaction() as s:
        seed(s)
    payments = SimulatorAdapter(online=True)
    queue = PrintQueue(terminal.db, lambda: None, terminal.clock,  # worker never started
                       profile=PrinterProfile("TM-T88V"))
    catalog = CatalogService(terminal.db)
    manager = Actor("m1", "张经理", Role.MANAGER)
    open_shift(terminal, manager)  # the till sells and refunds only in a shift
    try:
        yield Shop(terminal, make_checkout(terminal, payments, queue, catalog),
                   ApprovalService(terminal.db, terminal.clock, AuditLog(terminal.clock)),
                   payments, queue, Actor("c1", "王芳", Role.CASHIER), manager, catalog)
    finally:
        catalog.close()
