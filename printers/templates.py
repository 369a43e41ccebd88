"""Receipt templates: data from :mod:`printers.receipt_data` to a :class:`Document`.

Bilingual labels (Chinese / English) as printed in the stores. Training-mode
documents say so at the top and bottom; reprints carry "重印 / REPRINT" and
never kick the drawer (the money moved with the original).
"""

from __future__ import annotations

from printers import receipt_data as r
from printers.document import Document, DocumentBuilder, Run
from store_client.domain.money import Money
from store_client.store_time import date_time as local  # the store's zone (store.time_zone)

TRAINING = "*** 培训模式 TRAINING - 非正式收据 NOT A RECEIPT ***"
REPRINT = "*** 重印 / REPRINT ***"


def money(fen: int, currency: str = "CNY") -> str:
    """``1,234.50`` / ``-3.00``: the amount of fen, exact, without the currency symbol."""
    return f"{Money(fen, currency).to_decimal():,.2f}"


def yen(fen: int, currency: str = "CNY") -> str:
    symbol = {"CNY": "¥", "HKD": "HK$", "USD": "$", "EUR": "€"}[currency]
    sign = "-" if fen < 0 else ""
    return f"{sign}{symbol}{money(abs(fen), currency)}"


def quantity(q: int, scale: int = 1, unit: str = "") -> str:
    if scale == 1:
        text = str(q)
    else:
        whole, frac = divmod(abs(q), scale)
        digits = len(str(scale)) - 1
        text = ("-" if q < 0 else "") + f"{whole}.{frac:0{digits}d}"
    return text + unit


def _head(b: DocumentBuilder, h: r.Header, title: str) -> None:
    if h.training:
        b.text(TRAINING, bold=True, align="center")
    if h.reprint:
        b.text(REPRINT, bold=True, align="center", double=True)
    b.text(h.store_name or h.store_id, bold=True, align="center", double=True)
    b.text(title, bold=True, align="center")
    b.row(f"门店 Store {h.store_id}", f"收银机 Till {h.terminal_id}")
    b.row("收银员 Cashier", h.operator)
    b.row("时间 Time", local(h.when))


def _tail(b: DocumentBuilder, h: r.Header) -> None:
    if h.training:
        b.text(TRAINING, bold=True, align="center")
    if h.reprint:
        b.text(f"{REPRINT} {local(h.when)}", align="center")


def sale_receipt(s: r.SaleReceipt, logo_png: bytes | None = None) -> Document:
    b = DocumentBuilder(title=f"sale {s.receipt_no}")
    if logo_png:
        b.image(logo_png)
    _head(b, s.header, "换货小票 EXCHANGE RECEIPT" if s.exchange else "销售小票 SALES RECEIPT")
    b.row("小票号 Receipt", s.receipt_no)
    if s.exchange:
        _exchange_returned(b, s.exchange, s.currency)
    b.separator()
    b.row("商品 Item", "数量 Qty", "金额 Amount", bold=True, min_widths=(0, 8, 11))
    b.separator()
    for line in s.lines:
        b.row(line.name, quantity(line.quantity, line.quantity_scale, line.unit),
              money(line.amount_fen, s.currency), min_widths=(0, 8, 11))
        if line.quantity != line.quantity_scale:
            b.row(f"  @ {money(line.unit_price_fen, s.currency)}", "")
        for disc in line.discounts:
            b.row(f"  {disc.label}", money(-disc.amount_fen, s.currency))
        for note in line.notes:
            b.text(f"  {note}")
    b.separator()
    b.row("小计 Subtotal", yen(s.subtotal_fen, s.currency))
    for disc in s.order_discounts:
        b.row(disc.label, money(-disc.amount_fen, s.currency))
    if s.discount_fen:
        b.row("优惠 Discount", yen(-s.discount_fen, s.currency))
    b.runs(Run("合计 TOTAL "), Run(yen(s.total_fen, s.currency), bold=True), align="right", double=True)
    if s.tax_fen is not None:
        b.row("含增值税 VAT incl.", yen(s.tax_fen, s.currency))
    for tender in s.tenders:
        label = tender.label + (f" {tender.reference}" if tender.reference else "")
        b.row(label, yen(tender.amount_fen, s.currency))
    if s.change_fen:
        b.row("找零 Change", yen(s.change_fen, s.currency), bold=True)
    if s.exchange:
        _exchange_difference(b, s.exchange, s.total_fen, s.currency)
    if s.member:
        _member(b, s.member)
    if s.pickup_notes:
        b.separator()
        for note in s.pickup_notes:
            b.text(note, bold=True)
    b.separator()
    b.barcode(s.receipt_no)
    if s.return_proof:  # any store checks it offline and takes the return without more proof
        b.text("退换货凭证 Return proof", align="center")
        b.qr(s.return_proof, size=4)
    if s.e_receipt_url:
        b.text("扫码查看电子小票 Scan for e-receipt", align="center")
        b.qr(s.e_receipt_url)
    if s.join_url:  # the customer joins on their phone; this sale's points go to them
        b.text("扫码加入会员 本单积分归您", align="center")
        b.text("Scan to join: this sale's points", align="center")
        b.qr(s.join_url, size=4)
    if s.footer:
        b.text(s.footer, align="center")
    _tail(b, s.header)
    b.cut()
    if s.opens_drawer and not s.header.reprint and not s.header.training:
        b.drawer_kick()
    return b.build()


