"""Where the terminal is wired together: config -> lock -> database -> migrations.

Everything that needs "the terminal" (the UI, the CLI commands, tests) gets it
from :func:`open_terminal`, so tests can open a real one on a temporary folder.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store_client import store_time
from store_client.clock import Clock, SystemClock
from store_client.config import PROVISION_HINT, Config
from store_client.persistence import migrate
from store_client.persistence.db import Database, DatabaseError, classify
from store_client.persistence.lock import InstanceLock
from store_client.persistence.migrations import HEAD

log = logging.getLogger(__name__)


class DatabaseMissing(DatabaseError):
    """A command that reads or changes the terminal's data found no database: it says so
    rather than create an empty one in the wrong place."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"There is no terminal database at {path}: this PC is not provisioned yet (or the "
            f"configuration names another data folder). Provision it with '{PROVISION_HINT}', "
            "or create an empty database with 'store-client db migrate'.")


class DatabaseNotMigrated(DatabaseError):
    def __init__(self, path: Path, revision: str | None) -> None:
        super().__init__(
            f"The terminal database {path} is at schema revision {revision or 'none'}, this "
            f"store-client needs {HEAD}. Run 'store-client db migrate' (it backs the database "
            "up first).")


@dataclass
class Terminal:
    config: Config
    db: Database
    clock: Clock
    lock: InstanceLock | None
    migration_backup: Path | None

    def close(self) -> None:
        self.db.close()
        if self.lock is not None:
            self.lock.release()


def open_terminal(config: Config, *, exclusive: bool = True, clock: Clock | None = None,
                  lock: InstanceLock | None = None) -> Terminal:
    """Open (and migrate) the terminal database named by ``config``.

    ``exclusive`` takes the one-instance lock (or uses ``lock``, already taken: the till
    takes it before its window shows); read-only tools (``audit verify``, ``db check``)
    pass False so they work next to a running till.
    """
    store_time.configure(config.time_zone)
    if exclusive:
        lock = lock or InstanceLock(config.data_dir)
        lock.acquire()
    else:
        lock = None
    try:
        db = Database(config.database_path)
        try:
            backup = migrate.upgrade(db.engine, config.database_path) if exclusive else None
        except Exception as exc:
            db.close()
            problem = classify(exc, config.database_path)
            if problem is not None:
                raise problem from None
            raise
        clock = clock or SystemClock()
        if exclusive:
            _forget_old_members(db, config, clock)
    except Exception:
        if lock is not None:
            lock.release()
        raise
    return Terminal(config=config, db=db, clock=clock, lock=lock, migration_backup=backup)


def _forget_old_members(db: Database, config: Config, clock: Clock) -> None:
    """The member cache's retention limits, applied each time the till opens its database."""
    from store_client.services import members

    with db.transaction() as s:
        gone = members.purge(s, now=clock.now(),
                             days=int(config.values.get("members.cache_days", members.CACHE_DAYS)),
                             keep=int(config.values.get("members.cache_max", members.CACHE_MAX)))
    if gone:
        log.info("member cache: %d member(s) not served here within the retention limits removed", gone)

def open_existing(config: Config, *, exclusive: bool = True,
                  clock: Clock | None = None) -> Terminal:
    """Open the terminal database for a command that needs its data: never creates it.

    An exclusive open migrates as the till does at start-up; a shared one (next to a
    running till) refuses a schema that is not current instead of failing on a missing
    table half-way through.
    """
    if not config.database_path.is_file():
        raise DatabaseMissing(config.database_path)
    terminal = open_terminal(config, exclusive=exclusive, clock=clock)
    if not exclusive:
        revision = migrate.current_revision(terminal.db.engine)
        if revision != HEAD:
            terminal.close()
            raise DatabaseNotMigrated(config.database_path, revision)
    return terminal


if TYPE_CHECKING:  # services are imported lazily by build_services (start-up time)
    from store_client.services.approvals import ApprovalService
    from store_client.services.audit import AuditLog
    from store_client.services.auth import AuthService
    from store_client.services.authorization import Authorizer
    from store_client.services.catalog import CatalogService
    from store_client.services.checkout import CheckoutService
    from store_client.services.cross_returns import CrossReturnsService
    from store_client.services.exchanges import ExchangeService
    from store_client.services.member_desk import MemberDesk
    from store_client.services.no_receipt_returns import NoReceiptReturnsService
    from store_client.services.operators import OperatorService
    from store_client.services.pickup import PickupService
    from store_client.services.returns import ReturnsService
    from store_client.services.shifts import ShiftService
    from store_client.services.stock_counts import StockCountService
    from sync.terminal.runner import SyncRunner


