"""Checks of this PC alone: configuration, database, disk, folder rights, token store,
fonts and translations, outbox and pulls. Read-only: none of them creates or migrates."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from store_client.doctor.result import CheckResult, Context, fail, ok, warn

PROVISION = "run 'store-client provision --hq URL --code CODE' (see docs/deploy.md)"
DISK_FAIL_BYTES = 200 * 1024 * 1024
DISK_WARN_BYTES = 1024 * 1024 * 1024
OUTBOX_WARN_AGE = timedelta(hours=1)
OUTBOX_FAIL_AGE = timedelta(hours=24)
PULL_WARN_AGE = timedelta(days=1)


def check_config(ctx: Context) -> CheckResult:
    if ctx.config is None:
        return fail("config", f"the configuration cannot be used: {ctx.config_error}",
                    "fix the named setting, or provision the PC: " + PROVISION,
                    path=str(ctx.config_path))
    config = ctx.config
    facts = {"path": str(config.path), "store": config.store_id, "terminal": config.terminal_id}
    if not config["hq.url"]:
        return warn("config", f"valid, but no HQ address: terminal {config.store_id}/"
                    f"{config.terminal_id} runs offline", "set [hq] url, or " + PROVISION, **facts)
    return ok("config", f"valid: terminal {config.store_id}/{config.terminal_id}, HQ "
              f"{config['hq.url']}", **facts)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=5)


def check_database(ctx: Context) -> CheckResult:
    from store_client.persistence.migrations import HEAD

    path = ctx.config.database_path
    if not path.is_file():
        return fail("database", f"no terminal database at {path}", PROVISION, path=str(path))
    try:
        conn = _connect_read_only(path)
        try:
            problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
            has_version = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                       "name = 'alembic_version'").fetchone()
            revision = (conn.execute("SELECT version_num FROM alembic_version").fetchone() or
                        [None])[0] if has_version else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return fail("database", f"{path} cannot be read as a database ({exc})",
                    "restore the newest backup beside it (docs/deploy.md, 'Restoring the "
                    "database'); keep the damaged file", path=str(path))
    facts = {"path": str(path), "revision": revision, "head": HEAD,
             "size_bytes": path.stat().st_size}
    if problems != ["ok"]:
        return fail("database", f"integrity check failed: {'; '.join(problems[:3])}",
                    "stop the till and restore the newest backup (docs/deploy.md)", **facts)
    if revision != HEAD:
        return warn("database", f"integrity ok, schema at revision {revision or 'none'}, this "
                    f"version needs {HEAD}", "run 'store-client db migrate' (it backs up first)",
                    **facts)
    return ok("database", f"integrity ok, schema revision {revision}", **facts)


def check_disk(ctx: Context) -> CheckResult:
    folder = ctx.config.data_dir
    probe = folder if folder.exists() else next((p for p in folder.parents if p.exists()), Path("/"))
    usage = shutil.disk_usage(probe)
    free_mb = usage.free // (1024 * 1024)
    facts = {"folder": str(probe), "free_bytes": usage.free, "total_bytes": usage.total}
    if usage.free < DISK_FAIL_BYTES:
        return fail("disk", f"only {free_mb} MB free for the data folder",
                    "free disk space now: a sale that cannot be written is refused", **facts)
    if usage.free < DISK_WARN_BYTES:
        return warn("disk", f"{free_mb} MB free for the data folder",
                    "free disk space (old backups beside the database can go to archive)", **facts)
    return ok("disk", f"{free_mb:,} MB free for the data folder", **facts)


def check_permissions(ctx: Context) -> CheckResult:
    folder = ctx.config.data_dir
    if not folder.is_dir():
        return fail("permissions", f"the data folder {folder} does not exist", PROVISION,
                    folder=str(folder))
    if not os.access(folder, os.R_OK | os.W_OK | os.X_OK):
        return fail("permissions", f"this account cannot write to the data folder {folder}",
                    "give the till's account ownership of the folder (Linux: chown -R; "
                    "Windows: folder Properties > Security)", folder=str(folder))
    database = ctx.config.database_path
    if database.exists() and not os.access(database, os.R_OK | os.W_OK):
        return fail("permissions", f"this account cannot write to {database}",
                    "give the till's account ownership of the database file", folder=str(folder))
    if sys.platform != "win32" and folder.stat().st_mode & stat.S_IWOTH:
        return warn("permissions", f"the data folder {folder} is writable by every account",
                    f"chmod o-w {folder}", folder=str(folder))
    return ok("permissions", f"the data folder {folder} is this account's to write",
              folder=str(folder))


def check_token_store(ctx: Context) -> CheckResult:
    from sync.terminal.credentials import (
        CredentialsMissing,
        CredentialsUnavailable,
        describe,
        keyring_backend,
        token_store,
    )

    config = ctx.config
    store = token_store(config)
    backend, usable = keyring_backend()
    facts = {"token_store": config["hq.token_store"], "keyring_backend": backend}
    if not config["hq.url"]:
        return ok("keyring", "no HQ configured: no token needed", **facts)
    if config["hq.token_store"] == "keyring" and not usable:
        from sync.terminal.credentials import NO_KEYRING_HINT

        return fail("keyring", f"no usable OS keyring ({backend})", NO_KEYRING_HINT, **facts)
    try:
        store.load()
    except CredentialsUnavailable as exc:
        return fail("keyring", str(exc).split(". ")[0], str(exc), **facts)
    except CredentialsMissing as exc:
        return fail("keyring", f"no HQ token in {describe(store)}",
                    f"{exc}; or " + PROVISION, **facts)
    return ok("keyring", f"the HQ token is in {describe(store)}", **facts)


def check_fonts(ctx: Context) -> CheckResult:
    """The bundled Chinese font and the translation of the configured language are present
    (a bundle that lost its data files shows boxes and English)."""
    from store_client.ui.resources_path import FONTS_DIR, TRANSLATIONS_DIR

    fonts = sorted(p.name for p in FONTS_DIR.glob("*.otf")) + sorted(p.name for p in FONTS_DIR.glob("*.ttf"))
    locale = ctx.config["ui.locale"] if ctx.config is not None else "zh_CN"
    qm = TRANSLATIONS_DIR / f"store_client_{locale}.qm"
    facts = {"fonts": fonts, "fonts_dir": str(FONTS_DIR), "locale": locale}
    if not fonts:
        return fail("fonts", f"no bundled font in {FONTS_DIR}: Chinese text would show as boxes",
                    "reinstall store-client (the package is incomplete)", **facts)
    if locale != "en" and not qm.is_file():
        return fail("fonts", f"the {locale} translation {qm.name} is missing",
                    "reinstall store-client (the package is incomplete)", **facts)
    return ok("fonts", f"{len(fonts)} bundled font(s); {locale} translation present", **facts)


def _read_db(ctx: Context):  # type: ignore[no-untyped-def]
    """The database for the outbox and pull checks, or None (the database check says why)."""
    from store_client.persistence.migrations import HEAD

    path = ctx.config.database_path
    if not path.is_file():
        return None
    try:
        conn = _connect_read_only(path)
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    if not revision or revision[0] != HEAD:
        conn.close()
        return None
    return conn


def check_outbox(ctx: Context) -> CheckResult:
    conn = _read_db(ctx)
    if conn is None:
        return warn("outbox", "not checked (the database is missing or not current)",
                    "fix the database check first")
    try:
        counts = dict(conn.execute("SELECT status, count(*) FROM outbox WHERE status IN "
                                   "('pending', 'rejected') GROUP BY status").fetchall())
        oldest = conn.execute("SELECT created_at, kind FROM outbox WHERE status = 'pending' "
                              "ORDER BY seq LIMIT 1").fetchone()
    finally:
        conn.close()
    pending, rejected = counts.get("pending", 0), counts.get("rejected", 0)
    facts: dict = {"pending": pending, "needs_attention": rejected}
    if rejected:
        return warn("outbox", f"{rejected} event(s) rejected by HQ need attention "
                    f"({pending} waiting)", "open Sync > Needs attention, fix the cause with HQ, "
                    "then 'store-client sync retry'", **facts)
    if not pending:
        return ok("outbox", "nothing waiting for HQ", **facts)
    age = datetime.now(UTC) - datetime.fromisoformat(oldest[0])
    facts.update(oldest_at=oldest[0], oldest_kind=oldest[1], oldest_age_s=int(age.total_seconds()))
    what = f"{pending} event(s) waiting; the oldest ({oldest[1]}) since {oldest[0]}"
    fix = "check the HQ checks above; the till keeps selling and sends them when HQ answers"
    if age >= OUTBOX_FAIL_AGE:
        return fail("outbox", what, fix, **facts)
    if age >= OUTBOX_WARN_AGE:
        return warn("outbox", what, fix, **facts)
    return ok("outbox", what, **facts)


def check_pulls(ctx: Context) -> CheckResult:
    from sync.protocol.datasets import DATASETS

    conn = _read_db(ctx)
    if conn is None:
        return warn("pulls", "not checked (the database is missing or not current)",
                    "fix the database check first")
    try:
        rows = {name: (updated, error) for name, updated, error in conn.execute(
            "SELECT dataset, updated_at, last_error FROM sync_cursors")}
    finally:
        conn.close()
    now = datetime.now(UTC)
    last = {name: rows.get(name, (None, None))[0] for name in DATASETS}
    errors = {name: err for name, (_u, err) in rows.items() if err}
    never = [name for name, at in last.items() if not at]
    stale = [name for name, at in last.items() if at and now - datetime.fromisoformat(at) > PULL_WARN_AGE]
    facts = {"last_pull": last, "errors": errors}
    if not ctx.config["hq.url"]:
        return ok("pulls", "no HQ configured: nothing is pulled", **facts)
    if errors:
        first = next(iter(errors))
        return warn("pulls", f"HQ's {first} data was refused: {errors[first][:200]}",
                    "report it to HQ (their data breaks a rule); the other data keeps syncing",
                    **facts)
    if never:
        return warn("pulls", f"never pulled: {', '.join(never)}",
                    "run 'store-client sync now' (or " + PROVISION + ")", **facts)
    if stale:
        return warn("pulls", f"not pulled for over a day: {', '.join(stale)}",
                    "check the HQ checks above, then 'store-client sync now'", **facts)
    oldest = min(last.values())  # type: ignore[type-var]
    return ok("pulls", f"every dataset pulled; the oldest pull at {oldest}", **facts)
