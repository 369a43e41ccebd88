"""The checkout's exchange in progress (docs/returns.md, "Exchanges").

The Returns screen hands over an exchange credit (the value of the items coming back);
this bar shows it above the cart while the cashier scans the new items. Pay (F11) puts
the credit on the sale first and opens the usual payment dialog for what is left, whose
"complete" writes the exchange (the return and the new sale together) instead of a plain
sale. A refund of the difference to a card asks for the card terminal's refund
reference first. Shift+F9 drops the credit: nothing is returned, the new items stay on
the sale as an ordinary one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel

from store_client.ui.checkout.dialogs import PromptDialog

if TYPE_CHECKING:
    from store_client.services.checkout_views import CartView
    from store_client.services.exchanges import CompletedExchange, ExchangeCredit, ExchangeQuote
    from store_client.ui.operations.runner import Op

STYLE = """
QLabel#checkout\\.exchange { font-size: 13pt; font-weight: bold; color: #0b2e59; background: #e3efff;
                             border: 1px solid #7aa7e0; border-radius: 8px; padding: 8px 14px; }
"""


class _ExchangePayment:
    """The checkout's operations for the payment dialog, whose completion is the exchange's."""

    def __init__(self, ops: Any, bar: ExchangeBar) -> None:
        self._ops, self._bar = ops, bar

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ops, name)

    def complete(self, *, cart_id: str, action_text: str = "") -> Op[CompletedExchange]:
        return self._bar.complete_op(cart_id)


class ExchangeBar(QLabel):
    def __init__(self, screen: Any) -> None:
        super().__init__("", screen)
        self.setObjectName("checkout.exchange")
        self.setAccessibleName(self.tr("Exchange in progress"))
        self.setStyleSheet(STYLE)
        self.setWordWrap(True)
        self.hide()
        self._screen = screen
        self.credit: ExchangeCredit | None = None
        self.quote: ExchangeQuote | None = None
        self.card_reference: str | None = None

    @property
    def active(self) -> bool:
        return self.credit is not None

    def _money(self, fen: int) -> str:
        return str(self._screen.money(fen))

    def _kind(self, kind: str) -> str:
        return {"cash": self.tr("Cash"), "card": self.tr("Card"), "points": self.tr("Points"),
                "mobile": self.tr("Mobile"), "online": self.tr("Online payment")}.get(kind, kind)

    def begin(self, credit: ExchangeCredit) -> None:
        """From the Returns screen: the credit is held; scan the new items."""
        self.credit, self.quote, self.card_reference = credit, None, None
        self._show()
        self._screen.done_banner.hide()
        self._screen.refresh()

    def _show(self) -> None:
        credit = self.credit
        if credit is None:
            self.hide()
            return
        pieces = sum(quantity for _name, quantity, _value in credit.lines)
        text = (self.tr("Exchange: %1 item(s) back from receipt %2, credit %3.")
                .replace("%1", str(pieces)).replace("%2", credit.receipt_no)
                .replace("%3", self._money(credit.credit_fen)))
        quote = self.quote
        if quote is None:
            text += " " + self.tr("Scan the new item(s), then F11. Shift+F9 cancels the exchange.")
        elif quote.refund_fen:
            parts = " · ".join(f"{self._kind(kind)} {self._money(fen)}" for kind, fen in quote.refund_tenders)
            text += " " + self.tr("The customer gets %1 back (%2).").replace(
                "%1", self._money(quote.refund_fen)).replace("%2", parts)
        else:
            text += " " + self.tr("The customer pays %1 more.").replace("%1", self._money(quote.due_fen))
        if quote is not None:
            text += " " + self.tr("Shift+F9 cancels the exchange.")
        self.setText(text)
        self.show()

    # -- paying -------------------------------------------------------------------------
    def pay(self) -> None:
        """F11 with an exchange: the credit first, then the payment dialog for the rest."""
        self._screen._call(self._screen._ctx.ops.exchanges.apply(), self._applied)

    def _applied(self, quote: ExchangeQuote) -> None:
        self.quote = quote
        self._screen.show_cart(quote.cart)
        self._show()
        if not quote.card_refund_fen:
            self._tender()
            return
        dialog = PromptDialog(
            "checkout.exchangeCard", self.tr("Card refund"),
            self.tr("Refund %1 on the card terminal, then type its refund reference")
            .replace("%1", self._money(quote.card_refund_fen)), parse=self._reference,
            ok_text=self.tr("Continue"), parent=self._screen)
        self._screen._open(dialog, self._referenced)

    def _reference(self, text: str) -> str:
        if not text.strip():
            raise ValueError(self.tr("Type the card terminal's refund reference."))
        if len(text.strip()) > 40:
            raise ValueError(self.tr("A card reference is at most 40 characters."))
        return text.strip()

    def _referenced(self, reference: str) -> None:
        self.card_reference = reference
        self._tender()

    def _tender(self) -> None:
        screen = self._screen
        screen._call(screen.ops.mobile_available(),
                     lambda mobile: screen._show_tender(mobile, ops=_ExchangePayment(screen.ops, self)))

    def complete_op(self, cart_id: str) -> Op[CompletedExchange]:
        assert self.credit is not None
        return self._screen._ctx.ops.exchanges.complete(
            request_id=self.credit.request.request_id, cart_id=cart_id,
            card_reference=self.card_reference, cross=self.credit.cross,
            action_text=self.tr("Exchange on receipt %1").replace("%1", self.credit.receipt_no))

    def done_text(self, done: CompletedExchange) -> str:
        """The banner after the exchange; the bar goes."""
        self.credit = self.quote = self.card_reference = None
        self.hide()
        # short lines: the banner does not wrap (a counter screen is 1024 px wide)
        text = (self.tr("Exchange complete · receipt %1").replace("%1", done.receipt_no) + "\n"
                + self.tr("Return %1").replace("%1", done.return_no))
        if done.refund_fen:
            text += "\n" + self.tr("Give back: %1").replace("%1", self._money(done.refund_fen))
            text += "\n" + " · ".join(f"{self._kind(kind)} {self._money(fen)}" for kind, fen in done.refund_tenders)
        else:
            text += "\n" + self.tr("Paid on top: %1 · change due: %2").replace(
                "%1", self._money(done.due_fen)).replace("%2", self._money(done.change_fen))
        for count, said in ((done.points_back, self.tr("Points back to the member: %1")),
                            (done.points_taken, self.tr("Earned points taken back: %1"))):
            if count:  # settled at HQ (another store's sale or an online order)
                text += "\n" + said.replace("%1", str(count))
        if done.repeated:
            text = self.tr("Already done before: nothing more was paid or refunded now.") + "\n" + text
        return text

    # -- cancelling ---------------------------------------------------------------------
    def cancel(self) -> None:
        """Shift+F9: drop the credit (taken off the sale if it was on it); nothing is returned."""
        if not self.active:
            self._screen._say(self.tr("No exchange is in progress."), error=True)
            return
        self._screen._call(self._screen._ctx.ops.exchanges.cancel(), self._cancelled)

    def _cancelled(self, cart: CartView) -> None:
        self.credit = self.quote = self.card_reference = None
        self.hide()
        self._screen.show_cart(cart)
        self._screen._say(self.tr("Exchange cancelled: nothing was returned. The new items stay on the "
                                  "sale (F9 voids it)."))