@dataclass
class Services:
    """The application services of one terminal, built in this one place."""

    audit: AuditLog
    auth: AuthService
    authorizer: Authorizer
    approvals: ApprovalService
    catalog: CatalogService
    operators: OperatorService
    checkout_factory: Callable[[], CheckoutService] | None = field(default=None, repr=False)
    sync_runner: SyncRunner | None = None  # set by the running app when HQ is configured
    pickup: PickupService | None = None
    returns_factory: Callable[[], ReturnsService] | None = field(default=None, repr=False)
    _returns: ReturnsService | None = field(default=None, init=False, repr=False)
    _returns_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    shifts_factory: Callable[[], ShiftService] | None = field(default=None, repr=False)
    _shifts: ShiftService | None = field(default=None, init=False, repr=False)
    _checkout: CheckoutService | None = field(default=None, init=False, repr=False)
    members_factory: Callable[[], MemberDesk] | None = field(default=None, repr=False)
    _members: MemberDesk | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    cross_returns_factory: Callable[[], CrossReturnsService] | None = field(default=None, repr=False)
    _cross_returns: CrossReturnsService | None = field(default=None, init=False, repr=False)
    stock_counts_factory: Callable[[], StockCountService] | None = field(default=None, repr=False)
    _stock_counts: StockCountService | None = field(default=None, init=False, repr=False)
    _exchanges: ExchangeService | None = field(default=None, init=False, repr=False)
    no_receipt_factory: Callable[[], NoReceiptReturnsService] | None = field(default=None, repr=False)
    _no_receipt: NoReceiptReturnsService | None = field(default=None, init=False, repr=False)

    @property
    def no_receipt_returns(self) -> NoReceiptReturnsService | None:
        """Returns without a receipt or member: built on first use."""
        with self._returns_lock:
            if self._no_receipt is None and self.no_receipt_factory is not None:
                self._no_receipt = self.no_receipt_factory()
            return self._no_receipt

    @property
    def stock_counts(self) -> StockCountService | None:
        """Stock counts (docs/stock.md): built on first use, like the checkout."""
        with self._lock:
            if self._stock_counts is None and self.stock_counts_factory is not None:
                self._stock_counts = self.stock_counts_factory()
            return self._stock_counts

    @property
    def cross_returns(self) -> CrossReturnsService | None:
        """Returns of other stores' sales and online orders: built on first use."""
        with self._returns_lock:
            if self._cross_returns is None and self.cross_returns_factory is not None:
                self._cross_returns = self.cross_returns_factory()
            return self._cross_returns

    def hq_client(self) -> Any:
        """A client for HQ (the sync runner's), or TransientError: this till is offline."""
        from sync.terminal.transport import TransientError

        runner = self.sync_runner
        if runner is None:
            raise TransientError("HQ is not configured on this till")
        return runner.client_factory()

    @property
    def checkout(self) -> CheckoutService | None:
        """Built on first use: the checkout (pricing, promotions, printing) is the heaviest
        import at start-up, and signing in needs none of it."""
        with self._lock:
            if self._checkout is None and self.checkout_factory is not None:
                self._checkout = self.checkout_factory()
            return self._checkout

    @checkout.setter
    def checkout(self, service: CheckoutService | None) -> None:
        """Put a ready service in place (another wiring, or a fake in UI tests)."""
        with self._lock:
            self._checkout = service

    @property
    def shifts(self) -> ShiftService | None:
        """Built on first use, like the checkout (and printing to the same queue)."""
        with self._lock:
            if self._shifts is None and self.shifts_factory is not None:
                self._shifts = self.shifts_factory()
            return self._shifts

    @shifts.setter
    def shifts(self, service: ShiftService | None) -> None:
        with self._lock:
            self._shifts = service

    @property
    def members(self) -> MemberDesk | None:
        """Built on first use: it reads HQ's token and the terminal's signing key."""
        with self._lock:
            if self._members is None and self.members_factory is not None:
                self._members = self.members_factory()
            return self._members

    @members.setter
    def members(self, desk: MemberDesk | None) -> None:
        with self._lock:
            self._members = desk

    @property
    def returns(self) -> ReturnsService | None:
        """Built on first use, like the checkout (whose payment adapter and printer it uses)."""
        with self._returns_lock:
            if self._returns is None and self.returns_factory is not None:
                self._returns = self.returns_factory()
            return self._returns

    @returns.setter
    def returns(self, service: ReturnsService | None) -> None:
        with self._returns_lock:
            self._returns = service

    @property
    def exchanges(self) -> ExchangeService | None:
        """Exchanges (services/exchanges.py) over this till's returns and checkout: one per
        terminal, since it holds the exchange in progress."""
        if self._exchanges is None:
            returns, checkout, cross = self.returns, self.checkout, self.cross_returns
            if returns is None or checkout is None:
                return None
            from store_client.services.exchanges import ExchangeService

            with self._lock:
                if self._exchanges is None or self._exchanges.checkout is not checkout:
                    self._exchanges = ExchangeService(returns, checkout, cross)
        return self._exchanges


