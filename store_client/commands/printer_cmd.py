"""``store-client printer list|test``: for store IT setting up a till's receipt printer."""

from __future__ import annotations

import argparse
import glob
import os
import sys
from datetime import UTC

from store_client import config as cfg


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("printer", help="find and test the receipt printer")
    sub = parser.add_subparsers(dest="printer_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="show the configured printer and USB printers found")
    listing.set_defaults(handler=_list)
    test = sub.add_parser("test", help="print the test page and report the printer status")
    test.add_argument("--dry-run", action="store_true", help="show the test page as text; print nothing")
    test.set_defaults(handler=_test)


def _profile(config):
    from printers.profile import PrinterProfile, ProfileError
    from store_client.cli import UserError

    try:
        return PrinterProfile.from_config(config)
    except ProfileError as exc:
        raise UserError(f"printer settings: {exc}") from None


def _list(args: argparse.Namespace) -> int:
    from printers.connectors import ConnectorSettings

    config = cfg.load(args.config)
    settings = ConnectorSettings.from_config(config)
    print(f"Configured printer: {settings.describe()}, {config['printer.paper_mm']} mm, "
          f"encoding {config['printer.encoding']}, drawer pin {config['printer.drawer_pin']}")
    if settings.kind == "none":
        print("  (printer.kind is \"none\": receipts are not printed)")
    else:
        _profile(config)
    print()
    for line in usb_printer_report():
        print(line)
    return 0


def usb_printer_report() -> list[str]:
    """USB printers (interface class 7) with the access problems store IT must fix."""
    lines: list[str] = []
    try:
        import usb.core  # type: ignore[import-not-found]
        import usb.util  # type: ignore[import-not-found]
    except ImportError:
        lines.append("USB discovery unavailable: the pyusb package is not installed "
                     "(pip install pyusb; it also needs libusb: 'apt install libusb-1.0-0' on Linux, "
                     "a WinUSB driver via Zadig on Windows).")
    else:
        try:
            devices = list(usb.core.find(find_all=True))
        except usb.core.NoBackendError:
            devices = []
            lines.append("USB discovery unavailable: libusb is missing ('apt install libusb-1.0-0'; "
                         "on Windows install a WinUSB driver for the printer with Zadig).")
        found = 0
        for dev in devices:
            if not _is_printer(dev):
                continue
            found += 1
            ident = f"{dev.idVendor:04x}:{dev.idProduct:04x}"
            try:
                name = f"{usb.util.get_string(dev, dev.iManufacturer) or ''} " \
                       f"{usb.util.get_string(dev, dev.iProduct) or ''}".strip()
                lines.append(f"USB printer {ident} {name} -> usb_vendor_id = 0x{dev.idVendor:04x}, "
                             f"usb_product_id = 0x{dev.idProduct:04x}")
            except (usb.core.USBError, ValueError) as exc:
                lines.append(f"USB printer {ident}: no access ({exc}). On Linux add a udev rule, e.g. "
                             f"/etc/udev/rules.d/99-escpos.rules: SUBSYSTEM==\"usb\", "
                             f"ATTRS{{idVendor}}==\"{dev.idVendor:04x}\", "
                             f"ATTRS{{idProduct}}==\"{dev.idProduct:04x}\", MODE=\"0664\", GROUP=\"lp\" "
                             "then 'sudo udevadm control --reload && sudo udevadm trigger' and add the "
                             "user to group lp.")
        if not found and devices is not None:
            lines.append("No USB printer found on the USB bus.")
    for path in sorted(glob.glob("/dev/usb/lp*")):
        access = "writable" if os.access(path, os.W_OK) else \
            "NOT writable: add the user to group 'lp' (sudo usermod -aG lp $USER) and log in again"
        lines.append(f"Printer device file {path}: {access} (printer.kind = \"file\", device = \"{path}\")")
    if sys.platform == "win32":
        lines.append("Windows printers: use printer.kind = \"win32raw\" with device = the printer's name.")
    return lines


def _is_printer(dev) -> bool:  # type: ignore[no-untyped-def]
    if dev.bDeviceClass == 7:
        return True
    try:
        return any(intf.bInterfaceClass == 7 for cfg_ in dev for intf in cfg_)
    except Exception:  # noqa: BLE001 - descriptors unreadable without permission
        return False


def _test(args: argparse.Namespace) -> int:
    from datetime import datetime

    from printers import escpos_render, templates, text_render
    from printers.connectors import (
        ConnectorSettings,
        PrinterConfigError,
        PrinterStatus,
        PrinterUnavailable,
        SendFailed,
        connection_factory,
    )
    from printers.receipt_data import Header, TestPage
    from store_client.cli import UserError

    config = cfg.load(args.config)
    profile = _profile(config)
    settings = ConnectorSettings.from_config(config)
    page = TestPage(header=Header(config["store.name"], config.store_id, config.terminal_id,
                                  "store IT", datetime.now(UTC)),
                    printer_kind=settings.kind, profile=profile.escpos_profile, paper_mm=profile.paper_mm,
                    encoding=profile.encoding)
    document = templates.test_page(page)
    if args.dry_run:
        print(text_render.render(document, profile.columns, profile.cells), end="")
        return 0
    try:
        connection = connection_factory(settings)()
    except PrinterConfigError as exc:
        raise UserError(f"printer settings: {exc}") from None
    try:
        status = connection.status()
        print(f"Printer {settings.describe()}: status {status.value}")
        if status in (PrinterStatus.OFFLINE, PrinterStatus.PAPER_OUT):
            raise UserError(f"printer is {status.value.replace('_', ' ')}; fix it and run again")
        data = escpos_render.render(document, profile)
        connection.send(data)
        if not connection.confirm(10.0):
            raise UserError("the printer did not confirm it took the whole test page; check the printout")
    except PrinterUnavailable as exc:
        raise UserError(f"printer not reachable: {exc}") from None
    except SendFailed as exc:
        raise UserError(f"printing stopped half-way: {exc}") from None
    finally:
        connection.close()
    print(f"Test page sent ({len(data)} bytes, {profile.columns} columns at {profile.dots} dots). "
          "Check: Chinese readable, columns aligned, barcode and QR code scan, paper cut.")
    return 0
