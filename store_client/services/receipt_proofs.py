"""Checking a scanned receipt QR at this till, offline: whose till signed it, and what it says.

The keys are this till's own and every till's public key HQ published (dataset
``terminal_keys``, pulled like any other). A receipt signed by a till this terminal has no
key for yet is refused as unknown, not as forged: after the next pull it may check.
"""

from __future__ import annotations

import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from store_client.clock import Clock
from store_client.persistence.db import Database
from store_client.persistence.models import SyncRow
from store_client.services.errors import ServiceError
from sync.protocol.receipt_proof import ReceiptProof, read_receipt
from sync.protocol.signing import SignatureError, SigningKey, public_key

#: The codes a till shows for a receipt QR it cannot take.
REFUSALS = {"sig.unknown_key": "receipt.unknown_till", "sig.expired": "receipt.forged",
            "sig.bad_signature": "receipt.forged", "sig.not_yet_valid": "receipt.forged"}


class ReceiptRefused(ServiceError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)


def known_keys(db: Database, own: SigningKey | None) -> dict[str, Ed25519PublicKey]:
    keys: dict[str, Ed25519PublicKey] = {}
    with db.read() as s:
        for data in s.scalars(select(SyncRow.data).where(SyncRow.dataset == "terminal_keys")):
            try:
                row = json.loads(data)
                keys[row["kid"]] = public_key(row["public_key"])
            except (ValueError, KeyError, TypeError, SignatureError):
                continue  # the puller validated it; a damaged row is skipped, not trusted
    if own is not None:
        keys[own.kid] = public_key(own.public)
    return keys


def check_receipt(db: Database, clock: Clock, token: str, *, own: SigningKey | None) -> ReceiptProof:
    """What a scanned receipt QR proves, or :class:`ReceiptRefused` (forged, altered, from a
    till this terminal does not know yet, malformed)."""
    try:
        return read_receipt(token, known_keys(db, own), now=clock.now().timestamp())
    except SignatureError as exc:
        raise ReceiptRefused(REFUSALS.get(exc.code, "receipt.malformed"), str(exc)) from None
