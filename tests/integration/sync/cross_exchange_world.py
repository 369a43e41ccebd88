"""A world for exchanges of what this till did not sell: store S001's till (the checkout's
small catalog, an open shift, its cross-channel returns and exchanges services) against the
reference HQ over HTTP, where a member's online order and store S002's sales are found."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, select

from printers.profile import PrinterProfile
from printers.queue import PrintQueue
from store_client.bootstrap import Terminal
from store_client.domain.roles import Role
from store_client.persistence.models import (
    AuditEntry,
    CrossExchange,
    CrossReturn,
    OutboxEvent,
    Sale,
    StockMovement,
)
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer
from store_client.services.catalog import CatalogService
from store_client.services.checkout import CheckoutService
from store_client.services.cross_return_views import CrossReturnRequest, OriginalForReturn
from store_client.services.cross_returns import CrossReturnsService
from store_client.services.exchanges import ExchangeCredit, ExchangeService
from store_client.services.payments import SimulatorAdapter
from store_client.services.returns import ReturnsService
from store_client.services.shifts import ShiftService
from sync.terminal.transport import HQClient
from sync.terminal.uploader import Uploader
from tests.integration.checkout.checkout_seed import seed

MANAGER = Actor("m1", "张经理", Role.MANAGER)
CASHIER = Actor("c1", "王芳", Role.CASHIER)
FLOAT_FEN = 10_000


@dataclass
class Till:
    terminal: Terminal
    checkout: CheckoutService
    cross: CrossReturnsService
    exchanges: ExchangeService
    queue: PrintQueue
    payments: SimulatorAdapter
    url: str
    token: str

    def find(self, query: str) -> OriginalForReturn:
        [original] = self.cross.find(MANAGER, query).originals
        return original

    def start(self, original: OriginalForReturn, lines, reason: str = "wrong_item", **extra) -> ExchangeCredit:  # type: ignore[no-untyped-def]
        return self.exchanges.start(MANAGER, CrossReturnRequest(original.request_id, tuple(lines), reason, **extra))

    def scan(self, *codes: str):  # type: ignore[no-untyped-def]
        view = None
        for code in codes:
            view = self.checkout.scan(MANAGER, code).cart
        return view

    def upload(self, url: str | None = None) -> None:
        with HQClient(url or self.url, self.token) as client:
            Uploader(self.terminal.db, client).upload_pending()

    def shifts(self) -> ShiftService:
        audit = AuditLog(self.terminal.clock)
        return ShiftService(self.terminal.db, self.terminal.clock, audit,
                            Authorizer(self.terminal.db, audit, self.terminal.clock), config=self.terminal.config)

    def written(self) -> dict[str, int]:
        """Everything an exchange writes here, counted."""
        with self.terminal.db.read() as s:
            def n(model, *where) -> int:  # type: ignore[no-untyped-def]
                return s.scalar(select(func.count()).select_from(model).where(*where)) or 0

            return {"sales": n(Sale), "returns": n(CrossReturn), "links": n(CrossExchange),
                    "taken": n(OutboxEvent, OutboxEvent.kind == "return.taken"),
                    "sold": n(OutboxEvent, OutboxEvent.kind == "sale.completed"),
                    "stock": n(StockMovement),
                    "audit": n(AuditEntry, AuditEntry.action.in_(("exchange.completed", "return.completed")))}

    def refused(self, code: str) -> int:
        with self.terminal.db.read() as s:
            return sum(1 for d in s.scalars(select(AuditEntry.details).where(AuditEntry.action == "return.refused"))
                       if json.loads(d).get("code") == code)

    def events(self, kind: str) -> list[dict]:
        with self.terminal.db.read() as s:
            return [{"version": e.schema_version, **json.loads(e.payload)} for e in s.scalars(
                select(OutboxEvent).where(OutboxEvent.kind == kind).order_by(OutboxEvent.seq))]


def make_till(terminal: Terminal, url: str, token: str, *, client=None, timeout: float = 5) -> Till:  # type: ignore[no-untyped-def]
    """Store S001's till: the checkout's catalog seeded, a shift open with a float."""
    with terminal.db.transaction() as s:
        seed(s)
    clock = terminal.clock
    audit = AuditLog(clock)
    authorizer = Authorizer(terminal.db, audit, clock)
    payments = SimulatorAdapter(online=True)
    queue = PrintQueue(terminal.db, lambda: None, clock, profile=PrinterProfile("TM-T88V"))  # never started
    checkout = CheckoutService(terminal.db, clock, audit, authorizer, CatalogService(terminal.db),
                               config=terminal.config, print_queue=queue, payments=payments)
    cross = CrossReturnsService(terminal.db, clock, audit, authorizer, config=terminal.config, print_queue=queue,
                                payments=payments,
                                client=client or (lambda: HQClient(url, token, timeout=timeout)))
    returns = ReturnsService(terminal.db, clock, audit, authorizer, config=terminal.config, print_queue=queue,
                             payments=payments)
    till = Till(terminal, checkout, cross, ExchangeService(returns, checkout, cross), queue, payments, url, token)
    till.shifts().open_shift(MANAGER, total_fen=FLOAT_FEN)
    return till
