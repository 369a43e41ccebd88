"""Serial (RS-232 / USB-CDC) barcode scanners: codes framed by a configurable suffix.

PySide6-Essentials has no QtSerialPort, so the port is read with pyserial
(optional: ``pip install pyserial``) on a small daemon thread; the framing is
Qt-free and tested on its own. ``on_code`` is called on the reader thread: a
Qt UI re-emits it through a signal.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import BinaryIO

MAX_CODE = 256  # a frame longer than this without a suffix is noise, dropped


class SuffixFramer:
    """Split a byte stream into codes at ``suffix`` (e.g. "\\r", "\\r\\n", "\\n")."""

    def __init__(self, suffix: str = "\r", encoding: str = "ascii") -> None:
        if not suffix:
            raise ValueError("scanner.serial_suffix must not be empty")
        self.suffix = suffix.encode(encoding)
        self.encoding = encoding
        self._buffer = b""

    def feed(self, data: bytes) -> list[str]:
        self._buffer += data
        codes = []
        while self.suffix in self._buffer:
            frame, self._buffer = self._buffer.split(self.suffix, 1)
            code = frame.decode(self.encoding, errors="replace").strip("\r\n\x00 ")
            if code:
                codes.append(code)
        if len(self._buffer) > MAX_CODE:
            self._buffer = b""
        return codes


class SerialScannerReader:
    def __init__(self, port: str, suffix: str, on_code: Callable[[str], None], *, baudrate: int = 9600,
                 stream: BinaryIO | None = None) -> None:
        self.framer = SuffixFramer(suffix)
        self.on_code = on_code
        self._stream = stream if stream is not None else _open_serial(port, baudrate)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="serial-scanner", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        try:
            self._stream.close()
        except OSError:
            pass
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data = self._stream.read(64)
            except (OSError, ValueError):  # port unplugged or closed by stop()
                return
            if not data:
                if getattr(self._stream, "timeout", None) is None:
                    return  # end of stream (a pipe in tests); a serial port returns b"" on timeout
                continue
            for code in self.framer.feed(data):
                self.on_code(code)


def _open_serial(port: str, baudrate: int):
    try:
        import serial  # type: ignore[import-not-found]
    except ImportError:
        raise RuntimeError("the serial scanner needs pyserial (pip install pyserial); "
                           "PySide6-Essentials has no QtSerialPort") from None
    try:
        return serial.Serial(port, baudrate=baudrate, timeout=0.2)
    except serial.SerialException as exc:
        raise RuntimeError(f"cannot open scanner port {port}: {exc} (on Linux, is the user in "
                           "the 'dialout' group?)") from None
