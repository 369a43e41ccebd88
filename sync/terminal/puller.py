"""Pulling HQ datasets as deltas, each with its own cursor.

A page is validated completely before anything is written; then its rows and
the new cursor are committed in one local transaction, so a crash or a bad page
never leaves a dataset half-applied. A bad page is refused with a logged reason
(kept in ``sync_cursors.last_error``) and the other datasets keep syncing.

"reset" from HQ: the cursor is cleared and the dataset refetched from a
snapshot; keys seen during the refetch are remembered and, when the snapshot
ends, local rows HQ no longer has are removed (products are deactivated, since
past sales still refer to them).

A dataset only moves forward: a page whose first change sequence is not above the
highest this terminal applied (kept in ``sync_state``), or whose cursor was already
seen in this pull, or a second page in a row with nothing in it while HQ says there
is more, is refused: a stale row is never applied over a newer one and a feed that
makes no progress is stopped at once. One dataset answering 5xx fails alone; a pass
is bounded in time (the rest of the feed comes next pass, from the saved cursor), and
``between_pages`` lets the runner deliver sales queued while a long pull runs.

Catalog pages keep the product search index in step inside their own transaction
(:mod:`sync.terminal.catalog_apply`), so a bootstrap that is killed between pages resumes
from its saved cursor and search is complete for every page already committed.
"""

from __future__ import annotations

import gc
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from store_client.clock import Clock, SystemClock, iso
from store_client.persistence import price_history
from store_client.persistence.db import Database
from store_client.persistence.models import SyncCursor, SyncResetSeen, SyncRow, SyncState
from sync.terminal import state
from sync.terminal import stock_rows
from sync.terminal.catalog_apply import apply_catalog
from sync.protocol.datasets import DATASETS, validate_row
from sync.protocol.events import PayloadError
from sync.terminal.transport import (
    BadResponse,
    BatchRejected,
    HQClient,
    ResponseTooLarge,
    ServerError,
    TransientError,
)

log = logging.getLogger(__name__)
DEFAULT_PAGE = 500
# Catalog and price rows are small and bounded (sync/datasets.py), so they come in HQ's
# largest pages: a 1M-SKU bootstrap is 200 round trips and commits instead of 2,000.
LARGE_PAGE = {"catalog": 5000, "prices": 5000}
MAX_PAGES_PER_PULL = 10_000
PASS_SECONDS = 120.0  # one pull pass; a bootstrap goes on in the next pass from its cursor
HIGH_SEQ = "pull_high_seq."  # + dataset: the highest change sequence applied (sync_state)
# A 5,000-row page decodes into ~25,000 dicts and lists. At the default generation-0
# threshold (700) the cyclic collector runs dozens of times per page, which doubles
# the cost of decoding and checking it; during a pull it runs less often.
PULL_GC_THRESHOLD0 = 20_000
_gc_lock = threading.Lock()
_gc_pulls = 0
_gc_saved = 0


class BadPage(Exception):
    """HQ sent a page that does not follow the protocol; nothing of it was applied."""


@dataclass
class PullOutcome:
    applied: int = 0
    pages: int = 0
    resets: int = 0
    error: str | None = None
    deferred: bool = False  # the pass ran out of time; the rest comes next pass


@dataclass
class Page:
    changes: list[tuple[str, str, dict | None]]  # (key, op, row)
    cursor: str
    has_more: bool
    reset: bool = False
    extra: dict = field(default_factory=dict)
    seqs: tuple[int, int] = (0, 0)  # first and last change sequence (0, 0 when empty)
    skipped: int = 0  # bad rows left out (stock datasets only: sync/terminal/stock_rows.py)


