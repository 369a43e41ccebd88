"""What a sync pass tells its listeners: the datasets its pull changed, and only those.

The count screen refreshes on ``Changes.stock_counts``, which a pull announces only when it
changed ``count_plans`` or ``count_totals``: a pull of prices announces nothing for counts,
a pull that changed nothing (the same feed again) calls nobody, a refused page changed
nothing, and a reset that removes rows without sending any is a change.
"""

from __future__ import annotations

from sqlalchemy import text

from sync.protocol.count_events import totals_key
from sync.terminal.runner import SyncRunner
from store_client.ui.operations.changes import NOTHING, Changes
from store_client.ui.operations.pulled import changes_of

PLAN = "5d0f3a52-7a8e-4d7e-9a51-3f4c4b0a1c11"
AT = "2026-12-01T02:00:00+00:00"


def totals(sku: str, counted: int) -> dict:
    return {"plan_id": PLAN, "sku": sku, "round": 0, "counted": counted, "as_of": AT,
            "tills": [{"terminal_id": "T02", "counted": counted, "scans": 1, "last_at": AT}]}


class Feed:
    """An HQ that serves, per dataset, the pages queued for it (each once); other datasets
    answer an empty page. ``reset`` datasets answer 'reset' once, then an empty snapshot."""

    skew = None
    queue_report = None

    def __init__(self) -> None:
        self.pages: dict[str, list[list[dict]]] = {}
        self.reset: set[str] = set()
        self.seq = 0

    def send(self, dataset: str, *rows: tuple[str, dict | None]) -> None:
        page = []
        for key, data in rows:
            self.seq += 1
            page.append({"seq": self.seq, "key": key, "op": "upsert" if data is not None else "delete",
                         **({"data": data} if data is not None else {})})
        self.pages.setdefault(dataset, []).append(page)

    def __enter__(self) -> Feed:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None

    def get_changes(self, dataset: str, cursor: str | None, limit: int) -> dict:
        if dataset in self.reset:
            self.reset.discard(dataset)
            return {"dataset": dataset, "reset": True}
        queued = self.pages.get(dataset) or []
        changes = queued.pop(0) if queued else []
        return {"dataset": dataset, "reset": False, "cursor": f"c{self.seq}", "has_more": False,
                "changes": changes}


def runner_with(terminal, feed: Feed) -> tuple[SyncRunner, list[frozenset[str]]]:  # type: ignore[no-untyped-def]
    heard: list[frozenset[str]] = []
    runner = SyncRunner(terminal.db, lambda: feed)  # type: ignore[arg-type,return-value]  # not started
    runner.add_listener(heard.append)
    return runner, heard


def test_a_pull_of_other_tills_totals_announces_stock_counts(terminal) -> None:  # type: ignore[no-untyped-def]
    feed = Feed()
    feed.send("count_totals", (totals_key(PLAN, "D001"), totals("D001", 3)))
    runner, heard = runner_with(terminal, feed)
    assert runner.run_pass()
    assert heard == [frozenset({"count_totals"})]
    assert changes_of(heard[0]) == Changes(stock_counts=True)


def test_a_pull_that_changes_no_count_dataset_announces_nothing_for_counts(terminal) -> None:  # type: ignore[no-untyped-def]
    feed = Feed()
    feed.send("prices", ("D001", {"sku": "D001", "price_minor": 250}))
    runner, heard = runner_with(terminal, feed)
    assert runner.run_pass()
    assert heard == [frozenset({"prices"})]  # the runner says what changed ...
    assert changes_of(heard[0]) == NOTHING and not changes_of(heard[0]).stock_counts  # ... no count screen wakes


def test_a_pull_that_changed_nothing_calls_nobody(terminal) -> None:  # type: ignore[no-untyped-def]
    feed = Feed()
    feed.send("count_totals", (totals_key(PLAN, "D001"), totals("D001", 3)))
    runner, heard = runner_with(terminal, feed)
    assert runner.run_pass()
    assert runner.run_pass()  # the same feed again: nothing new
    assert runner._fast_pass()  # noqa: SLF001  the fast datasets: nothing new either
    assert heard == [frozenset({"count_totals"})]


def test_a_refused_page_changed_nothing_and_announces_nothing(terminal) -> None:  # type: ignore[no-untyped-def]
    feed = Feed()
    feed.send("count_totals", (totals_key(PLAN, "D001"), {**totals("D001", 3), "counted": -5}))
    runner, heard = runner_with(terminal, feed)
    runner.run_pass()
    assert heard == []
    with terminal.db.read() as s:
        assert s.execute(text("SELECT count(*) FROM sync_rows WHERE dataset = 'count_totals'")).scalar() == 0


def test_a_reset_that_removes_rows_without_sending_any_is_a_change(terminal) -> None:  # type: ignore[no-untyped-def]
    feed = Feed()
    feed.send("count_plans")  # nothing
    feed.send("count_totals", (totals_key(PLAN, "D001"), totals("D001", 3)))
    runner, heard = runner_with(terminal, feed)
    runner.run_pass()
    feed.reset.add("count_totals")  # HQ starts over: its snapshot is empty, the row goes
    runner.run_pass()
    assert heard == [frozenset({"count_totals"}), frozenset({"count_totals"})]


def test_a_failing_listener_neither_stops_the_sync_nor_the_other_listeners(terminal) -> None:  # type: ignore[no-untyped-def]
    feed = Feed()
    feed.send("count_plans", (PLAN, {"plan_id": PLAN, "terminal_id": "T09", "label": "Back room", "scope": "zone",
                                     "blind": True, "snapshot_at": AT, "lines": [["D001", 10]], "state": "counting"}))
    runner, heard = runner_with(terminal, feed)

    def broken(_datasets: frozenset[str]) -> None:
        raise RuntimeError("a listener's bug")

    runner._listeners.insert(0, broken)  # noqa: SLF001  the first listener fails
    assert runner.run_pass()
    assert heard == [frozenset({"count_plans"})]


def test_changes_of_ignores_what_is_not_a_dataset_list() -> None:
    assert changes_of(frozenset({"count_plans", "prices"})) == Changes(stock_counts=True)
    assert changes_of(None) == NOTHING
    assert changes_of(frozenset()) == NOTHING
