"""Getting bytes to a printer through python-escpos's connectors, with honest status.

A :class:`Connection` sends one job's bytes and says what went wrong in the
terms the queue needs: :class:`PrinterUnavailable` means *nothing was sent*
(safe to retry automatically); :class:`SendFailed` means the stream broke
after it started (the receipt may be half printed: a person decides).

Status is queried (DLE EOT 1 / 4) only where the connector can read back
(network, USB, serial); elsewhere it is ``unknown``, never a guessed "offline".

A job has reached the printer only when :meth:`EscposConnection.confirm` says
so: ``send()`` succeeding means only that the bytes fit in socket buffers (a
whole receipt does). A printer that answers status is asked ``GS r 1`` after
the job; it answers once it has processed every byte before it, so silence, a
reset or a closed connection means the job may be cut off. A printer that never
answers status is confirmed by the connector's own transmit-complete signal: on
a network socket, the kernel's count of bytes the printer has not acknowledged
reaching zero (Linux ``SIOCOUTQ``).
"""

from __future__ import annotations

import contextlib
import socket
import struct
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from escpos.exceptions import DeviceNotFoundError

DLE_EOT_PRINTER = b"\x10\x04\x01"
DLE_EOT_PAPER = b"\x10\x04\x04"
GS_R_PAPER = b"\x1dr\x01"  # transmit paper sensor status: answered in turn, after the job
SIOCOUTQ = 0x5411  # Linux: bytes in a socket's send queue not yet acknowledged by the peer
CHUNK = 4096


class PrinterStatus(str, Enum):
    OK = "ok"
    OFFLINE = "offline"
    PAPER_OUT = "paper_out"
    UNKNOWN = "unknown"


class PrinterUnavailable(Exception):
    """The printer could not be reached or refuses to print; no byte of the job was sent."""

    def __init__(self, message: str, status: PrinterStatus = PrinterStatus.OFFLINE) -> None:
        super().__init__(message)
        self.status = status


class SendFailed(Exception):
    """The job's byte stream broke after it started: the printer may have printed part of it."""


class Connection(Protocol):
    def status(self) -> PrinterStatus: ...
    def send(self, data: bytes) -> None: ...
    def confirm(self, timeout: float) -> bool: ...
    def close(self) -> None: ...


def decode_status(printer_byte: int | None, paper_byte: int | None) -> PrinterStatus:
    """Interpret the DLE EOT 1 and DLE EOT 4 answers (Epson-compatible bit layout)."""
    if printer_byte is None:
        return PrinterStatus.UNKNOWN
    if printer_byte & 0x08:  # bit 3: off-line
        if paper_byte is not None and paper_byte & 0x60 == 0x60:
            return PrinterStatus.PAPER_OUT
        return PrinterStatus.OFFLINE
    if paper_byte is not None and paper_byte & 0x60 == 0x60:  # bits 5,6: roll paper end
        return PrinterStatus.PAPER_OUT
    return PrinterStatus.OK


