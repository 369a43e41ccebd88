"""``store-client db migrate|check|backup``: database care for store IT."""

from __future__ import annotations

import argparse

from store_client import config as cfg

# The database layer is imported by the actions, not here: every command's parser is built
# on the way to the till's sign-in window, which does not wait for SQLAlchemy.


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("db", help="migrate, check or back up the terminal database")
    sub = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    sub.add_parser("migrate", help="apply pending migrations (backs up first)").set_defaults(
        handler=_migrate)
    sub.add_parser("check", help="full integrity check (slow on a large catalog)").set_defaults(
        handler=_check)
    sub.add_parser("backup", help="write a consistent copy next to the database").set_defaults(
        handler=_backup)


def _migrate(args: argparse.Namespace) -> int:
    from store_client.bootstrap import open_terminal
    from store_client.persistence import migrate

    terminal = open_terminal(cfg.load(args.config))
    try:
        rev = migrate.current_revision(terminal.db.engine)
        taken = f" (backup: {terminal.migration_backup})" if terminal.migration_backup else ""
        print(f"{terminal.config.database_path}: at revision {rev}{taken}")
    finally:
        terminal.close()
    return 0


def _check(args: argparse.Namespace) -> int:
    from store_client.persistence import migrate
    from store_client.persistence.db import Database, DatabaseCorrupt

    config = _existing(args)
    db = Database(config.database_path)
    try:
        with db.engine.connect() as conn:
            problems = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
            rev = migrate.current_revision(db.engine)
    except Exception as exc:
        raise DatabaseCorrupt(config.database_path, str(getattr(exc, "orig", exc))) from None
    finally:
        db.close()
    if problems != ["ok"]:
        raise DatabaseCorrupt(config.database_path, "; ".join(problems[:5]))
    head = migrate.head_revision()
    state = "up to date" if rev == head else f"needs migration {rev} -> {head}"
    print(f"{config.database_path}: integrity ok, schema {state}")
    return 0


def _existing(args: argparse.Namespace) -> cfg.Config:
    """The configuration, if its database exists: checking or backing up a file that is
    not there must not create an empty one."""
    from store_client.bootstrap import DatabaseMissing

    config = cfg.load(args.config)
    if not config.database_path.is_file():
        raise DatabaseMissing(config.database_path)
    return config


def _backup(args: argparse.Namespace) -> int:
    from store_client.persistence import migrate
    from store_client.persistence.db import Database

    config = _existing(args)
    db = Database(config.database_path)
    try:
        print(migrate.backup(db.engine, config.database_path, "manual"))
    finally:
        db.close()
    return 0
