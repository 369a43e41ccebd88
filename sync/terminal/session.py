"""Starting the background sync for a running terminal (Qt-free).

The token comes from the OS keyring, or from the private token file when the
configuration says so (``hq.token_store``). With no HQ URL configured the terminal
simply works offline; with a URL but no readable token it works offline too and
says why, so store IT can run ``store-client sync set-token``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from store_client.terminal_parts import TerminalParts
    from sync.terminal.transport import HQClient
    from sync.terminal.runner import SyncRunner


@dataclass(frozen=True)
class SyncStart:
    runner: SyncRunner | None
    problem: str | None  # why there is no runner, for the status bar and the log


def start_sync(terminal: TerminalParts, *, interval: float = 15.0) -> SyncStart:
    config = terminal.config
    url = config["hq.url"]
    if not url:
        return SyncStart(None, None)
    # keyring, httpx and the runner are imported only when there is an HQ to talk to
    from sync.terminal.credentials import CredentialsMissing, token_store
    from sync.terminal.runner import SyncRunner
    from sync.terminal.transport import HQClient

    try:
        token = token_store(config).load()
    except CredentialsMissing as exc:
        return SyncStart(None, str(exc))
    timeout = float(config["hq.timeout_seconds"])

    def client() -> HQClient:
        return HQClient(url, token, timeout=timeout, clock=terminal.clock)

    def signing_key():  # type: ignore[no-untyped-def]
        from sync.terminal.signing_key import load_or_create

        return load_or_create(config.data_dir, config.store_id, config.terminal_id)

    return SyncStart(SyncRunner(terminal.db, client, interval=interval, signing_key=signing_key).start(), None)


def hq_client_factory(terminal: TerminalParts) -> Callable[[], HQClient] | None:
    """New HQ clients for on-demand questions (a member at the counter), or None when no HQ
    is configured or its token cannot be read (the till then works from what it has)."""
    config = terminal.config
    url = config["hq.url"]
    if not url:
        return None
    from sync.terminal.credentials import CredentialsMissing, token_store
    from sync.terminal.transport import HQClient

    try:
        token = token_store(config).load()
    except CredentialsMissing:
        return None
    timeout = float(config["hq.timeout_seconds"])
    return lambda: HQClient(url, token, timeout=timeout, clock=terminal.clock)


def use_memory_keyring_if_none() -> bool:
    """For throwaway demo processes on machines without a keyring service (a bare Linux box):
    keep the demo HQ's token in memory rather than fail. Returns True when it did so."""
    import keyring
    from keyring.backends import fail

    current = keyring.get_keyring()
    backends = getattr(current, "backends", None)
    if isinstance(current, fail.Keyring) or backends == []:
        from sync.terminal.memory_keyring import MemoryKeyring

        keyring.set_keyring(MemoryKeyring())
        return True
    return False