class EscposConnection:
    """Wraps one python-escpos printer object (Network, Usb, Serial, File, Win32Raw, Dummy)."""

    def __init__(self, printer, *, readable: bool, status_timeout: float = 0.5) -> None:
        self.printer = printer
        self.readable = readable
        self.status_timeout = status_timeout
        self._open = False
        self._answers_status = False  # it answered DLE EOT on this connection

    def _ensure_open(self) -> None:
        if self._open:
            return
        try:
            self.printer.open()
        except DeviceNotFoundError as exc:
            raise PrinterUnavailable(_first_line(exc)) from None
        except (OSError, RuntimeError, ValueError) as exc:  # missing driver, permissions
            raise PrinterUnavailable(f"{type(exc).__name__}: {exc}") from None
        self._open = True

    def status(self) -> PrinterStatus:
        self._ensure_open()
        if not self.readable:
            return PrinterStatus.UNKNOWN
        sock = getattr(self.printer, "device", None)
        old = None
        if isinstance(sock, socket.socket):
            old = sock.gettimeout()
            sock.settimeout(self.status_timeout)
        try:
            printer_byte = self._query(DLE_EOT_PRINTER)
            paper_byte = self._query(DLE_EOT_PAPER) if printer_byte is not None else None
            self._answers_status = printer_byte is not None
        except (TimeoutError, OSError) as exc:
            self.close()
            raise PrinterUnavailable(f"printer stopped answering: {exc}") from None
        finally:
            if old is not None and isinstance(sock, socket.socket):
                try:
                    sock.settimeout(old)
                except OSError:
                    pass
        return decode_status(printer_byte, paper_byte)

    def _query(self, command: bytes) -> int | None:
        self.printer._raw(command)
        try:
            answer = self.printer._read()
        except NotImplementedError:
            return None
        except Exception as exc:
            if _is_timeout(exc):  # no answer (pyusb's USBTimeoutError is an OSError too)
                return None
            raise
        if answer == b"" and isinstance(getattr(self.printer, "device", None), socket.socket):
            raise OSError("connection closed by the printer")
        return answer[-1] if answer else None

    def send(self, data: bytes) -> None:
        self._ensure_open()
        try:
            for start in range(0, len(data), CHUNK):
                self.printer._raw(data[start:start + CHUNK])
            flush = getattr(self.printer, "flush", None)
            if callable(flush):
                flush()
        except Exception as exc:  # noqa: BLE001 - any connector error mid-stream
            self.close()
            raise SendFailed(f"{type(exc).__name__}: {exc}") from None

    def confirm(self, timeout: float) -> bool:
        """True once the printer has taken every byte sent so far (see the module doc)."""
        if not self._open:
            return False
        sock = getattr(self.printer, "device", None)
        if not (self.readable and self._answers_status):
            if isinstance(sock, socket.socket):
                return _acknowledged(sock, timeout)
            return True  # file, Windows spooler, dummy: the write (and flush) completing is all there is
        old = sock.gettimeout() if isinstance(sock, socket.socket) else None
        try:
            self.printer._raw(GS_R_PAPER)
            return self._await_answer(sock, time.monotonic() + timeout)
        except OSError:  # reset or closed by the printer: it did not take it all
            self.close()
            return False
        finally:
            if old is not None and self._open:
                with contextlib.suppress(OSError):
                    sock.settimeout(old)

    def _await_answer(self, sock: object, deadline: float) -> bool:
        """Read until the printer answers or ``deadline``: a long receipt takes seconds to print,
        and a connector's own read time-out (USB, serial) may be shorter."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if isinstance(sock, socket.socket):
                sock.settimeout(remaining)
            try:
                answer = self.printer._read()
            except NotImplementedError:
                return False
            except Exception as exc:  # noqa: BLE001 - any connector error is "not confirmed"
                if _is_timeout(exc):
                    continue
                raise OSError(str(exc)) from None
            if answer:
                return True
            if isinstance(sock, socket.socket):
                raise OSError("connection closed by the printer")
            time.sleep(0.01)  # serial: an empty read is its time-out

    def close(self) -> None:
        if self._open:
            self._open = False
            with contextlib.suppress(Exception):  # closing a broken connection
                self.printer.close()


def _is_timeout(exc: BaseException) -> bool:
    """A read time-out, as each connector names it (socket, pyusb, pyserial)."""
    return isinstance(exc, TimeoutError) or "timeout" in type(exc).__name__.lower()


def _acknowledged(sock: socket.socket, timeout: float) -> bool:
    """Wait until the peer has acknowledged every byte sent (Linux); True where that cannot
    be asked (the write completing is then the only signal there is)."""
    if not sys.platform.startswith("linux"):
        return True
    import fcntl

    deadline = time.monotonic() + timeout
    while True:
        try:
            unacked = struct.unpack("i", fcntl.ioctl(sock.fileno(), SIOCOUTQ, b"\0\0\0\0"))[0]
        except OSError:
            return False
        if unacked == 0:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)


def _first_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _network_class():
    from escpos.printer import Network

    class _Net(Network):
        """python-escpos's Network, but a failed connect closes its socket (no leaked fd)."""

        def open(self, raise_not_found: bool = True) -> None:
            if self._device:
                self.close()
            try:
                self.device = socket.create_connection((self.host, self.port), timeout=self.timeout)
            except OSError as exc:
                self.device = None
                raise DeviceNotFoundError(f"Could not open socket for {self.host}:{self.port}: {exc}")

    return _Net


