"""``store-client upgrade ...``: signed upgrades with self-test and roll-back.

``apply`` and ``status`` are for store IT on the PC; ``keygen`` and ``sign`` are for the
release team; ``self-test`` is what a new version runs on itself before it is switched on.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from store_client import config as cfg


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("upgrade", help="apply a signed upgrade (after the Z report)")
    sub = parser.add_subparsers(dest="upgrade_command", metavar="ACTION", required=True)
    apply = sub.add_parser("apply", help="verify and install a package; roll back on failure")
    apply.add_argument("package")
    apply.add_argument("--root", help="install folder holding versions/ and current "
                                      "(default: the one this program runs from)")
    apply.set_defaults(handler=_apply)
    verify = sub.add_parser("verify", help="check a package's signature only")
    verify.add_argument("package")
    verify.set_defaults(handler=_verify)
    sub.add_parser("status", help="the last upgrade's result").set_defaults(handler=_status)
    sub.add_parser("self-test", help=argparse.SUPPRESS).set_defaults(handler=_self_test)
    keygen = sub.add_parser("keygen", help="(release team) make a signing key pair")
    keygen.add_argument("private_key")
    keygen.add_argument("public_key")
    keygen.set_defaults(handler=_keygen)
    sign = sub.add_parser("sign", help="(release team) package and sign a version's folder")
    sign.add_argument("folder")
    sign.add_argument("--version", required=True)
    sign.add_argument("--key", required=True, help="the Ed25519 private key (PEM)")
    sign.add_argument("--out", required=True)
    sign.set_defaults(handler=_sign)


def _root(args: argparse.Namespace) -> Path:
    from store_client.cli import UserError

    if args.root:
        return Path(args.root)
    here = Path(sys.executable).resolve().parent
    if getattr(sys, "frozen", False) and here.parent.name == "versions":
        return here.parent.parent
    raise UserError("not running from an installed bundle: give the install folder with --root")


def _apply(args: argparse.Namespace) -> int:
    from store_client.cli import UserError
    from store_client.upgrade.install import Installation, UpgradeRefused, UpgradeRolledBack, apply

    config = cfg.load(args.config)
    try:
        manifest = apply(Installation(_root(args)), Path(args.package), config)
    except (UpgradeRefused, UpgradeRolledBack) as exc:
        raise UserError(str(exc)) from None
    print(f"upgraded to {manifest.version}; restart the till")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from store_client.cli import UserError
    from store_client.upgrade.package import PackageRefused, verify

    try:
        manifest = verify(Path(args.package))
    except PackageRefused as exc:
        raise UserError(f"package refused: {exc}") from None
    print(f"{args.package}: version {manifest.version}, signed by the release key")
    return 0


def _status(args: argparse.Namespace) -> int:
    from store_client.upgrade.install import read_status

    status = read_status(cfg.load(args.config))
    if status is None:
        print("no upgrade recorded on this PC")
        return 0
    for key, value in status.items():
        print(f"{key}: {value}")
    return 0 if status.get("result") == "applied" else 1


def _self_test(args: argparse.Namespace) -> int:
    from store_client.upgrade.selftest import SelfTestFailed, run_self_test

    try:
        for step in run_self_test(cfg.load(args.config)):
            print(step)
    except SelfTestFailed as exc:
        print(f"self-test failed: {exc}", file=sys.stderr)
        return 1
    print("self-test ok")
    return 0


def _keygen(args: argparse.Namespace) -> int:
    from store_client.upgrade.package import generate_key

    generate_key(Path(args.private_key), Path(args.public_key))
    print(f"private key {args.private_key} (keep it offline), public key {args.public_key}")
    return 0


def _sign(args: argparse.Namespace) -> int:
    from store_client.upgrade.package import build

    out = build(Path(args.folder), args.version, Path(args.key).read_bytes(), Path(args.out))
    print(out)
    return 0