class Puller:
    def __init__(self, db: Database, client: HQClient, *, datasets: list[str] | None = None,
                 page_limit: int | None = None, clock: Clock | None = None,
                 pass_seconds: float = PASS_SECONDS,
                 between_pages: Callable[[], object] | None = None,
                 on_page: Callable[[str, int], None] | None = None) -> None:
        self.db = db
        self.on_page = on_page  # (dataset, changes applied) after each committed page
        self.client = client
        self.datasets = datasets or list(DATASETS)
        self.page_limit = page_limit  # None: LARGE_PAGE for its datasets, else DEFAULT_PAGE
        self.clock = clock or SystemClock()
        self.pass_seconds = pass_seconds
        self.between_pages = between_pages
        self._deadline: float | None = None

    def pull_all(self) -> dict[str, PullOutcome]:
        """Every dataset in turn, within ``pass_seconds``; one failing dataset (a refused
        page, a 5xx) does not stop the others.

        :class:`TransientError` other than a 5xx (HQ unreachable) is raised after the
        first dataset hits it, since the others would hit it too.
        """
        self._deadline = time.monotonic() + self.pass_seconds
        try:
            return {name: self.pull(name) for name in self._least_recent_first()}
        finally:
            self._deadline = None

    def _least_recent_first(self) -> list[str]:
        """Datasets in the order of their last applied page, never-pulled first (stable): one
        that a long feed kept waiting past the time bound goes first next pass."""
        with self.db.read() as session:
            updated = dict(session.execute(select(SyncCursor.dataset, SyncCursor.updated_at)).all())
        return sorted(self.datasets, key=lambda name: updated.get(name) or "")

    def pull(self, dataset: str) -> PullOutcome:
        """Follow one dataset to its end. The next page is fetched while this one is applied
        (its cursor is already known), so HQ's and the network's time overlap local work."""
        with _fewer_gc_passes():
            return self._pull(dataset)

    def _pull(self, dataset: str) -> PullOutcome:
        outcome = PullOutcome()
        limit = self.page_limit or LARGE_PAGE.get(dataset, DEFAULT_PAGE)
        prefetch = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"pull-{dataset}")
        try:
            if dataset not in DATASETS:
                raise BadPage(f"unknown dataset {dataset!r}")
            ahead: Future | None = None
            seen_cursors: set[str] = set()
            empty_pages = 0
            for _ in range(MAX_PAGES_PER_PULL):
                if self._deadline is not None and time.monotonic() > self._deadline:
                    outcome.deferred = True
                    log.info("pull pass out of time; %s goes on next pass", dataset)
                    break
                if ahead is not None:
                    raw, ahead = ahead.result(), None
                else:
                    with self.db.read() as session:
                        row = session.get(SyncCursor, dataset)
                        cursor = row.cursor if row else None
                    if cursor:
                        seen_cursors.add(cursor)
                    raw = self.client.get_changes(dataset, cursor, limit)
                page = parse_page(dataset, raw, limit)
                if page.reset:
                    self._start_reset(dataset)
                    seen_cursors.clear()
                    outcome.resets += 1
                    if outcome.resets > 3:
                        raise BadPage("HQ keeps answering 'reset'")
                    continue
                if page.has_more and page.cursor in seen_cursors:
                    raise BadPage("HQ's cursor does not advance (a cursor of this pull came back)")
                seen_cursors.add(page.cursor)
                empty_pages = empty_pages + 1 if page.has_more and not page.changes and not page.skipped else 0
                if empty_pages >= 2:
                    raise BadPage("HQ's feed makes no progress (empty pages that say there is more)")
                if page.has_more:
                    ahead = prefetch.submit(self.client.get_changes, dataset, page.cursor, limit)
                with self.db.transaction() as session:
                    _check_forward(session, dataset, page)
                    apply_page(session, dataset, page, iso(self.clock.now()))
                    if self.client.skew is not None:
                        state.put(session, state.SKEW_MS, str(int(self.client.skew.total_seconds() * 1000)))
                outcome.applied += len(page.changes)
                outcome.pages += 1
                if self.on_page is not None:
                    self.on_page(dataset, len(page.changes))
                if self.between_pages is not None:
                    self.between_pages()
                if not page.has_more:
                    break
        except (BadPage, BadResponse, BatchRejected, ResponseTooLarge, ServerError) as exc:
            outcome.error = str(exc)
            log.warning("pull of %s refused: %s", dataset, exc)
            self._record_error(dataset, outcome.error)
        except TransientError:
            raise
        except Exception as exc:  # e.g. a constraint the page violates locally: rolled back
            outcome.error = f"{type(exc).__name__}: {exc}"[:2000]
            log.exception("pull of %s failed; the page was rolled back", dataset)
            self._record_error(dataset, outcome.error)
        finally:
            prefetch.shutdown(wait=True, cancel_futures=True)
        return outcome

    def _start_reset(self, dataset: str) -> None:
        log.info("HQ asked to reset dataset %s; refetching from a snapshot", dataset)
        with self.db.transaction() as session:
            session.execute(delete(SyncResetSeen).where(SyncResetSeen.dataset == dataset))
            session.execute(delete(SyncState).where(SyncState.key == HIGH_SEQ + dataset))
            session.merge(SyncCursor(dataset=dataset, cursor=None, resetting=True,
                                     updated_at=iso(self.clock.now()), last_error=None))

    def _record_error(self, dataset: str, message: str) -> None:
        with self.db.transaction() as session:
            row = session.get(SyncCursor, dataset)
            if row is None:
                session.add(SyncCursor(dataset=dataset, cursor=None, resetting=False,
                                       last_error=message[:2000]))
            else:
                row.last_error = message[:2000]


