"""Pick-up codes: the 6-digit code with the phone's last 4 digits, and HQ's signed QR.

The till never receives a plain code. Per order it holds a *check*: a scrypt digest over
(order id, code, phone last 4) with a random salt, plus a 4-bit bucket so a typed code is
tested against about one order in sixteen rather than every open one. Someone with a copy
of the dataset must still try up to 10^10 code/phone pairs per order at one scrypt each
(~10 ms): about three CPU-years per order. The bucket narrows that sixteenfold at most.

The QR is ``PQ1.<order id>.<store>.<expiry, unix s>.<key id>.<Ed25519 signature>``, signed by HQ;
the till verifies it with HQ's public key (dataset ``store_settings``, row ``pickup_qr``).
Ed25519 comes from ``cryptography``: signatures are never written by hand.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

# cryptography (Rust bindings, ~11 MB resident) is imported where a QR is signed or checked,
# not by the Pick-up screen that only asks ``looks_like_qr`` at start-up.

LOG2_N, R, P = 13, 8, 1
MIN_LOG2_N, MAX_LOG2_N = 10, 16  # a tampered row cannot make a check burn memory or minutes
SALT_BYTES, KEY_BYTES = 16, 32
QR_PREFIX = "PQ1"
_CODE = re.compile(r"\d{6}")
_PHONE4 = re.compile(r"\d{4}")
_QR = re.compile(r"PQ1\.([0-9a-f-]{36})\.([A-Za-z0-9_]{1,32})\.(\d{1,12})\.([A-Za-z0-9_-]{1,16})"
                 r"\.([A-Za-z0-9_-]{86})")


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def valid_code(code: object) -> bool:
    return isinstance(code, str) and _CODE.fullmatch(code) is not None


def valid_phone4(phone4: object) -> bool:
    return isinstance(phone4, str) and _PHONE4.fullmatch(phone4) is not None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _bucket(order_id: str, code: str, phone4: str) -> int:
    return hashlib.sha256(f"bucket|{order_id}|{code}|{phone4}".encode()).digest()[0] & 0x0F


def make_check(order_id: str, code: str, phone4: str, *, log2_n: int | None = None) -> dict:
    """The per-order check HQ publishes (JSON-ready)."""
    if not (valid_code(code) and valid_phone4(phone4)):
        raise ValueError("a pick-up code is 6 digits and a phone tail 4 digits")
    cost = LOG2_N if log2_n is None else log2_n
    salt = secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(f"{order_id}|{code}|{phone4}".encode(), salt=salt, n=1 << cost, r=R,
                            p=P, dklen=KEY_BYTES, maxmem=64 * 1024 * 1024)
    return {"log2_n": cost, "salt": _b64(salt), "digest": _b64(digest),
            "bucket": _bucket(order_id, code, phone4)}


def bucket_matches(order_id: str, check: dict, code: str, phone4: str) -> bool:
    """The cheap pre-filter: False means this order is certainly not the one."""
    return check.get("bucket") == _bucket(order_id, code, phone4)


def check_matches(order_id: str, check: dict, code: str, phone4: str) -> bool:
    """True when (code, phone4) is this order's; a malformed check never matches."""
    if not (valid_code(code) and valid_phone4(phone4)):
        return False
    try:
        cost = int(check["log2_n"])
        salt, digest = _unb64(check["salt"]), _unb64(check["digest"])
    except (KeyError, TypeError, ValueError, binascii.Error):
        return False
    if not MIN_LOG2_N <= cost <= MAX_LOG2_N or len(digest) != KEY_BYTES:
        return False
    got = hashlib.scrypt(f"{order_id}|{code}|{phone4}".encode(), salt=salt, n=1 << cost, r=R,
                         p=P, dklen=KEY_BYTES, maxmem=64 * 1024 * 1024)
    return hmac.compare_digest(got, digest)


# -- the signed QR -------------------------------------------------------------------------
def new_signing_key() -> tuple[bytes, str]:
    """(private key raw bytes, public key as base64url) for HQ."""
    from cryptography.hazmat.primitives import serialization as ser
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(ser.Encoding.Raw, ser.PrivateFormat.Raw, ser.NoEncryption())
    public = key.public_key().public_bytes(ser.Encoding.Raw, ser.PublicFormat.Raw)
    return private, _b64(public)


def _signed_part(order_id: str, store_id: str, expires: int, key_id: str) -> str:
    return f"{QR_PREFIX}.{order_id}.{store_id}.{expires}.{key_id}"


def sign_qr(private_key: bytes, key_id: str, order_id: str, store_id: str, expires: int) -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    body = _signed_part(order_id, store_id, expires, key_id)
    return f"{body}.{_b64(Ed25519PrivateKey.from_private_bytes(private_key).sign(body.encode()))}"


def looks_like_qr(text: object) -> bool:
    return isinstance(text, str) and text.strip().startswith(QR_PREFIX + ".")


@dataclass(frozen=True)
class QrClaim:
    order_id: str
    store_id: str
    expires: int  # unix seconds


class QrRefused(ValueError):
    """``reason``: "malformed", "unknown_key", "forged" or "expired"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def verify_qr(text: str, public_keys: dict[str, str], now_unix: int) -> QrClaim:
    """The order the QR names, if HQ signed it and it has not expired; else :class:`QrRefused`."""
    m = _QR.fullmatch(text.strip()) if isinstance(text, str) else None
    if m is None:
        raise QrRefused("malformed")
    order_id, store_id, expires, key_id, sig = m.group(1), m.group(2), int(m.group(3)), \
        m.group(4), m.group(5)
    public = public_keys.get(key_id)
    if not public:
        raise QrRefused("unknown_key")
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(_unb64(public)).verify(
            _unb64(sig), _signed_part(order_id, store_id, expires, key_id).encode())
    except (InvalidSignature, ValueError, binascii.Error):
        raise QrRefused("forged") from None
    if now_unix > expires:
        raise QrRefused("expired")
    return QrClaim(order_id, store_id, expires)
