"""The cart being sold: an immutable value, every change returns a new cart.

A refused change raises :class:`CartError` and leaves the old cart untouched, so
bad input can never corrupt what is on screen or persisted. Amounts are integer
fen (``*_fen``); quantities are whole units, or grams for products sold by the kg.
:meth:`Cart.to_dict` / :meth:`Cart.from_dict` give a JSON-compatible form for the
crash-safe copy written on every change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from enum import Enum
from itertools import compress
from operator import attrgetter, not_
from typing import Any

from store_client.domain.catalog import ProductInfo, Unit
from store_client.domain.money import BASIS_POINTS, round_half_up

_VOIDED = attrgetter("voided")

FORMAT_VERSION = 1
GRAMS_PER_KG = 1000


class CartErrorCode(Enum):
    QUANTITY_NOT_POSITIVE = "quantity_not_positive"
    QUANTITY_TOO_LARGE = "quantity_too_large"
    PRICE_NOT_POSITIVE = "price_not_positive"
    PRICE_TOO_LARGE = "price_too_large"
    INACTIVE_PRODUCT = "inactive_product"
    TOO_MANY_LINES = "too_many_lines"
    UNKNOWN_LINE = "unknown_line"
    LINE_VOIDED = "line_voided"
    REASON_REQUIRED = "reason_required"
    BAD_DISCOUNT = "bad_discount"
    BAD_DATA = "bad_data"


class CartError(ValueError):
    def __init__(self, code: CartErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class CartLimits:
    max_quantity: int = 999  # units per line
    max_weight_grams: int = 50_000  # per weighed line
    max_lines: int = 500
    max_unit_price_fen: int = 10_000_000  # 100,000 CNY


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _reason(text: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise CartError(CartErrorCode.REASON_REQUIRED, "A reason is required.")
    return text.strip()


@dataclass(frozen=True, slots=True)
class LineProduct:
    """The product as it was when scanned: later catalog changes do not reprice the cart."""

    sku: str
    name_zh: str
    name_en: str
    unit: Unit
    unit_price_fen: int  # VAT-inclusive; per kg when unit is KG
    tax_rate_bp: int
    category_code: str = ""

    @classmethod
    def from_product(cls, product: ProductInfo) -> LineProduct:
        return cls(product.sku, product.name_zh, product.name_en, product.unit,
                   product.price.minor, product.tax_rate_bp, product.category_code)

    @property
    def weighed(self) -> bool:
        return self.unit is Unit.KG


@dataclass(frozen=True, slots=True)
class PriceOverride:
    unit_price_fen: int
    reason: str
    approved_by: str | None = None


@dataclass(frozen=True, slots=True)
class ManualDiscount:
    """A cashier's discount: a fixed amount or a percentage (basis points), never both."""

    reason: str
    amount_fen: int | None = None
    percent_bp: int | None = None
    approved_by: str | None = None

    def __post_init__(self) -> None:
        if (self.amount_fen is None) == (self.percent_bp is None):
            raise CartError(CartErrorCode.BAD_DISCOUNT, "Give either an amount or a percentage.")
        if self.amount_fen is not None and (not _is_int(self.amount_fen) or self.amount_fen <= 0):
            raise CartError(CartErrorCode.BAD_DISCOUNT, "A discount amount must be above zero.")
        if self.percent_bp is not None and (
                not _is_int(self.percent_bp) or not 0 < self.percent_bp <= BASIS_POINTS):
            raise CartError(CartErrorCode.BAD_DISCOUNT, "A discount percentage is 0.01 % to 100 %.")
        _reason(self.reason)

    def amount_on(self, net_fen: int) -> int:
        """The discount on ``net_fen``, never more than it."""
        if net_fen <= 0:
            return 0
        if self.amount_fen is not None:
            return min(self.amount_fen, net_fen)
        return min(round_half_up(net_fen * (self.percent_bp or 0), BASIS_POINTS), net_fen)


