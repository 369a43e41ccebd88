"""One stock count counted on two tills of a store, with the reference HQ on 127.0.0.1.

Till T01 plans the count; HQ shares the plan with T02; counters scan on both tills in turn,
one upload's answer is lost (the till sends it again); each till shows the plan's totals of
every till, and the manager at T01 approves and posts exactly the total counted on both.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from store_client.bootstrap import Terminal, open_terminal
from store_client.clock import FakeClock
from store_client.domain import pins
from store_client.domain.roles import Role
from store_client.domain.stock_count import PlanScope
from store_client.persistence.models import Category, CountPlanRow, Operator, Product, StockMovement
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer
from store_client.services.stock_counts import CountRefused, StockCountService
from sync.hq import stock as hq_stock
from sync.hq.embedded import HQServer
from sync.hq.service import HQService
from sync.terminal.puller import Puller
from sync.terminal.transport import HQClient, TransientError
from sync.terminal.uploader import Uploader
from tests.conftest import make_config
from tests.integration.sync.sync_fault_proxy import FaultProxy

MANAGER = Actor("m1", "店长", Role.MANAGER)
COUNTER = Actor("a1", "导购", Role.ASSOCIATE)
SHARED = ["count_plans", "count_totals"]


class Till:
    def __init__(self, hq: HQService, base: Path, terminal_id: str, clock: FakeClock) -> None:
        config = make_config(base / terminal_id, store={"store_id": "S001", "terminal_id": terminal_id})
        self.term: Terminal = open_terminal(config, clock=clock)
        self.token = hq.issue_token("S001", terminal_id)
        with self.term.db.transaction() as s:
            s.add(Category(code="beauty", name_zh="美妆", name_en="Beauty"))
            s.flush()
            for i, sku in enumerate(("A", "B", "C")):
                s.add(Product(id=i + 1, sku=sku, name_zh=sku, name_en=sku, category_code="beauty", unit="each",
                              price_minor=1000, tax_rate_bp=1300, active=True))
            for op, role in (("m1", "manager"), ("a1", "associate")):
                s.add(Operator(id=op, name=op, role=role, pin_hash=pins.hash_pin("2468"), active=True,
                               failed_attempts=0))
        audit = AuditLog(clock)
        self.counts = StockCountService(self.term.db, clock, audit, Authorizer(self.term.db, audit, clock),
                                        store_id="S001", terminal_id=terminal_id)

    def upload(self, url: str) -> None:
        with HQClient(url, self.token) as client:
            assert Uploader(self.term.db, client).upload_pending().rejected == 0

    def pull(self, url: str) -> None:
        with HQClient(url, self.token) as client:
            for name, outcome in Puller(self.term.db, client, datasets=SHARED).pull_all().items():
                assert outcome.error is None, (name, outcome.error)

    def counted(self, plan_id: str) -> dict[str, int]:
        return {line.sku: line.counted for line in self.counts.counter_sheet(COUNTER, plan_id).lines}


@pytest.fixture
def world(sqlite_hq: HQService, tmp_path: Path) -> Iterator[tuple[str, FaultProxy, Till, Till]]:
    server = HQServer(sqlite_hq).start()
    proxy = FaultProxy(server.port)
    clock = FakeClock()
    tills = [Till(sqlite_hq, tmp_path, tid, clock) for tid in ("T01", "T02")]
    try:
        yield server.url, proxy, tills[0], tills[1]
    finally:
        for till in tills:
            till.term.close()
        proxy.stop()
        server.stop()


def test_two_tills_count_one_plan_and_the_manager_approves_the_total_of_both(world, sqlite_hq) -> None:  # type: ignore[no-untyped-def]
    url, proxy, t1, t2 = world
    plan = t1.counts.create_plan(MANAGER, scope=PlanScope.CYCLE, label="A区", skus=["A", "B", "C"])
    t1.upload(url)
    t2.pull(url)
    assert [p.plan_id for p in t2.counts.open_plans(COUNTER)] == [plan]  # shared with T02
    assert t2.counts.open_plans(COUNTER)[0].owner_terminal == "T01"

    # interleaved: T01 scans, T02 scans, each uploads in turn
    for i in range(3):
        t1.counts.scan(COUNTER, plan, "A", 1, scan_id=f"t1-a-{i}")
        t2.counts.scan(COUNTER, plan, "A", 2, scan_id=f"t2-a-{i}")
    t2.counts.scan(COUNTER, plan, "B", 5, scan_id="t2-b-0")
    t2.counts.scan(COUNTER, plan, "B", -1, scan_id="t2-b-1")  # a slip corrected
    t1.upload(url)
    proxy.plan = ["lose_response"]  # HQ commits T02's scans, T02 never hears it
    with pytest.raises(TransientError), HQClient(proxy.url, t2.token) as client:
        Uploader(t2.term.db, client).upload_pending()
    assert proxy.seen["lose_response"] == 1
    t2.counts.scan(COUNTER, plan, "A", 1, scan_id="t2-a-late")
    t2.upload(url)  # sends the lost batch again, and the late scan
    with sqlite_hq.engine.connect() as conn:
        assert hq_stock.plan_totals(conn, plan) == {"A": 3 + 6 + 1, "B": 4}
    t1.pull(url)
    t2.pull(url)
    assert t1.counted(plan) == {"A": 10, "B": 4}  # exact on both tills: nothing counted twice
    assert t2.counted(plan) == {"A": 10, "B": 4}
    sheet = t1.counts.counter_sheet(COUNTER, plan)
    assert sheet.others_as_of is not None

    # T02 may count, never close: the plan's own till reviews the total of both
    with pytest.raises(CountRefused) as refused:
        t2.counts.submit(MANAGER, plan)
    assert refused.value.code == "count.other_till"

    t1.counts.submit(MANAGER, plan)
    review = t1.counts.review_sheet(MANAGER, plan)
    assert {line.sku: (line.counted, line.uncounted) for line in review.lines} == {
        "A": (10, False), "B": (4, False), "C": (0, True)}

    # a scan of T02 lands after the manager read the review: the approval of the old figures is refused
    t2.counts.scan(COUNTER, plan, "C", 2, scan_id="t2-c-0")
    t2.upload(url)
    t1.pull(url)
    with pytest.raises(CountRefused) as changed:
        t1.counts.approve_and_post(MANAGER, plan, seen=review.fingerprint)
    assert changed.value.code == "count.totals_changed"
    again = t1.counts.review_sheet(MANAGER, plan)
    assert {line.sku: line.counted for line in again.lines} == {"A": 10, "B": 4, "C": 2}
    posted = t1.counts.approve_and_post(MANAGER, plan, seen=again.fingerprint)
    assert posted == [("A", 10), ("B", 4), ("C", 2)]  # nothing on hand before: the variance is the count
    with t1.term.db.read() as s:
        assert sorted(s.execute(select(StockMovement.sku, StockMovement.delta)).all()) == posted

    t1.upload(url)
    t2.pull(url)
    assert t2.counts.open_plans(COUNTER) == []  # posted at T01: closed on T02 too
    with t2.term.db.read() as s:
        assert s.get(CountPlanRow, plan).state == "posted"
