"""bootstrap.build_services: the one place services are wired."""

from __future__ import annotations

import threading

from store_client.bootstrap import build_services


def test_checkout_is_built_once_on_first_use_even_from_two_threads(terminal):
    calls = []

    def queue():  # type: ignore[no-untyped-def]
        calls.append(threading.current_thread().name)
        return None

    services = build_services(terminal, print_queue=queue)
    assert calls == []  # nothing built at start-up
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(services.checkout)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(calls) == 1
    assert len({id(s) for s in seen}) == 1 and seen[0] is services.checkout
    assert services.checkout.print_queue is None


def test_a_queue_object_is_passed_through(terminal):
    marker = object()
    services = build_services(terminal, print_queue=marker)
    assert services.checkout.print_queue is marker


def test_demo_terminals_get_the_payment_simulator_and_others_none(tmp_path, clock):
    from store_client.bootstrap import open_terminal
    from store_client.services.payments import SimulatorAdapter
    from tests.conftest import make_config

    term = open_terminal(make_config(tmp_path / "demo", demo={"enabled": True}), clock=clock)
    try:
        assert isinstance(build_services(term).checkout.payments, SimulatorAdapter)
    finally:
        term.close()
    term = open_terminal(make_config(tmp_path / "real"), clock=clock)
    try:
        assert build_services(term).checkout.payments is None
    finally:
        term.close()
