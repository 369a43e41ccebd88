"""The till's start-up: the sign-in window first, the terminal opened behind it.

A PIN typed before the terminal is open is checked once it is (never lost, never
refused for it); a terminal that cannot be opened fails the PIN check in the till's
words and stops the app with the command line's message and exit code; a second till
or a file that is not a database stops before any window; nothing on the way to the
first paint imports the database layer.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from PySide6.QtCore import Qt

from store_client import config as cfg
from store_client.bootstrap import build_services, open_terminal
from store_client.ui.app import setup_application, teardown
from store_client.ui.main_window import MainWindow
from tests.ui.conftest import demo_operator

ROOT = Path(__file__).resolve().parents[2]


def _pending_window(qtbot, config, clock, tasks, locale="en"):  # type: ignore[no-untyped-def]
    runtime = setup_application(locale)
    window = MainWindow(config=config, clock=clock, tasks=tasks)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window, runtime


def _type_sign_in(qtbot, window, operator_id: str, pin: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(window.login.operator_id, operator_id)
    qtbot.keyClick(window.login.operator_id, Qt.Key.Key_Return)
    qtbot.keyClicks(window.login.pin, pin)
    qtbot.keyClick(window.login.pin, Qt.Key.Key_Return)


def test_a_pin_typed_before_the_terminal_is_open_signs_in_once_it_is(
        qtbot, demo_store, clock, tasks) -> None:  # type: ignore[no-untyped-def]
    config = cfg.load(demo_store)
    window, runtime = _pending_window(qtbot, config, clock, tasks)
    try:
        assert not window.backend.is_open
        cashier = demo_operator("cashier")
        _type_sign_in(qtbot, window, cashier.id, cashier.pin)
        qtbot.wait(300)  # the check waits on the database thread; the window still answers
        assert window.actor is None and window.pages.currentWidget() is window.login
        qtbot.keyClicks(window.login.operator_id, "x")  # busy: the fields are disabled
        terminal = open_terminal(config, clock=clock)
        try:
            opener = threading.Thread(
                target=lambda: window.backend.attach(terminal, build_services(terminal)))
            opener.start()
            qtbot.waitUntil(lambda: window.actor is not None, timeout=10_000)
            opener.join()
            assert window.actor.operator_id == cashier.id
            assert window.pages.currentWidget() is window.workspace
            qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)
        finally:
            window.shutdown()
            tasks.shutdown(wait=True)
            terminal.close()
    finally:
        teardown(runtime)


def test_a_terminal_that_cannot_open_fails_the_pin_check_in_the_tills_words(
        qtbot, demo_store, clock, tasks) -> None:  # type: ignore[no-untyped-def]
    from store_client.persistence.errors import DatabaseError

    window, runtime = _pending_window(qtbot, cfg.load(demo_store), clock, tasks, locale="zh_CN")
    try:
        cashier = demo_operator("cashier")
        _type_sign_in(qtbot, window, cashier.id, cashier.pin)
        window.backend.fail(DatabaseError("The terminal database is busy (English, for the log)"))
        qtbot.waitUntil(lambda: window.login.pin.isEnabled(), timeout=10_000)
        text = window.login.message.text()
        assert window.actor is None
        assert text and "English" not in text and "database" not in text
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
    finally:
        window.shutdown()
        tasks.shutdown(wait=True)
        teardown(runtime)


def _store_client(*args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    import os

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("STORE_CLIENT_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "store_client", *args], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=ROOT)


def _config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(cfg.template("S001", "T01", **{"data.dir": str(tmp_path / "data")}))
    return path


def test_a_damaged_database_found_behind_the_window_exits_3_with_its_message(tmp_path) -> None:
    config_path = _config_file(tmp_path)
    database = tmp_path / "data" / "terminal.sqlite3"
    database.parent.mkdir(parents=True)
    with sqlite3.connect(database) as conn:  # a real SQLite header, then pages of garbage
        conn.execute("CREATE TABLE t (x)")
        conn.executemany("INSERT INTO t VALUES (?)", [("y" * 500,)] * 200)
    data = bytearray(database.read_bytes())
    data[4096:] = b"\xa5" * (len(data) - 4096)
    data[100:4096] = b"\x5a" * (4096 - 100)  # the schema page too: it cannot be read
    database.write_bytes(bytes(data))
    done = _store_client("--config", str(config_path), "run", "--exit-when-ready")
    assert done.returncode == 3, (done.stdout, done.stderr[-2000:])
    assert "terminal.sqlite3" in done.stderr and "Traceback" not in done.stderr
    assert "ready" not in done.stdout


def test_a_file_that_is_not_a_database_stops_before_any_window(tmp_path) -> None:
    config_path = _config_file(tmp_path)
    database = tmp_path / "data" / "terminal.sqlite3"
    database.parent.mkdir(parents=True)
    database.write_bytes(b"garbage" * 1000)
    done = _store_client("--config", str(config_path), "run", "--exit-when-ready")
    assert done.returncode == 3 and "painted" not in done.stdout, done.stdout
    assert "damaged" in done.stderr and "Traceback" not in done.stderr


def test_a_second_till_on_the_same_folder_stops_before_any_window(tmp_path) -> None:
    config_path = _config_file(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from store_client.persistence.lock import InstanceLock
        InstanceLock(Path({str(tmp_path / "data")!r})).acquire()
        print("held", flush=True)
        sys.stdin.readline()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        done = _store_client("--config", str(config_path), "run", "--exit-when-ready")
        assert done.returncode == 4 and "painted" not in done.stdout
        assert "already running" in done.stderr
    finally:
        holder.communicate("\n", timeout=30)


def test_nothing_on_the_way_to_the_sign_in_window_imports_the_database_layer() -> None:
    probe = textwrap.dedent("""
        import sys
        from store_client import cli
        cli.build_parser()
        import store_client.commands.app_cmd, store_client.ui.app, store_client.ui.main_window
        import store_client.ui.ready_probe, store_client.ui.demo_operators
        heavy = sorted(m for m in sys.modules
                       if m.split(".")[0] in {"sqlalchemy", "sync", "printers", "escpos"}
                       or m.startswith(("store_client.persistence.db", "PySide6.QtCharts",
                                        "store_client.persistence.models",
                                        "store_client.bootstrap", "store_client.ui.screens.")))
        print(heavy)
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_sign_in_asked_before_the_first_paint_waits_behind_the_opening_never_in_front(
        qtbot, demo_store, tasks) -> None:  # type: ignore[no-untyped-def]
    """The opening is the database thread's first op from before the window shows; a
    sign-in op submitted even before the first paint queues behind it (had it gone first,
    it would have waited for a terminal that could only open after it)."""
    from PySide6.QtWidgets import QApplication

    from store_client.clock import SystemClock
    from store_client.persistence.lock import InstanceLock
    from store_client.ui.app import StartUp

    config = cfg.load(demo_store)
    runtime = setup_application("en")
    window = MainWindow(config=config, clock=SystemClock(), tasks=tasks)
    qtbot.addWidget(window)
    lock = InstanceLock(config.data_dir)
    lock.acquire()
    start_up = StartUp(window, lock, QApplication.instance())  # type: ignore[arg-type]
    signed: list[object] = []
    try:
        start_up.begin()
        cashier = demo_operator("cashier")
        window.session.login(operator_id=cashier.id, pin=cashier.pin).run(
            window, success=signed.append, failure=signed.append)
        start_up.painted()  # the first paint comes after
        qtbot.waitUntil(lambda: bool(signed), timeout=15_000)
        assert getattr(signed[0], "operator_id", None) == cashier.id, signed
        qtbot.waitUntil(lambda: tasks.pending == 0, timeout=15_000)
    finally:
        start_up.stop()
        window.shutdown()
        tasks.shutdown(wait=True)
        start_up.close()
        lock.release()
        teardown(runtime)
