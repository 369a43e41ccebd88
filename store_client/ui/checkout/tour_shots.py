"""The checkout's pictures for ``store-client tour``: a full cart, the tender dialog, a finished sale.

Driven through the screen's own handlers (as a scanner would), with the demo
store's member and online coupon, so the shots show what a cashier sees.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from store_client.ui.main_window import MainWindow
    from store_client.ui.screens.checkout import CheckoutScreen
    from store_client.ui.operations.catalog import Found
    from store_client.ui.tasks import TaskManager

SHOT_ITEMS = 5
CHECKOUT_SHOTS = 4  # cart, tender dialog, completed sale, its receipt scanned for a return
COUPON = "ONLINE-100-20"  # the demo store's 满100减20


def _codes(window: MainWindow, tasks: TaskManager,
           wait_for: Callable[..., None]) -> tuple[list[str], str | None]:
    """Barcodes of a few items sold by the piece, and a weight label for the first weighed item."""
    from store_client.domain.barcodes import gs1_check_digit
    from store_client.domain.catalog import plu_from_sku

    assert window.ops is not None
    catalog = window.ops.catalog
    each: list[list[tuple[str, str, str]]] = []
    weighed: list[list[tuple[str, str, str]]] = []
    catalog.samples(unit="each", limit=SHOT_ITEMS * 3).run(window, success=each.append)
    catalog.samples(unit="kg", limit=1).run(window, success=weighed.append)
    wait_for(lambda: tasks.pending == 0)
    codes: list[str] = []
    for sku, _zh, _en in each[0]:
        found: list[Found] = []
        catalog.lookup(text=sku, limit=1).run(window, success=found.append)
        wait_for(lambda: tasks.pending == 0)
        products = found[0].products if found else []
        if products and products[0].sku == sku and products[0].barcodes:
            codes.append(products[0].barcodes[0])
        if len(codes) == SHOT_ITEMS:
            break
    label = None
    first_weighed = weighed[0][0][0] if weighed and weighed[0] else None
    plu = plu_from_sku(first_weighed) if first_weighed else None
    if plu is not None:
        body = f"21{plu:05d}{836:05d}"  # 0.836 kg
        label = body + str(gs1_check_digit(body))
    return codes, label


def render_checkout(window: MainWindow, tasks: TaskManager, wait_for: Callable[..., None],
                    save: Callable[[QWidget, str], None], number: int) -> int:
    """Three shots; ``save(widget, stem)`` writes one PNG; returns the next picture number."""
    from store_client.demo.checkout_data import DEMO_MEMBER

    from store_client.ui.screens.checkout import CheckoutScreen

    screen = window.screens.get("checkout")
    if not isinstance(screen, CheckoutScreen) or not screen.available:
        return number
    window.open_screen("checkout")
    settle = lambda: wait_for(lambda: tasks.pending == 0)
    codes, label = _codes(window, tasks, wait_for)
    for code in codes[:3] + ([label] if label else []) + codes[3:]:
        screen.handle_scan(code)
        settle()
    screen.handle_scan(DEMO_MEMBER)
    settle()
    if screen.cart is not None and screen.cart.total_fen < 12_000 and screen.cart.lines:
        first = screen.cart.lines[0]
        screen._call(screen.ops.set_quantity(line_id=first.line_id, quantity=3), screen.show_cart)
        settle()
    screen.handle_scan(COUPON)
    settle()
    screen.select_row(screen.model.rowCount() - 1)
    save(window, "checkout-cart")
    screen.open_tender()
    settle()
    dialog = screen.dialog
    if dialog is None:
        raise RuntimeError(f"the tender dialog did not open: {screen.message.text()}")
    wait_for(dialog.isVisible)
    save(dialog, "checkout-tender")
    amounts = [b for b in dialog.quick_buttons if b.isVisible()]
    amounts[-1].click()  # the largest quick amount: change is due
    settle()
    settle()
    wait_for(lambda: screen.dialog is None)
    save(window, "checkout-complete")
    _render_return(window, screen, settle, wait_for, save)
    return number + CHECKOUT_SHOTS


def _render_return(window: MainWindow, screen: CheckoutScreen, settle: Callable[[], None],
                   wait_for: Callable[..., None], save: Callable[[QWidget, str], None]) -> None:
    """The sale's receipt scanned at the till: Returns opens with it; one unit chosen."""
    from PySide6.QtWidgets import QToolButton

    from store_client.ui.screens.returns_screen import ReturnsScreen

    sale = screen.last_sale
    returns = window.screens.get("returns")
    if sale is None or not isinstance(returns, ReturnsScreen):
        raise RuntimeError("the tour's sale or the Returns screen is missing")
    screen.handle_scan(sale.receipt_no)
    settle()
    wait_for(lambda: returns.sale is not None)
    assert returns.sale is not None
    first = returns.sale.lines[0]
    more = returns.findChild(QToolButton, f"returns.more.{first.line_no}")
    if more is not None:
        more.click()
    returns.reason.setCurrentIndex(max(returns.reason.findData("damaged"), 0))
    settle()
    save(window, "returns-loaded")


def save_to(out_dir: Path, number: int, saved: list[Path], save_png: Callable[..., None]) -> Callable:
    """A ``save(widget, stem)`` that numbers the files after the tour's own."""
    counter = [number]

    def save(widget: QWidget, stem: str) -> None:
        save_png(widget, out_dir / f"{counter[0]:02d}-{stem}.png", saved)
        counter[0] += 1

    return save


def fill_cart(window: Any, tasks: Any, wait_for: Callable[..., None]) -> None:
    """A few items in the cart (the size pictures show a sale in progress)."""
    screen = window.screens.get("checkout")
    if screen is None or not screen.available:
        return
    window.open_screen("checkout")
    codes, label = _codes(window, tasks, wait_for)
    for code in codes[:3] + ([label] if label else []):
        screen.handle_scan(code)
        wait_for(lambda: tasks.pending == 0)
