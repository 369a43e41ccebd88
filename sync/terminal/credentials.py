"""The terminal's HQ token, kept in the OS keyring (never in the config file or logs).

Keyring picks the platform store: Windows Credential Manager on counter PCs,
Secret Service / KWallet on Linux. Tests install an in-memory backend.
"""

from __future__ import annotations

import keyring
from keyring.errors import KeyringError

SERVICE = "store-client-hq"


class CredentialsMissing(Exception):
    pass


def _user(store_id: str, terminal_id: str) -> str:
    return f"{store_id}/{terminal_id}"


def save_token(store_id: str, terminal_id: str, token: str) -> None:
    if not token or any(c.isspace() for c in token):
        raise ValueError("a token is one word without spaces")
    keyring.set_password(SERVICE, _user(store_id, terminal_id), token)


def load_token(store_id: str, terminal_id: str) -> str:
    try:
        token = keyring.get_password(SERVICE, _user(store_id, terminal_id))
    except KeyringError as exc:
        raise CredentialsMissing(f"the OS keyring cannot be read ({type(exc).__name__})") from None
    if not token:
        raise CredentialsMissing(
            f"no HQ token for terminal {store_id}/{terminal_id}; store IT sets it with "
            "'store-client sync set-token'")
    return token


def delete_token(store_id: str, terminal_id: str) -> None:
    try:
        keyring.delete_password(SERVICE, _user(store_id, terminal_id))
    except KeyringError:
        pass
