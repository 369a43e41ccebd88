"""A small in-memory checkout service on the contract (tests that do not need the real backend).

Uses the real catalog for codes and the real Authorizer for permissions, so
approvals and unknown barcodes behave as on a till; prices are not promoted.
"""

from __future__ import annotations

import threading
from typing import Any

from store_client.services.checkout_views import (
    CartView,
    CompletedSale,
    LineView,
    ScanOutcome,
    ScanRejected,
    TenderView,
)


class FakeCheckout:
    def __init__(self, catalog: Any, authorizer: Any) -> None:
        self.catalog, self.authorizer = catalog, authorizer
        self.lines: list[LineView] = []
        self.tenders: list[TenderView] = []
        self.version = 0
        self.cart_no = 1
        self.calls: list[str] = []
        self.gate = threading.Event()
        self.gate.set()  # tests clear it to hold a call on the database thread
        self.payments = None

    def _view(self) -> CartView:
        total = sum(line.net_fen for line in self.lines)
        paid = sum(t.amount_fen for t in self.tenders)
        return CartView(f"cart-{self.cart_no}", tuple(self.lines), None, (), tuple(self.tenders), total, 0,
                        total, paid, max(0, total - paid), max(0, paid - total), total // 100, (),
                        self.version)

    def _changed(self) -> CartView:
        self.version += 1
        return self._view()

    def current_cart(self, actor: Any) -> CartView:
        return self._view()

    def scan(self, actor: Any, code: str) -> ScanOutcome:
        self.gate.wait(5)
        self.calls.append(f"scan {code}")
        product = self.catalog.by_code(code)
        if product is None:
            raise ScanRejected("unknown", f"Unknown barcode {code}.")
        return ScanOutcome("product", product.sku, self.add_product(actor, product.sku))

    def add_product(self, actor: Any, sku: str, quantity: int = 1, weight_g: int | None = None) -> CartView:
        self.authorizer.require(actor, "sale.ring")
        product = self.catalog.by_code(sku)
        price = product.price.minor
        self.lines.append(LineView(str(len(self.lines) + 1), sku, product.name_zh, product.name_en,
                                   "each", quantity, price, price * quantity, 0, price * quantity, (), False))
        return self._changed()

    def set_quantity(self, actor: Any, line_id: str, quantity: int) -> CartView:
        self.calls.append(f"qty {line_id} {quantity}")
        self.lines = [line._replace(quantity=quantity, gross_fen=line.unit_price_fen * quantity,
                                    net_fen=line.unit_price_fen * quantity) if line.line_id == line_id else line
                      for line in self.lines]
        return self._changed()

    def void_line(self, actor: Any, line_id: str, grant: Any = None) -> CartView:
        self.calls.append(f"void {line_id}")
        self.lines = [line for line in self.lines if line.line_id != line_id]
        return self._changed()

    def void_cart(self, actor: Any, reason: str, grant: Any = None) -> CartView:
        self.authorizer.require(actor, "sale.void_transaction", grant=grant)
        self.calls.append(f"void cart {reason}")
        self.lines, self.tenders = [], []
        self.cart_no += 1
        return self._changed()

    def add_tender(self, actor: Any, kind: str, amount_fen: int, reference: str | None = None,
                   payment_code: str | None = None) -> CartView:
        self.tenders.append(TenderView(str(len(self.tenders) + 1), kind, amount_fen, reference))
        return self._changed()

    def complete(self, actor: Any, *, cart_id: str | None = None) -> CompletedSale:
        view = self._view()
        sale = CompletedSale("sale-1", "R0001", view.total_fen, view.change_fen, view.paid_fen, 0, None, "")
        self.lines, self.tenders = [], []
        self.cart_no += 1
        self._changed()
        return sale
