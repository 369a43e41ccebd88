"""HQ's side of the protocol, without HTTP: ingestion, change feeds, tokens, admin.

Every write runs in one database transaction that commits before the caller
answers the terminal. Change sequence numbers come from a single counter row
incremented inside the writing transaction: on PostgreSQL the row lock makes a
second writer wait until the first commits, so sequence numbers become visible
in increasing order and a reader's cursor can never pass a change that commits
later with a smaller number. (SQLite has one writer at a time anyway.)
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    bindparam,
    cast,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from sync.protocol.datasets import DATASETS, validate_row
from sync.hq import aisle as hq_aisle
from sync.hq import aisle_resolution
from sync.hq import count_plans  # noqa: F401  (registers the shared count tables)
from sync.hq import credit_notes, cross_returns, order_events, return_issues
from sync.hq import members as hq_members  # (registers the member tables: sales post points)
from sync.hq import order_tables  # noqa: F401  (registers the online-order tables)
from sync.hq import schema as t
from sync.hq import sites as hq_sites
from sync.hq import stock as hq_stock
from sync.hq import stock_publish
from sync.hq.audit import chain_row
from sync.hq.exchanges import exchange_problem, taken_problem
from sync.hq.member_enrollment import credit_enrolled_sale
from sync.hq.originals import index_sale
from sync.hq.returnables import (
    ReturnablesService,
    held_elsewhere,
    original_from_sale,
    own_return_problem,
    record_own_conflict,
)
from sync.protocol.events import PICKUP_KINDS, PayloadError, validate
from sync.protocol.credit_events import EVENT_KIND as CREDIT_RELEASED_KIND
from sync.protocol.no_receipt_events import EVENT_KIND as NO_RECEIPT_KIND

log = logging.getLogger(__name__)
MAX_BATCH = 1000
MAX_PAGE = 5000
DEFAULT_PAGE = 500
INT64_MAX = 2**63 - 1  # BIGINT on both databases; a larger integer cannot be stored or compared
MAX_DEPTH = 32  # nesting of an event; real payloads are 4 deep
SHIFT_KINDS = ("shift.opened", "shift.cash_moved", "shift.closed")


class AuthError(Exception):
    pass


class RequestError(ValueError):
    """The request as a whole is malformed (HTTP 400); nothing was applied."""


@dataclass(frozen=True)
class FeedPage:
    """One page of a change feed: rows are (change_seq, key, deleted, data as JSON text)."""

    rows: list[tuple[int, str, bool, str | None]]
    cursor: str | None
    has_more: bool
    reset: bool = False


@dataclass(frozen=True)
class TerminalIdentity:
    store_id: str
    terminal_id: str
    last_seq: int
    reset_epoch: int


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def hash_token(token: str) -> str:
    # Tokens are 256-bit random strings, so a fast hash is enough (no brute force possible).
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token_on(conn: Connection, store_id: str, terminal_id: str) -> str:
    """:meth:`HQService.issue_token` inside the caller's transaction (enrollment uses it)."""
    token = secrets.token_urlsafe(32)
    if conn.scalar(select(t.stores.c.store_id).where(t.stores.c.store_id == store_id)) is None:
        conn.execute(insert(t.stores).values(store_id=store_id, name=store_id))
        hq_sites.recompute(conn)  # a new store sees the warehouses at once (and its place, once registered)
    found = conn.execute(update(t.terminals).where(
        t.terminals.c.store_id == store_id, t.terminals.c.terminal_id == terminal_id
    ).values(token_hash=hash_token(token))).rowcount
    if not found:
        conn.execute(insert(t.terminals).values(
            store_id=store_id, terminal_id=terminal_id, token_hash=hash_token(token),
            last_seq=0, reset_epoch=0))
    return token


