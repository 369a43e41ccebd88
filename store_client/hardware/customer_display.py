"""The customer-facing display: a second window on the second screen.

Shows the lines, the total, the change due and, when asked, a QR code (e.g.
member enrolment). With a single screen it is simply off:
:func:`create_customer_display` returns None.

It also asks the customer a yes/no question (:meth:`CustomerDisplay.ask`: may the associate
see what you browsed online?) and reports the answer with the :attr:`CustomerDisplay.answered`
signal. The answer is the customer's own input on their side of the counter: on a touch
display a tap on 同意 / 不同意; on a display with a keypad (the usual customer pole or pad
on a serial or USB-HID line) its driver calls :meth:`CustomerDisplay.answer` with the key
pressed; on this window by keyboard (Enter or Space on the focused button, Y / N, Escape =
no), which is also how the demo and the tests simulate the customer's pad. Nothing on the
till's own screen answers it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QImage, QKeyEvent, QPixmap, QScreen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from store_client.domain.money import Money


@dataclass(frozen=True)
class DisplayLine:
    name: str
    quantity: str
    amount_fen: int


class CustomerDisplay(QWidget):
    #: The customer's answer to :meth:`ask`: True agreed, False declined (once per question).
    answered = Signal(bool)

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
        self.question = QLabel(self)
        self.question.setObjectName("customerDisplayQuestion")
        self.question.setAccessibleName("Question to the customer 询问顾客")
        self.question.setWordWrap(True)
        self.question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.yes = QPushButton("同意 Yes", self)
        self.yes.setObjectName("customerDisplayYes")
        self.yes.setAccessibleName("Agree 同意")
        self.no = QPushButton("不同意 No", self)
        self.no.setObjectName("customerDisplayNo")
        self.no.setAccessibleName("Decline 不同意")
        big = self.question.font()  # read from across the counter, tapped with a finger
        big.setPixelSize(26)
        self.question.setFont(big)
        for button in (self.yes, self.no):
            button.setFont(big)
            button.setMinimumHeight(72)
        self.yes.clicked.connect(lambda: self.answer(True))
        self.no.clicked.connect(lambda: self.answer(False))
        choice = QHBoxLayout()
        choice.addWidget(self.yes)
        choice.addWidget(self.no)
        layout = QVBoxLayout(self)
        for widget in (self.lines, self.total, self.change, self.qr, self.caption, self.question):
            layout.addWidget(widget)
        layout.addLayout(choice)
        self._asking = False
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

    def show_sale(self, lines: list[DisplayLine], total_fen: int, count: int | None = None,
                  whole_sale_fen: int = 0) -> None:
        """``lines``: the sale's last lines (what the customer can read across the counter);
        ``count``: how many the sale has when that is more (a 500-line basket is not
        redrawn at every scan); ``whole_sale_fen``: the discounts on the whole sale
        (thresholds, coupons), in no line's amount until the sale is completed."""
        self.lines.clear()
        if count is not None and count > len(lines):
            self.lines.addItem(f"… 共{count}行商品 {count} lines")
        for line in lines:
            self.lines.addItem(f"{line.name}  ×{line.quantity}  {self._money(line.amount_fen)}")
        if whole_sale_fen:
            self.lines.addItem(f"整单优惠 On the sale  -{self._money(whole_sale_fen)}")
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

    # -- a question to the customer ------------------------------------------------------------
    def ask(self, question: str) -> None:
        """Show ``question`` with 同意 / 不同意 until the customer answers or :meth:`withdraw`."""
        self.question.setText(question)
        for widget in (self.question, self.yes, self.no):
            widget.show()
        self._asking = True
        self.no.setFocus()  # the customer's Enter without reading declines: the cautious side

    @property
    def asking(self) -> bool:
        return self._asking

    def answer(self, agreed: bool) -> None:
        """The customer's answer (a tap, the pad's key, this window's keys): reported once."""
        if not self._asking:
            return
        self.withdraw()
        self.answered.emit(bool(agreed))

    def withdraw(self) -> None:
        """The question goes without an answer (the profile closed, the wait ran out)."""
        self._asking = False
        self.question.clear()
        for widget in (self.question, self.yes, self.no):
            widget.hide()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._asking and event.key() in (Qt.Key.Key_Y, Qt.Key.Key_N, Qt.Key.Key_Escape):
            self.answer(event.key() == Qt.Key.Key_Y)
            return
        if self._asking and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.answer(self.focusWidget() is self.yes)  # the key under the customer's finger
            return
        super().keyPressEvent(event)

    def clear(self) -> None:
        self.lines.clear()
        self.total.setText("欢迎光临 Welcome")
        self.change.setText("")
        self.qr.clear()
        self.caption.setText("")
        if not getattr(self, "_asking", False):
            self.withdraw()


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


def shared_customer_display(currency: str = "CNY", *, simulate: bool = False) -> CustomerDisplay | None:
    """The till's one customer display (the checkout's cart, the Members screen's enrollment
    QR and questions), made on first use; None when there is only one screen, unless
    ``simulate`` (the demo store): then a small window on this screen stands in for it, the
    customer's pad answered by its keys (Y / N, Enter on the focused button)."""
    if not _shared or (_shared[0] is None and simulate):
        display = create_customer_display(currency)
        if display is None and simulate:
            display = CustomerDisplay(None, currency)
            display.setWindowFlags(Qt.WindowType.Window)
            display.setWindowTitle("顾客显示屏（模拟） Customer display (simulated)")
            display.resize(640, 600)
            display.show()
        _shared[:] = [display]
    return _shared[0]


def close_shared_customer_display() -> None:
    """The till shuts down: its display window goes with it (a simulated one is a window of
    this screen), and the next window of this process makes its own."""
    if _shared and _shared[0] is not None:
        _shared[0].close()
        _shared[0].deleteLater()
    _shared.clear()
