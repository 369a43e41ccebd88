"""``EscposConnection.confirm`` over connectors that are not sockets (USB, serial): a read
time-out shorter than the printing is waited through; silence or an error is not a confirmation."""

from __future__ import annotations

import time

from printers.connectors import GS_R_PAPER, EscposConnection


class USBTimeoutError(OSError):  # pyusb's read time-out (a USBError, an IOError)
    pass


class FakeDevice:
    """A printer object as python-escpos gives it: ``_raw`` / ``_read`` / ``open`` / ``close``."""

    def __init__(self, answers: list) -> None:
        self.answers = answers
        self.sent: list[bytes] = []
        self.device = None

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def _raw(self, data: bytes) -> None:
        self.sent.append(data)

    def _read(self) -> bytes:
        item = self.answers.pop(0) if self.answers else USBTimeoutError("timed out")
        if isinstance(item, Exception):
            time.sleep(0.01)
            raise item
        return item


def connection(answers: list) -> tuple[EscposConnection, FakeDevice]:
    device = FakeDevice([b"\x16", b"\x12", *answers])  # DLE EOT 1 and 4: online, paper present
    conn = EscposConnection(device, readable=True)
    conn.status()
    return conn, device


def test_an_answer_after_read_time_outs_confirms() -> None:
    conn, device = connection([USBTimeoutError("t"), b"", TimeoutError(), b"\x00"])
    conn.send(b"receipt")
    assert conn.confirm(2.0) is True
    assert device.sent[-1] == GS_R_PAPER


def test_silence_until_the_deadline_is_not_a_confirmation() -> None:
    conn, _ = connection([])
    started = time.monotonic()
    assert conn.confirm(0.3) is False
    assert 0.3 <= time.monotonic() - started < 2


def test_a_broken_connector_is_not_a_confirmation() -> None:
    conn, _ = connection([RuntimeError("device gone")])
    assert conn.confirm(1.0) is False


def test_a_printer_that_never_answered_status_is_not_asked() -> None:
    device = FakeDevice([USBTimeoutError("t")])  # no answer to DLE EOT
    conn = EscposConnection(device, readable=True)
    conn.status()
    before = list(device.sent)
    assert conn.confirm(0.5) is True  # no socket to ask: the write completing is the signal
    assert device.sent == before
