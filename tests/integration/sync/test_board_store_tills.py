"""The board's view of the whole store, through the reference HQ on 127.0.0.1: every till of
the store with its queue and last contact (reported in the X-Till-Queue header of its sync
requests), and the members who joined through a link of any till, a receipt's included."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from pickup_world import seed_hq, terminal_at
from test_member_enrollment_terminal import phone_joins

from store_client.bootstrap import open_terminal
from store_client.clock import FakeClock
from store_client.services.board import compute
from store_client.services.member_enrollment import receipt_link
from sync.hq.app import create_app
from sync.hq.embedded import HQServer
from sync.hq.service import HQService, TerminalIdentity, make_engine
from sync.hq.store_board import REPUBLISH_AFTER, TillHealth
from sync.terminal.signing_key import load_or_create
from sync.protocol.till_queue import QUEUE_HEADER, parse_queue, queue_header
from sync.terminal.outbox import queue_report
from sync.terminal.runner import SyncRunner
from sync.terminal.transport import HQClient
from tests.conftest import make_config

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HQServer]:
    service = HQService(make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}"))
    seed_hq(service)
    server = HQServer(service, app=create_app(service, show_codes=True)).start()
    yield server
    server.stop()
    service.engine.dispose()


def runner(term, url: str, token: str) -> SyncRunner:  # type: ignore[no-untyped-def]
    key = load_or_create(term.config.data_dir, term.config.store_id, term.config.terminal_id)
    return SyncRunner(term.db, lambda: HQClient(url, token, timeout=10), signing_key=lambda: key)


def board_now(term):  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    return compute(term.db, day=now.astimezone(SHANGHAI).date(), tz=SHANGHAI, now=now,
                   store_id=term.config.store_id, terminal_id=term.config.terminal_id)


def test_each_till_sees_the_store_s_other_tills_and_their_queues(tmp_path, hq) -> None:
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
    one, two = terminal_at(tmp_path / "t1", clock, "T01"), terminal_at(tmp_path / "t2", clock, "T02")
    elsewhere = open_terminal(make_config(tmp_path / "t3", store={"store_id": "S002", "terminal_id": "T01"}),
                              clock=clock)  # the same till id, but ...
    try:
        t1, t2 = hq.service.issue_token("S001", "T01"), hq.service.issue_token("S001", "T02")
        t3 = hq.service.issue_token("S002", "T01")  # ... of another store: never on S001's board
        for term, token in ((two, t2), (elsewhere, t3), (one, t1)):
            assert runner(term, hq.url, token).run_pass()
        assert runner(one, hq.url, t1).run_pass()  # pulls what the others' passes published
        board = board_now(one)
        assert [(t.terminal_id, t.this_till) for t in board.tills] == [("T01", True), ("T02", False)]
        other = board.tills[1]
        assert other.waiting == 0 and other.oldest_waiting_at is None
        assert other.last_contact_at is not None and abs(datetime.now(UTC) - other.last_contact_at) < timedelta(minutes=1)
        assert board.tills_behind() == 0

        # T02 reports four events waiting, the oldest 20 minutes old: the board says it is behind.
        oldest = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20)
        with HQClient(hq.url, t2, timeout=10) as client:
            client.queue_report = queue_header(4, oldest)
            client.get_changes("store_tills", None, 10)
        assert runner(one, hq.url, t1).run_pass()
        board = board_now(one)
        other = board.tills[1]
        assert (other.waiting, other.oldest_waiting_at) == (4, oldest)
        assert other.behind(board.now) and board.tills_behind() == 1
        # Silence is a problem too: 16 minutes without contact is behind, whatever the queue.
        with HQClient(hq.url, t2, timeout=10) as client:
            client.queue_report = queue_header(0, None)
            client.get_changes("store_tills", None, 10)
        assert runner(one, hq.url, t1).run_pass()
        other = board_now(one).tills[1]
        assert not other.behind(datetime.now(UTC))
        assert other.behind(datetime.now(UTC) + timedelta(minutes=16))
    finally:
        for term in (one, two, elsewhere):
            term.close()


def test_the_runner_reports_what_is_still_waiting(tmp_path, hq, terminal) -> None:
    """The pulls carry the outbox as the upload left it: nothing waiting, no oldest time."""
    seen: list[str | None] = []
    token = hq.service.issue_token("S001", "T01")

    def factory() -> HQClient:
        client = HQClient(hq.url, token, timeout=10)
        original = client.http.send

        def send(request: httpx.Request, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(request.headers.get(QUEUE_HEADER))
            return original(request, **kwargs)

        client.http.send = send  # type: ignore[method-assign]
        return client

    assert SyncRunner(terminal.db, factory).run_pass()
    assert len(seen) >= 5  # every dataset's pull carries it: HQ hears the queue on any request
    assert all(parse_queue(h) == (0, None) for h in seen)


def test_the_queue_report_is_the_outbox_s_pending_events(terminal) -> None:
    from store_client.persistence.models import OutboxEvent

    with terminal.db.read() as s:
        assert parse_queue(queue_report(s)) == (0, None)
    with terminal.db.transaction() as s:
        for n, minutes in enumerate((30, 10, 5)):
            s.add(OutboxEvent(event_id=f"00000000-0000-4000-8000-00000000000{n}", kind="x", schema_version=1,
                              payload="{}", status="pending" if n else "delivered",
                              created_at=(datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
                                          - timedelta(minutes=minutes)).isoformat()))
    with terminal.db.read() as s:
        assert parse_queue(queue_report(s)) == (2, "2026-12-03T07:50:00+00:00")


@pytest.mark.parametrize(("header", "report"), [
    (None, None), ("", None), ("x;", None), ("-1;", None), ("3;yesterday", None),
    ("3;2026-12-03T08:00:00", None),  # no offset: not a time HQ can compare
    ("9" * 12 + ";", None), ("3;" + "9" * 100, None), ("３;", None),  # a full-width digit
    ("12", (12, None)), ("0;", (0, None)),
    ("7;2026-12-03T16:00:00+08:00", (7, "2026-12-03T08:00:00+00:00")),  # kept as UTC
])
def test_only_a_well_formed_report_counts(header, report) -> None:
    assert parse_queue(header) == report


class _Publisher:
    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.fail = False

    def publish(self, dataset: str, key: str, data: dict, *, scope: str) -> int:
        if self.fail:
            raise RuntimeError("database away")
        assert (dataset, scope, key) == ("store_tills", "S001", "T02")
        self.rows.append(data)
        return len(self.rows)


def test_a_till_s_row_is_published_when_its_queue_changes_and_once_a_minute_otherwise() -> None:
    now = [datetime(2026, 12, 3, 8, 0, tzinfo=UTC)]
    publisher = _Publisher()
    health = TillHealth(publisher, now=lambda: now[0])  # type: ignore[arg-type]
    who = TerminalIdentity("S001", "T02", 0, 0)
    assert health.heard(who, "0;")
    assert not health.heard(who, "0;")  # the same, within the minute: nothing new to say
    assert not health.heard(who, None)  # no report: the last one stands
    assert health.heard(who, "2;2026-12-03T07:59:00+00:00")  # the queue changed
    now[0] += REPUBLISH_AFTER
    assert health.heard(who, "garbage")  # a minute on: the contact itself is news
    assert publisher.rows[-1]["waiting"] == 2  # a header that is no report keeps the last queue
    publisher.fail = True
    assert not health.heard(who, "5;")  # HQ's database away: the sync request is not failed ...
    publisher.fail = False
    assert health.heard(who, "5;")  # ... and the next contact publishes it
    assert [r["waiting"] for r in publisher.rows] == [0, 2, 2, 5]
    assert publisher.rows[-1]["last_contact_at"] == "2026-12-03T08:01:00+00:00"


def test_a_member_who_joins_through_another_till_s_receipt_counts_on_every_till_s_board(tmp_path, hq,
                                                                                          add_operator) -> None:
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
    one, two = terminal_at(tmp_path / "t1", clock, "T01"), terminal_at(tmp_path / "t2", clock, "T02")
    try:
        t1, t2 = hq.service.issue_token("S001", "T01"), hq.service.issue_token("S001", "T02")
        assert runner(two, hq.url, t2).run_pass()  # registers T02's key: HQ checks its links
        key = load_or_create(two.config.data_dir, "S001", "T02")
        for n, phone in enumerate(("13900000001", "13900000002")):
            link = receipt_link(key, hq.url, store_id="S001", terminal_id="T02", operator_id="c1",
                                sale_id=f"sale-{n}", completed_at=datetime.now(UTC), days=30)
            phone_joins(link, phone)
        assert runner(one, hq.url, t1).run_pass()
        board = board_now(one)
        assert [(e.operator_id, e.members) for e in board.enrollments] == [("c1", 2)]
        assert board.enrollments[0].name == "c1"  # the operators the till holds name them
    finally:
        one.close()
        two.close()
