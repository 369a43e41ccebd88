"""PIN hashing: scrypt with a per-PIN random salt, never stored in clear.

Format: ``scrypt$<log2 n>$<r>$<p>$<salt b64>$<hash b64>`` so cost parameters can
be raised later while old hashes still verify. A stored hash whose parameters
are outside sane bounds never verifies (a tampered row cannot make a login
burn gigabytes of memory or minutes of CPU).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import itertools
import secrets

LOG2_N, R, P = 14, 8, 1  # ~16 MiB, ~50 ms: slow for an attacker, fine at a login
SALT_BYTES, KEY_BYTES = 16, 32
MIN_PIN, MAX_PIN = 4, 12
MIN_LOG2_N, MAX_LOG2_N = 10, 20  # accepted when verifying; 10 only for tests
MAX_R, MAX_P = 32, 16


class InvalidPin(ValueError):
    pass


def validate_pin(pin: str) -> None:
    """A PIN is 4 to 12 ASCII digits."""
    if (not isinstance(pin, str) or not (MIN_PIN <= len(pin) <= MAX_PIN)
            or not pin.isascii() or not pin.isdigit()):
        raise InvalidPin(f"a PIN is {MIN_PIN} to {MAX_PIN} digits")


def validate_new_pin(pin: str) -> None:
    """Format, plus refusing the PINs anyone would try first (1111, 1234, 9876...)."""
    validate_pin(pin)
    steps = {int(b) - int(a) for a, b in itertools.pairwise(pin)}
    if steps in ({0}, {1}, {-1}):
        raise InvalidPin("choose a PIN that is not all one digit or a run like 1234")


def _derive(pin: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=1 << log2_n, r=r, p=p, dklen=KEY_BYTES,
        maxmem=256 * 1024 * 1024,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_pin(pin: str, *, log2_n: int | None = None) -> str:
    """Hash a PIN with a fresh salt; ``log2_n`` defaults to the module's :data:`LOG2_N`."""
    validate_pin(pin)
    cost = LOG2_N if log2_n is None else log2_n
    if not MIN_LOG2_N <= cost <= MAX_LOG2_N:
        raise ValueError(f"log2_n must be between {MIN_LOG2_N} and {MAX_LOG2_N}")
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(pin, salt, cost, R, P)
    return f"scrypt${cost}${R}${P}${_b64(salt)}${_b64(key)}"


def verify_pin(pin: str, stored: str) -> bool:
    """Constant-time comparison; a malformed stored hash never verifies."""
    try:
        scheme, log2_n_s, r_s, p_s, salt_b64, key_b64 = stored.split("$")
        log2_n, r, p = int(log2_n_s), int(r_s), int(p_s)
        if scheme != "scrypt" or not isinstance(pin, str):
            return False
        if not (MIN_LOG2_N <= log2_n <= MAX_LOG2_N and 1 <= r <= MAX_R and 1 <= p <= MAX_P):
            return False
        salt = base64.b64decode(salt_b64, validate=True)
        expected = base64.b64decode(key_b64, validate=True)
        if len(expected) != KEY_BYTES or not salt:
            return False
        key = _derive(pin, salt, log2_n, r, p)
    except (ValueError, TypeError, AttributeError, binascii.Error, UnicodeEncodeError):
        return False
    return hmac.compare_digest(key, expected)


# Precomputed at the default cost, so the first unknown id is not slower than the rest
# (and start-up does not pay for it). Its PIN is "0000", which validate_new_pin refuses.
_DEFAULT_DUMMY = ("scrypt$14$8$1$WzAXrcmD2NqAkZyWwvp+vQ==$"
                  "iz3vvYMhtc6eKWMb8KUMleEC7o6sMr9aw/P/rqqzTqo=")


@functools.cache
def _dummy_hash(log2_n: int) -> str:
    if _DEFAULT_DUMMY.split("$")[1:4] == [str(log2_n), str(R), str(P)]:
        return _DEFAULT_DUMMY
    return hash_pin("0" * MIN_PIN, log2_n=log2_n)


def dummy_hash() -> str:
    """A hash at the current cost to verify against when an operator id is unknown,
    so a refusal takes as long as a real check and timing does not reveal which ids exist."""
    return _dummy_hash(LOG2_N)
