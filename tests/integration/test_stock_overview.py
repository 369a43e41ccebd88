"""What Product lookup shows of a SKU's stock (services/stock.overview): this till's books,
HQ's figure for this store from the ``stock_levels`` dataset, and the 10-minute freshness rule."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import text

from store_client.clock import iso
from store_client.domain.stock import FRESH_FOR, Movement, MovementReason
from store_client.services import stock


def move(terminal, clock, sku: str, delta: int, ref: str) -> None:
    reason = MovementReason.RECEIPT if delta > 0 else MovementReason.SALE
    with terminal.db.transaction() as s:
        stock.record(s, [Movement(sku, delta, reason, ref, clock.now())], store_id="S001", terminal_id="T01",
                     clock=clock)


def hq_row(terminal, sku: str, data: object) -> None:
    with terminal.db.transaction() as s:
        s.execute(text("INSERT OR REPLACE INTO sync_rows (dataset, key, data) VALUES ('stock_levels', :k, :d)"),
                  {"k": sku, "d": data if isinstance(data, str) else json.dumps(data)})


def test_a_sku_never_moved_and_never_published_has_no_figures(terminal, clock):
    seen = stock.overview(terminal.db, "A", clock=clock)
    assert (seen.sku, seen.here, seen.at_hq, seen.now) == ("A", None, None, clock.now())


def test_here_is_on_hand_minus_reserved_as_of_the_last_movement(terminal, clock):
    move(terminal, clock, "A", 10, "delivery-1")
    clock.advance(minutes=2)
    move(terminal, clock, "A", -3, "sale-1")
    last = clock.now()
    with terminal.db.transaction() as s:  # a pick-up order holds two
        s.execute(text("UPDATE stock_positions SET reserved = 2 WHERE sku = 'A'"))
    clock.advance(minutes=1)
    here = stock.overview(terminal.db, "A", clock=clock).here
    assert here is not None
    assert (here.on_hand, here.reserved, here.available, here.as_of, here.fresh) == (7, 2, 5, last, True)


def test_available_is_never_negative(terminal, clock):
    move(terminal, clock, "A", -4, "sold-before-delivery")
    here = stock.overview(terminal.db, "A", clock=clock).here
    assert here is not None and (here.on_hand, here.available) == (-4, 0)


def test_a_figure_is_fresh_for_exactly_ten_minutes(terminal, clock):
    move(terminal, clock, "A", 5, "delivery-1")
    hq_row(terminal, "A", {"sku": "A", "on_hand": 12, "as_of": iso(clock.now())})
    clock.advance(seconds=FRESH_FOR.total_seconds())
    seen = stock.overview(terminal.db, "A", clock=clock)
    assert seen.here is not None and seen.here.fresh
    assert seen.at_hq is not None and seen.at_hq.fresh
    clock.advance(seconds=1)
    seen = stock.overview(terminal.db, "A", clock=clock)
    assert seen.here is not None and not seen.here.fresh
    assert seen.at_hq is not None and not seen.at_hq.fresh


def test_hqs_figure_for_this_store_comes_from_the_stock_levels_dataset(terminal, clock):
    at = clock.now() - timedelta(minutes=3)
    hq_row(terminal, "A", {"sku": "A", "on_hand": 12, "as_of": iso(at)})
    hq_row(terminal, "B", {"sku": "B", "on_hand": 99, "as_of": iso(at)})
    seen = stock.overview(terminal.db, "A", clock=clock)
    assert seen.here is None
    assert seen.at_hq == stock.Figure(12, None, at, True)
    assert seen.at_hq.available == 12


def test_an_hq_row_without_a_usable_time_is_stale_and_a_broken_one_is_no_figure(terminal, clock):
    hq_row(terminal, "A", {"sku": "A", "on_hand": 3, "as_of": "yesterday"})
    seen = stock.overview(terminal.db, "A", clock=clock).at_hq
    assert seen == stock.Figure(3, None, None, False)
    hq_row(terminal, "A", {"sku": "A", "on_hand": 3, "as_of": "2026-01-01T08:59:00"})  # naive: UTC
    seen = stock.overview(terminal.db, "A", clock=clock).at_hq
    assert seen is not None and seen.fresh and seen.as_of == clock.now() - timedelta(minutes=1)
    hq_row(terminal, "A", "{not json")
    assert stock.overview(terminal.db, "A", clock=clock).at_hq is None
    hq_row(terminal, "A", {"sku": "A", "on_hand": "3", "as_of": iso(clock.now())})
    assert stock.overview(terminal.db, "A", clock=clock).at_hq is None
