"""Exchange (F9) on the Returns screen: the selected lines' value goes to the checkout as an
exchange credit (docs/returns.md, "Exchanges"), for this till's sale as for another store's
sale or an online order found at HQ or by its receipt QR. Nothing is written here: the
return is written with the new sale when the exchange is paid at the checkout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from store_client.services.cross_return_views import CrossReturnRequest, OriginalForReturn
from store_client.services.return_views import ReturnRequest

if TYPE_CHECKING:
    from store_client.services.exchanges import ExchangeCredit


class ExchangeStarter(QObject):
    def __init__(self, screen: Any) -> None:
        super().__init__(screen)
        self._screen = screen

    def start(self) -> None:
        screen = self._screen
        if screen._busy or screen.sale is None:
            if screen.sale is None:
                screen._say(self.tr("Look the receipt up first, then choose the items to exchange."), error=True)
            return
        if screen.plan is None:
            screen._say(screen.summary.text() or self.tr("Choose the items to exchange."), error=True)
            return
        code = screen.reason.currentData() or ""
        if not code:
            screen._say(self.tr("Choose the reason for the exchange (F7)."), error=True)
            return
        if code == "other" and not screen.reason_text.text().strip():
            screen._say(self.tr("Describe the reason for the exchange."), error=True)
            return
        policy, _action = screen._policy_fields("")
        policy["override"] = False  # a non-returnable item is not exchanged (it is refused, with its reason)
        request: ReturnRequest | CrossReturnRequest
        if isinstance(screen.sale, OriginalForReturn):  # another store's sale or an online order: via HQ
            request = CrossReturnRequest(screen.sale.request_id, screen.selection(), code,
                                         screen.reason_text.text().strip(), None,
                                         cash_instead=screen.cash_instead.isVisible() and screen.cash_instead.isChecked(),
                                         **policy)  # type: ignore[arg-type]
        else:
            request = ReturnRequest(screen.sale.request_id, screen.sale.sale_id, screen.selection(), code,
                                    screen.reason_text.text().strip(), None, **policy)  # type: ignore[arg-type]
        screen._busy = True
        screen._ctx.ops.exchanges.start(request=request).run(
            screen, success=self._started, failure=screen._error, on_dialog=screen._set_dialog)

    def _started(self, credit: ExchangeCredit) -> None:
        screen = self._screen
        screen._busy = False
        window = screen.window()
        checkout = getattr(window, "screens", {}).get("checkout")
        if checkout is None or not hasattr(window, "open_screen"):
            screen._say(self.tr("Exchanges need the checkout, which you may not use here."), error=True)
            return
        screen.clear()
        window.open_screen("checkout")
        checkout.exchange_bar.begin(credit)
