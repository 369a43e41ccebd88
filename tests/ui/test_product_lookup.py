"""Product lookup driven through the UI against a small generated demo store."""

from __future__ import annotations

from tests.ui.conftest import demo_operator, type_text
from PySide6.QtCore import Qt

from store_client.ui.operations import catalog as catalog_ops
from store_client.ui.screens import product_lookup


def open_lookup(make_shell, locale: str = "en"):  # type: ignore[no-untyped-def]
    shell = make_shell(locale=locale)
    cashier = demo_operator("cashier")
    shell.sign_in(cashier.id, cashier.pin)
    shell.window.open_screen("productLookup")
    return shell, shell.window.screens["productLookup"]


def shown(screen, column: str) -> list[str]:  # type: ignore[no-untyped-def]
    col = screen.model.COLUMNS.index(column)
    return [screen.model.index(r, col).data() for r in range(screen.model.rowCount())]


def test_scanning_a_barcode_finds_that_product(make_shell, qtbot) -> None:
    shell, screen = open_lookup(make_shell)
    catalog = shell.window.services.catalog
    product = catalog.search("HOM", limit=5)[0]
    code = product.barcodes[-1]
    qtbot.keyClicks(screen.query, code)
    qtbot.keyClick(screen.query, Qt.Key.Key_Return)
    shell.settle()
    assert screen.model.rowCount() == 1
    assert shown(screen, "sku") == [product.sku]
    assert code in shown(screen, "barcodes")[0]
    assert shown(screen, "price") == [product.price.format("en")
                                      + (" / kg" if product.unit == "kg" else "")]
    assert shown(screen, "name") == [product.name_en]


def test_typing_a_name_searches_after_a_pause(make_shell, qtbot) -> None:
    shell, screen = open_lookup(make_shell, locale="zh_CN")
    catalog = shell.window.services.catalog
    word = catalog.search("HOM", limit=1)[0].name_zh.split()[-2]  # a word of a real name
    type_text(screen.query, word)  # no Enter: the debounce timer fires the search
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=5000)
    shell.settle()
    names = shown(screen, "name")
    assert all(word in name for name in names)
    assert len(names) == len(catalog.search(word, limit=product_lookup.RESULT_LIMIT))
    assert screen.status.text() == f"找到商品：{len(names)} 个"
    assert "¥" in shown(screen, "price")[0]


def test_typing_quickly_searches_once_for_the_final_text(make_shell, qtbot, monkeypatch) -> None:
    shell, screen = open_lookup(make_shell)
    queries: list[str] = []
    real = catalog_ops.lookup

    def spy(catalog, text, limit=product_lookup.RESULT_LIMIT, after=None):  # type: ignore[no-untyped-def]
        queries.append(text)
        return real(catalog, text, limit, after)

    monkeypatch.setattr(catalog_ops, "lookup", spy)
    qtbot.keyClicks(screen.query, "BEA000")
    qtbot.waitUntil(lambda: queries == ["BEA000"], timeout=5000)
    shell.settle()
    assert queries == ["BEA000"]
    assert shown(screen, "sku") and all(sku.startswith("BEA000") for sku in shown(screen, "sku"))


def test_stale_results_never_replace_newer_ones(make_shell, qtbot) -> None:
    shell, screen = open_lookup(make_shell)
    screen.query.setText("HOM")
    screen.search_now()
    screen.query.setText("BEA")
    screen.search_now()  # both run; only the second may be shown
    shell.settle()
    assert shown(screen, "sku") and all(sku.startswith("BEA") for sku in shown(screen, "sku"))


def test_unknown_code_and_empty_query(make_shell, qtbot) -> None:
    shell, screen = open_lookup(make_shell)
    qtbot.keyClicks(screen.query, "0000000000000")
    qtbot.keyClick(screen.query, Qt.Key.Key_Return)
    shell.settle()
    assert screen.model.rowCount() == 0
    assert screen.status.text() == "Nothing found for “0000000000000”."
    screen.query.clear()
    qtbot.keyClick(screen.query, Qt.Key.Key_Return)
    assert screen.model.rowCount() == 0 and shell.tasks.pending == 0


def test_a_failing_search_is_shown_not_raised(make_shell, qtbot, monkeypatch) -> None:
    shell, screen = open_lookup(make_shell)

    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database is locked")

    monkeypatch.setattr(catalog_ops, "lookup", broken)
    qtbot.keyClicks(screen.query, "BEA")
    qtbot.keyClick(screen.query, Qt.Key.Key_Return)
    shell.settle()
    assert screen.status.text() == "Search failed: database is locked"


def test_a_list_cut_short_says_so_and_shows_the_rest(make_shell, qtbot, monkeypatch) -> None:
    monkeypatch.setattr(product_lookup, "RESULT_LIMIT", 40)
    shell, screen = open_lookup(make_shell)
    catalog = shell.window.services.catalog
    everything, page = [], catalog.search_page("ea", limit=1000)
    assert not page.more and len(page.products) > 90, "the demo store should hold many"
    everything = {p.sku for p in page.products}
    qtbot.keyClicks(screen.query, "ea")
    qtbot.keyClick(screen.query, Qt.Key.Key_Return)
    shell.settle()
    assert screen.model.rowCount() == 40 and screen.more.button.isVisible()
    assert screen.status.text() == "40 products shown; more match (Show more)."
    for _ in range(50):
        if not screen.more.button.isVisible():
            break
        assert screen.more.button.focusPolicy() & Qt.FocusPolicy.TabFocus  # reachable by Tab
        screen.more.button.click()
        shell.settle()
    skus = shown(screen, "sku")
    assert len(skus) == len(set(skus)) and set(skus) == everything
    assert screen.status.text() == f"Products found: {len(everything)}"
    screen.query.setText("ea")
    screen.search_now()  # a new search starts from its first page again
    shell.settle()
    assert screen.model.rowCount() == 40 and screen.more.button.isVisible()