def make_engine(url: str) -> Engine:
    """An engine for ``url`` (``sqlite:///path`` or ``postgresql+psycopg://...``)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _connect(dbapi, _rec):  # type: ignore[no-untyped-def]
            dbapi.isolation_level = None
            dbapi.execute("PRAGMA journal_mode=WAL")
            dbapi.execute("PRAGMA synchronous=FULL")
            dbapi.execute("PRAGMA busy_timeout=30000")

        @event.listens_for(engine, "begin")
        def _begin(conn):  # type: ignore[no-untyped-def]
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


class HQService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        t.metadata.create_all(engine)
        with engine.begin() as conn:
            if conn.scalar(select(t.counters.c.value).where(t.counters.c.name == "change_seq")) is None:
                conn.execute(insert(t.counters).values(name="change_seq", value=0))
            hq_sites.recompute(conn)  # an HQ from before sites: its stores gain their neighbours
        self._publish_stock(backfill_batches=None)  # what a crash left unpublished or half backfilled

    # -- tokens and terminals ---------------------------------------------
    def issue_token(self, store_id: str, terminal_id: str) -> str:
        """A new token for the terminal (the old one stops working); HQ keeps only its hash."""
        with self.engine.begin() as conn:
            return issue_token_on(conn, store_id, terminal_id)

    def authenticate(self, token: str | None) -> TerminalIdentity:
        if not token:
            raise AuthError("missing bearer token")
        with self.engine.connect() as conn:
            row = conn.execute(select(t.terminals).where(
                t.terminals.c.token_hash == hash_token(token))).first()
        if row is None:
            raise AuthError("unknown or revoked token")
        return TerminalIdentity(row.store_id, row.terminal_id, row.last_seq, row.reset_epoch)

    def reset_terminal(self, store_id: str, terminal_id: str) -> None:
        """For a replaced or wiped terminal: sequence restarts, every dataset refetches."""
        with self.engine.begin() as conn:
            found = conn.execute(update(t.terminals).where(
                t.terminals.c.store_id == store_id, t.terminals.c.terminal_id == terminal_id
            ).values(last_seq=0, reset_epoch=t.terminals.c.reset_epoch + 1)).rowcount
        if not found:
            raise KeyError(f"no terminal {store_id}/{terminal_id}")

    # -- event ingestion ----------------------------------------------------
    def ingest(self, who: TerminalIdentity, batch: Any) -> dict[str, Any]:
        """Apply a batch; one result per event, in order. Committed before returning."""
        if not isinstance(batch, dict) or not isinstance(batch.get("events"), list):
            raise RequestError("body must be an object with an 'events' list")
        items = batch["events"]
        if len(items) > MAX_BATCH:
            raise RequestError(f"at most {MAX_BATCH} events per batch")
        for attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    result = self._ingest(conn, who, items)
                self._publish_stock()
                return result
            except IntegrityError:
                # A concurrent request applied one of these events first; the retry sees it.
                if attempt == 2:
                    raise
                log.info("ingest race on %s/%s, retrying", who.store_id, who.terminal_id)
        raise AssertionError("unreachable")

    def _publish_stock(self, *, backfill_batches: int | None = 1) -> None:
        """Publish what moved, after the commit, and a bounded step of any backfill (a new
        neighbour's positions). A failure here must not fail the ingest (the terminal would
        resend events HQ already holds): the rows stay marked and go next time."""
        try:
            stock_publish.backfill(self, max_batches=backfill_batches)
            hq_stock.publish_dirty(self)
        except Exception:  # noqa: BLE001 - logged; retried on the next ingest and at start-up
            log.exception("publishing stock levels failed; they stay marked for the next try")

    def _ingest(self, conn: Connection, who: TerminalIdentity, items: list) -> dict[str, Any]:
        term = conn.execute(select(t.terminals.c.last_seq).where(
            t.terminals.c.store_id == who.store_id, t.terminals.c.terminal_id == who.terminal_id
        ).with_for_update()).one()
        last_seq = term.last_seq
        ids = [i.get("event_id") for i in items if isinstance(i, dict) and isinstance(i.get("event_id"), str)
               and i["event_id"].isascii()]
        existing: dict[str, str] = {}
        foreign: set[str] = set()  # ids another terminal sent: never acknowledged to this one
        for r in (conn.execute(select(t.events.c.event_id, t.events.c.ack, t.events.c.store_id,
                                      t.events.c.terminal_id).where(t.events.c.event_id.in_(ids)))
                  if ids else ()):
            if (r.store_id, r.terminal_id) == (who.store_id, who.terminal_id):
                existing[r.event_id] = r.ack
            else:
                foreign.add(r.event_id)
        sale_ids = [i["payload"].get("sale_id") for i in items if isinstance(i, dict)
                    and isinstance(i.get("payload"), dict) and isinstance(i["payload"].get("sale_id"), str)]
        known_sales = set(conn.scalars(select(t.sales.c.sale_id).where(
            t.sales.c.sale_id.in_(sale_ids)))) if sale_ids else set()
        received = now_iso()
        results: list[dict[str, Any]] = []
        new_events: list[dict[str, Any]] = []
        new_sales: list[dict[str, Any]] = []
        new_audit: list[dict[str, Any]] = []
        new_rejections: list[dict[str, Any]] = []
        new_chain: list[dict[str, Any]] = []
        new_shift_events: list[dict] = []
        new_returns: list[dict] = []
        refunded: dict[str, int] = {}  # original sale id -> refunded so far (this batch included)
        taken_ids: set[str] = set()  # return.taken return ids of this batch
        for item in items:
            envelope = _envelope(item)
            if isinstance(envelope, str):
                eid = item.get("event_id") if isinstance(item, dict) else None
                eid = _printable(eid) if isinstance(eid, str) else None
                reason = f"malformed event: {envelope}"
                results.append({"event_id": eid, "status": "rejected", "reason": reason})
                new_rejections.append({"event_id": str(eid)[:64], "store_id": who.store_id,
                                           "terminal_id": who.terminal_id, "seq": None, "kind": None,
                                           "reason": reason, "received_at": received})
                continue
            eid, seq, kind, version, payload = envelope
            if eid in existing:
                results.append({**json.loads(existing[eid]), "duplicate": True})
                last_seq = max(last_seq, seq)
                continue
            try:
                if eid in foreign:
                    raise PayloadError("event id already used by another terminal")
                data = validate(kind, version, payload)
                if kind == "sale.completed":
                    self._check_origin(who, data)
                    if data["sale_id"] in known_sales:
                        raise PayloadError(f"sale {data['sale_id']} was already received in another event")
                elif kind in SHIFT_KINDS:
                    self._check_origin(who, data)
                elif kind == "return.completed":
                    self._check_origin(who, data)
                    return_context = self._check_return(conn, data, refunded, new_sales, new_returns)
                elif kind == cross_returns.EVENT_KIND:  # settled after the commit (cross_returns.settle_pending)
                    self._check_origin(who, data)
                    if data["return_id"] in taken_ids or cross_returns.known(conn, data["return_id"]):
                        raise PayloadError(f"return {data['return_id']} was already received in another event")
                    problem = taken_problem(conn, data, new_sales)  # an exchange's link and credit
                    if problem:
                        raise PayloadError(problem)
                    credit_notes.check_new_note(conn, data.get("voucher_note"))
                elif kind == NO_RECEIPT_KIND:  # no original: the credit note enters HQ's ledger
                    self._check_origin(who, data)
                    credit_notes.check_return(conn, data)
                elif kind == CREDIT_RELEASED_KIND:  # the money back on the note now, once per spend id
                    self._check_origin(who, data)
                    credit_notes.release_from_event(conn, data, now_iso())
                elif kind == return_issues.EVENT_KIND:  # a manager's resolution: once per issue
                    self._check_origin(who, data)
                    return_issues.check_resolution(conn, who.store_id, data)
                elif kind == "drawer.no_sale" and data["terminal_id"] != who.terminal_id:
                    raise PayloadError(f"no-sale of terminal {data['terminal_id']}, not of "
                                       f"this terminal {who.terminal_id}")
                elif kind in hq_stock.KINDS:  # applied now, in this transaction: once per event
                    problem = hq_stock.check_origin(who.store_id, data)
                    if problem:
                        raise PayloadError(problem)
                    hq_stock.apply_event(conn, who.store_id, kind, data, who.terminal_id)
                elif kind in PICKUP_KINDS:  # applied now: a later event may move the same order
                    order_events.apply_terminal_event(conn, who, eid, kind, data, received)
                elif kind == hq_aisle.KIND:  # an order paid at this till, from another site
                    hq_aisle.apply_event(conn, who, eid, data, received, new_sales)
                elif kind in aisle_resolution.KINDS:  # a flagged aisle order re-sourced or cancelled
                    aisle_resolution.apply_event(conn, who, kind, data, received)
            except PayloadError as exc:
                reason = _printable(str(exc))
                results.append({"event_id": eid, "seq": seq, "status": "rejected", "reason": reason})
                new_rejections.append({"event_id": eid, "store_id": who.store_id, "terminal_id": who.terminal_id,
                                           "seq": seq, "kind": kind, "reason": reason, "received_at": received})
                continue
            ack: dict[str, Any] = {"event_id": eid, "seq": seq, "status": "accepted", "received_at": received}
            existing[eid] = json.dumps(ack)
            new_events.append({"event_id": eid, "store_id": who.store_id, "terminal_id": who.terminal_id,
                                   "seq": seq, "kind": kind, "schema_version": version, "received_at": received,
                                   "ack": existing[eid]})
            if kind == "sale.completed":
                hq_stock.apply_sale(conn, who.store_id, data)
                hq_members.post_sale_points(conn, data, received)  # one ledger, every channel
                credit_enrolled_sale(conn, data, received)  # joined with its receipt's link
                credit_notes.spend_from_sale(conn, data, received)  # once per spend id
                return_issues.publish_overdrafts(conn, data)  # for the store's manager
                index_sale(conn, data)
                known_sales.add(data["sale_id"])
                new_sales.append({"sale_id": data["sale_id"], "event_id": eid, "store_id": who.store_id,
                                      "terminal_id": who.terminal_id, "seq": seq, "total_minor": data["total_minor"],
                                      "discount_minor": data["discount_minor"],
                                      "completed_at": data["completed_at"],
                                      "payload": json.dumps(data, ensure_ascii=False)})
            elif kind == "return.completed":
                hq_stock.apply_return(conn, who.store_id, data)
                hq_members.post_return_points(conn, data, *return_context[:2], received)
                if return_context[2] is not None:
                    record_own_conflict(conn, data, who.store_id, who.terminal_id,
                                        original_from_sale(f"sale:{data['sale_id']}", who.store_id,
                                                           return_context[0]), return_context[2], received)
                credit_notes.refund_from_return(conn, data["sale_id"], data, received)
                refunded[data["sale_id"]] += data["refund_minor"]
                new_returns.append({"return_id": data["return_id"], "event_id": eid,
                                    "sale_id": data["sale_id"], "store_id": who.store_id,
                                    "terminal_id": who.terminal_id, "seq": seq,
                                    "refund_minor": data["refund_minor"],
                                    "completed_at": data["completed_at"],
                                    "payload": json.dumps(data, ensure_ascii=False)})
            elif kind == NO_RECEIPT_KIND:
                credit_notes.record_return(conn, eid, data, json.dumps(data, ensure_ascii=False))
            elif kind == return_issues.EVENT_KIND:
                return_issues.record_resolution(conn, eid, data, received)
            elif kind == cross_returns.EVENT_KIND:
                cross_returns.record(conn, who.store_id, who.terminal_id, eid, data)
                credit_notes.issue_note(conn, data.get("voucher_note"), data)  # a voucher part, as a new note
                taken_ids.add(data["return_id"])
            elif kind in SHIFT_KINDS:
                new_shift_events.append({"event_id": eid, "store_id": who.store_id,
                                         "terminal_id": who.terminal_id, "shift_id": data["shift_id"],
                                         "kind": kind, "seq": seq,
                                         "payload": json.dumps(data, ensure_ascii=False)})
            elif kind in ("audit.entry", "drawer.no_sale"):  # a no-sale is kept with the audit trail
                new_audit.append({"event_id": eid, "store_id": who.store_id, "terminal_id": who.terminal_id,
                                      "action": data.get("action", kind), "at": data["at"],
                                      "details": json.dumps(data, ensure_ascii=False)})
                if kind == "audit.entry" and data["hash"] is not None and data["seq"] is not None:
                    new_chain.append(chain_row(who, eid, data))
            results.append(ack)
            last_seq = max(last_seq, seq)
        for table, rows in ((t.events, new_events), (t.sales, new_sales), (t.audit, new_audit),
                            (t.shift_events, new_shift_events), (t.returns, new_returns),
                            (t.rejections, new_rejections), (t.audit_chain, new_chain)):
            if rows:
                conn.execute(insert(table), rows)
        conn.execute(update(t.terminals).where(
            t.terminals.c.store_id == who.store_id, t.terminals.c.terminal_id == who.terminal_id
        ).values(last_seq=last_seq))
        return {"results": results, "last_seq": last_seq}

    def spend_credit_note(self, who: TerminalIdentity, code: str, amount: int, spend_id: str) -> credit_notes.Spent:
        """Spend (part of) a store credit note from any till, once per ``spend_id``; raises
        :class:`credit_notes.CreditRefused` with nothing taken (sync/hq/credit_notes.py)."""
        with self.engine.begin() as conn:
            return credit_notes.spend(conn, spend_id=spend_id, code=code, amount=amount, store_id=who.store_id,
                                      terminal_id=who.terminal_id, at=now_iso())

    def release_credit_note(self, who: TerminalIdentity, code: str, spend_id: str,
                            reason: str = "sale_not_written") -> credit_notes.Released:
        """Give back what the till's spend ``spend_id`` took (sync/hq/credit_notes.py ``release``)."""
        with self.engine.begin() as conn:
            return credit_notes.release(conn, spend_id=spend_id, code=code, reason=reason,
                                        store_id=who.store_id, terminal_id=who.terminal_id, at=now_iso())

    def credit_note_balance(self, code: str) -> tuple[int, int]:
        """``(amount, remaining)`` of a note, or :class:`credit_notes.CreditRefused`."""
        with self.engine.connect() as conn:
            return credit_notes.balance(conn, code)

    @staticmethod
    def _check_origin(who: TerminalIdentity, sale: dict) -> None:
        if sale["store_id"] != who.store_id or sale["terminal_id"] != who.terminal_id:
            raise PayloadError(f"sale belongs to {sale['store_id']}/{sale['terminal_id']}, "
                               f"not to this terminal {who.store_id}/{who.terminal_id}")

    @staticmethod
    def _check_return(conn: Connection, ret: dict, refunded: dict[str, int],
                      batch_sales: list[dict], batch_returns: list[dict]) -> tuple[dict, list[dict], str | None]:
        """A return refers to a sale of the same terminal that HQ already has (events arrive
        in the terminal's order, so the sale came first), is not a return HQ already has
        under another event, and refunds at most what is left of the sale, of each of its
        lines (quantity and money) and of each of its tenders."""
        sale: Any = conn.execute(select(t.sales.c.store_id, t.sales.c.terminal_id, t.sales.c.total_minor,
                                        t.sales.c.payload)
                                 .where(t.sales.c.sale_id == ret["sale_id"])).first()
        if sale is None:  # accepted earlier in this same batch?
            sale = next((SimpleNamespace(**row) for row in batch_sales
                         if row["sale_id"] == ret["sale_id"]), None)
        if sale is None:
            raise PayloadError(f"return of sale {ret['sale_id']} that HQ has not received")
        if (sale.store_id, sale.terminal_id) != (ret["store_id"], ret["terminal_id"]):
            raise PayloadError(f"sale {ret['sale_id']} was not made on this terminal")
        if any(r["return_id"] == ret["return_id"] for r in batch_returns) or conn.scalar(
                select(t.returns.c.return_id).where(t.returns.c.return_id == ret["return_id"])) is not None:
            raise PayloadError(f"return {ret['return_id']} was already received in another event")
        if ret["sale_id"] not in refunded:
            refunded[ret["sale_id"]] = int(conn.scalar(
                select(func.coalesce(func.sum(t.returns.c.refund_minor), 0))
                .where(t.returns.c.sale_id == ret["sale_id"])) or 0)
        if refunded[ret["sale_id"]] + ret["refund_minor"] > sale.total_minor:
            raise PayloadError(f"return refunds more than is left of sale {ret['sale_id']} "
                               f"({sale.total_minor - refunded[ret['sale_id']]} of {sale.total_minor})")
        earlier = [json.loads(p) for p in conn.scalars(
            select(t.returns.c.payload).where(t.returns.c.sale_id == ret["sale_id"]))]
        earlier += [json.loads(r["payload"]) for r in batch_returns if r["sale_id"] == ret["sale_id"]]
        payload = json.loads(sale.payload)
        original = original_from_sale(f"sale:{ret['sale_id']}", sale.store_id, payload)
        problem = own_return_problem(original, earlier, ret)
        if problem is None:  # a store credit part goes back to a note that paid, at most what it paid
            problem = credit_notes.refund_problem(conn, ret["sale_id"], payload, ret)
        if problem is None and ret.get("exchange"):  # its new sale came first, in its own event
            new_id = ret["exchange"]["sale_id"]
            row = conn.scalar(select(t.sales.c.payload).where(t.sales.c.sale_id == new_id))
            row = row or next((r["payload"] for r in batch_sales if r["sale_id"] == new_id), None)
            problem = exchange_problem(ret, json.loads(row) if row else None)
        if problem is not None:
            raise PayloadError(problem)
        # Other stores' returns of this sale that hold its goods: the same goods refunded here
        # too is kept as a conflict for the manager, not refused (the till paid it already).
        ref = f"sale:{ret['sale_id']}"
        ReturnablesService.lock_original(conn, ref)  # one at a time with another store's reservation
        held = held_elsewhere(conn, ref, now_iso())
        crossed = own_return_problem(original, [*earlier, *held], ret) if held else None
        return payload, earlier, crossed  # the sale and its earlier returns, for the points

    # -- change feeds -------------------------------------------------------
    def publish(self, dataset: str, key: str, data: dict | None, *, scope: str = "*") -> int:
        """Upsert (``data``) or delete (``None``) one row; returns its change sequence."""
        return self.publish_many(dataset, [(key, data)], scope=scope)

    def publish_many(self, dataset: str, rows: list[tuple[str, dict | None]], *, scope: str = "*") -> int:
        """Upsert or delete many rows in one transaction; returns the highest change sequence.

        Rows are stored as the JSON text the feed serves (:meth:`changes_json` splices it
        in as it is), so a value JSON cannot carry (NaN, infinity) is refused here.
        """
        if dataset not in DATASETS:
            raise KeyError(f"unknown dataset {dataset!r}")
        if DATASETS[dataset] == (scope == "*"):
            raise ValueError(f"dataset {dataset!r} needs {'a store' if DATASETS[dataset] else 'the *'} scope")
        encoded: list[tuple[str, str | None]] = []
        for key, data in rows:
            if data is not None:
                validate_row(dataset, key, data)
            encoded.append((key, None if data is None else
                            json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))))
        with self.engine.begin() as conn:
            # One counter update reserves a block of numbers and holds the row lock to commit.
            high = conn.execute(update(t.counters).where(t.counters.c.name == "change_seq").values(
                value=t.counters.c.value + len(rows)).returning(t.counters.c.value)).scalar_one()
            seq = high - len(rows)
            keys = [k for k, _ in rows]
            present = set()
            for start in range(0, len(keys), 500):
                present |= set(conn.scalars(select(t.dataset_rows.c.key).where(
                    t.dataset_rows.c.dataset == dataset, t.dataset_rows.c.scope == scope,
                    t.dataset_rows.c.key.in_(keys[start:start + 500]))))
            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            for key, text_ in encoded:
                seq += 1
                row = {"dataset": dataset, "scope": scope, "key": key, "change_seq": seq,
                       "deleted": text_ is None, "data": text_}
                (updates if key in present else inserts).append(row)
                present.add(key)
            if inserts:
                conn.execute(insert(t.dataset_rows), inserts)
            if updates:  # one executemany, in order (a key repeated in ``rows`` ends at its last seq)
                conn.execute(update(t.dataset_rows).where(
                    t.dataset_rows.c.dataset == bindparam("b_dataset"),
                    t.dataset_rows.c.scope == bindparam("b_scope"),
                    t.dataset_rows.c.key == bindparam("b_key")).values(
                        change_seq=bindparam("change_seq"), deleted=bindparam("deleted"),
                        data=bindparam("data")),
                    [{"b_dataset": r["dataset"], "b_scope": r["scope"], "b_key": r["key"],
                      "change_seq": r["change_seq"], "deleted": r["deleted"], "data": r["data"]}
                     for r in updates])
        return high

    def reset_dataset(self, dataset: str) -> None:
        """Force every terminal to drop ``dataset`` and refetch it from a snapshot."""
        with self.engine.begin() as conn:
            found = conn.execute(update(t.dataset_epochs).where(t.dataset_epochs.c.dataset == dataset)
                                 .values(epoch=t.dataset_epochs.c.epoch + 1)).rowcount
            if not found:
                conn.execute(insert(t.dataset_epochs).values(dataset=dataset, epoch=1))

    def changes(self, who: TerminalIdentity, dataset: str, cursor: str | None, limit: int) -> dict:
        """One page of ``dataset`` after ``cursor`` (empty: snapshot bootstrap), decoded."""
        page = self._feed_page(who, dataset, cursor, limit)
        return {"dataset": dataset, "reset": page.reset,
                "changes": [{"seq": seq, "key": key, "op": "delete" if deleted else "upsert",
                             "data": None if deleted or data is None else json.loads(data)}
                            for seq, key, deleted, data in page.rows],
                "cursor": page.cursor, "has_more": page.has_more}

    def changes_json(self, who: TerminalIdentity, dataset: str, cursor: str | None, limit: int) -> bytes:
        """The same page as the UTF-8 JSON body the API sends.

        Rows are kept as JSON text written by :meth:`publish_many`, so they are spliced in
        as they are: decoding and re-encoding them was most of HQ's time in a bootstrap.
        """
        page = self._feed_page(who, dataset, cursor, limit)
        dumps = json.dumps
        items = [f'{{"seq":{seq},"key":{dumps(key, ensure_ascii=False)},"op":"delete","data":null}}'
                 if deleted else
                 f'{{"seq":{seq},"key":{dumps(key, ensure_ascii=False)},"op":"upsert","data":{data}}}'
                 for seq, key, deleted, data in page.rows]
        head = (f'{{"dataset":{dumps(dataset)},"reset":{"true" if page.reset else "false"},'
                f'"cursor":{dumps(page.cursor)},"has_more":{"true" if page.has_more else "false"},'
                '"changes":[')
        return (head + ",".join(items) + "]}").encode()

    def _feed_page(self, who: TerminalIdentity, dataset: str, cursor: str | None, limit: int) -> FeedPage:
        """Keyset paging on ``change_seq`` (index ``dataset, change_seq``), Core rows only.

        The cursor is ``epoch:after:snapshot_high``; ``snapshot_high`` is non-zero while a
        snapshot is being paged, so old tombstones are left out of it.
        """
        if dataset not in DATASETS:
            raise KeyError(dataset)
        if not 1 <= limit <= MAX_PAGE:
            raise RequestError(f"limit must be from 1 to {MAX_PAGE}")
        rows_t = t.dataset_rows.c
        with self.engine.connect() as conn:
            ds_epoch = conn.scalar(select(t.dataset_epochs.c.epoch).where(
                t.dataset_epochs.c.dataset == dataset)) or 0
            epoch = f"{ds_epoch}.{who.reset_epoch}"
            if cursor:
                try:
                    cur_epoch, after_s, snap_s = cursor.split(":")
                    after, snapshot_high = _cursor_int(after_s), _cursor_int(snap_s)
                except ValueError:
                    raise RequestError("malformed cursor") from None
                if cur_epoch != epoch:
                    return FeedPage(rows=[], cursor=None, has_more=True, reset=True)
            else:
                after = 0
                snapshot_high = conn.scalar(select(t.counters.c.value).where(
                    t.counters.c.name == "change_seq")) or 0
            scopes = [who.store_id] if DATASETS[dataset] else ["*"]
            query = select(rows_t.change_seq, rows_t.key, rows_t.deleted, rows_t.data).where(
                rows_t.dataset == dataset, rows_t.scope.in_(scopes), rows_t.change_seq > after)
            if snapshot_high:
                # Bootstrap: tombstones older than the snapshot are of no use to an empty terminal.
                query = query.where((rows_t.deleted == False) |
                                    (rows_t.change_seq > snapshot_high))
            rows = [tuple(r) for r in conn.execute(query.order_by(rows_t.change_seq).limit(limit + 1))]
        has_more = len(rows) > limit
        rows = rows[:limit]
        last = rows[-1][0] if rows else after
        if not has_more and snapshot_high and last < snapshot_high:
            last = snapshot_high
        done_snapshot = snapshot_high and (not has_more) and last >= snapshot_high
        return FeedPage(rows=rows, cursor=f"{epoch}:{last}:{0 if done_snapshot else snapshot_high}",
                        has_more=has_more)

    # -- admin --------------------------------------------------------------
    def list_sales(self, store_id: str | None = None) -> list[dict]:
        """Every sale with ``refunded_minor``, what its returns refunded so far."""
        refunds = select(t.returns.c.sale_id, func.sum(t.returns.c.refund_minor).label("refunded")) \
            .group_by(t.returns.c.sale_id).subquery()
        # SUM over BIGINT is NUMERIC on PostgreSQL (a Decimal in Python): money comes back as int.
        refunded = cast(func.coalesce(refunds.c.refunded, 0), BigInteger).label("refunded_minor")
        query = select(t.sales, refunded) \
            .outerjoin(refunds, refunds.c.sale_id == t.sales.c.sale_id) \
            .order_by(t.sales.c.store_id, t.sales.c.terminal_id, t.sales.c.seq)
        if store_id:
            query = query.where(t.sales.c.store_id == store_id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def list_returns(self, store_id: str | None = None, sale_id: str | None = None) -> list[dict]:
        """Returns as received (payload decoded), in terminal order."""
        query = select(t.returns).order_by(t.returns.c.store_id, t.returns.c.terminal_id,
                                           t.returns.c.seq)
        if store_id:
            query = query.where(t.returns.c.store_id == store_id)
        if sale_id:
            query = query.where(t.returns.c.sale_id == sale_id)
        with self.engine.connect() as conn:
            return [{**r._mapping, "payload": json.loads(r.payload)} for r in conn.execute(query)]

    def sales_summary(self) -> tuple[int, int]:
        with self.engine.connect() as conn:
            row = conn.execute(select(func.count(), func.coalesce(func.sum(t.sales.c.total_minor), 0))
                               .select_from(t.sales)).one()
        return int(row[0]), int(row[1])

    def shift_events(self, shift_id: str | None = None) -> list[dict]:
        """Shift events as received (payload decoded), in terminal order."""
        query = select(t.shift_events).order_by(t.shift_events.c.store_id,
                                                t.shift_events.c.terminal_id, t.shift_events.c.seq)
        if shift_id:
            query = query.where(t.shift_events.c.shift_id == shift_id)
        with self.engine.connect() as conn:
            return [{**r._mapping, "payload": json.loads(r.payload)} for r in conn.execute(query)]

    def rejections(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(t.rejections).order_by(t.rejections.c.id))]


