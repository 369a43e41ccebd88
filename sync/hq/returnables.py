"""HQ as the authority on what is still returnable, across every store and the online shop.

A return first *reserves* what it takes back, by its own id: the quantities per line, the
money per line and the money per tender. The reservation is checked against the original
(a store sale or an online order) and against every other reservation of that original,
under a lock on the original, so two stores returning the same line at the same moment
cannot both succeed. Then the return is *confirmed* (the refund went through) or
*released* (it did not). Reserving again with the same id and the same content gives the
same answer (a retry after a lost response); the same id with other content is refused.

Limits, each a refusal with its code: a line's returned quantity never exceeds what was
sold, a line's refunds never exceed its net paid, a tender's refunds never exceed what it
paid. A return that arrives already refunded (made offline with a receipt QR) and no
longer fits is recorded as a conflict for the manager instead of being lost.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (BigInteger, Column, Connection, Engine, Index, Integer, String, Table, Text, and_, insert,
                        or_, select, update)
from sqlalchemy.exc import IntegrityError

from sync.hq import return_effects, return_issues  # (return_issues: the conflicts, for the manager)
from sync.hq.schema import metadata
from sync.hq.schema import returns as own_returns_table

log = logging.getLogger(__name__)

heads = Table(
    "hq_returnable_heads", metadata,
    Column("original_ref", String(80), primary_key=True),
    Column("version", BigInteger, nullable=False),  # bumped by every reservation: the lock
)

reservations = Table(
    "hq_return_reservations", metadata,
    Column("return_id", String(64), primary_key=True),
    Column("original_ref", String(80), nullable=False),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("state", String(16), nullable=False),  # reserved / confirmed / released
    Column("content", String(64), nullable=False),  # hash of what was asked: a retry must match
    Column("lines", Text, nullable=False),  # {line_no: [qty, refund_fen]}
    Column("tenders", Text, nullable=False),  # {method: fen}
    Column("created_at", String(40), nullable=False),
    Index("ix_hq_return_reservations_original", "original_ref", "state"),
)

conflict_rows = Table(
    "hq_return_conflicts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("return_id", String(64), nullable=False, unique=True),
    Column("original_ref", String(80), nullable=False),
    Column("store_id", String(32), nullable=False),
    Column("code", String(48), nullable=False),
    Column("detail", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
)

RESERVED, CONFIRMED, RELEASED = "reserved", "confirmed", "released"
#: A reservation neither confirmed nor released within this long holds nothing any more: the
#: till that made it died before its own transaction, or could not reach HQ to release it
#: (a return it did take confirms through its ``return.taken`` event, which reserves again).
STALE_AFTER = timedelta(minutes=30)


class ReturnRefused(ValueError):
    """``code`` for the till's translated message; ``line_no`` / ``method`` name the culprit."""

    def __init__(self, code: str, message: str, *, line_no: int | None = None, method: str | None = None) -> None:
        super().__init__(message)
        self.code, self.line_no, self.method = code, line_no, method


@dataclass(frozen=True)
class OriginalLine:
    line_no: int
    sku: str
    qty: int
    net_fen: int


@dataclass(frozen=True)
class Original:
    """A sale or an online order as HQ holds it: ``ref`` is ``sale:<id>`` or ``order:<id>``."""

    ref: str
    store_id: str | None  # None: an online order, returnable in any store
    lines: Mapping[int, OriginalLine]
    tenders: Mapping[str, int]  # method -> net paid (cash net of change)


@dataclass(frozen=True)
class ReturnAsk:
    return_id: str
    original_ref: str
    store_id: str
    terminal_id: str
    lines: Mapping[int, tuple[int, int]]  # line_no -> (qty, refund_fen)
    tenders: Mapping[str, int] = field(default_factory=dict)  # method -> refund fen

    def content(self) -> str:
        data = {"o": self.original_ref, "l": sorted((k, *v) for k, v in self.lines.items()),
                "t": sorted(self.tenders.items())}
        return hashlib.sha256(json.dumps(data, separators=(",", ":")).encode()).hexdigest()


