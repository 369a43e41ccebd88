"""The words of a member's profile on the Members screen (member_screen.py): purchases and
points in every channel, what the member browsed and where it is in stock, the birthday
benefit, the masked address. Plain text from the profile the service filtered; a QObject
only for its translations (context ``MemberProfileText``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from store_client import store_time
from store_client.ui.checkout.formatting import money_text

if TYPE_CHECKING:
    from store_client.services.member_desk import BrowsedItem, MemberProfile, Purchase


class MemberProfileText(QObject):
    def __init__(self, currency: str, money_locale: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.currency, self.money_locale = currency, money_locale

    # -- purchases and points ------------------------------------------------------------------
    def history(self, profile: MemberProfile) -> str:
        """The last purchases (every store) and points entries (every channel), three of each."""
        lines = []
        if profile.purchases is not None:
            bought = [self.purchase(p) for p in profile.purchases[:3]]
            lines.append(self.tr("Last purchases: %1").replace("%1", "；".join(bought)) if bought
                         else self.tr("No purchases yet."))
        if profile.points_ledger:
            channel = {"store": self.tr("in store"), "online": self.tr("online")}
            entries = [self.tr("%1 %2 (%3)").replace("%1", f"{e.points:+d}")
                       .replace("%2", channel.get(e.channel, self.tr("other channel")))
                       .replace("%3", store_time.minutes(e.at)) for e in profile.points_ledger[:3]]
            lines.append(self.tr("Points: %1").replace("%1", "；".join(entries)))
        return "\n".join(lines)

    def purchase(self, p: Purchase) -> str:
        amount = money_text(p.total_fen, self.currency, self.money_locale)
        if p.channel != "online":
            return (self.tr("%1 %2, %3 items, %4").replace("%1", store_time.minutes(p.at))
                    .replace("%2", p.store_id).replace("%3", str(p.items)).replace("%4", amount))
        states = {"placed": self.tr("being prepared"), "accepted": self.tr("being prepared"),
                  "picking": self.tr("being prepared"), "ready": self.tr("ready for pick-up"),
                  "collected": self.tr("collected"), "partially_collected": self.tr("collected"),
                  "cancelled": self.tr("cancelled"), "not_collected": self.tr("not collected")}
        return (self.tr("%1 online order %2 (pick-up at %3, %4), %5 items, %6")
                .replace("%1", store_time.minutes(p.at)).replace("%2", p.receipt_no)
                .replace("%3", p.store_id).replace("%4", states.get(p.state, self.tr("being prepared")))
                .replace("%5", str(p.items)).replace("%6", amount))

    # -- the birthday and the address (basic grade) ----------------------------------------------
    def personal(self, profile: MemberProfile) -> str:
        lines = []
        if profile.birthday_now and profile.birthday_coupon is not None:
            lines.append(self.tr("Birthday month! The birthday coupon %1 is in the wallet: it applies to this "
                                 "sale with the member on it.").replace("%1", profile.birthday_coupon.title))
        elif profile.birthday_now and profile.birthday_pending:
            lines.append(self.tr("Birthday month! HQ has issued the birthday coupon: it reaches this till "
                                 "with the next sync."))
        elif profile.birthday_now:
            lines.append(self.tr("Birthday month! The birthday coupon comes from HQ (none on this till yet)."))
        elif profile.birthday_month is not None:
            lines.append(self.tr("Birthday in month %1").replace("%1", str(profile.birthday_month)))
        if profile.address_masked:
            lines.append(self.tr("Address: %1").replace("%1", profile.address_masked))
        return "\n".join(lines)

    # -- what the member browsed -----------------------------------------------------------------
    def kind(self, item: BrowsedItem) -> str:
        return {"wish": self.tr("wish list"), "cart": self.tr("online cart")}.get(item.kind, self.tr("viewed"))

    def stock(self, item: BrowsedItem) -> str:
        """In stock here / at a nearby store (which, how far) / not."""
        if item.available:
            return self.tr("in stock: %1").replace("%1", str(item.available))
        if item.nearby:
            near = item.nearby[0]
            return self.tr("nearby: %1 has %2").replace("%1", near.store).replace("%2", str(near.on_hand))
        if item.available is None:
            return self.tr("not sold here")
        return self.tr("out of stock here and nearby")

    def stock_detail(self, item: BrowsedItem) -> str:
        """Every nearby store holding the item, with how far it is (the cell's tooltip)."""
        return "\n".join(
            self.tr("%1 (%2 km): %3").replace("%1", n.store).replace("%3", str(n.on_hand))
            .replace("%2", f"{n.distance_m / 1000:.1f}" if n.distance_m is not None else "?")
            for n in item.nearby) or self.stock(item)

    def browsing_note(self, profile: MemberProfile) -> str:
        text = self._state(profile)
        if profile.search_keywords:
            text = self.tr("Searched online: %1").replace("%1", "、".join(profile.search_keywords)) + "\n" + text
        return text

    def _state(self, profile: MemberProfile) -> str:
        return {
            "shown": self.tr("Viewed online (F4 or a scan adds an item to the sale):") if profile.browsing
            else self.tr("Nothing viewed online lately."),
            "no_consent": self.tr("The member has not agreed to personalization: no online browsing."),
            "grade": "",
            "offline": self.tr("Online browsing needs HQ."),
            "unavailable": self.tr("Online browsing could not be fetched from HQ now."),
            "awaiting_member": self.tr("Waiting for the member to agree on the customer display…"),
            "declined": self.tr("The member declined on the customer display: online browsing stays hidden."),
            "timeout": self.tr("The member did not answer on the customer display: online browsing stays hidden."),
            "no_display": self.tr("No customer display answers: online browsing stays hidden."),
        }.get(profile.browsing_state, "")
