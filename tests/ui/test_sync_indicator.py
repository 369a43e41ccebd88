"""The status bar's sync indicator: what the store reads at a glance."""

from __future__ import annotations

from datetime import timedelta

from store_client.services.sync_status import SyncStatus
from store_client.ui.operations.sync import SyncOps
from store_client.ui.sync_indicator import SyncIndicator
from sync.terminal import outbox


def status(state: str, **kw) -> SyncStatus:  # type: ignore[no-untyped-def]
    base = dict(state=state, pending=0, needs_attention=0, oldest_pending_age=None,
                last_success=None, skew=None, last_error=None, dataset_errors={})
    base.update(kw)
    return SyncStatus(**base)


class FakeRunner:
    phase = "offline"


def test_indicator_shows_waiting_events_from_the_database(make_shell, qtbot):
    shell = make_shell()
    with shell.terminal.db.transaction() as session:
        for _ in range(3):
            outbox.enqueue(session, "test.event", {"n": 1}, clock=shell.terminal.clock)
    shell.terminal.clock.advance(minutes=5)
    shell.window.services.sync_runner = FakeRunner()
    indicator = SyncIndicator(shell.window.status, SyncOps(shell.window.backend, None), shell.window.hub)
    try:
        qtbot.waitUntil(lambda: "waiting" in shell.window.status.sync.text(), timeout=10_000)
        text = shell.window.status.sync.text()
        assert "Offline" in text and "3 waiting" in text and "oldest 5m" in text
    finally:
        indicator.stop()
        shell.settle()


def test_descriptions_for_each_state(make_shell):
    shell = make_shell()
    indicator = SyncIndicator(shell.window.status, SyncOps(shell.window.backend, None), shell.window.hub)
    try:
        assert indicator.describe(status("not configured")) == ("Offline (no HQ)", "neutral")
        assert indicator.describe(status("online")) == ("Online", "ok")
        text, tone = indicator.describe(status("offline", pending=1,
                                               oldest_pending_age=timedelta(hours=2)))
        assert text == "Offline · 1 waiting · oldest 2h00m" and tone == "warn"
        text, tone = indicator.describe(status("online", needs_attention=2))
        assert "2 need attention" in text and tone == "error"
        text, tone = indicator.describe(status("online", skew=timedelta(minutes=-10)))
        assert "clock off by -600 s" in text and tone == "error"
    finally:
        indicator.stop()
        shell.settle()


def test_missing_token_is_a_warning(make_shell):
    shell = make_shell()
    indicator = SyncIndicator(shell.window.status, SyncOps(shell.window.backend, None), shell.window.hub,
                              problem="no HQ token")
    try:
        assert indicator.describe(status("not configured")) == ("Offline: no HQ token", "warn")
    finally:
        indicator.stop()
        shell.settle()