@dataclass(frozen=True)
class LineStatus:
    line_no: int
    sku: str
    sold: int
    returned: int  # reserved or confirmed
    refunded_fen: int
    net_fen: int

    @property
    def returnable(self) -> int:
        return self.sold - self.returned


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class ReturnablesService:
    """``load_original(conn, ref)`` finds the original (a store sale, an online order)."""

    def __init__(self, engine: Engine, load_original: Callable[[Connection, str], Original | None], *,
                 now: Callable[[], str] | None = None) -> None:
        self.engine = engine
        self._load = load_original
        self._now = now or _now
        metadata.create_all(engine, tables=[heads, reservations, conflict_rows, own_returns_table,
                                            return_effects.effects, *return_effects.dependencies])

    def status(self, ref: str) -> tuple[Original, dict[int, LineStatus], dict[str, int]]:
        """The original, each line's sold / returned / refunded, and each tender's refunded."""
        with self.engine.connect() as conn:
            original = self._load(conn, ref)
            if original is None:
                raise ReturnRefused("return.unknown_original", f"no sale or order {ref}")
            taken, refunded_lines, refunded_tenders = self._taken(conn, ref)
        lines = {n: LineStatus(n, line.sku, line.qty, taken.get(n, 0), refunded_lines.get(n, 0), line.net_fen)
                 for n, line in original.lines.items()}
        return original, lines, refunded_tenders

    def _stale_before(self) -> str:
        return (datetime.fromisoformat(self._now()) - STALE_AFTER).isoformat(timespec="seconds")

    def _taken(self, conn: Connection, ref: str, *, but: str | None = None
               ) -> tuple[dict[int, int], dict[int, int], dict[str, int]]:
        """What the confirmed and the live reservations of ``ref`` hold (not ``but``'s), and
        the selling till's own returns of it: a line its own till took back is not
        returnable at another store either."""
        r = reservations.c
        query = select(r.lines, r.tenders).where(r.original_ref == ref, holding(self._stale_before()))
        if but is not None:
            query = query.where(r.return_id != but)
        held = [(json.loads(row.lines), json.loads(row.tenders)) for row in conn.execute(query)]
        return taken_sums([*held, *own_returns(conn, ref)])

    def reserve(self, ask: ReturnAsk) -> str:
        """Reserve ``ask`` or refuse it whole; returns the reservation's state (a retry of a
        confirmed return says ``confirmed``)."""
        check_shape(ask)
        content = ask.content()
        for _attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    seen = conn.execute(select(reservations).where(reservations.c.return_id == ask.return_id)).first()
                    if seen is not None:
                        if seen.content != content:
                            raise ReturnRefused("return.id_reused", f"return {ask.return_id} was asked with other content")
                        if seen.state == CONFIRMED or (seen.state == RESERVED
                                                       and seen.created_at >= self._stale_before()):
                            return str(seen.state)
                    # new, or released / gone stale (it held nothing): reserve now, if it fits
                    self.lock_original(conn, ask.original_ref)
                    original = self._load(conn, ask.original_ref)
                    if original is None:
                        raise ReturnRefused("return.unknown_original", f"no sale or order {ask.original_ref}")
                    check_fits(original, ask, *self._taken(conn, ask.original_ref, but=ask.return_id))
                    # points and coupons, planned under the lock after every return that holds
                    return_effects.plan(conn, original, ask, self._holding_ids(conn, ask.original_ref, ask.return_id))
                    if seen is not None:
                        conn.execute(update(reservations).where(reservations.c.return_id == ask.return_id)
                                     .values(state=RESERVED, created_at=self._now()))
                        return RESERVED
                    conn.execute(insert(reservations).values(
                        return_id=ask.return_id, original_ref=ask.original_ref, store_id=ask.store_id,
                        terminal_id=ask.terminal_id, state=RESERVED, content=content,
                        lines=json.dumps({str(k): list(v) for k, v in sorted(ask.lines.items())}),
                        tenders=json.dumps(dict(sorted(ask.tenders.items()))), created_at=self._now()))
                    return RESERVED
            except IntegrityError:
                continue  # the same return id (or the head row) raced in: read it again
        raise ReturnRefused("return.busy", "could not reserve; try again")

    def _holding_ids(self, conn: Connection, ref: str, but: str) -> list[str]:
        r = reservations.c
        return list(conn.scalars(select(r.return_id).where(r.original_ref == ref, r.return_id != but,
                                                           holding(self._stale_before()))))

    def effects(self, return_id: str) -> return_effects.Effects:
        """The points and coupons of a return as planned (posted once it is confirmed)."""
        return return_effects.effects_of(self.engine, return_id)

    @staticmethod
    def lock_original(conn: Connection, ref: str) -> None:
        """Bump the original's head row: PostgreSQL holds its row lock to the end of the
        transaction, so a second reservation of this original waits for the first."""
        bumped = conn.execute(update(heads).where(heads.c.original_ref == ref).values(version=heads.c.version + 1))
        if not bumped.rowcount:
            conn.execute(insert(heads).values(original_ref=ref, version=1))

    def _move(self, return_id: str, target: str) -> str:
        with self.engine.begin() as conn:
            row = conn.execute(select(reservations.c.state, reservations.c.created_at, reservations.c.original_ref,
                                      reservations.c.tenders, reservations.c.store_id, reservations.c.terminal_id)
                               .where(reservations.c.return_id == return_id)).first()
            if row is None:
                raise ReturnRefused("return.unknown", f"no reservation {return_id}")
            if row.state == target:
                return target
            if row.state != RESERVED:
                raise ReturnRefused("return.bad_state", f"return {return_id} is {row.state}, not {RESERVED}")
            if target == CONFIRMED and row.created_at < self._stale_before():
                # it held nothing for a while: another store may have taken the goods since
                raise ReturnRefused("return.expired", f"reservation {return_id} expired; reserve it again")
            conn.execute(update(reservations).where(reservations.c.return_id == return_id).values(state=target))
            if target == CONFIRMED:
                return_effects.post(conn, return_id)  # points and coupons, with the confirmation
                self._credit_back(conn, return_id, row)
        return target

    @staticmethod
    def _credit_back(conn: Connection, return_id: str, row: Any) -> None:
        """A store sale's store credit part back onto its notes, with the confirmation."""
        tenders = json.loads(row.tenders)
        if not tenders.get("store_credit"):
            return
        from sync.hq import credit_notes

        short = credit_notes.refund_taken(conn, return_id, row.original_ref, tenders, store_id=row.store_id,
                                          terminal_id=row.terminal_id, at=_now())
        if short:
            log.warning("return %s: %s fen of its store credit part found no note to go back to", return_id, short)

    def confirm(self, return_id: str) -> str:
        """The refund went through: the reservation stands for good (idempotent)."""
        return self._move(return_id, CONFIRMED)

    def release(self, return_id: str) -> str:
        """The refund did not happen: give the quantities and money back (idempotent)."""
        return self._move(return_id, RELEASED)

    def take_refunded(self, ask: ReturnAsk) -> str:
        """A return that was refunded already (offline, from a receipt QR): reserve and confirm
        it; if it no longer fits, keep it as a conflict for the manager (never dropped)."""
        try:
            self.reserve(ask)
        except ReturnRefused as exc:
            if exc.code == "return.id_reused":
                raise
            try:
                with self.engine.begin() as conn:
                    at = _now()
                    conn.execute(insert(conflict_rows).values(
                        return_id=ask.return_id, original_ref=ask.original_ref, store_id=ask.store_id,
                        code=exc.code, detail=str(exc), created_at=at))
                    return_issues.publish_conflict(conn, ask, exc.code, self._load(conn, ask.original_ref), at)
            except IntegrityError:
                pass  # recorded already (a retry)
            return "conflict"
        return self.confirm(ask.return_id)

    def conflicts(self, store_id: str | None = None) -> list[dict[str, Any]]:
        query = select(conflict_rows).order_by(conflict_rows.c.id)
        if store_id is not None:
            query = query.where(conflict_rows.c.store_id == store_id)
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]


