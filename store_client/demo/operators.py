"""The demo store's staff. Demo PINs are shown on the login screen in demo mode only."""

from __future__ import annotations

from dataclasses import dataclass

from store_client.domain.pins import hash_pin


@dataclass(frozen=True)
class DemoOperator:
    id: str
    name: str
    role: str  # "cashier" | "associate" | "manager" | "it_admin"
    pin: str


DEMO_OPERATORS: tuple[DemoOperator, ...] = (
    DemoOperator("1001", "王芳", "cashier", "1111"),
    DemoOperator("1002", "李娜", "cashier", "2222"),
    DemoOperator("2001", "张伟", "associate", "3333"),
    DemoOperator("8001", "陈静", "manager", "8888"),
    DemoOperator("8002", "刘洋", "manager", "6666"),
    DemoOperator("9001", "赵磊", "it_admin", "9999"),
)


def hashed_rows(operators: tuple[DemoOperator, ...] = DEMO_OPERATORS) -> list[tuple[str, str, str, str]]:
    """(id, name, role, pin hash) rows for the loader; scrypt takes ~50 ms per PIN."""
    return [(op.id, op.name, op.role, hash_pin(op.pin)) for op in operators]
