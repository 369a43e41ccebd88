"""Every audit action the terminal writes has a readable name on the Audit screen."""

from __future__ import annotations

import ast

from store_client.ui.screens.audit_screen import ACTION_LABELS, AuditTableModel, action_label
from tests.source_scan import parsed_modules, string_constants

# Built at run time (f-strings), so the scan below cannot see them.
DYNAMIC = {"auth.login_failed", "auth.unlock_failed", "shift.pay_in", "shift.pay_out"}


def written_actions() -> set[str]:
    """``audit.append(..., action=X)`` and the checkout's ``audit=("x", {...})`` arguments."""
    found: set[str] = set()
    for path, tree in parsed_modules():
        if "commands" in path.parts:
            continue  # argparse's action="store_true" is not an audit action
        names = string_constants(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg not in ("action", "audit"):
                    continue
                value = keyword.value
                if isinstance(value, ast.Tuple) and value.elts:
                    value = value.elts[0]
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.add(value.value)
                elif isinstance(value, ast.Name) and value.id in names:
                    found.add(names[value.id])
    return found - {"append", "store_true", "version"}


def test_every_written_action_has_a_label():
    actions = written_actions()
    assert {"auth.login", "sale.voided", "shift.closed", "return.completed"} <= actions
    missing = sorted((actions | DYNAMIC) - set(ACTION_LABELS))
    assert not missing, f"give these audit actions a label in audit_screen.py: {missing}"


def test_labels_are_translated_and_unknown_codes_show_as_they_are(qapp):
    from store_client.ui.app import setup_application, teardown

    runtime = setup_application("zh_CN")
    try:
        assert action_label("auth.login") == "登录"
        assert action_label("x.unknown_thing") == "x.unknown_thing"
        model = AuditTableModel()
        model.set_rows([{"seq": 1, "at": "2026-01-01T00:00:00+00:00", "operator_id": "1001",
                         "action": "sale.voided", "target": "c", "details": {}}])
        index = model.index(0, AuditTableModel.FIELDS.index("action"))
        from PySide6.QtCore import Qt

        assert index.data() == "整单作废"
        assert index.data(Qt.ItemDataRole.ToolTipRole) == "sale.voided"  # the code, for IT
    finally:
        teardown(runtime)
