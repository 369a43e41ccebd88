"""The manager's board against sums computed directly from the rows it reads."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text

from store_client.clock import iso
from store_client.services.board import compute, day_bounds

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 12, 1)


def add_sale(s, at: datetime, total: int, *, tenders: list[tuple[str, int]], change: int = 0,
             lines: list[tuple[str, int]] = (("each", 1),), earned: int = 0, redeemed: int = 0) -> str:
    sale_id = str(uuid.uuid4())
    seq = s.execute(text("SELECT coalesce(max(receipt_seq), 0) + 1 FROM sales")).scalar_one()
    s.execute(text(
        "INSERT INTO sales (id, receipt_no, receipt_seq, store_id, terminal_id, operator_id, member_id, cart_id, "
        "cart_version, completed_at, subtotal_fen, discount_fen, total_fen, paid_fen, change_fen, vat_fen, "
        "points_earned, points_redeemed, outbox_event_id, print_job_id) VALUES (:id, :no, :seq, 'S001', 'T01', "
        "'c1', NULL, :cart, 1, :at, :total, 0, :total, :paid, :change, 0, :earned, :redeemed, :ev, NULL)"),
        {"id": sale_id, "no": f"R{seq}", "seq": seq, "cart": str(uuid.uuid4()), "at": iso(at), "total": total,
         "paid": total + change, "change": change, "earned": earned, "redeemed": redeemed, "ev": str(uuid.uuid4())})
    for n, (unit, qty) in enumerate(lines, 1):
        s.execute(text(
            "INSERT INTO sale_lines (sale_id, line_no, sku, name_zh, name_en, unit, quantity, unit_price_fen, "
            "gross_fen, discount_fen, net_fen, tax_rate_bp, vat_fen, overridden) VALUES (:s, :n, 'X', 'x', 'x', "
            ":unit, :qty, 0, 0, 0, 0, 0, 0, 0)"), {"s": sale_id, "n": n, "unit": unit, "qty": qty})
    for n, (kind, fen) in enumerate(tenders, 1):
        s.execute(text("INSERT INTO sale_tenders (sale_id, seq, kind, amount_fen, reference, points) "
                       "VALUES (:s, :n, :k, :a, NULL, NULL)"), {"s": sale_id, "n": n, "k": kind, "a": fen})
    return sale_id


def add_return(s, sale_id: str, at: datetime, refund: int, status: str) -> None:
    rid = str(uuid.uuid4())
    seq = s.execute(text("SELECT coalesce(max(return_seq), 0) + 1 FROM returns")).scalar_one()
    s.execute(text(
        "INSERT INTO returns (id, request_id, return_no, return_seq, sale_id, receipt_no, store_id, terminal_id, "
        "operator_id, approved_by, member_id, reason_code, reason_text, completed_at, refund_fen, points_refunded, "
        "points_reversed, outbox_event_id, print_job_id, status) VALUES (:id, :req, :no, :seq, :sale, 'R', 'S001', "
        "'T01', 'c1', NULL, NULL, 'changed_mind', '', :at, :refund, 0, 0, '', NULL, :status)"),
        {"id": rid, "req": str(uuid.uuid4()), "no": f"RT{seq}", "seq": seq, "sale": sale_id, "at": iso(at),
         "refund": refund, "status": status})


def shanghai(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def test_the_board_adds_up_to_the_rows(terminal):
    with terminal.db.transaction() as s:
        a = add_sale(s, shanghai(9, 5), 10_000, tenders=[("cash", 10_500)], change=500,
                     lines=[("each", 2), ("kg", 750)], earned=100)
        add_sale(s, shanghai(9, 55), 3_000, tenders=[("mobile", 2_000), ("points", 1_000)], redeemed=100)
        add_sale(s, shanghai(23, 59), 700, tenders=[("card", 700)])
        add_sale(s, shanghai(0, 0), 100, tenders=[("cash", 100)])                     # the store's midnight
        add_sale(s, shanghai(23, 59, DAY - timedelta(days=1)), 999, tenders=[("cash", 999)])  # yesterday
        add_sale(s, shanghai(9, 30, DAY - timedelta(days=7)), 4_000, tenders=[("cash", 4_000)])  # last week
        add_return(s, a, shanghai(11), 5_000, "completed")
        add_return(s, a, shanghai(12), 1_000, "cancelled")
    board = compute(terminal.db, day=DAY, tz=SHANGHAI)
    assert board.sales == 4 and board.sales_fen == 13_800
    assert {bar.hour: bar.fen for bar in board.hours if bar.fen} == {0: 100, 9: 13_000, 23: 700}
    assert {bar.hour: bar.last_week_fen for bar in board.hours if bar.last_week_fen} == {9: 4_000}
    assert board.basket_fen == 3_450 and board.items_per_basket_x100 == 150  # (2 + 1 kg line + 1 + 1 + 1) / 4
    assert board.payment_mix == {"card": 700, "cash": 10_100, "mobile": 2_000, "points": 1_000}
    assert sum(board.payment_mix.values()) == board.sales_fen
    assert (board.returns, board.returns_fen, board.return_success_bp) == (1, 5_000, 5_000)
    assert (board.points_issued, board.points_redeemed) == (100, 100)
    assert len(board.hours) == 24


def test_an_empty_day_is_zero_not_an_error(terminal):
    board = compute(terminal.db, day=DAY, tz=SHANGHAI)
    assert (board.sales, board.basket_fen, board.return_success_bp, board.payment_mix) == (0, 0, None, {})


def test_random_days_match_direct_sums(terminal):
    rng = random.Random(5)
    totals: dict[int, int] = {}
    with terminal.db.transaction() as s:
        for _ in range(300):
            at = shanghai(0) + timedelta(minutes=rng.randrange(-600, 24 * 60 + 600))
            fen = rng.randrange(1, 50_000)
            add_sale(s, at, fen, tenders=[("card", fen)])
            local = at.astimezone(SHANGHAI)
            if local.date() == DAY:
                totals[local.hour] = totals.get(local.hour, 0) + fen
    board = compute(terminal.db, day=DAY, tz=SHANGHAI)
    assert {bar.hour: bar.fen for bar in board.hours if bar.fen} == totals
    start, end = day_bounds(DAY, SHANGHAI)
    assert start == "2026-11-30T16:00:00.000000+00:00" and end == "2026-12-01T16:00:00.000000+00:00"


def test_a_day_with_a_clock_change_has_its_own_hours():
    berlin = ZoneInfo("Europe/Berlin")
    start, end = day_bounds(date(2026, 3, 29), berlin)  # 23 hours long
    assert (datetime.fromisoformat(end) - datetime.fromisoformat(start)) == timedelta(hours=23)
