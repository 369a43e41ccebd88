"""The pick-up service: online orders routed to this store, picked and handed over here
(docs/pickup.md).

HQ's view of each order is its ``online_orders`` row (``sync_rows``, pulled); this till's
own progress is ``pickup_progress``. A step HQ must know (picking started, ready, handed
over) is ONE transaction: the progress row, the outbox event and the audit entry. Scans
while picking only update the local counts. The effective state is HQ's when HQ has closed
the order (collected elsewhere, cancelled, not collected), else the further of HQ's and
this till's.

The hand-over checks its proof itself: a QR that HQ signed for this store and that has
not expired, or the 6-digit code with the phone's last 4 digits against the order's check
(store_client/domain/pickup_codes.py), so it works offline on the rows synced before.
Every refusal (wrong code, forged QR, another store's order, a cancelled order, a second
hand-over, an item not on the order, too many) is audited in its own transaction and
raised with its code; nothing else is written.

A step HQ refuses later (the event comes back rejected: e.g. handed over offline while HQ
cancelled, or another till handed it over first) lands on the manager's list
(``pickup_conflicts``) with HQ's reason code.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, NoReturn, TypeVar

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from store_client.clock import Clock, iso, parse_iso
from store_client.domain import barcodes as bc
from store_client.domain import pickup as pk
from store_client.domain import pickup_codes as codes
from store_client.domain.roles import Permission
from store_client.domain.stock import Movement, MovementReason
from store_client.persistence.db import Database
from store_client.persistence.models import (
    OutboxEvent,
    PickupConflict,
    PickupProgress,
    SyncCursor,
    SyncRow,
)
from store_client.services import aisle_state
from store_client.services import pickup_rows as rows
from store_client.services import stock
from store_client.services.auth import Actor
from store_client.services.errors import ServiceError
from store_client.services.pickup_views import (
    AISLE_SHORT,
    ConflictView,
    OrderView,
    PickResult,
    PickupFigures,
    QueueItem,
)
from sync.protocol.aisle_resolution_events import KINDS as AISLE_KINDS
from sync.protocol.events import PICKUP_KINDS
from sync.terminal import outbox, state

log = logging.getLogger(__name__)
DATASET = rows.DATASET
QR_SETTINGS_KEY = "pickup_qr"
OFFLINE_AFTER = timedelta(minutes=2)
QUEUE_STATES = (pk.ACCEPTED, pk.PICKING, pk.READY)
F = TypeVar("F", bound=Callable[..., Any])


class PickupRefused(ServiceError):
    """Bad input at picking or hand-over; audited, nothing else written."""


class _Refusal(Exception):
    """Raised where the refusal is found (maybe inside a transaction); :func:`_audited`
    audits it once that transaction is over and raises :class:`PickupRefused`."""

    def __init__(self, code: str, target: str, why: str, **details: Any) -> None:
        super().__init__(why)
        self.code, self.target, self.why, self.details = code, target, why, details


def _audited(method: F) -> F:
    @functools.wraps(method)
    def run(self: PickupService, actor: Actor, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, actor, *args, **kwargs)
        except _Refusal as exc:
            self._refuse(actor, exc.code, exc.target, exc.why, **exc.details)
    return run  # type: ignore[return-value]


class PickupService:
    def __init__(self, db: Database, clock: Clock, audit, authorizer, *, config,  # type: ignore[no-untyped-def]
                 print_queue=None) -> None:
        """``print_queue``: a queue, None, or a callable returning one (built off the UI
        thread); the pick-up slip is printed after the hand-over commits."""
        self.db, self.clock, self.audit, self.authorizer = db, clock, audit, authorizer
        self.config, self._print_queue = config, print_queue
        self.store_id, self.terminal_id = config.store_id, config.terminal_id
        # when each order's proof was first shown at the counter (QR or code), for the
        # counter wait; kept in memory: after a restart the wait counts from the hand-over
        self._found_at: dict[str, datetime] = {}

    # -- reading ------------------------------------------------------------------------------
    def queue(self) -> list[QueueItem]:
        """Open orders of this store (to pick, picking, ready) and those past their hold
        (to restock), soonest promise first."""
        now = self.clock.now()
        with self.db.read() as s:  # plain rows: every second while Pick-up is open
            local = {r.order_id: (r.state, r.picks) for r in s.execute(
                select(PickupProgress.order_id, PickupProgress.state, PickupProgress.picks))}
            texts = s.scalars(select(SyncRow.data).where(SyncRow.dataset == DATASET)).all()
            resolved = aisle_state.standing(s)  # a flagged order dealt with here (HQ has not refused it)
            refused = aisle_state.refusals(s)  # ... or HQ refused how it was dealt with: it is back
        items = []
        for text_ in texts:
            row = json.loads(text_)
            if row.get("store_id") != self.store_id:
                continue
            if row["order_id"] in resolved and (row.get("aisle") or {}).get("problem"):
                continue  # re-sourced or cancelled here; HQ's answer is on its way
            mine = local.get(row["order_id"])
            state_ = rows.further(row["state"], mine[0] if mine else None)
            if state_ not in QUEUE_STATES and state_ != pk.NOT_COLLECTED:
                continue
            picks = json.loads(mine[1]) if mine else {}
            done = sum(1 for line in row["lines"]
                       if (p := picks.get(str(line["line_no"]))) is not None
                       and (p.get("picked", 0) >= line["qty"] or p.get("short_reason")))
            promised = parse_iso(row["promised_at"])
            if (row.get("aisle") or {}).get("problem") and state_ in pk.OPEN:
                state_ = AISLE_SHORT  # nothing to pick: the till tells the customer (docs/stock.md)
            due_soon, overdue = pk.urgency(promised, now) if state_ in pk.STILL_TO_PICK else (False, False)
            items.append(QueueItem(
                row["order_id"], row["order_no"], state_, row["member"]["name"], promised,
                len(row["lines"]), done, due_soon=due_soon, overdue=overdue,
                refusal=refused.get(row["order_id"]) if state_ == AISLE_SHORT else None))
        items.sort(key=lambda i: (i.state == pk.NOT_COLLECTED, i.promised_at))
        return items

    def _all_views(self) -> list[OrderView]:
        with self.db.read() as s:
            progress = {p.order_id: p for p in s.scalars(select(PickupProgress))}
            return [rows.view(row, progress.get(row["order_id"])) for row in (
                json.loads(d) for d in s.scalars(select(SyncRow.data).where(
                    SyncRow.dataset == DATASET))) if row.get("store_id") == self.store_id]

    def order(self, order_id: str) -> OrderView:
        with self.db.read() as s:
            row = rows.load_row(s, order_id)
            if row is None:
                raise PickupRefused(f"Order {order_id} is not in this store's pick-up list.",
                                    code="pickup.unknown_order")
            view = rows.view(row, s.get(PickupProgress, order_id))
            return replace(view, aisle_refusal=aisle_state.refusals(s, order_id).get(order_id)) if view.aisle_problem else view

    # -- picking ------------------------------------------------------------------------------
    @_audited
    def start_picking(self, actor: Actor, order_id: str) -> OrderView:
        self.authorizer.require(actor, Permission.PICKUP_HANDOVER)
        with self.db.transaction() as s:
            row, progress = self._open(s, actor, order_id, (pk.ACCEPTED, pk.PICKING))
            if progress is None:
                progress = self._take_up(s, actor, order_id)
                if row["state"] == pk.ACCEPTED:
                    self._step(s, actor, "pickup.picking_started", row, {})
            return rows.view(row, progress)

    def _take_up(self, s: Session, actor: Actor, order_id: str) -> PickupProgress:
        """This till's progress row for an order it starts, or that another till started
        (HQ says picking): the counts start at zero here."""
        now = iso(self.clock.now())
        progress = PickupProgress(order_id=order_id, state=pk.PICKING, picks="{}",
                                  operator_id=actor.operator_id, started_at=now, updated_at=now)
        s.add(progress)
        return progress

    @_audited
    def scan_pick(self, actor: Actor, order_id: str, code: str) -> PickResult:
        """Count one scanned item (a weight label counts its grams) against its line."""
        self.authorizer.require(actor, Permission.PICKUP_HANDOVER)
        with self.db.read() as s:
            row = rows.load_row(s, order_id)
            found = self._resolve(s, code, row) if row else None
        if row is None:
            raise _Refusal("pickup.unknown_order", order_id, "no such order here")
        if found is None:
            raise _Refusal("pickup.not_on_order", order_id, f"{str(code)[:40]} is unknown",
                         item=str(code)[:40])
        sku, grams = found
        line = self._line_for(row, sku)
        if line is None:
            raise _Refusal("pickup.not_on_order", order_id, f"{sku} is not on the order",
                         item=sku)
        if line["unit"] == "kg" and grams is None:
            raise _Refusal("pickup.weigh_first", order_id,
                         f"{sku} is sold by weight: scan its scale label", item=sku)
        return self._add(actor, order_id, line["line_no"], grams or 1)

    @_audited
    def pick_quantity(self, actor: Actor, order_id: str, line_no: int, qty: int) -> PickResult:
        """Count ``qty`` more of a line (typed: units, or grams for a weighed line)."""
        self.authorizer.require(actor, Permission.PICKUP_HANDOVER)
        return self._add(actor, order_id, line_no, qty)

    @_audited
    def short(self, actor: Actor, order_id: str, line_no: int, reason: str) -> OrderView:
        """What is still missing on the line cannot be picked (out of stock, damaged)."""
        self.authorizer.require(actor, Permission.PICKUP_HANDOVER)
        if reason not in pk.SHORT_REASONS:
            raise _Refusal("pickup.reason_required", order_id, "short pick without reason")
        return self._edit(actor, order_id, line_no, lambda p, line: {**p, "short_reason": reason})

    @_audited
    def substitute(self, actor: Actor, order_id: str, line_no: int, code: str) -> OrderView:
        """Pick another product for a line, when the customer allowed substitutes."""
        self.authorizer.require(actor, Permission.PICKUP_HANDOVER)
        with self.db.read() as s:
            row = rows.load_row(s, order_id)
            found = self._resolve(s, code, None) if row else None
        if row is not None and not row["allow_substitution"]:
            raise _Refusal("pickup.substitution_not_allowed", order_id, "not allowed")
        if found is None:
            raise _Refusal("pickup.not_on_order", order_id, "unknown substitute",
                         item=str(code)[:40])

        def change(p: dict, line: dict) -> dict:
            return {**p, "substitute_sku": found[0], "short_reason": None,
                    "picked": line["qty"]}

        return self._edit(actor, order_id, line_no, change)

    @_audited
    def mark_ready(self, actor: Actor, order_id: str) -> OrderView:
        self.authorizer.require(actor, Permission.PICKUP_HANDOVER)
        with self.db.transaction() as s:
            row, progress = self._open(s, actor, order_id, (pk.PICKING,))
            progress = progress or self._take_up(s, actor, order_id)
            picks = rows.picks(progress, row)
            line_picks = {n: pk.LinePick(n, int(p.get("picked", 0)), p.get("short_reason"),
                                         p.get("substitute_sku")) for n, p in picks.items()}
            try:
                pk.check_ready({line["line_no"]: line["qty"] for line in row["lines"]}, line_picks)
            except pk.PickupRuleError as exc:
                raise _Refusal(exc.code, order_id, exc.message)
            progress.state, progress.ready_at = pk.READY, iso(self.clock.now())
            progress.updated_at = progress.ready_at
            self._step(s, actor, "pickup.ready", row, {"picks": [
                {"line_no": n, "picked": p.picked, "short_reason": p.short_reason,
                 "substitute_sku": p.substitute_sku} for n, p in sorted(line_picks.items())]})
            return rows.view(row, progress)

    # -- hand-over ---------------------------------------------------------------------------
    @_audited
    def find_by_qr(self, actor: Actor, qr: str) -> OrderView:
        self.authorizer.require(actor, Permission.PICKUP_HANDOVER)
        return self._found(self._proven(actor, qr=qr)[0])

    @_audited
    def find_by_code(self, actor: Actor, code: str, phone4: str) -> OrderView:
        self.authorizer.require(actor, Permission.PICKUP_HANDOVER)
        return self._found(self._proven(actor, code=code, phone4=phone4)[0])

    def _found(self, view: OrderView) -> OrderView:
        self._found_at.setdefault(view.order_id, self.clock.now())
        return view

    @_audited
    def hand_over(self, actor: Actor, order_id: str, *, qr: str | None = None,
                  code: str | None = None, phone4: str | None = None,
                  refused: dict[int, tuple[int, str]] | None = None,
                  proxy_name: str | None = None, proxy_id_tail: str | None = None) -> OrderView:
        """Hand the order over on its proof (the QR, or the code with the phone's last 4):
        one transaction with the ``pickup.handed_over`` event. ``refused``: line -> (qty,
        reason) the customer gives back at the counter (HQ refunds them)."""
        self.authorizer.require(actor, Permission.PICKUP_HANDOVER)
        view, method = self._proven(actor, qr=qr, code=code, phone4=phone4)
        if view.order_id != order_id:
            raise _Refusal("pickup.wrong_code", order_id, "proof is for another order")
        proxy = proxy_name is not None or proxy_id_tail is not None
        name = (proxy_name or "").strip()[:64]
        tail = (proxy_id_tail or "").strip().upper()
        if proxy and (not name or not (4 <= len(tail) <= 6) or not tail.isalnum()):
            raise _Refusal("pickup.proxy_details", order_id, "proxy without name or ID tail")
        refused = dict(refused or {})
        lines = {line.line_no: line for line in view.lines}
        for line_no, (qty, reason) in refused.items():
            if line_no not in lines:
                raise _Refusal("pickup.not_on_order", order_id, f"line {line_no}",
                             item=str(line_no))
            if reason not in pk.REFUSAL_REASONS:
                raise _Refusal("pickup.reason_required", order_id, "refusal without reason")
            if not 0 < qty <= min(lines[line_no].picked, lines[line_no].qty):
                raise _Refusal("pickup.quantity_above_ordered", order_id,
                             f"line {line_no}: {qty} refused")
        with self.db.transaction() as s:
            row, progress = self._open(s, actor, order_id, (pk.READY,))
            handed = pk.handed_quantities(
                {line["line_no"]: line["qty"] for line in row["lines"]},
                {n: int(p.get("picked", 0)) for n, p in rows.picks(progress, row).items()},
                {n: q for n, (q, _r) in refused.items()})
            final = pk.final_state({line["line_no"]: line["qty"] for line in row["lines"]}, handed)
            now = iso(self.clock.now())
            details = {"method": method, "offline": self._offline(s),
                       "collector": {"proxy": proxy, "name": name or None,
                                     "id_tail": tail or None},
                       "refused": [{"line_no": n, "qty": q, "reason": r}
                                   for n, (q, r) in sorted(refused.items())]}
            if progress is None:  # picked on another till: this one only hands over
                progress = PickupProgress(order_id=order_id, state=final,
                                          picks=json.dumps({p["line_no"]: p for p in row["picks"]}),
                                          operator_id=actor.operator_id, started_at=now,
                                          updated_at=now)
                s.add(progress)
            progress.state, progress.handed_over_at, progress.updated_at = final, now, now
            found = self._found_at.pop(order_id, None)
            wait = (self.clock.now() - found).total_seconds() if found else 0.0
            progress.handover = json.dumps({**details, "counter_wait_s": round(wait, 1)},
                                           ensure_ascii=False)
            self._step(s, actor, "pickup.handed_over", row, details)
            self._move_stock(s, order_id, row, rows.picks(progress, row), handed)
            done = rows.view(row, progress)
        self._print_slip(actor, done, handed, phone4 if method == "code" else None)
        return done

    def _move_stock(self, s, order_id: str, row: dict, picks: dict,  # type: ignore[no-untyped-def]
                    handed: dict[int, int]) -> None:
        """What the customer took leaves this till's stock, in the hand-over's transaction: the
        substitute's SKU where one was picked, once per order and SKU however often the
        hand-over is retried. No ``stock.moved`` event: HQ moves its stock from the
        ``pickup.handed_over`` event it accepts (``sync/hq/order_events.py``), so of two tills
        handing the same order over only the one HQ accepts counts, as with sales. An
        endless-aisle order came from another site and was never on this till's books."""
        if row.get("aisle"):
            return
        out: dict[str, int] = {}
        for line in row["lines"]:
            qty = handed.get(line["line_no"], 0)
            if qty > 0:
                sku = picks.get(line["line_no"], {}).get("substitute_sku") or line["sku"]
                out[sku] = out.get(sku, 0) + qty
        at = self.clock.now()
        movements = [Movement(sku, -qty, MovementReason.PICKUP, f"pickup:{order_id}", at)
                     for sku, qty in sorted(out.items())]
        if movements:
            stock.record(s, movements, store_id=self.store_id, terminal_id=self.terminal_id, clock=self.clock,
                         event=False)

    def print_pick_list(self, actor: Actor, order_id: str) -> int | None:
        """Queue the pick list with the bag label; the print job's id (None: no printer)."""
        from store_client.services.pickup_print import pick_list_and_label

        self.authorizer.require(actor, Permission.PICKUP_HANDOVER)
        order = self.order(order_id)
        queue = self._print_queue() if callable(self._print_queue) else self._print_queue
        if queue is None:
            raise PickupRefused("No printer is set up on this till.", code="pickup.no_printer")
        document = pick_list_and_label(order, store_id=self.store_id, operator=actor.name,
                                       printed_at=self.clock.now())
        return queue.submit("pickup", document, title=f"pick list {order.order_no}")

    def _print_slip(self, actor: Actor, order: OrderView, handed: dict[int, int],
                    phone4: str | None) -> None:
        """The pick-up slip, after the commit: a printer problem never undoes a hand-over."""
        queue = self._print_queue() if callable(self._print_queue) else self._print_queue
        if queue is None:
            return
        from printers import receipt_data as rd
        from printers.templates import pickup_slip

        try:
            slip = rd.PickupSlip(
                header=rd.Header(self.config.values.get("store.name", ""), self.store_id,
                                 self.terminal_id, actor.name, self.clock.now()),
                order_no=order.order_no, customer_name=order.member_name,
                phone_tail=phone4 or "----", channel="线上自提 Online pick-up",
                items=tuple(rd.PickupItem(line.name_zh, handed.get(line.line_no, 0), line.sku)
                            for line in order.lines if handed.get(line.line_no, 0) > 0))
            queue.submit("pickup", pickup_slip(slip), title=f"pickup {order.order_no}")
        except Exception:
            log.exception("pick-up slip for %s was not printed", order.order_no)

    # -- the manager's list --------------------------------------------------------------------
    def conflicts(self, *, include_resolved: bool = False) -> list[ConflictView]:
        """Pick-up steps HQ refused after this till made them (new ones are taken in now)."""
        self._take_in_rejections()
        with self.db.read() as s:
            query = select(PickupConflict).order_by(PickupConflict.found_at)
            if not include_resolved:
                query = query.where(PickupConflict.resolved_at.is_(None))
            return [ConflictView(c.event_id, c.order_id, c.order_no, c.kind, c.code, c.reason,
                                 parse_iso(c.found_at)) for c in s.scalars(query)]

    def resolve_conflict(self, actor: Actor, event_id: str, note: str) -> None:
        self.authorizer.require(actor, Permission.DASHBOARD_VIEW)  # the manager's board
        with self.db.transaction() as s:
            conflict = s.get(PickupConflict, event_id)
            if conflict is None or conflict.resolved_at is not None:
                raise PickupRefused("That conflict is not open.", code="pickup.no_conflict")
            conflict.resolved_at, conflict.resolved_by = iso(self.clock.now()), actor.operator_id
            conflict.note = note.strip()[:500]
            self.audit.append(s, operator_id=actor.operator_id, action="pickup.conflict_resolved",
                              target=conflict.order_no, details={"code": conflict.code,
                                                                 "note": conflict.note})

    def _take_in_rejections(self) -> None:
        with self.db.read() as s:
            known = set(s.scalars(select(PickupConflict.event_id)))
            new = [(e.event_id, e.kind, e.payload, e.last_error or "") for e in s.scalars(
                select(OutboxEvent).where(OutboxEvent.kind.in_(PICKUP_KINDS + AISLE_KINDS),
                                          OutboxEvent.status == "rejected"))
                if e.event_id not in known]
        if not new:
            return
        with self.db.transaction() as s:
            for event_id, kind, payload, reason in new:
                if s.get(PickupConflict, event_id) is not None:
                    continue
                order_id = json.loads(payload)["order_id"]
                code = reason.split(":", 1)[0] if reason.startswith("pickup.") else "pickup.rejected"
                if kind in AISLE_KINDS:  # a resolution of a flagged aisle order (services/aisle_state.py)
                    code = aisle_state.refusal_code(kind, reason, int(json.loads(payload).get("cash_minor") or 0))
                row = rows.load_row(s, order_id) or {}
                s.add(PickupConflict(event_id=event_id, order_id=order_id,
                                     order_no=row.get("order_no", order_id[:8]), kind=kind,
                                     code=code[:64], reason=reason[:2000],
                                     found_at=iso(self.clock.now()), note=""))
                self.audit.append(s, operator_id=None, action="pickup.conflict",
                                  target=row.get("order_no", ""), details={"code": code,
                                                                           "kind": kind})

    def figures(self, since: datetime) -> PickupFigures:
        orders = ready = within = collected = not_collected = 0
        durations: list[timedelta] = []
        waits: list[float] = []
        with self.db.read() as s:
            ready_at = dict(s.execute(select(PickupProgress.order_id, PickupProgress.ready_at)).all())
            handovers = {order_id: text for order_id, text in s.execute(
                select(PickupProgress.order_id, PickupProgress.handover)) if text}
        for view in self._all_views():
            if view.accepted_at is None or view.accepted_at < since:
                continue
            orders += 1
            done = ready_at.get(view.order_id)
            if done:
                ready += 1
                durations.append(parse_iso(done) - view.accepted_at)
                within += parse_iso(done) <= view.promised_at
            collected += view.state in (pk.COLLECTED, pk.PARTIALLY_COLLECTED)
            not_collected += view.state == pk.NOT_COLLECTED
            wait = json.loads(handovers[view.order_id]).get("counter_wait_s") \
                if view.order_id in handovers else None
            if isinstance(wait, (int, float)):
                waits.append(float(wait))
        durations.sort()
        waits.sort()
        return PickupFigures(orders, ready, within,
                             durations[len(durations) // 2] if durations else None,
                             collected, not_collected,
                             timedelta(seconds=waits[len(waits) // 2]) if waits else None)

    # -- helpers -------------------------------------------------------------------------------
    def _open(self, s: Session, actor: Actor, order_id: str,
              allowed: tuple[str, ...]) -> tuple[dict, PickupProgress | None]:
        """The order and this till's progress, if its effective state is one of ``allowed``
        (else the refusal is audited after this transaction rolls back)."""
        row = rows.load_row(s, order_id)
        if row is None:
            raise _Refusal("pickup.unknown_order", order_id, "no such order here")
        progress = s.get(PickupProgress, order_id)
        current = rows.effective(row, progress)
        if (row.get("aisle") or {}).get("problem"):
            raise _Refusal("aisle.source_short", order_id, "its source could not supply it",
                           order_no=row["order_no"])
        if row.get("aisle") and pk.READY not in allowed:
            raise _Refusal("aisle.not_picked_here", order_id, "it comes from another site",
                           order_no=row["order_no"])
        if current not in allowed:
            raise _Refusal(rows.state_code(current, allowed), order_id,
                         f"the order is {current}", order_no=row["order_no"])
        return row, progress

    def _proven(self, actor: Actor, *, qr: str | None = None, code: str | None = None,
                phone4: str | None = None) -> tuple[OrderView, str]:
        """The order a proof names, checked: ready here, HQ-signed and unexpired, or the code
        with the phone digits matching its check."""
        with self.db.read() as s:
            if qr is not None:
                keys = (rows.load_settings(s, QR_SETTINGS_KEY) or {}).get("keys") or {}
                try:
                    claim = codes.verify_qr(qr, keys, int(self.clock.now().timestamp()))
                except codes.QrRefused as exc:
                    raise _Refusal(f"pickup.qr_{exc.reason}", "", f"QR {exc.reason}")
                if claim.store_id != self.store_id:
                    raise _Refusal("pickup.wrong_store", claim.order_id,
                                 f"order of store {claim.store_id}")
                order_id, method = claim.order_id, "qr"
            else:
                code, phone4 = (code or "").strip(), (phone4 or "").strip()
                if not (codes.valid_code(code) and codes.valid_phone4(phone4)):
                    raise _Refusal("pickup.bad_code_format", "", "code format")
                found = [json.loads(d) for d in s.scalars(select(SyncRow.data).where(
                    SyncRow.dataset == DATASET))]
                match = next((r for r in found if r.get("store_id") == self.store_id
                              and codes.bucket_matches(r["order_id"], r["check"], code, phone4)
                              and codes.check_matches(r["order_id"], r["check"], code, phone4)),
                             None)
                if match is None:
                    raise _Refusal("pickup.wrong_code", "", "no order matches")
                order_id, method = match["order_id"], "code"
            row = rows.load_row(s, order_id)
            if row is None:
                raise _Refusal("pickup.unknown_order", order_id, "not synced here")
            view = rows.view(row, s.get(PickupProgress, order_id))
        if view.state != pk.READY:
            raise _Refusal(rows.state_code(view.state, (pk.READY,)), order_id,
                         f"the order is {view.state}", order_no=view.order_no)
        return view, method

    def _add(self, actor: Actor, order_id: str, line_no: int, qty: int) -> PickResult:
        def change(p: dict, line: dict) -> dict:
            try:
                total = pk.check_pick(line["qty"], line["unit"], int(p.get("picked", 0)), qty)
            except pk.PickupRuleError as exc:
                raise _Refusal(exc.code, order_id, exc.message) from None
            return {**p, "picked": total}

        view = self._edit(actor, order_id, line_no, change)
        return PickResult(view, line_no, qty)

    def _edit(self, actor: Actor, order_id: str, line_no: int, change: Any) -> OrderView:
        """Change one line's pick in this till's progress (local work, no event)."""
        with self.db.transaction() as s:
            row, progress = self._open(s, actor, order_id, (pk.PICKING,))
            progress = progress or self._take_up(s, actor, order_id)
            line = next((l for l in row["lines"] if l["line_no"] == line_no), None)
            if line is None:
                raise _Refusal("pickup.not_on_order", order_id, f"line {line_no}",
                               item=str(line_no))
            picks = rows.picks(progress, row)
            picks[line_no] = change({"line_no": line_no, **picks.get(line_no, {})}, line)
            progress.picks = json.dumps(picks, ensure_ascii=False)
            progress.updated_at = iso(self.clock.now())
            return rows.view(row, progress)

    def _step(self, s: Session, actor: Actor, kind: str, row: dict, extra: dict) -> None:
        payload = {"order_id": row["order_id"], "store_id": self.store_id,
                   "terminal_id": self.terminal_id, "operator_id": actor.operator_id,
                   "at": iso(self.clock.now()), **extra}
        outbox.enqueue(s, kind, payload, clock=self.clock)
        self.audit.append(s, operator_id=actor.operator_id, action=kind, target=row["order_no"],
                          details={k: v for k, v in extra.items() if k != "picks"})

    def _resolve(self, s: Session, code: str, row: dict | None) -> tuple[str, int | None] | None:
        """(SKU, grams or None) of a scanned code: a weight label, a barcode, a SKU, or one of
        the order's own barcodes."""
        found = bc.classify(code)
        if isinstance(found, bc.InStoreItem):
            return found.sku, found.weight_grams
        text_ = str(code).strip()[:32]
        sku = s.execute(text("SELECT p.sku FROM barcodes b JOIN products p ON p.id = b.product_id "
                             "WHERE b.code = :c"), {"c": text_}).scalar()
        if sku is None and row is not None:
            sku = next((l["sku"] for l in row["lines"]
                        if text_ == l["sku"] or text_ in l.get("barcodes", [])), None)
        if sku is None:
            sku = s.execute(text("SELECT sku FROM products WHERE sku = :c"), {"c": text_}).scalar()
        return (sku, None) if sku else None

    @staticmethod
    def _line_for(row: dict, sku: str) -> dict | None:
        return next((l for l in row["lines"] if l["sku"] == sku), None)

    def _offline(self, s: Session) -> bool:
        """No word from HQ for two minutes: neither an upload nor a pull of the orders (which
        the sync runner repeats every few seconds while HQ answers)."""
        heard = [t for t in (state.get_all(s).get(state.LAST_SUCCESS),
                             s.scalar(select(SyncCursor.updated_at).where(
                                 SyncCursor.dataset == DATASET))) if t]
        return not heard or self.clock.now() - max(parse_iso(t) for t in heard) > OFFLINE_AFTER

    def _refuse(self, actor: Actor, code: str, order_id: str, why: str, **details: Any) -> NoReturn:
        """Audit the refusal in its own transaction and raise it with its code."""
        with self.db.transaction() as s:
            self.audit.append(s, operator_id=actor.operator_id, action="pickup.refused",
                              target=order_id[:64], details={"code": code, "why": why[:200],
                                                             **details})
        raise PickupRefused(f"{code}: {why}", code=code, params=details)
