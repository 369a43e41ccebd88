"""The terminal's HQ token: in the OS keyring, or (an explicit choice) a private file.

Keyring picks the platform store: Windows Credential Manager on counter PCs,
Secret Service / KWallet on Linux. A headless or locked-down Linux PC often has
none; there ``hq.token_store = "file"`` keeps the token in a file that only the
till's account may read (mode 0600 in a 0700 folder, refused if anyone else can
read it, as ssh does with its keys). The token is never in the config file or logs.
Tests install an in-memory keyring backend.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

# keyring is imported where the keyring store is used: finding its backends reads every
# installed package's entry points (~70 ms), which a till keeping its token in a file, or
# asking at start-up whether it is set up, should not pay.

if TYPE_CHECKING:
    from store_client.config import Config

SERVICE = "store-client-hq"
TOKEN_FILE = "hq-token"
NO_KEYRING_HINT = (
    "This PC has no usable OS keyring (on Linux: no Secret Service or KWallet running and "
    "unlocked). Either start one for the till's account, or keep the token in a file only "
    "this account can read: set token_store = \"file\" under [hq] in the configuration "
    "(or pass --token-store file to 'store-client provision'); see docs/deploy.md.")


class CredentialsMissing(Exception):
    pass


class CredentialsUnavailable(CredentialsMissing):
    """The place the token is kept cannot be used at all (no keyring, unsafe file)."""


def _user(store_id: str, terminal_id: str) -> str:
    return f"{store_id}/{terminal_id}"


def _check_token(token: str) -> None:
    if not token or any(c.isspace() for c in token):
        raise ValueError("a token is one word without spaces")


def save_token(store_id: str, terminal_id: str, token: str) -> None:
    import keyring
    from keyring.errors import KeyringError

    _check_token(token)
    try:
        keyring.set_password(SERVICE, _user(store_id, terminal_id), token)
    except KeyringError as exc:
        raise CredentialsUnavailable(f"{NO_KEYRING_HINT} ({type(exc).__name__})") from None


def load_token(store_id: str, terminal_id: str) -> str:
    import keyring
    from keyring.errors import KeyringError

    try:
        token = keyring.get_password(SERVICE, _user(store_id, terminal_id))
    except KeyringError as exc:
        raise CredentialsUnavailable(f"{NO_KEYRING_HINT} ({type(exc).__name__})") from None
    if not token:
        raise CredentialsMissing(
            f"no HQ token for terminal {store_id}/{terminal_id}; store IT sets it with "
            "'store-client sync set-token' or 'store-client provision'")
    return token


def delete_token(store_id: str, terminal_id: str) -> None:
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.delete_password(SERVICE, _user(store_id, terminal_id))
    except KeyringError:
        pass


def keyring_backend() -> tuple[str, bool]:
    """(the backend's name, whether it can store anything)."""
    import keyring
    from keyring.backends import fail

    current = keyring.get_keyring()
    usable = not isinstance(current, fail.Keyring) and getattr(current, "backends", None) != []
    return f"{type(current).__module__}.{type(current).__name__}", usable


@dataclass(frozen=True)
class FileTokenStore:
    """One token in a file readable only by its owner."""

    path: Path

    def save(self, token: str) -> None:
        _check_token(token)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if sys.platform != "win32":
            os.chmod(self.path.parent, 0o700)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(token + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)

    def load(self) -> str:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            raise CredentialsMissing(
                f"no HQ token file {self.path}; store IT sets it with 'store-client sync "
                "set-token' or 'store-client provision'") from None
        if sys.platform != "win32":
            if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise CredentialsUnavailable(
                    f"the HQ token file {self.path} can be read by other accounts "
                    f"(mode {stat.filemode(info.st_mode)}); refusing to use it. Run "
                    f"'chmod 600 {self.path}' and ask HQ for a new token if it may have leaked.")
            if info.st_uid != os.getuid():
                raise CredentialsUnavailable(
                    f"the HQ token file {self.path} belongs to another account; it must be "
                    "owned by the account the till runs as")
        token = self.path.read_text(encoding="utf-8").strip()
        if not token:
            raise CredentialsMissing(f"the HQ token file {self.path} is empty")
        return token

    def delete(self) -> None:
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True)
class KeyringTokenStore:
    store_id: str
    terminal_id: str

    def save(self, token: str) -> None:
        save_token(self.store_id, self.terminal_id, token)

    def load(self) -> str:
        return load_token(self.store_id, self.terminal_id)

    def delete(self) -> None:
        delete_token(self.store_id, self.terminal_id)


TokenStore = FileTokenStore | KeyringTokenStore


def token_store(config: Config) -> TokenStore:
    """Where this terminal keeps its token, as its configuration says."""
    if config["hq.token_store"] == "file":
        return FileTokenStore(config.data_dir / TOKEN_FILE)
    return KeyringTokenStore(config.store_id, config.terminal_id)


def describe(store: TokenStore) -> str:
    if isinstance(store, FileTokenStore):
        return f"the private file {store.path}"
    return "the OS keyring"