def own_returns(conn: Connection, ref: str) -> list[tuple[dict[str, list[int]], dict[str, int]]]:
    """The selling till's own returns (``return.completed``) of the store sale ``ref``, as
    :func:`taken_sums` reads a reservation: ``{line_no: [qty, refund_fen]}``, ``{method: fen}``."""
    return own_returns_by_ref(conn, [ref]).get(ref, [])


def own_returns_by_ref(conn: Connection, refs: Iterable[str]
                       ) -> dict[str, list[tuple[dict[str, list[int]], dict[str, int]]]]:
    """:func:`own_returns` of many originals in one query (online orders have none)."""
    sale_ids = [ref.partition(":")[2] for ref in refs if ref.startswith("sale:") and ref.partition(":")[2]]
    out: dict[str, list[tuple[dict[str, list[int]], dict[str, int]]]] = {}
    if not sale_ids:
        return out
    c = own_returns_table.c
    for sale_id, payload in conn.execute(select(c.sale_id, c.payload).where(c.sale_id.in_(sale_ids))):
        ret = json.loads(payload)
        lines: dict[str, list[int]] = {}
        for line in ret["lines"]:
            q, fen = lines.get(str(line["line_no"]), [0, 0])
            lines[str(line["line_no"])] = [q + int(line["qty"]), fen + int(line["refund_minor"])]
        tenders: dict[str, int] = {}
        for tender in ret["tenders"]:
            tenders[tender["method"]] = tenders.get(tender["method"], 0) + int(tender["amount_minor"])
        out.setdefault(f"sale:{sale_id}", []).append((lines, tenders))
    return out


