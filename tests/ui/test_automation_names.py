"""Every interactive widget is named for automation, and docs/ui-automation.md lists them."""

from __future__ import annotations

from tests.ui.conftest import demo_operator
from PySide6.QtWidgets import QWidget

from store_client.ui import automation_doc
from store_client.ui.approval_dialog import ApprovalDialog
from store_client.ui.automation import collect, unnamed_interactive


def test_doc_matches_the_live_widget_tree(fast_pins, qapp) -> None:
    built = automation_doc.build()
    assert automation_doc.DOC_PATH.read_text(encoding="utf-8") == built, (
        "docs/ui-automation.md is stale: run python -m store_client.ui.automation_doc")


def test_no_interactive_widget_lacks_names_in_any_state(make_shell, qtbot) -> None:
    shell = make_shell(locale="zh_CN")
    window = shell.window
    assert unnamed_interactive(window) == []  # signed out, demo table shown
    for role in ("it_admin", "manager"):
        op = demo_operator(role)
        shell.sign_in(op.id, op.pin)
        for key in list(window.screens):
            window.open_screen(key)
            shell.settle()
        window.show_help()
        window.show_help()
        window.lock()
        assert unnamed_interactive(window) == []
        window.sign_out()
        shell.settle()
    dialog = ApprovalDialog(requester_name="", action_text="x")
    qtbot.addWidget(dialog)
    assert unnamed_interactive(dialog) == []
    names = [w.object_name for w in collect(window) + collect(dialog) if w.object_name]
    assert len(names) == len(set(names)), "objectNames must be unique"


def test_unnamed_widgets_are_reported(qtbot) -> None:
    from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout

    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    named = QPushButton("ok")
    named.setObjectName("t.ok")
    named.setAccessibleName("OK")
    layout.addWidget(named)
    layout.addWidget(QLineEdit())
    problems = unnamed_interactive(host)
    assert len(problems) == 1 and "QLineEdit" in problems[0]
