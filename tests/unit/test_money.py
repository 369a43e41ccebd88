from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from store_client.domain.money import (
    CurrencyMismatch,
    Money,
    allocate,
    round_half_up,
    vat_included,
)

amounts = st.integers(min_value=-10**12, max_value=10**12)


def test_round_half_up_goes_away_from_zero_at_half():
    assert round_half_up(5, 2) == 3
    assert round_half_up(-5, 2) == -3
    assert round_half_up(149, 100) == 1
    assert round_half_up(150, 100) == 2
    assert round_half_up(-150, 100) == -2
    assert round_half_up(7, -2) == -4


def test_round_half_up_rejects_zero_denominator():
    with pytest.raises(ZeroDivisionError):
        round_half_up(1, 0)
    with pytest.raises(ZeroDivisionError):
        round_half_up(0, 0)


def test_round_half_up_of_zero_and_below_half():
    assert round_half_up(0, 7) == 0
    assert round_half_up(0, -7) == 0
    assert round_half_up(-1, 3) == 0  # -0.33 -> 0, never -1
    assert round_half_up(-2, 3) == -1  # -0.67 -> -1
    assert round_half_up(-3, -2) == 2  # 1.5 -> 2


@given(st.integers(-10**15, 10**15), st.integers(1, 10**6))
@example(0, 7)
@example(-1, 3)  # -0.33: 0, never -1
@example(-5, 2)  # -2.5: -3, away from zero
@example(149, 100)
def test_round_half_up_matches_decimal_round_half_up(numerator, denominator):
    from decimal import ROUND_HALF_UP, localcontext

    with localcontext() as ctx:
        ctx.prec = 60
        expected = (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1), ROUND_HALF_UP)
    assert round_half_up(numerator, denominator) == int(expected)


@given(amounts, st.lists(st.integers(0, 10**9), min_size=1, max_size=50).filter(any))
@example(2, [1, 2])  # the leftover fen goes to the larger remainder (0.67), not part (1.33)
@example(-100, [1, 1, 1])
@example(5, [0, 3, 0])
def test_allocate_sums_exactly_and_follows_the_largest_remainders(total, weights):
    parts = allocate(total, weights)
    assert sum(parts) == total
    weight_sum, magnitude = sum(weights), abs(total)
    up, down = [], []  # (remainder, index) of the parts rounded up / down
    for i, (part, weight) in enumerate(zip(parts, weights)):
        floor, remainder = divmod(magnitude * weight, weight_sum)
        assert abs(part) in (floor, floor + 1) and (part <= 0 if total < 0 else part >= 0)
        (up if abs(part) == floor + 1 else down).append((remainder, i))
        if weight == 0:
            assert part == 0
    # every part rounded up had a larger remainder than every part rounded down (ties: the
    # earlier weight first)
    for r_up, i_up in up:
        for r_down, i_down in down:
            assert r_up > r_down or (r_up == r_down and i_up < i_down)


def _allocate_by_the_book(total: int, weights: list[int]) -> list[int]:
    """Largest remainders written out plainly: floors, then one more fen to each of the
    largest remainders in turn (ties: the earlier weight)."""
    magnitude, weight_sum = abs(total), sum(weights)
    floors = [magnitude * w // weight_sum for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(magnitude * weights[i] % weight_sum), i))
    for i in order[:magnitude - sum(floors)]:
        floors[i] += 1
    return floors if total >= 0 else [-f for f in floors]


@settings(max_examples=300)
@given(amounts, st.lists(st.sampled_from([0, 1, 7, 199, 1000, 2999, 10**6]), min_size=1,
                         max_size=600).filter(any))
def test_allocate_over_a_long_cart_with_many_equal_remainders_is_the_plain_method(total, weights):
    """A threshold spread over 500 lines, many of the same price (equal remainders at the
    cut): the C-loop allocation gives what the plain method gives, fen for fen."""
    assert allocate(total, weights) == _allocate_by_the_book(total, weights)


def test_allocate_is_deterministic_and_gives_ties_to_the_earlier_line():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]
    assert allocate(0, [0, 5]) == [0, 0]


def test_allocate_gives_the_leftover_to_the_largest_remainder_not_the_largest_part():
    # 2 x 1/3 = 0.67 and 2 x 2/3 = 1.33: the fen left after the floors (0 + 1) goes to the
    # first line, whose remainder (0.67) is the larger, although its part is the smaller.
    assert allocate(2, [1, 2]) == [1, 1]
    assert allocate(-2, [1, 2]) == [-1, -1]
    assert allocate(5, [1, 1, 2]) == [1, 1, 3]  # 1.25, 1.25, 2.5: the tie goes to the 2.5


