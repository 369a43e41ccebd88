"""Printer and scanner checks. They open devices, never print (a status query at most)."""

from __future__ import annotations

import os
from pathlib import Path

from store_client.doctor.result import CheckResult, Context, fail, ok, warn

PRINTER_FIX = ("set [printer] kind and its address in the configuration "
               "('store-client printer list' shows what is attached), then 'store-client printer test'")


def check_printer(ctx: Context) -> CheckResult:
    from printers.connectors import (
        ConnectorSettings,
        PrinterConfigError,
        PrinterStatus,
        PrinterUnavailable,
        connection_factory,
    )

    config = ctx.config
    settings = ConnectorSettings.from_config(config, timeout=min(ctx.hq_timeout, 3.0))
    where = settings.describe()
    if settings.kind == "none":
        return warn("printer", "no receipt printer configured (receipts are not printed)",
                    PRINTER_FIX, kind="none")
    if settings.kind == "dummy":
        return warn("printer", "the demo printer is configured: receipts go nowhere",
                    PRINTER_FIX, kind="dummy")
    try:
        connection = connection_factory(settings)()
    except PrinterConfigError as exc:
        return fail("printer", f"printer settings cannot work: {exc}", PRINTER_FIX, printer=where)
    except Exception as exc:  # noqa: BLE001 - a driver's own error becomes the finding
        return fail("printer", f"{where}: cannot open ({type(exc).__name__}: {exc})",
                    "check the cable/network and power; " + PRINTER_FIX, printer=where)
    try:
        status = connection.status()
    except PrinterUnavailable as exc:
        status = exc.status
    except Exception as exc:  # noqa: BLE001
        return fail("printer", f"{where}: {type(exc).__name__}: {exc}",
                    "check the cable/network and power", printer=where)
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - closing a dead connection tells nothing more
            pass
    facts = {"printer": where, "status": status.value}
    if status is PrinterStatus.OK:
        return ok("printer", f"{where}: ready, paper loaded", **facts)
    if status is PrinterStatus.PAPER_OUT:
        return fail("printer", f"{where}: out of paper", "load a paper roll and close the cover",
                    **facts)
    if status is PrinterStatus.OFFLINE:
        return fail("printer", f"{where}: not reachable or off-line",
                    "check power, cable or network, and that the cover is closed", **facts)
    return warn("printer", f"{where}: configured; this connection cannot report status or paper",
                "print a test receipt with 'store-client printer test'", **facts)


SCANNER_WORDS = ("barcode", "scanner", "honeywell", "zebra", "symbol", "datalogic", "newland",
                 "netum", "inateck", "metrologic", "opticon", "code_corp", "hand_held")


def wedge_scanners(input_dir: Path = Path("/dev/input/by-id")) -> list[str]:
    """Keyboard devices whose name says scanner (Linux; elsewhere nothing is seen)."""
    try:
        names = [p.name for p in input_dir.iterdir() if p.name.endswith("-event-kbd")]
    except OSError:
        return []
    return sorted(n.removesuffix("-event-kbd") for n in names
                  if any(word in n.lower() for word in SCANNER_WORDS))


def check_scanner(ctx: Context) -> CheckResult:
    """A serial scanner's port must exist and be ours to open; a keyboard-wedge scanner is a
    keyboard to the PC and cannot be told apart from one without a scan."""
    config = ctx.config
    port = config["scanner.serial_port"]
    if not port:
        seen = wedge_scanners()
        if seen:
            return ok("scanner", f"keyboard-wedge scanner seen: {', '.join(seen)}", mode="wedge",
                      devices=seen)
        return warn("scanner", "no keyboard-wedge scanner recognised by name (many look like a "
                    "plain keyboard)", "scan any barcode on the sign-in window: the operator "
                    "field must fill and submit by itself", mode="wedge")
    if os.name != "nt":
        path = Path(port)
        if not path.exists():
            return fail("scanner", f"serial scanner port {port} does not exist",
                        "plug the scanner in, or fix [scanner] serial_port "
                        "(ls /dev/ttyUSB* /dev/ttyACM*)", port=port)
        if not os.access(path, os.R_OK | os.W_OK):
            return fail("scanner", f"serial scanner port {port} cannot be opened by this account",
                        "add the till's account to the 'dialout' group and sign in again",
                        port=port)
        return ok("scanner", f"serial scanner port {port} present", port=port)
    try:
        import serial  # type: ignore[import-not-found]
    except ImportError:
        return fail("scanner", "a serial scanner is configured but pyserial is missing",
                    "install the full store-client package (it includes pyserial)", port=port)
    try:
        serial.Serial(port, timeout=0).close()
    except Exception as exc:  # noqa: BLE001
        return fail("scanner", f"serial scanner port {port}: {exc}",
                    "plug the scanner in, or fix [scanner] serial_port", port=port)
    return ok("scanner", f"serial scanner port {port} present", port=port)