def _exchange_returned(b: DocumentBuilder, x: r.ExchangeSection, currency: str) -> None:
    b.row("退货单号 Return", x.return_no)
    b.row("原小票 Original", x.original_receipt_no)
    b.separator()
    b.text("退回商品 Returned", bold=True)
    for line in x.lines:
        b.row(line.name, quantity(line.quantity, line.quantity_scale, line.unit),
              money(-line.amount_fen, currency), min_widths=(0, 8, 11))
    b.row("退回金额 Returned value", yen(x.return_fen, currency))
    b.text("新购商品 New items", bold=True)


def _exchange_difference(b: DocumentBuilder, x: r.ExchangeSection, total_fen: int, currency: str) -> None:
    """The difference: paid by the customer (the tenders above) or paid back (below)."""
    difference = total_fen - x.return_fen
    if difference >= 0:
        b.row("差额补付 Difference paid", yen(difference, currency), bold=True)
        return
    b.runs(Run("退还差额 REFUND "), Run(yen(difference, currency), bold=True), align="right", double=True)
    for tender in x.refund_tenders:
        b.row(tender.label + (f" {tender.reference}" if tender.reference else ""),
              yen(-tender.amount_fen, currency))
    b.feed(1)
    b.text("顾客签名 Customer signature: ________", align="left")


def _member(b: DocumentBuilder, m: r.Member) -> None:
    b.separator()
    b.row("会员 Member", m.member_no)
    if m.points_earned:
        b.row("本次积分 Points earned", f"+{m.points_earned}")
    if m.points_redeemed:
        b.row("积分抵扣 Points used", f"-{m.points_redeemed}")
    if m.points_balance is not None:
        b.row("积分余额 Balance", str(m.points_balance))


def return_receipt(s: r.ReturnReceipt) -> Document:
    b = DocumentBuilder(title=f"return {s.return_no}")
    _head(b, s.header, "退货单 RETURN RECEIPT")
    b.row("退货单号 Return", s.return_no)
    b.row("原小票 Original", s.original_receipt_no)
    b.separator()
    for line in s.lines:
        b.row(line.name, quantity(line.quantity, line.quantity_scale, line.unit),
              money(-line.amount_fen, s.currency), min_widths=(0, 8, 11))
        if line.condition:
            b.text(f"  {line.condition}", align="left")
    b.separator()
    b.runs(Run("退款 REFUND "), Run(yen(-s.refund_total_fen, s.currency), bold=True),
           align="right", double=True)
    for tender in s.refund_tenders:
        b.row(tender.label, yen(-tender.amount_fen, s.currency))
    if s.reason:
        b.row("原因 Reason", s.reason)
    if s.approved_by:
        b.row("批准 Approved by", s.approved_by)
    if s.member:
        _member(b, s.member)
    if s.points_back:
        b.row("退回积分 Points back", f"+{s.points_back}")
    if s.points_taken:
        b.row("扣回积分 Points taken back", f"-{s.points_taken}")
    if s.coupons_reissued:
        b.row("退回优惠券 Coupons given back", str(s.coupons_reissued))
    b.separator()
    b.barcode(s.return_no)
    b.feed(2)
    b.text("顾客签名 Customer signature: ________", align="left")
    _tail(b, s.header)
    b.cut()
    if s.opens_drawer and not s.header.reprint and not s.header.training:
        b.drawer_kick()
    return b.build()


def pickup_slip(s: r.PickupSlip) -> Document:
    b = DocumentBuilder(title=f"pickup {s.order_no}")
    _head(b, s.header, "自提交接单 PICKUP HAND-OVER")
    b.text(s.order_no, bold=True, align="center", double=True)
    b.row("顾客 Customer", s.customer_name)
    b.row("手机尾号 Phone (last 4)", s.phone_tail)
    if s.channel:
        b.row("渠道 Channel", s.channel)
    b.separator()
    b.row("商品 Item", "数量 Qty", bold=True)
    for item in s.items:
        b.row(f"{item.name} {item.sku}".strip(), str(item.quantity))
    b.separator()
    b.row("件数 Pieces", str(sum(i.quantity for i in s.items)))
    if s.note:
        b.text(f"备注 Note: {s.note}")
    b.barcode(s.order_no)
    b.feed(2)
    b.text("顾客签收 Received by: ________")
    _tail(b, s.header)
    b.cut()
    return b.build()


