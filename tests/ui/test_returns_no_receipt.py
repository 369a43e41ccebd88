"""A return without receipt or member on the Returns screen, by keys only, in a zh_CN till:
Shift+F2 opens the mode, scans add items (a second scan is one more), an unknown barcode is
refused in Chinese, digits set a line's quantity, F7 the reason, F11 asks a manager's
approval; the refund is a store credit note at the lowest shelf price of 90 days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from store_client.bootstrap import build_services
from store_client.clock import iso
from store_client.domain.roles import Role
from store_client.persistence.models import AuditEntry
from store_client.persistence.no_receipt_models import CreditNote, NoReceiptReturn
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer
from store_client.services.shifts import ShiftService
from store_client.ui.automation import unnamed_interactive
from store_client.ui.screens.returns_screen import ReturnsScreen
from sync.protocol import credit_codes
from sync.terminal.puller import Page, apply_page
from tests.integration.checkout.checkout_seed import TOOTHPASTE, WATER, seed
from tests.ui.conftest import screen_context
from tests.ui.conftest import type_text as ime
from tests.ui.test_one_language import ENGLISH_SENTENCE, texts_of

CASHIER = Actor("c1", "王芳", Role.CASHIER)
MANAGER = Actor("m1", "张经理", Role.MANAGER)


@pytest.fixture
def zh(qapp):  # type: ignore[no-untyped-def]
    from store_client.ui.app import setup_application, teardown

    runtime = setup_application("zh_CN")
    yield
    teardown(runtime)


@pytest.fixture
def store(terminal, add_operator):  # type: ignore[no-untyped-def]
    add_operator("c1", "cashier", "1357", name="王芳")
    add_operator("m1", "manager", "2468", name="张经理")
    with terminal.db.transaction() as s:
        seed(s)
        when = iso(terminal.clock.now() - timedelta(days=30))  # toothpaste was 9.90 a month ago
        apply_page(s, "prices", Page([("100002", "upsert", {"sku": "100002", "price_minor": 990})], "c", False), when)
        apply_page(s, "prices", Page([("100002", "upsert", {"sku": "100002", "price_minor": 1250})], "d", False),
                   iso(terminal.clock.now() - timedelta(days=20)))
    audit = AuditLog(terminal.clock)
    ShiftService(terminal.db, terminal.clock, audit, Authorizer(terminal.db, audit, terminal.clock),
                 config=terminal.config).open_shift(MANAGER, total_fen=0)
    return terminal


def english_on(root: QWidget) -> list[tuple[str, str]]:
    return [(w.objectName(), t) for w in [root, *root.findChildren(QWidget)] if w.isVisible()
            for t in texts_of(w) if ENGLISH_SENTENCE.search(t)]


def press(qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    qtbot.wait(50)
    QTest.keyClick(QApplication.focusWidget(), key, modifier)


def type_text(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    for char in text:
        qtbot.wait(40)  # a person's pace: typed, not a scanner burst
        QTest.keyClicks(QApplication.focusWidget(), char)


def test_a_return_without_receipt_by_keys_only_in_chinese(qtbot, zh, store, tasks) -> None:
    services = build_services(store)
    screen = ReturnsScreen(screen_context(store, tasks, CASHIER, "zh_CN", services=services))
    qtbot.addWidget(screen)
    screen.resize(1280, 760)
    screen.show()
    screen.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.receipt, timeout=5_000)

    press(qtbot, Qt.Key.Key_F2, Qt.KeyboardModifier.ShiftModifier)  # the "no receipt" mode
    qtbot.waitUntil(lambda: screen.no_receipt is not None and screen.no_receipt.isVisible(), timeout=5_000)
    dialog = screen.no_receipt
    qtbot.waitUntil(lambda: dialog.policy is not None, timeout=5_000)
    assert QApplication.focusWidget() is dialog.code and unnamed_interactive(dialog) == []
    assert english_on(dialog) == [] and "储值券" in dialog.policy_label.text()

    for code in (TOOTHPASTE, TOOTHPASTE, WATER):
        type_text(qtbot, code)
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.code.text() == "", timeout=5_000)
    assert [(i.sku, i.unit_fen, q) for i, q in dialog.items] == [("100002", 990, 2), ("100003", 200, 1)]
    type_text(qtbot, "6900000000000")  # not a product of this store
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.property("kind") == "error", timeout=5_000)
    assert "6900000000000" in dialog.message.text() and english_on(dialog) == []
    assert len(dialog.items) == 2

    press(qtbot, Qt.Key.Key_F6)  # the items: the water's line, three of them
    assert QApplication.focusWidget() is dialog.table
    press(qtbot, Qt.Key.Key_Down)
    type_text(qtbot, "3")
    assert dialog.items[1][1] == 3 and dialog.total.text().endswith("25.80")  # 2 x 9.90 + 3 x 2.00
    press(qtbot, Qt.Key.Key_F11)  # no reason yet: said, nothing asked
    assert "原因" in dialog.message.text() and dialog.approval is None
    press(qtbot, Qt.Key.Key_F7)
    assert QApplication.focusWidget() is dialog.reason
    for _ in range(3):
        press(qtbot, Qt.Key.Key_Down)  # changed mind
    assert dialog.reason.currentData() == "changed_mind"
    press(qtbot, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: dialog.approval is not None and dialog.approval.isVisible(), timeout=5_000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.approval.manager_id, timeout=5_000)
    for text in ("m1", "2468"):
        type_text(qtbot, text)
        press(qtbot, Qt.Key.Key_Return)  # the next field
    ime(QApplication.focusWidget(), "顾客无小票")  # the reason, as the input method sends it
    press(qtbot, Qt.Key.Key_Return)  # approve
    qtbot.waitUntil(lambda: dialog.done_banner.isVisible(), timeout=10_000)
    assert english_on(dialog) == []
    with store.db.read() as s:
        row = s.scalars(select(NoReceiptReturn)).one()
        note = s.get(CreditNote, row.credit_code)
        approver = s.scalars(select(AuditEntry.operator_id).where(AuditEntry.action == "approval.used")).one()
        assert (row.refund_fen, row.tender, row.operator_id, row.approved_by) == (2580, "store_credit", "c1", "m1")
        assert note.remaining_fen == 2580 and credit_codes.credit_code_genuine(note.code) and approver == "c1"
        code, request_id = note.code, row.request_id
    assert code in dialog.done_banner.text() and "25.80" in dialog.done_banner.text()
    assert dialog.items == [] and QApplication.focusWidget() is dialog.code
    qtbot.waitUntil(lambda: dialog.policy is not None, timeout=5_000)  # the next return: a new request
    assert dialog.policy.request_id != request_id

    press(qtbot, Qt.Key.Key_F5)  # the slip and the credit note again (no printer here: audited)
    qtbot.waitUntil(lambda: "N000001" in dialog.message.text(),
                    timeout=5_000)
    assert english_on(dialog) == []
    press(qtbot, Qt.Key.Key_Escape)  # back to the screen
    qtbot.waitUntil(lambda: screen.no_receipt is None and QApplication.focusWidget() is screen.receipt,
                    timeout=5_000)