@dataclass(frozen=True, slots=True)
class CartLine:
    line_id: int
    product: LineProduct
    quantity: int  # units, or grams when measured_in_grams
    embedded_price_fen: int | None = None  # price from an in-store price barcode (per label)
    price_override: PriceOverride | None = None
    discount: ManualDiscount | None = None
    voided: bool = False
    void_reason: str | None = None

    @property
    def measured_in_grams(self) -> bool:
        return self.product.weighed and self.embedded_price_fen is None

    @property
    def unit_price_fen(self) -> int:
        if self.price_override is not None:
            return self.price_override.unit_price_fen
        if self.embedded_price_fen is not None:
            return self.embedded_price_fen
        return self.product.unit_price_fen

    @property
    def gross_fen(self) -> int:
        if self.measured_in_grams:
            return round_half_up(self.unit_price_fen * self.quantity, GRAMS_PER_KG)
        return self.unit_price_fen * self.quantity


def pricing_order(line: CartLine) -> tuple:
    """The key lines are priced in (and a rate's VAT split over them): by content, so the
    order of scanning changes nothing."""
    p, o, d = line.product, line.price_override, line.discount
    return (p.sku, p.category_code, p.tax_rate_bp, p.unit_price_fen, p.unit.value, line.quantity,
            line.embedded_price_fen or 0, o.unit_price_fen if o else 0,
            (d.amount_fen or 0, d.percent_bp or 0) if d else (0, 0), line.line_id)


