"""The store's return conflicts and credit-note overdrafts, for the manager (docs/returns.md,
"Conflicts and overdrafts").

HQ finds them when a till's offline work reaches it (a return taken from a receipt QR after
another store returned the same line; a store credit note spent here offline after it was
spent elsewhere) and publishes them to the store's tills (``store_return_issues``). The
manager sees each with its sale, its lines, the stores involved and the money at stake, and
resolves it: the loss accepted, or the money recovered from the customer, with a reason.
The resolution is one outbox event (``return.issue_resolved``, HQ takes it once per issue)
and its audit entry, in one transaction; the audit entry is this till's record that the
issue is resolved until HQ's row says so too, so the same issue is never resolved twice here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from store_client.clock import Clock, iso
from store_client.domain.roles import Permission
from store_client.persistence.db import Database
from store_client.persistence.models import AuditEntry, Product, SyncRow
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer
from store_client.services.errors import Conflict, InvalidInput, NotFound, ServiceError
from sync.protocol.events import CURRENT_VERSION, validate
from sync.protocol.return_issues import DATASET, EVENT_KIND, MAX_REASON, RESOLUTIONS
from sync.terminal import outbox

RESOLVED = "return_issue.resolved"  # the audit action: this till's record of a resolution
REFUSED = "return_issue.refused"


@dataclass(frozen=True)
class IssueLine:
    line_no: int
    sku: str
    qty: int
    refund_fen: int
    name_zh: str | None = None  # from this till's catalog (None: a SKU it does not know)
    name_en: str | None = None


@dataclass(frozen=True)
class ReturnIssue:
    issue_id: str
    kind: str  # "conflict" or "overdraft"
    sale_id: str
    original_ref: str
    receipt_no: str | None  # the sale's receipt (or the online order's number), as the customer has it
    lines: tuple[IssueLine, ...]  # a conflict's lines returned twice; an overdraft has none
    stores: tuple[str, ...]  # the sale's (or the note's) store, the others involved, this one
    terminal_id: str  # the till of this store that took it offline
    amount_fen: int  # the money at stake
    code_tail: str | None  # an overdraft's credit note, its last 4 characters
    cause: str  # HQ's refusal code (return.already_returned, credit.spent, ...)
    at: datetime  # when HQ recorded it (UTC)


@dataclass(frozen=True)
class Resolution:
    issue_id: str
    resolution: str
    event_id: str


def open_issue_count(conn: Connection) -> int:
    """How many :meth:`ReturnIssuesService.open_issues` lists (the board's F6 button says it)."""
    return int(conn.execute(text(
        "SELECT count(*) FROM sync_rows WHERE dataset = :ds AND json_extract(data, '$.resolution') IS NULL "
        "AND key NOT IN (SELECT target FROM audit_log WHERE action = :resolved)"),
        {"ds": DATASET, "resolved": RESOLVED}).scalar_one())


def _issue(data: dict, names: dict[str, tuple[str, str]]) -> ReturnIssue:
    return ReturnIssue(
        str(data["issue_id"]), str(data["kind"]), str(data["sale_id"]), str(data["original_ref"]), data.get("receipt_no"),
        tuple(IssueLine(int(x["line_no"]), str(x["sku"]), int(x["qty"]), int(x["refund_minor"]),
                        *names.get(str(x["sku"]), (None, None))) for x in data["lines"]),
        tuple(str(s) for s in data["stores"]), str(data["terminal_id"]), int(data["amount_minor"]),
        data.get("code_tail"), str(data["cause"]), datetime.fromisoformat(str(data["at"])))


class ReturnIssuesService:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog, authorizer: Authorizer, *,
                 store_id: str, terminal_id: str) -> None:
        self.db, self.clock, self.audit, self.authorizer = db, clock, audit, authorizer
        self.store_id, self.terminal_id = store_id, terminal_id

    def open_issues(self, actor: Actor) -> list[ReturnIssue]:
        """The issues neither HQ nor this till has seen resolved, oldest first."""
        self.authorizer.require(actor, Permission.DASHBOARD_VIEW)
        with self.db.read() as s:
            here = self._resolved_here(s)
            found = [d for d in (json.loads(text) for text in s.scalars(
                select(SyncRow.data).where(SyncRow.dataset == DATASET)))
                if d.get("resolution") is None and d.get("issue_id") not in here]
            skus = {str(x["sku"]) for d in found for x in d["lines"]}
            names = {p.sku: (p.name_zh, p.name_en) for p in s.execute(
                select(Product.sku, Product.name_zh, Product.name_en).where(Product.sku.in_(skus)))} if skus else {}
        issues = [_issue(d, names) for d in found]
        return sorted(issues, key=lambda i: (i.at, i.issue_id))

    @staticmethod
    def _resolved_here(s: Session, issue_id: str | None = None) -> set[str]:
        query = select(AuditEntry.target).where(AuditEntry.action == RESOLVED)
        if issue_id is not None:
            query = query.where(AuditEntry.target == issue_id)
        return set(s.scalars(query))

    def resolve(self, actor: Actor, issue_id: str, resolution: str, reason: str) -> Resolution:
        """Resolve one open issue (a manager): the event to HQ and the audit entry, once."""
        self.authorizer.require(actor, Permission.RETURN_ISSUE_RESOLVE)
        issue_id, reason = str(issue_id or "")[:64], (reason or "").strip()
        if resolution not in RESOLUTIONS:
            raise self._refuse(actor, issue_id, InvalidInput(
                "resolution", "Choose: accept the loss or recovered from the customer.",
                code="return_issue.bad_resolution"))
        if not reason:
            raise self._refuse(actor, issue_id, InvalidInput(
                "reason", "Give a reason for the resolution.", code="return_issue.reason_required"))
        if len(reason) > MAX_REASON:
            raise self._refuse(actor, issue_id, InvalidInput(
                "reason", f"The reason is at most {MAX_REASON} characters.", code="return_issue.reason_too_long",
                params={"max": MAX_REASON}))
        problem: ServiceError | None = None
        with self.db.transaction() as s:
            text = s.scalar(select(SyncRow.data).where(SyncRow.dataset == DATASET, SyncRow.key == issue_id))
            data = json.loads(text) if text else None
            if data is None:
                problem = NotFound("No such return conflict or overdraft.", code="return_issue.unknown")
            elif data.get("resolution") is not None or self._resolved_here(s, issue_id):
                problem = Conflict("This one is resolved already.", code="return_issue.already_resolved")
            else:
                payload = {"issue_id": issue_id, "kind": data["kind"], "resolution": resolution, "reason": reason,
                           "store_id": self.store_id, "terminal_id": self.terminal_id,
                           "operator_id": actor.operator_id, "resolved_at": iso(self.clock.now())}
                validate(EVENT_KIND, CURRENT_VERSION[EVENT_KIND], payload)  # fail at the till, not at HQ
                event = outbox.enqueue(s, EVENT_KIND, payload, schema_version=CURRENT_VERSION[EVENT_KIND],
                                       clock=self.clock)
                self.audit.append(s, operator_id=actor.operator_id, action=RESOLVED, target=issue_id, details={
                    "kind": data["kind"], "resolution": resolution, "reason": reason, "sale_id": data["sale_id"],
                    "amount_fen": int(data["amount_minor"]), "event_id": event.event_id})
        if problem is not None:
            raise self._refuse(actor, issue_id, problem)
        return Resolution(issue_id, resolution, event.event_id)

    def _refuse(self, actor: Actor, issue_id: str, error: ServiceError) -> ServiceError:
        with self.db.transaction() as s:
            self.audit.append(s, operator_id=actor.operator_id, action=REFUSED, target=issue_id,
                              details={"code": error.code})
        return error
