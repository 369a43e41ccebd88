"""EAN-13 check digits against published examples and an independent reference."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store_client.domain import ean


def reference_check_digit(body: str) -> int:
    """The GS1 rule written out plainly: weights 1,3,1,3... from the left of 12 digits."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return (10 - total % 10) % 10


@pytest.mark.parametrize("code", [
    "4006381333931",  # GS1 / Wikipedia example
    "9780201379624",  # ISBN-13 (Bookland EAN)
    "5901234123457",  # GS1 General Specifications sample
    "6901234567892",  # GS1 China prefix
    "0000000000000",
])
def test_published_codes_are_valid(code: str) -> None:
    assert ean.is_valid(code)
    assert ean.check_digit(code[:12]) == int(code[12])
    assert ean.complete(code[:12]) == code


@pytest.mark.parametrize("code", ["4006381333930", "9780201379625", "6901234567893", "6901234567882"])
def test_wrong_check_digit_or_transposition_is_invalid(code: str) -> None:
    assert not ean.is_valid(code)


@pytest.mark.parametrize("junk", [
    "", "690123456789", "69012345678921", "69012345678a2", " 6901234567892", "６９０１２３４５６７８９２",
    "690123456789\x00", None, 6901234567892, "-901234567892",
])
def test_junk_is_invalid_and_never_raises(junk: object) -> None:
    assert ean.is_valid(junk) is False  # type: ignore[arg-type]


@pytest.mark.parametrize("body", ["", "12345678901", "1234567890123", "12345678901x", "١٢٣٤٥٦٧٨٩٠١٢"])
def test_check_digit_rejects_malformed_bodies(body: str) -> None:
    with pytest.raises(ValueError):
        ean.check_digit(body)


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_fast_check_digit_agrees_with_reference(value: int) -> None:
    body = f"{value:012d}"
    assert ean.check_digit(body) == reference_check_digit(body) == ean.check_digit_of(value)
    code = ean.complete(body)
    assert ean.is_valid(code)
    wrong = code[:12] + str((int(code[12]) + 1) % 10)
    assert not ean.is_valid(wrong)


@given(st.integers(min_value=0, max_value=10**12 - 1), st.integers(min_value=0, max_value=11),
       st.integers(min_value=1, max_value=9))
def test_any_single_digit_error_is_detected(value: int, position: int, delta: int) -> None:
    code = ean.complete(f"{value:012d}")
    digits = list(code)
    digits[position] = str((int(digits[position]) + delta) % 10)
    assert not ean.is_valid("".join(digits))