@pytest.mark.parametrize("weights, message", [
    ([], "no weights"), ([0, 0], "all be zero"), ([1, -1], "negative"),
    ([3, -1], "negative"),  # sums to 2: only the sign check refuses it
    ([-1, -1], "negative"),
])
def test_allocate_refuses_meaningless_weights(weights, message):
    with pytest.raises(ValueError, match=message):
        allocate(10, weights)


def test_allocate_nothing_over_nothing_is_empty():
    assert allocate(0, []) == []


def test_money_refuses_floats_and_bools():
    with pytest.raises(TypeError):
        Money(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True)  # type: ignore[arg-type]


@pytest.mark.parametrize("other", [1, 1.5, Decimal("1"), None])
def test_money_combines_only_with_money(other):
    with pytest.raises(TypeError, match="cannot combine Money"):
        Money(100) + other  # type: ignore[operator]
    with pytest.raises(TypeError, match="cannot combine Money"):
        Money(100) - other  # type: ignore[operator]
    with pytest.raises(TypeError):  # no scaling by a rate or a count: use percent()
        Money(100) * 2  # type: ignore[operator]


def test_money_refuses_mixing_currencies():
    with pytest.raises(CurrencyMismatch):
        Money(1, "CNY") + Money(1, "USD")
    with pytest.raises(CurrencyMismatch):
        Money(1, "CNY") - Money(2, "USD")
    with pytest.raises(CurrencyMismatch):
        Money.sum([Money(1, "USD")])  # the sum is in CNY unless told
    assert Money.sum([Money(1, "USD")], "USD") == Money(1, "USD")


def test_money_refuses_unknown_currency():
    with pytest.raises(ValueError):
        Money(1, "XXX")


@given(amounts, amounts)
@example(500, 300)
@example(-1, 1)
def test_money_arithmetic_is_integer_exact(a, b):
    assert (Money(a) + Money(b)).minor == a + b
    assert (Money(a) - Money(b)).minor == a - b
    assert (-Money(a)).minor == -a


def test_money_adds_subtracts_and_negates_in_minor_units():
    assert Money(500) + Money(-300) == Money(200)
    assert Money(500) - Money(300) == Money(200) and Money(300) - Money(500) == Money(-200)
    assert -Money(5) == Money(-5) and -Money(0) == Money(0)


def test_percent_rounds_half_up_to_the_fen():
    assert Money(999).percent(1000) == Money(100)  # 99.9 -> 100
    assert Money(1005).percent(5000) == Money(503)  # 502.5 -> 503
    assert Money(-1005).percent(5000) == Money(-503)


def test_vat_included_in_a_gross_price():
    # 113.00 at 13 % VAT contains 13.00
    assert vat_included(Money(11300), 1300) == Money(1300)
    assert vat_included(Money(0), 1300) == Money(0)
    assert vat_included(Money(100), 900) == Money(8)  # 8.26 -> 8


@pytest.mark.parametrize(
    "text, minor",
    [("12", 1200), ("12.5", 1250), ("12.50", 1250), ("¥1,234.56", 123456), (" 0.01 ", 1), ("-3", -300)],
)
def test_parse_typed_amounts(text, minor):
    assert Money.parse(text) == Money(minor)


@pytest.mark.parametrize("currency", ["CNY", "HKD", "USD", "EUR"])
def test_every_supported_currency_has_two_decimals(currency):
    assert Money.parse("1.23", currency) == Money(123, currency)
    assert str(Money(123, currency)) == f"1.23 {currency}"
    assert Money(123, currency).to_decimal() == Decimal("1.23")
    with pytest.raises(ValueError, match="too many decimals"):
        Money.parse("1.234", currency)


@pytest.mark.parametrize("text", ["", "abc", "1.234", "NaN", "Infinity", "1e400x", "0.001",
                                  "1e3", "1E2", "1_000", "+-5", "12 50", "0x10", "--1"])
def test_parse_refuses_bad_or_over_precise_input(text):
    with pytest.raises(ValueError):
        Money.parse(text)


def test_formatting_follows_the_locale():
    assert Money(123450).format("zh_CN") == "¥1,234.50"
    assert Money(123450).format("en") == "CN¥1,234.50"
    assert Money(-5).format("zh_CN") == "-¥0.05"
    assert str(Money(-5)) == "-0.05 CNY"


@pytest.mark.parametrize("minor, text", [(0, "0.00 CNY"), (1, "0.01 CNY"), (-1, "-0.01 CNY"),
                                         (-100, "-1.00 CNY"), (123456, "1234.56 CNY")])
def test_str_has_a_sign_only_below_zero(minor, text):
    assert str(Money(minor)) == text  # zero is never "-0.00"


def test_sum_and_allocate_on_money():
    assert Money.sum([Money(1), Money(2)]) == Money(3)
    assert Money(10).allocate([1, 2]) == [Money(3), Money(7)]
