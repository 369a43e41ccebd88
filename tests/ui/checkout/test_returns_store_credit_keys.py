"""A sale paid with a store credit note returned on the Returns screen of a Chinese till, by
keys only: the summary says the note's part goes back to the note (退回储值券), the refund is
made with F11, this till's note gets its part back at once, and the screen is drawn at
1024x768 and 1366x768 with the sale loaded (fit-checked, no English)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select
from test_returns_policy_keys import press
from test_returns_screen import scan_at_checkout

from checkout_helpers import open_checkout
from store_client.persistence.models import Product, ReturnTender
from store_client.persistence.no_receipt_models import CreditNote
from store_client.ui.fit_check import problems
from sync.protocol import credit_codes
from tests.ui.test_one_language import ENGLISH_SENTENCE, texts_of

K = Qt.Key
SIZES = ((1024, 768), (1366, 768))


def note_sale(shell):  # type: ignore[no-untyped-def]
    """A note of this till pays a whole sale of one product (through the checkout service)."""
    services, actor = shell.window.services, shell.window.actor
    code = credit_codes.new_credit_code()
    with shell.terminal.db.transaction() as s:
        s.add(CreditNote(code=code, amount_fen=100_000, remaining_fen=100_000, return_id="r-" + code,
                         issued_at="2026-06-01T10:00:00+00:00"))
    with shell.terminal.db.read() as s:
        sku = s.scalar(select(Product.sku).where(Product.unit == "each", Product.active.is_(True)).order_by(Product.id))
    view = services.checkout.add_product(actor, sku, 1)
    view = services.checkout.add_tender(actor, "store_credit", view.due_fen, reference=code)
    return services.checkout.complete(actor, cart_id=view.cart_id), code


@pytest.mark.serial
def test_a_note_paid_sale_is_returned_to_the_note_by_keys_in_chinese(make_shell, qtbot, tmp_path: Path) -> None:
    shell, checkout = open_checkout(make_shell, qtbot, role="manager", locale="zh_CN")
    sale, code = note_sale(shell)
    with shell.terminal.db.read() as s:
        assert s.get(CreditNote, code).remaining_fen == 100_000 - sale.total_fen
    returns = scan_at_checkout(shell, qtbot, checkout, sale.receipt_no)  # the receipt scanned: Returns opens
    press(qtbot, K.Key_F6)  # the items
    assert QApplication.focusWidget() is returns.table
    press(qtbot, K.Key_Space)  # all of the line
    press(qtbot, K.Key_F7)  # the reason
    press(qtbot, K.Key_Down)
    qtbot.waitUntil(lambda: returns.plan is not None and returns.reason.currentData() is not None, timeout=2000)
    assert "退回储值券" in returns.summary.text() and "store_credit" not in returns.summary.text()
    cut: list[str] = []
    for size in SIZES:
        shell.window.resize(*size)
        QApplication.processEvents()
        assert shell.window.grab().toImage().save(str(tmp_path / f"returns-credit-{size[0]}x{size[1]}.png"), "PNG")
        cut.extend(f"{size}: {p}" for p in problems(shell.window))
    english = [t for w in [returns, *returns.findChildren(QWidget)]
               if w.isVisible() for t in texts_of(w) if t and ENGLISH_SENTENCE.search(t)]
    assert cut == [] and english == []
    press(qtbot, K.Key_F11)  # refund: a manager needs no approval
    qtbot.waitUntil(lambda: returns.done_banner.isVisible(), timeout=10_000)
    assert "退款" in returns.done_banner.text()
    with shell.terminal.db.read() as s:
        assert s.get(CreditNote, code).remaining_fen == 100_000  # back on this till's note at once
        assert s.scalars(select(ReturnTender.kind)).all() == ["store_credit"]
