"""The customer-facing display: a second window on the second screen.

Shows the lines, the total, the change due and, when asked, a QR code (e.g.
member enrolment). With a single screen it is simply off:
:func:`create_customer_display` returns None.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPixmap, QScreen
from PySide6.QtWidgets import QLabel, QListWidget, QVBoxLayout, QWidget

from store_client.domain.money import Money


@dataclass(frozen=True)
class DisplayLine:
    name: str
    quantity: str
    amount_fen: int


class CustomerDisplay(QWidget):
    def __init__(self, screen: QScreen | None = None, currency: str = "CNY") -> None:
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.currency = currency
        self.setObjectName("customerDisplay")
        self.setAccessibleName("Customer display 顾客显示屏")
        self.lines = QListWidget(self)
        self.lines.setObjectName("customerDisplayLines")
        self.lines.setAccessibleName("Items 商品")
        self.lines.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.total = QLabel(self)
        self.total.setObjectName("customerDisplayTotal")
        self.total.setAccessibleName("Total 合计")
        self.change = QLabel(self)
        self.change.setObjectName("customerDisplayChange")
        self.change.setAccessibleName("Change 找零")
        self.qr = QLabel(self)
        self.qr.setObjectName("customerDisplayQr")
        self.qr.setAccessibleName("QR code 二维码")
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption = QLabel(self)
        self.caption.setObjectName("customerDisplayQrCaption")
        self.caption.setAccessibleName("QR code caption 二维码说明")
        layout = QVBoxLayout(self)
        for widget in (self.lines, self.total, self.change, self.qr, self.caption):
            layout.addWidget(widget)
        font = self.total.font()
        font.setPixelSize(48)
        font.setBold(True)
        self.total.setFont(font)
        self.clear()
        if screen is not None:
            self.setScreen(screen)
            self.setGeometry(screen.geometry())

    def _money(self, fen: int) -> str:
        return Money(fen, self.currency).format("zh_CN")

    def show_sale(self, lines: list[DisplayLine], total_fen: int) -> None:
        self.lines.clear()
        for line in lines:
            self.lines.addItem(f"{line.name}  ×{line.quantity}  {self._money(line.amount_fen)}")
        if lines:
            self.lines.scrollToBottom()
        self.total.setText(f"合计 Total  {self._money(total_fen)}")
        self.change.setText("")

    def show_change(self, change_fen: int) -> None:
        self.change.setText(f"找零 Change  {self._money(change_fen)}")

    def show_qr(self, payload: str, caption: str = "") -> None:
        from printers.escpos_render import qr_image

        img = qr_image(payload, 8).convert("L")
        qimage = QImage(img.tobytes(), img.width, img.height, img.width, QImage.Format.Format_Grayscale8).copy()
        self.qr.setPixmap(QPixmap.fromImage(qimage))
        self.caption.setText(caption)

    def clear_qr(self) -> None:
        self.qr.clear()
        self.caption.setText("")

    def clear(self) -> None:
        self.lines.clear()
        self.total.setText("欢迎光临 Welcome")
        self.change.setText("")
        self.qr.clear()
        self.caption.setText("")


def second_screen() -> QScreen | None:
    screens = QGuiApplication.screens()
    primary = QGuiApplication.primaryScreen()
    others = [s for s in screens if s is not primary]
    return others[0] if others else None


def create_customer_display(currency: str = "CNY", screen: QScreen | None = None) -> CustomerDisplay | None:
    """A display on the second screen, shown full screen; None when there is only one screen."""
    target = screen or second_screen()
    if target is None:
        return None
    display = CustomerDisplay(target, currency)
    display.showFullScreen()
    return display


_shared: list[CustomerDisplay | None] = []  # made once: [display] or [None] with one screen


def shared_customer_display(currency: str = "CNY") -> CustomerDisplay | None:
    """The till's one customer display (the checkout's cart, the Members screen's enrollment
    QR), made on first use; None when there is only one screen."""
    if not _shared:
        _shared.append(create_customer_display(currency))
    return _shared[0]
