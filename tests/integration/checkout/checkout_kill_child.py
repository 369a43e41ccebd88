"""The kill test's till: rings up and completes sales for ever, reporting each commit.

``python checkout_kill_child.py DATA_DIR SEED``. After each change it prints
``V <cart_id> <version> <fingerprint of the lines>`` and after each sale
``S <cart_id> <sale_id> <receipt_no>``, always after the commit, so the parent knows a
lower bound of what is on disk and, for the last version, exactly what it holds. Carts
grow to a random size of up to 60 lines, and quantities are changed on lines anywhere
in the cart (lines are stored one row each; a change writes only the rows it touches).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
sys.path.insert(0, str(HERE))

from checkout_seed import SHAMPOO, TOOTHPASTE, WATER, apple_weight_code, fingerprint

from store_client import config as cfg
from store_client.bootstrap import open_terminal
from store_client.domain.roles import Role
from store_client.services.audit import AuditLog
from store_client.services.auth import Actor
from store_client.services.authorization import Authorizer
from store_client.services.catalog import CatalogService
from store_client.services.checkout import CheckoutService
from store_client.services.shifts import ShiftService


def say(*parts: object) -> None:
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def main() -> None:
    data_dir, seed = Path(sys.argv[1]), int(sys.argv[2])
    rnd = random.Random(seed)
    config = cfg.from_mapping({"store": {"store_id": "S001", "terminal_id": "T01"},
                               "data": {"dir": str(data_dir)}})
    terminal = open_terminal(config)
    audit = AuditLog(terminal.clock)
    checkout = CheckoutService(terminal.db, terminal.clock, audit,
                               Authorizer(terminal.db, audit, terminal.clock),
                               CatalogService(terminal.db), config=config)
    cashier = Actor("c1", "王芳", Role.CASHIER)
    shifts = ShiftService(terminal.db, terminal.clock, audit,
                          Authorizer(terminal.db, audit, terminal.clock), config=config)
    if shifts.current() is None:  # the till sells only in a shift (kept open across kills)
        shifts.open_shift(cashier, total_fen=0)
    view = checkout.current_cart(cashier)
    say("READY", view.cart_id, view.version, len(view.lines))
    codes = [SHAMPOO, TOOTHPASTE, WATER, apple_weight_code(500)]
    size = rnd.randint(1, 60)

    def report(view) -> None:  # type: ignore[no-untyped-def]
        say("V", view.cart_id, view.version,
            fingerprint((ln.line_id, ln.sku, ln.quantity) for ln in view.lines))

    while True:
        view = checkout.current_cart(cashier)
        if view.tenders or (view.lines and len(view.lines) >= size):
            if view.due_fen:
                view = checkout.add_tender(cashier, "cash", view.due_fen + rnd.choice((0, 50)))
                report(view)
            done = checkout.complete(cashier, cart_id=view.cart_id)
            say("S", view.cart_id, done.sale_id, done.receipt_no)
            size = rnd.randint(1, 60)
        elif view.lines and rnd.random() < 0.3:
            line = rnd.choice([ln for ln in view.lines if ln.unit == "each"] or [None])
            if line is not None:
                report(checkout.set_quantity(cashier, line.line_id, rnd.randint(1, 9)))
        else:
            report(checkout.scan(cashier, rnd.choice(codes)).cart)


if __name__ == "__main__":
    main()