def _envelope(item: Any) -> tuple[str, int, str, int, Any] | str:
    """(event_id, seq, kind, schema_version, payload) or the reason it is malformed."""
    if not isinstance(item, dict):
        return "not an object"
    eid = item.get("event_id")
    try:
        if not isinstance(eid, str) or str(uuid.UUID(eid)) != eid.lower():
            return "event_id must be a UUID"
    except ValueError:
        return "event_id must be a UUID"
    seq, version, kind = item.get("seq"), item.get("schema_version"), item.get("kind")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= INT64_MAX:
        return "seq must be a positive 64-bit integer"
    if isinstance(version, bool) or not isinstance(version, int) or not 0 <= version <= 2**31 - 1:
        return "schema_version must be an integer"
    if not isinstance(kind, str) or not kind or len(kind) > 64:
        return "kind must be a string of at most 64 characters"
    hostile = _hostile(item)
    if hostile:
        return hostile
    return eid, seq, kind, version, item.get("payload")


def _hostile(item: dict) -> str | None:
    """What no database column can hold, found without recursion: an integer beyond 64 bits,
    text that is not valid Unicode (a lone surrogate), nesting deeper than :data:`MAX_DEPTH`."""
    stack: list[tuple[Any, int]] = [(item, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            if depth >= MAX_DEPTH:
                return f"nested deeper than {MAX_DEPTH} levels"
            stack.extend((v, depth + 1) for v in value.values())
            stack.extend((k, depth + 1) for k in value)
        elif isinstance(value, list):
            if depth >= MAX_DEPTH:
                return f"nested deeper than {MAX_DEPTH} levels"
            stack.extend((v, depth + 1) for v in value)
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int) and not -INT64_MAX - 1 <= value <= INT64_MAX:
            return "integer out of the 64-bit range"
        elif isinstance(value, str) and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return "text is not valid Unicode (lone surrogate)"
    return None


def _printable(text: str) -> str:
    """``text`` made safe to store and to send back as UTF-8 (lone surrogates escaped)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _cursor_int(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) > INT64_MAX:
        raise ValueError(text)
    return int(text)
