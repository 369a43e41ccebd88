"""Scanner event filter (Qt), serial scanner framing/reader, customer display."""

from __future__ import annotations

import os
import time

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget

from store_client.hardware.serial_scanner import SerialScannerReader, SuffixFramer
from store_client.hardware.wedge import WedgeDetector, burst


@pytest.fixture
def window(qtbot):
    w = QWidget()
    w.setObjectName("testWindow")
    layout = QVBoxLayout(w)
    field = QLineEdit(w)
    field.setObjectName("searchField")
    field.setAccessibleName("Search")
    button = QPushButton("Pay", w)
    button.setObjectName("payButton")
    button.setAccessibleName("Pay")
    layout.addWidget(field)
    layout.addWidget(button)
    qtbot.addWidget(w)
    w.show()
    return w, field, button


@pytest.fixture
def scanner(qapp):
    from store_client.hardware.scanner_filter import ScannerEventFilter

    scans: list[str] = []
    f = ScannerEventFilter(WedgeDetector(max_key_interval_ms=35, min_length=6), scans.append)
    f.install(qapp)
    yield f, scans
    qapp.removeEventFilter(f)


def inject(widget, events) -> None:
    """Send key events with explicit timestamps (the harness controls the speed)."""
    for text, at, enter in events:
        key = Qt.Key.Key_Return if enter else 0
        event = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, "\r" if enter else text)
        event.setTimestamp(int(at))
        QApplication.sendEvent(widget, event)


def test_burst_outside_text_fields_goes_to_the_handler(window, scanner, qtbot):
    _w, _field, button = window
    _f, scans = scanner
    button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is button)
    inject(button, burst("6901234567892", 1000, 8))
    assert scans == ["6901234567892"]


def test_shift_presses_inside_a_burst_do_not_break_it(window, scanner, qtbot):
    _w, _field, button = window
    _f, scans = scanner
    button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is button)
    for i, ch in enumerate("AB1234"):
        shift = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Shift, Qt.KeyboardModifier.ShiftModifier, "")
        shift.setTimestamp(1000 + 10 * i)
        QApplication.sendEvent(button, shift)
        event = QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.ShiftModifier, ch)
        event.setTimestamp(1000 + 10 * i + 2)
        QApplication.sendEvent(button, event)
    inject(button, [("", 1070, True)])
    assert scans == ["AB1234"]


def test_typing_in_a_text_field_is_not_hijacked(window, scanner, qtbot):
    _w, field, _ = window
    _f, scans = scanner
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    inject(field, burst("6901234567892", 1000, 8))
    assert scans == [] and field.text() == "6901234567892"


def test_opted_in_field_routes_scans_and_replays_human_typing(window, scanner, qtbot):
    _w, field, _ = window
    _f, scans = scanner
    field.setProperty("routesScans", True)
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    inject(field, burst("6901234567892", 1000, 8))
    assert scans == ["6901234567892"] and field.text() == ""
    inject(field, [(c, 5000 + i * 150, False) for i, c in enumerate("milk")])
    qtbot.waitUntil(lambda: field.text() == "milk", timeout=2000)
    assert scans == ["6901234567892"]


def test_suffix_framer_splits_and_drops_noise():
    framer = SuffixFramer("\r\n")
    assert framer.feed(b"690123") == []
    assert framer.feed(b"4567892\r\nABC") == ["6901234567892"]
    assert framer.feed(b"\r\n\r\n") == ["ABC"]
    assert framer.feed(b"x" * 300) == [] and framer.feed(b"1\r\n") == ["1"]
    with pytest.raises(ValueError):
        SuffixFramer("")


def test_serial_reader_delivers_codes_from_a_stream():
    read_fd, write_fd = os.pipe()
    codes: list[str] = []
    reader = SerialScannerReader("pipe", "\r", codes.append, stream=os.fdopen(read_fd, "rb", buffering=0))
    reader.start()
    try:
        os.write(write_fd, b"6901234567892\r69012")
        os.write(write_fd, b"34567809\r")
        deadline = time.monotonic() + 3
        while len(codes) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert codes == ["6901234567892", "6901234567809"]
    finally:
        os.close(write_fd)
        reader.stop()


def test_serial_reader_without_pyserial_says_what_to_install():
    try:
        import serial  # noqa: F401
    except ImportError:
        with pytest.raises(RuntimeError, match="pip install pyserial"):
            SerialScannerReader("/dev/ttyS99", "\r", print)
    else:  # with pyserial, a missing port is explained instead
        with pytest.raises(RuntimeError, match="cannot open scanner port"):
            SerialScannerReader("/dev/ttyS99-missing", "\r", print)


def test_customer_display_is_off_with_one_screen_and_shows_a_sale_on_a_given_screen(qtbot):
    from store_client.hardware.customer_display import DisplayLine, create_customer_display

    assert len(QApplication.screens()) == 1
    assert create_customer_display() is None
    display = create_customer_display(screen=QApplication.primaryScreen())  # as if it were the second
    qtbot.addWidget(display)
    display.show_sale([DisplayLine("可口可乐", "2", 700)], 700)
    display.show_change(300)
    display.show_qr("https://m.example.cn/join", "扫码入会 Join")
    assert display.lines.count() == 1 and "¥7.00" in display.lines.item(0).text()
    assert "¥7.00" in display.total.text() and "¥3.00" in display.change.text()
    assert not display.qr.pixmap().isNull()
    for widget in [display, display.lines, display.total, display.change, display.qr, display.caption]:
        assert widget.objectName() and widget.accessibleName(), widget
    # A long sale: the last lines, under a line saying how many there are.
    display.show_sale([DisplayLine(f"商品{n}", "1", 100) for n in range(489, 501)], 50_000, 500)
    assert display.lines.count() == 13 and "500" in display.lines.item(0).text()
    assert "商品500" in display.lines.item(12).text()
    # A threshold or coupon on the whole sale: under the lines, which do not include it.
    display.show_sale([DisplayLine(f"商品{n}", "1", 100) for n in range(489, 501)], 49_000, 500, 1_000)
    assert display.lines.count() == 14 and display.lines.item(13).text() == "整单优惠 On the sale  -¥10.00"
    assert "¥490.00" in display.total.text()
