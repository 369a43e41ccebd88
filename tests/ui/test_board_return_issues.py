"""The board's return conflicts and credit overdrafts (F6), by keys only: HQ's rows as pulled,
the manager chooses one, types a reason and resolves it (F7 / F8); one outbox event and one
audit entry each, a resolution without a reason refused on screen, and the zh_CN dialog in
one language. (The service's hostile cases: tests/integration/checkout/test_return_issues_two_tills.py.)"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from store_client import store_time
from store_client.persistence.models import AuditEntry, OutboxEvent, Product, SyncRow
from store_client.ui.automation import unnamed_interactive
from store_client.ui.checkout.formatting import money_text
from store_client.ui.fit_check import problems
from store_client.ui.screens.board_issues import ReturnIssuesDialog
from store_client.demo.return_issues import seed_return_issues
from sync.protocol.return_issues import EVENT_KIND
from tests.ui.test_board_screen import open_board
from tests.ui.test_one_language import Data, leaks

def pulled(shell: Any) -> tuple[dict, dict, str]:
    """HQ's two rows as the puller keeps them; the conflict's line's product name in English."""
    with shell.terminal.db.transaction() as s:
        conflict, overdraft = seed_return_issues(s, shell.terminal.clock.now())
        name = s.scalar(select(Product.name_en).where(Product.sku == conflict["lines"][0]["sku"]))
    return conflict, overdraft, name


def written(shell: Any) -> tuple[list[dict], list[str]]:
    with shell.terminal.db.read() as s:
        events = [json.loads(p) for p in s.scalars(select(OutboxEvent.payload).where(OutboxEvent.kind == EVENT_KIND))]
        audited = list(s.scalars(select(AuditEntry.target).where(AuditEntry.action == "return_issue.resolved")))
    return events, audited


def second_sale_shown(dialog: ReturnIssuesDialog) -> str:
    return dialog.model.index(1, 1).data()  # no receipt number: the sale id's first part


def open_issues(shell: Any, qtbot: Any) -> ReturnIssuesDialog:
    screen = open_board(shell, qtbot)
    QTest.keyClick(screen.tiles["sales"], Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: isinstance(screen.issues, ReturnIssuesDialog), timeout=5_000)
    dialog = screen.issues
    shell.settle()
    qtbot.waitUntil(lambda: dialog.table.hasFocus(), timeout=5_000)
    return dialog


def test_the_manager_resolves_a_conflict_and_an_overdraft_by_keys(make_shell, qtbot) -> None:  # type: ignore[no-untyped-def]
    shell = make_shell("en")
    conflict, overdraft, name = pulled(shell)
    dialog = open_issues(shell, qtbot)
    assert unnamed_interactive(dialog) == []
    assert dialog.model.rowCount() == 2  # oldest first: the conflict
    first = [dialog.model.index(0, c).data() for c in range(6)]
    assert first[1] == conflict["receipt_no"] and second_sale_shown(dialog) == "a0000000"
    assert first[0] == "Returned twice" and f"line 2: {name} × 1" in first[2] and first[3] == "S002 · S001 · S003"
    assert money_text(conflict["amount_minor"], shell.terminal.config.currency, "en") == first[4] and first[5] == store_time.minutes(conflict["at"])
    second = [dialog.model.index(1, c).data() for c in range(6)]
    assert second[0] == "Credit note overdrawn" and "4821" in second[2] and "10.00" in second[4]

    QTest.keyClick(dialog.table, Qt.Key.Key_F7)  # no reason yet: refused on screen, nothing written
    assert dialog.reason.hasFocus() and "reason" in dialog.status.text() and written(shell) == ([], [])

    QTest.keyClick(dialog.reason, Qt.Key.Key_Backtab)  # back to the list, the overdraft
    QTest.keyClick(dialog.table, Qt.Key.Key_Down)
    QTest.keyClick(dialog.table, Qt.Key.Key_Tab)
    assert dialog.reason.hasFocus()
    QTest.keyClicks(dialog.reason, "customer paid the 10 back in cash")
    QTest.keyClick(dialog.reason, Qt.Key.Key_Return)  # Enter in the reason resolves nothing, closes nothing
    assert dialog.isVisible() and written(shell) == ([], [])
    QTest.keyClick(dialog.reason, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: len(dialog.resolved) == 1 and dialog.model.rowCount() == 1, timeout=5_000)
    events, audited = written(shell)
    assert [(e["issue_id"], e["resolution"], e["reason"]) for e in events] == [
        (overdraft["issue_id"], "recovered", "customer paid the 10 back in cash")]
    assert audited == [overdraft["issue_id"]] and "recovered from the customer" in dialog.status.text()
    assert dialog.reason.text() == ""

    QTest.keyClick(dialog.table, Qt.Key.Key_Tab)
    QTest.keyClicks(dialog.reason, "customer gone, no receipt")
    QTest.keyClick(dialog.reason, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: len(dialog.resolved) == 2, timeout=5_000)
    shell.settle()
    events, audited = written(shell)
    assert [e["resolution"] for e in events] == ["recovered", "loss_accepted"] and len(audited) == 2
    assert dialog.model.rowCount() == 0 and not dialog.accept_button.isEnabled()
    QTest.keyClick(dialog.table, Qt.Key.Key_F8)  # nothing left: the key does nothing
    assert len(written(shell)[0]) == 2
    QTest.keyClick(dialog.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: shell.window.screens["board"].issues is None, timeout=2_000)


