"""Login, terminal unlock and logout with PIN lockout, on a real terminal database."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from store_client.bootstrap import Terminal
from store_client.clock import FakeClock
from store_client.domain import pins
from store_client.domain.roles import Role
from store_client.persistence.models import AuditEntry, Operator
from store_client.services.audit import AuditLog
from store_client.services.auth import LOCKOUT, MAX_FAILED_PINS, Actor, AuthService
from store_client.services.authorization import Authorizer
from store_client.services.errors import LoginRefused
from store_client.services.operators import OperatorService

PIN, WRONG = "2468", "9753"


@pytest.fixture
def auth(terminal: Terminal, clock: FakeClock,
         add_operator) -> AuthService:  # type: ignore[no-untyped-def]
    add_operator("c1", "cashier", PIN, name="王芳")
    add_operator("c2", "cashier", "1357")
    add_operator("m1", "manager", "8642")
    add_operator("old", "cashier", PIN, active=False)
    return AuthService(terminal.db, clock, AuditLog(clock))


def actions(terminal: Terminal) -> list[tuple[str | None, str, str, dict]]:
    log = AuditLog(FakeClock())
    rows = reversed(log.recent(terminal.db))
    return [(r.operator_id, r.action, r.target, r.details) for r in rows]


def operator_state(terminal: Terminal, operator_id: str) -> tuple[int, str | None]:
    with terminal.db.read() as session:
        op = session.get(Operator, operator_id)
        return op.failed_attempts, op.locked_until


def refused(call, *args) -> LoginRefused:  # type: ignore[no-untyped-def]
    with pytest.raises(LoginRefused) as info:
        call(*args)
    return info.value


def test_login_returns_the_actor_and_is_audited(auth: AuthService, terminal: Terminal) -> None:
    actor = auth.login("c1", PIN)
    assert actor == Actor("c1", "王芳", Role.CASHIER)
    assert actions(terminal) == [("c1", "auth.login", "c1", {"role": "cashier"})]
    assert AuditLog(FakeClock()).verify(terminal.db).ok


def test_five_wrong_pins_lock_for_five_minutes(auth: AuthService, terminal: Terminal,
                                               clock: FakeClock) -> None:
    assert (MAX_FAILED_PINS, LOCKOUT) == (5, timedelta(minutes=5))
    start = clock.now()
    for left in (4, 3, 2, 1):
        error = refused(auth.login, "c1", WRONG)
        assert (error.reason, error.attempts_left, error.locked_until) == ("wrong_pin", left, None)
        # The counter is committed although the login was refused.
        assert operator_state(terminal, "c1") == (5 - left, None)
    error = refused(auth.login, "c1", WRONG)
    assert error.reason == "locked" and error.attempts_left == 0
    assert error.locked_until == clock.now() + LOCKOUT
    # Locked: even the right PIN is refused, until the five minutes are over.
    assert refused(auth.login, "c1", PIN).reason == "locked"
    clock.advance(minutes=4, seconds=59)
    assert refused(auth.login, "c1", PIN).reason == "locked"
    clock.advance(seconds=1)
    assert auth.login("c1", PIN).operator_id == "c1"
    assert operator_state(terminal, "c1") == (0, None)
    log = actions(terminal)
    assert [a for _, a, _, _ in log] == ["auth.login_failed"] * 5 + ["auth.locked_out"] + \
        ["auth.login_failed"] * 2 + ["auth.login"]
    assert log[5][3]["until"] == (start + LOCKOUT).isoformat(timespec="microseconds")
    assert [d["reason"] for _, a, _, d in log if a == "auth.login_failed"] == \
        ["wrong_pin"] * 4 + ["locked"] * 3
    assert AuditLog(FakeClock()).verify(terminal.db).ok


def test_attempts_while_locked_do_not_extend_the_lock(auth: AuthService,
                                                       clock: FakeClock) -> None:
    for _ in range(5):
        refused(auth.login, "c1", WRONG)
    first = refused(auth.login, "c1", WRONG).locked_until
    clock.advance(minutes=3)
    assert refused(auth.login, "c1", WRONG).locked_until == first
    clock.advance(minutes=2)
    assert auth.login("c1", PIN)


def test_after_a_lockout_there_are_five_fresh_attempts(auth: AuthService,
                                                        clock: FakeClock) -> None:
    for _ in range(5):
        refused(auth.login, "c1", WRONG)
    clock.advance(minutes=5)
    assert refused(auth.login, "c1", WRONG).attempts_left == 4


def test_success_resets_the_count(auth: AuthService, terminal: Terminal) -> None:
    for _ in range(4):
        refused(auth.login, "c1", WRONG)
    auth.login("c1", PIN)
    assert operator_state(terminal, "c1") == (0, None)
    for left in (4, 3, 2, 1):
        assert refused(auth.login, "c1", WRONG).attempts_left == left


def test_lockout_is_per_operator(auth: AuthService) -> None:
    for _ in range(5):
        refused(auth.login, "c1", WRONG)
    assert auth.login("c2", "1357").operator_id == "c2"


def test_unknown_operator_is_audited_and_checked_against_a_dummy_hash(
        auth: AuthService, terminal: Terminal, monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    real = pins.verify_pin
    monkeypatch.setattr(pins, "verify_pin", lambda pin, stored: checked.append(stored) or
                        real(pin, stored))
    error = refused(auth.login, "ghost", PIN)
    assert error.reason == "unknown_operator" and error.attempts_left is None
    assert checked == [pins.dummy_hash()]  # as slow as a real check
    long_id = "x" * 500
    assert refused(auth.login, long_id, PIN).reason == "unknown_operator"
    log = actions(terminal)
    assert log[0] == (None, "auth.login_failed", "ghost", {"reason": "unknown_operator"})
    assert log[1][2] == "x" * 32  # attacker-controlled text is bounded
    assert AuditLog(FakeClock()).verify(terminal.db).ok


def test_dummy_hash_costs_the_same_as_real_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pins, "LOG2_N", 12)
    assert pins.dummy_hash().split("$")[1:4] == pins.hash_pin(PIN).split("$")[1:4]


def test_inactive_operator_is_refused_with_the_right_pin(auth: AuthService,
                                                          terminal: Terminal) -> None:
    assert refused(auth.login, "old", PIN).reason == "inactive"
    assert operator_state(terminal, "old") == (0, None)
    assert actions(terminal)[-1][1:] == ("auth.login_failed", "old", {"reason": "inactive"})


@pytest.mark.parametrize("bad", ["", "12", "12a4", "1234567890123", " 2468", "２４６８"])
def test_malformed_pin_is_refused_audited_but_not_counted(auth: AuthService, terminal: Terminal,
                                                          bad: str) -> None:
    error = refused(auth.login, "c1", bad)
    assert error.reason == "invalid_pin_format"
    assert operator_state(terminal, "c1") == (0, None)
    assert actions(terminal)[-1] == (None, "auth.login_failed", "c1",
                                     {"reason": "invalid_pin_format"})


def test_unlock_terminal_uses_the_same_lockout(auth: AuthService, terminal: Terminal,
                                               clock: FakeClock) -> None:
    actor = auth.login("c1", PIN)
    auth.unlock_terminal(actor, PIN)
    for left in (4, 3, 2, 1):
        assert refused(auth.unlock_terminal, actor, WRONG).attempts_left == left
    assert refused(auth.unlock_terminal, actor, WRONG).reason == "locked"
    assert refused(auth.login, "c1", PIN).reason == "locked"  # one lockout for both
    clock.advance(minutes=5)
    auth.unlock_terminal(actor, PIN)
    names = [a for _, a, _, _ in actions(terminal)]
    assert names[:2] == ["auth.login", "auth.unlock"]
    assert names.count("auth.unlock_failed") == 5 and names.count("auth.locked_out") == 1
    assert names[-1] == "auth.unlock"


def test_unlock_terminal_refuses_an_operator_deactivated_meanwhile(
        auth: AuthService, terminal: Terminal) -> None:
    actor = auth.login("c1", PIN)
    with terminal.db.transaction() as session:
        session.get(Operator, "c1").active = False
    assert refused(auth.unlock_terminal, actor, PIN).reason == "inactive"


def test_logout_is_audited(auth: AuthService, terminal: Terminal) -> None:
    actor = auth.login("c1", PIN)
    auth.logout(actor)
    assert actions(terminal)[-1][:3] == ("c1", "auth.logout", "c1")


def test_manager_unlock_lifts_the_lockout_early(auth: AuthService, terminal: Terminal,
                                                clock: FakeClock) -> None:
    for _ in range(5):
        refused(auth.login, "c1", WRONG)
    manager = auth.login("m1", "8642")
    audit = AuditLog(clock)
    service = OperatorService(terminal.db, clock, audit, Authorizer(terminal.db, audit, clock))
    assert service.list_operators(manager)[0].locked_until == clock.now() + LOCKOUT
    service.unlock_operator(manager, "c1")
    assert auth.login("c1", PIN).operator_id == "c1"
    assert ("m1", "operator.unlocked", "c1", {"was_locked": True}) in actions(terminal)


def test_a_pin_change_between_check_and_commit_is_honoured(
        auth: AuthService, terminal: Terminal, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PIN is verified outside the write lock; if IT changes it meanwhile, the new one wins."""
    real = pins.verify_pin

    def verify_then_change(pin: str, stored: str) -> bool:
        result = real(pin, stored)
        monkeypatch.setattr(pins, "verify_pin", real)
        with terminal.db.transaction() as session:
            session.get(Operator, "c1").pin_hash = pins.hash_pin("1590")
        return result

    monkeypatch.setattr(pins, "verify_pin", verify_then_change)
    assert refused(auth.login, "c1", PIN).reason == "wrong_pin"
    assert auth.login("c1", "1590").operator_id == "c1"


