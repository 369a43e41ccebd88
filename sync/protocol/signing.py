"""Compact signed tokens (Ed25519) that a phone camera or a till scanner can carry.

One format for every signed thing that crosses a channel: the enrollment link a till shows,
and later receipt QRs, pick-up QRs and members' dynamic codes. A token is
``v1.<kid>.<claims>.<signature>``, the last two base64url without padding; the signature
covers everything before it, so neither the key id nor the claims can be swapped.

Public-key signatures, not a shared secret: HQ publishes every terminal's public key, so
any store (and HQ) can check what any till signed, offline, and a stolen public-key list
forges nothing. Claims are compact JSON; ``exp`` (Unix seconds) bounds a token's life.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

VERSION = "v1"
MAX_TOKEN = 2048  # characters: beyond this it is not a QR a phone can read from a screen
#: Seconds a token may be early or late against our clock (phones and tills drift).
LEEWAY = 30


class SignatureError(ValueError):
    """A token was refused; ``code`` says why (for the translated message), text for the log."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not text or len(text) % 4 == 1 or not text.isascii() or not all(c.isalnum() or c in "-_" for c in text):
        raise SignatureError("sig.malformed", "not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise SignatureError("sig.malformed", "not base64url") from None


@dataclass(frozen=True)
class SigningKey:
    """A private key with its id; ``public`` is what HQ publishes."""

    kid: str
    private: Ed25519PrivateKey

    @classmethod
    def generate(cls, kid: str) -> SigningKey:
        _check_kid(kid)
        return cls(kid, Ed25519PrivateKey.generate())

    @classmethod
    def from_raw(cls, kid: str, raw: str) -> SigningKey:
        _check_kid(kid)
        return cls(kid, Ed25519PrivateKey.from_private_bytes(_unb64(raw)))

    def raw(self) -> str:
        from cryptography.hazmat.primitives import serialization

        return _b64(self.private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                               serialization.NoEncryption()))

    @property
    def public(self) -> str:
        from cryptography.hazmat.primitives import serialization

        return _b64(self.private.public_key().public_bytes(serialization.Encoding.Raw,
                                                           serialization.PublicFormat.Raw))

    def sign(self, claims: Mapping[str, Any]) -> str:
        body = _b64(json.dumps(dict(claims), separators=(",", ":"), sort_keys=True,
                               ensure_ascii=False).encode("utf-8"))
        head = f"{VERSION}.{self.kid}.{body}"
        token = f"{head}.{_b64(self.private.sign(head.encode('ascii')))}"
        if len(token) > MAX_TOKEN:
            raise SignatureError("sig.too_large", f"token of {len(token)} characters (max {MAX_TOKEN})")
        return token


def _check_kid(kid: str) -> None:
    if not kid or len(kid) > 64 or not kid.isascii() or not all(c.isalnum() or c in "-_" for c in kid):
        raise SignatureError("sig.bad_kid", f"key ids are 1-64 letters, digits, '-' or '_' (got {kid!r})")


def public_key(raw: str) -> Ed25519PublicKey:
    """A published public key (base64url of the 32 raw bytes)."""
    data = _unb64(raw)
    if len(data) != 32:
        raise SignatureError("sig.malformed", "an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(data)


def key_id(token: str) -> str:
    """The key id a token names (unverified: only to find the key)."""
    parts = token.split(".") if isinstance(token, str) and len(token) <= MAX_TOKEN else []
    if len(parts) != 4 or parts[0] != VERSION:
        raise SignatureError("sig.malformed", "not a signed token of this version")
    _check_kid(parts[1])
    return parts[1]


def verify(token: str, keys: Mapping[str, Ed25519PublicKey], *, now: float,
           leeway: int = LEEWAY) -> dict[str, Any]:
    """The token's claims, if a key in ``keys`` signed it and it has not expired at ``now``.

    Refusals, each with its code: ``sig.malformed``, ``sig.unknown_key`` (no such key,
    or a retired one), ``sig.bad_signature`` (forged or altered), ``sig.expired``,
    ``sig.not_yet_valid``.
    """
    kid = key_id(token)
    head, _, signature = token.rpartition(".")
    key = keys.get(kid)
    if key is None:
        raise SignatureError("sig.unknown_key", f"no public key {kid!r}")
    try:
        key.verify(_unb64(signature), head.encode("ascii"))
    except InvalidSignature:
        raise SignatureError("sig.bad_signature", "signature does not match") from None
    try:
        claims = json.loads(_unb64(head.split(".")[2]).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise SignatureError("sig.malformed", "claims are not JSON") from None
    if not isinstance(claims, dict):
        raise SignatureError("sig.malformed", "claims are not an object")
    exp, nbf = claims.get("exp"), claims.get("nbf")
    for name, value in (("exp", exp), ("nbf", nbf)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise SignatureError("sig.malformed", f"claim {name!r} must be whole seconds")
    if exp is not None and now > exp + leeway:
        raise SignatureError("sig.expired", f"expired at {exp}")
    if nbf is not None and now < nbf - leeway:
        raise SignatureError("sig.not_yet_valid", f"valid from {nbf}")
    return claims
