"""HQ provisions the store's staff: operators pulled into the terminal's own table."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from store_client.domain import pins
from store_client.services.audit import AuditLog
from store_client.services.auth import AuthService
from store_client.services.errors import LoginRefused
from sync.terminal.puller import Puller
from sync.terminal.transport import HQClient


def rows(terminal, sql):  # type: ignore[no-untyped-def]
    with terminal.db.read() as s:
        return [tuple(r) for r in s.execute(text(sql))]


def operator(operator_id: str, role: str, pin: str, *, name: str = "", active: bool = True) -> dict:
    return {"id": operator_id, "name": name or f"员工{operator_id}", "role": role,
            "pin_hash": pins.hash_pin(pin), "active": active}


def test_operators_from_hq_can_sign_in_and_removed_ones_cannot(
        terminal, hq_server, hq_token, fast_pins, clock) -> None:
    service = hq_server.service
    service.publish("operators", "3001", operator("3001", "cashier", "5274"), scope="S001")
    service.publish("operators", "3002", operator("3002", "manager", "8163"), scope="S001")
    service.publish("operators", "9999", operator("9999", "cashier", "5274"), scope="S999")  # other store
    auth = AuthService(terminal.db, clock, AuditLog(clock))
    with HQClient(hq_server.url, hq_token) as client:
        puller = Puller(terminal.db, client, datasets=["operators"])
        assert puller.pull("operators").error is None
        assert rows(terminal, "SELECT id, role, active FROM operators ORDER BY id") == [
            ("3001", "cashier", 1), ("3002", "manager", 1)]
        assert auth.login("3001", "5274").role == "cashier"

        # a wrong PIN here, then HQ changes the name: the local lockout counter is kept
        with pytest.raises(LoginRefused):
            auth.login("3002", "0000")
        service.publish("operators", "3002", operator("3002", "manager", "8163", name="新店长"),
                        scope="S001")
        service.publish("operators", "3001", None, scope="S001")  # left the company
        assert puller.pull("operators").error is None
    assert rows(terminal, "SELECT id, name, active, failed_attempts FROM operators ORDER BY id") == [
        ("3001", "员工3001", 0, 0), ("3002", "新店长", 1, 1)]
    with pytest.raises(LoginRefused) as refused:
        auth.login("3001", "5274")
    assert refused.value.reason == "inactive"


@pytest.mark.parametrize("data, words", [
    ({"id": "30 01", "name": "x", "role": "cashier", "pin_hash": "scrypt$1$2$3$4$5"}, "letters and digits"),
    ({"id": "3001", "name": "x", "role": "boss", "pin_hash": "scrypt$1$2$3$4$5"}, "role"),
    ({"id": "3001", "name": "x", "role": "cashier", "pin_hash": "1234"}, "scrypt hash"),
    ({"id": "3001", "name": "x", "role": "cashier", "pin_hash": "scrypt$1$2$3$4$5", "active": 1},
     "boolean"),
])
def test_bad_operator_rows_are_refused(data, words) -> None:
    from sync.protocol.datasets import validate_row
    from sync.protocol.events import PayloadError

    with pytest.raises(PayloadError, match=words):
        validate_row("operators", data["id"], data)


def test_row_key_must_match_the_operator_id() -> None:
    from sync.protocol.datasets import validate_row
    from sync.protocol.events import PayloadError

    with pytest.raises(PayloadError, match="does not match"):
        validate_row("operators", "3002", {"id": "3001", "name": "x", "role": "cashier",
                                           "pin_hash": "scrypt$1$2$3$4$5"})
