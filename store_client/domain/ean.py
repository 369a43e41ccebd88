"""EAN-13: check digit and validation (GS1 General Specifications, section 7.9).

Kept deliberately small and exact; classifying scanned codes (weight codes,
coupons, ISBN ...) belongs to the checkout's barcode module.
"""

from __future__ import annotations

# Weighted digit sums of every 4-digit chunk (weights 1,3,1,3 from the left): a
# 12-digit body is three such chunks, so the check digit costs three lookups.
# The generator computes millions of check digits; this keeps that cheap.
_CHUNK_SUM = tuple(
    (n // 1000) + 3 * (n // 100 % 10) + (n // 10 % 10) + 3 * (n % 10) for n in range(10_000)
)


def check_digit(body: str) -> int:
    """The check digit of a 12-digit EAN-13 body."""
    if len(body) != 12 or not body.isascii() or not body.isdigit():
        raise ValueError(f"an EAN-13 body is 12 digits, got {body!r}")
    return check_digit_of(int(body))


def check_digit_of(value: int) -> int:
    """The check digit of a body given as an int 0 <= value < 10**12 (no validation: hot path)."""
    total = _CHUNK_SUM[value // 100_000_000] + _CHUNK_SUM[value // 10_000 % 10_000] \
        + _CHUNK_SUM[value % 10_000]
    return -total % 10


def complete(body: str) -> str:
    """The full 13-digit code for a 12-digit body."""
    return body + str(check_digit(body))


def is_valid(code: str) -> bool:
    """True for 13 ASCII digits whose last digit is the right check digit; never raises."""
    if not isinstance(code, str) or len(code) != 13 or not code.isascii() or not code.isdigit():
        return False
    return check_digit(code[:12]) == int(code[12])
