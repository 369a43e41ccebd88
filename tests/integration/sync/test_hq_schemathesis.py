"""Property-based tests of the reference HQ from docs/openapi.yaml (Schemathesis), over a real
socket: HQ never answers 5xx, and every answer has a documented status code, content type,
headers and response schema; a request without the token is refused.

Two of Schemathesis's checks do not apply to this protocol and are left out, on purpose:
``negative_data_rejection`` (an event that breaks its schema is *rejected per event* in a 200
answer, so one bad event never blocks a batch) and ``positive_data_acceptance`` (a
schema-valid cursor string can still be one HQ never issued: a 400). Bounded: a few dozen
examples per operation, no shrinking phase."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from schemathesis import checks
from hypothesis import HealthCheck, Phase, settings

from sync.hq.demo_data import seed_demo
from sync.hq.embedded import HQServer
from sync.hq.service import HQService, make_engine

SPEC = Path(__file__).resolve().parents[3] / "docs" / "openapi.yaml"
schema = schemathesis.openapi.from_path(SPEC)


@pytest.fixture(scope="module")
def live_hq(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    service = HQService(make_engine(f"sqlite:///{tmp_path_factory.mktemp('hq') / 'hq.sqlite3'}"))
    seed_demo(service)
    token = service.issue_token("S001", "T01")
    server = HQServer(service).start()
    yield server.url, token
    server.stop()
    service.engine.dispose()


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, print_blob=False,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_hq_keeps_its_contract(case, live_hq) -> None:  # type: ignore[no-untyped-def]
    url, token = live_hq
    case.call_and_validate(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=10,
                           excluded_checks=[checks.negative_data_rejection, checks.positive_data_acceptance])
