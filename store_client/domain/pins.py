"""PIN hashing: scrypt with a per-PIN random salt, never stored in clear.

Format: ``scrypt$<log2 n>$<r>$<p>$<salt b64>$<hash b64>`` so cost parameters can
be raised later while old hashes still verify.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

LOG2_N, R, P = 14, 8, 1  # ~16 MiB, ~50 ms: slow for an attacker, fine at a login
SALT_BYTES, KEY_BYTES = 16, 32
MIN_PIN, MAX_PIN = 4, 12


class InvalidPin(ValueError):
    pass


def validate_pin(pin: str) -> None:
    if not (MIN_PIN <= len(pin) <= MAX_PIN) or not pin.isdigit() or not pin.isascii():
        raise InvalidPin(f"a PIN is {MIN_PIN} to {MAX_PIN} digits")


def _derive(pin: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=1 << log2_n, r=r, p=p, dklen=KEY_BYTES,
        maxmem=256 * 1024 * 1024,
    )


def hash_pin(pin: str, *, log2_n: int = LOG2_N) -> str:
    validate_pin(pin)
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(pin, salt, log2_n, R, P)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"scrypt${log2_n}${R}${P}${b64(salt)}${b64(key)}"


def verify_pin(pin: str, stored: str) -> bool:
    """Constant-time comparison; a malformed stored hash never verifies."""
    try:
        scheme, log2_n, r, p, salt_b64, key_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt, expected = base64.b64decode(salt_b64), base64.b64decode(key_b64)
        key = _derive(pin, salt, int(log2_n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(key, expected)