@contextmanager
def _fewer_gc_passes() -> Iterator[None]:
    """Raise the collector's generation-0 threshold while any pull runs (it is process-wide,
    hence counted), and put back the previous one when the last pull ends."""
    global _gc_pulls, _gc_saved
    with _gc_lock:
        if _gc_pulls == 0:
            _gc_saved = gc.get_threshold()[0]
            gc.set_threshold(max(_gc_saved, PULL_GC_THRESHOLD0), *gc.get_threshold()[1:])
        _gc_pulls += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pulls -= 1
            if _gc_pulls == 0:
                gc.set_threshold(_gc_saved, *gc.get_threshold()[1:])


def parse_page(dataset: str, raw: object, limit: int) -> Page:
    """Check a page completely; :class:`BadPage` names the first problem."""
    if dataset not in DATASETS:
        raise BadPage(f"unknown dataset {dataset!r}")
    if not isinstance(raw, dict):
        raise BadPage("page is not an object")
    if raw.get("dataset") != dataset:
        raise BadPage(f"page is for dataset {raw.get('dataset')!r}, asked for {dataset!r}")
    if raw.get("reset") is True:
        return Page(changes=[], cursor="", has_more=True, reset=True)
    if raw.get("reset") not in (False, None):
        raise BadPage("'reset' must be a boolean")
    changes, cursor, has_more = raw.get("changes"), raw.get("cursor"), raw.get("has_more")
    if not isinstance(changes, list):
        raise BadPage("'changes' must be a list")
    if len(changes) > limit:
        raise BadPage(f"oversized page: {len(changes)} changes, asked for at most {limit}")
    if not isinstance(cursor, str) or not cursor or len(cursor) > 200:
        raise BadPage("'cursor' must be a non-empty string")
    if not isinstance(has_more, bool):
        raise BadPage("'has_more' must be a boolean")
    parsed: list[tuple[str, str, dict | None]] = []
    last_seq = 0
    first_seq = 0
    seen: set[str] = set()
    skipped = 0
    for i, change in enumerate(changes):
        if not isinstance(change, dict):
            raise BadPage(f"change {i} is not an object")
        seq, key, op = change.get("seq"), change.get("key"), change.get("op")
        if isinstance(seq, bool) or not isinstance(seq, int) or seq <= last_seq:
            raise BadPage(f"change {i}: 'seq' must be an increasing integer")
        last_seq = seq
        first_seq = first_seq or seq
        try:
            if op == "upsert":
                parsed.append((str(key), op, validate_row(dataset, key, change.get("data"))))
            elif op == "delete":
                if not isinstance(key, str) or not key or len(key) > 64:
                    raise PayloadError(f"bad key {key!r}")
                parsed.append((key, op, None))
            else:
                raise PayloadError(f"unknown op {op!r}")
        except PayloadError as exc:
            if dataset in stock_rows.DATASETS and op == "upsert":
                stock_rows.skipped(dataset, i, key, str(exc))
                skipped += 1
                continue
            raise BadPage(f"change {i} (key {key!r}): {exc}") from None
        key = str(key)
        if key in seen:  # HQ sends a key's current state once; applying twice would be order-dependent
            raise BadPage(f"change {i}: key {key!r} appears twice in one page")
        seen.add(key)
    if dataset == "catalog":
        _check_barcodes(parsed)
    return Page(changes=parsed, cursor=cursor, has_more=has_more, seqs=(first_seq, last_seq), skipped=skipped)


def _check_barcodes(changes: list[tuple[str, str, dict | None]]) -> None:
    """Two products of one page that claim the same barcode contradict each other: which one
    a scan finds would depend on their order, so the page is refused (docs/sync-protocol.md)."""
    owner: dict[str, str] = {}
    for key, op, row in changes:
        if op != "upsert" or row is None:
            continue
        for code in row["barcodes"]:
            other = owner.setdefault(code, key)
            if other != key:
                raise BadPage(f"barcode {code} is given to two products: {other} and {key}")


def _check_forward(session: Session, dataset: str, page: Page) -> None:
    """Refuse a page that would move ``dataset`` backwards; remember how far it went."""
    if not page.changes:
        return
    key = HIGH_SEQ + dataset
    high = session.scalar(select(SyncState.value).where(SyncState.key == key))
    if high is not None and page.seqs[0] <= int(high):
        raise BadPage(f"page goes backwards: change {page.seqs[0]} after {high} was applied")
    state.put(session, key, str(page.seqs[1]))


