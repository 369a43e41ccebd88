"""Product lookup shows the stock of the product found, by keys only: this till's on hand,
reserved and available, and HQ's figure for this store, each with its time in store time;
a figure older than 10 minutes is greyed and says so, on screen and to a screen reader."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import text

from store_client.clock import iso
from store_client.domain.stock import Movement, MovementReason
from store_client.services import stock
from tests.ui.conftest import demo_operator


def open_lookup(make_shell, locale: str = "en"):  # type: ignore[no-untyped-def]
    shell = make_shell(locale=locale)
    cashier = demo_operator("cashier")
    shell.sign_in(cashier.id, cashier.pin)
    shell.window.open_screen("productLookup")
    return shell, shell.window.screens["productLookup"]


def row(screen, key: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [cell.text() for cell in screen.stock.rows[key]]


def stale(screen, key: str) -> bool:  # type: ignore[no-untyped-def]
    flags = {bool(cell.property("stale")) for cell in screen.stock.rows[key]}
    assert len(flags) == 1, "a row is greyed whole or not at all"
    return flags.pop()


def put_stock(shell, clock, sku: str) -> None:  # type: ignore[no-untyped-def]
    """On this till: 12 received, 2 sold a minute later, 3 held for a pick-up order; at HQ:
    this store's 9, as of 15 minutes ago (stale)."""
    db = shell.terminal.db
    now = clock.now()
    with db.transaction() as s:
        stock.record(s, [Movement(sku, 12, MovementReason.RECEIPT, "delivery-1", now - timedelta(minutes=3))],
                     store_id="S001", terminal_id="T01", clock=clock)
        stock.record(s, [Movement(sku, -2, MovementReason.SALE, "sale-1", now - timedelta(minutes=2))],
                     store_id="S001", terminal_id="T01", clock=clock, event=False)
        s.execute(text("UPDATE stock_positions SET reserved = 3 WHERE sku = :sku"), {"sku": sku})
        s.execute(text("INSERT OR REPLACE INTO sync_rows (dataset, key, data) VALUES ('stock_levels', :k, :d)"),
                  {"k": sku, "d": json.dumps({"sku": sku, "on_hand": 9,
                                              "as_of": iso(now - timedelta(minutes=15))})})


@pytest.mark.serial
def test_scanning_a_code_shows_its_stock_here_and_at_hq(make_shell, qtbot, clock) -> None:
    shell, screen = open_lookup(make_shell)
    product = next(p for p in shell.window.services.catalog.search("HOM", limit=20) if p.unit == "each")
    put_stock(shell, clock, product.sku)
    # 09:00 UTC is 17:00 in the store (Asia/Shanghai)
    qtbot.keyClicks(screen.query, product.barcodes[-1])
    qtbot.keyClick(screen.query, Qt.Key.Key_Return)
    shell.settle()
    assert screen.stock.title.text() == f"Stock of {product.sku} {product.name_en}"
    assert row(screen, "here") == ["This till", "10", "3", "7", "16:58"]
    assert not stale(screen, "here")
    assert row(screen, "hq") == ["This store at HQ", "9", "—", "9", "16:45 (older than 10 min)"]
    assert stale(screen, "hq")
    said = screen.stock.rows["hq"][1].accessibleName()
    assert said == ("This store at HQ: on hand 9, reserved not known, available 9, as of 16:45 "
                    "(older than 10 minutes: may be out of date)")
    assert screen.stock.rows["here"][0].accessibleName() == (
        "This till: on hand 10, reserved 3, available 7, as of 16:58")
    assert screen.stock.status.text() == ""
    assert screen.query.hasFocus()  # the keyboard stays in the search: the next scan goes there

    assert not screen.stock.status.isVisible()  # nothing to say: no empty line either

    clock.advance(minutes=9)  # this till's figure turns 11 minutes old: the panel's refresh greys it
    assert screen.stock.timer.isActive()
    screen.stock.timer.timeout.emit()
    shell.settle()
    assert row(screen, "here")[4] == "16:58 (older than 10 min)" and stale(screen, "here")
    db = shell.terminal.db
    with db.transaction() as s:  # a pull brings HQ's new figure: the next refresh shows it fresh
        s.execute(text("UPDATE sync_rows SET data = :d WHERE dataset = 'stock_levels' AND key = :k"),
                  {"k": product.sku, "d": json.dumps({"sku": product.sku, "on_hand": 8, "as_of": iso(clock.now())})})
    screen.stock.timer.timeout.emit()
    shell.settle()
    assert row(screen, "hq")[1:] == ["8", "—", "8", "17:09"] and not stale(screen, "hq")


@pytest.mark.serial
def test_a_product_with_no_stock_anywhere_says_so_in_chinese(make_shell, qtbot) -> None:
    shell, screen = open_lookup(make_shell, locale="zh_CN")
    product = shell.window.services.catalog.search("BEA", limit=1)[0]
    qtbot.keyClicks(screen.query, product.sku)
    qtbot.keyClick(screen.query, Qt.Key.Key_Return)
    shell.settle()
    assert screen.stock.title.text() == f"库存：{product.sku} {product.name_zh}"
    assert row(screen, "here")[1:] == ["—", "—", "—", "本机无记录"]
    assert row(screen, "hq")[1:] == ["—", "—", "—", "尚未收到总部数据"]
    screen.query.selectAll()  # nothing found: the panel empties
    qtbot.keyClicks(screen.query, "0000000000000")
    qtbot.keyClick(screen.query, Qt.Key.Key_Return)
    shell.settle()
    assert screen.stock.title.text() == "库存"
    assert row(screen, "here")[1:] == ["—", "—", "—", ""]


@pytest.mark.serial
def test_a_failing_stock_read_is_shown_not_raised(make_shell, qtbot, monkeypatch) -> None:
    shell, screen = open_lookup(make_shell)
    product = shell.window.services.catalog.search("BEA", limit=1)[0]

    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database is locked")

    monkeypatch.setattr(stock, "overview", broken)
    qtbot.keyClicks(screen.query, product.sku)
    qtbot.keyClick(screen.query, Qt.Key.Key_Return)
    shell.settle()
    assert screen.model.rowCount() == 1
    assert screen.stock.status.text() == "Stock could not be read: database is locked"
    assert row(screen, "here")[1:] == ["—", "—", "—", ""]


@pytest.mark.serial
@pytest.mark.parametrize("locale", ["zh_CN", "en"])
@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1366, 768)])
def test_a_filled_stale_panel_fits_the_counter_sizes(make_shell, qtbot, clock, locale, width, height) -> None:
    from PySide6.QtWidgets import QApplication

    from store_client.ui.fit_check import problems

    shell, screen = open_lookup(make_shell, locale=locale)
    product = max(shell.window.services.catalog.search("HOM", limit=50), key=lambda p: len(p.name(locale)))
    put_stock(shell, clock, product.sku)
    clock.advance(minutes=11)  # both rows stale: the longest texts
    shell.window.resize(width, height)
    qtbot.keyClicks(screen.query, product.sku)
    qtbot.keyClick(screen.query, Qt.Key.Key_Return)
    shell.settle()
    QApplication.processEvents()
    assert stale(screen, "here") and stale(screen, "hq")
    assert (shell.window.width(), shell.window.height()) == (width, height)
    assert problems(shell.window) == []
    assert screen.results.viewport().height() >= 3 * 40, "the products found keep room for three rows"
