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
    # -- pick-up (docs/pickup.md); %1: the scanned item
    "pickup.unknown_order": (QT_TRANSLATE_NOOP("ServiceMessages", "This order is not in this store's pick-up list (yet): sync, then try again."), None),
    "pickup.wrong_store": (QT_TRANSLATE_NOOP("ServiceMessages", "This order is for another store: send the customer there."), None),
    "pickup.cancelled": (QT_TRANSLATE_NOOP("ServiceMessages", "This order was cancelled online: do not hand it over."), None),
    "pickup.not_collected": (QT_TRANSLATE_NOOP("ServiceMessages", "The hold period of this order is over and it was refunded: do not hand it over."), None),
    "pickup.already_collected": (QT_TRANSLATE_NOOP("ServiceMessages", "This order was already handed over."), None),
    "pickup.not_ready": (QT_TRANSLATE_NOOP("ServiceMessages", "This order is not ready for hand-over yet."), None),
    "pickup.not_picking": (QT_TRANSLATE_NOOP("ServiceMessages", "Start picking this order first."), None),
    "pickup.illegal_transition": (QT_TRANSLATE_NOOP("ServiceMessages", "This order cannot do that in its present state."), None),
    "pickup.wrong_code": (QT_TRANSLATE_NOOP("ServiceMessages", "The code and phone digits do not match an order ready here."), None),
    "pickup.bad_code_format": (QT_TRANSLATE_NOOP("ServiceMessages", "Type the 6-digit pick-up code and the last 4 digits of the phone."), None),
    "pickup.qr_forged": (QT_TRANSLATE_NOOP("ServiceMessages", "This QR code was not issued by HQ: ask for the pick-up code."), None),
    "pickup.qr_unknown_key": (QT_TRANSLATE_NOOP("ServiceMessages", "This QR code cannot be checked here yet: ask for the pick-up code."), None),
    "pickup.qr_expired": (QT_TRANSLATE_NOOP("ServiceMessages", "This QR code has expired."), None),
    "pickup.qr_malformed": (QT_TRANSLATE_NOOP("ServiceMessages", "This is not a pick-up QR code."), None),
    "pickup.not_on_order": (QT_TRANSLATE_NOOP("ServiceMessages", "%1 is not on this order."), "item"),
    "pickup.quantity_above_ordered": (QT_TRANSLATE_NOOP("ServiceMessages", "That is more than the customer ordered."), None),
    "pickup.bad_quantity": (QT_TRANSLATE_NOOP("ServiceMessages", "The quantity must be at least 1."), None),
    "pickup.weigh_first": (QT_TRANSLATE_NOOP("ServiceMessages", "%1 is sold by weight: weigh it and scan the scale label."), "item"),
    "pickup.not_fully_picked": (QT_TRANSLATE_NOOP("ServiceMessages", "Pick every line, or mark what is missing as short with a reason."), None),
    "pickup.nothing_picked": (QT_TRANSLATE_NOOP("ServiceMessages", "Nothing was picked: the order cannot be made ready."), None),
    "pickup.substitution_not_allowed": (QT_TRANSLATE_NOOP("ServiceMessages", "The customer did not allow substitutes for this order."), None),
    "pickup.reason_required": (QT_TRANSLATE_NOOP("ServiceMessages", "Choose a reason."), None),
    "pickup.proxy_details": (QT_TRANSLATE_NOOP("ServiceMessages", "A proxy pick-up needs the collector's name and the last 4 to 6 characters of their ID."), None),
    "pickup.no_conflict": (QT_TRANSLATE_NOOP("ServiceMessages", "That conflict is not open any more."), None),
    "pickup.no_printer": (QT_TRANSLATE_NOOP("ServiceMessages", "No printer is set up on this till: the pick list cannot be printed."), None),
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
