"""The checkout's right-hand panel: member, coupon chips, promotions and the totals in large type."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from store_client.services.errors import ServiceError
from store_client.ui.automation import named
from store_client.ui.checkout.figure_label import FigureLabel
from store_client.ui.checkout.formatting import money_text
from store_client.ui.service_messages import service_error_text

TIERS = {"regular": QT_TRANSLATE_NOOP("Tiers", "Regular member"),
         "silver": QT_TRANSLATE_NOOP("Tiers", "Silver member"),
         "gold": QT_TRANSLATE_NOOP("Tiers", "Gold member"),
         "platinum": QT_TRANSLATE_NOOP("Tiers", "Platinum member"),
         "diamond": QT_TRANSLATE_NOOP("Tiers", "Diamond member")}
OTHER_TIER = QT_TRANSLATE_NOOP("Tiers", "Member")


def tier_label(tier: object) -> str:
    """A member tier's display name; a tier this till has no name for reads "Member"."""
    return QCoreApplication.translate("Tiers", TIERS.get(str(tier), OTHER_TIER))

if TYPE_CHECKING:
    from store_client.services.checkout_views import CartView, CouponView, MemberView

PROMOTION_LINES = 3  # the promotions line's most lines on the panel


class SidePanel(QFrame):
    """Shows a CartView; the member's and the coupons' remove buttons emit signals."""

    remove_member = Signal()
    remove_coupon = Signal(str)

    def __init__(self, currency: str, money_locale: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checkout.side")
        self.setProperty("kind", "panel")
        self.setFixedWidth(300)
        self._currency, self._locale = currency, money_locale
        member_title = QLabel(self.tr("Member"), self)
        member_title.setProperty("kind", "heading")
        self.member_label = QLabel(self.tr("No member (F5)"), self)
        self.member_label.setObjectName("checkout.member")
        self.member_label.setWordWrap(True)
        self.member_remove = named(QPushButton(self.tr("Remove member"), self), "checkout.memberRemove",
                                   self.tr("Remove the member from this sale"))
        self.member_remove.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.member_remove.hide()
        self.member_remove.clicked.connect(self.remove_member)
        coupon_title = QLabel(self.tr("Coupons"), self)
        coupon_title.setProperty("kind", "heading")
        self.coupon_box = QVBoxLayout()
        self.coupon_box.setSpacing(4)
        self.coupon_chips: list[QPushButton] = []
        self.no_coupons = QLabel(self.tr("None (F6)"), self)
        self.no_coupons.setObjectName("checkout.noCoupons")
        self.coupon_box.addWidget(self.no_coupons)
        self.promotions_label = QLabel("", self)
        self.promotions_label.setObjectName("checkout.promotions")
        self.promotions_label.setWordWrap(True)
        self.promotions_label.setProperty("kind", "subtle")
        self._promotions_shown: tuple[str, ...] = ()

        self.subtotal = self._value("checkout.subtotal")
        self.discounts = self._value("checkout.discounts")
        # the part of the discounts that is the whole sale's (thresholds, coupons, the sale's
        # discount): in no row's amount until the sale is completed and splits it
        self.whole_sale = self._value("checkout.wholeSale")
        self.total = self._value("checkout.total", "bigAmount")
        self.paid = self._value("checkout.paid")
        self.change = self._value("checkout.change", "changeAmount")
        self.points = self._value("checkout.pointsToEarn")
        grid = QGridLayout()
        grid.setVerticalSpacing(4)
        rows = ((self.tr("Subtotal"), self.subtotal), (self.tr("Discounts"), self.discounts),
                (self.tr("On the sale"), self.whole_sale),
                (self.tr("Total due"), self.total), (self.tr("Paid"), self.paid),
                (self.tr("Change"), self.change), (self.tr("Points to earn"), self.points))
        row = 0
        for caption, value in rows:
            label = QLabel(caption, self)
            label.setProperty("kind", "totalsCaption")
            grid.addWidget(label, row, 0)
            if value in (self.total, self.change):  # large type gets the panel's full width
                row += 1
                grid.addWidget(value, row, 0, 1, 2)
            else:
                grid.addWidget(value, row, 1)
            row += 1
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(6)
        layout.addWidget(member_title)
        layout.addWidget(self.member_label)
        layout.addWidget(self.member_remove)
        layout.addSpacing(6)
        layout.addWidget(coupon_title)
        layout.addLayout(self.coupon_box)
        layout.addWidget(self.promotions_label)
        layout.addStretch(1)
        layout.addLayout(grid)

    def _value(self, name: str, kind: str = "totalsValue") -> FigureLabel:
        label = FigureLabel(self)
        label.setObjectName(name)
        label.setProperty("kind", kind)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return label

    def money(self, fen: int) -> str:
        return money_text(fen, self._currency, self._locale)

    def show_cart(self, cart: CartView) -> None:
        self.subtotal.setText(self.money(cart.subtotal_fen))
        self.discounts.setText("-" + self.money(cart.discount_fen) if cart.discount_fen else self.money(0))
        whole_sale = getattr(cart, "whole_sale_fen", 0)
        self.whole_sale.setText("-" + self.money(whole_sale) if whole_sale else self.money(0))
        self.total.setText(self.money(cart.total_fen))
        self.paid.setText(self.money(cart.paid_fen))
        self.change.setText(self.money(cart.change_fen))
        self.points.setText(str(cart.points_to_earn))
        self._show_member(cart.member)
        self._show_coupons(cart.coupons)
        promotions = tuple(getattr(cart, "promotions_applied", ()) or ())
        if promotions != self._promotions_shown:
            self._promotions_shown = promotions
            text, full = self._promotions_text(promotions)
            self.promotions_label.setText(text)
            self.promotions_label.setToolTip(full)

    def _promotions_text(self, names: tuple[str, ...]) -> tuple[str, str]:
        """The promotions line, at most PROMOTION_LINES lines high (a long cart applies dozens:
        listed in full they pushed the totals out of the panel), and the full list when cut."""
        if not names:
            return "", ""
        full = self.tr("Promotions: %1").replace("%1", "、".join(names))
        label = self.promotions_label
        metrics = label.fontMetrics()
        width = label.contentsRect().width()
        if width <= 0:  # not laid out yet: the panel's fixed width less its layout's margins
            margins = self.layout().contentsMargins()
            width = self.width() - margins.left() - margins.right()

        def fits(text: str) -> bool:
            height = metrics.boundingRect(0, 0, width, 10**6, Qt.TextFlag.TextWordWrap, text).height()
            return height <= PROMOTION_LINES * metrics.lineSpacing()

        if fits(full):
            return full, ""

        def cut(shown: int) -> str:
            return (self.tr("Promotions: %1 and %2 more").replace("%1", "、".join(names[:shown]))
                    .replace("%2", str(len(names) - shown)))

        low, high = 0, len(names) - 1  # the most names that fit with "and N more"
        while low < high:
            middle = (low + high + 1) // 2
            if fits(cut(middle)):
                low = middle
            else:
                high = middle - 1
        return cut(low), full

    def _show_member(self, member: MemberView | None) -> None:
        if member is None:
            self.member_label.setText(self.tr("No member (F5)"))
            self.member_remove.hide()
            return
        available = member.points_available
        self.member_label.setText(self.tr("%1 · %2 · %3\nPoints: %4")
                                  .replace("%1", member.name).replace("%2", member.phone_masked)
                                  .replace("%3", tier_label(member.tier))
                                  .replace("%4", str(available)))
        self.member_remove.show()

    def _show_coupons(self, coupons: tuple[CouponView, ...]) -> None:
        """One chip per coupon, kept while the sale keeps the same coupons: an uncapped
        coupon's amount moves at every scan, and a new chip (a widget polished by the style
        sheet, the panel laid out again) cost more than the scan itself. Only a changed
        text is set."""
        if [c.code for c in coupons] != [chip.toolTip() for chip in self.coupon_chips]:
            for chip in self.coupon_chips:
                self.coupon_box.removeWidget(chip)
                chip.deleteLater()
            self.coupon_chips = []
            for index, coupon in enumerate(coupons):
                chip = named(QPushButton(self), f"checkout.coupon{index}",
                             self.tr("Remove coupon %1").replace("%1", coupon.code))
                chip.setProperty("kind", "chip")
                chip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                chip.setToolTip(coupon.code)
                chip.clicked.connect(lambda _c=False, code=coupon.code: self.remove_coupon.emit(code))
                self.coupon_box.addWidget(chip)
                self.coupon_chips.append(chip)
        for chip, coupon in zip(self.coupon_chips, coupons):
            text = self._coupon_text(coupon)
            if chip.text() != text:
                chip.setText(text)
        self.no_coupons.setVisible(not self.coupon_chips)

    def _coupon_text(self, coupon: CouponView) -> str:
        problem = getattr(coupon, "problem", "")
        if problem:  # the reason in the till's language, not the service's English
            problem = service_error_text(ServiceError(problem, code=coupon.problem_code,
                                                      params={"coupon": coupon.code}))
            return f"{coupon.title}: {problem}  ✕"
        return f"{coupon.title}  -{self.money(coupon.discount_fen)}  ✕"
