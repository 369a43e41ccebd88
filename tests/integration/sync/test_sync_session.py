"""Starting sync for a running terminal: configured, unconfigured, token missing, end to end."""

from __future__ import annotations

import time

from sqlalchemy import select

from store_client.bootstrap import open_terminal
from store_client.clock import SystemClock
from store_client.persistence.models import OutboxEvent
from store_client.services.audit import AuditLog
from sync.terminal.credentials import save_token
from sync.terminal.session import start_sync
from tests.conftest import make_config


def test_no_hq_url_means_offline_without_a_problem(terminal):
    started = start_sync(terminal)
    assert started.runner is None and started.problem is None


def test_url_without_a_token_works_offline_and_says_why(tmp_path, memory_keyring):
    term = open_terminal(make_config(tmp_path, hq={"url": "http://127.0.0.1:9"}))
    try:
        started = start_sync(term)
        assert started.runner is None
        assert "no HQ token" in started.problem and "set-token" in started.problem
    finally:
        term.close()


def test_a_running_terminal_delivers_its_outbox_to_hq(tmp_path, hq_server, hq_token, memory_keyring):
    save_token("S001", "T01", hq_token)
    term = open_terminal(make_config(tmp_path, hq={"url": hq_server.url}), clock=SystemClock())
    started = start_sync(term, interval=0.2)
    try:
        assert started.runner is not None and started.problem is None
        with term.db.transaction() as session:
            AuditLog(term.clock).append(session, operator_id="1001", action="auth.login", target="1001")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with term.db.read() as session:
                statuses = session.scalars(select(OutboxEvent.status)).all()
            if statuses and all(s == "delivered" for s in statuses) and started.runner.passes:
                break
            started.runner.wake()
            time.sleep(0.1)
        assert statuses and set(statuses) == {"delivered"}
        assert started.runner.last_error is None and started.runner.passes >= 1
    finally:
        started.runner.stop()
        term.close()
