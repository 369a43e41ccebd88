"""Every audit action the terminal writes has a readable name on the Audit screen."""

from __future__ import annotations

import ast
from pathlib import Path

from store_client.ui.screens.audit_screen import ACTION_LABELS, AuditTableModel, action_label

ROOT = Path(__file__).resolve().parents[2]
# Built at run time (f-strings), so the scan below cannot see them.
DYNAMIC = {"auth.login_failed", "auth.unlock_failed", "shift.pay_in", "shift.pay_out"}


def _constants(tree: ast.Module) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                pairs = [(target, node.value)]
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    pairs = list(zip(target.elts, node.value.elts))
                for name, value in pairs:
                    if isinstance(name, ast.Name) and isinstance(value, ast.Constant) \
                            and isinstance(value.value, str):
                        found[name.id] = value.value
    return found


def written_actions() -> set[str]:
    """``audit.append(..., action=X)`` and the checkout's ``audit=("x", {...})`` arguments."""
    found: set[str] = set()
    for package in ("store_client", "printers", "sync"):
        for path in (ROOT / package).rglob("*.py"):
            if "commands" in path.parts:
                continue  # argparse's action="store_true" is not an audit action
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = _constants(tree)
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
