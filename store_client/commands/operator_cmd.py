"""``store-client operator list|add|unlock|set-pin``: operator accounts for store IT.

These act as store IT, audited as ``cli:<os user>`` with the IT admin role
(whoever can run them can already read the database file), or, with
``--as OPERATOR``, as that operator after their PIN: signed in, audited and
checked against their role like at the till. PINs are never taken on the command
line (other users could see them in the process list): they are asked twice
without echo, or read from standard input with ``--pin-stdin`` for scripts.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from store_client import config as cfg
from store_client.domain.roles import Role


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("operator", help="list, add, unlock operators or set a PIN")
    parser.add_argument("--as", dest="as_operator", metavar="OPERATOR",
                        help="act as this operator (asks for their PIN) instead of as store IT")
    sub = parser.add_subparsers(dest="operator_command", metavar="ACTION", required=True)
    sub.add_parser("list", help="every operator with role, state and lockout").set_defaults(
        handler=_list)

    add = sub.add_parser("add", help="create an operator (asks for the PIN)")
    add.add_argument("operator_id", help="1-16 letters or digits")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--pin-stdin", action="store_true", help="read the PIN from stdin")
    add.set_defaults(handler=_add)

    unlock = sub.add_parser("unlock", help="lift a wrong-PIN lockout now")
    unlock.add_argument("operator_id")
    unlock.set_defaults(handler=_unlock)

    set_pin = sub.add_parser("set-pin", help="give an operator a new PIN (asks for it)")
    set_pin.add_argument("operator_id")
    set_pin.add_argument("--pin-stdin", action="store_true", help="read the PIN from stdin")
    set_pin.set_defaults(handler=_set_pin)


def local_actor():  # type: ignore[no-untyped-def]
    from store_client.services.auth import Actor

    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = "unknown"
    return Actor(operator_id=f"cli:{user}", name=user, role=Role.IT_ADMIN)


def _run(args: argparse.Namespace, action) -> int:  # type: ignore[no-untyped-def]
    """Open the terminal (migrating it if no till holds it), build the service, run."""
    from store_client.bootstrap import open_existing
    from store_client.cli import UserError
    from store_client.persistence.lock import AlreadyRunning
    from store_client.services.audit import AuditLog
    from store_client.services.auth import AuthService
    from store_client.services.authorization import Authorizer
    from store_client.services.errors import ServiceError
    from store_client.services.operators import OperatorService

    config = cfg.load(args.config)
    try:
        terminal = open_existing(config)
    except AlreadyRunning:  # the running till has migrated it; share the database
        terminal = open_existing(config, exclusive=False)
    try:
        audit = AuditLog(terminal.clock)
        service = OperatorService(terminal.db, terminal.clock, audit,
                                  Authorizer(terminal.db, audit, terminal.clock))
        try:
            if args.as_operator:
                pin = getpass.getpass(f"PIN of operator {args.as_operator}: ")
                actor = AuthService(terminal.db, terminal.clock, audit).login(args.as_operator, pin)
            else:
                actor = local_actor()
            return action(service, actor) or 0
        except ServiceError as exc:
            raise UserError(exc.message) from None
    finally:
        terminal.close()


def _read_pin(args: argparse.Namespace) -> str:
    from store_client.cli import UserError

    if args.pin_stdin:
        return sys.stdin.readline().strip()
    first = getpass.getpass("New PIN: ")
    if getpass.getpass("Repeat the PIN: ") != first:
        raise UserError("the two PINs differ; nothing changed")
    return first


def _list(args: argparse.Namespace) -> int:
    def action(service, actor) -> None:  # type: ignore[no-untyped-def]
        print(f"{'ID':<16}  {'NAME':<24}  {'ROLE':<10}  {'STATE':<8}  LOCKED UNTIL (UTC)")
        for op in service.list_operators(actor):
            state = "active" if op.active else "inactive"
            until = f"{op.locked_until:%Y-%m-%d %H:%M:%S}" if op.locked_until else ""
            print(f"{op.operator_id:<16}  {op.name:<24}  {op.role.value:<10}  {state:<8}  {until}")

    return _run(args, action)


def _add(args: argparse.Namespace) -> int:
    pin = _read_pin(args)

    def action(service, actor) -> None:  # type: ignore[no-untyped-def]
        op = service.create_operator(actor, args.operator_id, args.name, args.role, pin)
        print(f"created {op.role.value} {op.operator_id} ({op.name})")

    return _run(args, action)


def _unlock(args: argparse.Namespace) -> int:
    def action(service, actor) -> None:  # type: ignore[no-untyped-def]
        service.unlock_operator(actor, args.operator_id)
        print(f"unlocked {args.operator_id}")

    return _run(args, action)


def _set_pin(args: argparse.Namespace) -> int:
    pin = _read_pin(args)

    def action(service, actor) -> None:  # type: ignore[no-untyped-def]
        service.set_pin(actor, args.operator_id, pin)
        print(f"new PIN set for {args.operator_id}")

    return _run(args, action)
