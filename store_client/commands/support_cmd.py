"""``store-client support-bundle``: one archive for a support ticket.

It holds the log files (redacted again on the way in), the doctor's report as JSON,
and the effective configuration. Never the HQ token, the enrollment claim, the
database or a backup: a ticket travels by e-mail.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from store_client import __version__
from store_client import config as cfg

SECRET_WORDS = ("token", "password", "secret", "claim", "key")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("support-bundle",
                                   help="write one archive (logs, doctor report, config) for support")
    parser.add_argument("--out", metavar="FILE", help="archive to write (default: in this folder)")
    parser.add_argument("--offline", action="store_true", help="do not contact HQ for the report")
    parser.set_defaults(handler=_bundle)


def safe_config(config: cfg.Config) -> dict[str, object]:
    """Every effective setting; a value whose key names a secret is replaced."""
    return {key: "[redacted]" if any(w in key.split(".")[-1] for w in SECRET_WORDS)
            and key != "hq.token_store" else value for key, value in config.values.items()}


def write_bundle(target: Path, config_path: Path, *, offline: bool = False) -> Path:
    from store_client import logs
    from store_client.doctor.runner import diagnose

    report = diagnose(config_path, offline=offline, hq_timeout=3.0)
    try:
        config_text = cfg.render(safe_config(cfg.load(config_path)))
    except cfg.ConfigError as exc:
        config_text = f"# the configuration cannot be used: {exc}\n"
    about = {"store_client": __version__, "python": platform.python_version(),
             "platform": platform.platform(), "frozen": bool(getattr(sys, "frozen", False)),
             "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
             "config_path": str(config_path), "log_dir": str(logs.log_dir())}
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("about.json", json.dumps(about, ensure_ascii=False, indent=2))
        archive.writestr("doctor.json", report.to_json())
        archive.writestr("doctor.txt", report.to_text())
        archive.writestr("config.toml", logs.redact(config_text))
        for path in logs.log_files():
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            archive.writestr(f"logs/{path.name}", logs.redact(text))
    return target


def _bundle(args: argparse.Namespace) -> int:
    config_path = cfg.locate(args.config)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = Path(args.out) if args.out else Path.cwd() / f"store-client-support-{stamp}.zip"
    print(write_bundle(target, config_path, offline=args.offline))
    return 0
