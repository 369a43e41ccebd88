"""The bulk loader (all or nothing) and a demo store created end to end."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from store_client import config as cfg
from store_client.bootstrap import Terminal, open_terminal
from store_client.cli import main
from store_client.demo import generator
from store_client.demo import store as demo_store
from store_client.demo.loader import SEARCH_TRIGGERS, CatalogNotEmpty, load_catalog
from store_client.demo.operators import DEMO_OPERATORS
from store_client.demo.store import create_demo_store
from store_client.domain.pins import verify_pin
from store_client.persistence.models import Operator, TerminalSetting
from store_client.persistence.search_grams import GRAM_TRIGGERS
from store_client.services.catalog import CatalogService
from tests.integration.grams_check import assert_grams_sound


class Boom(RuntimeError):
    pass


def failing_after(rows: Iterator, n: int) -> Iterator:
    yield from itertools.islice(rows, n)
    raise Boom("generator failed mid-load")


def counts(term: Terminal) -> dict[str, int]:
    with term.db.read() as session:
        return {t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("categories", "products", "barcodes", "product_search", "operators",
                          "terminal_settings")}


def triggers(term: Terminal) -> set[str]:
    with term.db.read() as session:
        return set(session.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'products'")).scalars())


def dump(db_path: Path) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return (conn.execute("SELECT * FROM products ORDER BY id").fetchall()
                + conn.execute("SELECT * FROM barcodes ORDER BY code").fetchall()
                + conn.execute("SELECT * FROM categories ORDER BY code").fetchall())
    finally:
        conn.close()


# -- loader -----------------------------------------------------------------------------------

def test_failure_midway_leaves_an_empty_catalog_with_triggers(terminal: Terminal) -> None:
    before = triggers(terminal)
    assert before == {*SEARCH_TRIGGERS, *GRAM_TRIGGERS}
    with pytest.raises(Boom):
        load_catalog(terminal.db, generator.categories(),
                     failing_after(generator.products(1000, 1), 650), chunk=200)
    assert counts(terminal) == dict.fromkeys(counts(terminal), 0)
    assert_grams_sound(terminal.db)  # and holds no token of the rolled-back rows
    assert triggers(terminal) == before
    # The same database then loads fine, and the triggers it got back work.
    result = load_catalog(terminal.db, generator.categories(), generator.products(300, 1), chunk=200)
    assert (result.products, result.categories) == (300, len(generator.categories()))
    with terminal.db.transaction() as session:
        session.execute(text("UPDATE products SET name_en = 'Zebra Quokka', name_zh = '斑马 短尾矮袋鼠' "
                             "WHERE id = 7"))
    assert [p.id for p in CatalogService(terminal.db).search("quokka")] == [7]
    assert [p.id for p in CatalogService(terminal.db).search("袋鼠")] == [7]


def test_duplicate_barcode_rolls_everything_back(terminal: Terminal) -> None:
    rows = list(generator.products(200, 2))
    rows[150] = rows[150]._replace(barcodes=rows[3].barcodes)
    with pytest.raises(sqlite3.IntegrityError):
        load_catalog(terminal.db, generator.categories(), rows, chunk=50)
    assert set(counts(terminal).values()) == {0}
    assert triggers(terminal) == {*SEARCH_TRIGGERS, *GRAM_TRIGGERS}


def test_loader_refuses_a_catalog_that_is_not_empty(terminal: Terminal) -> None:
    load_catalog(terminal.db, generator.categories(), generator.products(100, 4))
    before = counts(terminal)
    with pytest.raises(CatalogNotEmpty, match="already holds a catalog"):
        load_catalog(terminal.db, [], generator.products(100, 5))
    assert counts(terminal) == before


def test_failed_load_stops_the_background_generator(terminal: Terminal) -> None:
    import multiprocessing

    rows = generator.products_in_background(500_000, 5)
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY") as failure:  # no categories
        load_catalog(terminal.db, [], rows)
    # Stopped at once, not left to the garbage collector: the traceback (kept alive here,
    # as an error handler or a logger would) still references the loader's frame.
    assert not multiprocessing.active_children()
    assert failure.traceback
    assert set(counts(terminal).values()) == {0}
    with pytest.raises(RuntimeError, match="only once"):
        list(rows)


def test_load_counts_index_and_restored_settings(terminal: Terminal) -> None:
    rows = list(generator.products(1500, 8))
    result = load_catalog(terminal.db, generator.categories(), rows, chunk=400)
    assert result.products == 1500 and result.barcodes == sum(len(r.barcodes) for r in rows)
    got = counts(terminal)
    assert got["products"] == got["product_search"] == 1500 and got["barcodes"] == result.barcodes
    with terminal.db.transaction() as session:
        session.execute(text(
            "INSERT INTO product_search (product_search, rank) VALUES ('integrity-check', 1)"))
        hashsize = session.execute(text(
            "SELECT v FROM product_search_config WHERE k = 'hashsize'")).scalar_one()
    assert hashsize == 1024 * 1024  # the bulk-load setting does not outlive the load
    raw = terminal.db.engine.raw_connection()
    try:  # the pooled connection got its normal page cache back
        assert raw.driver_connection.execute("PRAGMA cache_size").fetchone()[0] == -2000
    finally:
        raw.close()
    wal = terminal.config.database_path.with_name("terminal.sqlite3-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # folded in and truncated


# -- create_demo_store --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_demo_store(tmp_path_factory.mktemp("d") / "store", skus=300, seed=5,
                             store_id="S042", terminal_id="T07", locale="en")


def test_demo_config_loads_and_points_at_the_store(demo: Path) -> None:
    config = cfg.load(demo)
    assert config.demo is True
    assert config.data_dir == demo.parent and config.database_path.exists()
    assert (config.store_id, config.terminal_id, config.locale) == ("S042", "T07", "en")
    assert config["store.name"] == demo_store.DEMO_STORE_NAME
    assert config["hq.url"] == ""


def test_demo_store_has_catalog_staff_and_seed(demo: Path) -> None:
    term = open_terminal(cfg.load(demo))
    try:
        service = CatalogService(term.db)
        assert service.count() == 300
        assert len(service.categories()) == len(generator.categories())
        first = next(generator.products(300, 5))
        assert service.by_code(first.barcodes[0]).name_zh == first.name_zh  # type: ignore[union-attr]
        with term.db.read() as session:
            operators = {op.id: (op.name, op.role, op.active, op.pin_hash)
                         for op in session.scalars(select(Operator))}
            settings = {s.key: s.value for s in session.scalars(select(TerminalSetting))}
        assert set(operators) == {op.id for op in DEMO_OPERATORS}
        for demo_op in DEMO_OPERATORS:
            name, role, active, pin_hash = operators[demo_op.id]
            assert (name, role, active) == (demo_op.name, demo_op.role, True)
            assert demo_op.pin not in pin_hash
            assert verify_pin(demo_op.pin, pin_hash)
            assert not verify_pin("0000", pin_hash)
        assert settings["demo.seed"] == "5" and settings["demo.skus"] == "300"
        with term.db.read() as session:  # a season of price changes: returns without receipt price from it
            history = session.execute(text("SELECT sku, since, price_minor FROM price_history")).all()
            now_prices = dict(session.execute(text("SELECT sku, price_minor FROM products")).all())
        assert len({sku for sku, _s, _p in history}) > 50
        latest: dict[str, tuple[str, int]] = {}
        for sku, since, price in history:
            if sku not in latest or since > latest[sku][0]:
                latest[sku] = (since, price)
        assert all(price == now_prices[sku] for sku, (_since, price) in latest.items())  # ends at the shelf price
    finally:
        term.close()


def test_refuses_a_directory_with_a_database(demo: Path) -> None:
    db = demo.parent / "terminal.sqlite3"
    before = dump(db)
    demo.unlink()  # even without the config file, the database is never overwritten
    try:
        with pytest.raises(FileExistsError, match="terminal database"):
            create_demo_store(demo.parent, skus=100)
    finally:
        demo.write_text(cfg.template("S042", "T07", **{
            "store.name": demo_store.DEMO_STORE_NAME, "ui.locale": "en",
            "data.dir": str(demo.parent), "demo.enabled": True}), encoding="utf-8")
    assert dump(db) == before


def test_same_seed_same_database_content(tmp_path: Path) -> None:
    a = create_demo_store(tmp_path / "a", skus=150, seed=9)
    b = create_demo_store(tmp_path / "b", skus=150, seed=9)
    c = create_demo_store(tmp_path / "c", skus=150, seed=10)
    da, db_, dc = (dump(p.parent / "terminal.sqlite3") for p in (a, b, c))
    assert da == db_ and da != dc


@pytest.mark.parametrize("skus", [99, 1_000_001])
def test_bad_size_writes_nothing(tmp_path: Path, skus: int) -> None:
    with pytest.raises(ValueError):
        create_demo_store(tmp_path / "x", skus=skus)
    assert not (tmp_path / "x").exists()


def test_failed_creation_removes_what_it_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = generator.products
    monkeypatch.setattr(generator, "products", lambda n, seed: failing_after(real(n, seed), 120))
    with pytest.raises(Boom):
        create_demo_store(tmp_path / "half", skus=200)
    assert not (tmp_path / "half").exists()
    existing = tmp_path / "mine"
    existing.mkdir()
    (existing / "notes.txt").write_text("keep me")
    with pytest.raises(Boom):
        create_demo_store(existing, skus=200)
    assert sorted(p.name for p in existing.iterdir()) == ["notes.txt"]


def test_cli_generate_prints_timings_and_refuses_twice(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli"
    assert main(["demo-data", "generate", "--skus", "100", "--seed", "3", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert str(out / "config.toml") in printed and "generate_and_load" in printed
    assert cfg.load(out / "config.toml").demo
    assert main(["demo-data", "generate", "--skus", "100", "--out", str(out)]) == 1
    assert "already holds" in capsys.readouterr().err
    assert main(["demo-data", "generate", "--skus", "5", "--out", str(tmp_path / "tiny")]) == 1
    assert "100 to 1,000,000" in capsys.readouterr().err