@pytest.mark.parametrize("locale", ["zh_CN"])
def test_the_zh_cn_dialog_speaks_one_language(make_shell, qtbot, locale) -> None:  # type: ignore[no-untyped-def]
    shell = make_shell(locale)
    pulled(shell)
    dialog = open_issues(shell, qtbot)
    data = Data(shell)
    bad = leaks(locale, data, "issues")
    QTest.keyClick(dialog.table, Qt.Key.Key_F7)  # the refusal's words too
    bad += leaks(locale, data, "issues refused")
    assert bad == [] and dialog.status.text()


SIZES = ((1024, 768), (1366, 768))
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.mark.serial
def test_the_dialog_fits_at_counter_sizes(make_shell, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Nothing cut (fit_check) in the Chinese till; the pictures go to docs/screenshots/
    board-issues-*.png with UPDATE_SCREENSHOTS=1."""
    shell = make_shell("zh_CN")
    pulled(shell)
    cut: list[str] = []
    for width, height in SIZES:
        shell.window.resize(width, height)
        QApplication.processEvents()
        dialog = open_issues(shell, qtbot)
        QApplication.processEvents()
        cut += [f"{width}x{height}: {p}" for p in problems(dialog)]
        path = tmp_path / f"board-issues-{width}x{height}.png"
        assert dialog.grab().toImage().save(str(path), "PNG")
        if os.environ.get("UPDATE_SCREENSHOTS") == "1":
            shutil.copy(path, DOCS / path.name)
        QTest.keyClick(dialog.table, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: shell.window.screens["board"].issues is None, timeout=2_000)
    assert cut == []


def test_the_board_says_how_many_are_open_and_the_count_falls_as_they_are_resolved(make_shell, qtbot) -> None:  # type: ignore[no-untyped-def]
    shell = make_shell("en")
    conflict, _overdraft, _name = pulled(shell)
    screen = open_board(shell, qtbot)
    assert screen.board.open_issues == 2 and screen.issues_button.text().endswith("Return conflicts (2)")
    assert screen.issues_button.property("warn") is True
    QTest.keyClick(screen.tiles["sales"], Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: isinstance(screen.issues, ReturnIssuesDialog), timeout=5_000)
    dialog = screen.issues
    shell.settle()
    QTest.keyClick(dialog.table, Qt.Key.Key_Tab)
    QTest.keyClicks(dialog.reason, "written off")
    QTest.keyClick(dialog.reason, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: len(dialog.resolved) == 1, timeout=5_000)
    assert dialog.resolved[0].issue_id == conflict["issue_id"]
    QTest.keyClick(dialog.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: screen.issues is None, timeout=2_000)
    shell.settle()  # (a refresh still running would make F5 wait for the next one)
    QTest.keyClick(screen.issues_button, Qt.Key.Key_F5)  # the board read again
    qtbot.waitUntil(lambda: screen.board.open_issues == 1, timeout=15_000)  # F5, or the 10 s refresh
    assert screen.issues_button.text().endswith("Return conflicts (1)")


def test_one_resolved_meanwhile_is_said_and_the_list_read_again(make_shell, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Another manager resolved it here meanwhile (or HQ's row came back closed): the press
    says so, writes nothing, and the list shows what is still open."""
    shell = make_shell("en")
    conflict, overdraft, _name = pulled(shell)
    dialog = open_issues(shell, qtbot)
    with shell.terminal.db.transaction() as s:  # HQ's row for the conflict, pulled closed meanwhile
        row = s.get(SyncRow, ("store_return_issues", conflict["issue_id"]))
        row.data = json.dumps({**json.loads(row.data), "resolution": "recovered", "resolved_at": conflict["at"]})
    QTest.keyClick(dialog.table, Qt.Key.Key_Tab)
    QTest.keyClicks(dialog.reason, "written off")
    QTest.keyClick(dialog.reason, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=5_000)
    shell.settle()
    assert "resolved already" in dialog.status.text() and dialog.issues[0].issue_id == overdraft["issue_id"]
    assert written(shell) == ([], [])
