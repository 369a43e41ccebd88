"""A store with tills and the reference HQ for the pick-up tests: HQ's catalog holds the
demo products plus apples sold by weight (SKU PLU01234, scale labels ``21 01234 GGGGG C``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from store_client.bootstrap import Terminal
from store_client.domain import pins
from store_client.domain.barcodes import gs1_check_digit
from store_client.domain.roles import Role
from store_client.persistence.models import Operator
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer
from store_client.services.pickup import PickupService
from sync.hq.demo_data import catalog_row, seed_demo
from sync.hq.service import HQService
from sync.terminal.puller import Puller
from sync.terminal.transport import HQClient
from sync.terminal.uploader import Uploader

APPLE = "PLU01234"
WATER_EAN = "6901234567892"  # SKU 100001, 2.00
CHIPS_EAN = "6901234567922"  # SKU 200001, 6.50
PHONE = "13812345678"
DATASETS = ["catalog", "prices", "online_orders", "store_settings"]


def weight_label(grams: int) -> str:
    body = f"2101234{grams:05d}"
    return body + str(gs1_check_digit(body))


def seed_hq(service: HQService, store_id: str = "S001") -> None:
    seed_demo(service, store_id)
    service.publish("catalog", APPLE, catalog_row(APPLE, "富士苹果", "Fuji apples", "FRESH", "kg",
                                                  1280, 900, []))


@dataclass
class Till:
    terminal: Terminal
    url: str
    token: str
    pickup: PickupService = field(init=False)
    cashier: Actor = field(init=False)
    manager: Actor = field(init=False)

    def __post_init__(self) -> None:
        with self.terminal.db.transaction() as s:
            for op_id, role in (("c1", "cashier"), ("m1", "manager")):
                if s.get(Operator, op_id) is None:  # a till reopened on its data keeps them
                        s.add(Operator(id=op_id, name=op_id, role=role, active=True,
                                   failed_attempts=0, pin_hash=pins.hash_pin("2468", log2_n=10)))
        audit = AuditLog(self.terminal.clock)
        self.pickup = PickupService(self.terminal.db, self.terminal.clock, audit,
                                    Authorizer(self.terminal.db, audit, self.terminal.clock),
                                    config=self.terminal.config)
        self.cashier = Actor("c1", "c1", Role.CASHIER)
        self.manager = Actor("m1", "m1", Role.MANAGER)

    def sync(self, url: str | None = None) -> None:
        """Send the outbox, then pull what the pick-up screen reads."""
        with HQClient(url or self.url, self.token, timeout=10) as client:
            Uploader(self.terminal.db, client).upload_pending()
            Puller(self.terminal.db, client, datasets=DATASETS).pull_all()


def terminal_at(base: Path, clock, terminal_id: str = "T01"):  # type: ignore[no-untyped-def]
    from store_client.bootstrap import open_terminal
    from tests.conftest import make_config

    config = make_config(base, store={"store_id": "S001", "terminal_id": terminal_id})
    return open_terminal(config, clock=clock)