def _Network(*args, **kwargs):
    global _NETWORK_CLASS
    if _NETWORK_CLASS is None:
        _NETWORK_CLASS = _network_class()
    return _NETWORK_CLASS(*args, **kwargs)


_NETWORK_CLASS = None


@dataclass(frozen=True)
class ConnectorSettings:
    kind: str
    profile: str
    host: str = ""
    port: int = 9100
    device: str = ""
    usb_vendor_id: int = 0
    usb_product_id: int = 0
    timeout: float = 3.0

    @classmethod
    def from_config(cls, config, timeout: float = 3.0) -> ConnectorSettings:
        return cls(kind=config["printer.kind"], profile=config["printer.profile"],
                   host=config["printer.host"], port=config["printer.port"],
                   device=config["printer.device"], usb_vendor_id=config["printer.usb_vendor_id"],
                   usb_product_id=config["printer.usb_product_id"], timeout=timeout)

    def describe(self) -> str:
        where = {
            "network": f"{self.host}:{self.port}",
            "usb": f"USB {self.usb_vendor_id:04x}:{self.usb_product_id:04x}",
            "serial": self.device, "file": self.device, "win32raw": self.device or "(default printer)",
        }.get(self.kind, "")
        return f"{self.kind} {where} profile {self.profile}".replace("  ", " ")


class PrinterConfigError(ValueError):
    """The printer settings cannot work; the message says which setting to fix."""


def connection_factory(settings: ConnectorSettings) -> Callable[[], Connection]:
    """A function that opens a fresh :class:`Connection` per job (the queue calls it)."""
    from escpos import printer as p

    kind = settings.kind
    if kind == "none":
        raise PrinterConfigError("no printer configured (printer.kind = \"none\")")
    if kind == "network":
        if not settings.host:
            raise PrinterConfigError("printer.host is empty; set the printer's IP address")
        return lambda: EscposConnection(
            _Network(settings.host, settings.port, timeout=settings.timeout, profile=settings.profile),
            readable=True)
    if kind == "file":
        if not settings.device:
            raise PrinterConfigError("printer.device is empty; set e.g. /dev/usb/lp0")
        return lambda: EscposConnection(p.File(settings.device, profile=settings.profile), readable=False)
    if kind == "usb":
        if not p.Usb.is_usable():
            raise PrinterConfigError(
                "USB printing needs the pyusb package and libusb (pip install pyusb; "
                "on Windows install a WinUSB/libusb driver for the printer, e.g. with Zadig)")
        if not (settings.usb_vendor_id and settings.usb_product_id):
            raise PrinterConfigError("set printer.usb_vendor_id and printer.usb_product_id "
                                     "(see 'store-client printer list')")
        return lambda: EscposConnection(
            p.Usb(settings.usb_vendor_id, settings.usb_product_id, timeout=int(settings.timeout * 1000),
                  profile=settings.profile), readable=True)
    if kind == "serial":
        if not p.Serial.is_usable():
            raise PrinterConfigError("serial printing needs the pyserial package (pip install pyserial)")
        if not settings.device:
            raise PrinterConfigError("printer.device is empty; set the serial port, e.g. /dev/ttyS0 or COM3")
        return lambda: EscposConnection(
            p.Serial(settings.device, timeout=settings.timeout, profile=settings.profile), readable=True)
    if kind == "win32raw":
        if not p.Win32Raw.is_usable():
            raise PrinterConfigError("Windows raw printing needs Windows and the pywin32 package")
        return lambda: EscposConnection(p.Win32Raw(settings.device, profile=settings.profile),
                                        readable=False)
    if kind == "dummy":
        sink = p.Dummy(profile=settings.profile)
        return lambda: EscposConnection(sink, readable=False)
    raise PrinterConfigError(f"unknown printer.kind {kind!r}")
