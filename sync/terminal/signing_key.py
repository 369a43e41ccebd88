"""The terminal's own signing key: made once, kept in the data folder, registered with HQ.

The private key never leaves this PC; HQ receives the public half over the terminal's
authenticated channel and publishes it, so HQ and any store can check what this till
signs (enrollment links now, receipt QRs later). The file is readable by the till's
account only (0600 on POSIX; on Windows the data folder's ACL is the guard).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from sync.protocol.signing import SignatureError, SigningKey

FILE_NAME = "signing-key.json"


class KeyFileError(Exception):
    """The key file exists but cannot be used; never silently replaced (signed links and
    receipts made with it must stay checkable)."""


def load_or_create(data_dir: Path, store_id: str, terminal_id: str) -> SigningKey:
    path = data_dir / FILE_NAME
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            key = SigningKey.from_raw(data["kid"], data["key"])
        except (OSError, ValueError, KeyError, TypeError, SignatureError) as exc:
            raise KeyFileError(f"{path}: the terminal's signing key cannot be read ({exc}); "
                               "restore it from backup or move it away to make a new one") from None
        if not key.kid.startswith(f"{store_id}-{terminal_id}-"):
            raise KeyFileError(f"{path} holds the key of another terminal ({key.kid})")
        return key
    key = SigningKey.generate(f"{store_id}-{terminal_id}-{secrets.token_hex(4)}")
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"kid": key.kid, "key": key.raw()}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return key
