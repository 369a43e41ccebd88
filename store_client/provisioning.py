"""Provisioning a counter PC in one step (``store-client provision --hq URL --code CODE``).

Order matters for safety: everything that can be refused or fail locally (the
code's terminal against this PC's configuration, the keyring, the instance lock,
the database migration) happens *before* the one-time code is used, so a refusal
leaves the code usable. The PC keeps a random ``claim`` beside its configuration
before it uses the code; HQ lets the same claim use the code again (a new token),
so a run interrupted at any point is finished by running the same command again:
the pull resumes from its saved cursors.

Qt-free; the command module draws the progress bar from the :class:`Progress` calls.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from store_client import config as cfg
from store_client.bootstrap import Terminal, open_terminal
from store_client.doctor.result import CheckResult, Context, Status, fail, ok, warn
from sync.protocol.datasets import DATASETS

log = logging.getLogger(__name__)
#: Staff and settings first (a till can sign in), then the catalogue and the rest.
FIRST = ("operators", "store_settings", "catalog", "prices")
PULL_ORDER = FIRST + tuple(name for name in DATASETS if name not in FIRST)


class ProvisionRefused(Exception):
    """Provisioning stopped before changing anything it should not; the message says why."""


class Progress(Protocol):
    def begin(self, totals: dict[str, int]) -> None: ...
    def advance(self, dataset: str, rows: int) -> None: ...
    def end(self) -> None: ...


@dataclass
class Plan:
    hq_url: str
    code: str | None  # None: finish a PC that already has its token
    config_path: Path
    token_store: str | None = None  # "keyring" / "file"; None keeps the config's
    data_dir: str | None = None


@dataclass
class Outcome:
    config: cfg.Config
    used_code: bool
    pulled: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    readiness: list[CheckResult] = field(default_factory=list)

    @property
    def ready_to_sell(self) -> bool:
        return not self.errors and all(r.status is not Status.FAIL for r in self.readiness)


def claim_file(config_path: Path) -> Path:
    return config_path.with_name(config_path.name + ".enrollment")


def _load_claim(path: Path, hq_url: str, code: str) -> str:
    """The claim this PC used for this code at this HQ, or a new one (written 0600 first)."""
    digest = hashlib.sha256(f"{hq_url}\n{code}".encode()).hexdigest()
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        if saved.get("for") == digest and isinstance(saved.get("claim"), str):
            return saved["claim"]
    except (OSError, ValueError, AttributeError):
        pass
    claim = secrets.token_urlsafe(24)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"for": digest, "claim": claim}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    return claim


def _file_values(path: Path) -> dict[str, Any]:
    """The settings the file itself gives (dotted keys), so a rewrite keeps IT's choices
    and does not spell out every default."""
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {f"{section}.{name}": value for section, table in data.items()
            if isinstance(table, dict) for name, value in table.items()}


def _write_config(path: Path, values: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(cfg.render(values))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _normalize_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or len(url) < 10:
        raise ProvisionRefused(f"--hq must be HQ's address, starting with https:// (got {url!r})")
    return url


def provision(plan: Plan, progress: Progress) -> Outcome:
    from sync.terminal import enrollment
    from sync.terminal.credentials import (
        NO_KEYRING_HINT,
        CredentialsMissing,
        CredentialsUnavailable,
        keyring_backend,
        token_store,
    )

    url = _normalize_url(plan.hq_url)
    existing = cfg.load(plan.config_path) if plan.config_path.exists() else None
    values = _file_values(plan.config_path) if existing else {}
    claim = None
    info: dict[str, Any] | None = None
    if plan.code is not None:
        claim = _load_claim(claim_file(plan.config_path), url, plan.code)
        try:
            info = enrollment.check_code(url, plan.code, claim)
        except enrollment.EnrollmentError as exc:
            raise ProvisionRefused(str(exc)) from None
        if info["used"] and not info["claimed_by_you"]:
            raise ProvisionRefused("this code was already used by another PC; ask HQ's admin "
                                   "for a new one ('store-client hq terminals enroll')")
        identity = (info["store_id"], info["terminal_id"])
        if existing is not None and (existing.store_id, existing.terminal_id) != identity:
            raise ProvisionRefused(
                f"this PC is already provisioned as terminal {existing.store_id}/"
                f"{existing.terminal_id} ({plan.config_path}); the code is for "
                f"{identity[0]}/{identity[1]}. To reuse this PC for another terminal, first sync "
                "it ('store-client sync now' must leave nothing waiting), then move its "
                "configuration file and data folder aside; see docs/deploy.md.")
        values.update({"store.store_id": identity[0], "store.terminal_id": identity[1]})
    elif existing is None:
        raise ProvisionRefused(f"no configuration at {plan.config_path}: a new PC needs --code")
    values["hq.url"] = url
    if plan.token_store:
        values["hq.token_store"] = plan.token_store
    if plan.data_dir:
        values["data.dir"] = plan.data_dir
    config = cfg.from_mapping(_nest(values), plan.config_path)
    store = token_store(config)
    if config["hq.token_store"] == "keyring" and not keyring_backend()[1]:
        raise ProvisionRefused(NO_KEYRING_HINT)
    if plan.code is None:
        try:
            token = store.load()
        except CredentialsMissing as exc:
            raise ProvisionRefused(f"{exc}; run provision again with a new --code") from None
    log.info("provisioning terminal %s/%s from %s (token in %s)", config.store_id,
             config.terminal_id, url, config["hq.token_store"])
    terminal = open_terminal(config)  # the instance lock, then the migrations
    try:
        totals: dict[str, int] = {}
        if plan.code is not None:
            assert claim is not None
            try:
                answer = enrollment.redeem_code(url, plan.code, claim)
            except enrollment.EnrollmentError as exc:
                raise ProvisionRefused(str(exc)) from None
            token = answer["token"]
            try:
                store.save(token)
            except CredentialsUnavailable as exc:
                raise ProvisionRefused(f"{exc} Then run the same command again.") from None
            log.info("enrollment code used; the terminal's token is stored")
            totals = {k: int(v) for k, v in answer["datasets"].items() if k in PULL_ORDER}
        _write_config(plan.config_path, values)
        outcome = Outcome(config=config, used_code=plan.code is not None)
        _pull(terminal, url, token, totals, progress, outcome)
        outcome.readiness = readiness(terminal)
        log.info("provisioned: pulled %s; errors %s; readiness %s", outcome.pulled,
                 outcome.errors or "none",
                 ", ".join(f"{r.check}={r.status.label}" for r in outcome.readiness))
        return outcome
    finally:
        terminal.close()


def _nest(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    nested: dict[str, dict[str, Any]] = {}
    for key, value in values.items():
        section, name = key.split(".", 1)
        nested.setdefault(section, {})[name] = value
    return nested


def _pull(terminal: Terminal, url: str, token: str, totals: dict[str, int], progress: Progress,
          outcome: Outcome) -> None:
    from sync.terminal.puller import Puller
    from sync.terminal.transport import HQClient, TransientError

    config = terminal.config
    progress.begin(totals)
    try:
        with HQClient(url, token, timeout=float(config["hq.timeout_seconds"]),
                      clock=terminal.clock) as client:
            puller = Puller(terminal.db, client, datasets=list(PULL_ORDER),
                            clock=terminal.clock, on_page=progress.advance)
            for name in PULL_ORDER:
                result = puller.pull(name)
                outcome.pulled[name] = result.applied
                if result.error:
                    outcome.errors[name] = result.error
    except TransientError as exc:
        raise ProvisionRefused(f"HQ stopped answering during the download ({exc}); run the "
                               "same command again to resume where it stopped") from None
    finally:
        progress.end()


def readiness(terminal: Terminal) -> list[CheckResult]:
    """What the till has to work with, for the closing summary."""
    from sqlalchemy import func, select

    from store_client.doctor.devices import check_printer, check_scanner
    from store_client.persistence.models import Operator, Product, SyncRow

    with terminal.db.read() as session:
        operators = session.scalar(select(func.count()).select_from(Operator)
                                   .where(Operator.active.is_(True))) or 0
        products = session.scalar(select(func.count()).select_from(Product)
                                  .where(Product.active.is_(True))) or 0
        settings = session.scalar(select(func.count()).select_from(SyncRow)
                                  .where(SyncRow.dataset == "store_settings")) or 0
    store = terminal.config.store_id
    results = [
        ok("operators", f"{operators} operator(s) can sign in") if operators else
        fail("operators", "no operators: nobody can sign in",
             f"add the store's staff for {store} at HQ, then run 'store-client sync now'"),
        ok("catalog", f"{products:,} product(s) in the catalogue") if products else
        fail("catalog", "the catalogue is empty: nothing can be sold",
             "publish the catalogue at HQ, then run 'store-client sync now'"),
        ok("settings", f"{settings} store setting(s)") if settings else
        warn("settings", "no store settings from HQ (receipt header and footer are blank)",
             f"publish store_settings for {store} at HQ, then run 'store-client sync now'"),
    ]
    ctx = Context(config_path=terminal.config.path or Path(), config=terminal.config)
    results += [check_printer(ctx), check_scanner(ctx)]
    return results


def missing_setup(terminal: Terminal) -> list[str]:
    """What an unprovisioned till lacks, for its sign-in window: any of ``hq``, ``token``,
    ``operators``, ``catalog``. A till with staff and products but no HQ address is
    offline by choice, not missing anything. Reads the database and the token store: run
    it off the UI thread."""
    from sqlalchemy import func, select

    from store_client.persistence.models import Operator, Product

    missing = []
    with terminal.db.read() as session:
        if not session.scalar(select(func.count()).select_from(Operator)
                              .where(Operator.active.is_(True))):
            missing.append("operators")
        if not session.scalar(select(Product.id).where(Product.active.is_(True)).limit(1)):
            missing.append("catalog")
    config = terminal.config
    if config["hq.url"]:
        from sync.terminal.credentials import CredentialsMissing, token_store

        try:
            token_store(config).load()
        except CredentialsMissing:
            missing.insert(0, "token")
    elif missing:
        missing.insert(0, "hq")
    return missing
