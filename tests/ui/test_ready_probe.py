"""`run --exit-when-ready` says ready only when the sign-in window can take a PIN: the PIN
field has painted AND the screens signing in opens are imported, in either order."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit

from store_client.ui.ready_probe import ReadyProbe


class HeldTasks:
    """Runs nothing until told: the screens' import 'finishes' when the test says so."""

    def __init__(self) -> None:
        self.jobs: list[tuple[Any, Any]] = []

    def run(self, fn: Any, on_done: Any = None) -> None:
        self.jobs.append((fn, on_done))

    def finish(self) -> None:
        for fn, on_done in self.jobs:
            on_done(fn())


def test_ready_waits_for_the_paint_and_the_screens(qtbot) -> None:
    field, tasks, said, loaded = QLineEdit(), HeldTasks(), [], []
    qtbot.addWidget(field)
    ReadyProbe(field, tasks, lambda: loaded.append(True), lambda: said.append("ready"))
    assert said == [] and loaded == []  # nothing shown, nothing imported yet
    field.show()
    qtbot.waitExposed(field)
    qtbot.wait(50)  # painted, but the screens are still being imported
    assert said == []
    tasks.finish()
    assert loaded == [True] and said == ["ready"]


def test_screens_first_then_the_paint(qtbot) -> None:
    field, tasks, said = QLineEdit(), HeldTasks(), []
    qtbot.addWidget(field)
    ReadyProbe(field, tasks, lambda: None, lambda: said.append("ready"))
    tasks.finish()
    assert said == []  # imported, but nothing on screen yet
    field.show()
    qtbot.waitUntil(lambda: said == ["ready"], timeout=3000)
    field.update()
    qtbot.wait(50)
    assert said == ["ready"]  # said once, not on every later paint
