"""Service errors in the operator's language.

Services raise errors with an English ``message`` and, for what a cashier meets every day
(bad quantities, coupons, tenders, points, mobile payment), a ``code`` with ``params``
(services/errors.py). This is the one place those codes get their words; an error
without a known code shows its message.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from store_client.ui.login_messages import refusal_text

_CONTEXT = "ServiceMessages"
# %1: the coupon code, the amount (due or maximum) or the points available, as named below.
TEXTS: dict[str, tuple[str, str | None]] = {
    "cart.empty": (QT_TRANSLATE_NOOP("ServiceMessages", "There is nothing to pay for yet: scan an item first."), None),
    "cart.quantity_not_positive": (QT_TRANSLATE_NOOP("ServiceMessages", "The quantity must be at least 1."), None),
    "cart.quantity_too_large": (QT_TRANSLATE_NOOP("ServiceMessages", "That quantity is above this till's maximum for one line."), None),
    "cart.price_not_positive": (QT_TRANSLATE_NOOP("ServiceMessages", "The price must be above zero."), None),
    "cart.price_too_large": (QT_TRANSLATE_NOOP("ServiceMessages", "That price is above this till's maximum."), None),
    "cart.inactive_product": (QT_TRANSLATE_NOOP("ServiceMessages", "This product is no longer sold."), None),
    "cart.too_many_lines": (QT_TRANSLATE_NOOP("ServiceMessages", "This sale has as many lines as a sale may have: complete it and start another."), None),
    "cart.unknown_line": (QT_TRANSLATE_NOOP("ServiceMessages", "That line is no longer on the sale."), None),
    "cart.line_voided": (QT_TRANSLATE_NOOP("ServiceMessages", "That line was voided."), None),
    "cart.reason_required": (QT_TRANSLATE_NOOP("ServiceMessages", "A reason is required."), None),
    "cart.bad_discount": (QT_TRANSLATE_NOOP("ServiceMessages", "Give an amount above zero or a percentage from 0.01 % to 100 %."), None),
    "coupon.unknown": (QT_TRANSLATE_NOOP("ServiceMessages", "Coupon %1 is not known on this till."), "coupon"),
    "coupon.not_yet_valid": (QT_TRANSLATE_NOOP("ServiceMessages", "Coupon %1 is not valid yet."), "coupon"),
    "coupon.expired": (QT_TRANSLATE_NOOP("ServiceMessages", "Coupon %1 has expired."), "coupon"),
    "coupon.already_used": (QT_TRANSLATE_NOOP("ServiceMessages", "Coupon %1 was already used."), "coupon"),
    "coupon.wrong_member": (QT_TRANSLATE_NOOP("ServiceMessages", "Coupon %1 belongs to a member: attach that member first (it cannot be used by another)."), "coupon"),
    "coupon.not_applicable": (QT_TRANSLATE_NOOP("ServiceMessages", "Coupon %1 applies to nothing in this sale."), "coupon"),
    "coupon.below_threshold": (QT_TRANSLATE_NOOP("ServiceMessages", "Coupon %1 needs a bigger purchase."), "coupon"),
    "tender.not_positive": (QT_TRANSLATE_NOOP("ServiceMessages", "A payment must be above zero."), None),
    "tender.cash_above_maximum": (QT_TRANSLATE_NOOP("ServiceMessages", "Cash above %1 is not taken at this till."), "max_fen"),
    "tender.over_tender": (QT_TRANSLATE_NOOP("ServiceMessages", "Only cash may be more than what is due (%1)."), "due_fen"),
    "tender.reference_required": (QT_TRANSLATE_NOOP("ServiceMessages", "Enter the card terminal's authorisation reference."), None),
    "tender.nothing_due": (QT_TRANSLATE_NOOP("ServiceMessages", "Nothing is due on this sale."), None),
    "tender.still_due": (QT_TRANSLATE_NOOP("ServiceMessages", "%1 is still due."), "due_fen"),
    "points.no_member": (QT_TRANSLATE_NOOP("ServiceMessages", "Attach the member before paying with points."), None),
    "points.beyond_balance": (QT_TRANSLATE_NOOP("ServiceMessages", "The member can use at most %1 points now."), "available"),
    "points.beyond_due": (QT_TRANSLATE_NOOP("ServiceMessages", "That is more points than the amount still due."), None),
    "points.below_minimum": (QT_TRANSLATE_NOOP("ServiceMessages", "That is fewer points than can be redeemed at once."), None),
    "points.not_positive": (QT_TRANSLATE_NOOP("ServiceMessages", "Redeem at least one point."), None),
    "points.worthless": (QT_TRANSLATE_NOOP("ServiceMessages", "That many points are worth less than one fen."), None),
    "mobile.offline": (QT_TRANSLATE_NOOP("ServiceMessages", "Mobile payment is unavailable (offline): take cash or card."), None),
    "mobile.payment_code": (QT_TRANSLATE_NOOP("ServiceMessages", "Scan the customer's payment code (WeChat or Alipay)."), None),
    # receipts at the counter (services/counter_receipts.py)
    "receipt.no_printer": (QT_TRANSLATE_NOOP("ServiceMessages", "No printer is set up on this till."), None),
    "receipt.none": (QT_TRANSLATE_NOOP("ServiceMessages", "There is no receipt to print again."), None),
    "receipt.waiting": (QT_TRANSLATE_NOOP("ServiceMessages", "The receipt is still waiting for the printer: it will print by itself."), None),
}


def service_error_text(error: BaseException, money: Callable[[int], str] | None = None) -> str:
    """Words for ``error`` in the UI language. ``money(fen) -> str`` formats amounts (the
    screen's own formatter); without it amounts show as yuan with two decimals."""
    kind = type(error).__name__
    if kind == "PermissionDenied":
        return QCoreApplication.translate(
            "LoginMessages", "Your role may not do this. Ask a manager.")
    if kind == "ApprovalRequired":
        return QCoreApplication.translate(
            "LoginMessages", "This needs a manager's approval, which was not given.")
    if kind == "ApprovalRefused":
        return QCoreApplication.translate(
            "LoginMessages", "The manager approval was refused: %1").replace("%1", str(error))
    known = TEXTS.get(getattr(error, "code", None) or "")
    if known is not None:
        template, param = known
        text = QCoreApplication.translate(_CONTEXT, template)
        if param is not None:
            value = getattr(error, "params", {}).get(param, "")
            if param.endswith("_fen") and isinstance(value, int):
                value = money(value) if money is not None else f"¥{value // 100}.{value % 100:02d}"
            text = text.replace("%1", str(value))
        return text
    if kind == "LoginRefused":  # its reasons are a PIN check's, not any error's "reason"
        return refusal_text(error)
    return str(error) or kind