@dataclass(frozen=True)
class Cart:
    lines: tuple[CartLine, ...] = ()
    member_id: str | None = None
    coupon_codes: tuple[str, ...] = ()
    discount: ManualDiscount | None = None
    next_line_id: int = 1
    limits: CartLimits = field(default=CartLimits(), compare=False)

    # -- queries ------------------------------------------------------------------
    @cached_property
    def active_lines(self) -> tuple[CartLine, ...]:
        """Read several times per scan (pricing, the view): worked out once per cart (a cart
        is immutable; a change makes a new one)."""
        return tuple(compress(self.lines, map(not_, map(_VOIDED, self.lines))))  # in C

    @property
    def is_empty(self) -> bool:
        return not self.active_lines

    def line(self, line_id: int) -> CartLine:
        for line in self.lines:
            if line.line_id == line_id:
                return line
        raise CartError(CartErrorCode.UNKNOWN_LINE, f"There is no line {line_id}.")

    # -- checks -------------------------------------------------------------------
    def _check_quantity(self, product: LineProduct, quantity: int, in_grams: bool) -> None:
        if not _is_int(quantity) or quantity <= 0:
            raise CartError(CartErrorCode.QUANTITY_NOT_POSITIVE, "The quantity must be above zero.")
        if in_grams and quantity > self.limits.max_weight_grams:
            raise CartError(CartErrorCode.QUANTITY_TOO_LARGE, f"{quantity} g is over the "
                            f"maximum of {self.limits.max_weight_grams} g.")
        if not in_grams and quantity > self.limits.max_quantity:
            raise CartError(CartErrorCode.QUANTITY_TOO_LARGE, f"{quantity} is over the "
                            f"maximum quantity of {self.limits.max_quantity}.")

    def _check_price(self, price_fen: object) -> None:
        if not _is_int(price_fen) or price_fen <= 0:  # type: ignore[operator]
            raise CartError(CartErrorCode.PRICE_NOT_POSITIVE, "A price must be above zero.")
        if price_fen > self.limits.max_unit_price_fen:  # type: ignore[operator]
            raise CartError(CartErrorCode.PRICE_TOO_LARGE, "The price is over the allowed maximum.")

    @staticmethod
    def _check_gross(line: CartLine) -> CartLine:
        if line.gross_fen <= 0:
            raise CartError(CartErrorCode.PRICE_NOT_POSITIVE,
                            "This quantity is too small to be worth a fen.")
        return line

    def _live(self, line_id: int) -> CartLine:
        line = self.line(line_id)
        if line.voided:
            raise CartError(CartErrorCode.LINE_VOIDED, f"Line {line_id} is voided.")
        return line

    def _replace_line(self, new: CartLine) -> Cart:
        return replace(self, lines=tuple(new if ln.line_id == new.line_id else ln
                                         for ln in self.lines))

    # -- changes ------------------------------------------------------------------
    def add(self, product: LineProduct | ProductInfo, quantity: int = 1, *,
            embedded_price_fen: int | None = None, merge: bool = True) -> Cart:
        """Add a product; scanning the last line's plain SKU again raises its quantity."""
        if isinstance(product, ProductInfo):
            if not product.active:
                raise CartError(CartErrorCode.INACTIVE_PRODUCT, f"{product.sku} is not on sale.")
            product = LineProduct.from_product(product)
        self._check_price(product.unit_price_fen)
        if embedded_price_fen is not None:
            self._check_price(embedded_price_fen)
        in_grams = product.weighed and embedded_price_fen is None
        self._check_quantity(product, quantity, in_grams)
        if merge and not in_grams and embedded_price_fen is None:
            for line in reversed(self.lines):
                if (line.product == product and not line.voided and line.price_override is None
                        and line.discount is None and line.embedded_price_fen is None):
                    self._check_quantity(product, line.quantity + quantity, False)
                    return self._replace_line(replace(line, quantity=line.quantity + quantity))
                break  # only the most recent line merges
        if len(self.active_lines) >= self.limits.max_lines:
            raise CartError(CartErrorCode.TOO_MANY_LINES,
                            f"A sale holds at most {self.limits.max_lines} lines.")
        line = self._check_gross(CartLine(self.next_line_id, product, quantity, embedded_price_fen))
        cart = replace(self, lines=self.lines + (line,), next_line_id=self.next_line_id + 1)
        # The new cart's active lines are these and the new one: a scan on line 500 does not
        # look at the other 499 again.
        cart.__dict__["active_lines"] = self.active_lines + (line,)
        return cart

    def set_quantity(self, line_id: int, quantity: int) -> Cart:
        line = self._live(line_id)
        self._check_quantity(line.product, quantity, line.measured_in_grams)
        return self._replace_line(self._check_gross(replace(line, quantity=quantity)))

    def void_line(self, line_id: int, reason: str) -> Cart:
        line = self._live(line_id)
        return self._replace_line(replace(line, voided=True, void_reason=_reason(reason)))

    def override_price(self, line_id: int, unit_price_fen: int, reason: str,
                       approved_by: str | None = None) -> Cart:
        line = self._live(line_id)
        self._check_price(unit_price_fen)
        override = PriceOverride(unit_price_fen, _reason(reason), approved_by)
        return self._replace_line(self._check_gross(replace(line, price_override=override)))

    def clear_override(self, line_id: int) -> Cart:
        return self._replace_line(replace(self._live(line_id), price_override=None))

    def discount_line(self, line_id: int, discount: ManualDiscount | None) -> Cart:
        return self._replace_line(replace(self._live(line_id), discount=discount))

    def discount_cart(self, discount: ManualDiscount | None) -> Cart:
        return replace(self, discount=discount)

    def attach_member(self, member_id: str | None) -> Cart:
        if member_id is not None and (not isinstance(member_id, str) or not member_id.strip()):
            raise CartError(CartErrorCode.BAD_DATA, "A member id cannot be empty.")
        return replace(self, member_id=member_id)

    def add_coupon(self, code: str) -> Cart:
        """Record a scanned coupon; validity is decided when pricing (it depends on the cart)."""
        if not isinstance(code, str) or not code.strip():
            raise CartError(CartErrorCode.BAD_DATA, "A coupon code cannot be empty.")
        code = code.strip()
        if code in self.coupon_codes:
            return self
        return replace(self, coupon_codes=self.coupon_codes + (code,))

    def remove_coupon(self, code: str) -> Cart:
        return replace(self, coupon_codes=tuple(c for c in self.coupon_codes if c != code))

    # -- persistence ----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {**self.header_dict(), "lines": [line_dict(line) for line in self.lines]}

    def header_dict(self) -> dict[str, Any]:
        """:meth:`to_dict` without ``lines`` (a writer may serialise lines one by one)."""
        return {
            "version": FORMAT_VERSION,
            "next_line_id": self.next_line_id,
            "member_id": self.member_id,
            "coupon_codes": list(self.coupon_codes),
            "discount": _discount_dict(self.discount),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], limits: CartLimits | None = None) -> Cart:
        """Rebuild a cart, re-checking every rule; malformed data raises CartError(BAD_DATA)."""
        try:
            if data["version"] != FORMAT_VERSION:
                raise ValueError(f"unsupported cart format {data['version']!r}")
            cart = cls(limits=limits or CartLimits(), member_id=_opt_str(data["member_id"]))
            lines = []
            for raw in data["lines"]:
                lines.append(_line_from(raw, cart))
            ids = [line.line_id for line in lines]
            next_id = data["next_line_id"]
            if len(set(ids)) != len(ids) or not _is_int(next_id) or any(i >= next_id for i in ids):
                raise ValueError("line ids are inconsistent")
            if sum(not ln.voided for ln in lines) > cart.limits.max_lines:
                raise ValueError("too many lines")
            codes = data["coupon_codes"]
            if not isinstance(codes, list) or not all(isinstance(c, str) and c for c in codes):
                raise ValueError("coupon codes must be strings")
            return replace(cart, lines=tuple(lines), next_line_id=next_id,
                           coupon_codes=tuple(dict.fromkeys(codes)),
                           discount=_discount_from(data["discount"]))
        except CartError as exc:
            raise CartError(CartErrorCode.BAD_DATA, f"Stored cart is invalid: {exc}") from exc
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise CartError(CartErrorCode.BAD_DATA, f"Stored cart is invalid: {exc!r}") from exc


