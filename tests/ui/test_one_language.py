"""One language at a time: the main flows in a zh_CN till put no English sentence on any
widget, and an en till shows no Chinese except data (product, member, operator and store
names, coupon titles). Sale with a promotion, a coupon (entered twice), a member; a
return; the shift screen. Every visible widget is read: texts, tooltips, table cells."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QTabBar,
    QWidget,
)
from sqlalchemy import select

from store_client.demo import checkout_data
from store_client.demo.operators import DEMO_OPERATORS
from store_client.persistence.models import Category, Product, SyncRow
from tests.ui.conftest import demo_operator

CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e]")
ENGLISH_SENTENCE = re.compile(r"[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]{2,}){2,}")  # three words or more
COUPON = "ONLINE-100-20"


def texts_of(widget: QWidget) -> list[str]:
    """What a person can read on one visible widget."""
    out = [widget.toolTip(), widget.windowTitle() if widget.isWindow() else ""]
    if isinstance(widget, (QLabel, QAbstractButton)):
        out.append(widget.text())
    if isinstance(widget, QLineEdit):
        out += [widget.text(), widget.placeholderText()]
    if isinstance(widget, QComboBox):
        out += [widget.itemText(i) for i in range(widget.count())]
    if isinstance(widget, QTabBar):
        out += [widget.tabText(i) for i in range(widget.count())]
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        model = widget.model()
        try:
            columns = model.columnCount(QModelIndex())
        except TypeError:  # a list model keeps its column count private: one column
            columns = 1
        for row in range(model.rowCount(QModelIndex())):
            for col in range(columns):
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    value = model.index(row, col).data(role)
                    out.append(value if isinstance(value, str) else "")
        for col in range(columns):
            value = model.headerData(col, Qt.Orientation.Horizontal)
            out.append(value if isinstance(value, str) else "")
    return [t for t in out if t]


def screen_texts() -> list[tuple[str, str]]:
    found = []
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        for widget in [top, *top.findChildren(QWidget)]:
            if widget.isVisible():
                found += [(widget.objectName() or type(widget).__name__, t)
                          for t in texts_of(widget)]
    return found


class Data:
    """Names that are data, shown as they are in either language."""

    def __init__(self, shell: Any) -> None:
        with shell.terminal.db.read() as s:
            self.names = {n for p in s.scalars(select(Product)) for n in (p.name_zh, p.name_en)}
            self.names |= {n for c in s.scalars(select(Category)) for n in (c.name_zh, c.name_en)}
            # internal codes: never on screen (categories, promotions and tiers by name)
            self.codes = {c.code for c in s.scalars(select(Category))}
            for row in s.scalars(select(SyncRow).where(
                    SyncRow.dataset.in_(("coupons", "promotions")))):
                data = json.loads(row.data)
                if row.dataset == "promotions":
                    self.codes.add(row.key)
                    continue
                self.names |= {str(data.get("name", "")), str(data.get("title", ""))}
                self.codes.add(str(data.get("tier", "")))
        self.code_pattern = re.compile(r"(?<![\w-])(" + "|".join(
            re.escape(c) for c in sorted(self.codes - {""}, key=len, reverse=True)) + r")(?![\w-])")
        self.names |= {op.name for op in DEMO_OPERATORS}
        self.names.add(shell.terminal.config.values["store.name"])
        self.names = sorted((n for n in self.names if n), key=len, reverse=True)

    def strip(self, text: str) -> str:
        for name in self.names:
            text = text.replace(name, " ")
        return text


def leaks(locale: str, data: Data, where: str) -> list[str]:
    bad = []
    for name, text in screen_texts():
        rest = data.strip(text)
        if (CJK.search(rest) if locale == "en" else ENGLISH_SENTENCE.search(rest)):
            bad.append(f"{where}: {name}: {text!r}")
        elif data.code_pattern.search(rest):
            bad.append(f"{where}: {name}: internal code in {text!r}")
    return bad


def promoted_product(shell: Any) -> str:
    """The SKU of an active product a percent-off promotion in force covers."""
    now = datetime.now(UTC)
    with shell.terminal.db.read() as s:
        for row in s.scalars(select(SyncRow).where(SyncRow.dataset == "promotions")
                             .order_by(SyncRow.key)):
            p = json.loads(row.data)
            live = (datetime.fromisoformat(p["starts"]) <= now
                    and (p["ends"] is None or now < datetime.fromisoformat(p["ends"])))
            if p["kind"] == "percent_off" and live and not p["exclusive"]:
                sku = s.scalar(select(Product.sku).where(
                    Product.category_code == p["scope"]["categories"][0], Product.active,
                    Product.unit == "each", Product.price_minor >= 8000).limit(1))
                if sku:
                    return sku
    raise AssertionError("the demo store has a percent-off promotion in force")


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_main_flows_speak_one_language(make_shell, qtbot, clock,  # type: ignore[no-untyped-def]
                                       locale: str) -> None:
    clock.advance(seconds=(datetime.now(UTC) - clock.now()).total_seconds())  # demo promotions
    shell = make_shell(locale=locale)
    op = demo_operator("manager")  # returns and the shift's X report without an approval
    shell.sign_in(op.id, op.pin)
    window, data = shell.window, Data(shell)
    found: list[str] = []
    checkout = window.screens["checkout"]
    code = window.services.catalog.by_code(promoted_product(shell)).barcodes[0]

    def step(where: str, action: Any) -> None:
        action()
        shell.settle()
        QApplication.processEvents()
        found.extend(leaks(locale, data, where))

    for _ in range(2):  # above the coupon's 100 CNY even after the promotions
        step("scan", lambda: checkout.handle_scan(code))
    assert checkout.cart.discount_fen > 0 and checkout.side.promotions_label.text()
    step("member", lambda: checkout.handle_scan(checkout_data.DEMO_MEMBER))
    assert checkout.cart.member is not None
    step("coupon", lambda: checkout.handle_scan(COUPON))
    assert checkout.cart.coupons and checkout.cart.coupons[0].discount_fen > 0
    step("coupon twice", lambda: checkout._call(checkout.ops.apply_coupon(code=COUPON),
                                                checkout.show_cart))
    assert checkout.message.property("kind") == "error" and checkout.message.text()
    step("unknown code", lambda: checkout.handle_scan("NOT-A-THING"))
    step("pay dialog", checkout.open_tender)
    dialog = checkout.dialog
    assert dialog is not None
    dialog.reject()
    shell.settle()
    service, actor = window.services.checkout, window.actor
    service.add_tender(actor, "cash", checkout.cart.due_fen + 1000)
    done = service.complete(actor)
    # on paper too: the promotions by name, no internal code
    assert not data.code_pattern.search(done.receipt_text), done.receipt_text
    assert all(name in done.receipt_text for name in checkout.cart.promotions_applied)
    step("sale done", checkout.refresh)

    window.open_screen("returns")
    returns = window.screens["returns"]
    step("return looked up", lambda: returns.load_receipt(done.receipt_no))
    assert returns.sale is not None
    step("return everything", returns.select_all)
    returns.reason.setCurrentIndex(returns.reason.findData("changed_mind"))
    step("refund", returns.refund)
    assert returns.done_banner.isVisible(), returns.message.text()
    step("returned twice", lambda: returns.load_receipt(done.receipt_no))

    window.open_screen("shift")
    shift = window.screens["shift"]
    step("shift", shift.refresh)
    step("x report", shift.x_report)
    step("pay out", lambda: shift._show_cash("pay_out"))
    step("bad amount", shift.confirm_cash)
    assert found == [], "\n".join(found)
