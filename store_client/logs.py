"""Log files for store IT: rotating, one line per event, JSON on request, nothing secret.

Where: ``$STORE_CLIENT_LOG_DIR``, else the platform log folder (Linux
``~/.local/state/store-client/log``, Windows ``%LOCALAPPDATA%\\store-client\\Logs``).
``store-client.log`` rotates at 5 MB and keeps 5 old files. ``logs.format = "json"``
in the configuration (or ``--log-json``) writes one JSON object per line instead.

Nothing secret reaches a file: every record passes :func:`redact`, which masks
bearer tokens and ``token=`` values, PINs given as ``pin=``, enrollment codes and
mainland mobile numbers (kept as ``138****5678``, as on receipts). Member names
cannot be recognised by a pattern, so the code never logs them (a test runs the
main flows and scans the files for each kind of secret).
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import re
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

APP_NAME = "store-client"
ENV_DIR = "STORE_CLIENT_LOG_DIR"
FILE_NAME = "store-client.log"
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 5
#: Libraries whose INFO lines are per request: a bootstrap would write thousands.
QUIET = ("httpx", "httpcore", "uvicorn.access", "alembic.runtime.migration", "PIL", "asyncio")

_PATTERNS = (
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+"), r"\1 [redacted]"),
    (re.compile(r"(?i)\b(token|password|secret|claim)(\s*[=:]\s*|\s+)(?!\[redacted\])[\"']?[A-Za-z0-9._~+/=-]{8,}[\"']?"),
     r"\1\2[redacted]"),
    (re.compile(r"(?i)\b(pin)(\s*[=:]\s*)[\"']?\d{3,12}[\"']?"), r"\1\2[redacted]"),
    (re.compile(r"\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-"
                r"[0-9A-HJKMNP-TV-Z]{4}\b"), "[enrollment code]"),
    (re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)"), r"\1****\2"),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def log_dir() -> Path:
    configured = os.environ.get(ENV_DIR)
    if configured:
        return Path(configured)
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


class LineFormatter(logging.Formatter):
    """``time level logger: message`` on one line; a traceback follows on the same line."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record)).replace("\r", "").replace("\n", " | ")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name,
                 "msg": redact(record.getMessage()), "pid": record.process,
                 "thread": record.threadName}
        if record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


_installed: logging.Handler | None = None
_lock = threading.Lock()


def setup(*, json_lines: bool = False, level: int = logging.INFO) -> Path | None:
    """Send this process's log records to the rotating file (once; a second call switches
    the format). Returns the file, or None when the folder cannot be written (then the
    records go to stderr as before: a log that cannot be written must not stop a till)."""
    global _installed
    folder = log_dir()
    path = folder / FILE_NAME
    with _lock:
        root = logging.getLogger()
        if _installed is not None:
            root.removeHandler(_installed)
            _installed.close()
            _installed = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if sys.platform != "win32":
                os.chmod(folder, 0o700)
            handler: logging.Handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
        except OSError as exc:
            print(f"store-client: cannot write logs to {folder} ({exc.strerror}); logging to "
                  "stderr", file=sys.stderr)
            return None
        handler.setFormatter(JsonFormatter() if json_lines else LineFormatter())
        handler.setLevel(level)
        root.addHandler(handler)
        if root.level > level or root.level == logging.NOTSET:
            root.setLevel(level)
        for name in QUIET:
            logging.getLogger(name).setLevel(logging.WARNING)
        _installed = handler
    _hook_uncaught()
    return path


def _hook_uncaught() -> None:
    """Crashes in the main thread or a worker thread end up in the log file, not only on a
    console nobody watches."""
    if getattr(sys.excepthook, "_store_client", False):
        return
    previous, previous_thread = sys.excepthook, threading.excepthook

    def excepthook(kind, value, tb):  # type: ignore[no-untyped-def]
        logging.getLogger("store_client").critical("uncaught exception", exc_info=(kind, value, tb))
        previous(kind, value, tb)

    def thread_hook(args):  # type: ignore[no-untyped-def]
        logging.getLogger("store_client").critical(
            "uncaught exception in thread %s", getattr(args.thread, "name", "?"),
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
        previous_thread(args)

    excepthook._store_client = True  # type: ignore[attr-defined]
    sys.excepthook = excepthook
    threading.excepthook = thread_hook


def log_files() -> list[Path]:
    """The current file and its rotations, oldest first."""
    folder = log_dir()
    return sorted(folder.glob(FILE_NAME + "*"), key=lambda p: p.stat().st_mtime)
