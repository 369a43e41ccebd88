"""A stock count counted on several tills of the store (docs/stock.md, "Counted on several tills").

The plan's own till sends it to HQ (``stock.count_planned``) in the transaction that makes
it; HQ publishes it to the store's tills (``count_plans``), and :func:`adopt` turns a row
this till pulled into a local plan it can count (``owner_terminal`` = the plan's till).
Every till's scans reach HQ one by one; HQ publishes per SKU what each till counted
(``count_totals``). :func:`elsewhere` reads those rows for one plan, leaving this till's
own figure out: this till's scans are counted from its own database (exact, even when
HQ's answer to an upload was lost), the other tills' from HQ, so nothing counts twice.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from store_client.clock import Clock, iso, parse_iso
from store_client.domain.stock_count import PlanState
from store_client.persistence.models import CountPlanLine, CountPlanRow
from sync.protocol.count_events import CANCELLED, PLANNED, totals_key
from sync.protocol.datasets import validate_row
from sync.protocol.events import PayloadError
from sync.terminal import outbox

log = logging.getLogger(__name__)

PLANS, TOTALS = "count_plans", "count_totals"


@dataclass(frozen=True, slots=True)
class Elsewhere:
    """What the other tills counted of one SKU, as HQ last sent it."""

    round: int
    counted: int
    last_at: datetime
    tills: tuple[str, ...]


def send_plan(session: Session, row: CountPlanRow, snapshot: dict[str, int], *, store_id: str, terminal_id: str,
              clock: Clock) -> None:
    """The plan's event, in the transaction that makes the plan."""
    outbox.enqueue(session, PLANNED, {
        "plan_id": row.plan_id, "store_id": store_id, "terminal_id": terminal_id, "label": row.label,
        "scope": row.scope, "blind": row.blind, "snapshot_at": row.snapshot_at, "created_by": row.created_by,
        "lines": [[sku, qty] for sku, qty in sorted(snapshot.items())]}, clock=clock)


def send_cancel(session: Session, plan_id: str, reason: str, *, store_id: str, terminal_id: str,
                clock: Clock) -> None:
    outbox.enqueue(session, CANCELLED, {"plan_id": plan_id, "store_id": store_id, "terminal_id": terminal_id,
                                        "reason": reason, "at": iso(clock.now())}, clock=clock)


def _rows(session: Session, dataset: str, lo: str | None = None, hi: str | None = None) -> list[tuple[str, dict]]:
    """The valid rows of ``dataset`` (a key range when given); a bad row is logged and left out."""
    if lo is None:
        raw = session.execute(text("SELECT key, data FROM sync_rows WHERE dataset = :ds"), {"ds": dataset}).all()
    else:
        raw = session.execute(text("SELECT key, data FROM sync_rows WHERE dataset = :ds AND key >= :lo AND key < :hi"),
                              {"ds": dataset, "lo": lo, "hi": hi}).all()
    found = []
    for key, data in raw:
        try:
            found.append((key, validate_row(dataset, key, json.loads(data))))
        except (ValueError, PayloadError) as exc:
            log.warning("%s row %r left out: %s", dataset, key, exc)
    return found


def adopt(session: Session, terminal_id: str) -> int:
    """Bring the store's shared plans into this till, inside the caller's transaction: a new
    one (of another till) becomes a local plan to count; one its till posted or cancelled is
    closed here too. Returns how many plans changed."""
    changed = 0
    for plan_id, row in _rows(session, PLANS):
        if row["terminal_id"] == terminal_id:
            continue  # this till's own plan: it is the source, not a copy
        local = session.get(CountPlanRow, plan_id)
        if local is None and row["state"] == "counting":
            session.add(CountPlanRow(plan_id=plan_id, scope=row["scope"], label=row["label"],
                                     state=PlanState.COUNTING.value, blind=row["blind"],
                                     snapshot_at=row["snapshot_at"], created_by=row["terminal_id"][:16],
                                     recount="[]", owner_terminal=row["terminal_id"]))
            session.flush()
            session.execute(insert(CountPlanLine), [{"plan_id": plan_id, "sku": sku, "snapshot_qty": qty}
                                                    for sku, qty in row["lines"]])
            changed += 1
        elif local is not None and local.owner_terminal == row["terminal_id"] and row["state"] != "counting" \
                and local.state == PlanState.COUNTING.value:
            local.state = PlanState.POSTED.value if row["state"] == "posted" else PlanState.CANCELLED.value
            changed += 1
    return changed


def pending_plans(session: Session, terminal_id: str) -> bool:
    """Whether a shared plan waits to be adopted or closed here (cheap: no write)."""
    local = {plan_id: (state, owner) for plan_id, state, owner in session.execute(
        select(CountPlanRow.plan_id, CountPlanRow.state, CountPlanRow.owner_terminal))}
    for plan_id, row in _rows(session, PLANS):
        if row["terminal_id"] == terminal_id:
            continue
        mine = local.get(plan_id)
        if (mine is None and row["state"] == "counting") or (
                mine is not None and mine[1] == row["terminal_id"] and row["state"] != "counting"
                and mine[0] == PlanState.COUNTING.value):
            return True
    return False


def elsewhere(session: Session, plan_id: str, terminal_id: str, sku: str | None = None) -> dict[str, Elsewhere]:
    """Per SKU of ``plan_id`` (or only ``sku``): what the *other* tills counted, as HQ sent it."""
    if sku is not None:
        key = totals_key(plan_id, sku)
        rows = _rows(session, TOTALS, key, key + "\x00")
    else:
        prefix = totals_key(plan_id, "")
        rows = _rows(session, TOTALS, prefix, prefix[:-1] + "}")
    found: dict[str, Elsewhere] = {}
    for _key, row in rows:
        if row["plan_id"] != plan_id:
            continue  # another plan sharing the key's 80 bits: never in practice, never counted
        others = [t for t in row["tills"] if t["terminal_id"] != terminal_id]
        if not others:
            continue
        found[row["sku"]] = Elsewhere(row["round"], sum(t["counted"] for t in others),
                                      max(parse_iso(t["last_at"]) for t in others),
                                      tuple(t["terminal_id"] for t in others))
    return found