def held_elsewhere(conn: Connection, ref: str, now: str) -> list[dict[str, Any]]:
    """The reservations of ``ref`` that hold its goods now (other stores' returns of a store
    sale), shaped as ``return.completed`` payloads for :func:`own_return_problem`."""
    stale_before = (datetime.fromisoformat(now) - STALE_AFTER).isoformat(timespec="seconds")
    r = reservations.c
    rows = conn.execute(select(r.lines, r.tenders).where(r.original_ref == ref, holding(stale_before)))
    return [{"lines": [{"line_no": int(n), "qty": q, "refund_minor": fen}
                       for n, (q, fen) in json.loads(row.lines).items()],
             "tenders": [{"method": m, "amount_minor": fen} for m, fen in json.loads(row.tenders).items()]}
            for row in rows]


def record_own_conflict(conn: Connection, ret: Mapping[str, Any], store_id: str, terminal_id: str,
                        original: Original, detail: str, at: str) -> None:
    """A selling till's own return (taken offline, or before its till heard of another
    store's) of goods another store's return holds already: the money is out twice. The
    event is taken (the till did refund it); the manager is told, as for any conflict."""
    ask = ReturnAsk(str(ret["return_id"]), original.ref, store_id, terminal_id,
                    {int(x["line_no"]): (int(x["qty"]), int(x["refund_minor"])) for x in ret["lines"]},
                    {})
    # once: the event that carries the return is taken once (a resend is answered from its ack)
    conn.execute(insert(conflict_rows).values(
        return_id=ask.return_id, original_ref=ask.original_ref, store_id=store_id,
        code="return.already_returned", detail=detail, created_at=at))
    return_issues.publish_conflict(conn, ask, "return.already_returned", original, at)


def load_store_sale(conn: Connection, ref: str) -> Original | None:
    """``sale:<id>``: a store sale as HQ received it (payload v3), cash net of the change."""
    from sync.hq import schema as t

    kind, _, sale_id = ref.partition(":")
    if kind != "sale" or not sale_id:
        return None
    row = conn.execute(select(t.sales.c.store_id, t.sales.c.payload).where(t.sales.c.sale_id == sale_id)).first()
    if row is None:
        return None
    return original_from_sale(ref, str(row.store_id), json.loads(row.payload))


# -- the money rules (pure: tests/unit/sync/test_returnable_rules.py) ---------------------------
def check_shape(ask: ReturnAsk) -> None:
    """Refuse a return that is not well formed: an id, at least one line, whole quantities
    above 0 and refunds of at least 0 per line, tenders above 0 that add up to the lines."""
    if not ask.return_id or len(ask.return_id) > 64 or not ask.lines:
        raise ReturnRefused("return.nothing_selected", "a return needs an id and at least one line")
    for line_no, (qty, fen) in ask.lines.items():
        if not (_is_count(line_no) and _is_count(qty) and _is_count(fen)) or qty <= 0 or fen < 0:
            raise ReturnRefused("return.bad_quantity", f"line {line_no}: quantity and refund", line_no=line_no)
    for method, fen in ask.tenders.items():
        if not _is_count(fen) or fen <= 0:
            raise ReturnRefused("return.bad_amount", f"tender {method}: amount", method=method)
    if sum(ask.tenders.values()) != sum(fen for _qty, fen in ask.lines.values()):
        raise ReturnRefused("return.tenders_mismatch", "the tenders do not add up to the line refunds")


def check_fits(original: Original, ask: ReturnAsk, taken: Mapping[int, int], refunded: Mapping[int, int],
               by_tender: Mapping[str, int]) -> None:
    """Refuse ``ask`` unless it fits what the other reservations of ``original`` left: per
    line the quantity sold (``taken``) and the net paid (``refunded``), per tender what it
    paid (``by_tender``)."""
    for line_no, (qty, fen) in sorted(ask.lines.items()):
        line = original.lines.get(line_no)
        if line is None:
            raise ReturnRefused("return.unknown_line", f"line {line_no} is not on {original.ref}", line_no=line_no)
        if taken.get(line_no, 0) + qty > line.qty:
            code = "return.already_returned" if taken.get(line_no, 0) >= line.qty else "return.above_returnable"
            raise ReturnRefused(code, f"line {line_no}: {qty} asked, {line.qty - taken.get(line_no, 0)} returnable",
                                line_no=line_no)
        if refunded.get(line_no, 0) + fen > line.net_fen:
            raise ReturnRefused("return.refund_above_paid",
                                f"line {line_no}: refunds would pass the {line.net_fen} fen paid", line_no=line_no)
    for method, fen in sorted(ask.tenders.items()):
        paid = original.tenders.get(method, 0)
        if by_tender.get(method, 0) + fen > paid:  # points: more points back than were spent
            raise ReturnRefused("return.points_above_paid" if method == "points" else "return.tender_above_paid",
                                f"{method}: refunds would pass the {paid} fen it paid", method=method)


