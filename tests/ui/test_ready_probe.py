"""`run --exit-when-ready` says ``painted`` once the PIN field has finished its first paint
(the window takes keys from then on) and ``ready`` once the start-up says the terminal is
open and the screens are imported, with the longest stall of the event loop meanwhile."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QLineEdit

from store_client.ui.ready_probe import ReadyProbe


class App:
    def __init__(self) -> None:
        self.quit_calls = 0

    def quit(self) -> None:
        self.quit_calls += 1


def test_painted_after_the_first_paint_then_ready_when_loaded(qtbot, capsys) -> None:
    field, app = QLineEdit(), App()
    qtbot.addWidget(field)
    probe = ReadyProbe(field, time.perf_counter(), app)  # type: ignore[arg-type]
    qtbot.wait(30)
    assert capsys.readouterr().out == ""  # not shown: nothing painted yet
    field.show()
    qtbot.waitUntil(lambda: "painted" in capsys.readouterr().out, timeout=3000)
    field.update()
    qtbot.wait(30)
    assert "painted" not in capsys.readouterr().out  # said once, not on every later paint
    time.sleep(0.12)  # the event loop held up, as a long import on the UI thread would
    qtbot.wait(20)
    probe.loaded()
    words = capsys.readouterr().out.split()
    assert words[0] == "ready" and float(words[1]) > 0
    assert float(words[2]) >= 100  # the stall was seen
    assert app.quit_calls == 1