def build_services(terminal: Terminal, *, print_queue: Any = None,
                   payments: Any = None) -> Services:
    """``payments`` defaults to the simulator in demo mode. ``print_queue`` is a started
    queue, None, or a callable that returns one (the app builds it in the background)."""
    from store_client.services.approvals import ApprovalService
    from store_client.services.audit import AuditLog
    from store_client.services.auth import AuthService
    from store_client.services.authorization import Authorizer
    from store_client.services.catalog import CatalogService
    from store_client.services.operators import OperatorService
    from store_client.services.pickup import PickupService

    db, clock = terminal.db, terminal.clock
    audit = AuditLog(clock)
    authorizer = Authorizer(db, audit, clock)
    catalog = CatalogService(db, currency=terminal.config.currency)

    key_lock = threading.Lock()
    key: list[Any] = []

    def receipt_key() -> Any:
        """The till's own signing key (made once in the data folder), for receipt proofs."""
        from sync.terminal.signing_key import load_or_create

        with key_lock:
            if not key:
                config = terminal.config
                key.append(load_or_create(config.data_dir, config.store_id, config.terminal_id))
            return key[0]

    def checkout() -> CheckoutService:
        from store_client.services.checkout import CheckoutService
        from store_client.services.payments import SimulatorAdapter

        adapter = payments
        if adapter is None and terminal.config.demo:
            adapter = SimulatorAdapter(online=True)
        queue = print_queue() if callable(print_queue) else print_queue
        from store_client.services.aisle import AisleService

        service = CheckoutService(db, clock, audit, authorizer, catalog, config=terminal.config,
                                  print_queue=queue, payments=adapter, receipt_key=receipt_key)
        service.aisle = AisleService(db, clock, audit, service, config=terminal.config)
        from store_client.services.store_credit import StoreCreditPayments

        service.store_credit = StoreCreditPayments(db, clock, audit, client=services.hq_client)
        return service

    def returns() -> ReturnsService:
        from store_client.services.returns import ReturnsService

        # The checkout's payment adapter and print queue: a mobile refund goes back through
        # the provider that took the payment, the receipt to the same printer.
        sale_side = services.checkout
        return ReturnsService(db, clock, audit, authorizer, config=terminal.config,
                              print_queue=getattr(sale_side, "print_queue", None),
                              payments=getattr(sale_side, "payments", None))

    def cross_returns() -> CrossReturnsService:
        from store_client.services.cross_returns import CrossReturnsService

        sale_side = services.checkout
        return CrossReturnsService(db, clock, audit, authorizer, config=terminal.config,
                                   client=services.hq_client, own_key=receipt_key,
                                   print_queue=getattr(sale_side, "print_queue", None),
                                   payments=getattr(sale_side, "payments", None))

    def no_receipt() -> NoReceiptReturnsService:
        from store_client.services.no_receipt_returns import NoReceiptReturnsService

        return NoReceiptReturnsService(db, clock, audit, authorizer, config=terminal.config,
                                       print_queue=getattr(services.checkout, "print_queue", None))

    def shifts() -> ShiftService:
        from store_client.services.shifts import ShiftService

        queue = print_queue() if callable(print_queue) else print_queue
        return ShiftService(db, clock, audit, authorizer, config=terminal.config,
                            print_queue=queue)

    def members() -> MemberDesk:
        from store_client.services.member_desk import MemberDesk
        from store_client.services.member_enrollment import MemberEnrollmentService
        from sync.terminal import signing_key
        from sync.terminal.session import hq_client_factory

        config = terminal.config
        client = hq_client_factory(terminal)

        def enrollment() -> MemberEnrollmentService | None:
            if not config["hq.url"]:
                return None
            return MemberEnrollmentService(
                db, clock, key=lambda: signing_key.load_or_create(config.data_dir, config.store_id,
                                                                  config.terminal_id),
                page_url=config["hq.url"], store_id=config.store_id, terminal_id=config.terminal_id,
                client=client)

        return MemberDesk(db, clock, audit, authorizer, catalog, client=client, enrollment=enrollment,
                          store_id=config.store_id)

    def stock_counts() -> StockCountService:
        from store_client.services.stock_counts import StockCountService

        config = terminal.config
        return StockCountService(db, clock, audit, authorizer, store_id=config.store_id,
                                 terminal_id=config.terminal_id, catalog=catalog, print_queue=print_queue,
                                 store_name=str(config.values.get("store.name", "") or ""))

    services = Services(
        audit=audit,
        auth=AuthService(db, clock, audit),
        authorizer=authorizer,
        approvals=ApprovalService(db, clock, audit),
        catalog=catalog,
        operators=OperatorService(db, clock, audit, authorizer),
        checkout_factory=checkout,
        returns_factory=returns,
        cross_returns_factory=cross_returns,
        no_receipt_factory=no_receipt,
        shifts_factory=shifts,
        members_factory=members,
        stock_counts_factory=stock_counts,
        pickup=PickupService(db, clock, audit, authorizer, config=terminal.config,
                             print_queue=print_queue),
    )
    from store_client.services.aisle_resolution import AisleResolutionService

    assert services.pickup is not None
    services.pickup.aisle_resolution = AisleResolutionService(  # type: ignore[attr-defined]
        db, clock, audit, authorizer, config=terminal.config, print_queue=print_queue)
    return services