def own_return_problem(original: Original, earlier: Iterable[Mapping[str, Any]],
                       ret: Mapping[str, Any]) -> str | None:
    """Why a till's return of its own sale (``return.completed``) cannot be right, or None:
    a line the sale does not have (or of another SKU), more of a line than is left of it,
    more money on a line than it paid, more on a tender than it paid. ``earlier``: the
    sale's returns HQ already has. The till computes the same; HQ does not take its word."""
    qty: dict[int, int] = {}
    money: dict[int, int] = {}
    paid_back: dict[str, int] = {}
    for done in earlier:
        for line in done["lines"]:
            qty[line["line_no"]] = qty.get(line["line_no"], 0) + line["qty"]
            money[line["line_no"]] = money.get(line["line_no"], 0) + line["refund_minor"]
        for tender in done["tenders"]:
            paid_back[tender["method"]] = paid_back.get(tender["method"], 0) + tender["amount_minor"]
    for line in ret["lines"]:
        n = line["line_no"]
        sold = original.lines.get(n)
        if sold is None or sold.sku != line["sku"]:
            return f"line {n} ({line['sku']}) is not a line of sale {original.ref}"
        if qty.get(n, 0) + line["qty"] > sold.qty:
            return (f"line {n}: returns {line['qty']} where {sold.qty - qty.get(n, 0)} "
                    f"of {sold.qty} are left")
        if money.get(n, 0) + line["refund_minor"] > sold.net_fen:
            return (f"line {n}: refunds {line['refund_minor']} where {sold.net_fen - money.get(n, 0)} "
                    f"of its {sold.net_fen} paid are left")
    now: dict[str, int] = {}
    for tender in ret["tenders"]:
        now[tender["method"]] = now.get(tender["method"], 0) + tender["amount_minor"]
    for method, amount in sorted(now.items()):
        paid = original.tenders.get(method, 0)
        if paid_back.get(method, 0) + amount > paid:
            return (f"tender {method}: refunds {amount} where {paid - paid_back.get(method, 0)} "
                    f"of {paid} paid are left")
    return None


def holding(stale_before: str) -> Any:
    """The reservations that hold their goods: confirmed ones, and reserved ones made since
    ``stale_before`` (one left reserved longer holds nothing: ``STALE_AFTER``)."""
    r = reservations.c
    return or_(r.state == CONFIRMED, and_(r.state == RESERVED, r.created_at >= stale_before))


def taken_sums(reserved: Iterable[tuple[Mapping[str, Sequence[int]], Mapping[str, int]]]
               ) -> tuple[dict[int, int], dict[int, int], dict[str, int]]:
    """What the reservations of one original took, from each one's lines ``{line_no: [qty,
    refund_fen]}`` (line numbers as JSON keys) and tenders ``{method: fen}``: per line the
    quantity and the money, per tender the money."""
    qty: dict[int, int] = {}
    money: dict[int, int] = {}
    tenders: dict[str, int] = {}
    for lines, paid in reserved:
        for line_no, (q, fen) in lines.items():
            qty[int(line_no)] = qty.get(int(line_no), 0) + q
            money[int(line_no)] = money.get(int(line_no), 0) + fen
        for method, fen in paid.items():
            tenders[method] = tenders.get(method, 0) + fen
    return qty, money, tenders


def original_from_sale(ref: str, store_id: str, sale: Mapping[str, Any]) -> Original:
    """A store sale (payload v3) as a return sees it: each line's net paid, each tender's
    net payment (cash net of the change; a tender that netted to nothing is left out)."""
    lines = {int(line["line_no"]): OriginalLine(int(line["line_no"]), str(line["sku"]), int(line["qty"]),
                                                int(line.get("net_minor", line.get("line_total_minor", 0))))
             for line in sale.get("lines", []) if "line_no" in line}
    tenders: dict[str, int] = {}
    for pay in sale.get("payments", []):
        tenders[pay["method"]] = tenders.get(pay["method"], 0) + int(pay["amount_minor"])
    if sale.get("change_minor"):
        tenders["cash"] = tenders.get("cash", 0) - int(sale["change_minor"])
    return Original(ref, store_id, lines, {m: fen for m, fen in tenders.items() if fen > 0})
