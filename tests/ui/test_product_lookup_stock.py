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
    assert row(screen, "hq") == ["This store at HQ", "9", "0", "9", "16:45 (older than 10 min)"]
    assert stale(screen, "hq")
    said = screen.stock.rows["hq"][1].accessibleName()
    assert said == ("This store at HQ: on hand 9, reserved 0, available 9, as of 16:45 "
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
    assert row(screen, "hq")[1:] == ["8", "0", "8", "17:09"] and not stale(screen, "hq")


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
    put_nearby(shell, clock, product.sku)  # five nearby stores and the warehouse: the tallest panel
    clock.advance(minutes=11)  # every row stale: the longest texts
    shell.window.resize(width, height)
    qtbot.keyClicks(screen.query, product.sku)
    qtbot.keyClick(screen.query, Qt.Key.Key_Return)
    shell.settle()
    QApplication.processEvents()
    assert stale(screen, "here") and stale(screen, "hq")
    assert (shell.window.width(), shell.window.height()) == (width, height)
    assert problems(shell.window) == []
    assert screen.results.viewport().height() >= 3 * 40, "the products found keep room for three rows"


NEARBY = [("S003", "陆家嘴店", 2_700), ("S002", "静安寺店", 2_800), ("S004", "徐家汇店", 5_300),
          ("S005", "虹桥店", 13_600), ("S007", "五角场店", 15_900)]


def put_nearby(shell, clock, sku: str, *, stale_site: str = "S003") -> None:  # type: ignore[no-untyped-def]
    """HQ's figures of the five nearest stores (``stale_site`` 15 minutes old, the others 3),
    the warehouse's, and a row that wrongly names this store S001 (never shown)."""
    now = clock.now()
    rows = [(site, name, "store", distance, 5 + i, now - timedelta(minutes=15 if site == stale_site else 3))
            for i, (site, name, distance) in enumerate(NEARBY)]
    rows += [("W01", "嘉定仓", "warehouse", 25_500, 2_400, now - timedelta(minutes=1)),
             ("S001", "人民广场店", "store", 0, 99, now)]
    with shell.terminal.db.transaction() as s:
        for site, name, kind, distance, on_hand, as_of in rows:
            s.execute(text("INSERT OR REPLACE INTO sync_rows (dataset, key, data) VALUES ('stock_nearby', :k, :d)"),
                      {"k": f"{sku}|{site}", "d": json.dumps({
                          "sku": sku, "site_id": site, "name": name, "kind": kind, "distance_m": distance,
                          "on_hand": on_hand, "as_of": iso(as_of)})})


@pytest.mark.serial
def test_nearby_stores_and_the_warehouse_by_keys_only_in_chinese(make_shell, qtbot, clock) -> None:
    shell, screen = open_lookup(make_shell, locale="zh_CN")
    first, second = shell.window.services.catalog.search("HOM", limit=2)
    put_nearby(shell, clock, first.sku)
    qtbot.keyClicks(screen.query, "HOM")
    qtbot.keyClick(screen.query, Qt.Key.Key_Return)
    shell.settle()
    panel = screen.stock
    assert panel.title.text() == f"库存：{first.sku} {first.name_zh}"  # the first product found is selected
    # nearest first, with the distance in km; 09:00 UTC is 17:00 in the store
    assert row(screen, "near0") == ["陆家嘴店 · 2.7 公里", "5", "—", "5", "16:45（超过 10 分钟）"]
    assert stale(screen, "near0")
    assert row(screen, "near1") == ["静安寺店 · 2.8 公里", "6", "—", "6", "16:57"]
    assert not stale(screen, "near1")
    assert [row(screen, f"near{i}")[0] for i in range(5)] == [
        "陆家嘴店 · 2.7 公里", "静安寺店 · 2.8 公里", "徐家汇店 · 5.3 公里", "虹桥店 · 13.6 公里", "五角场店 · 15.9 公里"]
    assert not any(cell.isVisible() for cell in panel.rows["near5"])  # this store's own row is never shown
    assert row(screen, "warehouse0") == ["嘉定仓（仓库） · 25.5 公里", "2400", "—", "2400", "16:59"]
    assert not stale(screen, "warehouse0")
    assert not any(cell.isVisible() for cell in panel.rows["warehouse1"])
    assert not panel.elsewhere.isVisible()
    assert panel.rows["near0"][2].accessibleName() == (
        "陆家嘴店 · 2.7 公里：现有 5，预留 未知，可售 5，截至 16:45 （超过 10 分钟，可能已过时）")
    assert screen.query.hasFocus()

    qtbot.keyClick(screen.query, Qt.Key.Key_F3)  # to the products found, then the next one
    assert screen.results.hasFocus()
    qtbot.keyClick(screen.results, Qt.Key.Key_Down)
    shell.settle()
    assert panel.title.text() == f"库存：{second.sku} {second.name_zh}"
    assert panel.elsewhere.isVisible()
    assert panel.elsewhere.text() == "其他门店和仓库：总部尚未发送此商品的库存。"
    assert not any(cell.isVisible() for key in panel.other_keys for cell in panel.rows[key])

    clock.advance(minutes=8)  # Jing'an's figure turns 11 minutes old: greyed, in words
    qtbot.keyClick(screen.results, Qt.Key.Key_Up)
    shell.settle()
    assert panel.title.text() == f"库存：{first.sku} {first.name_zh}"
    assert row(screen, "near1")[4] == "16:57（超过 10 分钟）" and stale(screen, "near1")
    assert row(screen, "warehouse0")[4] == "16:59" and not stale(screen, "warehouse0")