def shift_report(s: r.ShiftReport) -> Document:
    title = "X 报表 X REPORT (未结班 not closed)" if s.kind == "X" else "Z 报表 Z REPORT (结班 closed)"
    b = DocumentBuilder(title=f"{s.kind} report {s.shift_no}")
    _head(b, s.header, title)
    b.row("班次 Shift", s.shift_no)
    b.row("开班 Opened", local(s.opened_at))
    if s.closed_at is not None:
        b.row("结班 Closed", local(s.closed_at))
    b.separator()
    b.row("销售 Sales", str(s.sales_count), yen(s.sales_total_fen, s.currency))
    if s.discount_fen:
        b.row("其中优惠 Discounts given", yen(s.discount_fen, s.currency))
    b.row("退货 Returns", str(s.returns_count), yen(-s.returns_total_fen, s.currency))
    b.row("净额 Net", "", yen(s.sales_total_fen - s.returns_total_fen, s.currency), bold=True)
    b.separator()
    b.text("按支付方式 By tender", bold=True)
    for label, fen in s.by_tender:
        b.row(label, yen(fen, s.currency))
    b.separator()
    b.row("备用金 Opening float", yen(s.opening_float_fen, s.currency))
    if s.cash_taken_fen:
        b.row("现金收款 Cash taken", yen(s.cash_taken_fen, s.currency))
    if s.change_given_fen:
        b.row("找零 Change given", yen(-s.change_given_fen, s.currency))
    if s.pay_in_fen:
        b.row("存入 Paid in", yen(s.pay_in_fen, s.currency))
    if s.pay_out_fen:
        b.row("取出 Paid out", yen(-s.pay_out_fen, s.currency))
    if s.cash_refund_fen:
        b.row("现金退款 Cash refunded", yen(-s.cash_refund_fen, s.currency))
    if s.aisle_cash_fen:
        b.row("其中订货取消 Cancelled orders", yen(-s.aisle_cash_fen, s.currency))
    b.row("应有现金 Expected cash", yen(s.expected_cash_fen, s.currency))
    if s.counted_cash_fen is not None:
        b.row("实点现金 Counted cash", yen(s.counted_cash_fen, s.currency))
        b.row("差额 Difference", yen(s.counted_cash_fen - s.expected_cash_fen, s.currency), bold=True)
        if s.variance_reason:
            b.text(f"原因 Reason: {s.variance_reason}")
    b.row("开钱箱 No-sale opens", str(s.no_sale_count))
    b.row("作废 Voids", str(s.voids_count))
    _tail(b, s.header)
    b.cut()
    return b.build()


def stock_count_summary(s: r.StockCountSummary) -> Document:
    b = DocumentBuilder(title=f"count {s.count_no}")
    _head(b, s.header, "盘点汇总 STOCK COUNT")
    b.row("盘点单 Count", s.count_no)
    b.row("区域 Area", s.area)
    b.separator()
    b.row("商品 Item", "账面/实盘", "差异 Diff", bold=True, min_widths=(0, 9, 8))
    diffs = 0
    for line in s.lines:
        diff = line.counted - line.expected
        diffs += diff != 0
        b.row(f"{line.sku} {line.name}", f"{line.expected}/{line.counted}", f"{diff:+d}",
              min_widths=(0, 9, 8))
    b.separator()
    b.row("品项 Lines", str(len(s.lines)))
    b.row("有差异 With difference", str(diffs), bold=True)
    if s.note:
        b.text(f"备注 Note: {s.note}")
    _tail(b, s.header)
    b.cut()
    return b.build()


def test_page(s: r.TestPage) -> Document:
    b = DocumentBuilder(title="test page")
    _head(b, s.header, "打印测试页 PRINTER TEST PAGE")
    b.row("类型 Kind", s.printer_kind)
    b.row("型号 Profile", s.profile)
    b.row("纸宽 Paper", f"{s.paper_mm} mm")
    b.row("编码 Encoding", s.encoding)
    for line in s.extra:
        b.text(line)
    b.separator("=")
    b.text("中文测试：永和九年，岁在癸丑。")
    b.text("English: The quick brown fox jumps over the lazy dog 0123456789")
    b.text("粗体 Bold", bold=True)
    b.text("倍高倍宽 Double", double=True)
    b.text("居中 Center", align="center")
    b.text("居右 Right", align="right")
    b.row("对齐 Alignment ¥", yen(123456))
    b.row("可口可乐 330ml", "12", money(3600), min_widths=(0, 8, 11))
    b.row("Coca-Cola 330ml", "12", money(3600), min_widths=(0, 8, 11))
    b.separator()
    b.barcode("TEST-0123456789")
    b.qr("https://example.com/test-page")
    _tail(b, s.header)
    b.cut()
    return b.build()


def no_sale(header: r.Header) -> Document:
    """The slip printed with an approved "no sale" drawer opening (audited elsewhere)."""
    b = DocumentBuilder(title="no sale")
    _head(b, header, "开钱箱 NO SALE")
    _tail(b, header)
    b.cut()
    b.drawer_kick()
    return b.build()
