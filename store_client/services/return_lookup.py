"""Finding what a customer bought, from any store, for a return: one box, whatever they have.

- a signed receipt QR: checked here, offline, against the tills' published keys; it names the
  lines, what each paid and the tenders (HQ settles what was returned elsewhere meanwhile);
- a receipt number, a payment reference, or the member (dynamic code, phone, member id):
  asked of HQ, which knows every store's sales and what is still returnable;
- offline, a receipt number of this till's own sales is found locally.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select

from store_client.clock import Clock
from store_client.persistence.db import Database
from store_client.persistence.models import Return, ReturnLine, Sale, SaleLine, SaleTender
from store_client.services.errors import ServiceError
from store_client.services.member_lookup import MemberLookup, MemberNotFound
from store_client.services.receipt_proofs import ReceiptRefused, check_receipt
from sync.protocol.receipt_proof import KIND
from sync.protocol.signing import SigningKey
from sync.terminal.transport import BatchRejected, HQClient, TransientError

_PHONE = re.compile(r"1[3-9]\d{9}")
_RECEIPT = re.compile(r"[A-Za-z0-9]{1,32}-[A-Za-z0-9]{1,32}-\d{6}")
ORDER_NO = re.compile(r"W\d{6,10}")  # an online order's number (sync/hq/orders.py)


class OriginalNotFound(ServiceError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)


@dataclass(frozen=True)
class OriginalLine:
    line_no: int
    sku: str
    qty: int
    net_fen: int
    returnable: int  # across every store as HQ knows it (a receipt QR: as sold)


@dataclass(frozen=True)
class OriginalView:
    original_ref: str
    store_id: str | None
    receipt_no: str | None
    completed_at: str | None
    lines: tuple[OriginalLine, ...]
    tenders: tuple[tuple[str, int], ...]  # method, what it can still take back
    source: str  # "hq", "receipt_qr" or "local"
    channel: str = "store"  # "store" or "online"
    member_id: str | None = None
    references: tuple[tuple[str, str], ...] = ()  # method, its payment's reference (a mobile refund)


class ReturnLookup:
    def __init__(self, db: Database, clock: Clock, *, client: Callable[[], HQClient] | None,
                 own_key: Callable[[], SigningKey | None] = lambda: None) -> None:
        self.db, self.clock, self._client, self._own_key = db, clock, client, own_key
        self.offline = False  # set when HQ was needed and not reached: only local answers

    def find(self, query: str) -> list[OriginalView]:
        """Newest first. ``offline`` tells afterwards whether HQ could not be asked."""
        self.offline = False
        query = (query or "").strip()
        if not query:
            raise OriginalNotFound("return.nothing_to_find", "scan or type what the customer has")
        if query.startswith("v1.") and query.count(".") == 3:
            try:
                proof = check_receipt(self.db, self.clock, query, own=self._own_key())
            except ReceiptRefused as exc:
                if _claims_kind(query) == KIND:  # a receipt QR that does not check: said as such
                    raise OriginalNotFound(exc.code or "receipt.forged", str(exc)) from None
                proof = None
            if proof is not None:
                return [OriginalView(f"sale:{proof.sale_id}", proof.store_id, proof.receipt_no,
                                     proof.completed_at.isoformat(),
                                     tuple(OriginalLine(x.line_no, x.sku, x.qty, x.net_fen, x.qty) for x in proof.lines),
                                     proof.tenders, "receipt_qr", "store", proof.member_id)]
            return self._by_member(query)  # not a receipt: a member's dynamic code
        if _PHONE.fullmatch(query):
            return self._by_member(query)
        if _RECEIPT.fullmatch(query):
            return self._ask("receipt", query) or self._local(query)
        if ORDER_NO.fullmatch(query):
            return self._ask("order", query)
        return self._ask("payment", query) or self._ask("member", query)

    def _by_member(self, query: str) -> list[OriginalView]:
        try:
            member = MemberLookup(self.db, self.clock, self._client).find(query)
        except MemberNotFound as exc:
            raise OriginalNotFound(exc.code or "member.unknown", str(exc)) from None
        found = self._ask("member", member.member_id)
        return found if not self.offline else self._local_member(member.member_id)

    def _ask(self, kind: str, value: str) -> list[OriginalView]:
        if self._client is None:
            self.offline = True
            return []
        try:
            with self._client() as client:
                answer = client.find_originals(kind, value)
        except TransientError:
            self.offline = True
            return []
        except BatchRejected:
            return []
        out = []
        for o in answer.get("originals", []) if isinstance(answer, dict) else []:
            try:
                out.append(OriginalView(
                    str(o["original_ref"]), o.get("store_id"), o.get("receipt_no"), o.get("completed_at"),
                    tuple(OriginalLine(int(x["line_no"]), str(x["sku"]), int(x["qty"]), int(x["net_minor"]),
                                       int(x["returnable"])) for x in o["lines"]),
                    tuple((str(t["method"]), int(t["paid_minor"]) - int(t["refunded_minor"])) for t in o["tenders"]),
                    "hq", "online" if o.get("channel") == "online" else "store", o.get("member_id"),
                    tuple((str(t["method"]), str(t["reference"])) for t in o["tenders"] if t.get("reference"))))
            except (KeyError, TypeError, ValueError):
                continue  # one malformed original does not hide the others
        return out

    def _local_member(self, member_id: str) -> list[OriginalView]:
        """Offline: the member's sales made on this till, newest first (other stores' and
        online orders need HQ)."""
        with self.db.read() as s:
            numbers = list(s.scalars(select(Sale.receipt_no).where(Sale.member_id == member_id)
                                     .order_by(Sale.completed_at.desc()).limit(50)))
        return [view for no in numbers for view in self._local(no)]

    def _local(self, receipt_no: str) -> list[OriginalView]:
        """Offline: this till's own sale by receipt number (what was returned here is known)."""
        with self.db.read() as s:
            sale = s.scalar(select(Sale).where(Sale.receipt_no == receipt_no))
            if sale is None:
                return []
            lines = s.scalars(select(SaleLine).where(SaleLine.sale_id == sale.id).order_by(SaleLine.line_no)).all()
            tenders = s.scalars(select(SaleTender).where(SaleTender.sale_id == sale.id).order_by(SaleTender.seq)).all()
            returned = {n: int(q) for n, q in s.execute(
                select(ReturnLine.line_no, func.sum(ReturnLine.quantity))
                .join(Return, Return.id == ReturnLine.return_id)
                .where(Return.sale_id == sale.id, Return.status != "cancelled")
                .group_by(ReturnLine.line_no))}
            return [OriginalView(
                f"sale:{sale.id}", sale.store_id, sale.receipt_no, sale.completed_at,
                tuple(OriginalLine(x.line_no, x.sku, x.quantity, x.net_fen, x.quantity - returned.get(x.line_no, 0))
                      for x in lines),
                _net_of_change([(t.kind, t.amount_fen) for t in tenders], sale.change_fen), "local",
                "store", sale.member_id)]


def _claims_kind(token: str) -> object:
    """The ``typ`` a token claims, read without checking it (only to word a refusal)."""
    try:
        part = token.split(".")[2]
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))).get("typ")
    except (ValueError, IndexError, AttributeError, binascii.Error):
        return None


def _net_of_change(tenders: list[tuple[str, int]], change_fen: int) -> tuple[tuple[str, int], ...]:
    """What each tender paid, cash net of the change given (a refund never pays back change)."""
    out: dict[str, int] = {}
    for kind, fen in tenders:
        out[kind] = out.get(kind, 0) + fen
    if change_fen:
        out["cash"] = out.get("cash", 0) - change_fen
    return tuple((kind, fen) for kind, fen in out.items() if fen > 0)
