"""The versions on a PC and applying an upgrade package to them.

Layout (the .deb installs it so): ``<root>/versions/<version>/`` holds each version's
folder and ``<root>/current`` is a symbolic link to the one that runs (``/usr/bin/
store-client`` points through it). Switching is one atomic rename of a new link, so a
power cut leaves either the old or the new version current, never neither.

Applying: verify the package (signature first) -> the till is closed, the shift closed
with its Z report, nothing waiting for HQ -> back up the database -> unpack the new
version beside the old -> the new version migrates and runs its self-test -> switch. If
the self-test fails or cannot run, the database backup is put back, the new folder is
removed, the old version stays current, and the reason is kept in
``<data>/upgrade-status.json`` (``store-client upgrade status``).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from store_client.config import Config
from store_client.upgrade.package import Manifest, PackageRefused, extract_payload, verify

log = logging.getLogger(__name__)
SELF_TEST_TIMEOUT = 300
STATUS_FILE = "upgrade-status.json"


class UpgradeRefused(Exception):
    """The upgrade did not start; nothing changed."""


class UpgradeRolledBack(Exception):
    """The new version failed; the previous version and database are back."""


@dataclass(frozen=True)
class Installation:
    root: Path

    @property
    def versions(self) -> Path:
        return self.root / "versions"

    @property
    def link(self) -> Path:
        return self.root / "current"

    def current_version(self) -> str | None:
        try:
            return Path(os.readlink(self.link)).name
        except OSError:
            return None

    def executable(self, version: str) -> Path:
        name = "store-client.exe" if sys.platform == "win32" else "store-client"
        return self.versions / version / name

    def switch(self, version: str) -> None:
        tmp = self.root / "current.new"
        tmp.unlink(missing_ok=True)
        os.symlink(Path("versions") / version, tmp)
        os.replace(tmp, self.link)


def _preconditions(config: Config) -> tuple[Path, str | None]:
    """The till closed, the shift closed with its Z report, the outbox empty; then the
    database backup. Returns (backup, schema revision before)."""
    from sqlalchemy import func, select

    from store_client.bootstrap import open_existing
    from store_client.persistence import migrate
    from store_client.persistence.lock import AlreadyRunning
    from store_client.persistence.models import OutboxEvent, Shift

    try:
        terminal = open_existing(config)
    except AlreadyRunning:
        raise UpgradeRefused("the till is running: close it first") from None
    try:
        with terminal.db.read() as session:
            open_shift = session.scalar(select(Shift.shift_no).where(Shift.status == "open"))
            waiting = session.scalar(select(func.count()).select_from(OutboxEvent)
                                     .where(OutboxEvent.status == "pending")) or 0
        if open_shift:
            raise UpgradeRefused(f"shift {open_shift} is open: close it with its Z report first")
        if waiting:
            raise UpgradeRefused(f"{waiting} event(s) still wait for HQ: run 'store-client sync "
                                 "now' until nothing waits")
        revision = migrate.current_revision(terminal.db.engine)
        backup = migrate.backup(terminal.db.engine, config.database_path,
                                f"pre-upgrade-rev{revision}")
    finally:
        terminal.close()
    return backup, revision


def _restore(config: Config, backup: Path) -> None:
    database = config.database_path
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    tmp = database.with_name(database.name + ".restore")
    shutil.copyfile(backup, tmp)
    os.replace(tmp, database)


def _write_status(config: Config, **facts: object) -> None:
    facts["at"] = datetime.now(UTC).isoformat(timespec="seconds")
    (config.data_dir / STATUS_FILE).write_text(json.dumps(facts, indent=2), encoding="utf-8")


def read_status(config: Config) -> dict | None:
    try:
        return json.loads((config.data_dir / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


Runner = Callable[..., subprocess.CompletedProcess]


def apply(installation: Installation, package: Path, config: Config, *, key=None,  # type: ignore[no-untyped-def]
          run: Runner = subprocess.run) -> Manifest:
    """Install ``package`` as the current version, or roll back; see the module's docstring."""
    try:
        manifest = verify(package, key)
    except PackageRefused as exc:
        raise UpgradeRefused(f"package refused: {exc}") from None
    before = installation.current_version()
    if manifest.version == before:
        raise UpgradeRefused(f"version {before} is already the current one")
    if config.path is None:
        raise UpgradeRefused("the configuration file is needed for the new version's self-test")
    backup, revision = _preconditions(config)
    log.info("upgrade %s -> %s: database backed up to %s", before, manifest.version, backup)
    target = installation.versions / manifest.version
    staging = target.with_name(target.name + ".partial")
    for leftover in (staging, target):
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        staging.mkdir(parents=True)
        extract_payload(package, staging)
        os.replace(staging, target)
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        done = run([str(installation.executable(manifest.version)), "--config", str(config.path),
                    "upgrade", "self-test"], capture_output=True, text=True,
                   timeout=SELF_TEST_TIMEOUT, env=env)
        if done.returncode != 0:
            tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
            raise RuntimeError(f"the new version's self-test failed (exit {done.returncode}): "
                               + " | ".join(tail))
    except Exception as exc:  # noqa: BLE001 - every failure rolls back the same way
        _restore(config, backup)
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(target, ignore_errors=True)
        reason = f"{exc}" if isinstance(exc, (RuntimeError, PackageRefused)) else \
            f"{type(exc).__name__}: {exc}"
        _write_status(config, result="rolled_back", previous=before, attempted=manifest.version,
                      reason=reason, database_backup=str(backup))
        log.error("upgrade to %s rolled back: %s", manifest.version, reason)
        raise UpgradeRolledBack(f"upgrade to {manifest.version} rolled back: {reason}. Version "
                                f"{before} and its database are back; the till sells as "
                                "before") from None
    installation.switch(manifest.version)
    _write_status(config, result="applied", previous=before, current=manifest.version,
                  schema_before=revision, database_backup=str(backup))
    log.info("upgrade applied: %s -> %s", before, manifest.version)
    return manifest
