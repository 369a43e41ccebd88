"""The last receipt at the counter: its state for the cashier, and printing it again."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from printers.queue import JobStateError
from store_client.domain.roles import Role
from store_client.services import counter_receipts
from store_client.services.auth import Actor
from store_client.services.errors import Conflict, NotFound, ServiceError


@dataclass
class Job:
    state: str


@dataclass
class Queue:
    states: dict[int, str]
    calls: list[str] = field(default_factory=list)

    def job(self, job_id: int) -> Job:
        if job_id not in self.states:
            raise JobStateError(f"no print job {job_id}")
        return Job(self.states[job_id])

    def retry(self, job_id: int) -> None:
        self.calls.append(f"retry {job_id}")

    def reprint(self, job_id: int) -> int:
        self.calls.append(f"reprint {job_id}")
        return 99


class Transaction:
    def __enter__(self) -> object:
        return object()

    def __exit__(self, *exc: object) -> None:
        return None


@dataclass
class Checkout:
    print_queue: Queue | None
    audited: list[tuple[str, str, dict]] = field(default_factory=list)
    required: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        outer = self

        class Authorizer:
            def require(self, _actor: Actor, permission: str) -> None:
                outer.required.append(permission)

        class Audit:
            def append(self, _session: object, *, operator_id: str, action: str, target: str,
                       details: dict) -> None:
                outer.audited.append((action, target, details))

        class Db:
            def transaction(self) -> Transaction:
                return Transaction()

        self.authorizer, self.audit, self.db = Authorizer(), Audit(), Db()


ACTOR = Actor(operator_id="1001", name="Li", role=Role.CASHIER)


@pytest.mark.parametrize(("state", "shown"), [
    ("queued", "waiting"), ("sending", "waiting"), ("printed", "printed"), ("held", "failed"),
    ("uncertain", "failed"), ("cancelled", "failed")])
def test_each_job_state_is_one_of_four_counter_states(state: str, shown: str) -> None:
    assert counter_receipts.receipt_state(Queue({1: state}), 1) == shown


def test_no_printer_no_job_or_an_unknown_job_is_none() -> None:
    assert counter_receipts.receipt_state(None, 1) == "none"
    assert counter_receipts.receipt_state(Queue({}), None) == "none"
    assert counter_receipts.receipt_state(Queue({}), 7) == "none"


def test_a_printed_receipt_prints_again_as_a_copy_and_is_audited() -> None:
    checkout = Checkout(Queue({5: "printed"}))
    assert counter_receipts.reprint(checkout, ACTOR, 5) == 99
    assert checkout.print_queue.calls == ["reprint 5"]
    assert checkout.audited == [("print.reprint", "5", {"new_job": 99})]
    assert checkout.required == ["sale.ring"]


def test_a_held_receipt_never_came_out_so_the_original_goes_again() -> None:
    checkout = Checkout(Queue({5: "held"}))
    assert counter_receipts.reprint(checkout, ACTOR, 5) == 5
    assert checkout.print_queue.calls == ["retry 5"]


@pytest.mark.parametrize("state", ["queued", "sending"])
def test_a_receipt_still_waiting_is_not_printed_twice(state: str) -> None:
    checkout = Checkout(Queue({5: state}))
    with pytest.raises(Conflict) as refused:
        counter_receipts.reprint(checkout, ACTOR, 5)
    assert refused.value.code == "receipt.waiting"
    assert checkout.print_queue.calls == [] and checkout.audited == []


def test_without_a_printer_or_a_receipt_it_says_so() -> None:
    with pytest.raises(ServiceError) as no_printer:
        counter_receipts.reprint(Checkout(None), ACTOR, 5)
    assert no_printer.value.code == "receipt.no_printer"
    with pytest.raises(NotFound) as none:
        counter_receipts.reprint(Checkout(Queue({})), ACTOR, None)
    assert none.value.code == "receipt.none"
    with pytest.raises(NotFound):  # a job the queue no longer knows
        counter_receipts.reprint(Checkout(Queue({})), ACTOR, 8)
