"""Display and entry of amounts, quantities and percentages for the checkout (Qt-free).

Money stays integer fen: typed amounts go through :meth:`Money.parse`, percentages
through :class:`~decimal.Decimal` into basis points, never through ``float``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from store_client.domain.money import BASIS_POINTS, MINOR_UNITS, Money

GRAMS_PER_KG = 1000


@lru_cache(maxsize=8192)
def money_text(fen: int, currency: str, locale: str) -> str:
    """What ``Money.format`` (Babel) writes, fast: every scan formats new totals, and a Babel
    call costs ~0.1-0.3 ms. Babel still decides the symbol, the separators and where the sign
    goes (read once per currency and locale from two probes); an unusual shape (another
    grouping) is formatted by Babel every time."""
    shape = _money_shape(currency, locale)
    if shape is None:
        return Money(fen, currency).format(locale)
    prefix, negative_prefix, suffix, group, decimal, digits = shape
    whole, part = divmod(abs(fen), MINOR_UNITS[currency])
    text = f"{whole:,}".replace(",", group) if group else str(whole)
    if digits:
        text += f"{decimal}{part:0{digits}d}"
    return f"{negative_prefix if fen < 0 else prefix}{text}{suffix}"


_PROBE_FEN = 123_456_789  # 1,234,567.89: a group separator twice, every digit distinct
_Shape = tuple[str, str, str, str, str, int]

#: What :func:`_babel_shape` gives for the till's currencies in its languages, written out:
#: a till then never loads Babel and its locale data (~7 MB of a till's memory) to format
#: money. A test holds every entry to Babel's answer.
KNOWN_SHAPES: dict[tuple[str, str], _Shape] = {
    ("CNY", "zh_CN"): ("¥", "-¥", "", ",", ".", 2),
    ("CNY", "en"): ("CN¥", "-CN¥", "", ",", ".", 2),
    ("HKD", "zh_CN"): ("HK$", "-HK$", "", ",", ".", 2),
    ("HKD", "en"): ("HK$", "-HK$", "", ",", ".", 2),
    ("USD", "zh_CN"): ("US$", "-US$", "", ",", ".", 2),
    ("USD", "en"): ("$", "-$", "", ",", ".", 2),
    ("EUR", "zh_CN"): ("€", "-€", "", ",", ".", 2),
    ("EUR", "en"): ("€", "-€", "", ",", ".", 2),
}


def _money_shape(currency: str, locale: str) -> _Shape | None:
    return KNOWN_SHAPES.get((currency, locale)) or _babel_shape(currency, locale)


@lru_cache(maxsize=16)
def _babel_shape(currency: str, locale: str) -> _Shape | None:
    """(prefix, negative prefix, suffix, group separator, decimal separator, decimals) as
    Babel formats ``currency`` in ``locale``, or None if it is not prefix-digits-suffix."""
    units = MINOR_UNITS[currency]
    digits = len(str(units)) - 1
    if 10 ** digits != units:
        return None
    positive = Money(_PROBE_FEN, currency).format(locale)
    negative = Money(-_PROBE_FEN, currency).format(locale)
    whole, part = divmod(_PROBE_FEN, units)
    match = re.fullmatch(r"(\D*)1(?P<group>\D?)234(?P=group)567(?:(\D)(\d+))?(\D*)", positive)
    if match is None:
        return None
    prefix, group, decimal, fraction, suffix = match.groups()
    if digits and (fraction != f"{part:0{digits}d}" or not decimal):
        return None
    body = positive[len(prefix):len(positive) - len(suffix)]
    if not negative.endswith(body + suffix):
        return None
    return prefix, negative[:len(negative) - len(body) - len(suffix)], suffix, group, \
        decimal or "", digits


def quantity_text(quantity: int, unit: str, kg_label: str = "kg") -> str:
    """Units as an integer; weighed lines hold grams and show kilograms with 3 decimals."""
    if str(unit) == "kg":
        sign = "-" if quantity < 0 else ""
        kilos, grams = divmod(abs(quantity), GRAMS_PER_KG)
        return f"{sign}{kilos}.{grams:03d} {kg_label}"
    return str(quantity)


_AMOUNT = re.compile(r"\d{1,9}(\.\d{0,2})?|\.\d{1,2}")


def parse_amount(text: str, currency: str = "CNY") -> int:
    """Fen from what a cashier typed ("12", "12.5", "¥1,200"); raises ValueError for anything else.

    Plain digits only: Decimal alone would take "1e400" or "NaN" from a slip of the keypad.
    """
    cleaned = text.strip().replace(",", "").replace("¥", "").replace("￥", "").strip()
    if not _AMOUNT.fullmatch(cleaned):
        raise ValueError(f"not an amount: {text!r}")
    value = Money.parse(cleaned, currency).minor
    if value <= 0:
        raise ValueError("amount must be positive")
    return value


def parse_percent(text: str) -> int:
    """Basis points from a typed percentage ("10", "12.5", "12.5%"); 0 < p <= 100."""
    cleaned = text.strip().rstrip("%").strip()
    if not re.fullmatch(r"\d{1,3}(\.\d{1,2})?", cleaned):
        raise ValueError(f"not a percentage: {text!r}")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"not a percentage: {text!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not a percentage: {text!r}")
    basis = value * 100
    if basis != basis.to_integral_value():
        raise ValueError(f"at most two decimals: {text!r}")
    points = int(basis)
    if not 0 < points <= BASIS_POINTS:
        raise ValueError("percentage must be above 0 and at most 100")
    return points


def parse_quantity(text: str, maximum: int = 9999) -> int:
    cleaned = text.strip()
    if not cleaned.isascii() or not cleaned.isdigit():
        raise ValueError(f"not a whole number: {text!r}")
    value = int(cleaned)
    if not 1 <= value <= maximum:
        raise ValueError(f"quantity must be 1 to {maximum}")
    return value


def quick_cash_amounts(due_fen: int) -> list[int]:
    """Exact, then the amount due rounded up to 10 / 50 / 100 yuan, without repeats."""
    if due_fen <= 0:
        return []
    amounts = [due_fen]
    for step in (1000, 5000, 10000):
        rounded = -(-due_fen // step) * step
        if rounded not in amounts:
            amounts.append(rounded)
    return amounts
