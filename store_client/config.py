"""Terminal configuration: one TOML file, every setting declared once below.

Where the file is looked for, first match wins:

1. the ``--config`` flag,
2. the ``STORE_CLIENT_CONFIG`` environment variable,
3. the platform location: on Windows the machine-wide ``%PROGRAMDATA%`` folder
   (IT manages counter PCs, not the cashier's profile); elsewhere the user's
   config folder (``~/.config/store-client/config.toml`` on Linux).

Every problem is reported as a :class:`ConfigError` naming the file, the key
and what is wrong; the CLI turns it into a message and exit code 2.
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import platformdirs

from store_client.domain.return_policy import settings_problem
from store_client.domain.aisle import settings_problem as _aisle_sites
from store_client.store_time import zone_problem

APP_NAME = "store-client"
#: What store IT runs on a PC that is not set up (messages name it; see docs/deploy.md).
PROVISION_HINT = "store-client provision --hq URL --code CODE"
ENV_VAR = "STORE_CLIENT_CONFIG"
LOCALES = ("zh_CN", "en")
PRINTER_KINDS = ("none", "dummy", "file", "network", "usb", "serial", "win32raw")


class ConfigError(Exception):
    """A configuration problem, phrased for store IT."""

    def __init__(self, path: Path | None, key: str | None, problem: str) -> None:
        self.path, self.key, self.problem = path, key, problem
        where = f"{path}" if path else "configuration"
        what = f": key '{key}'" if key else ""
        super().__init__(f"{where}{what}: {problem}")


@dataclass(frozen=True)
class Setting:
    key: str  # dotted: "section.name"
    type: type
    default: Any  # REQUIRED means the file must give it
    check: Callable[[Any], str | None] = lambda _v: None  # returns a problem or None
    doc: str = ""


REQUIRED = object()


def _one_of(options: tuple[str, ...]) -> Callable[[Any], str | None]:
    return lambda v: None if v in options else f"must be one of {', '.join(options)} (got {v!r})"


def _between(lo: int, hi: int) -> Callable[[Any], str | None]:
    return lambda v: None if lo <= v <= hi else f"must be between {lo} and {hi} (got {v})"


def _int_in(options: tuple[int, ...]) -> Callable[[Any], str | None]:
    allowed = " or ".join(str(o) for o in options)
    return lambda v: None if v in options else f"must be {allowed} (got {v})"


def _identifier(v: str) -> str | None:
    if not v or len(v) > 32 or not all(c.isalnum() or c in "-_" for c in v):
        return f"must be 1-32 letters, digits, '-' or '_' (got {v!r})"
    return None


def _codes(v: list) -> str | None:
    if not all(isinstance(c, str) and 0 < len(c) <= 32 for c in v):
        return f"must be a list of category codes (got {v!r})"
    return None


def _url(v: str) -> str | None:
    if v and not v.startswith(("http://", "https://")):
        return f"must start with http:// or https:// (got {v!r})"
    return None


SETTINGS: tuple[Setting, ...] = (
    Setting("store.store_id", str, REQUIRED, _identifier, "Store code as known to HQ"),
    Setting("store.terminal_id", str, REQUIRED, _identifier, "Terminal (till) code within the store"),
    Setting("store.name", str, "", doc="Store name printed on receipts"),
    Setting("store.time_zone", str, "Asia/Shanghai", zone_problem,
            "Time zone of every time shown, printed or reported (stored times stay UTC)"),
    Setting("hq.url", str, "", _url, "HQ base URL; empty runs offline"),
    Setting("hq.timeout_seconds", int, 10, _between(1, 120)),
    Setting("hq.token_store", str, "keyring", _one_of(("keyring", "file")),
            "Where the HQ token is kept: the OS keyring, or a file only the till's account reads"),
    Setting("ui.locale", str, "zh_CN", _one_of(LOCALES), "Display language"),
    Setting("ui.idle_lock_seconds", int, 300, _between(15, 86_400), "Lock after inactivity"),
    Setting("ui.fullscreen", bool, False, doc="Kiosk: full screen at the counter; off: a window "
            "fitted to the screen"),
    Setting("money.currency", str, "CNY", _one_of(("CNY", "HKD", "USD", "EUR"))),
    Setting("printer.kind", str, "none", _one_of(PRINTER_KINDS)),
    Setting("printer.profile", str, "TM-T88V", doc="python-escpos capability profile"),
    Setting("printer.paper_mm", int, 80, _int_in((58, 80)), "Paper width: 58 or 80 mm"),
    Setting("printer.encoding", str, "gb18030", doc="gb18030 for Chinese printers, or a code page"),
    Setting("printer.host", str, ""),
    Setting("printer.port", int, 9100, _between(1, 65535)),
    Setting("printer.device", str, "", doc="Serial port, file path or Windows printer name"),
    Setting("printer.usb_vendor_id", int, 0, _between(0, 0xFFFF)),
    Setting("printer.usb_product_id", int, 0, _between(0, 0xFFFF)),
    Setting("printer.drawer_pin", int, 2, _int_in((2, 5)), "Cash drawer kick pin"),
    Setting("printer.columns", int, 0, _between(0, 80),
            "Font A columns per line; 0 = from the printer profile (e.g. 42 on a TM-T88V)"),
    Setting("printer.dots", int, 0, _between(0, 1024),
            "Printable width in dots; 0 = from the printer profile and paper"),
    Setting("scanner.max_key_interval_ms", int, 35, _between(5, 500), "Wedge burst: max gap between keys"),
    Setting("scanner.min_length", int, 6, _between(1, 64), "Wedge burst: shortest code"),
    Setting("scanner.serial_port", str, "", doc="Serial scanner port; empty for keyboard wedge only"),
    Setting("scanner.serial_suffix", str, "\r"),
    Setting("data.dir", str, "", doc="Data directory; empty uses the platform data folder"),
    Setting("demo.enabled", bool, False, doc="Demo mode shows demo PINs on the login screen"),
    Setting("checkout.max_quantity", int, 999, _between(1, 100_000), "Most units on one line"),
    Setting("checkout.cashier_discount_limit_bp", int, 0, _between(0, 10_000),
            "Manual discount (basis points of the net) given without a manager; 0: always ask"),
    Setting("checkout.cash_max_fen", int, 5_000_000, _between(100, 1_000_000_000),
            "Most cash accepted in one sale, in fen"),
    Setting("aisle.lead_days_store", int, 1, _between(0, 60),
            "Endless aisle: days promised for an item ordered from another store"),
    Setting("aisle.lead_days_warehouse", int, 2, _between(0, 60),
            "Endless aisle: days promised for an item ordered from a warehouse"),
    Setting("aisle.lead_days_sites", str, "", _aisle_sites,
            "Endless aisle: lead days of particular sites, e.g. S002:1,W01:3 (else by kind)"),
    Setting("returns.window_days", int, 30, _between(1, 3650),
            "Days after a sale or an online order's collection that it may be returned"),
    Setting("returns.channel_window_days", dict, {}, lambda v: settings_problem(v, keys="channel"),
            "Days per channel, overriding returns.window_days: { store = 30, online = 15 }"),
    Setting("returns.category_window_days", dict, {}, lambda v: settings_problem(v, keys="category"),
            "Days per category (or CODE:store / CODE:online), overriding the channel's: { FOOD = 7 }"),
    Setting("returns.non_returnable", list, [], _codes,
            "Category codes never returned unless a manager overrides it: [\"UNDERWEAR\", \"GIFTCARD\"]"),
    Setting("returns.online_cash", str, "approval", _one_of(("never", "approval")),
            "An online order's refund in cash instead of back to its payment: never, or with a "
            "second person's approval"),
    Setting("returns.no_receipt_refund", str, "store_credit", _one_of(("store_credit", "cash", "either")),
            "A return without receipt or member refunds as store credit, cash, or either (the cashier asks)"),
    Setting("returns.no_receipt_max_fen", int, 50_000, _between(100, 100_000_000),
            "Most one return without receipt may refund, in fen"),
    Setting("returns.no_receipt_day_max_fen", int, 200_000, _between(100, 1_000_000_000),
            "Most this till refunds without receipt in one store day, in fen"),
    Setting("points.earn_fen_per_point", int, 100, _between(1, 1_000_000),
            "Fen paid (with money) per point earned: 100 = 1 point per 1 CNY"),
    Setting("points.redeem_points", int, 100, _between(1, 1_000_000), "Points redeemed ..."),
    Setting("points.redeem_value_fen", int, 100, _between(1, 1_000_000), "... for this many fen"),
    Setting("members.receipt_link_days", int, 30, _between(0, 365),
            "A receipt of a sale without a member carries a QR to join for this many days (the "
            "sale's points go to the new member once); 0: no QR"),
    Setting("members.cache_days", int, 180, _between(1, 3650),
            "A member not served at this till for this many days leaves its member cache"),
    Setting("members.cache_max", int, 1_000_000, _between(100, 10_000_000),
            "Most members the till's cache holds for offline service (the longest unserved go first)"),
    Setting("shift.cash_movement_limit_fen", int, 50_000, _between(0, 100_000_000),
            "A shift's pay-ins (or pay-outs) adding up to more than this (fen) need a "
            "manager's approval; 0: always"),
    Setting("shift.required", bool, True,
            doc="Sales and refunds need an open shift (a till with a cash drawer)"),
    Setting("shift.variance_tolerance_fen", int, 500, _between(0, 1_000_000),
            "Over/short at close beyond this (fen) needs a reason and a manager's approval"),
)
_BY_KEY = {s.key: s for s in SETTINGS}


@dataclass(frozen=True)
class Config:
    """Validated settings. ``values`` maps dotted keys to typed values."""

    path: Path | None
    values: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    @property
    def store_id(self) -> str:
        return self.values["store.store_id"]

    @property
    def terminal_id(self) -> str:
        return self.values["store.terminal_id"]

    @property
    def locale(self) -> str:
        return self.values["ui.locale"]

    @property
    def time_zone(self) -> str:
        return self.values["store.time_zone"]

    @property
    def currency(self) -> str:
        return self.values["money.currency"]

    @property
    def demo(self) -> bool:
        return self.values["demo.enabled"]

    @property
    def data_dir(self) -> Path:
        configured = self.values["data.dir"]
        if configured:
            path = Path(configured).expanduser()
            if not path.is_absolute() and self.path is not None:
                path = self.path.parent / path
            return path
        return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))

    @property
    def database_path(self) -> Path:
        return self.data_dir / "terminal.sqlite3"


def default_config_path() -> Path:
    if sys.platform == "win32":
        base = platformdirs.site_config_dir(APP_NAME, appauthor=False)
    else:
        base = platformdirs.user_config_dir(APP_NAME, appauthor=False)
    return Path(base) / "config.toml"


def locate(cli_path: str | os.PathLike[str] | None = None) -> Path:
    if cli_path:
        return Path(cli_path)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return default_config_path()


def load(cli_path: str | os.PathLike[str] | None = None) -> Config:
    """Find, read and validate the configuration file."""
    path = locate(cli_path)
    if not path.exists():
        raise ConfigError(
            path, None,
            f"file not found. Provision this PC with '{PROVISION_HINT}', create it with "
            f"'store-client config init --path {path}', or point {ENV_VAR} / --config at an "
            "existing file",
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read file ({exc.strerror})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(path, None, "file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, None, f"not valid TOML ({exc})") from None
    return from_mapping(data, path)


def from_mapping(data: dict[str, Any], path: Path | None = None) -> Config:
    """Validate a parsed TOML document; unknown keys are errors (typos must not pass)."""
    values: dict[str, Any] = {}
    seen: set[str] = set()
    for section, content in data.items():
        if not isinstance(content, dict):
            raise ConfigError(path, section, "must be a [section] table")
        for name, value in content.items():
            key = f"{section}.{name}"
            setting = _BY_KEY.get(key)
            if setting is None:
                raise ConfigError(path, key, "unknown setting (check the spelling)")
            values[key] = _check(setting, value, path)
            seen.add(key)
    for setting in SETTINGS:
        if setting.key in seen:
            continue
        if setting.default is REQUIRED:
            raise ConfigError(path, setting.key, "missing; this setting is required")
        values[setting.key] = setting.default
    return Config(path=path, values=values)


def _check(setting: Setting, value: Any, path: Path | None) -> Any:
    expected = setting.type
    if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(path, setting.key, f"must be a whole number (got {value!r})")
    if expected is not int and not isinstance(value, expected):
        raise ConfigError(path, setting.key, f"must be a {expected.__name__} (got {value!r})")
    problem = setting.check(value)
    if problem:
        raise ConfigError(path, setting.key, problem)
    return value


def render(values: dict[str, Any]) -> str:
    """Write a TOML document for ``values`` (dotted keys), grouped by section."""
    sections: dict[str, list[str]] = {}
    for key, value in values.items():
        section, name = key.split(".", 1)
        sections.setdefault(section, []).append(f"{name} = {_toml_value(value)}")
    return "\n\n".join(f"[{s}]\n" + "\n".join(lines) for s, lines in sections.items()) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_value(str(k))} = {_toml_value(v)}" for k, v in value.items()) + " }"
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r").replace("\n", "\\n")
    return f'"{escaped}"'


def template(store_id: str = "S001", terminal_id: str = "T01", **overrides: Any) -> str:
    """A starter config with the required keys and the commonly changed ones."""
    values: dict[str, Any] = {
        "store.store_id": store_id,
        "store.terminal_id": terminal_id,
        "store.name": "",
        "hq.url": "",
        "ui.locale": "zh_CN",
        "ui.idle_lock_seconds": 300,
        "printer.kind": "none",
        "printer.paper_mm": 80,
        "data.dir": "",
    }
    values.update(overrides)
    return render(values)
