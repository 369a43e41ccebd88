"""``store-client hq members ...``: HQ's side of the member features a store cannot set itself
(docs/members.md).

- ``display-confirm STORE on|off [--seconds N]``: the store setting that has the member
  confirm on the customer display before an associate sees what they browsed online
  (``store_settings`` row ``members``; off unless set).
- ``rotate-digest-key``: a new version of the chain-wide key of the phone digests, published
  to every store with the previous ones (old caches stay readable).
- ``birthday-coupons``: issue this year's birthday coupon to every member whose birthday
  month it is (once per member and year; run daily).
- ``set-details MEMBER [--birthday YYYY-MM-DD] [--address TEXT]``: what the member gave in
  the app or the CRM (sensitive: tills see the month and a masked address only).
"""

from __future__ import annotations

import argparse

from store_client.cli import UserError


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("members", help="member settings and jobs: display confirmation, digest key, birthdays")
    actions = parser.add_subparsers(dest="members_command", metavar="ACTION", required=True)
    confirm = actions.add_parser("display-confirm", help="the member confirms on the customer display first")
    confirm.add_argument("store")
    confirm.add_argument("state", choices=("on", "off"))
    confirm.add_argument("--seconds", type=int, default=60, help="how long the display waits (5-300)")
    confirm.set_defaults(handler=_display_confirm)
    rotate = actions.add_parser("rotate-digest-key", help="a new chain-wide phone digest key, to every store")
    rotate.set_defaults(handler=_rotate)
    birthdays = actions.add_parser("birthday-coupons", help="issue the birthday coupons due this month")
    birthdays.set_defaults(handler=_birthdays)
    details = actions.add_parser("set-details", help="a member's birthday and/or address")
    details.add_argument("member")
    details.add_argument("--birthday")
    details.add_argument("--address")
    details.set_defaults(handler=_set_details)


def _service(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from store_client.commands.hq_cmd import _service as service_of

    return service_of(args)


def _display_confirm(args: argparse.Namespace) -> int:
    if not 5 <= args.seconds <= 300:
        raise UserError("--seconds must be between 5 and 300")
    with _service(args) as service:
        service.publish("store_settings", "members", {"display_confirm": args.state == "on",
                                                      "display_confirm_seconds": args.seconds}, scope=args.store)
    print(f"store {args.store}: member confirms on the customer display: {args.state}")
    return 0


def _rotate(args: argparse.Namespace) -> int:
    from sync.hq.member_digest import MemberDigestKeys

    with _service(args) as service:
        keys = MemberDigestKeys(service.engine)
        version = keys.rotate()
        stores = keys.publish(service)
    print(f"phone digest key version {version}, sent to {stores} stores")
    return 0


def _birthdays(args: argparse.Namespace) -> int:
    from sync.hq.member_birthday import BirthdayCoupons

    with _service(args) as service:
        due = BirthdayCoupons(service.engine, lambda ds, key, row: service.publish(ds, key, row)).issue_due()
    print(f"birthday coupons: {due} members in their birthday month (each issued once a year)")
    return 0


def _set_details(args: argparse.Namespace) -> int:
    from sync.hq.member_details import set_details
    from sync.hq.members import MemberError

    if args.birthday is None and args.address is None:
        raise UserError("give --birthday and/or --address")
    with _service(args) as service:
        try:
            set_details(service.engine, args.member, birthday=args.birthday, address=args.address)
        except MemberError as exc:
            raise UserError(f"{exc.code}: {exc}") from None
    print(f"member {args.member}: details recorded")  # never the values: they are sensitive
    return 0
