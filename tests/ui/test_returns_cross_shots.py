"""The Returns screen's cross-channel states in the Chinese till, at 1024x768 and 1366x768, on the
demo store synced with the reference HQ: a member's orders listed, an online order loaded for a
return, the refund done, HQ unreachable. Nothing may be cut (fit_check), and the pictures are
written to docs/screenshots/returns-cross-*.png with UPDATE_SCREENSHOTS=1."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from store_client.persistence.models import Product
from store_client.ui.fit_check import problems
from sync.hq.embedded import HQServer
from sync.hq.service import HQService, make_engine
from sync.terminal.runner import SyncRunner
from sync.terminal.transport import HQClient
from tests.integration.sync.online_returns_world import PHONE, collected_order, member
from tests.ui.conftest import demo_operator

SIZES = ((1024, 768), (1366, 768))
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HQServer]:
    service = HQService(make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}"))
    server = HQServer(service).start()
    yield server
    server.stop()
    service.engine.dispose()


def press(qtbot, widget, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    """A key at a person's pace: keys closer than the scanner's 35 ms would read as a scan."""
    qtbot.wait(60)
    QTest.keyClick(widget, key)


@pytest.mark.serial
def test_cross_channel_return_states_fit_at_counter_sizes(make_shell, qtbot, hq, tmp_path) -> None:
    shell = make_shell(locale="zh_CN")
    op = demo_operator("manager")
    shell.sign_in(op.id, op.pin)
    window, config = shell.window, shell.terminal.config
    token = hq.service.issue_token(config.store_id, config.terminal_id)
    url = [hq.url]
    window.services.sync_runner = SyncRunner(shell.terminal.db, lambda: HQClient(url[0], token, timeout=3))
    with shell.terminal.db.read() as s:
        products = [{"sku": p.sku, "name_zh": p.name_zh, "name_en": p.name_en, "unit": "each", "category": "-",
                     "unit_price_minor": p.price_minor, "qty": 2}
                    for p in s.scalars(select(Product).where(Product.unit == "each").limit(3))]
    member_id = member(hq.service)
    older = collected_order(hq.service, member_id, products[:2], discounts={"coupon": 300})
    collected_order(hq.service, member_id, products[2:3], discounts={})
    window.open_screen("returns")
    returns = window.screens["returns"]
    shots: list[Path] = []
    cut: list[str] = []

    def save(state: str, size: tuple[int, int]) -> None:
        QApplication.processEvents()
        path = tmp_path / f"returns-cross-{state}-{size[0]}x{size[1]}.png"
        assert window.grab().toImage().save(str(path), "PNG")
        shots.append(path)
        cut.extend(f"{state} {size}: {p}" for p in problems(window))

    for size in SIZES:
        window.resize(*size)
        returns.clear()
        returns.receipt.setFocus()
        QTest.keyClicks(returns.receipt, PHONE)
        press(qtbot, returns.receipt, Qt.Key.Key_Return)
        qtbot.waitUntil(returns.originals.isVisible, timeout=10_000)
        save("found", size)
        press(qtbot, returns.originals, Qt.Key.Key_Down)
        press(qtbot, returns.originals, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: returns.original is not None, timeout=5_000)
        press(qtbot, returns.table, Qt.Key.Key_Space)
        press(qtbot, returns.table, Qt.Key.Key_F7)
        press(qtbot, returns.reason, Qt.Key.Key_Down)
        assert returns.original.receipt_no == older.order_no and returns.plan is not None
        save("order", size)
    press(qtbot, returns.reason, Qt.Key.Key_F11)
    qtbot.waitUntil(returns.done_banner.isVisible, timeout=10_000)
    shell.settle()
    for size in reversed(SIZES):
        window.resize(*size)
        save("refunded", size)

    url[0] = "http://127.0.0.1:9"  # HQ gone: an order number cannot be found
    for size in SIZES:
        window.resize(*size)
        returns.clear()
        QTest.keyClicks(returns.receipt, older.order_no)
        press(qtbot, returns.receipt, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "总部" in returns.message.text(), timeout=10_000)
        save("offline", size)
    assert cut == []
    if os.environ.get("UPDATE_SCREENSHOTS"):
        for path in shots:
            shutil.copy(path, DOCS / path.name)
