"""Sample data for the printer templates (fixed times, so golden bytes are stable)."""

from __future__ import annotations

from datetime import UTC, datetime

from printers import receipt_data as r
from sync.protocol.signing import SigningKey

#: A fixed key (Ed25519 signs deterministically): the golden bytes carry the same proof every run.
PROOF_KEY = SigningKey.from_raw("S001-T01-5a3f0c21", "B" * 43)

WHEN = datetime(2026, 3, 14, 2, 30, 5, tzinfo=UTC)  # 10:30:05 in Shanghai


def header(**overrides) -> r.Header:
    values = {"store_name": "华联超市 徐汇店", "store_id": "S001", "terminal_id": "T01", "operator": "王小明 (1001)",
                  "when": WHEN}
    values.update(overrides)
    return r.Header(**values)


def sale(lines: int = 4, cash: bool = True, **header_overrides) -> r.SaleReceipt:
    names = ["可口可乐 330ml", "Fresh milk 1L", "五常大米 5kg 东北特产 非常长的商品名称需要换行显示", "苹果 Apple"]
    sale_lines = []
    for i in range(lines):
        name = names[i % len(names)] + ("" if i < len(names) else f" #{i}")
        if i % len(names) == 3:
            sale_lines.append(r.SaleLine(name, 1250, 1280, 1600, quantity_scale=1000, unit="kg"))
        elif i % len(names) == 1:
            sale_lines.append(r.SaleLine(name, 2, 1590, 2880, (r.Discount("会员价 Member price", 300),)))
        else:
            sale_lines.append(r.SaleLine(name, 1, 350 + 100 * i, 350 + 100 * i))
    subtotal = sum(line.amount_fen for line in sale_lines)
    total = subtotal - 100
    tenders = (r.Tender("cash", "现金 Cash", total + 1000 - total % 1000),) if cash else (
        r.Tender("wechat", "微信支付 WeChat Pay", total, "****8831"),)
    change = tenders[0].amount_fen - total if cash else 0
    return r.SaleReceipt(
        header=header(**header_overrides), receipt_no="S001-T01-000123", sale_uuid="7d1c6f1e-0000-4000-8000-000000000001",
        lines=tuple(sale_lines), subtotal_fen=subtotal, discount_fen=100, total_fen=total, tenders=tenders,
        change_fen=change, order_discounts=(r.Discount("满减 Promo", 100),), tax_fen=1003,
        member=r.Member("138****5678", points_earned=total // 100, points_balance=2048),
        e_receipt_url="https://r.example.cn/e/7d1c6f1e", footer="谢谢惠顾 Thank you!",
        return_proof=proof(total, tenders[0].kind, len(sale_lines)))


def proof(total: int, method: str, lines: int) -> str:
    """A signed receipt proof as the checkout makes it (sync/protocol/receipt_proof.py)."""
    from sync.protocol.receipt_proof import sign_receipt

    nets = [total // lines] * lines
    nets[0] += total - sum(nets)
    return sign_receipt(PROOF_KEY, {
        "sale_id": "7d1c6f1e-0000-4000-8000-000000000001", "store_id": "S001", "terminal_id": "T01",
        "receipt_no": "S001-T01-000123", "completed_at": WHEN.isoformat(), "member_id": "M0000001",
        "points_earned": total // 100,
        "lines": [{"line_no": n + 1, "sku": f"69{n:011d}", "qty": 1, "net_minor": fen} for n, fen in enumerate(nets)],
        "payments": [{"method": "cash" if method == "cash" else "wechat", "amount_minor": total}], "change_minor": 0})


def return_receipt(**header_overrides) -> r.ReturnReceipt:
    return r.ReturnReceipt(
        header=header(**header_overrides), return_no="R001-T01-000007", original_receipt_no="S001-T01-000123",
        lines=(r.ReturnLine("可口可乐 330ml", 1, 350),), refund_total_fen=350,
        refund_tenders=(r.Tender("cash", "现金 Cash", 350),), reason="破损 Damaged", approved_by="李经理 (9001)")


def pickup() -> r.PickupSlip:
    return r.PickupSlip(header=header(), order_no="PK20260314-0042", customer_name="张女士", phone_tail="5678",
                        items=(r.PickupItem("五常大米 5kg", 2, "690123"), r.PickupItem("Olive oil 500ml", 1, "690999")),
                        channel="小程序 Mini-program", note="请当面核对 Check in person")


def shift(kind: str) -> r.ShiftReport:
    return r.ShiftReport(header=header(), kind=kind, shift_no="20260314-T01-1", opened_at=WHEN,
                         sales_count=123, sales_total_fen=4567890, returns_count=2, returns_total_fen=1250,
                         by_tender=(("现金 Cash", 1234500), ("微信 WeChat", 2000000), ("支付宝 Alipay", 1332140)),
                         opening_float_fen=50000, expected_cash_fen=1284500,
                         counted_cash_fen=1284000 if kind == "Z" else None, no_sale_count=1, voids_count=3)


def stock_count() -> r.StockCountSummary:
    return r.StockCountSummary(header=header(), count_no="SC-2026-03-14-01", area="A区 饮料 Drinks",
                               lines=(r.CountLine("690123", "可口可乐 330ml", 48, 47),
                                      r.CountLine("690124", "Sprite 330ml", 24, 24)))


def test_page() -> r.TestPage:
    return r.TestPage(header=header(), printer_kind="network", profile="TM-T88V", paper_mm=80,
                      encoding="gb18030")
