"""The Diagnostics screen runs the doctor's checks and shows them in the till's language."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from store_client.doctor.runner import diagnose
from store_client.ui.doctor_labels import ACTIONS, NAMES
from tests.ui.conftest import demo_operator


def test_run_checks_shows_every_doctor_check_in_chinese(make_shell, qtbot) -> None:
    shell = make_shell(locale="zh_CN")
    it = demo_operator("it_admin")
    shell.sign_in(it.id, it.pin)
    shell.window.open_screen("diagnostics")
    shell.settle()
    screen = shell.window.screens["diagnostics"]
    qtbot.mouseClick(screen.checks_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.checks.rowCount() > 0 and screen.checks_button.isEnabled(),
                    timeout=20_000)
    expected = [r.check for r in diagnose(config=shell.terminal.config, offline=True).results]
    shown = [screen.checks.item(row, 0).data(Qt.ItemDataRole.UserRole)
             for row in range(screen.checks.rowCount())]
    assert [check for check, _status in shown] == expected
    english = set(NAMES.values()) | set(ACTIONS.values()) | {"OK", "Check", "Problem"}
    for row in range(screen.checks.rowCount()):
        check, status = shown[row]
        cells = [screen.checks.item(row, col).text() for col in range(3)]
        assert not english & set(cells), cells
        assert cells[0] and cells[1] and (status == "ok") == (cells[2] == "")
    assert dict(shown)["printer"] == "warn"  # the demo store prints nowhere
    qtbot.mouseClick(screen.copy_button, Qt.MouseButton.LeftButton)
    assert "fix:" in QApplication.clipboard().text()  # support gets the doctor's own words
