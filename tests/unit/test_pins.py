"""PIN hashing: slow salted scrypt, strict format checks, malformed hashes never verify."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store_client.domain import pins

FAST = 10  # scrypt n = 2**10: test speed; the default cost is checked separately

valid_pins = st.text(alphabet="0123456789", min_size=pins.MIN_PIN, max_size=pins.MAX_PIN)


def _fields(stored: str) -> list[str]:
    return stored.split("$")


def test_default_cost_is_scrypt_with_n_at_least_2_to_the_14() -> None:
    stored = pins.hash_pin("2468")  # one real, full-cost hash
    scheme, log2_n, r, p, salt, key = _fields(stored)
    assert scheme == "scrypt"
    assert 2 ** int(log2_n) >= 2**14
    assert int(r) >= 8 and int(p) >= 1
    assert len(base64.b64decode(salt)) >= 16 and len(base64.b64decode(key)) == 32
    assert pins.verify_pin("2468", stored)
    assert not pins.verify_pin("2469", stored)


def test_hash_never_contains_the_pin_and_is_salted() -> None:
    first, second = pins.hash_pin("135790", log2_n=FAST), pins.hash_pin("135790", log2_n=FAST)
    assert first != second
    assert _fields(first)[4] != _fields(second)[4]  # different salts
    assert "135790" not in first
    assert pins.verify_pin("135790", first) and pins.verify_pin("135790", second)


@settings(max_examples=25, deadline=None)
@given(pin=valid_pins, other=valid_pins)
def test_only_the_same_pin_verifies(pin: str, other: str) -> None:
    stored = pins.hash_pin(pin, log2_n=FAST)
    assert pins.verify_pin(pin, stored)
    assert pins.verify_pin(other, stored) == (other == pin)


def test_cost_follows_the_module_setting_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pins, "LOG2_N", 11)
    assert _fields(pins.hash_pin("2468"))[1] == "11"
    assert _fields(pins.dummy_hash())[1] == "11"


def _variants(good: str) -> list[str]:
    scheme, log2_n, r, p, salt, key = _fields(good)
    raw_key = base64.b64decode(key)
    flipped = base64.b64encode(bytes([raw_key[0] ^ 1]) + raw_key[1:]).decode()
    return [
        "",
        "garbage",
        good + "$extra",
        "$".join(["bcrypt", log2_n, r, p, salt, key]),
        "$".join([scheme, "x", r, p, salt, key]),
        "$".join([scheme, "30", r, p, salt, key]),  # absurd cost: refused, not computed
        "$".join([scheme, "3", r, p, salt, key]),
        "$".join([scheme, log2_n, "0", p, salt, key]),
        "$".join([scheme, log2_n, r, "999", salt, key]),
        "$".join([scheme, log2_n, r, p, "!!not base64!!", key]),
        "$".join([scheme, log2_n, r, p, "", key]),
        "$".join([scheme, log2_n, r, p, salt, key[:-8]]),
        "$".join([scheme, log2_n, r, p, salt, flipped]),
    ]


def test_malformed_or_tampered_hash_never_verifies() -> None:
    good = pins.hash_pin("2468", log2_n=FAST)
    assert pins.verify_pin("2468", good)
    for bad in _variants(good):
        assert pins.verify_pin("2468", bad) is False, bad


@pytest.mark.parametrize("stored", [None, 1234, b"scrypt$10$8$1$x$y"])
def test_non_text_hash_never_verifies(stored: object) -> None:
    assert pins.verify_pin("2468", stored) is False  # type: ignore[arg-type]


@pytest.mark.parametrize("pin", [None, 2468, b"2468", "２４６８"])
def test_non_ascii_or_non_text_pin_never_verifies(pin: object) -> None:
    stored = pins.hash_pin("2468", log2_n=FAST)
    assert pins.verify_pin(pin, stored) is False  # type: ignore[arg-type]


@pytest.mark.parametrize("pin", ["2468", "0000", "123456789012", "97531"])
def test_validate_pin_accepts_4_to_12_ascii_digits(pin: str) -> None:
    pins.validate_pin(pin)


@pytest.mark.parametrize(
    "pin",
    ["", "123", "1234567890123", "12a4", " 2468", "2468\n", "２４６８", "٢٤٦٨", "-246", None, 2468],
)
def test_validate_pin_refuses_everything_else(pin: object) -> None:
    with pytest.raises(pins.InvalidPin):
        pins.validate_pin(pin)  # type: ignore[arg-type]
    with pytest.raises(pins.InvalidPin):
        pins.hash_pin(pin, log2_n=FAST)  # type: ignore[arg-type]


@pytest.mark.parametrize("pin", ["1111", "1234", "4321", "0123456789", "98765", "000000"])
def test_new_pins_refuse_the_obvious_guesses(pin: str) -> None:
    pins.validate_pin(pin)  # a valid format...
    with pytest.raises(pins.InvalidPin):
        pins.validate_new_pin(pin)  # ...but not acceptable as a new PIN


@pytest.mark.parametrize("pin", ["2468", "1357", "1212", "8024", "13579"])
def test_new_pins_accept_ordinary_choices(pin: str) -> None:
    pins.validate_new_pin(pin)


@pytest.mark.parametrize("log2_n", [9, 21])
def test_hash_refuses_cost_outside_bounds(log2_n: int) -> None:
    with pytest.raises(ValueError):
        pins.hash_pin("2468", log2_n=log2_n)


def test_default_dummy_hash_is_a_real_hash_at_the_default_cost() -> None:
    dummy = pins.dummy_hash()
    assert dummy.split("$")[1:4] == [str(pins.LOG2_N), str(pins.R), str(pins.P)]
    assert pins.verify_pin("0000", dummy)  # well formed: verifying it costs a full scrypt
    with pytest.raises(pins.InvalidPin):
        pins.validate_new_pin("0000")  # and no operator can be given its PIN
