"""Classifying a scanned or typed code: product GTINs, in-store weight/price codes,
member, coupon, pickup, receipt and mobile-payment codes.

Everything a store may configure lives in :class:`BarcodeConfig`. :func:`classify`
never raises on bad input: it returns one of the result dataclasses below, or a
:class:`BarcodeRejected` with a :class:`RejectReason` and a sentence for the cashier.

Order of recognition (first match wins):

1. the configured special-code patterns, in the order member, coupon, pickup,
   receipt, payment (full match, after stripping whitespace and a scanner suffix);
2. all-digit codes: 13 digits whose prefix has an in-store layout -> in-store item;
   13 digits -> EAN-13, 12 -> UPC-A, 8 -> EAN-8, each with its GS1 check digit;
3. anything else -> rejected as an unknown format (the UI then offers a search).

In-store (GS1 restricted circulation, prefixes 20-29) layouts are written as a
13-character pattern, spaces ignored, e.g. ``"21 IIIII VVVVV C"``:

* a digit is a literal that must match (the prefix),
* ``I`` item digits (1-5: the PLU; weighed products have SKU ``PLU#####``),
  ``V`` value digits (price in fen times ``price_unit_fen``,
  or weight in grams), ``K`` the optional GS1 price/weight check digit over the
  4 or 5 ``V`` digits (GS1 General Specifications 7.9.3), ``C`` the EAN-13 check
  digit, ``X`` a digit that is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

from store_client.domain import ean
from store_client.domain.catalog import plu_sku

# -- check digits ---------------------------------------------------------------


def gs1_check_digit(body: str) -> int:
    """GS1 mod-10 check digit for the digits preceding it (EAN-8, UPC-A, EAN-13 bodies).

    The weights run from the right, so a shorter body left-padded with zeros has the
    same check digit as its EAN-13 form: one implementation, in :mod:`ean`.
    """
    if not isinstance(body, str) or not 1 <= len(body) <= 12:
        raise ValueError(f"a GS1 body is 1 to 12 digits, got {body!r}")
    return ean.check_digit(body.zfill(12))


def has_valid_check_digit(code: str) -> bool:
    return (len(code) >= 2 and code.isascii() and code.isdigit()
            and gs1_check_digit(code[:-1]) == int(code[-1]))


# Weighted-product tables of GS1 GenSpecs 7.9.3, indexed by digit.
_W2_MINUS = (0, 2, 4, 6, 8, 9, 1, 3, 5, 7)
_W3 = (0, 3, 6, 9, 2, 5, 8, 1, 4, 7)
_W5_PLUS = (0, 5, 1, 6, 2, 7, 3, 8, 4, 9)
_W5_MINUS = (0, 5, 9, 4, 8, 3, 7, 2, 6, 1)


def price_check_digit(value: str) -> int:
    """GS1 check digit for a 4- or 5-digit price/weight field (e.g. 2875 -> 9, 14685 -> 6)."""
    if not value.isascii() or not value.isdigit() or len(value) not in (4, 5):
        raise ValueError(f"price check digit needs 4 or 5 digits, got {value!r}")
    d = [int(c) for c in value]
    if len(d) == 4:
        total = _W2_MINUS[d[0]] + _W2_MINUS[d[1]] + _W3[d[2]] + _W5_MINUS[d[3]]
        return (total * 3) % 10
    total = _W5_PLUS[d[0]] + _W2_MINUS[d[1]] + _W5_MINUS[d[2]] + _W5_PLUS[d[3]] + _W2_MINUS[d[4]]
    return _W5_MINUS.index((10 - total % 10) % 10)


# -- configuration ----------------------------------------------------------------


class BarcodeConfigError(ValueError):
    """A barcode layout or pattern in the store configuration is unusable."""


@dataclass(frozen=True, slots=True)
class InStoreLayout:
    """One restricted-circulation layout (see the module docstring for the pattern)."""

    pattern: str
    value_kind: Literal["price", "weight"] = "price"
    price_unit_fen: int = 1  # a price field in jiao would be 10

    def __post_init__(self) -> None:
        compact = self.pattern.replace(" ", "")
        if len(compact) != 13:
            raise BarcodeConfigError(f"layout {self.pattern!r}: must describe 13 digits")
        if any(c not in "0123456789IVKCX" for c in compact):
            raise BarcodeConfigError(f"layout {self.pattern!r}: only digits and I V K C X allowed")
        prefix = self.prefix
        if len(prefix) < 2 or not ("20" <= prefix[:2] <= "29"):
            raise BarcodeConfigError(
                f"layout {self.pattern!r}: must start with a literal prefix 20-29")
        if any(c.isdigit() for c in compact[len(prefix):]):
            raise BarcodeConfigError(f"layout {self.pattern!r}: literal digits only as the prefix")
        if compact[-1] != "C" or compact.count("C") != 1:
            raise BarcodeConfigError(f"layout {self.pattern!r}: must end with one check digit C")
        if not 1 <= compact.count("I") <= 5 or compact.count("V") == 0:
            raise BarcodeConfigError(
                f"layout {self.pattern!r}: needs 1-5 I (item/PLU) digits and some V (value) digits")
        for letter in "IV":
            first, last = compact.index(letter), compact.rindex(letter)
            if compact[first:last + 1] != letter * (last - first + 1):
                raise BarcodeConfigError(
                    f"layout {self.pattern!r}: {letter} digits must be adjacent")
        if compact.count("K") > 1 or (compact.count("K") and compact.count("V") not in (4, 5)):
            raise BarcodeConfigError(
                f"layout {self.pattern!r}: a price check digit K needs exactly 4 or 5 V digits")
        if self.value_kind not in ("price", "weight"):
            raise BarcodeConfigError(
                f"value_kind must be 'price' or 'weight', got {self.value_kind!r}")
        if isinstance(self.price_unit_fen, bool) or not isinstance(self.price_unit_fen, int) \
                or self.price_unit_fen < 1:
            raise BarcodeConfigError("price_unit_fen must be a positive integer")

    @property
    def compact(self) -> str:
        return self.pattern.replace(" ", "")

    @property
    def prefix(self) -> str:
        compact = self.compact
        end = 0
        while end < len(compact) and compact[end].isdigit():
            end += 1
        return compact[:end]


def _compile(name: str, pattern: str | None) -> re.Pattern[str] | None:
    if not pattern:
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise BarcodeConfigError(f"{name} pattern {pattern!r}: {exc}") from exc


@dataclass(frozen=True)
class BarcodeConfig:
    """Per-store rules. Patterns are regular expressions that must match the whole code.

    The receipt pattern may use named groups ``store``, ``terminal`` and ``number``;
    the pickup and coupon patterns a group ``code`` (the part to look up).
    """

    in_store: tuple[InStoreLayout, ...] = (
        InStoreLayout("20 IIIII VVVVV C", "price"),
        InStoreLayout("21 IIIII VVVVV C", "weight"),
        InStoreLayout("22 IIIII K VVVV C", "price"),
    )
    member_pattern: str | None = r"M\d{8,12}"
    coupon_pattern: str | None = r"CP(?P<code>[A-Z0-9]{6,24})"
    pickup_pattern: str | None = r"PK(?P<code>\d{6,12})"
    receipt_pattern: str | None = (
        r"R(?P<store>[A-Za-z0-9_]{1,32})-(?P<terminal>[A-Za-z0-9_]{1,32})-(?P<number>\d{1,12})")
    # WeChat Pay (10-15) and Alipay (25-30) customer payment codes.
    payment_pattern: str | None = r"(1[0-5]\d{16}|(2[5-9]|30)\d{14,22})"
    max_length: int = 128
    _compiled: dict[str, re.Pattern[str] | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        prefixes = [layout.prefix for layout in self.in_store]
        for i, a in enumerate(prefixes):
            for b in prefixes[i + 1:]:
                if a.startswith(b) or b.startswith(a):
                    raise BarcodeConfigError(f"in-store prefixes {a!r} and {b!r} overlap")
        compiled = {
            "member": _compile("member", self.member_pattern),
            "coupon": _compile("coupon", self.coupon_pattern),
            "pickup": _compile("pickup", self.pickup_pattern),
            "receipt": _compile("receipt", self.receipt_pattern),
            "payment": _compile("payment", self.payment_pattern),
        }
        object.__setattr__(self, "_compiled", compiled)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> BarcodeConfig:
        """Build from a TOML-style table; ``in_store`` is a list of tables."""
        known = {"in_store", "member_pattern", "coupon_pattern", "pickup_pattern",
                 "receipt_pattern", "payment_pattern", "max_length"}
        unknown = set(data) - known
        if unknown:
            raise BarcodeConfigError(f"unknown barcode settings: {', '.join(sorted(unknown))}")
        kwargs: dict[str, Any] = {k: v for k, v in data.items() if k != "in_store"}
        for key, value in kwargs.items():
            if key == "max_length":
                if isinstance(value, bool) or not isinstance(value, int) or value < 8:
                    raise BarcodeConfigError("max_length must be an integer >= 8")
            elif value is not None and not isinstance(value, str):
                raise BarcodeConfigError(f"{key} must be a string")
            elif value == "":
                kwargs[key] = None
        if "in_store" in data:
            layouts = []
            for entry in data["in_store"]:
                if not isinstance(entry, Mapping) or "pattern" not in entry:
                    raise BarcodeConfigError("each in_store entry needs a pattern")
                extra = set(entry) - {"pattern", "value_kind", "price_unit_fen"}
                if extra:
                    raise BarcodeConfigError(f"unknown in_store keys: {', '.join(sorted(extra))}")
                layouts.append(InStoreLayout(**entry))
            kwargs["in_store"] = tuple(layouts)
        return cls(**kwargs)


# -- results ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProductCode:
    """A GTIN on a product. ``lookup`` is the 13-digit form used for catalog look-ups."""

    code: str
    symbology: Literal["EAN-13", "EAN-8", "UPC-A"]

    @property
    def lookup(self) -> str:
        return self.code.zfill(13) if self.symbology == "UPC-A" else self.code


@dataclass(frozen=True, slots=True)
class InStoreItem:
    """A weight or price embedded barcode printed by a store scale or label printer."""

    code: str
    plu: int  # the item digits; weighed products have SKU ``PLU#####``
    value_kind: Literal["price", "weight"]
    price_fen: int | None
    weight_grams: int | None

    @property
    def sku(self) -> str:
        return plu_sku(self.plu)


@dataclass(frozen=True, slots=True)
class MemberCode:
    code: str


@dataclass(frozen=True, slots=True)
class CouponCode:
    code: str
    coupon: str  # the part to look up (group "code", else the whole code)


@dataclass(frozen=True, slots=True)
class PickupCode:
    code: str
    pickup: str


@dataclass(frozen=True, slots=True)
class ReceiptCode:
    code: str
    store_id: str | None
    terminal_id: str | None
    number: int | None


@dataclass(frozen=True, slots=True)
class PaymentCode:
    code: str


class RejectReason(Enum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    BAD_CHARACTERS = "bad_characters"
    BAD_CHECK_DIGIT = "bad_check_digit"
    BAD_PRICE_CHECK_DIGIT = "bad_price_check_digit"
    UNKNOWN_FORMAT = "unknown_format"


@dataclass(frozen=True, slots=True)
class BarcodeRejected:
    code: str
    reason: RejectReason
    message: str


Classified = (ProductCode | InStoreItem | MemberCode | CouponCode | PickupCode | ReceiptCode
              | PaymentCode)

_GTIN_LENGTHS = {13: "EAN-13", 12: "UPC-A", 8: "EAN-8"}


def _clean(raw: str) -> str:
    return raw.strip().strip("\r\n\t\x00")


def classify(raw: str, config: BarcodeConfig | None = None) -> Classified | BarcodeRejected:
    """Tell what a scanned or typed code is; never raises for any string input."""
    config = config or DEFAULT_CONFIG
    if not isinstance(raw, str):
        return BarcodeRejected(repr(raw), RejectReason.BAD_CHARACTERS, "The code is not text.")
    code = _clean(raw)
    if not code:
        return BarcodeRejected(code, RejectReason.EMPTY, "Nothing was scanned.")
    if len(code) > config.max_length:
        return BarcodeRejected(code[:32], RejectReason.TOO_LONG,
                               f"The code is longer than {config.max_length} characters.")
    if not code.isprintable():
        return BarcodeRejected(code, RejectReason.BAD_CHARACTERS,
                               "The code contains control characters; rescan it.")
    special = _special(code, config)
    if special is not None:
        return special
    if code.isascii() and code.isdigit():
        return _numeric(code, config)
    return BarcodeRejected(code, RejectReason.UNKNOWN_FORMAT,
                           f"'{code}' is not a barcode this store knows; search for the product.")


def _special(code: str, config: BarcodeConfig) -> Classified | None:
    patterns = config._compiled
    if (p := patterns["member"]) and p.fullmatch(code):
        return MemberCode(code)
    if (p := patterns["coupon"]) and (m := p.fullmatch(code)):
        return CouponCode(code, m.groupdict().get("code") or code)
    if (p := patterns["pickup"]) and (m := p.fullmatch(code)):
        return PickupCode(code, m.groupdict().get("code") or code)
    if (p := patterns["receipt"]) and (m := p.fullmatch(code)):
        groups = m.groupdict()
        number = groups.get("number")
        return ReceiptCode(code, groups.get("store"), groups.get("terminal"),
                           int(number) if number and number.isdigit() else None)
    if (p := patterns["payment"]) and p.fullmatch(code):
        return PaymentCode(code)
    return None


def _numeric(code: str, config: BarcodeConfig) -> Classified | BarcodeRejected:
    symbology = _GTIN_LENGTHS.get(len(code))
    if symbology is None:
        return BarcodeRejected(code, RejectReason.UNKNOWN_FORMAT,
                               f"A {len(code)}-digit number is not a barcode this store knows; "
                               "search for the product.")
    if not has_valid_check_digit(code):
        expected = gs1_check_digit(code[:-1])
        return BarcodeRejected(code, RejectReason.BAD_CHECK_DIGIT,
                               f"Bad check digit in {symbology} {code} (expected {expected}); "
                               "rescan or type the code.")
    if len(code) == 13:
        for layout in config.in_store:
            if code.startswith(layout.prefix):
                return _in_store(code, layout)
    return ProductCode(code, symbology)  # type: ignore[arg-type]


def _in_store(code: str, layout: InStoreLayout) -> InStoreItem | BarcodeRejected:
    pattern = layout.compact
    item = "".join(c for c, p in zip(code, pattern) if p == "I")
    value = "".join(c for c, p in zip(code, pattern) if p == "V")
    if "K" in pattern:
        given = int(code[pattern.index("K")])
        if price_check_digit(value) != given:
            return BarcodeRejected(code, RejectReason.BAD_PRICE_CHECK_DIGIT,
                                   f"The {layout.value_kind} in {code} fails its check digit; "
                                   "reprint the label.")
    amount = int(value)
    if layout.value_kind == "price":
        return InStoreItem(code, int(item), "price", amount * layout.price_unit_fen, None)
    return InStoreItem(code, int(item), "weight", None, amount)


DEFAULT_CONFIG = BarcodeConfig()
