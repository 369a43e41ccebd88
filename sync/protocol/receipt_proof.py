"""Receipts that prove themselves: what a signed receipt QR holds, and how it is read back.

A till signs, with its own key, the facts a return needs: the sale, each line's SKU,
quantity and net paid, each tender's net paid, the member and the points earned. Any
store can check such a QR offline with the public keys HQ publishes (dataset
``terminal_keys``) and take the return without asking the customer for more proof; HQ
settles what was returned meanwhile elsewhere when the return arrives.

Sized for paper: a sale of up to :data:`MAX_PROOF_LINES` lines carries its lines; a longer
one carries only its identity (``full`` is False), and the till looks the rest up at HQ.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sync.protocol.signing import MAX_TOKEN, SignatureError, SigningKey, verify

MAX_PROOF_LINES = 30
KIND = "rcpt"


@dataclass(frozen=True)
class ProofLine:
    line_no: int
    sku: str
    qty: int
    net_fen: int


@dataclass(frozen=True)
class ReceiptProof:
    sale_id: str
    store_id: str
    terminal_id: str
    receipt_no: str
    completed_at: datetime
    member_id: str | None
    points_earned: int
    lines: tuple[ProofLine, ...]
    tenders: tuple[tuple[str, int], ...]  # (method, net fen): cash net of change
    full: bool  # False: too long for paper, look the lines up at HQ


def claims_for_sale(sale: Mapping[str, Any]) -> dict[str, Any]:
    """The claims of a completed sale (the ``sale.completed`` v3 payload)."""
    completed = datetime.fromisoformat(sale["completed_at"])
    tenders: dict[str, int] = {}
    for pay in sale["payments"]:
        tenders[pay["method"]] = tenders.get(pay["method"], 0) + int(pay["amount_minor"])
    if sale.get("change_minor"):
        tenders["cash"] = tenders.get("cash", 0) - int(sale["change_minor"])
    lines = sale["lines"]
    full = len(lines) <= MAX_PROOF_LINES
    return {"typ": KIND, "id": sale["sale_id"], "s": sale["store_id"], "t": sale["terminal_id"],
            "no": sale.get("receipt_no", ""), "at": int(completed.timestamp()), "m": sale.get("member_id"),
            "pe": int(sale.get("points_earned", 0)),
            "l": [[int(x["line_no"]), x["sku"], int(x["qty"]), int(x["net_minor"])] for x in lines] if full else None,
            "p": sorted([m, fen] for m, fen in tenders.items() if fen > 0)}


def sign_receipt(key: SigningKey, sale: Mapping[str, Any]) -> str:
    return key.sign(claims_for_sale(sale))


def looks_like_receipt(token: str) -> bool:
    """Whether ``token`` claims to be a receipt proof (unchecked: only to route a scan; the
    Returns screen checks the signature)."""
    import base64
    import json

    parts = token.split(".") if isinstance(token, str) and len(token) <= MAX_TOKEN else []
    if len(parts) != 4 or parts[0] != "v1":
        return False
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[2] + "=" * (-len(parts[2]) % 4)))
    except ValueError:
        return False
    return isinstance(claims, dict) and claims.get("typ") == KIND


def _text(claims: dict, key: str, *, optional: bool = False, max_len: int = 64) -> str | None:
    value = claims.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or len(value) > max_len:
        raise SignatureError("sig.malformed", f"receipt claim {key!r}")
    return value


def _count(value: Any, *, lo: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < lo or value > 10**12:
        raise SignatureError("sig.malformed", "receipt numbers are whole and in range")
    return value


def read_receipt(token: str, keys: Mapping[str, Any], *, now: float) -> ReceiptProof:
    """Check the signature with ``keys`` (kid -> public key) and read the claims, refusing any
    that are not a well-formed receipt; the key must belong to the till named inside."""
    claims = verify(token, keys, now=now)
    if claims.get("typ") != KIND:
        raise SignatureError("sig.malformed", "not a receipt")
    store, terminal = _text(claims, "s"), _text(claims, "t")
    kid = token.split(".")[1]
    if not kid.startswith(f"{store}-{terminal}-"):
        raise SignatureError("sig.bad_signature", "the receipt names another till than its key")
    raw_lines = claims.get("l")
    lines: list[ProofLine] = []
    if raw_lines is not None:
        if not isinstance(raw_lines, list) or len(raw_lines) > MAX_PROOF_LINES:
            raise SignatureError("sig.malformed", "receipt lines")
        for item in raw_lines:
            if not isinstance(item, list) or len(item) != 4 or not isinstance(item[1], str):
                raise SignatureError("sig.malformed", "receipt line")
            lines.append(ProofLine(_count(item[0], lo=1), item[1], _count(item[2], lo=1), _count(item[3])))
        if len({line.line_no for line in lines}) != len(lines):
            raise SignatureError("sig.malformed", "receipt line numbers repeat")
    tenders = claims.get("p")
    if not isinstance(tenders, list) or not all(
            isinstance(t, list) and len(t) == 2 and isinstance(t[0], str) for t in tenders):
        raise SignatureError("sig.malformed", "receipt tenders")
    parsed_tenders = tuple((str(t[0]), _count(t[1], lo=1)) for t in tenders)
    if raw_lines is not None and sum(line.net_fen for line in lines) != sum(fen for _m, fen in parsed_tenders):
        raise SignatureError("sig.malformed", "the receipt's tenders do not pay its lines")
    return ReceiptProof(
        sale_id=_text(claims, "id") or "", store_id=store or "", terminal_id=terminal or "",
        receipt_no=_text(claims, "no") or "", completed_at=datetime.fromtimestamp(_count(claims.get("at")), UTC),
        member_id=_text(claims, "m", optional=True, max_len=32), points_earned=_count(claims.get("pe", 0)),
        lines=tuple(lines), tenders=parsed_tenders, full=raw_lines is not None)
