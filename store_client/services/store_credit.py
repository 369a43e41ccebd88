"""Paying with a store credit note (储值券) at the checkout (docs/checkout.md, "Store credit").

A note (``CN`` + 14 digits, issued by a return without receipt) is worth what HQ's ledger says
is left on it (sync/hq/credit_notes.py). The cashier scans it in the payment dialog; the
payment is the smaller of what is left and what is still due.

**When it is spent.** Only when the sale is completed, never when the payment is taken: a
payment removed or a sale voided before that leaves the note untouched. At completion the
till spends at HQ with the spend id ``<cart id>:<tender id>``, recorded before HQ is asked,
which stays the same however often HQ is asked within one attempt (a lost answer, a crash,
a double key), so HQ takes it once. A sale that is then NOT written gives the spend back
(services/credit_spends.py: released at HQ at once and through the outbox), and its next
attempt spends under a new id.
The sale's event carries the same spend id and HQ spends from the event as well: a second
call with the same id takes nothing more (the till's online spend and the event's spend are
one spend), and a note the till could not spend online is spent from the event.

**Offline** (HQ not reached): only a note issued by THIS till, from its own
``credit_notes.remaining_fen``, which is lowered by every spend here and by every answer of
HQ (a note HQ reported spent elsewhere is not spent again offline). A note issued by another
till needs HQ (``credit.hq_unreachable``). The risk left: the note spent elsewhere while
this till was offline. HQ then spends what is left when the sale arrives and records the
shortfall as an overdraft for the manager (``hq_credit_overdrafts``); the sale stands (the
goods are gone). The retailer accepts that: a note is at most one return without receipt
(``returns.no_receipt_max_fen``, ¥500 by default), offline use is limited to the till that
issued it, and the overdraft names both tills.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import update

from store_client.clock import Clock
from sync.protocol.credit_codes import credit_code_genuine
from store_client.persistence.db import Database
from store_client.persistence.no_receipt_models import CreditNote
from store_client.services.auth import Actor
from store_client.services.errors import InvalidInput, NotFound, ServiceError
from sync.terminal.transport import BatchRejected, HQClient, TransientError

log = logging.getLogger(__name__)

KIND = "store_credit"
REFUSED = "sale.credit_refused"  # the audit action of every refused note


@dataclass(frozen=True)
class CreditQuote:
    code: str
    remaining_fen: int  # what is left on the note (HQ's answer, or this till's own record offline)
    offline: bool


def mask(code: str | None) -> str:
    """What screens, paper and audit show of a code: its last four digits."""
    return "CN****" + (code or "")[-4:]


def normalise(code: object) -> str:
    return code.strip().upper() if isinstance(code, str) else ""


class StoreCreditPayments:
    def __init__(self, db: Database, clock: Clock, audit, *,  # type: ignore[no-untyped-def]
                 client: Callable[[], HQClient] | None) -> None:
        self.db, self.clock, self.audit, self._client = db, clock, audit, client

    @property
    def client(self) -> Callable[[], HQClient] | None:
        return self._client

    # -- refusals -------------------------------------------------------------------------------
    def _refuse(self, actor: Actor | None, error: ServiceError, code: str) -> ServiceError:
        """Audited in its own transaction (nothing else is written), then raised."""
        with self.db.transaction() as s:
            self.audit.append(s, operator_id=actor.operator_id if actor else None, action=REFUSED,
                              target=mask(code), details={"code": error.code, "note": mask(code)})
        return error

    def _refusal(self, actor: Actor | None, code: str, refusal: str) -> ServiceError:
        texts = {
            "credit.forged": ("This is not a genuine store credit note.", InvalidInput),
            "credit.unknown": ("No store credit note has this code.", NotFound),
            "credit.spent": ("This store credit note has been spent.", ServiceError),
            "credit.above_remaining": ("Less is left on this store credit note than this payment: "
                                       "remove the payment and scan the note again.", ServiceError),
            "credit.hq_unreachable": ("HQ cannot be reached: only a note issued at this till can be "
                                      "used offline. Take another payment.", ServiceError),
        }
        message, kind = texts.get(refusal, ("This store credit note cannot be used.", ServiceError))
        if kind is InvalidInput:
            error: ServiceError = InvalidInput("credit_code", message, code=refusal)
        else:
            error = kind(message, code=refusal)
        return self._refuse(actor, error, code)

    # -- at tender time: what is left -----------------------------------------------------------
    def _own(self, code: str) -> CreditNote | None:
        with self.db.read() as s:
            note = s.get(CreditNote, code)
            if note is not None:
                s.expunge(note)
            return note

    def _learn(self, code: str, remaining: int) -> None:
        """HQ's answer lowers this till's record of its own note (never raises it)."""
        with self.db.transaction() as s:
            s.execute(update(CreditNote).where(CreditNote.code == code, CreditNote.remaining_fen > remaining)
                      .values(remaining_fen=max(0, remaining)))

    def quote(self, actor: Actor, code: object, already_fen: int = 0) -> CreditQuote:
        """What is left on the note (minus ``already_fen`` this sale already takes of it)."""
        text = normalise(code)
        if not credit_code_genuine(text):
            raise self._refusal(actor, text, "credit.forged")
        own = self._own(text)
        answer = None
        if self._client is not None:
            try:
                with self._client() as client:
                    answer = client.credit_note(text)
            except TransientError:
                answer = None
            except BatchRejected as exc:
                if exc.code == "credit.unknown" and own is not None:
                    answer = None  # issued here, its event not at HQ yet: this till's record
                else:
                    raise self._refusal(actor, text, exc.code or "credit.unknown") from None
        if answer is not None:
            try:
                remaining = int(answer["remaining_minor"])
            except (KeyError, TypeError, ValueError):
                raise self._refusal(actor, text, "credit.unknown") from None
            if own is not None:  # its spends here not at HQ yet count too
                self._learn(text, remaining)
                remaining = min(remaining, own.remaining_fen)
            quote = CreditQuote(text, remaining - already_fen, offline=False)
        elif own is None:
            raise self._refusal(actor, text, "credit.hq_unreachable")
        else:
            quote = CreditQuote(text, own.remaining_fen - already_fen, offline=True)
        if quote.remaining_fen <= 0:
            raise self._refusal(actor, text, "credit.spent")
        return quote

    # -- at completion: the spend ---------------------------------------------------------------
    def spend(self, actor: Actor, payments: list[tuple[str, str, int]],
              answered: set[str] | None = None) -> frozenset[str]:
        """Spend each ``(spend id, code, amount)`` at HQ before the sale is written; returns the
        spend ids left to HQ's ingest (HQ not reached: this till's own notes, within their
        record). A refusal raises and the sale is not written; the caller then releases what
        was spent (services/credit_spends.py). ``answered`` collects the spend ids HQ took."""
        offline: set[str] = set()
        for sid, code, amount in payments:
            answer = None
            if self._client is not None:
                try:
                    with self._client() as client:
                        answer = client.spend_credit_note(code, amount, sid)
                except TransientError:
                    answer = None
                except BatchRejected as exc:
                    if exc.code != "credit.unknown" or self._own(code) is None:
                        raise self._refusal(actor, code, exc.code or "credit.unknown") from None
            if answer is not None:
                if answered is not None:
                    answered.add(sid)
                own = self._own(code)
                try:
                    left = int(answer["remaining_minor"])
                except (KeyError, TypeError, ValueError):
                    log.warning("HQ's answer to the spend %s has no remainder", sid)
                    continue
                if own is not None and not answer.get("repeated"):  # its offline spends not at HQ yet
                    left = min(left, own.remaining_fen - amount)
                self._learn(code, left)
                continue
            own = self._own(code)
            if own is None:
                raise self._refusal(actor, code, "credit.hq_unreachable")
            if own.remaining_fen < amount:
                raise self._refusal(actor, code, "credit.above_remaining" if own.remaining_fen else "credit.spent")
            offline.add(sid)
        return frozenset(offline)

    @staticmethod
    def record(session, payments: list[tuple[str, str, int]], offline: frozenset[str]) -> None:  # type: ignore[no-untyped-def]
        """In the sale's transaction: an offline spend lowers this till's record of its note
        (an online one was lowered by HQ's answer already)."""
        for sid, code, amount in payments:
            if sid in offline:
                session.execute(update(CreditNote).where(CreditNote.code == code)
                                .values(remaining_fen=CreditNote.remaining_fen - amount))