def test_concurrent_wrong_pins_lock_exactly_once(auth: AuthService, terminal: Terminal) -> None:
    reasons: list[tuple[str, int | None]] = []
    lock = threading.Lock()

    def attempt() -> None:
        try:
            auth.login("c1", WRONG)
        except LoginRefused as exc:
            with lock:
                reasons.append((exc.reason, exc.attempts_left))

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads) and len(reasons) == 12
    assert sorted(left for reason, left in reasons if reason == "wrong_pin") == [1, 2, 3, 4]
    assert reasons.count(("locked", 0)) == 1  # the attempt that caused the lockout
    assert all(reason in ("wrong_pin", "locked") for reason, _ in reasons)
    with terminal.db.read() as session:
        lockouts = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "auth.locked_out")).all()
        assert len(lockouts) == 1
    assert AuditLog(FakeClock()).verify(terminal.db).ok


@pytest.mark.serial  # compares two timings: nothing else may compete
def test_unknown_id_takes_as_long_as_a_wrong_pin_at_the_real_cost(terminal: Terminal,
                                                                   clock: FakeClock) -> None:
    """Timing must not reveal which ids exist (min of a few runs: robust to a busy machine)."""
    import time

    assert pins.LOG2_N >= 14  # not the fast test cost
    with terminal.db.transaction() as session:
        session.add(Operator(id="real", name="R", role="cashier", pin_hash=pins.hash_pin(PIN),
                             active=True, failed_attempts=0))
    auth = AuthService(terminal.db, clock, AuditLog(clock))

    def fastest(operator_id: str) -> float:
        best = float("inf")
        for _ in range(4):
            start = time.perf_counter()
            with pytest.raises(LoginRefused):
                auth.login(operator_id, WRONG)
            best = min(best, time.perf_counter() - start)
        return best

    fastest("ghost")  # warm-up
    known, unknown = fastest("real"), fastest("ghost")
    assert 0.6 < unknown / known < 1.7, (known, unknown)
