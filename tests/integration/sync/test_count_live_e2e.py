"""Till B's count scans reach till A's Stock counts screen with no key pressed on A, through the
reference HQ on 127.0.0.1: B uploads, A's running sync pulls ``count_totals``, the pull
announces ``stock_counts``, and A's screen reads its figures again off the UI thread. A's
passes that bring nothing new make the screen read nothing."""

from __future__ import annotations

import pytest

from store_client.bootstrap import build_services
from store_client.domain.stock_count import PlanScope
from store_client.ui.screens.stock_count_screen import StockCountScreen
from sync.terminal.runner import SyncRunner
from sync.terminal.transport import HQClient
from tests.integration.sync.test_count_totals_e2e import COUNTER, MANAGER, Till, world  # noqa: F401
from tests.ui.conftest import screen_context, tasks  # noqa: F401


def counted(screen: StockCountScreen, sku: str) -> int | None:
    return screen.tally_model.counted(sku)


@pytest.mark.serial
def test_till_b_scans_show_on_till_a_without_a_key(qtbot, world, tasks) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    url, _proxy, a, b = world
    plan = a.counts.create_plan(MANAGER, scope=PlanScope.CYCLE, label="A区", skus=["A", "B", "C"])
    a.upload(url)
    b.pull(url)
    assert [p.plan_id for p in b.counts.open_plans(COUNTER)] == [plan]

    services = build_services(a.term)
    runner = SyncRunner(a.term.db, lambda: HQClient(url, a.token, timeout=10), interval=0.3, fast_interval=0.1)
    services.sync_runner = runner  # as the app does before anyone signs in
    screen = StockCountScreen(screen_context(a.term, tasks, MANAGER, "en", services=services))
    qtbot.addWidget(screen)
    screen.resize(1200, 760)
    screen.show()
    qtbot.waitUntil(lambda: screen.plan is not None and screen.plan.plan_id == plan, timeout=10_000)
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)
    assert counted(screen, "A") is None

    for i in range(3):
        b.counts.scan(COUNTER, plan, "A", 1, scan_id=f"b-a-{i}")
    b.counts.scan(COUNTER, plan, "B", 2, scan_id="b-b-0")
    b.upload(url)
    runner.start()
    try:
        qtbot.waitUntil(lambda: counted(screen, "A") == 3 and counted(screen, "B") == 2, timeout=30_000)
        assert "other tills' counts included, as of" in screen.tally_label.text()
        assert screen.plan.plan_id == plan

        b.counts.scan(COUNTER, plan, "A", 4, scan_id="b-a-late")
        b.upload(url)
        qtbot.waitUntil(lambda: counted(screen, "A") == 7, timeout=30_000)
        qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)

        reads, passes = screen.live.reads, runner.passes
        qtbot.waitUntil(lambda: runner.passes >= passes + 3, timeout=30_000)  # nothing new from HQ
        qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)
        assert screen.live.reads == reads
    finally:
        runner.stop()