def apply_page(session: Session, dataset: str, page: Page, now: str) -> None:
    """Rows and cursor in the caller's transaction."""
    cur = session.get(SyncCursor, dataset)
    resetting = bool(cur and cur.resetting)
    if dataset == "catalog":
        apply_catalog(session, page.changes)
    elif dataset == "prices":
        _apply_prices(session, page.changes, now)
    elif dataset == "operators":
        _apply_operators(session, page.changes)
    elif dataset in stock_rows.DATASETS:
        stock_rows.note_unknown_skus(session, dataset, page.changes)
        _apply_rows(session, dataset, page.changes)
    else:
        _apply_rows(session, dataset, page.changes)
    if resetting:
        keys = [{"d": dataset, "k": k} for k, op, _ in page.changes if op == "upsert"]
        if keys:
            session.execute(text("INSERT OR IGNORE INTO sync_reset_seen(dataset, key) VALUES (:d, :k)"), keys)
        if not page.has_more:
            _finish_reset(session, dataset)
            resetting = False
    session.merge(SyncCursor(dataset=dataset, cursor=page.cursor, resetting=resetting,
                             updated_at=now, last_error=None))


def _finish_reset(session: Session, dataset: str) -> None:
    seen = "SELECT key FROM sync_reset_seen WHERE dataset = :d"
    if dataset == "catalog":
        stale = f"SELECT id FROM products WHERE sku NOT IN ({seen})"
        session.execute(text(f"DELETE FROM barcodes WHERE product_id IN ({stale})"), {"d": dataset})
        session.execute(text(f"UPDATE products SET active = 0 WHERE sku NOT IN ({seen})"), {"d": dataset})
    elif dataset == "operators":
        session.execute(text(f"UPDATE operators SET active = 0 WHERE id NOT IN ({seen})"), {"d": dataset})
    else:
        session.execute(text(f"DELETE FROM sync_rows WHERE dataset = :d AND key NOT IN ({seen})"),
                        {"d": dataset})
    session.execute(delete(SyncResetSeen).where(SyncResetSeen.dataset == dataset))


def _apply_rows(session: Session, dataset: str, changes: list) -> None:
    upserts = [{"d": dataset, "k": k, "v": json.dumps(row, ensure_ascii=False, sort_keys=True)}
               for k, op, row in changes if op == "upsert"]
    deletes = [k for k, op, _ in changes if op == "delete"]
    # Changes arrive in change order and a key appears once per page (HQ keeps current state).
    if deletes:
        session.execute(delete(SyncRow).where(SyncRow.dataset == dataset, SyncRow.key.in_(deletes)))
    if upserts:
        session.execute(text("INSERT INTO sync_rows(dataset, key, data) VALUES (:d, :k, :v) "
                             "ON CONFLICT(dataset, key) DO UPDATE SET data = excluded.data"), upserts)


def _apply_prices(session: Session, changes: list, now: str) -> None:
    # Prices are authoritative for products.price_minor; they are also kept as rows so that a
    # product that arrives in the catalog later starts at its current price. Each change is
    # recorded with its time (price_history: the lowest price of 90 days, returns without receipt).
    _apply_rows(session, "prices", changes)
    rows = [{"s": row["sku"], "p": row["price_minor"]} for _k, op, row in changes if op == "upsert"]
    if rows:
        price_history.record_changes(session, [(r["s"], r["p"]) for r in rows], now)
        session.execute(text("UPDATE products SET price_minor = :p WHERE sku = :s AND price_minor != :p"), rows)


def _apply_operators(session: Session, changes: list) -> None:
    # Operators are never deleted here: audit entries and approvals refer to them. A removed
    # operator is deactivated. The lockout counters are this terminal's own and are kept.
    rows = [{"i": r["id"], "n": r["name"], "r": r["role"], "h": r["pin_hash"], "a": r["active"]}
            for _k, op, r in changes if op == "upsert"]
    if rows:
        session.execute(text(
            "INSERT INTO operators(id, name, role, pin_hash, active, failed_attempts) "
            "VALUES (:i, :n, :r, :h, :a, 0) ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
            "role = excluded.role, pin_hash = excluded.pin_hash, active = excluded.active"), rows)
    gone = [{"i": k} for k, op, _ in changes if op == "delete"]
    if gone:
        session.execute(text("UPDATE operators SET active = 0 WHERE id = :i"), gone)


def cursor_of(session: Session, dataset: str) -> str | None:
    row = session.scalar(select(SyncCursor.cursor).where(SyncCursor.dataset == dataset))
    return row
