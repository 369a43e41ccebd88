"""The running app's print queue, built from the terminal's ``printer.*`` settings.

Qt-free. ``printer.kind = "none"`` means no queue (receipts are not printed);
``"dummy"`` keeps the bytes in memory (demo and tests: jobs go through the
whole queue and show as printed). Settings that cannot work raise a
:class:`~store_client.config.ConfigError` naming the file and the setting, so
the app stops at start-up with one clear line instead of failing at the first sale.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from printers.connectors import ConnectorSettings, PrinterConfigError, connection_factory
from printers.profile import PrinterProfile, ProfileError
from printers.queue import PrintQueue
from store_client.config import Config, ConfigError

if TYPE_CHECKING:
    from store_client.terminal_parts import TerminalParts

log = logging.getLogger(__name__)

#: Network connect / send limit: an unplugged printer must not hold a job for long.
CONNECT_TIMEOUT = 3.0
RETRY_INTERVAL = 10.0


def printer_profile(config: Config) -> PrinterProfile:
    """The renderer's profile from config; a :class:`ConfigError` when it cannot work."""
    try:
        return PrinterProfile.from_config(config)
    except ProfileError as exc:
        raise ConfigError(config.path, None, f"printer settings: {exc}") from None


def build_print_queue(terminal: TerminalParts, *, retry_interval: float = RETRY_INTERVAL,
                      timeout: float = CONNECT_TIMEOUT, start: bool = True) -> PrintQueue | None:
    """A started :class:`PrintQueue` for the configured printer, or None for ``kind = "none"``.

    Jobs left ``sending`` by a crash become ``uncertain`` here (never resent
    automatically); queued and held jobs resume printing once the worker runs.
    """
    config = terminal.config
    if config["printer.kind"] == "none":
        return None
    profile = printer_profile(config)
    settings = ConnectorSettings.from_config(config, timeout=timeout)
    try:
        factory = connection_factory(settings)
    except PrinterConfigError as exc:
        raise ConfigError(config.path, None, f"printer settings: {exc}") from None
    queue = PrintQueue(terminal.db, factory, terminal.clock, profile=profile,
                       retry_interval=retry_interval)
    if queue.recovered:
        log.warning("print jobs %s were interrupted by the last stop; they wait for a decision",
                    queue.recovered)
    if start:
        queue.start()
    log.info("print queue started for %s", describe_printer(config))
    return queue


def shutdown_print_queue(queue: PrintQueue | None, timeout: float = CONNECT_TIMEOUT + 2.0) -> None:
    """Stop the worker; a job mid-send finishes or times out first. Waiting jobs stay stored."""
    if queue is not None:
        queue.stop(timeout)


def describe_printer(config: Config) -> str:
    """One line for people: where the printer is and how it is driven."""
    kind = config["printer.kind"]
    if kind == "none":
        return 'none (printer.kind = "none": receipts are not printed)'
    where = ConnectorSettings.from_config(config).describe()
    if kind == "dummy":
        where = f"dummy (in memory, nothing is printed) profile {config['printer.profile']}"
    return (f"{where}, {config['printer.paper_mm']} mm, encoding {config['printer.encoding']}, "
            f"drawer pin {config['printer.drawer_pin']}")