def _opt_str(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError("expected a string or null")
    return value


def _discount_dict(d: ManualDiscount | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {"reason": d.reason, "amount_fen": d.amount_fen, "percent_bp": d.percent_bp,
            "approved_by": d.approved_by}


def _discount_from(raw: Any) -> ManualDiscount | None:
    if raw is None:
        return None
    return ManualDiscount(raw["reason"], raw["amount_fen"], raw["percent_bp"],
                          _opt_str(raw["approved_by"]))


def line_dict(line: CartLine) -> dict[str, Any]:
    p = line.product
    return {
        "line_id": line.line_id,
        "product": {"sku": p.sku, "name_zh": p.name_zh, "name_en": p.name_en, "unit": p.unit.value,
                    "unit_price_fen": p.unit_price_fen, "tax_rate_bp": p.tax_rate_bp,
                    "category_code": p.category_code},
        "quantity": line.quantity,
        "embedded_price_fen": line.embedded_price_fen,
        "price_override": None if line.price_override is None else {
            "unit_price_fen": line.price_override.unit_price_fen,
            "reason": line.price_override.reason,
            "approved_by": line.price_override.approved_by},
        "discount": _discount_dict(line.discount),
        "voided": line.voided,
        "void_reason": line.void_reason,
    }


def _line_from(raw: Mapping[str, Any], cart: Cart) -> CartLine:
    rp = raw["product"]
    for key in ("sku", "name_zh", "name_en", "category_code"):
        if not isinstance(rp[key], str):
            raise TypeError(f"product {key} must be a string")
    if not _is_int(rp["tax_rate_bp"]) or not 0 <= rp["tax_rate_bp"] <= BASIS_POINTS:
        raise ValueError("bad tax rate")
    product = LineProduct(rp["sku"], rp["name_zh"], rp["name_en"], Unit(rp["unit"]),
                          rp["unit_price_fen"], rp["tax_rate_bp"], rp["category_code"])
    cart._check_price(product.unit_price_fen)
    embedded = raw["embedded_price_fen"]
    if embedded is not None:
        cart._check_price(embedded)
    override = None
    if raw["price_override"] is not None:
        ro = raw["price_override"]
        cart._check_price(ro["unit_price_fen"])
        override = PriceOverride(ro["unit_price_fen"], _reason(ro["reason"]),
                                 _opt_str(ro["approved_by"]))
    if not _is_int(raw["line_id"]) or raw["line_id"] < 1 or not isinstance(raw["voided"], bool):
        raise ValueError("bad line id or voided flag")
    line = CartLine(raw["line_id"], product, raw["quantity"], embedded, override,
                    _discount_from(raw["discount"]), raw["voided"], _opt_str(raw["void_reason"]))
    cart._check_quantity(product, line.quantity, line.measured_in_grams)
    return cart._check_gross(line)
