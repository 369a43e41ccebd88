"""The permission matrix enforced in the service layer, and the operator admin it guards."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from store_client import cli
from store_client import config as cfg
from store_client.bootstrap import Terminal
from store_client.clock import FakeClock
from store_client.domain import pins
from store_client.domain.roles import MATRIX, Decision, Permission, Role, decide
from store_client.persistence.models import AuditEntry, Operator
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor, AuthService
from store_client.services.authorization import Authorizer
from store_client.services.errors import (
    ApprovalRequired,
    Conflict,
    InvalidInput,
    LoginRefused,
    NotFound,
    PermissionDenied,
)
from store_client.services.operators import OperatorService

ACTORS = {
    Role.CASHIER: Actor("c1", "Cashier", Role.CASHIER),
    Role.ASSOCIATE: Actor("a1", "Associate", Role.ASSOCIATE),
    Role.MANAGER: Actor("m1", "Manager", Role.MANAGER),
    Role.IT_ADMIN: Actor("it1", "IT", Role.IT_ADMIN),
}


@pytest.fixture
def staff(terminal: Terminal, add_operator) -> None:  # type: ignore[no-untyped-def]
    for actor in ACTORS.values():
        add_operator(actor.operator_id, actor.role.value, "2580", name=actor.name)


@pytest.fixture
def authorizer(terminal: Terminal, clock: FakeClock, staff: None) -> Authorizer:
    return Authorizer(terminal.db, AuditLog(clock), clock)


@pytest.fixture
def operators(terminal: Terminal, clock: FakeClock, authorizer: Authorizer) -> OperatorService:
    return OperatorService(terminal.db, clock, authorizer.audit, authorizer)


def audit_rows(terminal: Terminal) -> list[tuple[str | None, str, str, dict]]:
    rows = AuditLog(FakeClock()).recent(terminal.db, limit=1000)
    return [(r.operator_id, r.action, r.target, r.details) for r in reversed(rows)]


@pytest.mark.parametrize("role", list(Role))
def test_every_cell_of_the_matrix_is_enforced(role: Role, authorizer: Authorizer,
                                              terminal: Terminal) -> None:
    actor = ACTORS[role]
    wrong: list[str] = []
    for perm in Permission:
        before = len(audit_rows(terminal))
        outcome = "allow"
        try:
            authorizer.require(actor, perm)
        except PermissionDenied as exc:
            outcome = "deny"
            assert exc.permission == perm.value
        except ApprovalRequired as exc:
            outcome = "approval"
            assert exc.permission == perm.value
        if outcome != MATRIX[role][perm].value:
            wrong.append(f"{perm.value}: expected {MATRIX[role][perm].value}, got {outcome}")
        new = audit_rows(terminal)[before:]
        expected_audit = {"allow": [], "deny": ["permission.denied"],
                          "approval": ["permission.approval_required"]}[outcome]
        if [a for _, a, _, _ in new] != expected_audit:
            wrong.append(f"{perm.value}: audit {new}")
        elif new:
            assert new[0][0] == actor.operator_id and new[0][2] == perm.value
    assert wrong == []


def test_role_comes_from_the_database_not_the_actor_object(authorizer: Authorizer) -> None:
    forged = Actor("c1", "Cashier", Role.IT_ADMIN)  # claims more than it has
    with pytest.raises(PermissionDenied):
        authorizer.require(forged, Permission.OPERATOR_MANAGE)


@pytest.mark.parametrize("claimed", [Role.MANAGER, Role.CASHIER, Role.IT_ADMIN])
def test_a_cli_actor_acts_as_store_it_whatever_role_it_claims(
        authorizer: Authorizer, terminal: Terminal, claimed: Role) -> None:
    """``cli:`` names the local IT tools; it is not a way to become a manager."""
    actor = Actor("cli:mallory", "mallory", claimed)
    assert authorizer.current_role(actor) is Role.IT_ADMIN
    with terminal.db.read() as session:
        for perm in Permission:
            expected = decide(Role.IT_ADMIN, perm) is Decision.ALLOW
            assert authorizer.plainly_allows(session, actor, perm) is expected, perm
    authorizer.require(actor, Permission.OPERATOR_MANAGE)  # store IT's own work
    refused = [p for p in Permission if decide(Role.IT_ADMIN, p) is not Decision.ALLOW]
    assert refused and (claimed is not Role.MANAGER or
                        any(decide(Role.MANAGER, p) is Decision.ALLOW for p in refused))
    for perm in refused:
        with pytest.raises((PermissionDenied, ApprovalRequired)):
            authorizer.require(actor, perm)
        with terminal.db.read() as session:
            who, action, target, details = session.execute(
                select(AuditEntry.operator_id, AuditEntry.action, AuditEntry.target, AuditEntry.details)
                .order_by(AuditEntry.seq.desc()).limit(1)).one()
        assert (who, target) == ("cli:mallory", perm.value) and action.startswith("permission.")
        assert json.loads(details)["role"] == "it_admin"


def test_deactivated_or_unknown_operator_loses_every_right(
        authorizer: Authorizer, terminal: Terminal) -> None:
    with terminal.db.transaction() as session:
        session.get(Operator, "m1").active = False
    with pytest.raises(PermissionDenied):
        authorizer.require(ACTORS[Role.MANAGER], Permission.SALE_RING)
    with pytest.raises(PermissionDenied):
        authorizer.require(Actor("ghost", "G", Role.MANAGER), Permission.STOCK_LOOKUP)
    assert [r[1] for r in audit_rows(terminal)] == ["permission.denied"] * 2


def test_a_grant_never_lifts_a_deny(authorizer: Authorizer, terminal: Terminal,
                                    clock: FakeClock) -> None:
    from store_client.services.approvals import ApprovalService

    grant = ApprovalService(terminal.db, clock, authorizer.audit).approve(
        ACTORS[Role.CASHIER], "m1", "2580", Permission.RETURN_PROCESS, "receipt shown")
    with pytest.raises(PermissionDenied):
        authorizer.require(ACTORS[Role.IT_ADMIN], Permission.RETURN_PROCESS, grant)


# -- operator administration ------------------------------------------------------------------


def test_cashier_calling_operator_manage_is_refused_and_audited(
        operators: OperatorService, terminal: Terminal) -> None:
    with pytest.raises(PermissionDenied) as info:
        operators.create_operator(ACTORS[Role.CASHIER], "c9", "New", "cashier", "2580")
    assert info.value.permission == "operator.manage"
    # The refusal is committed on its own: visible from a fresh read.
    assert audit_rows(terminal)[-1][:3] == ("c1", "permission.denied", "operator.manage")
    with terminal.db.read() as session:
        assert session.get(Operator, "c9") is None


@pytest.mark.parametrize("role", [Role.CASHIER, Role.ASSOCIATE, Role.MANAGER])
def test_only_it_manages_operators(operators: OperatorService, terminal: Terminal,
                                   role: Role) -> None:
    actor = ACTORS[role]
    for call in (lambda: operators.create_operator(actor, "x1", "X", "cashier", "2580"),
                 lambda: operators.set_pin(actor, "c1", "1590"),
                 lambda: operators.deactivate(actor, "c1")):
        with pytest.raises(PermissionDenied):
            call()
    assert [r[1] for r in audit_rows(terminal)] == ["permission.denied"] * 3


@pytest.mark.parametrize("role", [Role.CASHIER, Role.ASSOCIATE])
def test_floor_staff_cannot_unlock_or_list_operators(operators: OperatorService,
                                                     role: Role) -> None:
    with pytest.raises(PermissionDenied):
        operators.unlock_operator(ACTORS[role], "c1")
    with pytest.raises(PermissionDenied):
        operators.list_operators(ACTORS[role])


def test_it_admin_creates_changes_and_deactivates(operators: OperatorService, terminal: Terminal,
                                                  clock: FakeClock) -> None:
    it = ACTORS[Role.IT_ADMIN]
    info = operators.create_operator(it, "c9", "  李  雷 ", "cashier", "2580")
    assert (info.operator_id, info.name, info.role, info.active) == ("c9", "李 雷", Role.CASHIER,
                                                                    True)
    auth = AuthService(terminal.db, clock, operators.audit)
    assert auth.login("c9", "2580").role is Role.CASHIER
    operators.set_pin(it, "c9", "1590")
    with pytest.raises(LoginRefused):
        auth.login("c9", "2580")
    assert auth.login("c9", "1590").operator_id == "c9"
    operators.deactivate(it, "c9")
    with pytest.raises(LoginRefused) as refused:
        auth.login("c9", "1590")
    assert refused.value.reason == "inactive"
    listed = {o.operator_id: o for o in operators.list_operators(it)}
    assert listed["c9"].active is False and listed["c1"].active is True
    names = [(op, a, t) for op, a, t, _ in audit_rows(terminal) if a.startswith("operator.")]
    assert names == [("it1", "operator.created", "c9"), ("it1", "operator.pin_set", "c9"),
                     ("it1", "operator.deactivated", "c9")]
    with terminal.db.read() as session:
        stored = session.get(Operator, "c9").pin_hash
    assert "1590" not in stored and pins.verify_pin("1590", stored)


def test_set_pin_lifts_a_lockout(operators: OperatorService, terminal: Terminal,
                                 clock: FakeClock) -> None:
    auth = AuthService(terminal.db, clock, operators.audit)
    for _ in range(5):
        with pytest.raises(LoginRefused):
            auth.login("c1", "9999")
    operators.set_pin(ACTORS[Role.IT_ADMIN], "c1", "1590")
    assert auth.login("c1", "1590").operator_id == "c1"


@pytest.mark.parametrize("operator_id, name, role, pin, field", [
    ("", "Name", "cashier", "2580", "operator_id"),
    ("x" * 17, "Name", "cashier", "2580", "operator_id"),
    ("c-9", "Name", "cashier", "2580", "operator_id"),
    ("c９", "Name", "cashier", "2580", "operator_id"),
    ("c9", "", "cashier", "2580", "name"),
    ("c9", "   ", "cashier", "2580", "name"),
    ("c9", "n" * 65, "cashier", "2580", "name"),
    ("c9", "bad\x00name", "cashier", "2580", "name"),
    ("c9", "Name", "owner", "2580", "role"),
    ("c9", "Name", "cashier", "12", "pin"),
    ("c9", "Name", "cashier", "1234", "pin"),
    ("c9", "Name", "cashier", "abcd", "pin"),
])
def test_operator_input_is_validated(operators: OperatorService, terminal: Terminal,
                                     operator_id: str, name: str, role: str, pin: str,
                                     field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        operators.create_operator(ACTORS[Role.IT_ADMIN], operator_id, name, role, pin)
    assert info.value.field == field
    with terminal.db.read() as session:
        assert len(session.scalars(select(Operator)).all()) == len(ACTORS)


def test_duplicates_missing_and_self_deactivation(operators: OperatorService) -> None:
    it = ACTORS[Role.IT_ADMIN]
    with pytest.raises(Conflict):
        operators.create_operator(it, "c1", "Again", "cashier", "2580")
    with pytest.raises(NotFound):
        operators.set_pin(it, "nobody", "2580")
    with pytest.raises(NotFound):
        operators.unlock_operator(ACTORS[Role.MANAGER], "nobody")
    with pytest.raises(InvalidInput):
        operators.deactivate(it, "it1")


# -- CLI --------------------------------------------------------------------------------------


def write_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(cfg.render({"store.store_id": "S001", "store.terminal_id": "T01",
                                "data.dir": str(tmp_path / "data")}), encoding="utf-8")
    return path


def run_cli(monkeypatch: pytest.MonkeyPatch, config: Path, *args: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    if not cfg.load(config).database_path.exists():
        # a fresh install is migrated first (commands that need the database do not make one)
        assert cli.main(["--config", str(config), "db", "migrate"]) == 0
    return cli.main(["--config", str(config), "operator", *args])


def test_cli_operator_commands_on_a_fresh_install(tmp_path: Path, fast_pins: None,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from store_client.bootstrap import open_terminal
    from store_client.clock import SystemClock

    config = write_config(tmp_path)
    monkeypatch.setattr("getpass.getuser", lambda: "itbob")
    assert run_cli(monkeypatch, config, "add", "m7", "--name", "Mei", "--role", "manager",
                   "--pin-stdin", stdin="2580\n") == 0
    assert "created manager m7" in capsys.readouterr().out
    assert run_cli(monkeypatch, config, "add", "m7", "--name", "Again", "--role", "manager",
                   "--pin-stdin", stdin="2580\n") == 1
    assert "exists" in capsys.readouterr().err
    assert run_cli(monkeypatch, config, "add", "c7", "--name", "C", "--role", "cashier",
                   "--pin-stdin", stdin="1111\n") == 1
    assert "PIN" in capsys.readouterr().err
    assert run_cli(monkeypatch, config, "set-pin", "m7", "--pin-stdin", stdin="1590\n") == 0
    assert run_cli(monkeypatch, config, "unlock", "m7") == 0
    assert run_cli(monkeypatch, config, "unlock", "zz9") == 1
    capsys.readouterr()
    assert run_cli(monkeypatch, config, "list") == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and out[1].split()[:3] == ["m7", "Mei", "manager"]

    term = open_terminal(cfg.load(config), clock=SystemClock())
    try:
        audit = AuditLog(SystemClock())
        AuthService(term.db, SystemClock(), audit).login("m7", "1590")
        rows = [(r.operator_id, r.action) for r in reversed(audit.recent(term.db))]
        assert audit.verify(term.db).ok
    finally:
        term.close()
    assert rows[:3] == [("cli:itbob", "operator.created"), ("cli:itbob", "operator.pin_set"),
                        ("cli:itbob", "operator.unlocked")]


def test_cli_as_a_named_operator_is_checked_like_at_the_till(tmp_path: Path, fast_pins: None,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from store_client.bootstrap import open_terminal
    from store_client.clock import SystemClock

    config = write_config(tmp_path)
    monkeypatch.setattr("getpass.getuser", lambda: "itbob")
    assert run_cli(monkeypatch, config, "add", "c7", "--name", "C", "--role", "cashier",
                   "--pin-stdin", stdin="2580\n") == 0
    assert run_cli(monkeypatch, config, "add", "i7", "--name", "I", "--role", "it_admin",
                   "--pin-stdin", stdin="1590\n") == 0
    pins_asked: list[str] = []

    def pin_of(prompt: str) -> str:
        pins_asked.append(prompt)
        return {"c7": "2580", "i7": "1590"}[prompt.split()[-1].rstrip(":")]

    monkeypatch.setattr("getpass.getpass", pin_of)
    capsys.readouterr()
    assert run_cli(monkeypatch, config, "--as", "c7", "unlock", "i7") == 1  # a cashier may not
    assert "may not" in capsys.readouterr().err
    assert run_cli(monkeypatch, config, "--as", "i7", "unlock", "c7") == 0
    monkeypatch.setattr("getpass.getpass", lambda _prompt: "0000")
    assert run_cli(monkeypatch, config, "--as", "i7", "list") == 1  # wrong PIN: refused
    assert pins_asked == ["PIN of operator c7: ", "PIN of operator i7: "]
    term = open_terminal(cfg.load(config), clock=SystemClock())
    try:
        rows = [(r.operator_id, r.action) for r in reversed(AuditLog(SystemClock()).recent(term.db))]
    finally:
        term.close()
    assert ("c7", "auth.login") in rows and ("c7", "permission.denied") in rows
    assert ("i7", "operator.unlocked") in rows and ("i7", "auth.login_failed") in rows


def test_cli_works_next_to_a_running_till(terminal: Terminal, tmp_path: Path, fast_pins: None,
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"  # the terminal fixture's data dir is tmp_path itself
    config.write_text(cfg.render({"store.store_id": "S001", "store.terminal_id": "T01",
                                  "data.dir": str(tmp_path)}), encoding="utf-8")
    from store_client.bootstrap import open_terminal
    from store_client.persistence.lock import AlreadyRunning

    with pytest.raises(AlreadyRunning):  # the till holds the instance lock
        open_terminal(cfg.load(config))
    assert run_cli(monkeypatch, config, "add", "c5", "--name", "Five", "--role", "cashier",
                   "--pin-stdin", stdin="2580\n") == 0
    with terminal.db.read() as session:
        assert session.get(Operator, "c5").role == "cashier"
