"""What the pick-up desk prints: the pick list with the bag label (one job, cut between),
laid out with the printers' document builder (docs/printing.md)."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby

from printers.document import Document, DocumentBuilder
from store_client.services.pickup_views import OrderView


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%m-%d %H:%M")


def pick_list_and_label(order: OrderView, *, store_id: str, operator: str,
                        printed_at: datetime) -> Document:
    """The lines grouped by category (a walk through the store), then the bag label."""
    b = DocumentBuilder(title=f"pick list {order.order_no}")
    b.text("拣货单 PICK LIST", bold=True, align="center")
    b.text(order.order_no, bold=True, align="center", double=True)
    b.row("门店 Store", store_id)
    b.row("拣货员 Picker", operator)
    b.row("承诺 Promised", _local(order.promised_at))
    b.row("打印 Printed", _local(printed_at))
    for category, lines in groupby(order.lines, key=lambda line: line.category):
        b.separator()
        b.text(f"[{category}]", bold=True)
        for line in lines:
            qty = f"{line.qty} g" if line.unit == "kg" else str(line.qty)
            b.row(f"□ {line.name_zh} {line.sku}", qty)
    b.separator()
    b.text("可替换 Substitutes allowed" if order.allow_substitution
           else "不可替换 No substitutes", align="center")
    b.cut()
    b.text("自提袋 PICK-UP BAG", bold=True, align="center")
    b.text(order.order_no, bold=True, align="center", double=True)
    b.row("顾客 Customer", order.member_name)
    b.row("件数 Lines", str(len(order.lines)))
    b.row("保留至 Hold until", _local(order.hold_until))
    b.barcode(order.order_no)
    b.cut()
    return b.build()
