"""Service errors in the operator's language.

Services raise errors with an English ``message`` (for the log) and a ``code`` with
``params`` (services/errors.py). This is the one place those codes get their words. An
error without a known code shows its message only in an English till; any other language
gets a translated sentence for its kind (and the log gets the message), so no English
reaches a Chinese till.
"""

from __future__ import annotations

from collections.abc import Callable

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale

from store_client.ui.login_messages import refusal_text

log = logging.getLogger(__name__)
_CONTEXT = "ServiceMessages"
# An error without words of its own, in a till not in English: what kind of refusal it is.
GENERIC = {
    "InvalidInput": QT_TRANSLATE_NOOP("ServiceMessages", "That entry was not accepted: check it and try again."),
    "NotFound": QT_TRANSLATE_NOOP("ServiceMessages", "That was not found on this till."),
    "Conflict": QT_TRANSLATE_NOOP("ServiceMessages", "This changed meanwhile: look at it again and retry."),
    "ApprovalRefused": QT_TRANSLATE_NOOP("ServiceMessages", "The manager approval was refused."),
    "ServiceError": QT_TRANSLATE_NOOP("ServiceMessages", "The till could not do this. If it happens again, call store IT."),
}
# %1: the coupon code, the amount (due or maximum) or the points available, as named below.
# A tuple of names fills %1, %2, ... in that order.
TEXTS: dict[str, tuple[str, str | tuple[str, ...] | None]] = {
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
    # -- stock counts (docs/stock.md); %1: the code scanned or the SKUs named
    "count.unknown_code": (QT_TRANSLATE_NOOP("ServiceMessages", "%1 is not a product of this store's catalog: nothing was counted."), "code"),
    "count.sku_not_in_plan": (QT_TRANSLATE_NOOP("ServiceMessages", "%1 is not part of this count: put it aside, nothing was counted."), "item"),
    "count.unknown_sku": (QT_TRANSLATE_NOOP("ServiceMessages", "Not in the catalog: %1. The count was not created."), "item"),
    "count.plan_not_counting": (QT_TRANSLATE_NOOP("ServiceMessages", "This count no longer takes scans (it was submitted or closed, perhaps at another till): nothing was counted."), None),
    "count.closed_meanwhile": (QT_TRANSLATE_NOOP("ServiceMessages", "This count was moved on at another till meanwhile: look at it again."), None),
    "count.below_zero": (QT_TRANSLATE_NOOP("ServiceMessages", "That correction would take the count below zero: nothing was changed."), None),
    "count.absurd_quantity": (QT_TRANSLATE_NOOP("ServiceMessages", "That quantity is too large for one scan (at most 100,000): nothing was counted."), None),
    "count.bad_quantity": (QT_TRANSLATE_NOOP("ServiceMessages", "The quantity must be a whole number other than 0."), None),
    "count.empty_plan": (QT_TRANSLATE_NOOP("ServiceMessages", "A count needs at least one product: choose a category or list the codes."), None),
    "count.plan_too_large": (QT_TRANSLATE_NOOP("ServiceMessages", "That count is too large: split it (at most 50,000 products)."), None),
    "count.bad_reason": (QT_TRANSLATE_NOOP("ServiceMessages", "Give a reason for cancelling the count (3 to 200 characters)."), None),
    "count.posted_no_cancel": (QT_TRANSLATE_NOOP("ServiceMessages", "This count is approved or posted: it can no longer be cancelled."), None),
    "count.not_reviewed": (QT_TRANSLATE_NOOP("ServiceMessages", "Submit the count for review first."), None),
    "count.unknown_plan": (QT_TRANSLATE_NOOP("ServiceMessages", "That count is not on this till."), None),
    "count.scan_id_reused": (QT_TRANSLATE_NOOP("ServiceMessages", "This scan clashes with another one already counted: scan again."), None),
    "count.other_till": (QT_TRANSLATE_NOOP("ServiceMessages", "This count belongs to till %1: it is reviewed, approved or cancelled there. Keep counting here."), "till"),
    "count.totals_changed": (QT_TRANSLATE_NOOP("ServiceMessages", "Other tills' counts arrived since this review was read: the review was read again. Check it and approve again."), None),
    "count.no_printer": (QT_TRANSLATE_NOOP("ServiceMessages", "No receipt printer is set up on this till: the summary cannot be printed."), None),
    # -- endless aisle (services/aisle.py, docs/stock.md); %1 as named
    "aisle.unknown_order": (QT_TRANSLATE_NOOP("ServiceMessages", "That is not an endless-aisle order of this store."), None),
    "aisle.resolved": (QT_TRANSLATE_NOOP("ServiceMessages", "This order is no longer flagged, or was already re-sourced or cancelled."), None),
    "aisle.bad_reason": (QT_TRANSLATE_NOOP("ServiceMessages", "Give a reason for cancelling the order (3 to 200 characters)."), None),
    "aisle.weighed": (QT_TRANSLATE_NOOP("ServiceMessages", "A weighed item cannot be ordered from another store or the warehouse."), None),
    "aisle.unknown_source": (QT_TRANSLATE_NOOP("ServiceMessages", "HQ has sent no stock figure for that source: choose one from the list."), None),
    "aisle.source_empty": (QT_TRANSLATE_NOOP("ServiceMessages", "%1 has none available: choose another store or the warehouse."), "site"),
    "aisle.quantity_above_source": (QT_TRANSLATE_NOOP("ServiceMessages", "That source has only %1 available: order fewer or choose another source."), "available"),
    "aisle.bad_quantity": (QT_TRANSLATE_NOOP("ServiceMessages", "The quantity must be 1 to %1."), "max"),
    "aisle.bad_fulfilment": (QT_TRANSLATE_NOOP("ServiceMessages", "Choose pick-up here or home delivery."), None),
    "aisle.phone_required": (QT_TRANSLATE_NOOP("ServiceMessages", "Type the customer's 11-digit mobile number."), None),
    "aisle.address_required": (QT_TRANSLATE_NOOP("ServiceMessages", "A home delivery needs the delivery address."), None),
    "aisle.address_too_long": (QT_TRANSLATE_NOOP("ServiceMessages", "The address is too long: at most 200 characters."), None),
    "aisle.quantity_changed": (QT_TRANSLATE_NOOP("ServiceMessages", "An ordered item's quantity was changed after ordering: void the line and order it again."), None),
    "aisle.source_short": (QT_TRANSLATE_NOOP("ServiceMessages", "The source of this ordered item could not supply it: call the customer; a manager arranges the refund."), None),
    "aisle.not_picked_here": (QT_TRANSLATE_NOOP("ServiceMessages", "This order comes from another store or the warehouse: it is handed over when it arrives, not picked here."), None),
    "aisle.no_shift": (QT_TRANSLATE_NOOP("ServiceMessages", "The customer paid this order in cash, which is paid back from the drawer: open a shift on this till first."), None),
    # a resolution HQ refused (services/aisle_state.py): the order is back on Pick-up
    "aisle.resource_refused": (QT_TRANSLATE_NOOP("ServiceMessages", "HQ refused the new source: it no longer has every item. Choose another source or cancel the order."), None),
    "aisle.hq_resolved": (QT_TRANSLATE_NOOP("ServiceMessages", "HQ had resolved this order already (at another till?): check it with HQ."), None),
    "aisle.hq_refund_mismatch": (QT_TRANSLATE_NOOP("ServiceMessages", "HQ refused the cancel: its refund figures differ from this till's. Ask a manager to check them with HQ."), None),
    "aisle.hq_refused": (QT_TRANSLATE_NOOP("ServiceMessages", "HQ refused how this order was resolved: re-source or cancel it again."), None),
    "aisle.cash_refused": (QT_TRANSLATE_NOOP("ServiceMessages", "Cash was paid back from the drawer for this cancel, but HQ refused it: a manager must check the money with HQ. Cash is not paid again."), None),
    "return.aisle_not_handed_over": (QT_TRANSLATE_NOOP("ServiceMessages", "This item was ordered from elsewhere and the customer has not collected it yet: it cannot be returned before."), None),
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
    # -- shift discipline, returns and the rest of the checkout (one language, issue 10) --
    "cart.bad_data": (QT_TRANSLATE_NOOP("ServiceMessages", "This sale could not be read back; it was set aside for store IT."), None),
    "cart.payments_taken": (QT_TRANSLATE_NOOP("ServiceMessages", "Payments were already taken: remove them before changing the sale."), None),
    "cart.other_operator": (QT_TRANSLATE_NOOP("ServiceMessages", "This sale was started by operator %1 and has taken payments: they finish it, or you take it over."), "operator"),
    "cart.refund_payments_first": (QT_TRANSLATE_NOOP("ServiceMessages", "Card or mobile payments were taken: remove (refund) them first."), None),
    "cart.nothing_to_park": (QT_TRANSLATE_NOOP("ServiceMessages", "There is nothing to park."), None),
    "cart.park_with_payments": (QT_TRANSLATE_NOOP("ServiceMessages", "Payments were already taken: finish or void the sale instead."), None),
    "cart.resume_busy": (QT_TRANSLATE_NOOP("ServiceMessages", "Park or finish the current sale before resuming another."), None),
    "cart.parked_gone": (QT_TRANSLATE_NOOP("ServiceMessages", "That parked sale no longer exists."), None),
    "cart.parked_unreadable": (QT_TRANSLATE_NOOP("ServiceMessages", "That parked sale cannot be read; it was kept for store IT."), None),
    "cart.not_on_screen": (QT_TRANSLATE_NOOP("ServiceMessages", "That sale is no longer the one on screen: look at it again."), None),
    "cart.changed_elsewhere": (QT_TRANSLATE_NOOP("ServiceMessages", "The sale changed elsewhere and was reloaded: check it and complete again."), None),
    "terminal.not_open": (QT_TRANSLATE_NOOP("ServiceMessages", "The till's database could not be opened: call store IT."), None),
    "product.not_found": (QT_TRANSLATE_NOOP("ServiceMessages", "No product has the SKU or barcode %1."), "code"),
    "product.needs_weight": (QT_TRANSLATE_NOOP("ServiceMessages", "This product is sold by weight: weigh it and scan the scale's label."), None),
    "product.not_weighed": (QT_TRANSLATE_NOOP("ServiceMessages", "This product is not sold by weight."), None),
    "member.not_found": (QT_TRANSLATE_NOOP("ServiceMessages", "No member has the code, phone or card %1."), "code"),
    "coupon.empty": (QT_TRANSLATE_NOOP("ServiceMessages", "Enter or scan the coupon code."), None),
    "coupon.already_on_sale": (QT_TRANSLATE_NOOP("ServiceMessages", "Coupon %1 is already on this sale."), "coupon"),
    "coupon.not_on_sale": (QT_TRANSLATE_NOOP("ServiceMessages", "Coupon %1 is not on this sale."), "coupon"),
    "tender.points_mismatch": (QT_TRANSLATE_NOOP("ServiceMessages", "The points and their value do not match: enter the payment again."), None),
    "tender.reference_too_long": (QT_TRANSLATE_NOOP("ServiceMessages", "A payment reference is at most 40 characters."), None),
    "tender.unknown": (QT_TRANSLATE_NOOP("ServiceMessages", "That payment is no longer on the sale."), None),
    "mobile.failed": (QT_TRANSLATE_NOOP("ServiceMessages", "The mobile payment failed: take another payment."), None),
    "return.receipt_required": (QT_TRANSLATE_NOOP("ServiceMessages", "Scan or type the receipt number."), None),
    "return.not_a_receipt": (QT_TRANSLATE_NOOP("ServiceMessages", "%1 is not a receipt number (like S001-T01-000123)."), "receipt"),
    "return.receipt_unknown": (QT_TRANSLATE_NOOP("ServiceMessages", "Receipt %1 was not sold on this till."), "receipt"),
    "return.restart": (QT_TRANSLATE_NOOP("ServiceMessages", "Start the return again."), None),
    "return.reason_required": (QT_TRANSLATE_NOOP("ServiceMessages", "Choose the reason for the return."), None),
    "return.reason_text_required": (QT_TRANSLATE_NOOP("ServiceMessages", "Describe the reason for the return."), None),
    "return.sale_unknown": (QT_TRANSLATE_NOOP("ServiceMessages", "That sale is not on this till."), None),
    "return.card_reference_required": (QT_TRANSLATE_NOOP("ServiceMessages", "Refund %1 on the card terminal and enter its refund reference."), "amount_fen"),
    "return.changed_meanwhile": (QT_TRANSLATE_NOOP("ServiceMessages", "The sale was returned meanwhile: look the receipt up again."), None),
    "return.unknown": (QT_TRANSLATE_NOOP("ServiceMessages", "That return does not exist on this till."), None),
    "return.nothing_to_find": (QT_TRANSLATE_NOOP("ServiceMessages", "Scan the receipt QR, or type a receipt or order number or the member's phone."), None),
    "return.original_unknown": (QT_TRANSLATE_NOOP("ServiceMessages", "Nothing was found for that: check the receipt, the order number or the phone number."), None),
    "return.hq_unreachable": (QT_TRANSLATE_NOOP("ServiceMessages", "HQ cannot be reached: an online order or another store's sale without its receipt QR cannot be returned now. Scan the receipt QR, or try again when online."), None),
    "return_issue.unknown": (QT_TRANSLATE_NOOP("ServiceMessages", "That conflict or overdraft is not on this till: refresh the list."), None),
    "return_issue.already_resolved": (QT_TRANSLATE_NOOP("ServiceMessages", "This one has been resolved already."), None),
    "return_issue.bad_resolution": (QT_TRANSLATE_NOOP("ServiceMessages", "Choose: accept the loss, or recovered from the customer."), None),
    "return_issue.reason_required": (QT_TRANSLATE_NOOP("ServiceMessages", "Type the reason first (what was agreed with the customer, or why the loss is accepted)."), None),
    "return_issue.reason_too_long": (QT_TRANSLATE_NOOP("ServiceMessages", "The reason is at most %1 characters."), "max"),
    "return.own_till": (QT_TRANSLATE_NOOP("ServiceMessages", "This is a sale of this till: look its receipt number up."), None),
    "return.window_passed": (QT_TRANSLATE_NOOP("ServiceMessages", "Line %1 is past its return window of %2 days: it can no longer be returned. Leave it out; the other lines can still be returned."), ("line", "days")),
    "return.non_returnable": (QT_TRANSLATE_NOOP("ServiceMessages", "Line %1 is of a category that is not returned. Only a manager's override lets it back."), "line"),
    "return.disposition_unknown": (QT_TRANSLATE_NOOP("ServiceMessages", "Line %1: choose back to stock, damaged or return to vendor."), "line"),
    "return.already_returned": (QT_TRANSLATE_NOOP("ServiceMessages", "Line %1 was already returned, here or in another store."), "line"),
    "return.taken_meanwhile": (QT_TRANSLATE_NOOP("ServiceMessages", "Another store returned these items meanwhile: nothing was refunded. Look the order up again."), None),
    "return.refused_by_hq": (QT_TRANSLATE_NOOP("ServiceMessages", "HQ refused this return: nothing was refunded. Look the order up again."), None),
    "return.tender_elsewhere": (QT_TRANSLATE_NOOP("ServiceMessages", "Part of this sale was paid in a way only the till that sold it can refund: return it there."), None),
    "return.cash_not_allowed": (QT_TRANSLATE_NOOP("ServiceMessages", "Cash instead of the original payment is only for an online order, where the store's policy allows it."), None),
    "return.item_unknown": (QT_TRANSLATE_NOOP("ServiceMessages", "%1 is not a product of this store: check the barcode."), "code"),
    "return.item_weighed": (QT_TRANSLATE_NOOP("ServiceMessages", "A weighed item cannot be returned without its receipt."), None),
    "return.item_no_price": (QT_TRANSLATE_NOOP("ServiceMessages", "This item has no shelf price to refund: ask a manager."), None),
    "return.no_receipt_quantity": (QT_TRANSLATE_NOOP("ServiceMessages", "Without a receipt, a line takes 1 to %1 units."), "max"),
    "return.no_receipt_too_many": (QT_TRANSLATE_NOOP("ServiceMessages", "Too many different items for one return without receipt."), None),
    "return.no_receipt_over_limit": (QT_TRANSLATE_NOOP("ServiceMessages", "A return without receipt refunds at most %1: take fewer items."), "amount_fen"),
    "return.no_receipt_day_limit": (QT_TRANSLATE_NOOP("ServiceMessages", "This till's limit for returns without receipt today is reached: %1 is left."), "amount_fen"),
    "return.no_receipt_tender": (QT_TRANSLATE_NOOP("ServiceMessages", "The store's policy does not refund this way without a receipt."), None),
    "receipt.forged": (QT_TRANSLATE_NOOP("ServiceMessages", "This receipt QR is not genuine or was altered: it cannot be used for a return."), None),
    "receipt.unknown_till": (QT_TRANSLATE_NOOP("ServiceMessages", "This receipt QR comes from a till this one does not know yet: type the receipt number, or try again after the next sync."), None),
    "receipt.malformed": (QT_TRANSLATE_NOOP("ServiceMessages", "This QR code is not a receipt this till can read."), None),
    "member.unknown": (QT_TRANSLATE_NOOP("ServiceMessages", "No member was found for that phone number or code."), None),
    "return.cancelled": (QT_TRANSLATE_NOOP("ServiceMessages", "This return was cancelled: the mobile refund was declined and nothing was refunded. Look the receipt up again."), None),
    "mobile.refund_offline": (QT_TRANSLATE_NOOP("ServiceMessages", "Mobile payment is unavailable (offline): the mobile part of this refund cannot be paid back now. Try again when online."), None),
    "mobile.reference_unknown": (QT_TRANSLATE_NOOP("ServiceMessages", "The receipt does not name the mobile payment: its part can be paid back once HQ is reachable. Try again when online."), None),
    "mobile.refund_pending": (QT_TRANSLATE_NOOP("ServiceMessages", "The mobile refund for return %1 did not answer. The return is kept and is finished (or cancelled) before the next return."), "return_no"),
    "mobile.refund_declined": (QT_TRANSLATE_NOOP("ServiceMessages", "The mobile refund was declined: nothing was refunded and the return is cancelled."), None),
    "refund.nothing_selected": (QT_TRANSLATE_NOOP("ServiceMessages", "Select at least one item to return."), None),
    "refund.unknown_line": (QT_TRANSLATE_NOOP("ServiceMessages", "That line is not on the receipt."), None),
    "refund.bad_quantity": (QT_TRANSLATE_NOOP("ServiceMessages", "Enter a quantity from 1 to what can still be returned."), None),
    "refund.above_returnable": (QT_TRANSLATE_NOOP("ServiceMessages", "That is more than can still be returned of this line."), None),
    "refund.weighed_partial": (QT_TRANSLATE_NOOP("ServiceMessages", "A weighed item is returned whole."), None),
    "refund.fully_returned": (QT_TRANSLATE_NOOP("ServiceMessages", "Everything on this receipt was already returned."), None),
    "refund.duplicate_line": (QT_TRANSLATE_NOOP("ServiceMessages", "A line is selected twice."), None),
    "refund.tenders_short": (QT_TRANSLATE_NOOP("ServiceMessages", "The payments of this sale cannot cover this refund: ask a manager."), None),
    "refund.exchange_credit": (QT_TRANSLATE_NOOP("ServiceMessages", "Part of this sale was paid by an exchange credit, which is not paid out: exchange the items again instead."), None),
    "credit.forged": (QT_TRANSLATE_NOOP("ServiceMessages", "This is not a genuine store credit note: check the code."), None),
    "credit.unknown": (QT_TRANSLATE_NOOP("ServiceMessages", "No store credit note has this code."), None),
    "credit.spent": (QT_TRANSLATE_NOOP("ServiceMessages", "This store credit note has been spent in full."), None),
    "credit.above_remaining": (QT_TRANSLATE_NOOP("ServiceMessages", "Less is left on this store credit note than this payment: remove the payment (F10) and scan the note again."), None),
    "credit.released": (QT_TRANSLATE_NOOP("ServiceMessages", "This store credit payment was given back to the note: remove the payment and scan the note again."), None),
    "credit.hq_unreachable": (QT_TRANSLATE_NOOP("ServiceMessages", "HQ cannot be reached: only a store credit note issued at this till can be used offline. Take another payment."), None),
    "exchange.none": (QT_TRANSLATE_NOOP("ServiceMessages", "No exchange is in progress: choose the items to exchange on the Returns screen (F9)."), None),
    "exchange.no_value": (QT_TRANSLATE_NOOP("ServiceMessages", "The items chosen have no value to carry over to an exchange."), None),
    "exchange.new_sale_empty": (QT_TRANSLATE_NOOP("ServiceMessages", "Scan the new item(s) before paying the exchange."), None),
    "exchange.mobile_refund": (QT_TRANSLATE_NOOP("ServiceMessages", "The difference would go back to a WeChat or Alipay payment, which an exchange cannot do: return the items (F11 on Returns) and sell the new ones, or choose new items worth at least the credit."), None),
    "exchange.credit_refund": (QT_TRANSLATE_NOOP("ServiceMessages", "The difference would come out of an earlier exchange credit, which is not paid out: choose new items worth at least the credit."), None),
    "exchange.credit_changed": (QT_TRANSLATE_NOOP("ServiceMessages", "The exchange credit on this sale changed: press F11 to pay again."), None),
    "exchange.payments_first": (QT_TRANSLATE_NOOP("ServiceMessages", "Payments were taken before the exchange credit: remove them (F11, F10), then pay again."), None),
    "exchange.credit_orphaned": (QT_TRANSLATE_NOOP("ServiceMessages", "This sale carries an exchange credit but the exchange is no longer in progress (the till restarted): remove the credit payment (F10), then pay."), None),
    "exchange.cash_instead": (QT_TRANSLATE_NOOP("ServiceMessages", "Cash instead of the online payment is not offered in an exchange: the difference goes back to the online payment. Clear Cash instead (F8), then F9 again."), None),
    "exchange.damaged": (QT_TRANSLATE_NOOP("ServiceMessages", "This exchange's records are incomplete: call store IT."), None),
    "shift.required": (QT_TRANSLATE_NOOP("ServiceMessages", "No shift is open on this till: open a shift (count the float) before selling or refunding."), None),
    "shift.already_open": (QT_TRANSLATE_NOOP("ServiceMessages", "A shift is already open on this till: close it before opening another."), None),
    "shift.shift_closed": (QT_TRANSLATE_NOOP("ServiceMessages", "The shift is closed: a closed shift never changes. Open a new one."), None),
    "shift.no_open_shift": (QT_TRANSLATE_NOOP("ServiceMessages", "No shift is open on this till: open one first."), None),
    "shift.not_an_amount": (QT_TRANSLATE_NOOP("ServiceMessages", "Enter the amount in yuan, e.g. 200 or 12.50."), None),
    "shift.not_positive": (QT_TRANSLATE_NOOP("ServiceMessages", "The amount must be above zero."), None),
    "shift.too_large": (QT_TRANSLATE_NOOP("ServiceMessages", "That is more cash than a drawer holds: check the amount."), None),
    "shift.count_twice": (QT_TRANSLATE_NOOP("ServiceMessages", "Count by note and coin, or give a total, not both."), None),
    "shift.unknown_denomination": (QT_TRANSLATE_NOOP("ServiceMessages", "That is not a note or coin this drawer counts."), None),
    "shift.bad_pieces": (QT_TRANSLATE_NOOP("ServiceMessages", "A count of notes or coins is a whole number, zero or more."), None),
    "shift.too_many_pieces": (QT_TRANSLATE_NOOP("ServiceMessages", "That is more notes or coins than a drawer holds: check the count."), None),
    "shift.reason_required": (QT_TRANSLATE_NOOP("ServiceMessages", "Enter the reason."), None),
    "shift.more_than_drawer": (QT_TRANSLATE_NOOP("ServiceMessages", "That pay-out is more than the cash the drawer should hold: check the amount."), None),
    "shift.limit_reached_meanwhile": (QT_TRANSLATE_NOOP("ServiceMessages", "Another cash movement was made meanwhile: this one now needs a manager's approval. Try again."), None),
    "shift.sale_in_progress": (QT_TRANSLATE_NOOP("ServiceMessages", "A sale in progress has taken payments: complete or void it before closing the shift."), None),
    "shift.closed_meanwhile": (QT_TRANSLATE_NOOP("ServiceMessages", "The shift was closed meanwhile: there is nothing to close."), None),
    "shift.sale_while_counting": (QT_TRANSLATE_NOOP("ServiceMessages", "A sale was completed while you counted: count the drawer again."), None),
    "approval.no_reason": (QT_TRANSLATE_NOOP("ServiceMessages", "Enter the reason for this approval."), None),
    "approval.reason_too_long": (QT_TRANSLATE_NOOP("ServiceMessages", "The reason is too long: say it in fewer words."), None),
    "approval.self_approval": (QT_TRANSLATE_NOOP("ServiceMessages", "You cannot approve your own request: ask another manager."), None),
    "approval.not_approvable": (QT_TRANSLATE_NOOP("ServiceMessages", "Your role may not do this, even with an approval."), None),
    "approval.approver_role": (QT_TRANSLATE_NOOP("ServiceMessages", "That operator may not approve this: ask a manager."), None),
    "enroll.unavailable": (QT_TRANSLATE_NOOP("ServiceMessages", "Member enrollment is unavailable now (no connection to HQ): try again later."), None),
    # -- members at the counter (services/member_lookup.py, services/member_desk.py)
    "member.bad_name": (QT_TRANSLATE_NOOP("ServiceMessages", "Type the start of a name (1 to 40 characters)."), None),
    "member.search_offline": (QT_TRANSLATE_NOOP("ServiceMessages", "A search by name needs HQ, which cannot be reached now: find the member by phone or card."), None),
    "member.phone_unknown": (QT_TRANSLATE_NOOP("ServiceMessages", "No member has this phone number: the customer can join with the QR code (F5)."), None),
    "member.code_forged": (QT_TRANSLATE_NOOP("ServiceMessages", "This is not a valid member code: ask the member to open it again in their app."), None),
    "member.code_expired": (QT_TRANSLATE_NOOP("ServiceMessages", "This member code has expired: ask the member to refresh it in their app."), None),
    "member.code_replayed": (QT_TRANSLATE_NOOP("ServiceMessages", "This member code was used already: ask the member for a fresh one."), None),
    "member.code_offline": (QT_TRANSLATE_NOOP("ServiceMessages", "HQ cannot be reached, and a member code needs HQ: type the member's phone number instead."), None),
    "member.offline_unknown": (QT_TRANSLATE_NOOP("ServiceMessages", "HQ cannot be reached and this till does not know that member yet: try again when the till is online."), None),
    "member.not_an_item": (QT_TRANSLATE_NOOP("ServiceMessages", "That is not an item to sell."), None),
    "member.reveal_offline": (QT_TRANSLATE_NOOP("ServiceMessages", "HQ cannot be reached: the full phone number, birthday or address cannot be shown now."), None),
    "privacy.role": (QT_TRANSLATE_NOOP("ServiceMessages", "Only a manager may see a member's full phone number, birthday or address."), None),
    "privacy.reason_required": (QT_TRANSLATE_NOOP("ServiceMessages", "Say why it is needed (at least 4 characters): nothing is revealed without a reason."), None),
    "privacy.not_revealable": (QT_TRANSLATE_NOOP("ServiceMessages", "That is not something the till reveals."), None),
    "privacy.no_value": (QT_TRANSLATE_NOOP("ServiceMessages", "HQ has no such data for this member."), None),
    "member.bad_answer": (QT_TRANSLATE_NOOP("ServiceMessages", "The customer display gave an answer the till does not know: the online browsing stays hidden."), None),
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
    known = TEXTS.get(getattr(error, "code", None) or "")
    if kind == "ApprovalRefused" and known is None:
        return QCoreApplication.translate(_CONTEXT, GENERIC["ApprovalRefused"])
    if known is not None:
        template, param = known
        text = QCoreApplication.translate(_CONTEXT, template)
        for number, name in enumerate((param,) if isinstance(param, str) else param or (), 1):
            value = getattr(error, "params", {}).get(name, "")
            if name.endswith("_fen") and isinstance(value, int):
                value = money(value) if money is not None else f"¥{value // 100}.{value % 100:02d}"
            text = text.replace(f"%{number}", str(value))
        return text
    if kind == "LoginRefused":  # its reasons are a PIN check's, not any error's "reason"
        return refusal_text(error)
    if QLocale().language() == QLocale.Language.English:
        return str(error) or kind
    # Another language: the English sentence never reaches the till; the log keeps it.
    log.warning("no words for service error %s (code %r): %s", kind,
                getattr(error, "code", None), error)
    generic = GENERIC.get(kind, GENERIC["ServiceError"])
    return QCoreApplication.translate(_CONTEXT, generic)
